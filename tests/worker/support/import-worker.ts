// A real worker in its own process (the runs are runJobOn's: the import job over the configured inbox and store),
// for the test that kills a worker mid-import. Env: DATABASE_URL, SETTINGS (the settings file as JSON: inbox, import,
// worker), WORKER_NAME, ENQUEUE (a job to queue once started). Prints `ready` once started; runs until killed.
import { isLeft } from 'fp-ts/lib/Either.js';
import { loadConfig } from '../../../src/composition/config.ts';
import type { JobName } from '../../../src/composition/jobs.ts';
import { startWorker } from '../../../src/worker/worker.ts';

const config = loadConfig(JSON.parse(process.env.SETTINGS ?? '{}') as unknown, {
  DATABASE_URL: process.env.DATABASE_URL,
});
if (isLeft(config)) throw new Error(config.left.problems.join('; '));
const worker = await startWorker({
  config: config.right,
  worker: process.env.WORKER_NAME ?? 'import-worker',
  schedules: [],
  tuning: { pollingIntervalSeconds: 0.5, superviseIntervalSeconds: 1 },
});
if (isLeft(worker)) throw new Error(JSON.stringify(worker.left));
process.stdout.write('ready\n');
const job = process.env.ENQUEUE ?? '';
if (job !== '') {
  const queued = await worker.right.enqueue({ job: job as JobName, parameters: {} });
  if (isLeft(queued)) throw new Error(queued.left.reason);
}
