// Two real worker processes on pg-boss, each with local folders of its own (inbox, download copies), sharing one
// PostgreSQL store whose database keeps the feeds (the outbox's default with PostgreSQL: no `outbox` setting):
// whichever worker takes a Process uploads applies every feed, whichever worker's Hard Sync wrote it, and each feed
// is applied once.
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { openPostgresInventoryStore } from '../../src/adapters/persistence/postgres-inventory-store.ts';
import { loadConfig } from '../../src/composition/config.ts';
import { openLiveStore, runJobOn, validateRequest } from '../../src/composition/jobs.ts';
import { freshPostgresDatabase } from '../support/postgres.ts';
import { run } from '../support/run.ts';
import { shopifyScenario, TOKEN } from '../support/shopify-scenario.ts';
import { until } from '../support/wait.ts';
import { workerPair } from './support/worker-pair.ts';

const workers = suite('two workers, the outbox in the PostgreSQL store');
const children: ChildProcess[] = [];
workers.after.each(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
});

const files = (dir: string): string[] => {
  try {
    return readdirSync(dir, { withFileTypes: true })
      .filter((f) => f.isFile() && !f.name.startsWith('.'))
      .map((f) => f.name)
      .sort();
  } catch {
    return [];
  }
};

workers('two workers with different local folders: each feed is applied once, by whichever takes it', async () => {
  const database = await freshPostgresDatabase();
  const store = await openPostgresInventoryStore({ url: database.url });
  const dir = mkdtempSync(join(tmpdir(), 'oms-inventory-sync-store-outbox-workers-'));
  const outbox = store.fileStore();
  const feeds = async (folder: string) => (await run(outbox.list(folder))).map((f) => f.name).sort();
  let s: Awaited<ReturnType<typeof shopifyScenario>> | undefined;
  try {
    await store.migrate();
    s = await shopifyScenario(store);
    const server = s.server;
    const settingsOf = (own: string) => ({
      inventoryStore: { postgres: {} },
      inbox: { local: { root: join(own, 'inbox') } },
      shopify: { shop: server.shopDomain, adminUrl: server.url },
      worker: { heartbeatSeconds: 10, retryDelaySeconds: 1, stopTimeoutSeconds: 1, inboxPollSeconds: 0 },
    });
    const env = { DATABASE_URL: database.url, SHOPIFY_ACCESS_TOKEN: TOKEN };
    // The products are mapped first, by a run of this process.
    const mapping = loadConfig(settingsOf(join(dir, 'map')), env);
    if (mapping._tag === 'Left') throw new Error(mapping.left.problems.join('; '));
    assert.is(mapping.right.outbox.kind, 'store', 'the outbox in the store by default with PostgreSQL');
    const live = await openLiveStore(mapping.right)();
    if (live._tag === 'Left') throw new Error(live.left.reason);
    const mapRequest = validateRequest('map-products', {});
    if (mapRequest._tag === 'Left') throw new Error('map-products');
    const mapped = await runJobOn(live.right, mapRequest.right, { worker: 'setup' });
    await live.right.close();
    assert.ok(mapped._tag === 'Right' && mapped.right.status === 'succeeded', JSON.stringify(mapped));

    const { start, ready, runs, uploadsApplied, failWith } = workerPair({ dir, env, settingsOf, store, children });
    const hardSync = JSON.stringify({ job: 'hard-sync', parameters: { facilityGroupId: 'SHOPIFY_US' } });

    // Round 1, one worker's feed applied by the other: worker a alone runs the Hard Sync, while Process uploads'
    // lease is held elsewhere (its run is skipped and retried later); a dies, b starts and takes the retry.
    const uploadsLock = `process-uploads:${server.shopDomain}`;
    const held = new Date();
    assert.ok(await run(store.acquireJobLock(uploadsLock, 'elsewhere', new Date(held.getTime() + 600_000), held)));
    const a = start('worker-a');
    await ready('worker-a');
    a.stdin!.write(`${hardSync}\n`);
    await until(
      'worker a to sync and to find the uploads lease held',
      async () => {
        const all = await runs();
        return all.some((r) => r.job === 'hard-sync' && r.outcome === 'succeeded' && r.worker === 'worker-a') &&
          all.some((r) => r.job === 'process-uploads' && r.outcome === 'skipped' && r.worker === 'worker-a')
          ? true
          : undefined;
      },
      60_000,
    ).catch(failWith);
    const exited = new Promise((r) => a.once('exit', r));
    a.kill('SIGKILL');
    await exited;
    assert.equal((await feeds('')).length, 1, 'the feed waits in the store');
    assert.is(server.stats.setCalls, 0, 'nothing applied yet');
    const b = start('worker-b');
    await ready('worker-b');
    await run(store.releaseJobLock(uploadsLock, 'elsewhere'));
    const first = await until('the first feed to be applied', () => uploadsApplied(3), 90_000).catch(failWith);
    assert.equal(
      first.filter((r) => r.job === 'process-uploads' && r.outcome === 'succeeded').map((r) => r.worker),
      ['worker-b'],
      'applied by worker b, from the feed worker a wrote',
    );
    assert.is(server.available(s.items.P1, s.location), 75);
    assert.is(server.available(s.items.P2, s.location), 10);
    assert.is(server.stats.setCalls, 1, 'one call for the three lines');

    // Round 2, both workers running: a sale in the OMS, a Hard Sync; whichever worker takes the Process uploads
    // sends the one changed line, once.
    start('worker-a');
    await ready('worker-a');
    await run(
      store.savePositions([
        { productId: 'P2', facilityId: 'WEB_WH', quantityOnHand: 8, reservedQuantity: 2, safetyStock: 0 },
      ]),
    );
    b.stdin!.write(`${hardSync}\n`);
    await until('the second feed to be applied', () => uploadsApplied(4), 60_000).catch(failWith);
    assert.is(server.available(s.items.P2, s.location), 6);
    assert.is(server.stats.setCalls, 2, 'one more call, for the one changed line');

    const all = await runs();
    const syncs = all.filter((r) => r.job === 'hard-sync');
    const uploads = all.filter((r) => r.job === 'process-uploads' && r.outcome === 'succeeded');
    assert.equal(
      syncs.map((r) => r.outcome),
      ['succeeded', 'succeeded'],
    );
    // Every feed is archived in the store, none left waiting, none in a worker's own folders.
    const archived = await feeds('archive');
    assert.is(archived.length, 2, archived.join(', '));
    assert.equal(await feeds(''), []);
    assert.equal(await feeds('error'), []);
    for (const name of ['worker-a', 'worker-b']) {
      assert.equal(files(join(dir, name, '.oms-inventory-sync', 'outbox')), [], `${name}: nothing written locally`);
    }
    // Each feed applied once: the uploads together applied 3 + 1 lines and took each feed once.
    assert.is(
      uploads.reduce((n, r) => n + (r.counts.applied ?? 0), 0),
      4,
    );
    assert.is(
      uploads.reduce((n, r) => n + (r.counts.feeds ?? 0), 0),
      2,
      uploads.map((r) => `${r.worker}: ${JSON.stringify(r.counts)}`).join('; '),
    );
  } finally {
    for (const child of children.splice(0)) child.kill('SIGKILL');
    await s?.dispose();
    await store.close();
    await database.drop();
    rmSync(dir, { recursive: true, force: true });
  }
});

workers.run();
