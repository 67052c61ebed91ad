'use strict';
// BullMQ `latency`: a producer adds jobs at an offered rate R jobs/s for S seconds while one
// Worker (separate node process, concurrency C, default 8) consumes. Each job's data is its
// enqueue timestamp (wall clock ms, taken just before Queue.add); the job records its start
// time minus that. Prints nearest-rank p50/p95/p99 in ms over all R*S jobs and the count.
const { fork } = require('node:child_process');
const path = require('node:path');
const { performance } = require('node:perf_hooks');
const { Queue } = require('bullmq');
const {
  parseArgs, connectionFromUrl, uniqueQueueName, wallMs, log, emit, percentile, sleep,
} = require('./common');

async function main() {
  const a = parseArgs();
  const total = Math.round(a.rate * a.seconds);
  const connection = connectionFromUrl(a.redisUrl);
  const queue = new Queue(uniqueQueueName('latency'), { connection });
  await queue.waitUntilReady();

  const child = fork(
    path.join(__dirname, 'latency-worker.js'),
    [queue.name, String(total), String(a.concurrency), JSON.stringify(connection)],
    { stdio: ['ignore', process.stderr, process.stderr, 'ipc'] },
  );
  let onReady;
  let onResult;
  const ready = new Promise((r) => { onReady = r; });
  const result = new Promise((r) => { onResult = r; });
  child.on('message', (m) => { if (m.ready) onReady(); if (m.latencies) onResult(m.latencies); });
  const exitCode = new Promise((r) => child.on('exit', (code) => r(code)));
  const failIfExited = exitCode.then((code) => {
    if (code !== 0) throw new Error(`worker exited with ${code}`);
    return result; // exited cleanly: its results message is still on its way
  });
  const watchdog = setTimeout(() => { log('bullmq latency: timed out'); child.kill(); process.exit(1); },
    Math.max(60, a.seconds * 3) * 1000 + 30000);

  await Promise.race([ready, failIfExited]);
  await sleep(500); // let the worker settle into its blocking fetch

  log(`bullmq latency: queue=${queue.name} rate=${a.rate}/s seconds=${a.seconds} jobs=${total} concurrency=${a.concurrency}`);
  const interval = 1000 / a.rate;
  let late = 0;
  const t0 = performance.now();
  for (let i = 0; i < total; i++) {
    const delay = t0 + i * interval - performance.now();
    if (delay > 0) await sleep(delay);
    else if (delay < -5) late++;
    await queue.add('latency', { enqueuedAtMs: wallMs() });
  }
  const produced = (performance.now() - t0) / 1000;
  log(`bullmq latency: produced ${total} jobs in ${produced.toFixed(3)} s (achieved ${(total / produced).toFixed(1)}/s, ${late} sent >5 ms late)`);

  const lat = await Promise.race([result, failIfExited]);
  if ((await exitCode) !== 0) throw new Error('worker failed');
  clearTimeout(watchdog);
  await queue.close();
  if (lat.length !== total) throw new Error(`expected ${total} measurements, got ${lat.length}`);
  lat.sort((x, y) => x - y);
  log(`bullmq latency: min ${lat[0].toFixed(2)} ms, max ${lat[lat.length - 1].toFixed(2)} ms`);
  emit('p50_ms', percentile(lat, 50));
  emit('p95_ms', percentile(lat, 95));
  emit('p99_ms', percentile(lat, 99));
  emit('jobs', lat.length);
}

main().catch((e) => { log(e.stack || String(e)); process.exit(1); });
