// The SQL store beyond the port contracts: one connection pool per store, every method total (a Left, never a
// rejection) when the database is gone, and node:sqlite loaded only for SQLite.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { openStore, type SqlStore } from '../../../src/adapters/persistence/store.ts';
import type { ImportCommit } from '../../../src/application/index.ts';
import { DATABASE_URL, freshPostgresDatabase } from '../../support/postgres.ts';
import { run } from '../../support/run.ts';
import { FRESH_DATABASES } from '../../support/stores.ts';

const store = suite('the SQL store');

const commit = (name: string): ImportCommit => ({
  runId: `run-${name}`,
  file: { name, sha256: 'a'.repeat(64), bytes: 1 },
  outcome: 'applied',
  method: 'exact-atp',
  adjustments: [
    {
      productId: 'P1',
      facilityId: `F-${name}`,
      quantityOnHandBefore: 0,
      quantityOnHandAfter: 3,
      availableToPromiseBefore: 0,
      availableToPromiseAfter: 2,
      fileQuantity: 2,
      created: true,
      line: 2,
    },
  ],
  counts: { rowsRead: 1, adjusted: 1, unchanged: 0, rejected: 0 },
  at: new Date('2026-12-01T01:00:00.000Z'),
});

store(
  'PostgreSQL: one pool: at most its connections to the database, with COPY, transactions and leases at once',
  async () => {
    const database = await freshPostgresDatabase();
    const subject = await openStore({ postgresUrl: database.url, maxConnections: 3 });
    const admin = new pg.Client({ connectionString: DATABASE_URL });
    await admin.connect();
    try {
      await subject.migrate();
      await run(
        subject.saveStockLevels(
          Array.from({ length: 2000 }, (_, i) => ({
            productId: `P${i}`,
            facilityId: 'F1',
            quantityOnHand: i,
            availableToPromise: i,
          })),
        ),
      );
      const name = new URL(database.url).pathname.slice(1);
      const connections = async () =>
        (
          await admin.query<{ n: number; apps: string[] }>(
            `select count(*)::int as n, coalesce(array_agg(distinct application_name), '{}') as apps from pg_stat_activity where datname = $1`,
            [name],
          )
        ).rows[0]!;
      let peak = 0;
      const apps = new Set<string>();
      let sampling = true;
      const sampler = (async () => {
        while (sampling) {
          const now = await connections();
          peak = Math.max(peak, now.n);
          for (const app of now.apps) apps.add(app);
          await new Promise((resolve) => setTimeout(resolve, 2));
        }
      })();
      const calls = Array.from({ length: 8 }, (_, i) => [
        subject.stockLevels(),
        subject.commitImport(commit(`file-${i}.csv`)),
        subject.importedFile(`file-${i}.csv`, 'a'.repeat(64)),
        subject.acquireJobLock(`job-${i}`, 'worker', new Date(Date.now() + 60_000), new Date()),
        subject.saveProducts([{ productId: `P${i}`, externalId: `E${i}` }]),
      ]).flat();
      const results = await Promise.all(calls.map((call) => call()));
      sampling = false;
      await sampler;
      assert.equal(
        results.filter((r) => r._tag === 'Left'),
        [],
      );
      assert.ok(peak >= 2, `the calls ran side by side (peak ${peak})`);
      assert.ok(peak <= 3, `at most the pool's 3 connections, saw ${peak}`);
      assert.equal([...apps], ['oms-inventory-sync'], 'every connection is the store pool’s');
    } finally {
      await admin.end();
      await subject.close();
      await database.drop();
    }
  },
);

// Every port method with arguments it accepts.
const EVERY_METHOD: ReadonlyArray<[string, (s: SqlStore) => () => Promise<unknown>]> = [
  ['facilityIdsByExternalId', (s) => s.facilityIdsByExternalId()],
  ['productIdsByExternalId', (s) => s.productIdsByExternalId()],
  ['stockLevels', (s) => s.stockLevels()],
  ['importedFile', (s) => s.importedFile('a.csv', 'a'.repeat(64))],
  ['appliedFiles', (s) => s.appliedFiles()],
  ['commitImport', (s) => s.commitImport(commit('a.csv'))],
  ['variances', (s) => s.variances('a.csv')],
  ['changedProductIds', (s) => s.changedProductIds()],
  ['saveFacilities', (s) => s.saveFacilities([{ facilityId: 'F1', externalId: '1' }])],
  ['saveProducts', (s) => s.saveProducts([{ productId: 'P1', externalId: '1' }])],
  [
    'saveStockLevels',
    (s) => s.saveStockLevels([{ productId: 'P1', facilityId: 'F1', quantityOnHand: 1, availableToPromise: 1 }]),
  ],
  ['acquireJobLock', (s) => s.acquireJobLock('job', 'me', new Date(1), new Date(0))],
  ['releaseJobLock', (s) => s.releaseJobLock('job', 'me')],
  ['startRun', (s) => s.startRun({ runId: 'r', job: 'import', parameters: {}, worker: 'w', startedAt: new Date(0) })],
  ['finishRun', (s) => s.finishRun('r', { finishedAt: new Date(1), outcome: 'succeeded', counts: {}, error: null })],
  ['listRuns', (s) => s.listRuns({ limit: 1 })],
  ['runsPerDay', (s) => s.runsPerDay({ from: new Date(0), to: new Date(), at: new Date() })],
  ['renewRun', (s) => s.renewRun('r', new Date(1))],
  ['progressRun', (s) => s.progressRun('r', { step: 'rows', done: 1, total: null, at: new Date(1) })],
  ['runReport', (s) => s.runReport('r')],
  ['storedSchedules', (s) => s.storedSchedules()],
  [
    'saveSchedule',
    (s) =>
      s.saveSchedule({
        job: 'import',
        key: '',
        cron: '0 2 * * *',
        timezone: 'UTC',
        parameters: {},
        paused: false,
        skipAfter: null,
        changedBy: 'x',
        changedAt: new Date(1),
      }),
  ],
  ['removeSchedule', (s) => s.removeSchedule('import', '')],
  ['takeSkip', (s) => s.takeSkip('import', '', new Date(1))],
  ['salesChannel', (s) => s.salesChannel('G')],
  ['facilityGroup', (s) => s.facilityGroup('G')],
  ['mappedProductPage', (s) => s.mappedProductPage(CHANNEL, null, 10)],
  ['mappedProducts', (s) => s.mappedProducts(CHANNEL, ['P1'])],
  ['changedProducts', (s) => s.changedProducts('c', null, 10)],
  ['ledgerHead', (s) => s.ledgerHead()],
  ['changeCursor', (s) => s.changeCursor('c')],
  ['moveCursor', (s) => s.moveCursor('c', 1)],
  ['ledger', (s) => s.ledger('shop', 'L', ['I'])],
  ['knownLedger', (s) => s.knownLedger('shop', 'L', ['I'])],
  ['feedProgress', (s) => s.feedProgress('feed')],
  ['freezeBatch', (s) => s.freezeBatch('feed', { fromLine: 0, toLine: 1, idempotencyKey: 'k', quantities: [] })],
  [
    'settleBatch',
    (s) => s.settleBatch({ feed: 'feed', nextLine: 1, shop: 'shop', confirmed: [], failed: [], at: new Date(0) }),
  ],
  ['failedLines', (s) => s.failedLines('feed')],
  ['productInventory', (s) => s.productInventory('P1')],
  ['productSkus', (s) => s.productSkus(null, 10)],
  ['saveMappings', (s) => s.saveMappings('shop', [{ productId: 'P1', sku: 'S', status: 'unmatched' }])],
  [
    'saveFacilityGroup',
    (s) => s.saveFacilityGroup({ facilityGroupId: 'G', facilityGroupTypeId: 'T', facilityIds: ['F1'] }),
  ],
  ['setFacilityGroupMember', (s) => s.setFacilityGroupMember('G', 'F', true)],
  ['saveSalesChannel', (s) => s.saveSalesChannel({ facilityGroupId: 'G', shop: 'shop', locationId: 'L' })],
  ['saveProductSkus', (s) => s.saveProductSkus([{ productId: 'P1', sku: 'S' }])],
  [
    'savePositions',
    (s) =>
      s.savePositions([{ productId: 'P1', facilityId: 'F1', quantityOnHand: 1, reservedQuantity: 0, safetyStock: 0 }]),
  ],
  ['saveThresholds', (s) => s.saveThresholds([{ productId: 'P1', threshold: 1 }])],
  ['saveBrokeringQueue', (s) => s.saveBrokeringQueue([{ productId: 'P1', quantity: 1 }])],
  [
    'recordEvents',
    (s) =>
      s.recordEvents([
        {
          eventId: 'E1',
          type: 'received',
          productId: 'P1',
          facilityId: 'F1',
          quantity: 1,
          occurredAt: '2026-12-01T10:00:00Z',
          source: 'test',
        },
      ]),
  ],
  ['ledgerEntries', (s) => s.ledgerEntries(null, 10)],
  ['stockTerms', (s) => s.stockTerms('safety-stock', { productId: 'P1', facilityId: 'F1' }, 10)],
  ['facilities', (s) => s.facilities()],
  ['productPage', (s) => s.productPage('P1', 10)],
  ['facilityGroups', (s) => s.facilityGroups()],
  ['searchProducts', (s) => s.searchProducts('P', { key: 'P1', productId: 'P1', matchedOn: 'productId' }, 10)],
];
const CHANNEL = {
  facilityGroup: { facilityGroupId: 'G', facilityGroupTypeId: 'CHANNEL_FAC_GROUP', facilityIds: ['F1'] },
  shop: 'shop',
  locationId: 'L',
} as const;

const everyMethodLeft = async (subject: SqlStore, retriable: boolean | null) => {
  const store = subject as unknown as Record<string, unknown>;
  // fileStore hands out a FileStore (its own contract suite), no data method.
  const methods = Object.keys(store).filter((k) => k !== 'migrate' && k !== 'close' && k !== 'fileStore');
  assert.equal(methods.sort(), EVERY_METHOD.map(([name]) => name).sort(), 'the list covers every method');
  for (const [name, call] of EVERY_METHOD) {
    const result = await call(subject)().then(
      (r) => r,
      (error: unknown) => assert.unreachable(`${name} rejected: ${String(error)}`),
    );
    const left = (result as { _tag: string; left?: { _tag: string; retriable: boolean; reason: string } }).left;
    assert.ok(left !== undefined, `${name} answers a Left`);
    assert.not.match(left.reason, /postgres:\/\/[^…]/, `${name}: no URL in the reason`);
    if (retriable !== null) assert.is(left.retriable, retriable, `${name}: ${left._tag} ${left.reason}`);
  }
};

store(
  'PostgreSQL: a server that refuses connections: every method a retriable Left, no URL in the reason',
  async () => {
    // A port nothing listens on.
    const subject = await openStore({ postgresUrl: 'postgres://postgres:secret@127.0.0.1:9/nowhere' });
    try {
      await everyMethodLeft(subject, true);
    } finally {
      await subject.close();
    }
  },
);

for (const [name, fresh] of FRESH_DATABASES)
  store(`${name}: a closed store: every method a Left, none rejects`, async () => {
    const { location, drop } = await fresh();
    try {
      const subject = await openStore(location);
      await subject.migrate();
      await subject.close();
      await everyMethodLeft(subject, null);
    } finally {
      await drop();
    }
  });

store('node:sqlite is loaded by an SQLite store only', () => {
  const adapters = fileURLToPath(new URL('../../../src/adapters/index.ts', import.meta.url));
  const loaded = (open: string) => {
    const script = `const a = await import(${JSON.stringify(adapters)}); ${open};
      process.stdout.write(String(process.moduleLoadList.some((m) => /\\bsqlite\\b/.test(m))));`;
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    assert.is(child.status, 0, child.stderr);
    return child.stdout;
  };
  const folder = mkdtempSync(join(tmpdir(), 'oms-inventory-sync-load-'));
  try {
    assert.is(
      loaded(`await (await a.openPostgresInventoryStore({ url: ${JSON.stringify(DATABASE_URL)} })).close()`),
      'false',
    );
    const file = JSON.stringify(join(folder, 'inventory.sqlite'));
    assert.is(
      loaded(`const s = await a.openSqliteInventoryStore({ file: ${file} }); await s.migrate(); await s.close()`),
      'true',
    );
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});

store.run();
