'use strict';
// BullMQ `bulk`: one client adds N no-op jobs with Queue.addBulk in chunks of 1000, awaiting
// each chunk before the next.
const { performance } = require('node:perf_hooks');
const { Queue } = require('bullmq');
const { parseArgs, connectionFromUrl, uniqueQueueName, log, emit } = require('./common');

const CHUNK = 1000;

async function main() {
  const a = parseArgs();
  const queue = new Queue(uniqueQueueName('bulk'), { connection: connectionFromUrl(a.redisUrl) });
  await queue.waitUntilReady(); // connect before the clock starts
  log(`bullmq bulk: queue=${queue.name} jobs=${a.jobs} chunk=${CHUNK}`);
  const t0 = performance.now();
  for (let done = 0; done < a.jobs; done += CHUNK) {
    const k = Math.min(CHUNK, a.jobs - done);
    await queue.addBulk(Array.from({ length: k }, () => ({ name: 'noop', data: {} })));
  }
  const elapsed = (performance.now() - t0) / 1000;
  const n = await queue.getWaitingCount();
  await queue.close();
  if (n !== a.jobs) throw new Error(`expected ${a.jobs} waiting jobs, found ${n}`);
  log(`bullmq bulk: ${a.jobs} jobs in ${elapsed.toFixed(3)} s`);
  emit('jobs_per_s', a.jobs / elapsed);
}

main().catch((e) => { log(e.stack || String(e)); process.exit(1); });
