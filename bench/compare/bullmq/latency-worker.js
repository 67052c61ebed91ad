'use strict';
// Worker half of the BullMQ `latency` workload, forked by latency.js (not meant to be run
// alone). One Worker with the given concurrency; each job records wallMs() - job.data.enqueuedAtMs
// at its start into an in-process array (no I/O, so no distortion of the following jobs).
// After the expected number of jobs it closes and sends the array to the parent over IPC.
const { Worker } = require('bullmq');
const { wallMs, log } = require('./common');

async function main() {
  const [queueName, expectedStr, concurrencyStr, connectionJson] = process.argv.slice(2);
  const expected = Number(expectedStr);
  const latencies = [];
  let completed = 0;
  let resolveDone;
  const done = new Promise((r) => { resolveDone = r; });
  const worker = new Worker(
    queueName,
    async (job) => {
      latencies.push(wallMs() - job.data.enqueuedAtMs);
      return undefined;
    },
    { connection: JSON.parse(connectionJson), concurrency: Number(concurrencyStr) },
  );
  worker.on('completed', () => { if (++completed === expected) resolveDone(); });
  worker.on('failed', (job, err) => log(`bullmq latency worker: job ${job && job.id} failed: ${err}`));
  worker.on('error', (err) => log(`bullmq latency worker: ${err}`));
  await worker.waitUntilReady();
  process.send({ ready: true });
  await done;
  await worker.close();
  process.send({ latencies }, () => process.exit(0));
}

main().catch((e) => { log(e.stack || String(e)); process.exit(1); });
