// A real worker in its own process with pg-boss's cron monitor tuned to look every second, for the tests of
// schedules set through the console's job control. Env: DATABASE_URL, SETTINGS (the settings file as JSON),
// WORKER_NAME. Its schedules are the settings' (they seed the database). Prints `ready` once started; runs until
// killed or sent SIGTERM.
import { isLeft } from 'fp-ts/lib/Either.js';
import { loadConfig } from '../../../src/composition/config.ts';
import { startWorker } from '../../../src/worker/worker.ts';

const config = loadConfig(JSON.parse(process.env.SETTINGS ?? '{}') as unknown, {
  DATABASE_URL: process.env.DATABASE_URL,
});
if (isLeft(config)) throw new Error(config.left.problems.join('; '));
const worker = await startWorker({
  config: config.right,
  worker: process.env.WORKER_NAME ?? 'schedule-worker',
  tuning: {
    pollingIntervalSeconds: 0.5,
    superviseIntervalSeconds: 1,
    cronMonitorIntervalSeconds: 1,
    cronWorkerIntervalSeconds: 1,
  },
});
if (isLeft(worker)) throw new Error(JSON.stringify(worker.left));
process.stdout.write('ready\n');
process.once('SIGTERM', () => void worker.right.stop().then(() => process.exit(0)));
