import { type RawBuilder, sql } from 'kysely';
import { validSeed } from '../../application/channel-seed-rules.ts';
import {
  dayOfEpochDay,
  type FeedScan,
  type ImportCommit,
  type ProductMatch,
  prefixSuccessor,
  type RunDayCount,
  type RunOutcome,
  type SalesChannel,
  type SettledEntry,
  type Store,
} from '../../application/index.ts';
import type { StockAdjustment, StockLevel, StockTerm } from '../../domain/index.ts';
import {
  fromScaled,
  isChannelFacilityGroup,
  pairKey,
  resetEventIdPrefix,
  stockAdjustmentColumnsOf,
  toScaled,
} from '../../domain/index.ts';
import type { Columns, Db, Value } from './dialect.ts';
import type { StoreDatabase } from './entities.ts';
import { inventoryLedger } from './ledger.ts';
import { attempt, openOrm, type StoreLocation, type StoreOrm } from './orm.ts';
import { storeFileStore, type StoreFileStoreOptions } from './store-file-store.ts';
import type { FileStore } from '../../application/file-store.ts';
import {
  channelIdsOf,
  facilityIdsOf,
  groupIdsOf,
  mappingIdsOf,
  positionIdsOf,
  productIdsOf,
  skuIdsOf,
  storableOnly,
} from '../stored-ids.ts';
import {
  facilityGroupOf,
  failedLineOf,
  feedProgressOf,
  importedFileOf,
  jobRunOf,
  lastByKey,
  ledgerEntryOf,
  mappedInventoryOf,
  mappedInventoryQuery,
  mappingColumns,
  productChangeOf,
  productInventoryOf,
  productInventoryQuery,
  progressColumn,
  reportOf,
  type Row,
  storedScheduleOf,
  varianceOf,
} from './rows.ts';

// The run log's columns but the report (read only for one run): a page of runs stays small.
const RUN_COLUMNS = [
  'run_id',
  'job',
  'parameters',
  'worker',
  'started_at',
  'finished_at',
  'outcome',
  'counts',
  'error',
  'lease_until',
  'trigger',
  'progress',
] as const;

/** A store on PostgreSQL or SQLite: every role a store plays, and its schema and connections. */
export type SqlStore = Store & {
  /** Brings the schema up to the entities' (the migration steps that have not run); run it once per process. */
  readonly migrate: () => Promise<void>;
  /** Closes the store's connections. */
  readonly close: () => Promise<void>;
  /** A file store kept in this database (`storeFileStore`): the feeds' outbox every worker on the store shares. */
  readonly fileStore: (options?: StoreFileStoreOptions) => FileStore;
};

/**
 * Opens the store at `location` without migrating it: one connection pool (PostgreSQL) or one connection (SQLite),
 * MikroORM over it. Rejects when MikroORM cannot start.
 */
export const openStore = async (location: StoreLocation): Promise<SqlStore> => sqlStore(await openOrm(location));

// A feed's first reading, written with its progress when given; a write without it keeps the stored one.
const scanColumns = (scan: FeedScan | undefined) =>
  scan === undefined ? {} : { scan_lines: scan.lines, scan_candidates: scan.candidates };
const keptScan = () => ({
  scan_lines: sql<number | null>`coalesce("excluded"."scan_lines", "feed_progress"."scan_lines")`,
  scan_candidates: sql<number | null>`coalesce("excluded"."scan_candidates", "feed_progress"."scan_candidates")`,
});

const text = (name: string) => [name, 'text'] as const;
const bigint = (name: string) => [name, 'bigint'] as const;
const names = (columns: Columns | ReadonlyArray<string>) =>
  sql.join(columns.map((c) => sql.ref(typeof c === 'string' ? c : c[0])));

/** An adjustment's before and after (QOH, ATP) and the file's quantity, scaled: staged and in the ledger alike. */
const BEFORE_AFTER: Columns = [
  bigint('quantity_on_hand_before_scaled'),
  bigint('quantity_on_hand_after_scaled'),
  bigint('available_to_promise_before_scaled'),
  bigint('available_to_promise_after_scaled'),
  bigint('file_quantity_scaled'),
];

// The bulk tables: filled by COPY (PostgreSQL) or JSON batches (SQLite), then read by set-based statements.
const ADJUSTMENTS = {
  name: 'adjustment_staging',
  columns: [
    text('product_id'),
    text('facility_id'),
    ...BEFORE_AFTER,
    ['created', 'boolean'],
    ['line', 'int'],
    ['ord', 'bigint'],
  ],
} as const;
const PRODUCTS = { name: 'product_staging', columns: [text('product_id'), text('external_id')] } as const;
const POSITIONS = {
  name: 'position_staging',
  columns: [
    text('product_id'),
    text('facility_id'),
    bigint('quantity_on_hand_scaled'),
    bigint('available_to_promise_scaled'),
    bigint('updated_at'),
  ],
} as const;

const adjustmentRows = function* (adjustments: Iterable<StockAdjustment>): Generator<Value[]> {
  let ord = 0;
  for (const a of adjustments)
    yield [
      a.productId,
      a.facilityId,
      toScaled(a.quantityOnHandBefore),
      toScaled(a.quantityOnHandAfter),
      toScaled(a.availableToPromiseBefore),
      toScaled(a.availableToPromiseAfter),
      toScaled(a.fileQuantity),
      a.created,
      a.line,
      ord++,
    ];
};

/** The columns of a `reset` ledger row the import writes. */
const RESETS: Columns = [
  bigint('sequence'),
  text('event_id'),
  text('type'),
  text('product_id'),
  text('facility_id'),
  text('payload'),
  text('changes'),
  bigint('recorded_at'),
  text('source_file'),
  text('run_id'),
  ['line', 'int'],
  ...BEFORE_AFTER,
  ['created', 'boolean'],
];

const everyCreated = (adjustments: ImportCommit['adjustments']): boolean => {
  const created = (adjustments.columns ?? stockAdjustmentColumnsOf(adjustments)).created;
  for (let i = 0; i < adjustments.length; i++) if (!created(i)) return false;
  return true;
};

const levelRows = function* (levels: Iterable<StockLevel>): Generator<Value[]> {
  for (const l of levels)
    yield [l.productId, l.facilityId, toScaled(l.quantityOnHand), toScaled(l.availableToPromise), 0];
};

/** One `insert … select … on conflict` statement: rows into a table, the `update` columns set on a clash. */
type Upsert = {
  readonly into: keyof StoreDatabase;
  readonly key: ReadonlyArray<string>;
  /** Set from the new row when its key exists already; none: the existing row stays (`do nothing`). */
  readonly update: ReadonlyArray<string>;
  /** Updates only the existing rows that meet it. */
  readonly when?: RawBuilder<unknown>;
} & (
  | {
      /** The columns written, named alike in `from` and in the table. */
      readonly columns: Columns | ReadonlyArray<string>;
      /** A relation (a staging table, a subquery) with those columns. */
      readonly from: RawBuilder<unknown>;
    }
  | { readonly columns: Columns; readonly values: ReadonlyArray<ReadonlyArray<Value>> }
);

/** The store's port methods, each written once over the dialect's few functions. */
const sqlStore = ({ dialect, db, transaction, migrate, close }: StoreOrm): SqlStore => {
  const { rows, among } = dialect;
  /** Runs one upsert on `on` (the pool, or the caller's transaction). */
  const upsert = async (on: Db, u: Upsert): Promise<void> => {
    const from = 'values' in u ? rows(u.columns, u.values) : u.from;
    const set = sql.join(u.update.map((c) => sql`${sql.ref(c)} = excluded.${sql.ref(c)}`));
    const action =
      u.update.length === 0
        ? sql`do nothing`
        : sql`do update set ${set}${u.when === undefined ? sql`` : sql` where ${u.when}`}`;
    // `where true`: without it SQLite would read `on conflict` as the select's join constraint.
    await sql`insert into ${sql.table(u.into)} (${names(u.columns)}) select ${names(u.columns)} from ${from} as "source"
      where true on conflict (${names(u.key)}) ${action}`.execute(on);
  };
  /** Distinct ids as a relation of one column. */
  const ids = (column: string, values: Iterable<string>) =>
    rows(
      [text(column)],
      [...new Set(values)].map((id) => [id]),
    );

  /**
   * A temporary table filled with `values`, read by `body`, and dropped: all inside the transaction `trx` (a failure
   * rolls the table back with the rest).
   */
  const staged = async <A>(
    trx: Db,
    table: { readonly name: string; readonly columns: Columns },
    values: Iterable<ReadonlyArray<Value>>,
    body: () => Promise<A>,
  ): Promise<A> => {
    const columns = sql.join(table.columns.map(([name, type]) => sql`${sql.ref(name)} ${sql.raw(type)}`));
    await sql`create temp table ${sql.table(table.name)} (${columns})`.execute(trx);
    await dialect.fill(trx, table.name, table.columns, values);
    const result = await body();
    await sql`drop table ${sql.table(table.name)}`.execute(trx);
    return result;
  };

  /**
   * The statement that draws `n` ledger sequence numbers and returns the last one (`sequence`); `draw` runs it. The
   * head's row lock is held to the commit, so the numbers follow the order of commits: draw as the transaction's last
   * step but its writes of the numbers (a transaction that locks positions first and the head last never deadlocks
   * with another that does the same).
   */
  const drawing = (n: number) =>
    sql<Row>`insert into "ledger_head" ("id", "sequence")
      select 1, coalesce(max("sequence"), 0) + cast(${n} as bigint) from "inventory_event" where true
      on conflict ("id") do update set "sequence" = "ledger_head"."sequence" + cast(${n} as bigint)
      returning "sequence"`;
  const draw = async (trx: Db, n: number): Promise<number> => {
    const last = Number((await drawing(n).execute(trx)).rows[0]!.sequence);
    // Numbers drawn here are those of changes their transaction marks itself (the import's resets, changes that are
    // no ledger rows): when every number before them is folded into the marks already, so are these, and the mark
    // moves past them (the delta push's fold then never reads them). The mark's row is locked either way, before
    // any mark's, as the fold locks them (a fold running meanwhile is waited for).
    await sql`update "changed_product_mark" set "sequence" = case when "sequence" = ${last - n} then ${last}
      else "sequence" end where "id" = 1`.execute(trx);
    return last;
  };

  /**
   * Marks the products of `products` (a relation with distinct `product_id`s) changed at ledger sequence `sequence`
   * (an expression). Every write that moves a product's online ATP goes through here, inside the caller's transaction.
   */
  const marking = (products: RawBuilder<unknown>, at: number, sequence: RawBuilder<unknown>) =>
    sql`insert into "changed_product" ("product_id", "changed_at", "sequence")
      select "product_id", cast(${at} as bigint), ${sequence} from ${products} as "changed" where true
      on conflict ("product_id") do update set "changed_at" = excluded."changed_at",
        "version" = "changed_product"."version" + 1, "sequence" = excluded."sequence"`;
  const markChanged = (trx: Db, products: RawBuilder<unknown>, at: number, sequence: number) =>
    marking(products, at, sql`cast(${sequence} as bigint)`).execute(trx);
  /**
   * Folds the ledger rows numbered after `changed_product_mark` into `changed_product` (each product at the number and
   * time of its last row), up to the head, and moves the mark there: the ledger's writes mark nothing, so the marks
   * are complete up to the head once this ran. The mark's row lock is taken first, as every other writer of marks
   * takes it before any mark's (`draw`), so none waits in another order; the ledger's writers take no lock of it and
   * never wait for a fold. Every number up to the head read is committed (the head's row lock is held from a draw to
   * its commit). Refused events changed nothing; the import's resets (`source_file`) are marked by the import.
   */
  const markLedgerChanges = () =>
    transaction(async (trx) => {
      const mark = await all(
        sql<Row>`select "m"."sequence" from "changed_product_mark" as "m" where "m"."id" = 1${dialect.forUpdate('m')}`,
        trx,
      );
      const head = await all(sql<Row>`select "sequence" from "ledger_head" where "id" = 1`, trx);
      if (head.length === 0) return;
      const through = Number(head[0]!.sequence);
      const from = mark.length === 0 ? 0 : Number(mark[0]!.sequence);
      if (from >= through) return;
      // A walk of the ledger's primary key over the new rows only, in product order (as the marks' locks are taken).
      await sql`insert into "changed_product" ("product_id", "changed_at", "sequence")
        select "product_id", max("recorded_at"), max("sequence") from "inventory_event"
        where "sequence" > ${from} and "sequence" <= ${through} and "refusal" is null and "source_file" is null
        group by "product_id" order by "product_id"
        on conflict ("product_id") do update set "changed_at" = excluded."changed_at",
          "version" = "changed_product"."version" + 1,
          "sequence" = case when excluded."sequence" > "changed_product"."sequence" then excluded."sequence"
            else "changed_product"."sequence" end`.execute(trx);
      await upsert(trx, {
        into: 'changed_product_mark',
        columns: [['id', 'int'], bigint('sequence')],
        values: [[1, through]],
        key: ['id'],
        update: ['sequence'],
      });
    });
  /** Marks products changed at `sequence`, or at a number drawn for the change (one that writes no ledger row). */
  const markIdsChanged = async (trx: Db, productIds: Iterable<string>, at: number, sequence?: number) =>
    markChanged(trx, ids('product_id', productIds), at, sequence ?? (await draw(trx, 1)));

  /**
   * A commit whose every adjustment creates a position (the first load of an empty store), without a staging table:
   * the positions straight into their table (`load`: into an empty table no one else holds, locked to the commit with
   * its primary key built after the rows; else in key order, as the ledger locks them), under a savepoint, then their
   * `reset` rows (the true before is 0 and 0) straight into the ledger (`load`: on an empty ledger, its indexes are
   * built after the rows). False, with nothing written, when a position exists already (another writer created it
   * since the plan read the stock): the commit then takes the general path.
   */
  const commitCreated = async (trx: Db, commit: ImportCommit, at: number): Promise<boolean> => {
    const { adjustments } = commit;
    const n = adjustments.length;
    // Field by field, without an object per adjustment (a million of them, read three times over).
    const a = adjustments.columns ?? stockAdjustmentColumnsOf(adjustments);
    const productIds = new Set<string>();
    for (let i = 0; i < n; i++) productIds.add(a.productId(i));
    const qoh = (i: number) => toScaled(a.quantityOnHandAfter(i)) - toScaled(a.quantityOnHandBefore(i));
    const atp = (i: number) => toScaled(a.availableToPromiseAfter(i)) - toScaled(a.availableToPromiseBefore(i));
    // One row array, filled again for each row: COPY's writer reads a row whole before it asks for the next.
    const positions = function* (order: ArrayLike<number> | null): Generator<Value[]> {
      const row: Value[] = ['', '', 0, 0, at];
      for (let k = 0; k < n; k++) {
        const i = order === null ? k : order[k]! % n;
        row[0] = a.productId(i);
        row[1] = a.facilityId(i);
        row[2] = qoh(i);
        row[3] = atp(i);
        yield row;
      }
    };
    // Under the table's lock no other writer can meet these rows, and its primary key is built after them: any
    // order. Else in the primary key's order, the database's own (its collation), as the ledger locks positions.
    const inOrder = async (locked: boolean) => {
      if (locked) return positions(null);
      const rank = async (column: string, values: ReadonlySet<string>) =>
        new Map(
          (await all(sql<Row>`select ${sql.ref(column)} from ${ids(column, values)} as "ids" order by 1`, trx)).map(
            (r, i) => [String(r[column]), i] as const,
          ),
        );
      const facilityIds = new Set<string>();
      for (let i = 0; i < n; i++) facilityIds.add(a.facilityId(i));
      const productRank = await rank('product_id', productIds);
      const facilityRank = await rank('facility_id', facilityIds);
      // Each row's key and index packed in one number (key * n + index, exact below 2^53: n below 94 million),
      // sorted natively: no comparator called 20 million times, no array of a million boxed numbers.
      const order = new Float64Array(n);
      for (let i = 0; i < n; i++)
        order[i] = (productRank.get(a.productId(i))! * facilityRank.size + facilityRank.get(a.facilityId(i))!) * n + i;
      return positions(order.sort());
    };
    await sql`savepoint "import_created"`.execute(trx);
    // A plain COPY: a clash with a position created meanwhile fails it (or the primary key built after the rows), and
    // any failure sends every row the general way.
    const inserted = await dialect
      .load(trx, 'inventory_position', POSITIONS.columns, inOrder, { primaryKey: true })
      .then(
        () => true,
        () => false,
      );
    await sql
      .raw(inserted ? 'release savepoint "import_created"' : 'rollback to savepoint "import_created"')
      .execute(trx);
    if (!inserted) return false;
    // The numbers are drawn after the positions are locked, as every ledger write does.
    const last = await draw(trx, n);
    const first = last - n + 1;
    const prefix = resetEventIdPrefix(commit.runId, commit.file.sha256, commit.file.name);
    const resets = function* (): Generator<Value[]> {
      const row: Value[] = [
        0,
        '',
        'reset',
        '',
        '',
        '',
        '',
        at,
        commit.file.name,
        commit.runId,
        null,
        0,
        0,
        0,
        0,
        0,
        true,
      ];
      for (let i = 0; i < n; i++) {
        row[0] = first + i;
        row[1] = prefix + i.toFixed(0); // not `${i}`: see copyField
        row[3] = a.productId(i);
        row[4] = a.facilityId(i);
        row[10] = a.line(i);
        row[12] = qoh(i);
        row[14] = atp(i);
        row[15] = toScaled(a.fileQuantity(i));
        yield row;
      }
    };
    await dialect.load(trx, 'inventory_event', RESETS, resets());
    // The products marked by plain inserts (an upsert's speculative insertion measured half as fast): on a first
    // load none is marked yet, as a rule; when one is (an earlier threshold edit, a writer meanwhile), the inserts
    // are undone and the upsert marks them all.
    await sql`savepoint "import_marked"`.execute(trx);
    const marked = await sql`insert into "changed_product" ("product_id", "changed_at", "sequence")
        select "product_id", cast(${at} as bigint), cast(${last} as bigint) from ${ids('product_id', productIds)} as "changed"`
      .execute(trx)
      .then(
        () => true,
        () => false,
      );
    await sql.raw(marked ? 'release savepoint "import_marked"' : 'rollback to savepoint "import_marked"').execute(trx);
    if (!marked) await markChanged(trx, ids('product_id', productIds), at, last);
    return true;
  };

  const mapOf = async (query: Promise<ReadonlyArray<{ k: unknown; v: unknown }>>) =>
    new Map((await query).map((r) => [String(r.k), String(r.v)]));
  const all = async (query: RawBuilder<Row>, on: Db = db()) => (await query.execute(on)).rows;
  /** The Shopify ledger's rows of these items at the location (known after `knownAfter`, if given), by item. */
  const ledgerRows = async (
    shop: string,
    locationId: string,
    inventoryItemIds: ReadonlyArray<string>,
    knownAfter?: Date,
  ): Promise<Row[]> =>
    inventoryItemIds.length === 0
      ? []
      : await all(sql<Row>`select "inventory_item_id", "location_id", "quantity", "run_id", "recorded_at"
          from ${dialect.byKey(
            'shopify_ledger',
            ['inventory_item_id', 'location_id', 'quantity', 'run_id', 'recorded_at'],
            sql`"shop" = ${shop} and "location_id" = ${locationId}`,
            'inventory_item_id',
            inventoryItemIds,
          )} as "l"
          ${knownAfter === undefined ? sql`` : sql`where "recorded_at" > ${knownAfter.getTime()}`}
          order by "inventory_item_id"`);
  const facilityGroup = async (facilityGroupId: string) =>
    facilityGroupOf(
      facilityGroupId,
      await db()
        .selectFrom('facility_group as g')
        .leftJoin('facility_group_member as m', 'm.facility_group_id', 'g.facility_group_id')
        .select(['g.facility_group_type_id', 'm.facility_id'])
        .where('g.facility_group_id', '=', facilityGroupId)
        .orderBy('m.facility_id')
        .execute(),
    );
  const mapped = (shop: string) =>
    sql`select "product_id", "inventory_item_id" from "shopify_inventory_item" where "shop" = ${shop} and "status" = 'mapped'`;
  const after = (column: string, value: string | null) =>
    value === null ? sql`` : sql`and ${sql.ref(column)} > ${value}`;
  // Whether the database orders text by code point, asked once (a prefix search's range depends on it).
  let codePointOrder: Promise<boolean> | undefined;
  // The condition "`column` starts with `prefix`": exact in any collation (`substr`), and one index range where the
  // database orders by code point; from the prefix on otherwise.
  const startsWith = async (column: string, prefix: string) => {
    codePointOrder ??= dialect.codePointOrder(db()).catch((error: unknown) => {
      codePointOrder = undefined;
      throw error;
    });
    const successor = (await codePointOrder) ? prefixSuccessor(prefix) : null;
    const ref = sql.ref(column);
    return sql`${ref} >= ${prefix} ${successor === null ? sql`` : sql`and ${ref} < ${successor}`}
      and substr(${ref}, 1, ${[...prefix].length}) = ${prefix}`;
  };

  const { seed, ...ledgerPort } = inventoryLedger({ dialect, db, transaction, drawing });

  return {
    migrate,
    close,
    fileStore: (options) => storeFileStore({ db, transaction }, options),
    ...ledgerPort,

    // InventoryStore, InventoryHistory, InventorySeed: the NetSuite import.
    facilityIdsByExternalId: () =>
      attempt('facilityIdsByExternalId', () =>
        mapOf(db().selectFrom('facility').select(['external_id as k', 'facility_id as v']).execute()),
      ),
    productIdsByExternalId: () =>
      attempt('productIdsByExternalId', () =>
        mapOf(db().selectFrom('product').select(['external_id as k', 'product_id as v']).execute()),
      ),
    stockLevels: () => attempt('stockLevels', () => transaction(dialect.stockLevels)),
    importedFile: (name, sha256) =>
      attempt('importedFile', async () => {
        const row = await db()
          .selectFrom('imported_file')
          .select(['name', 'sha256', 'outcome', 'run_id', 'imported_at'])
          .where('name', '=', name)
          .where('sha256', '=', sha256)
          .executeTakeFirst();
        return row === undefined ? null : importedFileOf(row);
      }),
    appliedFiles: () =>
      attempt('appliedFiles', async () =>
        (
          await db()
            .selectFrom('imported_file')
            .select(['name', 'sha256', 'outcome', 'run_id', 'imported_at'])
            .where('outcome', '=', 'applied')
            .execute()
        ).map(importedFileOf),
      ),
    commitImport: (commit) =>
      attempt('commitImport', () =>
        transaction(async (trx) => {
          const at = commit.at.getTime();
          const recorded = await trx
            .insertInto('imported_file')
            .values({
              name: commit.file.name,
              sha256: commit.file.sha256,
              bytes: commit.file.bytes,
              outcome: commit.outcome,
              method: commit.method,
              run_id: commit.runId,
              rows_read: commit.counts.rowsRead,
              adjusted: commit.counts.adjusted,
              unchanged: commit.counts.unchanged,
              rejected: commit.counts.rejected,
              imported_at: at,
            })
            .onConflict((oc) => oc.columns(['name', 'sha256']).doNothing())
            .executeTakeFirst();
          if (Number(recorded.numInsertedOrUpdatedRows ?? 0) === 0) return 'already-imported' as const;
          if (commit.adjustments.length === 0) return 'committed' as const;
          if (everyCreated(commit.adjustments) && (await commitCreated(trx, commit, at))) return 'committed' as const;
          // The statements below sort and join every adjustment (in key order, staging against what the upsert
          // returned): in memory.
          await dialect.roomToSort(trx);
          let created = 0;
          const counted = function* (adjustments: Iterable<StockAdjustment>): Generator<StockAdjustment> {
            for (const a of adjustments) {
              if (a.created) created++;
              yield a;
            }
          };
          return staged(trx, ADJUSTMENTS, adjustmentRows(counted(commit.adjustments)), async () => {
            // Each adjustment is applied as its planned delta (after - before) on top of the position as it is at
            // commit time, inside the database: a reservation, shipment or count committed since the plan read the
            // stock is kept, never overwritten.
            // The positions the plan found missing first, as plain inserts (`do nothing` on a clash): when every one
            // of them went in, their true before is 0 and 0 and their ledger rows need no join back. When another
            // writer created one of them since the plan read the stock, the inserts are undone and every adjustment
            // takes the general path below. In key order, as the ledger locks, so the two never deadlock.
            const fresh =
              created > 0 &&
              (await (async () => {
                await sql`savepoint "import_created"`.execute(trx);
                // A plain insert (no `on conflict`, whose speculative insertion measured half as fast): a clash with
                // a position created meanwhile fails it, and any failure here sends every row the general way.
                const inserted = await sql`insert into "inventory_position" ("product_id", "facility_id",
                    "quantity_on_hand_scaled", "available_to_promise_scaled", "updated_at")
                  select "product_id", "facility_id", "quantity_on_hand_after_scaled" - "quantity_on_hand_before_scaled",
                    "available_to_promise_after_scaled" - "available_to_promise_before_scaled", cast(${at} as bigint)
                  from "adjustment_staging" where "created" order by "product_id", "facility_id"`
                  .execute(trx)
                  .then(
                    (result) => Number(result.numAffectedRows ?? 0),
                    () => -1,
                  );
                const all = inserted === created;
                await sql
                  .raw(all ? 'release savepoint "import_created"' : 'rollback to savepoint "import_created"')
                  .execute(trx);
                return all;
              })());
            // The rows the general path takes: all of them, or those of existing positions.
            const general = fresh ? sql`not "created"` : sql`true`;
            const others = fresh ? commit.adjustments.length - created : commit.adjustments.length;
            // One statement for new and existing positions: a missing one starts from 0 (so it becomes the delta),
            // an existing one (or one another writer inserts meanwhile) moves by it. In key order, as the ledger
            // locks, so the two never deadlock; it leaves each position row-locked until the commit, so the ledger
            // rows below read exactly what this commit made.
            const deltas = sql`insert into "inventory_position" ("product_id", "facility_id",
                "quantity_on_hand_scaled", "available_to_promise_scaled", "updated_at")
              select "product_id", "facility_id", "quantity_on_hand_after_scaled" - "quantity_on_hand_before_scaled",
                "available_to_promise_after_scaled" - "available_to_promise_before_scaled", cast(${at} as bigint)
              from "adjustment_staging" where ${general} order by "product_id", "facility_id"
              on conflict ("product_id", "facility_id") do update set
                "quantity_on_hand_scaled" = "inventory_position"."quantity_on_hand_scaled" + excluded."quantity_on_hand_scaled",
                "available_to_promise_scaled" = "inventory_position"."available_to_promise_scaled" + excluded."available_to_promise_scaled",
                "updated_at" = excluded."updated_at"`;
            // PostgreSQL: the rows the upsert returned, kept in a temporary table (a join to them, not to every
            // position). SQLite: the positions themselves (the transaction holds the database).
            let applied: RawBuilder<unknown> = sql`"inventory_position"`;
            if (others > 0) {
              if (dialect.writableCte) {
                await sql`create temp table "applied_staging" ("product_id" text, "facility_id" text,
                  "quantity_on_hand_scaled" bigint, "available_to_promise_scaled" bigint)`.execute(trx);
                await sql`with "applied" as (${deltas} returning "product_id", "facility_id", "quantity_on_hand_scaled",
                  "available_to_promise_scaled") insert into "applied_staging" select * from "applied"`.execute(trx);
                applied = sql`"applied_staging"`;
              } else await deltas.execute(trx);
            }
            // The numbers are drawn after the positions are locked, as every ledger write does.
            const n = commit.adjustments.length;
            const last = await draw(trx, n);
            // Each adjustment is a `reset` row of the ledger, with the true before and after at commit: the position
            // as the deltas left it, less the delta applied. `created`: the plan found no position and none came up
            // meanwhile (the true before is 0 and 0).
            const ledgerColumns = sql`"sequence", "event_id", "type", "product_id", "facility_id",
                "payload", "changes", "recorded_at", "source_file", "run_id", "line", "quantity_on_hand_before_scaled",
                "quantity_on_hand_after_scaled", "available_to_promise_before_scaled",
                "available_to_promise_after_scaled", "file_quantity_scaled", "created"`;
            const common = sql`cast(${last - n + 1} as bigint) + "s"."ord",
                cast(${resetEventIdPrefix(commit.runId, commit.file.sha256, commit.file.name)} as text) || cast("s"."ord" as text),
                'reset', "s"."product_id", "s"."facility_id", '', '', cast(${at} as bigint),
                cast(${commit.file.name} as text), cast(${commit.runId} as text), "s"."line"`;
            if (fresh)
              await sql`insert into "inventory_event" (${ledgerColumns})
                select ${common}, cast(0 as bigint),
                  "s"."quantity_on_hand_after_scaled" - "s"."quantity_on_hand_before_scaled", cast(0 as bigint),
                  "s"."available_to_promise_after_scaled" - "s"."available_to_promise_before_scaled",
                  "s"."file_quantity_scaled", "s"."created"
                from "adjustment_staging" "s" where "s"."created"`.execute(trx);
            if (others > 0)
              await sql`insert into "inventory_event" (${ledgerColumns})
                select ${common},
                  "p"."quantity_on_hand_scaled" - ("s"."quantity_on_hand_after_scaled" - "s"."quantity_on_hand_before_scaled"),
                  "p"."quantity_on_hand_scaled",
                  "p"."available_to_promise_scaled" - ("s"."available_to_promise_after_scaled" - "s"."available_to_promise_before_scaled"),
                  "p"."available_to_promise_scaled", "s"."file_quantity_scaled",
                  "s"."created" and "p"."quantity_on_hand_scaled" = "s"."quantity_on_hand_after_scaled" - "s"."quantity_on_hand_before_scaled"
                    and "p"."available_to_promise_scaled" = "s"."available_to_promise_after_scaled" - "s"."available_to_promise_before_scaled"
                from "adjustment_staging" "s" join ${applied} "p"
                  on "p"."product_id" = "s"."product_id" and "p"."facility_id" = "s"."facility_id"
                where ${fresh ? sql`not "s"."created"` : sql`true`}`.execute(trx);
            if (others > 0 && dialect.writableCte) await sql`drop table "applied_staging"`.execute(trx);
            await markChanged(trx, sql`(select distinct "product_id" from "adjustment_staging")`, at, last);
            return 'committed' as const;
          });
        }),
      ),
    // The resets of a file: the ledger's `reset` rows (and those of imports made before the ledger held them).
    variances: (sourceFile) =>
      attempt('variances', async () => {
        const legacy = await db()
          .selectFrom('inventory_variance')
          .selectAll()
          .where('source_file', '=', sourceFile)
          .orderBy('line')
          .orderBy('product_id')
          .orderBy('facility_id')
          .execute();
        const resets = await db()
          .selectFrom('inventory_event')
          .select([
            'source_file',
            'run_id',
            'product_id',
            'facility_id',
            'quantity_on_hand_before_scaled',
            'quantity_on_hand_after_scaled',
            'available_to_promise_before_scaled',
            'available_to_promise_after_scaled',
            'file_quantity_scaled',
            'created',
            'line',
            'recorded_at',
          ])
          .where('type', '=', 'reset')
          .where('source_file', '=', sourceFile)
          .orderBy('line')
          .orderBy('product_id')
          .orderBy('facility_id')
          .execute();
        return [...legacy, ...resets].map((r) => varianceOf(r as Row));
      }),
    changedProductIds: () =>
      attempt('changedProductIds', async () => {
        await markLedgerChanges();
        return (await db().selectFrom('changed_product').select('product_id').orderBy('product_id').execute()).map(
          (r) => String(r.product_id),
        );
      }),
    saveFacilities: (facilities) =>
      attempt('saveFacilities', async () => {
        storableOnly(facilityIdsOf(facilities));
        const latest = lastByKey(facilities, (f) => f.facilityId);
        const columns = [text('facility_id'), text('external_id'), text('name')];
        if (latest.length > 0)
          await upsert(db(), {
            into: 'facility',
            columns,
            values: latest.map((f) => [f.facilityId, f.externalId, f.name ?? null]),
            key: ['facility_id'],
            update: ['external_id', 'name'],
          });
      }),
    saveProducts: (products) =>
      attempt('saveProducts', async () => {
        storableOnly(productIdsOf(products));
        await transaction((trx) =>
          staged(
            trx,
            PRODUCTS,
            lastByKey(products, (p) => p.productId).map((p) => [p.productId, p.externalId]),
            () =>
              upsert(trx, {
                into: 'product',
                columns: PRODUCTS.columns,
                from: sql.table(PRODUCTS.name),
                key: ['product_id'],
                update: ['external_id'],
              }),
          ),
        );
      }),
    saveStockLevels: (levels) =>
      attempt('saveStockLevels', async () => {
        storableOnly(positionIdsOf(levels));
        await transaction((trx) =>
          staged(trx, POSITIONS, levelRows(lastByKey(levels, (l) => pairKey(l.productId, l.facilityId))), () =>
            upsert(trx, {
              into: 'inventory_position',
              columns: POSITIONS.columns,
              from: sql.table(POSITIONS.name),
              key: ['product_id', 'facility_id'],
              update: ['quantity_on_hand_scaled', 'available_to_promise_scaled'],
            }),
          ),
        );
      }),

    // JobLease.
    acquireJobLock: (job, owner, until, now) =>
      attempt('acquireJobLock', async () => {
        // One statement: take a free or expired lease, or renew our own; another owner's running lease stays.
        const taken = await db()
          .insertInto('job_lock')
          .values({ job, owner, expires_at: until.getTime() })
          .onConflict((oc) =>
            oc
              .column('job')
              .doUpdateSet((eb) => ({ owner: eb.ref('excluded.owner'), expires_at: eb.ref('excluded.expires_at') }))
              .where((eb) =>
                eb.or([
                  eb('job_lock.owner', '=', eb.ref('excluded.owner')),
                  eb('job_lock.expires_at', '<=', now.getTime()),
                ]),
              ),
          )
          .returning('owner')
          .executeTakeFirst();
        return taken !== undefined;
      }),
    releaseJobLock: (job, owner) =>
      attempt('releaseJobLock', async () => {
        await db().deleteFrom('job_lock').where('job', '=', job).where('owner', '=', owner).execute();
      }),

    // RunLog.
    startRun: (run) =>
      attempt('startRun', async () => {
        await db()
          .insertInto('job_run')
          .values({
            run_id: run.runId,
            job: run.job,
            parameters: JSON.stringify(run.parameters),
            worker: run.worker,
            started_at: run.startedAt.getTime(),
            finished_at: null,
            outcome: 'running',
            counts: '{}',
            error: null,
            ...(run.leaseUntil === undefined ? {} : { lease_until: run.leaseUntil.getTime() }),
            ...(run.trigger === undefined ? {} : { trigger: run.trigger }),
          })
          .execute();
      }),
    progressRun: (runId, progress) =>
      attempt('progressRun', async () => {
        await db()
          .updateTable('job_run')
          .set({ progress: progressColumn(progress) })
          .where('run_id', '=', runId)
          .where('outcome', '=', 'running')
          .execute();
      }),
    renewRun: (runId, leaseUntil) =>
      attempt('renewRun', async () => {
        await db()
          .updateTable('job_run')
          .set({ lease_until: leaseUntil.getTime() })
          .where('run_id', '=', runId)
          .where('outcome', '=', 'running')
          .execute();
      }),
    finishRun: (runId, end) =>
      attempt('finishRun', async () => {
        const result = await db()
          .updateTable('job_run')
          .set({
            finished_at: end.finishedAt.getTime(),
            outcome: end.outcome,
            counts: JSON.stringify(end.counts),
            error: end.error,
            ...(end.report === undefined ? {} : { report: JSON.stringify(end.report) }),
          })
          .where('run_id', '=', runId)
          .executeTakeFirst();
        if (Number(result.numUpdatedRows) === 0) throw new Error(`no such run: ${runId}`);
      }),
    runsPerDay: (filter) =>
      attempt('runsPerDay', async (): Promise<RunDayCount[]> => {
        // `abandoned` is never stored: a `running` run whose heartbeat lapsed before `at` (see outcomeSeenAt).
        const lapsed = filter.at?.getTime() ?? null;
        const counted = await all(sql<Row>`
          select "started_at" / 86400000 as "day",
            case when "outcome" = 'running' and ${lapsed === null ? sql`false` : sql`"lease_until" <= ${lapsed}`}
              then 'abandoned' else "outcome" end as "outcome",
            count(*) as "runs"
          from "job_run" where "started_at" >= ${filter.from.getTime()} and "started_at" < ${filter.to.getTime()}
          group by 1, 2 order by 1, 2`);
        return counted.map((r) => ({
          day: dayOfEpochDay(Number(r.day)),
          outcome: String(r.outcome) as RunOutcome,
          runs: Number(r.runs),
        }));
      }),
    listRuns: (filter) =>
      attempt('listRuns', async () => {
        if (filter.limit <= 0) return [];
        const { job, outcome, at } = filter;
        // `abandoned` is never stored: it is a `running` run whose heartbeat lapsed before `at` (see outcomeSeenAt).
        const lapsed = at?.getTime() ?? null;
        const { before } = filter;
        const runs = await db()
          .selectFrom('job_run')
          .select(RUN_COLUMNS)
          .$if(job !== undefined, (q) => q.where('job', '=', job!))
          .$if(outcome !== undefined && outcome !== 'running' && outcome !== 'abandoned' && outcome !== 'ended', (q) =>
            q.where('outcome', '=', outcome!),
          )
          .$if(outcome === 'ended', (q) =>
            lapsed === null
              ? q.where('outcome', '<>', 'running')
              : q.where((eb) =>
                  eb.or([
                    eb('outcome', '<>', 'running'),
                    eb.and([eb('outcome', '=', 'running'), eb('lease_until', '<=', lapsed)]),
                  ]),
                ),
          )
          .$if(before !== undefined, (q) =>
            q.where((eb) =>
              eb.or([
                eb('started_at', '<', before!.startedAt.getTime()),
                eb.and([eb('started_at', '=', before!.startedAt.getTime()), eb('run_id', '<', before!.runId)]),
              ]),
            ),
          )
          .$if(outcome === 'abandoned', (q) =>
            lapsed === null
              ? q.where(sql.lit(false))
              : q.where('outcome', '=', 'running').where('lease_until', '<=', lapsed),
          )
          .$if(outcome === 'running', (q) =>
            q
              .where('outcome', '=', 'running')
              .$if(lapsed !== null, (r) =>
                r.where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '>', lapsed!)])),
              ),
          )
          .orderBy('started_at', 'desc')
          .orderBy('run_id', 'desc')
          .limit(Math.floor(filter.limit))
          .execute();
        return runs.map((r) => jobRunOf(r, at));
      }),
    runReport: (runId, at) =>
      attempt('runReport', async () => {
        const row = await db()
          .selectFrom('job_run')
          .select([...RUN_COLUMNS, 'report'])
          .where('run_id', '=', runId)
          .executeTakeFirst();
        return row === undefined ? null : { run: jobRunOf(row, at), report: reportOf(row.report) };
      }),

    // ScheduleBook.
    storedSchedules: () =>
      attempt('storedSchedules', async () =>
        (await db().selectFrom('job_schedule').selectAll().orderBy('job').orderBy('key').execute()).map(
          storedScheduleOf,
        ),
      ),
    saveSchedule: (schedule) =>
      attempt('saveSchedule', async () => {
        const row = {
          cron: schedule.cron,
          timezone: schedule.timezone,
          parameters: JSON.stringify(schedule.parameters),
          paused: schedule.paused,
          skip_after: schedule.skipAfter?.getTime() ?? null,
          changed_by: schedule.changedBy,
          changed_at: schedule.changedAt.getTime(),
        };
        await db()
          .insertInto('job_schedule')
          .values({ job: schedule.job, key: schedule.key, ...row })
          .onConflict((oc) => oc.columns(['job', 'key']).doUpdateSet(row))
          .execute();
      }),
    removeSchedule: (job, key) =>
      attempt('removeSchedule', async () => {
        await db().deleteFrom('job_schedule').where('job', '=', job).where('key', '=', key).execute();
      }),
    takeSkip: (job, key, queuedAt) =>
      attempt('takeSkip', async () => {
        // One statement: of two workers handed runs of one schedule, one clears the mark and skips.
        const taken = await db()
          .updateTable('job_schedule')
          .set({ skip_after: null })
          .where('job', '=', job)
          .where('key', '=', key)
          .where('skip_after', 'is not', null)
          .where('skip_after', '<=', queuedAt.getTime())
          .returning('job')
          .executeTakeFirst();
        return taken !== undefined;
      }),

    // Catalogue.
    salesChannel: (facilityGroupId) =>
      attempt('salesChannel', async (): Promise<SalesChannel | null> => {
        const group = await facilityGroup(facilityGroupId);
        if (group === null || !isChannelFacilityGroup(group)) return null;
        const channel = await db()
          .selectFrom('sales_channel')
          .select(['shop', 'location_id'])
          .where('facility_group_id', '=', facilityGroupId)
          .executeTakeFirst();
        return channel === undefined
          ? null
          : { facilityGroup: group, shop: String(channel.shop), locationId: String(channel.location_id) };
      }),
    facilityGroup: (facilityGroupId) => attempt('facilityGroup', () => facilityGroup(facilityGroupId)),
    mappedProductPage: (channel, afterProduct, limit) =>
      attempt('mappedProductPage', async () =>
        mappedInventoryOf(
          await all(
            mappedInventoryQuery(
              sql`${mapped(channel.shop)} ${after('product_id', afterProduct)} order by "product_id" limit ${limit}`,
            ),
          ),
        ),
      ),
    mappedProducts: (channel, productIds) =>
      attempt('mappedProducts', async () =>
        productIds.length === 0
          ? []
          : mappedInventoryOf(
              await all(
                mappedInventoryQuery(
                  sql`${mapped(channel.shop)} and ${among('product_id', productIds)} order by "product_id"`,
                ),
              ),
            ),
      ),

    // ChangeLog: a cursor per consumer on the ledger's numbers.
    ledgerHead: () =>
      attempt('ledgerHead', async () => {
        const head = await db().selectFrom('ledger_head').select('sequence').where('id', '=', 1).executeTakeFirst();
        return head === undefined ? 0 : Number(head.sequence);
      }),
    changeCursor: (consumer) =>
      attempt('changeCursor', async () => {
        const cursor = await db()
          .selectFrom('change_cursor')
          .select('sequence')
          .where('consumer', '=', consumer)
          .executeTakeFirst();
        return cursor === undefined ? null : Number(cursor.sequence);
      }),
    changedProducts: (consumer, afterProduct, limit) =>
      attempt('changedProducts', async () => {
        // A run's first page: the ledger's rows up to the head (which the run read before) are marked first.
        if (afterProduct === null) await markLedgerChanges();
        return (
          await all(sql<Row>`select "c"."product_id", "c"."sequence" from "changed_product" "c"
            where "c"."sequence" > coalesce((select "k"."sequence" from "change_cursor" "k" where "k"."consumer" = ${consumer}), -1)
            ${after('c.product_id', afterProduct)}
            order by "c"."product_id" limit ${limit}`)
        ).map(productChangeOf);
      }),
    moveCursor: (consumer, through) =>
      attempt('moveCursor', async () => {
        await upsert(db(), {
          into: 'change_cursor',
          columns: [text('consumer'), bigint('sequence'), bigint('moved_at')],
          values: [[consumer, through, Date.now()]],
          key: ['consumer'],
          update: ['sequence', 'moved_at'],
          // A cursor only moves forward.
          when: sql`excluded."sequence" > "change_cursor"."sequence"`,
        });
      }),

    // PushLedger.
    ledger: (shop, locationId, inventoryItemIds, recordedAfter) =>
      attempt('ledger', async () =>
        (await ledgerRows(shop, locationId, inventoryItemIds, recordedAfter)).map(ledgerEntryOf),
      ),
    knownLedger: (shop, locationId, inventoryItemIds) =>
      attempt('knownLedger', async () =>
        (await ledgerRows(shop, locationId, inventoryItemIds)).map((r) => ({
          ...ledgerEntryOf(r),
          knownAt: new Date(Number(r.recorded_at)),
        })),
      ),
    feedProgress: (feed) =>
      attempt('feedProgress', async () => {
        const row = await db()
          .selectFrom('feed_progress')
          .select(['next_line', 'pending', 'scan_lines', 'scan_candidates'])
          .where('feed', '=', feed)
          .executeTakeFirst();
        return row === undefined ? null : feedProgressOf(row);
      }),
    freezeBatch: (feed, batch, scan) =>
      attempt('freezeBatch', async () => {
        await db()
          .insertInto('feed_progress')
          .values({ feed, next_line: 0, pending: JSON.stringify(batch), updated_at: Date.now(), ...scanColumns(scan) })
          .onConflict((oc) =>
            oc.column('feed').doUpdateSet((eb) => ({
              pending: eb.ref('excluded.pending'),
              updated_at: eb.ref('excluded.updated_at'),
              ...keptScan(),
            })),
          )
          .execute();
      }),
    settleBatch: (s) =>
      attempt('settleBatch', () =>
        transaction(async (trx) => {
          const at = s.at.getTime();
          // Of an item's entries, the one known last (of those known at once, the last).
          const knownAt = (e: SettledEntry) => e.knownAt?.getTime() ?? at;
          const latest = new Map<string, SettledEntry>();
          for (const e of s.confirmed) {
            const k = pairKey(e.locationId, e.inventoryItemId);
            const held = latest.get(k);
            if (held === undefined || knownAt(e) >= knownAt(held)) latest.set(k, e);
          }
          // The rows by what they share (location, run, time): a feed's batch makes one or two groups (the lines
          // Shopify took, the lines found equal), each bound as two columns with the rest once (a fifth less of the
          // statement's time for 40,000 rows than six columns). An entry never replaces one known later.
          const groups = new Map<string, SettledEntry[]>();
          for (const e of latest.values()) {
            const g = JSON.stringify([e.locationId, e.runId, knownAt(e)]);
            const group = groups.get(g);
            if (group === undefined) groups.set(g, [e]);
            else group.push(e);
          }
          const key = ['shop', 'location_id', 'inventory_item_id'];
          const update = ['quantity', 'run_id', 'recorded_at'];
          // Never over an entry known later; an entry known before the settlement that repeats the quantity held
          // leaves that entry as it is (its time stays the older one: no heap write, and no claim of newer knowledge).
          const when = sql`${sql.ref('shopify_ledger.recorded_at')} <= excluded.${sql.ref('recorded_at')}
            and (excluded.${sql.ref('recorded_at')} = ${at}
              or ${sql.ref('shopify_ledger.quantity')} <> excluded.${sql.ref('quantity')})`;
          if (groups.size <= 4)
            for (const group of groups.values()) {
              const first = group[0]!;
              await upsert(trx, {
                into: 'shopify_ledger',
                columns: key.concat(update),
                from: sql`(select cast(${s.shop} as text) as "shop", cast(${first.locationId} as text) as "location_id",
                  "u"."inventory_item_id", "u"."quantity", cast(${first.runId} as text) as "run_id",
                  cast(${knownAt(first)} as bigint) as "recorded_at"
                  from ${rows(
                    [text('inventory_item_id'), bigint('quantity')],
                    group.map((e) => [e.inventoryItemId, e.quantity]),
                  )} as "u")`,
                key,
                update,
                when,
              });
            }
          else
            await upsert(trx, {
              into: 'shopify_ledger',
              columns: [
                text('shop'),
                text('location_id'),
                text('inventory_item_id'),
                bigint('quantity'),
                text('run_id'),
                bigint('recorded_at'),
              ],
              values: [...latest.values()].map((e) => [
                s.shop,
                e.locationId,
                e.inventoryItemId,
                e.quantity,
                e.runId,
                knownAt(e),
              ]),
              key,
              update,
              when,
            });
          const failure = [
            text('feed'),
            ['line', 'int'] as const,
            text('product_id'),
            text('inventory_item_id'),
            text('code'),
            text('message'),
            bigint('recorded_at'),
          ];
          if (s.failed.length > 0)
            await upsert(trx, {
              into: 'feed_failure',
              columns: failure,
              values: s.failed.map((f) => [f.feed, f.line, f.productId, f.inventoryItemId, f.code, f.message, at]),
              key: ['feed', 'line'],
              update: [],
            });
          // The batch frozen next, if any, in place of the one settled.
          const pending = s.next === undefined ? null : JSON.stringify(s.next);
          await trx
            .insertInto('feed_progress')
            .values({ feed: s.feed, next_line: s.nextLine, pending, updated_at: at, ...scanColumns(s.scan) })
            .onConflict((oc) =>
              oc.column('feed').doUpdateSet((eb) => ({
                next_line: eb.ref('excluded.next_line'),
                pending: eb.ref('excluded.pending'),
                updated_at: eb.ref('excluded.updated_at'),
                ...keptScan(),
              })),
            )
            .execute();
        }),
      ),
    failedLines: (feed) =>
      attempt('failedLines', async () =>
        (
          await db()
            .selectFrom('feed_failure')
            .select(['feed', 'line', 'product_id', 'inventory_item_id', 'code', 'message'])
            .where('feed', '=', feed)
            .orderBy('line')
            .execute()
        ).map(failedLineOf),
      ),

    // MasterData.
    facilities: () =>
      attempt('facilities', async () =>
        (
          await db()
            .selectFrom('facility')
            .select(['facility_id', 'external_id', 'name'])
            .orderBy('facility_id')
            .execute()
        ).map((r) => ({
          facilityId: String(r.facility_id),
          externalId: String(r.external_id),
          name: r.name === null || r.name === undefined ? null : String(r.name),
        })),
      ),
    productPage: (afterProduct, limit) =>
      attempt('productPage', async () =>
        limit <= 0
          ? []
          : (
              await db()
                .selectFrom('product')
                .select(['product_id', 'external_id', 'sku'])
                .$if(afterProduct !== null, (q) => q.where('product_id', '>', afterProduct!))
                .orderBy('product_id')
                .limit(Math.floor(limit))
                .execute()
            ).map((r) => ({
              productId: String(r.product_id),
              externalId: String(r.external_id),
              sku: r.sku === null || r.sku === undefined ? null : String(r.sku),
            })),
      ),
    searchProducts: (prefix, afterMatch, limit) =>
      attempt('searchProducts', async (): Promise<ProductMatch[]> => {
        if (limit <= 0) return [];
        const page = Math.floor(limit);
        // Each branch reads at most a page from its own index range; the union is ordered as the port says.
        const afterId =
          afterMatch === null
            ? sql``
            : sql`and "product_id" >= ${afterMatch.key}
                and ("product_id" > ${afterMatch.key} or "product_id" > ${afterMatch.productId})`;
        const afterSku =
          afterMatch === null
            ? sql``
            : sql`and "sku" >= ${afterMatch.key} and ("sku" > ${afterMatch.key} or ${
                afterMatch.matchedOn === 'productId'
                  ? sql`"product_id" >= ${afterMatch.productId}`
                  : sql`"product_id" > ${afterMatch.productId}`
              })`;
        const rowsRead = await all(sql<Row>`select * from (
            select * from (select 'productId' as "matched_on", "product_id" as "key", "product_id", "external_id", "sku"
              from "product" where ${await startsWith('product_id', prefix)} ${afterId}
              order by "product_id" limit ${page}) as "by_id"
            union all
            select * from (select 'sku' as "matched_on", "sku" as "key", "product_id", "external_id", "sku"
              from "product" where "sku" is not null and ${await startsWith('sku', prefix)} ${afterSku}
              order by "sku", "product_id" limit ${page}) as "by_sku"
          ) as "m" order by "key", "product_id", "matched_on" limit ${page}`);
        return rowsRead.map((r) => ({
          productId: String(r.product_id),
          externalId: String(r.external_id),
          sku: r.sku === null || r.sku === undefined ? null : String(r.sku),
          matchedOn: r.matched_on === 'sku' ? 'sku' : 'productId',
          key: String(r.key),
        }));
      }),
    facilityGroups: () =>
      attempt('facilityGroups', async () => {
        const rowsRead = await db()
          .selectFrom('facility_group as g')
          .leftJoin('facility_group_member as m', 'm.facility_group_id', 'g.facility_group_id')
          .select(['g.facility_group_id', 'g.facility_group_type_id', 'm.facility_id'])
          .orderBy('g.facility_group_id')
          .orderBy('m.facility_id')
          .execute();
        const byGroup = new Map<string, Row[]>();
        for (const r of rowsRead) {
          const id = String(r.facility_group_id);
          const list = byGroup.get(id) ?? [];
          list.push(r as Row);
          byGroup.set(id, list);
        }
        return [...byGroup].map(([id, list]) => facilityGroupOf(id, list)!);
      }),

    // InventoryLookup.
    productInventory: (productIdOrSku) =>
      attempt('productInventory', async () => productInventoryOf(await all(productInventoryQuery(productIdOrSku)))),

    // InventoryTerms: one table's rows a keyset page at a time, in the primary key's order.
    stockTerms: (kind, afterKey, limit) =>
      attempt('stockTerms', async (): Promise<StockTerm[]> => {
        if (limit <= 0) return [];
        const page = Math.floor(limit);
        if (kind === 'safety-stock')
          return (
            await all(sql<Row>`select "product_id", "facility_id", "safety_stock_scaled" from "product_facility"
              ${afterKey === null ? sql`` : sql`where ("product_id", "facility_id") > (${afterKey.productId}, ${afterKey.facilityId})`}
              order by "product_id", "facility_id" limit ${page}`)
          ).map((r) => ({
            kind,
            productId: String(r.product_id),
            facilityId: String(r.facility_id),
            quantity: fromScaled(Number(r.safety_stock_scaled)),
          }));
        const [table, column] =
          kind === 'threshold' ? ['product_threshold', 'threshold_scaled'] : ['brokering_queue', 'quantity_scaled'];
        return (
          await all(sql<Row>`select "product_id", ${sql.ref(column)} as "quantity" from ${sql.table(table)}
            ${afterKey === null ? sql`` : sql`where "product_id" > ${afterKey.productId}`}
            order by "product_id" limit ${page}`)
        ).map((r) => ({ kind, productId: String(r.product_id), quantity: fromScaled(Number(r.quantity)) }));
      }),

    // ProductMappingStore.
    productSkus: (afterProduct, limit, toMapIn) =>
      attempt('productSkus', async () =>
        (
          await db()
            .selectFrom('product')
            .select(['product_id', 'sku'])
            .where('sku', 'is not', null)
            .$if(afterProduct !== null, (q) => q.where('product_id', '>', afterProduct!))
            .$if(toMapIn !== undefined, (q) =>
              q.where(({ not, exists, selectFrom }) =>
                not(
                  exists(
                    selectFrom('shopify_inventory_item as m')
                      .select('m.product_id')
                      .where('m.shop', '=', toMapIn!)
                      .where('m.status', '=', 'mapped')
                      .whereRef('m.product_id', '=', 'product.product_id')
                      .whereRef('m.sku', '=', 'product.sku'),
                  ),
                ),
              ),
            )
            .orderBy('product_id')
            .limit(limit)
            .execute()
        ).map((r) => ({ productId: String(r.product_id), sku: String(r.sku) })),
      ),
    saveMappings: (shop, mappings) =>
      attempt('saveMappings', async () => {
        storableOnly(mappingIdsOf(shop, mappings));
        const latest = lastByKey(mappings, (m) => m.productId);
        if (latest.length === 0) return;
        const columns = [
          text('shop'),
          text('product_id'),
          text('sku'),
          text('status'),
          text('inventory_item_id'),
          text('candidates'),
        ];
        await transaction(async (trx) => {
          const productIds = latest.map((m) => m.productId);
          const before = await all(sql<Row>`${mapped(shop)} and ${among('product_id', productIds)}`, trx);
          const previous = new Map(before.map((r) => [String(r.product_id), String(r.inventory_item_id)]));
          await upsert(trx, {
            into: 'shopify_inventory_item',
            columns,
            values: latest.map((m) => [shop, ...mappingColumns(m)]),
            key: ['shop', 'product_id'],
            update: ['sku', 'status', 'inventory_item_id', 'candidates'],
          });
          // A product mapped to a new inventory item is due for the next delta push.
          const newlyMapped = latest.filter(
            (m) => m.status === 'mapped' && m.inventoryItemId !== (previous.get(m.productId) ?? null),
          );
          if (newlyMapped.length > 0)
            await markIdsChanged(
              trx,
              newlyMapped.map((m) => m.productId),
              Date.now(),
            );
        });
      }),

    // ChannelSeed.
    saveFacilityGroup: (group) =>
      attempt('saveFacilityGroup', () => {
        storableOnly(groupIdsOf(group));
        return transaction(async (trx) => {
          await trx
            .insertInto('facility_group')
            .values({ facility_group_id: group.facilityGroupId, facility_group_type_id: group.facilityGroupTypeId })
            .onConflict((oc) =>
              oc
                .column('facility_group_id')
                .doUpdateSet((eb) => ({ facility_group_type_id: eb.ref('excluded.facility_group_type_id') })),
            )
            .execute();
          const before = new Set(
            (
              await trx
                .deleteFrom('facility_group_member')
                .where('facility_group_id', '=', group.facilityGroupId)
                .returning('facility_id')
                .execute()
            ).map((r) => String(r.facility_id)),
          );
          if (group.facilityIds.length > 0)
            await sql`insert into "facility_group_member" ("facility_group_id", "facility_id")
              select cast(${group.facilityGroupId} as text), "facility_id" from ${ids('facility_id', group.facilityIds)} as "ids"`.execute(
              trx,
            );
          // A facility in or out of a group moves the online ATP of every product stocked there: each is a change.
          const after = new Set(group.facilityIds);
          const moved = [...new Set([...before, ...after])].filter((f) => before.has(f) !== after.has(f));
          if (moved.length > 0) {
            const stocked = sql`(select distinct "product_id" from "inventory_position" where ${among('facility_id', moved)})`;
            // No number is drawn when no product is stocked there (the ledger's numbers stay those of changes).
            const any = await all(sql<Row>`select 1 as "one" from ${stocked} as "s" limit 1`, trx);
            if (any.length > 0) await markChanged(trx, stocked, Date.now(), await draw(trx, 1));
          }
        });
      }),
    setFacilityGroupMember: (facilityGroupId, facilityId, member) =>
      attempt('setFacilityGroupMember', () => {
        storableOnly([
          ['facilityGroupId', facilityGroupId],
          ['facilityId', facilityId],
        ]);
        return transaction(async (trx) => {
          // The group's row, locked (an update that changes nothing): toggles of one group take turns.
          const group = await all(
            sql<Row>`update "facility_group" set "facility_group_type_id" = "facility_group_type_id"
              where "facility_group_id" = ${facilityGroupId} returning "facility_group_id"`,
            trx,
          );
          if (group.length === 0) throw new Error(`no such facility group: ${facilityGroupId}`);
          // One statement each way: a concurrent toggle of another facility of the group is kept.
          const changed = member
            ? await all(
                sql<Row>`insert into "facility_group_member" ("facility_group_id", "facility_id")
                  values (${facilityGroupId}, ${facilityId}) on conflict do nothing returning "facility_id"`,
                trx,
              )
            : await all(
                sql<Row>`delete from "facility_group_member"
                  where "facility_group_id" = ${facilityGroupId} and "facility_id" = ${facilityId} returning "facility_id"`,
                trx,
              );
          if (changed.length === 0) return false;
          const stocked = sql`(select distinct "product_id" from "inventory_position" where "facility_id" = ${facilityId})`;
          const any = await all(sql<Row>`select 1 as "one" from ${stocked} as "s" limit 1`, trx);
          if (any.length > 0) await markChanged(trx, stocked, Date.now(), await draw(trx, 1));
          return true;
        });
      }),
    saveSalesChannel: (channel) =>
      attempt('saveSalesChannel', async () => {
        storableOnly(channelIdsOf(channel));
        await db()
          .insertInto('sales_channel')
          .values({ facility_group_id: channel.facilityGroupId, shop: channel.shop, location_id: channel.locationId })
          .onConflict((oc) =>
            oc
              .column('facility_group_id')
              .doUpdateSet((eb) => ({ shop: eb.ref('excluded.shop'), location_id: eb.ref('excluded.location_id') })),
          )
          .execute();
      }),
    saveProductSkus: (skus) =>
      attempt('saveProductSkus', () => {
        storableOnly(skuIdsOf(skus));
        return transaction(async (trx) => {
          const latest = lastByKey(skus, (s) => s.productId);
          if (latest.length === 0) return;
          const columns = [text('product_id'), text('sku')];
          const updated = await sql`update "product" set "sku" = "u"."sku"
            from ${rows(
              columns,
              latest.map((s) => [s.productId, s.sku]),
            )} as "u" where "product"."product_id" = "u"."product_id"`.execute(trx);
          if (Number(updated.numAffectedRows ?? 0) !== latest.length) {
            const productIds = latest.map((s) => s.productId);
            const known = new Set(
              (
                await all(sql<Row>`select "product_id" from "product" where ${among('product_id', productIds)}`, trx)
              ).map((r) => String(r.product_id)),
            );
            throw new Error(`no such product: ${productIds.filter((id) => !known.has(id)).join(', ')}`);
          }
        });
      }),
    // The setters write through the ledger: their absolute values become events (counted, reserved/released,
    // safety-stock-set, threshold-set, brokering-queue-changed) folded under the same row locks as any event.
    savePositions: (positions) =>
      validSeed(
        'savePositions',
        positions,
        attempt('savePositions', async () => {
          await seed({ positions }, 'channel-seed');
        }),
      ),
    saveThresholds: (thresholds) =>
      validSeed(
        'saveThresholds',
        thresholds,
        attempt('saveThresholds', async () => {
          await seed({ thresholds }, 'channel-seed');
        }),
      ),
    saveBrokeringQueue: (queue) =>
      validSeed(
        'saveBrokeringQueue',
        queue,
        attempt('saveBrokeringQueue', async () => {
          await seed({ brokeringQueue: queue }, 'channel-seed');
        }),
      ),
  };
};
