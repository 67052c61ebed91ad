'use strict';
// BullMQ `process`: N no-op jobs are queued first (untimed); then ONE Worker drains them.
// Timed from just before `new Worker(...)` (which starts it: autorun) until the worker has
// emitted 'completed' for the N-th job, i.e. every job is finished and moved to completed.
// Run twice on separate queues: concurrency C (default 8, jobs_per_s) and 1 (jobs_per_s_c1).
const { performance } = require('node:perf_hooks');
const { Queue, Worker } = require('bullmq');
const { parseArgs, connectionFromUrl, uniqueQueueName, log, emit } = require('./common');

const PREFILL_CHUNK = 1000;

async function prefill(queue, n) {
  // Untimed. addBulk only to keep the untimed part short; same jobs as Queue.add('noop', {}).
  for (let done = 0; done < n; done += PREFILL_CHUNK) {
    const k = Math.min(PREFILL_CHUNK, n - done);
    await queue.addBulk(Array.from({ length: k }, () => ({ name: 'noop', data: {} })));
  }
  const waiting = await queue.getWaitingCount();
  if (waiting !== n) throw new Error(`prefill put ${waiting} jobs on ${queue.name}, expected ${n}`);
}

async function run(connection, jobs, concurrency) {
  const queue = new Queue(uniqueQueueName('process'), { connection });
  await prefill(queue, jobs);
  log(`bullmq process: Worker concurrency=${concurrency} draining ${jobs} jobs from ${queue.name}`);
  let completed = 0;
  let failed = 0;
  let t0;
  const done = new Promise((resolve, reject) => {
    t0 = performance.now();
    const worker = new Worker(queue.name, async () => undefined, { connection, concurrency });
    worker.on('completed', () => {
      if (++completed === jobs) resolve({ worker, elapsed: (performance.now() - t0) / 1000 });
    });
    worker.on('failed', (job, err) => { failed++; reject(err); });
    worker.on('error', reject);
  });
  const { worker, elapsed } = await done;
  await worker.close();
  const counts = await queue.getJobCounts('completed', 'failed', 'waiting', 'active');
  await queue.close();
  log(`bullmq process: concurrency=${concurrency}: ${jobs} jobs in ${elapsed.toFixed(3)} s ${JSON.stringify(counts)}`);
  if (counts.completed !== jobs || counts.failed || counts.waiting || counts.active || failed) {
    throw new Error('not every job finished');
  }
  return jobs / elapsed;
}

async function main() {
  const a = parseArgs();
  const connection = connectionFromUrl(a.redisUrl);
  emit('jobs_per_s', await run(connection, a.jobs, a.concurrency));
  emit('jobs_per_s_c1', await run(connection, a.jobs, 1));
}

main().catch((e) => { log(e.stack || String(e)); process.exit(1); });
