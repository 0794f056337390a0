import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { loadConfig, type Config } from '../../src/composition/config.ts';
import { openLiveStore, runJob, runJobOn, validateRequest, type LiveStore } from '../../src/composition/jobs.ts';
import { run } from '../support/run.ts';
import { shopifyScenario, TOKEN } from '../support/shopify-scenario.ts';

// runJobOn over one SQLite store opened once, the local Shopify server as the shop.
const setUp = async () => {
  const dir = mkdtempSync(join(tmpdir(), 'oms-inventory-sync-jobs-'));
  mkdirSync(join(dir, 'inbox'));
  const settings = {
    inventoryStore: { sqlite: { file: join(dir, 'inventory.sqlite') } },
    inbox: { local: { root: join(dir, 'inbox') } },
    outbox: { local: { root: join(dir, 'outbox') } },
  };
  const first = loadConfig(settings, {});
  if (first._tag === 'Left') throw new Error(first.left.problems.join('; '));
  const opened = await openLiveStore(first.right)();
  if (opened._tag === 'Left') throw new Error(opened.left.reason);
  const s = await shopifyScenario(opened.right.store);
  const config = loadConfig(
    { ...settings, shopify: { shop: s.server.shopDomain, adminUrl: s.server.url } },
    { SHOPIFY_ACCESS_TOKEN: TOKEN },
  );
  if (config._tag === 'Left') throw new Error(config.left.problems.join('; '));
  const live: LiveStore = { ...opened.right, config: config.right };
  return {
    live,
    config: config.right as Config,
    server: s.server,
    dispose: async () => {
      await live.close();
      await s.dispose();
      rmSync(dir, { recursive: true, force: true });
    },
  };
};

const request = (job: 'map-products' | 'hard-sync' | 'verify', parameters: Record<string, string> = {}) => {
  const checked = validateRequest(job, parameters);
  if (checked._tag === 'Left') throw new Error(checked.left.problems.join('; '));
  return checked.right;
};

const jobs = suite('runJobOn: the process’s one store, the job’s lease, the run log');

jobs('requests are checked against the catalogue: required, optional and unknown parameters', () => {
  assert.is(validateRequest('hard-sync', { facilityGroupId: 'G' })._tag, 'Right');
  assert.is(validateRequest('verify', { facilityGroupId: 'G', sample: '10' })._tag, 'Right');
  const problems = (job: string, parameters: Record<string, string>) => {
    const r = validateRequest(job, parameters);
    return r._tag === 'Left' ? r.left.problems : [];
  };
  assert.equal(problems('hard-sync', {}), ['hard-sync needs the parameter facilityGroupId']);
  assert.equal(problems('import', { facilityGroupId: 'G' }), ["import takes no parameter 'facilityGroupId'"]);
  assert.equal(problems('verify', { facilityGroupId: 'G', sample: '0' }), [
    "sample must be a whole number from 1, got '0'",
  ]);
  assert.match(problems('nightly', {})[0] ?? '', /unknown job 'nightly'/);
});

jobs('runs jobs one after another over one open store, each recorded in the run log', async () => {
  const t = await setUp();
  try {
    const mapped = await runJobOn(t.live, request('map-products'), { worker: 'w1' });
    assert.is(mapped._tag, 'Right');
    const synced = await runJobOn(t.live, request('hard-sync', { facilityGroupId: 'SHOPIFY_US' }), { worker: 'w1' });
    assert.ok(synced._tag === 'Right' && synced.right.status === 'succeeded');
    assert.is(synced._tag === 'Right' ? synced.right.counts.lines : -1, 3);
    // The store is still open after the runs: it belongs to the process, not to a run.
    const runs = await run(t.live.store.listRuns({ limit: 10 }));
    assert.equal(
      runs.map((r) => [r.job, r.outcome, r.worker]),
      [
        ['hard-sync', 'succeeded', 'w1'],
        ['map-products', 'succeeded', 'w1'],
      ],
    );
  } finally {
    await t.dispose();
  }
});

jobs('a run whose lease another owner holds does nothing and says so; the lease stays with its owner', async () => {
  const t = await setUp();
  try {
    const now = new Date();
    const lock = `map-products:${t.server.shopDomain}`;
    assert.ok(await run(t.live.store.acquireJobLock(lock, 'other', new Date(now.getTime() + 60_000), now)));
    const skipped = await runJobOn(t.live, request('map-products'), { worker: 'w1' });
    assert.ok(skipped._tag === 'Right' && skipped.right.status === 'skipped' && skipped.right.report === null);
    assert.not.ok(
      await run(t.live.store.acquireJobLock(lock, 'w1', new Date(now.getTime() + 60_000), now)),
      'still held by the other owner',
    );
    const [recorded] = await run(t.live.store.listRuns({ limit: 10, at: new Date() }));
    assert.equal(
      [recorded?.runId, recorded?.job, recorded?.outcome, recorded?.finishedAt === null],
      [skipped._tag === 'Right' ? skipped.right.runId : '', 'map-products', 'skipped', false],
      'recorded as skipped',
    );
  } finally {
    await t.dispose();
  }
});

jobs('the lease is released on every path out: after a success and after a failure', async () => {
  const t = await setUp();
  try {
    const lock = `verify:${t.server.shopDomain}`;
    const failed = await runJobOn(t.live, request('verify', { facilityGroupId: 'NO_SUCH_GROUP' }), { worker: 'w1' });
    assert.ok(failed._tag === 'Left' && failed.left._tag === 'JobFailed');
    assert.match(failed._tag === 'Left' && failed.left._tag === 'JobFailed' ? failed.left.reason : '', /NotFound/);
    const now = new Date();
    assert.ok(
      await run(t.live.store.acquireJobLock(lock, 'someone-else', new Date(now.getTime() + 60_000), now)),
      'released after the failure',
    );
    await run(t.live.store.releaseJobLock(lock, 'someone-else'));
    const done = await runJobOn(t.live, request('verify', { facilityGroupId: 'SHOPIFY_US' }), { worker: 'w1' });
    assert.is(done._tag, 'Right');
    assert.ok(
      await run(t.live.store.acquireJobLock(lock, 'someone-else', new Date(now.getTime() + 60_000), now)),
      'released after the success',
    );
    const runs = await run(t.live.store.listRuns({ job: 'verify', limit: 10, at: new Date() }));
    assert.equal(
      runs.map((r) => r.outcome),
      ['succeeded', 'failed'],
    );
    // Each run kept a heartbeat while it held its lease.
    assert.ok(runs.every((r) => r.leaseUntil !== null && r.leaseUntil.getTime() > r.startedAt.getTime()));
  } finally {
    await t.dispose();
  }
});

jobs('a run that loses its lease stops at its next store call and fails retriably', async () => {
  const t = await setUp();
  try {
    const lock = `map-products:${t.server.shopDomain}`;
    // Another owner takes the lease over as soon as the run has started (its lease lapsed, say): the next renewal
    // finds it gone.
    const store = t.live.store;
    let stolen = false;
    const live: LiveStore = {
      ...t.live,
      store: {
        ...store,
        productSkus: (after, limit, toMapIn) => async () => {
          if (!stolen) {
            stolen = true;
            const now = new Date();
            await store.releaseJobLock(lock, 'w1')();
            await store.acquireJobLock(lock, 'thief', new Date(now.getTime() + 60_000), now)();
            await new Promise((resolve) => setTimeout(resolve, 120));
          }
          return store.productSkus(after, limit, toMapIn)();
        },
      },
    };
    const result = await runJobOn(live, request('map-products'), { worker: 'w1', leaseMs: 90 });
    assert.ok(result._tag === 'Left' && result.left._tag === 'JobFailed', JSON.stringify(result));
    if (result._tag === 'Left' && result.left._tag === 'JobFailed') {
      assert.is(result.left.retriable, true);
      assert.match(result.left.reason, /JobLockLost/);
    }
    const mapped = await run(store.productSkus(null, 10));
    assert.is(mapped.length, 3, 'the products are still there');
    const now = new Date();
    assert.not.ok(
      await run(store.acquireJobLock(lock, 'w1', new Date(now.getTime() + 60_000), now)),
      'the thief keeps the lease: the run released only its own',
    );
  } finally {
    await t.dispose();
  }
});

jobs('runJob opens a store of its own and closes it; a bad store location is a start failure', async () => {
  const t = await setUp();
  try {
    const result = await runJob(t.config, request('map-products'), { worker: 'w2' });
    assert.is(result._tag, 'Right');
    const broken = loadConfig({ inventoryStore: { postgres: {} } }, { DATABASE_URL: 'postgres://127.0.0.1:1/none' });
    if (broken._tag === 'Left') throw new Error(broken.left.problems.join('; '));
    const refused = await runJob(broken.right, request('map-products'), { worker: 'w2' });
    assert.ok(refused._tag === 'Left' && refused.left._tag === 'JobStartFailed' && refused.left.retriable);
  } finally {
    await t.dispose();
  }
});

jobs.run();
