// The import's commit racing other writers on real databases: reservations (ATP down) and shipments (QOH down),
// each one single-statement delta from another connection (PostgreSQL: concurrent tasks on their own pool; SQLite:
// another process), some committed before the import reads the stock, some between that read and its commit, some
// after. The result must equal a serial order: every reservation and shipment kept, the reset's delta applied on
// top, and the history's "before" the true value at commit time. Then the same race with ledger events: `reserved`
// and `shipped` recorded through the store's ledger by writer processes on the positions the import resets; the
// ledger must then be a serial order (each reset starting where the row before it on its position ended, the fold of
// the ledger in sequence order the store's positions, the audit without a disagreement).
import { type ChildProcess, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import * as TE from 'fp-ts/lib/TaskEither.js';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { StoreLocation } from '../../src/adapters/persistence/orm.ts';
import { openStore, type SqlStore } from '../../src/adapters/persistence/store.ts';
import { auditLedger, formatAuditLedgerReport } from '../../src/application/audit-ledger.ts';
import { stockLevelsOf } from '../../src/application/columnar.ts';
import { defaultImportConfig, type ImportDeps, importInventory } from '../../src/application/import-inventory.ts';
import { applyInventoryEvents, emptyLedgerState, type InventoryEvent } from '../../src/domain/index.ts';
import { storeState } from '../adapters/persistence/inventory-ledger.contract.ts';
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

// As many writes as ledger events (`reserved`, `shipped`), recorded through the store's ledger by writer processes
// of their own (tests/support/race-events-child.ts), each a call of one event: every outcome kept by event id.
const CHILD = fileURLToPath(new URL('../support/race-events-child.ts', import.meta.url));
const WRITER_PROCESSES = 2;
// Every position gets 20 reservations and 5 shipments of 1 unit, from both writers (blocks of ten events, one per
// position, alternate between them); the opening reservations cover every shipment in any interleaving.
const raceEvents: ReadonlyArray<InventoryEvent> = writes.map((_, i) => ({
  eventId: `race-${i}`,
  type: Math.floor(i / POSITIONS) % 5 === 4 ? 'shipped' : 'reserved',
  productId: product(i % POSITIONS),
  facilityId: 'WAREHOUSE',
  quantity: 1,
  occurredAt: new Date(Date.UTC(2026, 10, 22, 1, 30, i)).toISOString(),
  source: `race-writer-${Math.floor(i / POSITIONS) % WRITER_PROCESSES}`,
}));
/**
 * The writer processes, and how many of the events they may have recorded in all (`allow`: each process its share,
 * rounded up): the race's phases, so that the commit always has writes left to race however slow the machine is.
 */
const ledgerWriter = (location: StoreLocation, folder: string, outcomes: Map<string, string>) => {
  let allowed = 0;
  const children: ChildProcess[] = [];
  // Its share of the writes allowed; all of them once all are (the processes' shares are not even).
  const tell = (child: ChildProcess) =>
    child.stdin?.write(`${allowed >= writes.length ? writes.length : Math.ceil(allowed / WRITER_PROCESSES)}\n`);
  const allow = (total: number) => {
    allowed = total;
    for (const child of children) tell(child);
  };
  const writer: Writer = async (committed) => {
    const one = (k: number) =>
      new Promise<void>((resolve, reject) => {
        const file = join(folder, `race-events-${k}.json`);
        writeFileSync(
          file,
          JSON.stringify(raceEvents.filter((_, i) => Math.floor(i / POSITIONS) % WRITER_PROCESSES === k)),
        );
        const child = spawn(process.execPath, [CHILD, JSON.stringify(location), file], {
          stdio: ['pipe', 'pipe', 'inherit'],
        });
        // A quota sent after the child ended its run is nobody's concern.
        child.stdin.on('error', () => undefined);
        children.push(child);
        tell(child);
        let pending = '';
        child.stdout.on('data', (chunk: Buffer) => {
          const lines = (pending + chunk.toString('utf8')).split('\n');
          pending = lines.pop()!;
          for (const line of lines) {
            const [outcome, eventId, ...why] = line.split(' ');
            outcomes.set(eventId!, why.length === 0 ? outcome! : `${outcome} ${why.join(' ')}`);
            committed();
          }
        });
        child.on('error', reject);
        child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`writer ${k} exited ${code}`))));
      });
    await Promise.all(Array.from({ length: WRITER_PROCESSES }, (_, k) => one(k)));
    for (const child of children) child.stdin?.end();
  };
  return { writer, allow };
};

/** Writes the writer may have committed before the import reads the stock (when it can be told: `allow`). */
const BEFORE_READ = 40;

/**
 * Starts the writer, then runs the import once ten writes have committed: its read of the stock as the writes go on,
 * its commit held until `BEFORE_COMMIT` more have landed after that read. A writer that can be held (`allow`) is
 * held to `BEFORE_READ` writes until the read, to `BEFORE_COMMIT` more until the commit starts, and let go as it
 * starts. Resolves with the import's report, how many writes had committed at its read and at its commit, and the
 * writer's promise.
 */
const racedImport = async (
  store: SqlStore,
  deps: ImportDeps,
  writer: Writer,
  allow: (total: number) => void = () => undefined,
) => {
  let done = 0;
  let readAt = -1;
  let commitAt = -1;
  const waiters: Array<() => void> = [];
  allow(BEFORE_READ);
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
      ...deps,
      stockLevels: () => async () => {
        const read = await store.stockLevels()();
        readAt = done;
        allow(readAt + BEFORE_COMMIT);
        return read;
      },
      // The commit waits until more writes have landed after the read: they must survive it.
      commitImport: (commit) =>
        TE.chain(() => store.commitImport(commit))(
          TE.fromTask(async () => {
            // Never more than all of them: a slow import then fails the assertions below rather than hangs.
            await atLeast(Math.min(readAt + BEFORE_COMMIT, writes.length));
            commitAt = done;
            allow(writes.length);
          }),
        ),
    }),
  );
  return { report, readAt, commitAt, writing };
};

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
    const writer =
      'postgresUrl' in db.location
        ? postgresWriter(db.location.postgresUrl)
        : sqliteWriter(db.location.sqliteFile, world.root);
    const { report, readAt, commitAt, writing } = await racedImport(store, world.deps, writer);
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

  test(`${RESERVATIONS} reserved and ${SHIPMENTS} shipped events from writer processes during the import: the ledger is a serial order`, async () => {
    // Every position through the ledger: received 1000, reserved 10 (so no shipment can outrun its reservations):
    // QOH 1000, ATP 990. The file says ATP 500 for each (exact-atp); nothing is outside the ledger.
    const rows = Array.from({ length: POSITIONS }, (_, i) => `ITEM-${i},101,500,${80000 + i}`);
    const world = await scenario(store, [[FILE, exportCsv(rows)]], []);
    const products = Array.from({ length: POSITIONS }, (_, i) => product(i));
    await run(store.saveProducts(products.map((productId, i) => ({ productId, externalId: `${80000 + i}` }))));
    const opening = (productId: string, type: 'received' | 'reserved', quantity: number): InventoryEvent => ({
      eventId: `opening-${type}-${productId}`,
      type,
      productId,
      facilityId: 'WAREHOUSE',
      quantity,
      occurredAt: '2026-11-22T00:00:00.000Z',
      source: 'opening',
    });
    const opened = await run(
      store.recordEvents(products.flatMap((p) => [opening(p, 'received', 1000), opening(p, 'reserved', 10)])),
    );
    assert.ok(
      opened.every((o) => o.outcome === 'applied'),
      'the opening stock is in the ledger',
    );

    const outcomes = new Map<string, string>();
    const { writer, allow } = ledgerWriter(db.location, world.root, outcomes);
    const { report, readAt, commitAt, writing } = await racedImport(store, world.deps, writer, allow);
    await writing;
    world.dispose();
    assert.is(report.files[0]!.outcome, 'applied');
    assert.ok(readAt >= 10 && commitAt >= readAt + BEFORE_COMMIT, `read after ${readAt}, commit after ${commitAt}`);
    assert.ok(commitAt < writes.length, `the commit raced writes (${commitAt} of ${writes.length} before it)`);
    assert.equal(
      [...outcomes.values()].filter((o) => o !== 'applied'),
      [],
      'every reservation and shipment applied (the reservations always cover the shipments)',
    );
    assert.is(outcomes.size, writes.length);

    const entries = await run(store.ledgerEntries(null, 1_000_000));
    assert.equal(
      entries
        .filter((e) => e.event.eventId.startsWith('race-'))
        .map((e) => e.event.eventId)
        .sort(),
      [...outcomes.keys()].sort(),
      'the ledger holds every event the writers were told was applied, once',
    );
    const resets = entries.filter((e) => e.event.type === 'reset');
    assert.equal(
      resets.map((e) => [e.event.productId, e.event.facilityId, e.event.source]).sort(),
      products.map((p, i) => [p, 'WAREHOUSE', `${FILE}:${i + 2}`]),
      "one reset per row of the file, its source the file and the row's line",
    );

    // Each reset starts exactly where the ledger row before it on its position ended, and that is the true value at
    // the commit: the opening stock and the events numbered before the reset, counted from the events themselves.
    const last = new Map<string, { readonly sequence: number; readonly after: unknown }>();
    const reservedBefore = new Map<string, number>();
    const shippedBefore = new Map<string, number>();
    const history = new Map((await run(store.variances(FILE))).map((v) => [v.productId, v]));
    let movedBetween = 0;
    for (const e of entries) {
      const id = e.event.productId;
      const [change] = e.changes;
      assert.ok(change?.kind === 'position' && e.changes.length === 1, `#${e.sequence}: one position`);
      if (e.event.type === 'reset') {
        const shipped = shippedBefore.get(id) ?? 0;
        const reserved = 10 + (reservedBefore.get(id) ?? 0) - shipped;
        assert.equal(
          change.before,
          last.get(id)?.after,
          `${id}: the reset (#${e.sequence}) starts where #${last.get(id)?.sequence} on it ended`,
        );
        assert.equal(
          change.before,
          { quantityOnHand: 1000 - shipped, reservedQuantity: reserved },
          `${id}: the reset's before is the stock after the ${shipped} shipments and ${reservedBefore.get(id) ?? 0} reservations before it`,
        );
        assert.equal(
          change.after,
          { quantityOnHand: 1000 - shipped + e.event.quantity, reservedQuantity: reserved },
          `${id}: the reset moves QOH by its delta, reserved not at all`,
        );
        const v = history.get(id)!;
        assert.equal(
          [v.quantityOnHandBefore, v.availableToPromiseBefore, v.quantityOnHandAfter, v.availableToPromiseAfter],
          [
            1000 - shipped,
            1000 - shipped - reserved,
            1000 - shipped + e.event.quantity,
            1000 - shipped - reserved + e.event.quantity,
          ],
          `${id}: the history's before and after are the ledger's`,
        );
        // The plan read ATP 500 - delta; a lower ATP at the commit is a reservation that landed in between.
        if (1000 - shipped - reserved < 500 - e.event.quantity) movedBetween++;
      } else if (e.event.eventId.startsWith('race-')) {
        const counts = e.event.type === 'shipped' ? shippedBefore : reservedBefore;
        counts.set(id, (counts.get(id) ?? 0) + 1);
      }
      last.set(id, { sequence: e.sequence, after: change.after });
    }
    assert.is(history.size, POSITIONS);
    assert.ok(movedBetween > 0, 'some reservations landed between the read and the commit, and the reset shows them');
    const lastReset = Math.max(...resets.map((e) => e.sequence));
    assert.ok(
      entries.some((e) => e.event.eventId.startsWith('race-') && e.sequence > lastReset),
      'some events were numbered after the commit',
    );

    // A serial order: the ledger folded in sequence order decides every event as the store did, with the same before
    // and after, and ends at the positions the store holds.
    const folded = applyInventoryEvents(
      emptyLedgerState(),
      entries.map((e) => e.event),
      { knownProducts: new Set(products), knownFacilities: new Set(['WAREHOUSE']), recorded: new Map() },
    );
    assert.equal(
      folded.outcomes.map((o) => (o.outcome === 'applied' ? o.changes : o.outcome)),
      entries.map((e) => e.changes),
      'each before is the after of the event before it',
    );
    assert.equal((await storeState(store, products)).positions, folded.state.positions);
    const audit = await run(auditLedger()(store));
    assert.ok(audit.agrees, formatAuditLedgerReport(audit));
    assert.equal(audit.disagreements, []);
    assert.is(audit.entriesFolded, entries.length);
    assert.is(audit.positionsChecked, POSITIONS);

    // Every write kept: 20 reservations and 5 shipments per position, on top of the opening stock and the reset.
    const final = new Map(stockLevelsOf(await run(store.stockLevels())).map((l) => [l.productId, l]));
    for (const e of resets) {
      const level = final.get(e.event.productId)!;
      assert.is(level.quantityOnHand, 1000 - 5 + e.event.quantity, `${e.event.productId}: QOH keeps every shipment`);
      assert.is(level.quantityOnHand - level.availableToPromise, 10 + 20 - 5, `${e.event.productId}: reserved`);
    }
  });

  test.run();
}
