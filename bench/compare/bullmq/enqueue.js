'use strict';
// BullMQ `enqueue`: one client adds N no-op jobs to one queue, awaiting each Queue.add()
// before the next (no addBulk, no concurrent adds).
const { performance } = require('node:perf_hooks');
const { Queue } = require('bullmq');
const { parseArgs, connectionFromUrl, uniqueQueueName, log, emit } = require('./common');

async function main() {
  const a = parseArgs();
  const queue = new Queue(uniqueQueueName('enqueue'), { connection: connectionFromUrl(a.redisUrl) });
  await queue.waitUntilReady(); // connect before the clock starts
  log(`bullmq enqueue: queue=${queue.name} jobs=${a.jobs}`);
  const t0 = performance.now();
  for (let i = 0; i < a.jobs; i++) {
    await queue.add('noop', {});
  }
  const elapsed = (performance.now() - t0) / 1000;
  const n = await queue.getWaitingCount();
  await queue.close();
  if (n !== a.jobs) throw new Error(`expected ${a.jobs} waiting jobs, found ${n}`);
  log(`bullmq enqueue: ${a.jobs} jobs in ${elapsed.toFixed(3)} s`);
  emit('jobs_per_s', a.jobs / elapsed);
}

main().catch((e) => { log(e.stack || String(e)); process.exit(1); });
