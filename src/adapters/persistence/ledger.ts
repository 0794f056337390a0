// The inventory ledger on PostgreSQL and SQLite, written once: lock the rows the events touch, read them, apply the
// domain's fold (the same one the memory store applies), write the new values with set-based statements and insert
// the ledger rows, all in one transaction. The products changed are not marked here: the delta push folds the
// ledger's new rows into `changed_product` before it reads it (`changed_product_mark`, in store.ts).
//
// Locking: the positions that exist are locked and read in one `select … for update`, in key order (with the known
// ids and the recorded event ids); a call that touches a missing position runs again from scratch the creating way,
// where one `insert … on conflict do update … where 1 = 0` per table, in key order, creates the rows that are missing
// (marked with a sentinel, so the ones no applied event needed are deleted again) and locks the ones that exist
// without writing a new version of them. Safety stock, thresholds and the brokering queue are always locked that way,
// after the positions, then read. So two writers of the same positions queue on the row locks and never
// read-modify-write past each other; tables are locked in one fixed order (positions, safety stock, thresholds,
// brokering queue), the ledger head after them, so they never deadlock. SQLite's write transactions are exclusive
// already (`begin immediate`).
//
// On PostgreSQL a call first runs without locks and without a transaction (`reading`): one statement reads every
// touched row with its address (`ctid`) and the known ids; the fold runs, taking every event id for new; one
// statement writes, each row only where it is still at its address with the values read (a row that did not exist
// is inserted only if it still does not, a row read and not written is locked and compared), then draws the numbers
// and inserts the ledger rows, whose unique event id guards the ids taken for new. The statement commits on its own,
// or fails whole: when any row moved meanwhile (another writer's commit; PostgreSQL rechecks the guard on the newest
// version of a row it waited for) its last step fails it, as an id recorded meanwhile or replayed does, and the call
// runs again the locking way above, so what a call decides always rests on the rows as they are when it commits.
// Two round trips a call; a row lock is written only by the writes themselves (`select … for update` wrote one into
// every row it read, and a WAL record for each).
import { randomUUID } from 'node:crypto';
import { isLeft } from 'fp-ts/lib/Either.js';
import * as t from 'io-ts';
import { type RawBuilder, sql } from 'kysely';
import type { InventoryLedger, InventoryLedgerEntry } from '../../application/index.ts';
import {
  applyInventoryEvents,
  canonicalPayload,
  duplicateIds,
  type EarlierRefusal,
  type EventOutcome,
  type InventoryEvent,
  eventOfPayload,
  fromScaled,
  isRefusalReason,
  type LedgerChange,
  type LedgerContext,
  type LedgerState,
  resetOfRecord,
  type SeedTargets,
  seedEvents,
  seedFaults,
  seedKeys,
  type ScaledPosition,
  pairKey,
  touchedKeys,
  withEarlierRefusals,
} from '../../domain/index.ts';
import type { BoundColumn, Columns, Db, StoreDialect, Value } from './dialect.ts';
import { attempt } from './orm.ts';
import type { Row } from './rows.ts';

/** What the ledger needs of the store: its dialect, the database, transactions, and the change log's marker. */
export interface LedgerDeps {
  readonly dialect: StoreDialect;
  readonly db: () => Db;
  readonly transaction: <A>(run: (trx: Db) => Promise<A>) => Promise<A>;
  /** The statement that draws `n` ledger sequence numbers (the transaction's last writes follow) and returns the last one as `sequence`. */
  readonly drawing: (n: number) => RawBuilder<Row>;
}

type LedgerKnown = Pick<LedgerContext, 'knownProducts' | 'knownFacilities'>;

/**
 * How a call locks the positions it touches: `existing` locks and reads them in one statement (`select … for
 * update`, in key order), which needs every one of them to exist; `creating` first creates the missing ones (the
 * `insert … on conflict` lock below), then reads them. A call starts `existing`; when a position is missing it is
 * rolled back (`MissingRows`) and runs again `creating`, so no call ever holds a lock while it waits out of key order.
 */
type LockMode = 'reading' | 'existing' | 'creating';

/** Thrown inside an `existing` call that found a touched position missing: the call is rolled back and rerun. */
class MissingRows extends Error {
  override readonly name = 'MissingRows';
}

/** Thrown inside a `reading` call whose guarded writes found a row changed since it was read: rolled back and rerun. */
class GuardFailed extends Error {
  override readonly name = 'GuardFailed';
  /** True when another writer changed a row (not when the decision rested on a row's absence). */
  readonly raced: boolean;
  constructor(message: string, raced: boolean) {
    super(message);
    this.raced = raced;
  }
}

// SQLSTATEs a `reading` call can meet when another writer raced it: a deadlock (its writes lock rows as they go, not
// all first in key order), a lock waited for longer than `READING_WAIT_MS`, a unique violation (the same event id
// recorded meanwhile), a serialization failure.
const RACED = new Set(['40P01', '55P03', '23505', '40001']);
// How long a `reading` call's writes wait for a lock before it gives up and runs the locking way: a row held that long
// is contended (and a deadlock is broken here rather than after PostgreSQL's `deadlock_timeout` of a second).
const READING_WAIT_MS = 200;
// How many calls after one that raced run the locking way at once: under contention, reading first only adds a try.
const LOCKING_AFTER_RACE = 16;
const DEADLOCK = '40P01';
// What a `reading` call's write fails with when a guard failed: the SQLSTATE of a text cast to a number (22P02), with
// this text in its message.
const INVALID_TEXT = '22P02';
const GUARD_FAILED = 'ledger guard failed, rows written: ';
const codeOf = (e: unknown) => String((e as { code?: unknown } | null)?.code ?? '');
// A locking call reads the recorded ids in its first statement, whose snapshot is older than the locks it waited for;
// an event id recorded meanwhile by a writer of the same id (which need not share a lock with it: a refused event
// locks nothing) fails its insert with this violation, once the other committed: a rerun reads it recorded.
const EVENT_ID_TAKEN = 'inventory_event_event_id_unique';
/** A locking call that failed this way runs again: a deadlock's victim, or an event id recorded meanwhile. */
const retried = (e: unknown) =>
  codeOf(e) === DEADLOCK || (codeOf(e) === '23505' && (e as { constraint?: unknown }).constraint === EVENT_ID_TAKEN);

/**
 * Runs `body` `reading` when `optimistic`, outside a transaction (on `db`: its read and its one write are statements of
 * their own, the write committed or undone whole), then (or at once) `existing` in a transaction when a guard failed
 * or a race aborted it (`raced` is told), and again `creating` when a touched position was missing. A locking call
 * chosen as a deadlock's victim (a `reading` writer's locks are not in key order), or beaten to an event id by a
 * concurrent writer of it, runs again, up to three times.
 */
const lockingRowsOf = <A>(
  db: LedgerDeps['db'],
  transaction: LedgerDeps['transaction'],
  optimistic: boolean,
  raced: () => void,
  body: (trx: Db, mode: LockMode) => Promise<A>,
): Promise<A> => {
  const locking = (tries: number): Promise<A> =>
    transaction((trx) => body(trx, 'existing'))
      .catch((e: unknown) =>
        e instanceof MissingRows ? transaction((trx) => body(trx, 'creating')) : Promise.reject(e),
      )
      .catch((e: unknown) => (retried(e) && tries > 1 ? locking(tries - 1) : Promise.reject(e)));
  if (!optimistic) return locking(3);
  return Promise.resolve()
    .then(() => body(db(), 'reading'))
    .catch((e: unknown) => {
      if (!(e instanceof GuardFailed || RACED.has(codeOf(e)))) return Promise.reject(e);
      if (!(e instanceof GuardFailed) || e.raced) raced();
      return locking(3);
    });
};

/** A seed refused by the ledger's rules: the setter's whole call is refused and nothing is written. */
export class SeedRefused extends Error {
  override readonly name = 'SeedRefused';
}

// A value no write ever stores (about -9e15 scaled, -9e10 units): marks a row the lock created.
const CREATED = -(2 ** 53 - 1);

/** One table the fold reads: its key columns and the one value column that carries the sentinel. */
interface LockedTable {
  readonly name: string;
  readonly keys: Columns;
  /** Every non-key column with the value a created row gets (the sentinel column gets CREATED). */
  readonly fill: ReadonlyArray<readonly [name: string, type: 'bigint', value: number]>;
  readonly sentinel: string;
  /** The value columns the fold reads: a guarded write compares them with the values read. */
  readonly guard: ReadonlyArray<string>;
}

const POSITION: LockedTable = {
  name: 'inventory_position',
  keys: [
    ['product_id', 'text'],
    ['facility_id', 'text'],
  ],
  fill: [
    ['quantity_on_hand_scaled', 'bigint', 0],
    ['available_to_promise_scaled', 'bigint', 0],
    ['updated_at', 'bigint', CREATED],
  ],
  sentinel: 'updated_at',
  guard: ['quantity_on_hand_scaled', 'available_to_promise_scaled'],
};
const SAFETY: LockedTable = {
  name: 'product_facility',
  keys: POSITION.keys,
  fill: [['safety_stock_scaled', 'bigint', CREATED]],
  sentinel: 'safety_stock_scaled',
  guard: ['safety_stock_scaled'],
};
const THRESHOLD: LockedTable = {
  name: 'product_threshold',
  keys: [['product_id', 'text']],
  fill: [['threshold_scaled', 'bigint', CREATED]],
  sentinel: 'threshold_scaled',
  guard: ['threshold_scaled'],
};
const QUEUE: LockedTable = {
  name: 'brokering_queue',
  keys: [['product_id', 'text']],
  fill: [['quantity_scaled', 'bigint', CREATED]],
  sentinel: 'quantity_scaled',
  guard: ['quantity_scaled'],
};

const refs = (columns: ReadonlyArray<string>) => sql.join(columns.map((c) => sql.ref(c)));

// A stored changes list, decoded before it is trusted.
const Before = t.type({ quantityOnHand: t.number, reservedQuantity: t.number });
const Change = t.union([
  t.type({ kind: t.literal('position'), productId: t.string, facilityId: t.string, before: Before, after: Before }),
  t.type({
    kind: t.literal('safety-stock'),
    productId: t.string,
    facilityId: t.string,
    before: t.number,
    after: t.number,
  }),
  t.type({
    kind: t.union([t.literal('threshold'), t.literal('brokering-queue')]),
    productId: t.string,
    before: t.number,
    after: t.number,
  }),
]);
const Changes = t.readonlyArray(Change);

const decoded = <A>(codec: t.Decoder<unknown, A>, value: unknown, json: string, what: string): A => {
  const result = codec.decode(value);
  if (isLeft(result)) throw new Error(`the ledger holds an unreadable ${what}: ${json}`);
  return result.right;
};

// The changes of an applied event, kept compact: one array of numbers per change, in the order the event makes them,
// its kind, product and facility those of the event (a position at `facilityId`, a transfer's second at
// `toFacilityId`): `[qoh before, reserved before, qoh after, reserved after]` for a position, `[before, after]`
// otherwise. A tenth of the objects' JSON, which was a third of a call's bytes. Changes that do not follow the event
// so are kept as objects (`Change`), as rows written before were.
type ChangeKind = LedgerChange['kind'];
const kindOf = (type: InventoryEvent['type']): ChangeKind =>
  type === 'safety-stock-set'
    ? 'safety-stock'
    : type === 'threshold-set'
      ? 'threshold'
      : type === 'brokering-queue-changed'
        ? 'brokering-queue'
        : 'position';
/** The facility of the `i`th change of `e` when it follows the event, else undefined. */
const facilityOf = (e: InventoryEvent, i: number): string | undefined =>
  i === 0 ? e.facilityId : e.type === 'transferred' && i === 1 ? e.toFacilityId : undefined;

/** The changes of an applied event `e` as the ledger keeps them: compact when each follows the event. */
export const changesText = (e: InventoryEvent, changes: ReadonlyArray<LedgerChange>): string => {
  const kind = kindOf(e.type);
  const compact: number[][] = [];
  for (let i = 0; i < changes.length; i++) {
    const c = changes[i]!;
    if (c.kind !== kind || c.productId !== e.productId) return JSON.stringify(changes);
    if (c.kind === 'position') {
      if (c.facilityId !== facilityOf(e, i)) return JSON.stringify(changes);
      compact.push([
        c.before.quantityOnHand,
        c.before.reservedQuantity,
        c.after.quantityOnHand,
        c.after.reservedQuantity,
      ]);
    } else {
      if (c.kind === 'safety-stock' ? c.facilityId !== facilityOf(e, i) || i > 0 : i > 0)
        return JSON.stringify(changes);
      compact.push([c.before, c.after]);
    }
  }
  return JSON.stringify(compact);
};

const Compact = t.readonlyArray(t.readonlyArray(t.number));

/** The changes of `e` from the text `changesText` made of them (or a list of objects, as rows written before hold). */
export const changesOf = (e: InventoryEvent, json: string): ReadonlyArray<LedgerChange> => {
  const value: unknown = JSON.parse(json);
  if (!Array.isArray(value) || value.length === 0 || !Array.isArray(value[0]))
    return decoded(Changes, value, json, 'changes list') as ReadonlyArray<LedgerChange>;
  const kind = kindOf(e.type);
  const expanded = decoded(Compact, value, json, 'changes list').map((n, i) =>
    kind === 'position'
      ? {
          kind,
          productId: e.productId,
          facilityId: facilityOf(e, i),
          before: { quantityOnHand: n[0], reservedQuantity: n[1] },
          after: { quantityOnHand: n[2], reservedQuantity: n[3] },
        }
      : kind === 'safety-stock'
        ? { kind, productId: e.productId, facilityId: facilityOf(e, i), before: n[0], after: n[1] }
        : { kind, productId: e.productId, before: n[0], after: n[1] },
  );
  return decoded(Changes, expanded, json, 'changes list') as ReadonlyArray<LedgerChange>;
};

/** A ledger row as an entry: the canonical payload back to the event (its nulls are absent fields), or a reset's columns. */
export const entryOf = (r: Row): InventoryLedgerEntry => {
  const recordedAt = new Date(Number(r.recorded_at));
  if (String(r.type) === 'reset' && r.source_file !== null && r.source_file !== undefined) {
    const units = (column: string) => fromScaled(Number(r[column]));
    const { event, changes } = resetOfRecord(String(r.event_id), {
      productId: String(r.product_id),
      facilityId: String(r.facility_id),
      quantityOnHandBefore: units('quantity_on_hand_before_scaled'),
      quantityOnHandAfter: units('quantity_on_hand_after_scaled'),
      availableToPromiseBefore: units('available_to_promise_before_scaled'),
      availableToPromiseAfter: units('available_to_promise_after_scaled'),
      sourceFile: String(r.source_file),
      line: r.line === null || r.line === undefined ? null : Number(r.line),
      recordedAt,
    });
    return { sequence: Number(r.sequence), event, changes, recordedAt };
  }
  const event = eventOfPayload(String(r.payload));
  if (isLeft(event)) throw new Error(`the ledger holds an unreadable event: ${String(r.payload)}`);
  return {
    sequence: Number(r.sequence),
    event: event.right,
    changes: changesOf(event.right, String(r.changes)),
    recordedAt,
  };
};

/** The columns of a recorded event's ledger row bound in bulk (the sequence and the time are added in SQL). */
const LEDGER_COLUMNS: Columns = [
  ['ord', 'int'],
  ['event_id', 'text'],
  ['type', 'text'],
  ['product_id', 'text'],
  ['facility_id', 'text'],
  ['to_facility_id', 'text'],
  ['payload', 'text'],
  ['changes', 'text'],
  ['refusal', 'text'],
  ['refusal_detail', 'text'],
];

/** The columns `entryOf` reads. */
export const ENTRY_COLUMNS = [
  'sequence',
  'event_id',
  'type',
  'product_id',
  'facility_id',
  'payload',
  'changes',
  'recorded_at',
  'source_file',
  'line',
  'quantity_on_hand_before_scaled',
  'quantity_on_hand_after_scaled',
  'available_to_promise_before_scaled',
  'available_to_promise_after_scaled',
] as const;

/** The InventoryLedger port over the store's database: spread into the store object. */
export const inventoryLedger = ({
  dialect,
  db,
  transaction,
  drawing,
}: LedgerDeps): InventoryLedger & { readonly seed: (targets: SeedTargets, source: string) => Promise<unknown> } => {
  const { rows, among } = dialect;
  const all = async (query: RawBuilder<Row>, on: Db) => (await query.execute(on)).rows;
  const matching = (table: LockedTable, keys: ReadonlyArray<ReadonlyArray<Value>>) =>
    sql`exists (select 1 from ${rows(table.keys, keys)} as "k" where ${sql.join(
      table.keys.map(([k]) => sql`"k".${sql.ref(k)} = ${sql.ref(`${table.name}.${k}`)}`),
      sql` and `,
    )})`;

  /**
   * `and` the condition "the key is one of `keys`" as an index condition (`among`), for a table keyed by one column:
   * without it the planner would join a small batch to a growing table by reading all of it.
   */
  const indexed = (alias: string, table: LockedTable, keys: ReadonlyArray<ReadonlyArray<Value>>) =>
    table.keys.length === 1
      ? sql` and ${among(
          `${alias}.${table.keys[0]![0]}`,
          keys.map((k) => String(k[0])),
        )}`
      : sql``;

  /**
   * Creates the missing rows of `keys` (sentinel-marked) and locks every one of them, in key order, in one statement:
   * `do update … where false` locks an existing row without writing a new version of it (PostgreSQL: "all rows will
   * be locked when the ON CONFLICT DO UPDATE action is taken").
   */
  const lock = async (trx: Db, table: LockedTable, keys: ReadonlyArray<ReadonlyArray<Value>>) => {
    if (keys.length === 0) return;
    const columns: Columns = [...table.keys, ...table.fill.map(([name, type]) => [name, type] as const)];
    const names = columns.map(([name]) => name);
    const values = keys.map((k, ord) => [ord, ...k, ...table.fill.map(([, , value]) => value)]);
    await sql`insert into ${sql.table(table.name)} (${refs(names)})
      select ${refs(names)} from ${rows([['ord', 'int'], ...columns], values)} as "source" where true
      order by ${refs(table.keys.map(([k]) => k))}
      on conflict (${refs(table.keys.map(([k]) => k))}) do update set ${sql.ref(table.sentinel)} = excluded.${sql.ref(table.sentinel)}
      where 1 = 0`.execute(trx);
  };

  /**
   * The locked rows of `keys` in `table` as rows of the one read (`read`): its tag, keys (`k1`, `k2`) and values
   * (`v1`…`v3`, in `fill`'s order).
   */
  const lockedRows = (tag: number, table: LockedTable, keys: ReadonlyArray<ReadonlyArray<Value>>) => {
    const key = (i: number) =>
      table.keys[i] === undefined ? sql`cast(null as text)` : sql.ref(`t.${table.keys[i]![0]}`);
    const value = (i: number) =>
      table.fill[i] === undefined ? sql`cast(null as bigint)` : sql.ref(`t.${table.fill[i]![0]}`);
    const on = sql.join(
      table.keys.map(([k]) => sql`"k".${sql.ref(k)} = ${sql.ref(`t.${k}`)}`),
      sql` and `,
    );
    return sql`select ${sql.lit(tag)} as "tag", ${key(0)} as "k1", ${key(1)} as "k2", ${value(0)} as "v1",
      ${value(1)} as "v2", ${value(2)} as "v3", cast(null as text) as "payload"
      from ${sql.table(table.name)} as "t" join ${rows(table.keys, keys)} as "k" on ${on}
      where true${indexed('t', table, keys)}`;
  };

  /** The statements that write the final values of the applied keys and delete the created rows no applied event needed. */
  const writes = (
    table: LockedTable,
    locked: ReadonlyMap<string, Row>,
    applied: ReadonlyMap<string, ReadonlyArray<Value>>,
  ): RawBuilder<unknown>[] => {
    const statements: RawBuilder<unknown>[] = [];
    const updates = [...applied.values()];
    if (updates.length > 0) {
      const columns: Columns = [...table.keys, ...table.fill.map(([name, type]) => [name, type] as const)];
      const set = sql.join(table.fill.map(([name]) => sql`${sql.ref(name)} = "u".${sql.ref(name)}`));
      const on = sql.join(
        table.keys.map(([k]) => sql`${sql.ref(`${table.name}.${k}`)} = "u".${sql.ref(k)}`),
        sql` and `,
      );
      statements.push(
        sql`update ${sql.table(table.name)} set ${set} from ${rows(columns, updates)} as "u"
          where ${on}${indexed(table.name, table, updates)}`,
      );
    }
    const unused = [...locked]
      .filter(([key, r]) => Number(r[table.sentinel]) === CREATED && !applied.has(key))
      .map(([, r]) => table.keys.map(([k]) => String(r[k])));
    if (unused.length > 0) statements.push(sql`delete from ${sql.table(table.name)} where ${matching(table, unused)}`);
    return statements;
  };

  /**
   * The rows of `keys` in `table` as rows of the one read, unlocked, each with its address (as `payload`): one index
   * probe per key (a lateral subquery the planner cannot turn into a join, which it would answer with a scan of a
   * term table while its statistics still count it small).
   */
  const probed = (
    address: NonNullable<StoreDialect['rowAddress']>,
    tag: number,
    table: LockedTable,
    keys: ReadonlyArray<ReadonlyArray<Value>>,
  ) => {
    const key = (i: number) =>
      table.keys[i] === undefined ? sql`cast(null as text)` : sql.ref(`t.${table.keys[i]![0]}`);
    const value = (i: number) =>
      table.fill[i] === undefined ? sql`cast(null as bigint)` : sql.ref(`t.${table.fill[i]![0]}`);
    const on = sql.join(
      table.keys.map(([k]) => sql`${sql.ref(`r.${k}`)} = "k".${sql.ref(k)}`),
      sql` and `,
    );
    return sql`select ${sql.lit(tag)} as "tag", ${key(0)} as "k1", ${key(1)} as "k2", ${value(0)} as "v1",
      ${value(1)} as "v2", ${value(2)} as "v3", "t"."address" as "payload"
      from ${rows(table.keys, keys)} as "k" cross join lateral (select "r".*, ${address.of('r')} as "address"
        from ${sql.table(table.name)} as "r" where ${on} offset 0) as "t"`;
  };

  /**
   * The guarded writes of a `reading` call to `table` (each returns one row per row it wrote or checked) and how many
   * rows they must return: the applied keys read are updated where they are still at their address with the values
   * read; the applied keys not read are inserted unless someone created them since; the other keys read (`touched`)
   * are locked and compared. Null when a touched key was neither read nor written (a refusal that rests on a row's
   * absence, which no row lock can hold): the call then takes the locking way.
   */
  const guarded = (
    address: NonNullable<StoreDialect['rowAddress']>,
    table: LockedTable,
    read: ReadonlyMap<string, Row>,
    addresses: ReadonlyMap<string, string>,
    applied: ReadonlyMap<string, ReadonlyArray<Value>>,
    touched: ReadonlyArray<ReadonlyArray<Value>>,
  ): { readonly statements: RawBuilder<unknown>[]; readonly expected: number } | null => {
    // In key order (the database's, for ids of one plane of Unicode), as a locking call takes its locks.
    const keyCount = table.keys.length;
    const byKeys = ([, a]: readonly [string, ReadonlyArray<Value>], [, b]: readonly [string, ReadonlyArray<Value>]) => {
      for (let i = 0; i < keyCount; i++) {
        const x = a[i] as string;
        const y = b[i] as string;
        if (x !== y) return x < y ? -1 : 1;
      }
      return 0;
    };
    const keyOfValues = (v: ReadonlyArray<Value>) =>
      keyCount === 1 ? String(v[0]) : pairKey(String(v[0]), String(v[1]));
    const withOlds = (row: Value[], r: Row) => {
      for (const c of table.guard) row.push(Number(r[c]));
      return row;
    };
    let updates: Value[][] = [];
    let inserts: ReadonlyArray<Value>[] = [];
    const checks: Value[][] = [];
    // `touched` comes in key order (`touchedKeys`) and holds every applied key: one pass, no sort.
    let appliedSeen = 0;
    for (const k of touched) {
      const key = keyOfValues(k);
      const r = read.get(key);
      const values = applied.get(key);
      if (values !== undefined) {
        appliedSeen++;
        if (r === undefined) inserts.push(values);
        else updates.push(withOlds([addresses.get(key)!, ...values], r));
      } else if (r === undefined) return null;
      else checks.push(withOlds([addresses.get(key)!, ...k], r));
    }
    if (appliedSeen !== applied.size) {
      // An applied key `touched` does not name (none, by `touchedKeys`): the writes in key order all the same.
      updates = [];
      inserts = [];
      for (const [key, values] of [...applied].sort(byKeys)) {
        const r = read.get(key);
        if (r === undefined) inserts.push(values);
        else updates.push(withOlds([addresses.get(key)!, ...values], r));
      }
    }
    const keyed = (alias: string) =>
      sql.join(
        table.keys.map(([k]) => sql`${sql.ref(`${alias}.${k}`)} = "u".${sql.ref(k)}`),
        sql` and `,
      );
    const unchanged = (alias: string) =>
      sql.join(
        table.guard.map((c) => sql`${sql.ref(`${alias}.${c}`)} = "u".${sql.ref(`old_${c}`)}`),
        sql` and `,
      );
    const oldColumns: Columns = table.guard.map((c) => [`old_${c}`, 'bigint'] as const);
    // Before any row is locked (a one-time filter, run first): the statement's lock waits end after READING_WAIT_MS.
    const gate = sql`(select ${address.waitAtMost(READING_WAIT_MS)}) is not null`;
    const columns: Columns = [...table.keys, ...table.fill.map(([name, type]) => [name, type] as const)];
    const statements: RawBuilder<unknown>[] = [];
    if (updates.length > 0)
      statements.push(
        sql`update ${sql.table(table.name)} set ${sql.join(table.fill.map(([name]) => sql`${sql.ref(name)} = "u".${sql.ref(name)}`))}
          from ${rows([['address', 'text'], ...columns, ...oldColumns], updates)} as "u"
          where ${address.at(table.name, sql.ref('u.address'))} and ${keyed(table.name)} and ${unchanged(table.name)}
          and ${gate} returning 1`,
      );
    if (inserts.length > 0)
      statements.push(
        sql`insert into ${sql.table(table.name)} (${refs(columns.map(([name]) => name))})
          select ${refs(columns.map(([name]) => name))} from ${rows(columns, inserts)} as "source" where ${gate}
          on conflict (${refs(table.keys.map(([k]) => k))}) do nothing returning 1`,
      );
    if (checks.length > 0)
      statements.push(
        sql`select 1 from ${sql.table(table.name)} as "t"
          join ${rows([['address', 'text'], ...table.keys, ...oldColumns], checks)} as "u"
          on ${address.at('t', sql.ref('u.address'))} and ${keyed('t')} and ${unchanged('t')}
          where ${gate}${dialect.forUpdate('t')}`,
      );
    return { statements, expected: updates.length + inserts.length + checks.length };
  };

  /** One row per id of `ids` found in `table`, as rows of the one read (`read`): its tag and the id as `k1`. */
  const selected = (tag: number, table: string, column: string, ids: ReadonlyArray<string>) =>
    sql`select ${sql.lit(tag)} as "tag", ${sql.ref(column)} as "k1", cast(null as text) as "k2",
      cast(null as bigint) as "v1", cast(null as bigint) as "v2", cast(null as bigint) as "v3",
      cast(null as text) as "payload" from ${sql.table(table)} where ${among(column, ids)}`;

  /**
   * The ids of `ids` (distinct) not in `table`, as rows of the one read (`read`): its tag and the id as `k1`; one index
   * probe per id (a subquery per id, fenced as `recordedIds`'), and a row only for an id that is missing (as a rule
   * none: the known ones are the others). `found`: the name of the statement's rows of positions read (tag 0), whose
   * products are not probed: a position exists only of a product that does (every write of one refuses an unknown
   * product, and no product is ever deleted).
   */
  const absentIds = (tag: number, table: string, column: string, ids: ReadonlyArray<string>, found?: string) =>
    sql`select * from (select ${sql.lit(tag)} as "tag", "k"."id" as "k1", cast(null as text) as "k2",
        (select 1 from ${sql.table(table)} as "t" where ${sql.ref(`t.${column}`)} = "k"."id") as "v1",
        cast(null as bigint) as "v2", cast(null as bigint) as "v3", cast(null as text) as "payload"
      from ${rows(
        [['id', 'text']],
        ids.map((id) => [id]),
      )} as "k"${
        found === undefined
          ? sql``
          : sql` where not exists (select 1 from ${sql.table(found)} as "f" where "f"."k1" = "k"."id")`
      }${dialect.fence}) as "a" where "v1" is null`;

  /**
   * The recorded events of `ids` (distinct) as rows of the one read (tag 4, the id as `k1`, its `payload`): one index
   * probe per id, as a subquery per id (which no planner turns into a join). PostgreSQL 15 answers `= any(…)` of a
   * thousand ids several times slower than as many probes, and a join to them with a scan of the whole ledger while
   * its statistics still count it small. The fence keeps the subquery under the filter on its result (merged into it,
   * the filter and the column each ran the probe: two per id).
   */
  const recordedIds = (ids: ReadonlyArray<string>) =>
    sql`select * from (select 4 as "tag", "k"."id" as "k1", cast(null as text) as "k2", cast(null as bigint) as "v1",
        cast(null as bigint) as "v2", cast(null as bigint) as "v3",
        (select "e"."payload" from "inventory_event" as "e" where "e"."event_id" = "k"."id") as "payload"
      from ${rows(
        [['id', 'text']],
        ids.map((id) => [id]),
      )} as "k"${dialect.fence}) as "r" where "payload" is not null`;

  /**
   * Runs statements that touch disjoint rows and read nothing the others write: as one statement where the database
   * takes data-modifying `with` clauses (PostgreSQL: one round trip), else one after the other.
   */
  const together = async (trx: Db, statements: ReadonlyArray<RawBuilder<unknown>>) => {
    if (dialect.writableCte && statements.length > 1)
      await sql`with ${sql.join(statements.map((s, i) => sql`${sql.ref(`w${i}`)} as (${s})`))} select 1`.execute(trx);
    else for (const s of statements) await s.execute(trx);
  };

  /**
   * The events' payloads, and their ledger rows' own columns (`ord` to `payload`, one row per event in order) bound
   * where the dialect binds columns on their own.
   */
  const aheadOf = (events: ReadonlyArray<InventoryEvent>) => {
    const payloads = events.map(canonicalPayload);
    const bind = dialect.bindColumn;
    const bound: (BoundColumn | undefined)[] | undefined =
      bind === undefined
        ? undefined
        : [
            bind(events.map((_, i) => i)),
            bind(events.map((e) => e.eventId)),
            bind(events.map((e) => e.type)),
            bind(events.map((e) => e.productId)),
            bind(events.map((e) => e.facilityId ?? null)),
            bind(events.map((e) => e.toFacilityId ?? null)),
            bind(payloads),
          ];
    return { payloads, bound };
  };

  /**
   * Inside `trx`: locks the keys `touched` names, folds the events `plan` makes of their locked state (and of which
   * ids exist), writes what was applied and numbers the ledger rows. `check` may refuse the whole call (it throws).
   */
  const decide = async (
    trx: Db,
    mode: LockMode,
    touched: ReturnType<typeof touchedKeys>,
    plan: (state: LedgerState) => ReadonlyArray<InventoryEvent>,
    check: (outcomes: ReadonlyArray<EventOutcome>, known: LedgerKnown) => void = () => {},
    also: { readonly productIds: ReadonlyArray<string>; readonly facilityIds: ReadonlyArray<string> } = {
      productIds: [],
      facilityIds: [],
    },
    /** The events `plan` answers, when they are known before the state is read. */
    given?: ReadonlyArray<InventoryEvent>,
  ): Promise<ReadonlyArray<EventOutcome>> => {
    const at = Date.now();
    const eventIds = given?.map((e) => e.eventId);
    const productIds = [
      ...new Set([
        ...also.productIds,
        ...touched.positions.map(([p]) => p),
        ...touched.safetyStock.map(([p]) => p),
        ...touched.thresholds,
        ...touched.brokeringQueue,
      ]),
    ];
    const facilityIds = [
      ...new Set([
        ...also.facilityIds,
        ...touched.positions.map(([, f]) => f),
        ...touched.safetyStock.map(([, f]) => f),
      ]),
    ];
    const early = eventIds === undefined ? [] : [...new Set(eventIds)];
    // The recorded ids, when the events are known already (tag 4), and the products that do not exist and the
    // facilities that do (tags 5 and 6; they are never locked: the fold only asks whether they exist). A reading
    // call reads no recorded ids: its fold takes every id for new, and the ledger's unique event id guards that (a
    // replay, or an id recorded meanwhile, fails the write, and the call runs the locking way, which reads them).
    const idsRead = early.length === 0 || mode === 'reading' ? [] : [recordedIds(early)];
    const knownRead = (found?: string) => [
      absentIds(5, 'product', 'product_id', productIds, found),
      selected(6, 'facility', 'facility_id', facilityIds),
    ];
    const known = ([p, f]: readonly [string, string]) => knownProducts.has(p) && knownFacilities.has(f);
    const terms = () =>
      [
        [SAFETY, touched.safetyStock.filter(known)],
        [THRESHOLD, touched.thresholds.filter((p) => knownProducts.has(p)).map((p) => [p])],
        [QUEUE, touched.brokeringQueue.filter((p) => knownProducts.has(p)).map((p) => [p])],
      ] as const;
    const lockAndRead = async (
      tables: ReadonlyArray<readonly [LockedTable, ReadonlyArray<ReadonlyArray<Value>>]>,
      tag0: number,
      more: ReadonlyArray<RawBuilder<unknown>>,
    ) => {
      // Every row is locked (tables in this fixed order, rows in key order) before any of them is read.
      for (const [table, keys] of tables) await lock(trx, table, keys);
      const parts = [
        ...tables.flatMap(([table, keys], i) => (keys.length === 0 ? [] : [lockedRows(tag0 + i, table, keys)])),
        ...more,
      ];
      return parts.length === 0 ? [] : await all(sql<Row>`${sql.join(parts, sql` union all `)}`, trx);
    };
    let knownProducts = new Set<string>();
    let knownFacilities = new Set<string>();
    const knownOf = (rows: ReadonlyArray<Row>) => {
      const absent = new Set(rows.filter((r) => Number(r.tag) === 5).map((r) => String(r.k1)));
      knownProducts = new Set(productIds.filter((id) => !absent.has(id)));
      knownFacilities = new Set(rows.filter((r) => Number(r.tag) === 6).map((r) => String(r.k1)));
    };
    let read: Row[];
    let ahead: ReturnType<typeof aheadOf> | undefined;
    const address = dialect.rowAddress;
    if (mode === 'reading') {
      if (address === undefined || !dialect.writableCte) throw new Error('a reading call needs row addresses');
      // Every touched row, unlocked, with its address; the known ids and the recorded ones: one statement.
      const tables = [
        [POSITION, touched.positions],
        [SAFETY, touched.safetyStock],
        [THRESHOLD, touched.thresholds.map((p) => [p])],
        [QUEUE, touched.brokeringQueue.map((p) => [p])],
      ] as const;
      // The positions read first, as "p": the products of those found are not probed again.
      const [[, positionKeys], ...terms] = tables;
      const others = [
        ...terms.flatMap(([table, keys], i) => (keys.length === 0 ? [] : [probed(address, i + 1, table, keys)])),
        ...knownRead(positionKeys.length === 0 ? undefined : 'p'),
        ...idsRead,
      ];
      const reading = all(
        positionKeys.length === 0
          ? sql<Row>`${sql.join(others, sql` union all `)}`
          : sql<Row>`with "p" as (${probed(address, 0, POSITION, positionKeys)})
              select * from "p" union all ${sql.join(others, sql` union all `)}`,
        trx,
      );
      if (given !== undefined) {
        // While the read is in flight (sent once this turn's callbacks have run), what does not rest on it: the
        // payloads, and the ledger's columns that are the events' own (a reading call writes a row for every event,
        // but a repeat of an id within the call).
        reading.catch(() => {});
        await new Promise((resolve) => setImmediate(resolve));
        ahead = aheadOf(given);
      }
      read = await reading;
      knownOf(read);
    } else if (mode === 'existing') {
      // The positions that exist are locked and read in one statement (with the ids), in key order; a touched
      // position that does not exist yet sends the whole call the creating way (`MissingRows`), from scratch.
      const first = await all(
        sql<Row>`with "p" as (${lockedRows(0, POSITION, touched.positions)}
            order by "t"."product_id", "t"."facility_id"${dialect.forUpdate('t')})
          select * from "p" union all ${sql.join([...knownRead('p'), ...idsRead], sql` union all `)}`,
        trx,
      );
      knownOf(first);
      const found = new Set(first.filter((r) => Number(r.tag) === 0).map((r) => pairKey(String(r.k1), String(r.k2))));
      if (touched.positions.some((k) => known(k) && !found.has(pairKey(k[0], k[1])))) throw new MissingRows();
      read = [...first, ...(await lockAndRead(terms(), 1, []))];
    } else {
      knownOf(await all(sql<Row>`${sql.join(knownRead(), sql` union all `)}`, trx));
      read = await lockAndRead([[POSITION, touched.positions.filter(known)], ...terms()], 0, idsRead);
    }
    // The rows read of each table (tags 0-3), by key, with their addresses (a reading call's), in one pass.
    const LOCKED = [POSITION, SAFETY, THRESHOLD, QUEUE] as const;
    const lockedRowsOf = LOCKED.map(() => new Map<string, Row>());
    const addressOf = LOCKED.map(() => new Map<string, string>());
    for (const r of read) {
      const tag = Number(r.tag);
      const table = LOCKED[tag];
      if (table === undefined) continue;
      const k1 = String(r.k1);
      const row: Row = { [table.keys[0]![0]]: k1 };
      let key = k1;
      if (table.keys[1] !== undefined) {
        const k2 = String(r.k2);
        row[table.keys[1][0]] = k2;
        key = pairKey(k1, k2);
      }
      for (let i = 0; i < table.fill.length; i++) row[table.fill[i]![0]] = r[`v${i + 1}`];
      lockedRowsOf[tag]!.set(key, row);
      if (r.payload !== null && r.payload !== undefined) addressOf[tag]!.set(key, String(r.payload));
    }
    const [positions, safety, thresholds, queue] = lockedRowsOf as [
      Map<string, Row>,
      Map<string, Row>,
      Map<string, Row>,
      Map<string, Row>,
    ];
    const scalar = (locked: ReadonlyMap<string, Row>, column: string) =>
      new Map(
        [...locked]
          .filter(([, r]) => Number(r[column]) !== CREATED)
          .map(([key, r]) => [key, Number(r[column])] as const),
      );
    const state = {
      positions: new Map(
        [...positions]
          .filter(([, r]) => Number(r.updated_at) !== CREATED)
          .map(([key, r]): [string, ScaledPosition] => {
            const qoh = Number(r.quantity_on_hand_scaled);
            return [key, { quantityOnHand: qoh, reserved: qoh - Number(r.available_to_promise_scaled) }];
          }),
      ),
      safetyStock: scalar(safety, SAFETY.sentinel),
      thresholds: scalar(thresholds, THRESHOLD.sentinel),
      brokeringQueue: scalar(queue, QUEUE.sentinel),
    };
    const events = plan(state);
    const recorded = new Map(
      read.filter((r) => Number(r.tag) === 4).map((r) => [String(r.k1), String(r.payload)] as const),
    );
    // Ids `plan` made of the state (a seed's): read now, still under the locks.
    const asked = new Set(early);
    const late = [...new Set(events.map((e) => e.eventId))].filter((id) => !asked.has(id));
    if (late.length > 0)
      for (const r of await all(
        sql<Row>`select "event_id", "payload" from "inventory_event" where ${among('event_id', late)}`,
        trx,
      ))
        recorded.set(String(r.event_id), String(r.payload));
    const folded = applyInventoryEvents(state, events, {
      knownProducts,
      knownFacilities,
      recorded,
      ...(ahead === undefined ? {} : { payloads: ahead.payloads }),
    });
    check(folded.outcomes, { knownProducts, knownFacilities });

    const appliedPositions = new Map<string, Value[]>();
    const appliedSafety = new Map<string, Value[]>();
    const appliedThresholds = new Map<string, Value[]>();
    const appliedQueue = new Map<string, Value[]>();
    const ledgerRows: Value[][] = [];
    folded.outcomes.forEach((o, i) => {
      if (o.outcome !== 'applied' && o.outcome !== 'refused') return;
      const e = events[i]!;
      ledgerRows.push([
        ledgerRows.length,
        e.eventId,
        e.type,
        e.productId,
        e.facilityId ?? null,
        e.toFacilityId ?? null,
        folded.payloads[i]!,
        o.outcome === 'applied' ? changesText(e, o.changes) : '[]',
        o.outcome === 'refused' ? o.reason : null,
        o.outcome === 'refused' ? o.detail : null,
      ]);
      if (o.outcome !== 'applied') return;
      for (const c of o.changes) {
        if (c.kind === 'position') {
          const key = pairKey(c.productId, c.facilityId);
          const p = folded.state.positions.get(key)!;
          appliedPositions.set(key, [c.productId, c.facilityId, p.quantityOnHand, p.quantityOnHand - p.reserved, at]);
        } else if (c.kind === 'safety-stock') {
          const key = pairKey(c.productId, c.facilityId);
          appliedSafety.set(key, [c.productId, c.facilityId, folded.state.safetyStock.get(key)!]);
        } else if (c.kind === 'threshold')
          appliedThresholds.set(c.productId, [c.productId, folded.state.thresholds.get(c.productId)!]);
        else appliedQueue.set(c.productId, [c.productId, folded.state.brokeringQueue.get(c.productId)!]);
      }
    });
    const n = ledgerRows.length;
    // The columns bound ahead are the rows' when every event has its row (in order).
    const bound = ahead !== undefined && n === events.length ? ahead.bound : undefined;
    // The ledger rows, numbered from the first number drawn (an expression) in batch order.
    const ledger = (first: RawBuilder<unknown>) =>
      sql`insert into "inventory_event" ("sequence", ${refs(LEDGER_COLUMNS.slice(1).map(([name]) => name))}, "recorded_at")
        select ${first} + "ord", ${refs(LEDGER_COLUMNS.slice(1).map(([name]) => name))}, cast(${at} as bigint)
        from ${rows(LEDGER_COLUMNS, ledgerRows, bound)} as "source" where true`;
    if (mode === 'reading') {
      // Only duplicates and conflicts: nothing of them rests on the rows read, and nothing is written.
      if (n === 0) return folded.outcomes;
      const knownProduct = (p: string) => knownProducts.has(p);
      const plans = [
        guarded(address!, POSITION, positions, addressOf[0]!, appliedPositions, touched.positions.filter(known)),
        guarded(address!, SAFETY, safety, addressOf[1]!, appliedSafety, touched.safetyStock.filter(known)),
        guarded(
          address!,
          THRESHOLD,
          thresholds,
          addressOf[2]!,
          appliedThresholds,
          touched.thresholds.filter(knownProduct).map((p) => [p]),
        ),
        guarded(
          address!,
          QUEUE,
          queue,
          addressOf[3]!,
          appliedQueue,
          touched.brokeringQueue.filter(knownProduct).map((p) => [p]),
        ),
      ];
      if (plans.some((plan) => plan === null))
        throw new GuardFailed('a decision rests on a row that does not exist', false);
      const guards = plans.flatMap((plan) => plan!.statements);
      const expected = plans.reduce((total, plan) => total + plan!.expected, 0);
      // The guarded writes run first, in this order (the select's counts read them), then the numbers are drawn and
      // the ledger rows written.
      const steps = [...guards, drawing(n), ledger(sql`(select "sequence" from "h") - ${n - 1}`)];
      const names = [...guards.map((_, i) => `g${i}`), 'h', 'l'];
      const count =
        guards.length === 0
          ? sql`0`
          : sql.join(
              guards.map((_, i) => sql`(select count(*) from ${sql.ref(`g${i}`)})`),
              sql` + `,
            );
      // Outside a transaction the statement commits on its own: when a guard failed, it fails (a text that is no
      // number cast to one, not foldable to a constant: its counts are read), so nothing of it commits.
      await all(
        sql<Row>`with ${sql.join(steps.map((s, i) => sql`${sql.ref(names[i]!)} as (${s})`))}
          select case when "n" = ${expected} then "n" else cast(${GUARD_FAILED} || "n" as int) end as "n"
          from (select ${count} as "n") as "counts"`,
        trx,
      ).catch((e: unknown) =>
        Promise.reject(
          codeOf(e) === INVALID_TEXT && String((e as Error).message).includes(GUARD_FAILED)
            ? new GuardFailed('a row changed since it was read', true)
            : e,
        ),
      );
      return folded.outcomes;
    }
    // The rows are locked already: these writes wait for no one.
    const written = [
      ...writes(POSITION, positions, appliedPositions),
      ...writes(SAFETY, safety, appliedSafety),
      ...writes(THRESHOLD, thresholds, appliedThresholds),
      ...writes(QUEUE, queue, appliedQueue),
    ];
    if (n === 0) {
      await together(trx, written);
      return folded.outcomes;
    }
    if (dialect.writableCte) {
      // One statement: the writes, the numbers drawn (the head's row lock, held to the commit, orders them as the
      // commits are) and the ledger rows numbered from them.
      const steps = [...written, drawing(n), ledger(sql`(select "sequence" from "h") - ${n - 1}`)];
      const names = [...written.map((_, i) => `w${i}`), 'h', 'l'];
      await sql`with ${sql.join(steps.map((s, i) => sql`${sql.ref(names[i]!)} as (${s})`))} select 1`.execute(trx);
    } else {
      await together(trx, written);
      // The numbers are drawn last: the head's row lock, held to the commit, orders them as the commits are.
      const last = Number((await drawing(n).execute(trx)).rows[0]!.sequence);
      await ledger(sql`cast(${last - n + 1} as bigint)`).execute(trx);
    }
    return folded.outcomes;
  };

  /** The refusals recorded for `eventIds` (those refused when first decided), read in `trx`. */
  const earlierRefusals = async (trx: Db, eventIds: ReadonlyArray<string>) => {
    const refusals = new Map<string, EarlierRefusal>();
    if (eventIds.length === 0) return refusals;
    for (const r of await all(
      sql<Row>`select "event_id", "refusal", "refusal_detail" from "inventory_event"
        where ${among('event_id', eventIds)} and "refusal" is not null`,
      trx,
    )) {
      const reason = String(r.refusal);
      if (!isRefusalReason(reason)) throw new Error(`the ledger holds an unknown refusal reason: ${reason}`);
      // A refusal recorded before its detail was kept says its reason only.
      const detail = r.refusal_detail === null || r.refusal_detail === undefined ? reason : String(r.refusal_detail);
      refusals.set(String(r.event_id), { reason, detail });
    }
    return refusals;
  };

  // PostgreSQL reads without locks first (`reading`); SQLite, whose writes hold the database, locks as it reads. After
  // a call that raced, the next LOCKING_AFTER_RACE calls of this store lock at once.
  const reads = dialect.rowAddress !== undefined && dialect.writableCte;
  let lockingCalls = 0;
  const lockingRows = <A>(body: (trx: Db, mode: LockMode) => Promise<A>) => {
    const optimistic = reads && lockingCalls === 0;
    if (lockingCalls > 0) lockingCalls--;
    return lockingRowsOf(
      db,
      transaction,
      optimistic,
      () => {
        lockingCalls = LOCKING_AFTER_RACE;
      },
      body,
    );
  };
  const record = (events: ReadonlyArray<InventoryEvent>) =>
    lockingRows(async (trx, mode) => {
      const outcomes = await decide(
        trx,
        mode,
        touchedKeys(events),
        () => events,
        undefined,
        {
          productIds: events.map((e) => e.productId),
          facilityIds: events.flatMap((e) => [e.facilityId, e.toFacilityId].filter((f) => f !== undefined)),
        },
        events,
      );
      // A replay of a refused event says how it was refused (a rerun after a crash reports it again).
      return withEarlierRefusals(outcomes, await earlierRefusals(trx, duplicateIds(outcomes)));
    });

  /** A seed's absolute values as events, under the same locks; refused whole when one is refused or names an unknown id. */
  const seed = (targets: SeedTargets, source: string) =>
    lockingRows((trx, mode) =>
      decide(
        trx,
        mode,
        seedKeys(targets),
        (state) =>
          seedEvents(state, targets, {
            idPrefix: `seed:${randomUUID()}`,
            source,
            occurredAt: new Date().toISOString(),
          }),
        (outcomes, known) => {
          const faults = seedFaults(targets, outcomes, known);
          if (faults.length > 0) throw new SeedRefused(`refused, nothing written: ${faults.join('; ')}`);
        },
      ),
    );

  return {
    recordEvents: (events) => attempt('recordEvents', async () => (events.length === 0 ? [] : record(events))),
    ledgerEntries: (after, limit, filter = {}, order = 'oldest-first') =>
      attempt('ledgerEntries', async () => {
        if (limit <= 0) return [];
        const { productId, facilityId } = filter;
        const rowsRead = await db()
          .selectFrom('inventory_event')
          .select([...ENTRY_COLUMNS])
          .where('refusal', 'is', null)
          .$if(after !== null, (q) => q.where('sequence', '>', after!))
          .$if(productId !== undefined, (q) => q.where('product_id', '=', productId!))
          .$if(facilityId !== undefined, (q) =>
            q.where((eb) => eb.or([eb('facility_id', '=', facilityId!), eb('to_facility_id', '=', facilityId!)])),
          )
          // Either way along the product's (or facility's) index on (id, sequence): the limit stops the scan.
          .orderBy('sequence', order === 'newest-first' ? 'desc' : 'asc')
          .limit(Math.floor(limit))
          .execute();
        return rowsRead.map((r) => entryOf(r as Row));
      }),
    seed: (targets, source) => seed(targets, source),
  };
};
