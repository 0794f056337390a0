import { Migrator } from '@mikro-orm/migrations';
import { type AbstractSqlDriver, MikroORM, type SqlEntityManager } from '@mikro-orm/sql';
import * as TE from 'fp-ts/lib/TaskEither.js';
import type { StoreError } from '../../application/index.ts';
import type { Db, StoreDialect } from './dialect.ts';
import { ENTITIES, type StoreDatabase } from './entities.ts';
import { MIGRATIONS, MIGRATIONS_TABLE } from './migrations.ts';
import { postgresDialect, type PostgresStoreOptions } from './postgres-dialect.ts';
import { sqliteDialect } from './sqlite-dialect.ts';

/** Where the store lives: a PostgreSQL URL (and the pool's size), or an SQLite file (the embedded default). */
export type StoreLocation =
  | { readonly postgresUrl: string; readonly maxConnections?: PostgresStoreOptions['maxConnections'] }
  | { readonly sqliteFile: string };

/** MikroORM on one database: its kysely outside and inside transactions, the migrations, the schema check. */
export interface StoreOrm {
  readonly dialect: StoreDialect;
  /** The database outside any transaction: each statement takes a connection of the pool and gives it back. */
  readonly db: () => Db;
  /** Runs `run` in one transaction (`em.transactional`): committed when it resolves, rolled back when it throws. */
  readonly transaction: <A>(run: (trx: Db) => Promise<A>) => Promise<A>;
  readonly migrate: () => Promise<void>;
  /** The DDL that would make the database match the entity definitions: empty when migrations and entities agree. */
  readonly schemaDrift: () => Promise<string>;
  readonly close: () => Promise<void>;
}

/** Opens MikroORM on the location with the store's entities and migrations, over the dialect's one pool. Throws. */
export const openOrm = async (location: StoreLocation): Promise<StoreOrm> => {
  const dialect =
    'postgresUrl' in location
      ? postgresDialect({
          url: location.postgresUrl,
          ...(location.maxConnections === undefined ? {} : { maxConnections: location.maxConnections }),
        })
      : sqliteDialect({ file: location.sqliteFile });
  const orm = await MikroORM.init<AbstractSqlDriver, SqlEntityManager>({
    ...dialect.orm,
    // The ORM's own log would print SQL with parameters; the store reports through its typed errors instead.
    debug: false,
    logger: () => undefined,
    entities: ENTITIES,
    extensions: [Migrator],
    migrations: { migrationsList: MIGRATIONS, snapshot: false, tableName: MIGRATIONS_TABLE, silent: true },
  });
  return {
    dialect,
    db: () => orm.em.getKysely<StoreDatabase>(),
    transaction: (run) => orm.em.fork().transactional((em) => run(em.getKysely<StoreDatabase>())),
    migrate: async () => {
      await orm.migrator.up();
    },
    schemaDrift: () => orm.schema.getUpdateSchemaSQL(),
    close: () => orm.close(),
  };
};

// Messages of a lost or refused connection, from pg, pg-copy-streams, kysely and node:net: retriable, unlike an SQL error.
const CONNECTION_FAILURE =
  /ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|ENOTFOUND|EPIPE|socket hang up|Connection terminated|connection error|not queryable|Client was closed|Connection ended|timeout exceeded when trying to connect|terminating connection|database system is (starting up|shutting down)|SQLITE_BUSY|database is locked/i;

/** An exception from a driver as the store's typed error, never carrying credentials (URLs are cut from reasons). */
export const storeError =
  (operation: string) =>
  (cause: unknown): StoreError => {
    const message = cause instanceof Error ? cause.message : String(cause);
    const reason = message.replace(/postgres(ql)?:\/\/[^\s'"]+/gi, 'postgres://…');
    // SQLSTATE class 08 is a connection exception; 57P01-57P03 are an administrator or crash shutdown.
    const code = String((cause as { code?: unknown } | null)?.code ?? '');
    return CONNECTION_FAILURE.test(message) || /^08|^57P0[1-3]$/.test(code)
      ? { _tag: 'InventoryStoreUnavailable', reason: `${operation}: ${reason}`, retriable: true, cause }
      : { _tag: 'InventoryStoreFailed', operation, reason, retriable: false, cause };
  };

/** Runs an async store operation as a TaskEither with the store's errors; it never rejects. */
export const attempt = <A>(operation: string, run: () => Promise<A>): TE.TaskEither<StoreError, A> =>
  TE.tryCatch(run, storeError(operation));
