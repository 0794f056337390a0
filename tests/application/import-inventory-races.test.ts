// The import's commit racing other writers on real databases: reservations (ATP down) and shipments (QOH down),
// each one single-statement delta from another connection (PostgreSQL: concurrent tasks on their own pool; SQLite:
// another process), some committed before the import reads the stock, some between that read and its commit, some
// after. The result must equal a serial order: every reservation and shipment kept, the reset's delta applied on
// top, and the history's "before" the true value at commit time.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import * as TE from 'fp-ts/lib/TaskEither.js';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { openStore, type SqlStore } from '../../src/adapters/persistence/store.ts';
import { stockLevelsOf } from '../../src/application/columnar.ts';
import { defaultImportConfig, importInventory } from '../../src/application/import-inventory.ts';
import { exportCsv, scenario } from '../support/import-scenario.ts';
import { run } from '../support/run.ts';
import { FRESH_DATABASES, type FreshDatabase } from '../support/stores.ts';

const POSITIONS = 10;
const RESERVATIONS = 200;
const SHIPMENTS = 50;
// Writes committed before the import's commit may start (so some land between its read and its commit).
const BEFORE_COMMIT = 60;
const FILE = 'inventory-20261122T010000Z.csv';
const product = (i: number) => `RACE-${i}`;

/** The writes, in the order one writer sends them: a reservation or a shipment of one unit, at position i mod 10. */
const writes = Array.from({ length: RESERVATIONS + SHIPMENTS }, (_, i) => ({
  productId: product(i % POSITIONS),
  kind: i % 5 === 4 ? ('ship' as const) : ('reserve' as const),
}));
const statement = (kind: 'reserve' | 'ship') =>
  kind === 'reserve'
    ? `update "inventory_position" set "available_to_promise_scaled" = "available_to_promise_scaled" - 100000 where "product_id" = $1 and "facility_id" = 'WAREHOUSE'`
    : `update "inventory_position" set "quantity_on_hand_scaled" = "quantity_on_hand_scaled" - 100000 where "product_id" = $1 and "facility_id" = 'WAREHOUSE'`;

/** Sends every write, several at a time, reporting each one committed; resolves when all are. */
type Writer = (committed: () => void) => Promise<void>;

const postgresWriter =
  (url: string): Writer =>
  async (committed) => {
    const pool = new pg.Pool({ connectionString: url, max: 4 });
    let next = 0;
    const lane = async () => {
      while (next < writes.length) {
        const w = writes[next++]!;
        await pool.query(statement(w.kind), [w.productId]);
        committed();
        // Paced, so that the import's read and commit fall among the writes rather than after all of them.
        await new Promise((r) => setTimeout(r, 2));
      }
    };
    await Promise.all(Array.from({ length: 4 }, lane));
    await pool.end();
  };

// Another process with its own connection: node:sqlite is synchronous, so in this process a write waiting for the
// store's lock would stop the event loop the store's transaction runs on.
const sqliteWriter =
  (file: string, folder: string): Writer =>
  (committed) =>
    new Promise((resolve, reject) => {
      const script = join(folder, 'writer.mjs');
      writeFileSync(
        script,
        `import { DatabaseSync } from 'node:sqlite';
const db = new DatabaseSync(${JSON.stringify(file)});
db.exec('pragma busy_timeout = 30000');
const writes = ${JSON.stringify(writes)};
const sql = { reserve: ${JSON.stringify(statement('reserve').replace('$1', '?'))}, ship: ${JSON.stringify(statement('ship').replace('$1', '?'))} };
for (const w of writes) {
  db.prepare(sql[w.kind]).run(w.productId);
  process.stdout.write('.');
  await new Promise((r) => setTimeout(r, 1));
}
db.close();
`,
      );
      const child = spawn(process.execPath, [script], { stdio: ['ignore', 'pipe', 'inherit'] });
      child.stdout.on('data', (chunk: Buffer) => {
        for (let i = 0; i < chunk.length; i++) committed();
      });
      child.on('error', reject);
      child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`writer exited ${code}`))));
    });

for (const [database, fresh] of FRESH_DATABASES) {
  const test = suite(`importInventory racing reservations and shipments: ${database}`);
  let db: FreshDatabase;
  let store: SqlStore;
  test.before.each(async () => {
    db = await fresh();
    store = await openStore(db.location);
    await store.migrate();
  });
  test.after.each(async () => {
    await store.close();
    await db.drop();
  });

  test(`${RESERVATIONS} reservations and ${SHIPMENTS} shipments during the import: a serial order, none lost`, async () => {
    // Every position: QOH 1000, ATP 1000; the file says ATP 500 for each (exact-atp).
    const rows = Array.from({ length: POSITIONS }, (_, i) => `ITEM-${i},101,500,${80000 + i}`);
    const world = await scenario(store, [[FILE, exportCsv(rows)]]);
    await run(
      store.saveProducts(
        Array.from({ length: POSITIONS }, (_, i) => ({ productId: product(i), externalId: `${80000 + i}` })),
      ),
    );
    await run(
      store.saveStockLevels(
        Array.from({ length: POSITIONS }, (_, i) => ({
          productId: product(i),
          facilityId: 'WAREHOUSE',
          quantityOnHand: 1000,
          availableToPromise: 1000,
        })),
      ),
    );
    let done = 0;
    let readAt = -1;
    let commitAt = -1;
    const waiters: Array<() => void> = [];
    const writer =
      'postgresUrl' in db.location
        ? postgresWriter(db.location.postgresUrl)
        : sqliteWriter(db.location.sqliteFile, world.root);
    const writing = writer(() => {
      done++;
      for (const w of waiters.splice(0)) w();
    });
    const atLeast = (n: number) =>
      new Promise<void>((resolve) => {
        const check = () => (done >= n ? resolve() : waiters.push(check));
        check();
      });
    await atLeast(10);
    const report = await run(
      importInventory(defaultImportConfig('race-run', 'race-worker'))({
        ...world.deps,
        stockLevels: () => async () => {
          const read = await store.stockLevels()();
          readAt = done;
          return read;
        },
        // The commit waits until more writes have landed after the read: they must survive it.
        commitImport: (commit) =>
          TE.chain(() => store.commitImport(commit))(
            TE.fromTask(async () => {
              // Never more than all of them: a slow import then fails the assertions below rather than hangs.
              await atLeast(Math.min(readAt + BEFORE_COMMIT, writes.length));
              commitAt = done;
            }),
          ),
      }),
    );
    await writing;
    world.dispose();
    assert.is(report.files[0]!.outcome, 'applied');
    assert.ok(readAt >= 10 && commitAt >= readAt + BEFORE_COMMIT, `read after ${readAt}, commit after ${commitAt}`);
    assert.ok(commitAt < writes.length, `the commit raced writes (${commitAt} of ${writes.length} before it)`);

    const final = new Map(
      stockLevelsOf(await run(store.stockLevels()))
        .filter((l) => l.productId.startsWith('RACE-'))
        .map((l) => [l.productId, l]),
    );
    const history = new Map(
      (await run(store.variances(FILE))).filter((v) => v.productId.startsWith('RACE-')).map((v) => [v.productId, v]),
    );
    let movedBetween = 0;
    for (let i = 0; i < POSITIONS; i++) {
      const id = product(i);
      const reserved = writes.filter((w) => w.productId === id && w.kind === 'reserve').length;
      const shipped = writes.filter((w) => w.productId === id && w.kind === 'ship').length;
      const v = history.get(id)!;
      const level = final.get(id)!;
      // The planned delta is what the file asked of the ATP the import read: 500 - ATP then.
      const delta = v.availableToPromiseAfter - v.availableToPromiseBefore;
      assert.is(v.quantityOnHandAfter - v.quantityOnHandBefore, delta, `${id}: QOH moved by the same delta`);
      // A serial order: every write and the reset's delta, whatever the interleaving.
      assert.is(level.availableToPromise, 1000 - reserved + delta, `${id}: ATP keeps every reservation`);
      assert.is(level.quantityOnHand, 1000 - shipped + delta, `${id}: QOH keeps every shipment`);
      assert.is(
        level.quantityOnHand - level.availableToPromise,
        reserved - shipped,
        `${id}: reserved = reservations - shipments, none lost`,
      );
      // History's before is the true value at commit: between what had landed before the read and everything.
      assert.ok(v.availableToPromiseBefore >= 1000 - reserved && v.availableToPromiseBefore <= 1000, id);
      assert.ok(v.quantityOnHandBefore >= 1000 - shipped && v.quantityOnHandBefore <= 1000, id);
      // The plan read ATP 500 - delta; the history's before is lower when reservations landed in between.
      if (v.availableToPromiseBefore < 500 - delta) movedBetween++;
    }
    assert.ok(movedBetween > 0, 'some writes landed between the read and the commit, and history shows them');
    const totalBefore = [...history.values()].reduce(
      (n, v) => n + (1000 - v.availableToPromiseBefore) + (1000 - v.quantityOnHandBefore),
      0,
    );
    // Every write reported before the commit began had committed: the history's befores include each of them.
    assert.ok(totalBefore >= commitAt, `history counts the ${commitAt} writes before the commit (${totalBefore})`);
    assert.ok(totalBefore <= writes.length);
  });

  test.run();
}
