// A real worker in its own process running the Shopify jobs (runJobOn over the configured store, outbox and shop),
// for the test of two workers sharing an SFTP outbox. Env: DATABASE_URL, SHOPIFY_ACCESS_TOKEN, SFTP_PRIVATE_KEY,
// SETTINGS (the settings file as JSON), WORKER_NAME. Prints `ready` once started; each line on stdin is a job request
// as JSON ({ job, parameters }) to queue. Runs until killed.
import { createInterface } from 'node:readline';
import { isLeft } from 'fp-ts/lib/Either.js';
import { loadConfig } from '../../../src/composition/config.ts';
import type { JobName } from '../../../src/composition/jobs.ts';
import { startWorker } from '../../../src/worker/worker.ts';

const config = loadConfig(JSON.parse(process.env.SETTINGS ?? '{}') as unknown, process.env);
if (isLeft(config)) throw new Error(config.left.problems.join('; '));
const worker = await startWorker({
  config: config.right,
  worker: process.env.WORKER_NAME ?? 'shopify-worker',
  schedules: [],
  tuning: { pollingIntervalSeconds: 0.5, superviseIntervalSeconds: 1 },
});
if (isLeft(worker)) throw new Error(JSON.stringify(worker.left));
process.stdout.write('ready\n');
for await (const line of createInterface({ input: process.stdin })) {
  const request = JSON.parse(line) as { job: JobName; parameters: Record<string, string> };
  const queued = await worker.right.enqueue(request);
  process.stdout.write(isLeft(queued) ? `not queued: ${queued.left.reason}\n` : `queued ${request.job}\n`);
}
