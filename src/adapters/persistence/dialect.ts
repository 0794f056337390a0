// The seam between the store and its two databases. Every store method is written once in `store.ts` as kysely
// statements (kysely compiles each for PostgreSQL or SQLite: `$1` or `?`, quoting, `on conflict`); what differs
// between the databases is this handful of functions, one implementation each in `postgres-dialect.ts` and
// `sqlite-dialect.ts` (kysely's model: a dialect is a few functions, not a second copy of every query).
import type { SqlOptions } from '@mikro-orm/sql';
import type { Kysely, RawBuilder } from 'kysely';
import type { StockTable } from '../../application/columnar.ts';
import type { StoreDatabase } from './entities.ts';

/** The store's database through MikroORM's kysely (`em.getKysely()`): the pool, or one transaction on it. */
export type Db = Kysely<StoreDatabase>;

/** A value the store binds: ids and texts, scaled quantities and times, flags, null. */
export type Value = string | number | boolean | null;

/** The SQL type of a bound column; each name means the same in PostgreSQL and SQLite. */
export type ColumnType = 'text' | 'bigint' | 'int' | 'boolean';

/** The named, typed columns of rows bound in bulk. */
export type Columns = ReadonlyArray<readonly [name: string, type: ColumnType]>;

/** Rows for `load`, made once it is known whether the table is locked to the commit (`locked`). */
export type LoadedRows = (locked: boolean) => Iterable<ReadonlyArray<Value>> | Promise<Iterable<ReadonlyArray<Value>>>;

/** One column of bulk rows bound ahead of its statement (`bindColumn`), for `rows`' `bound`. */
export interface BoundColumn {
  readonly _tag: 'BoundColumn';
  /** The column's values as the one parameter `rows` binds (PostgreSQL: the array's text). */
  readonly text: string;
}

/** What differs between PostgreSQL and SQLite. */
export interface StoreDialect {
  /** MikroORM's options for the database: its driver, and the kysely dialect over the store's one pool or connection. */
  readonly orm: SqlOptions;
  /**
   * Rows bound as one relation, for `from (…) as "u"` in a set-based statement: `select * from unnest($1::text[],
   * $2::bigint[])` on PostgreSQL (one array per column), `select value ->> 0 … from json_each(?)` on SQLite (one JSON
   * text), so ten thousand rows are a few parameters and one statement.
   */
  readonly rows: (
    columns: Columns,
    rows: ReadonlyArray<ReadonlyArray<Value>>,
    /** Columns bound ahead (`bindColumn`), by index, in place of the rows' values of them. */
    bound?: ReadonlyArray<BoundColumn | undefined>,
  ) => RawBuilder<unknown>;
  /**
   * Binds one column of bulk rows ahead of its statement, so that a statement's parameters are made while another
   * statement is in flight (PostgreSQL: one array text per column). Absent where a column is not bound on its own
   * (SQLite binds the rows as one JSON text).
   */
  readonly bindColumn?: (values: ReadonlyArray<Value>) => BoundColumn;
  /**
   * The condition "`column` is one of `ids`", the list bound as one parameter: `= any($1::text[])` on PostgreSQL
   * (an index condition, whatever the planner knows of the table), `in (select value from json_each(?))` on SQLite.
   */
  readonly among: (column: string, ids: ReadonlyArray<string>) => RawBuilder<unknown>;
  /**
   * The rows of `table` (its `columns`) where `where` holds and `column`, the last column of its primary key, is one of
   * `ids` (each once), as a relation for `from (…) as "x"`. PostgreSQL looks each id up through the key's index (a
   * lateral join), whatever the planner knows of the table: a table filled since it was last analyzed looks to it as
   * if the key's first columns matched a row or two, and `among` on the last column becomes a filter over all of them.
   * SQLite: `among`.
   */
  readonly byKey: (
    table: string,
    columns: ReadonlyArray<string>,
    where: RawBuilder<unknown>,
    column: string,
    ids: ReadonlyArray<string>,
  ) => RawBuilder<unknown>;
  /**
   * Loads rows into a table (a temporary staging table) inside the transaction `trx`: PostgreSQL's
   * `COPY … FROM STDIN` on the transaction's own connection, SQLite's `insert … select` from `rows` in batches.
   */
  readonly fill: (trx: Db, table: string, columns: Columns, rows: Iterable<ReadonlyArray<Value>>) => Promise<void>;
  /**
   * `fill` for a table of the store (the first load's positions and ledger rows): on PostgreSQL, when the table is
   * empty and no other transaction holds any lock on it, it is locked to the commit, its secondary indexes (and its
   * primary key too, with `primaryKey`) are dropped and built again once the rows are in (one sort each instead of a
   * million index insertions, with `maintenance_work_mem` raised to 256 MB to the commit when it is lower); else,
   * and on SQLite, plainly `fill`. Inside `trx`, so a failure or a crash leaves the
   * indexes as they were. `rows` may be a function told whether the table is locked that way (no other writer can
   * touch it to the commit, so the rows may go in any order); answers the same.
   */
  readonly load: (
    trx: Db,
    table: string,
    columns: Columns,
    rows: Iterable<ReadonlyArray<Value>> | LoadedRows,
    options?: { readonly primaryKey?: boolean },
  ) => Promise<boolean>;
  /**
   * Gives the sorts and hashes of the transaction `trx`'s statements at least 64 MB of memory each, to its end: on
   * PostgreSQL `work_mem` (whose default, 4 MB, made the import's sorts of 50,000 adjustments spill to disk; a larger
   * setting stays); nothing on SQLite.
   */
  readonly roomToSort: (trx: Db) => Promise<void>;
  /**
   * QOH and ATP of every position, read inside the transaction `trx` (one snapshot): PostgreSQL's
   * `COPY … TO STDOUT` decoded as it streams, SQLite's pages in key order.
   */
  readonly stockLevels: (trx: Db) => Promise<StockTable>;
  /**
   * What ends a `select` that locks the rows it reads of the table `alias` names until the commit: `for update of
   * "t"` on PostgreSQL; nothing on SQLite, whose write transactions hold the whole database (`begin immediate`).
   */
  readonly forUpdate: (alias: string) => RawBuilder<unknown>;
  /**
   * What ends a subquery in `from` so that it is planned on its own, not merged into the query around it (whose
   * conditions on its columns would then run its scalar subqueries a second time): `offset 0` on PostgreSQL,
   * `limit -1 offset 0` on SQLite.
   */
  readonly fence: RawBuilder<unknown>;
  /**
   * Whether a `with … as (insert … returning …)` can feed the statement after it (PostgreSQL) or not (SQLite): the
   * import's history then reads the rows its upsert returned instead of joining them back to every position.
   */
  readonly writableCte: boolean;
  /**
   * PostgreSQL: a row's physical address (`ctid`) as text (`of`), and the condition that the row of `alias` is the one
   * at `address` (`at`: one tuple fetched, no index descent); a write guarded by it and by the values read applies
   * only to a row no one changed since (an update moves the row, and PostgreSQL rechecks the condition on the newest
   * version of a row it waited for). What lets the ledger read without locks and write under guards. Absent on
   * SQLite, whose write transactions hold the whole database (the ledger locks as it reads there).
   */
  readonly rowAddress?: {
    readonly of: (alias: string) => RawBuilder<unknown>;
    readonly at: (alias: string, address: RawBuilder<unknown>) => RawBuilder<unknown>;
    /** An expression (a text) that makes the transaction's lock waits fail after `ms` (`lock_timeout`, to its end). */
    readonly waitAtMost: (ms: number) => RawBuilder<unknown>;
  };
  /**
   * Makes sure the database is there before MikroORM opens on it: PostgreSQL checks that the URL's database exists
   * and creates it only when asked to (`createDatabase`), else fails with `DatabaseMissing`; SQLite's file is made
   * when it opens.
   */
  readonly prepare: () => Promise<void>;
  /**
   * Whether the database orders text by code point (byte order of UTF-8: SQLite's BINARY, PostgreSQL's `C`, `POSIX`
   * and `C.UTF-8` under libc, the builtin provider), so that the strings starting with a prefix are exactly one index
   * range [prefix, successor); asked once per store. Under a linguistic collation (`en_US.UTF-8`, any ICU locale) a
   * prefix search reads from the prefix on instead.
   */
  readonly codePointOrder: (db: Db) => Promise<boolean>;
}
