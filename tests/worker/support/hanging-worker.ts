// A worker in its own process whose runs never end, for the test that kills a worker mid-run with SIGKILL.
// Env: DATABASE_URL (the test's database), WORKER_FILE (the worker section as JSON), ENQUEUE (job:facilityGroupId
// to queue once started). Prints `ready` once started and `started <job> <facilityGroupId> <runId> <leaseMs>` when
// a run begins, after taking the run's store lease `<job>:<shop>` as runJob does (renewed at a third of leaseMs);
// it then hangs until killed.
import { isLeft } from 'fp-ts/lib/Either.js';
import { openPostgresInventoryStore } from '../../../src/adapters/persistence/postgres-inventory-store.ts';
import { loadConfig } from '../../../src/composition/config.ts';
import type { JobName } from '../../../src/composition/jobs.ts';
import { startWorker } from '../../../src/worker/worker.ts';

const config = loadConfig(
  {
    inventoryStore: { postgres: {} },
    shopify: { shop: 'worker-test.myshopify.com' },
    worker: JSON.parse(process.env.WORKER_FILE ?? '{}') as unknown,
  },
  { DATABASE_URL: process.env.DATABASE_URL, SHOPIFY_ACCESS_TOKEN: 'shpat_hanging_worker_token' },
);
if (isLeft(config)) throw new Error(config.left.problems.join('; '));
const store = await openPostgresInventoryStore({ url: process.env.DATABASE_URL ?? '' });
const worker = await startWorker({
  config: config.right,
  worker: 'hanging-worker',
  schedules: [],
  logger: () => undefined,
  tuning: { pollingIntervalSeconds: 0.5, superviseIntervalSeconds: 1 },
  run: async (_config, request, context) => {
    const leaseMs = context.leaseMs ?? 10 * 60_000;
    const take = () => {
      const now = new Date();
      return store.acquireJobLock(
        `${request.job}:worker-test.myshopify.com`,
        context.worker,
        new Date(now.getTime() + leaseMs),
        now,
      )();
    };
    const held = await take();
    if (isLeft(held) || !held.right) throw new Error('the lease was not free');
    setInterval(() => void take(), leaseMs / 3);
    process.stdout.write(
      `started ${request.job} ${request.parameters.facilityGroupId ?? '-'} ${context.runId ?? '-'} ${context.leaseMs ?? '-'}\n`,
    );
    return new Promise<never>(() => undefined);
  },
});
if (isLeft(worker)) throw new Error(JSON.stringify(worker.left));
process.stdout.write('ready\n');
const [job, facilityGroupId] = (process.env.ENQUEUE ?? '').split(':');
if (job !== undefined && job !== '') {
  const queued = await worker.right.enqueue({
    job: job as JobName,
    parameters: facilityGroupId === undefined ? {} : { facilityGroupId },
  });
  if (isLeft(queued)) throw new Error(queued.left.reason);
}
