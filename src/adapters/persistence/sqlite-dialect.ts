import type { DatabaseSync, SQLInputValue } from 'node:sqlite';
import { SqliteDriver } from '@mikro-orm/sql';
import { SqliteDialect, sql, type SqliteDatabase } from 'kysely';
import { stockTableBuilder } from '../../application/columnar.ts';
import { fromScaled } from '../../domain/index.ts';
import type { Columns, StoreDialect } from './dialect.ts';

/** Options: the database file (created when missing). */
export interface SqliteStoreOptions {
  readonly file: string;
}

// Rows per statement when loading or reading in bulk: a few megabytes of JSON or rows at a time.
const BATCH = 50_000;

// Statements that answer rows, for Node versions whose StatementSync has no `columns()` yet.
const READER = /^\s*(select|pragma|explain|with|values)\b|\breturning\b/i;

const bound = (parameters: ReadonlyArray<unknown>): SQLInputValue[] =>
  parameters.map((p) => (typeof p === 'boolean' ? Number(p) : p)) as SQLInputValue[];

/**
 * The store's one `node:sqlite` connection as kysely's `SqliteDatabase` (kysely serialises every statement and
 * transaction on it). Write transactions take the write lock when they begin (`begin immediate`), so that a
 * transaction waits for another process's writer (the busy timeout) rather than failing when it upgrades; a rollback
 * after SQLite already rolled back on its own (a full disk, an I/O error) is no failure, or kysely would keep the one
 * connection forever.
 */
const openDatabase = async (file: string): Promise<SqliteDatabase> => {
  // Loaded here, when an SQLite store connects, so that PostgreSQL users never load node:sqlite.
  const { DatabaseSync } = await import('node:sqlite');
  const db: DatabaseSync = new DatabaseSync(file);
  // WAL lets readers in other processes go on while one writes; a writer waits up to 10 s for the lock.
  db.exec('pragma journal_mode = wal; pragma busy_timeout = 10000; pragma synchronous = normal');
  return {
    close: () => db.close(),
    prepare: (text) => {
      const statement = db.prepare(text === 'begin' ? 'begin immediate' : text);
      const run = (parameters: ReadonlyArray<unknown>) => {
        try {
          return statement.run(...bound(parameters));
        } catch (error) {
          if (text === 'rollback' && db.isTransaction === false) return { changes: 0, lastInsertRowid: 0 };
          throw error;
        }
      };
      return {
        reader: typeof statement.columns === 'function' ? statement.columns().length > 0 : READER.test(text),
        all: (parameters) => statement.all(...bound(parameters)),
        run,
        iterate: (parameters) => statement.iterate(...bound(parameters)),
      };
    },
  };
};

const batches = function* <A>(items: Iterable<A>, size: number): Generator<A[]> {
  let batch: A[] = [];
  for (const item of items) {
    batch.push(item);
    if (batch.length === size) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
};

/** A row of `inventory_position` as the stock read pages it. */
interface PositionRow {
  readonly product_id: string;
  readonly facility_id: string;
  readonly quantity_on_hand_scaled: number;
  readonly available_to_promise_scaled: number;
}

/**
 * SQLite through Node's built-in `node:sqlite` (no native build): one connection, handed to MikroORM as its kysely
 * dialect. Bulk rows are bound as one JSON text (`json_each`), so a batch of any size is one parameter.
 */
export const sqliteDialect = (options: SqliteStoreOptions): StoreDialect => {
  const rows: StoreDialect['rows'] = (columns, values) => {
    const fields = columns.map(([name], i) => sql`value ->> ${sql.lit(i)} as ${sql.ref(name)}`);
    return sql`(select ${sql.join(fields)} from json_each(${JSON.stringify(values)}))`;
  };
  const names = (columns: Columns) => sql.join(columns.map(([name]) => sql.ref(name)));
  const fill: StoreDialect['fill'] = async (trx, table, columns, values) => {
    for (const batch of batches(values, BATCH))
      await sql`insert into ${sql.table(table)} (${names(columns)}) select * from ${rows(columns, batch)}`.execute(trx);
  };
  return {
    writableCte: false,
    // The file is made when the connection opens.
    prepare: async () => undefined,
    orm: {
      driver: SqliteDriver,
      dbName: options.file,
      driverOptions: new SqliteDialect({ database: () => openDatabase(options.file) }),
    },
    rows,
    forUpdate: () => sql``,
    fence: sql` limit -1 offset 0`,
    codePointOrder: async () => true,
    among: (column, ids) => sql`${sql.ref(column)} in (select "value" from json_each(${JSON.stringify(ids)}))`,
    byKey: (table, columns, where, column, ids) =>
      sql`(select ${sql.join(columns.map((c) => sql.ref(c)))} from ${sql.table(table)} where ${where} and ${sql.ref(
        column,
      )} in (select "value" from json_each(${JSON.stringify(ids)})))`,
    fill,
    // SQLite's write transaction holds the whole database already; its indexes stay.
    load: async (trx, table, columns, rows) => {
      await fill(trx, table, columns, typeof rows === 'function' ? await rows(false) : rows);
      return false;
    },
    roomToSort: async () => undefined,
    stockLevels: async (trx) => {
      const levels = stockTableBuilder();
      let last: PositionRow | undefined;
      do {
        const after =
          last === undefined
            ? sql``
            : sql`where ("product_id", "facility_id") > (${last.product_id}, ${last.facility_id})`;
        const page = await sql<PositionRow>`
          select "product_id", "facility_id", "quantity_on_hand_scaled", "available_to_promise_scaled"
          from "inventory_position" ${after} order by "product_id", "facility_id" limit ${BATCH}`.execute(trx);
        for (const r of page.rows)
          levels.add(
            String(r.product_id),
            String(r.facility_id),
            fromScaled(Number(r.quantity_on_hand_scaled)),
            fromScaled(Number(r.available_to_promise_scaled)),
          );
        last = page.rows.length === BATCH ? page.rows[BATCH - 1] : undefined;
      } while (last !== undefined);
      return levels.build();
    },
  };
};
