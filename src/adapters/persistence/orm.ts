import type { EntityManager } from '@mikro-orm/sql';
import { Migrator } from '@mikro-orm/migrations';
import { MikroORM as PostgresOrm } from '@mikro-orm/postgresql';
import { MikroORM as SqlOrm, NodeSqliteDialect, SqliteDriver } from '@mikro-orm/sql';
import * as TE from 'fp-ts/lib/TaskEither.js';
import type { ImportedFile, StoreError, VarianceRecord } from '../../application/index.ts';
import { fromScaled } from '../../domain/index.ts';
import { ENTITIES } from './entities.ts';
import { MIGRATIONS } from './migrations.ts';

/** Where the store lives: a PostgreSQL URL, or an SQLite file (the embedded default). */
export type StoreLocation = { readonly postgresUrl: string } | { readonly sqliteFile: string };

/** The ORM side of a store: schema, migrations and the small queries. */
export interface StoreOrm {
  readonly em: () => EntityManager;
  readonly migrate: () => Promise<void>;
  /** The DDL that would make the database match the entity definitions: empty when migrations and entities agree. */
  readonly schemaDrift: () => Promise<string>;
  readonly close: () => Promise<void>;
}

const migrations = {
  migrationsList: MIGRATIONS,
  snapshot: false,
  tableName: 'oms_inventory_sync_migrations',
  silent: true,
};

/** Opens MikroORM on the location with the store's entities and migrations. Throws; callers wrap it. */
export const openOrm = async (location: StoreLocation): Promise<StoreOrm> => {
  // The ORM's own log would print SQL with parameters; the store reports through its typed errors instead.
  const quiet = { debug: false, logger: () => undefined, entities: ENTITIES, extensions: [Migrator], migrations };
  const orm =
    'postgresUrl' in location
      ? await PostgresOrm.init({ ...quiet, clientUrl: location.postgresUrl, pool: { min: 0, max: 4 } })
      : await SqlOrm.init({
          ...quiet,
          driver: SqliteDriver,
          dbName: location.sqliteFile,
          driverOptions: new NodeSqliteDialect(location.sqliteFile),
        });
  return {
    em: () => orm.em.fork() as unknown as EntityManager,
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

/** Runs an async store operation as a TaskEither with the store's errors. */
export const attempt = <A>(operation: string, run: () => Promise<A>): TE.TaskEither<StoreError, A> =>
  TE.tryCatch(run, storeError(operation));

type Row = Record<string, unknown>;
const num = (v: unknown): number => Number(v);

/** The small queries both databases share, in SQL both understand, always parameterised. */
export const sharedQueries = (orm: StoreOrm) => {
  const execute = <T>(sql: string, params: readonly unknown[], method: 'all' | 'run' = 'all') =>
    orm
      .em()
      .getConnection()
      .execute<T extends Row[] ? T : never>(sql, params, method as 'all');
  return {
    importedFile: (name: string, sha256: string) =>
      attempt('importedFile', async (): Promise<ImportedFile | null> => {
        const rows = (await execute<Row[]>(
          'select "name", "sha256", "outcome", "run_id", "imported_at" from "imported_file" where "name" = ? and "sha256" = ?',
          [name, sha256],
        )) as Row[];
        const row = rows[0];
        return row === undefined
          ? null
          : {
              name: String(row.name),
              sha256: String(row.sha256),
              outcome: row.outcome === 'held-back' ? 'held-back' : 'applied',
              runId: String(row.run_id),
              importedAt: new Date(num(row.imported_at)),
            };
      }),
    acquireJobLock: (job: string, owner: string, until: Date, now: Date) =>
      attempt('acquireJobLock', async () => {
        // One statement: take a free or expired lease, or renew our own; another owner's running lease stays.
        await execute(
          `insert into "job_lock" ("job", "owner", "expires_at") values (?, ?, ?)
           on conflict ("job") do update set "owner" = excluded."owner", "expires_at" = excluded."expires_at"
           where "job_lock"."owner" = excluded."owner" or "job_lock"."expires_at" <= ?`,
          [job, owner, until.getTime(), now.getTime()],
          'run',
        );
        const rows = (await execute<Row[]>('select "owner" from "job_lock" where "job" = ?', [job])) as Row[];
        return rows[0]?.owner === owner;
      }),
    releaseJobLock: (job: string, owner: string) =>
      attempt('releaseJobLock', async () => {
        await execute('delete from "job_lock" where "job" = ? and "owner" = ?', [job, owner], 'run');
      }),
    variances: (sourceFile: string) =>
      attempt('variances', async (): Promise<ReadonlyArray<VarianceRecord>> => {
        const rows = (await execute<Row[]>(
          'select * from "inventory_variance" where "source_file" = ? order by "line", "product_id", "facility_id"',
          [sourceFile],
        )) as Row[];
        return rows.map((r) => ({
          productId: String(r.product_id),
          facilityId: String(r.facility_id),
          quantityOnHandBefore: fromScaled(num(r.quantity_on_hand_before_scaled)),
          quantityOnHandAfter: fromScaled(num(r.quantity_on_hand_after_scaled)),
          availableToPromiseBefore: fromScaled(num(r.available_to_promise_before_scaled)),
          availableToPromiseAfter: fromScaled(num(r.available_to_promise_after_scaled)),
          fileQuantity: fromScaled(num(r.file_quantity_scaled)),
          created: r.created === true || r.created === 1 || r.created === '1',
          line: r.line === null || r.line === undefined ? null : num(r.line),
          sourceFile: String(r.source_file),
          runId: String(r.run_id),
          recordedAt: new Date(num(r.recorded_at)),
        }));
      }),
    changedProductIds: () =>
      attempt('changedProductIds', async () =>
        ((await execute<Row[]>('select "product_id" from "changed_product" order by "product_id"', [])) as Row[]).map(
          (r) => String(r.product_id),
        ),
      ),
  };
};
