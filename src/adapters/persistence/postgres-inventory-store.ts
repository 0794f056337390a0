import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import type { Store } from '../../application/index.ts';
import { stockTableBuilder } from '../../application/columnar.ts';
import { fromScaled, toScaled } from '../../domain/index.ts';
import { copyField, copyValue } from './copy-text.ts';
import { attempt, openOrm, sharedQueries } from './orm.ts';
import { sqlRunLog } from './sql-run-log.ts';
import { postgresChannelStore } from './postgres-channel-store.ts';

/** A PostgreSQL inventory store serving the import and the Shopify jobs, with `close` and `migrate`. */
export type PostgresInventoryStore = Store & {
  readonly migrate: () => Promise<void>;
  readonly close: () => Promise<void>;
};

/** Options: the database URL (credentials come with it, from the environment; never logged). */
export interface PostgresStoreOptions {
  readonly url: string;
}

const lines = function* <A>(items: Iterable<A>, format: (item: A) => string): Generator<string> {
  let chunk = '';
  for (const item of items) {
    chunk += format(item);
    if (chunk.length > 1 << 16) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk.length > 0) yield chunk;
};

const copyIn = async (client: pg.PoolClient, sql: string, chunks: Iterable<string>): Promise<void> => {
  await pipeline(Readable.from(chunks), client.query(copyFrom(sql)));
};

/**
 * Opens the store on PostgreSQL. Bulk data moves through COPY on the adapter's own connection pool (stock levels
 * out, adjustments into a staging table and then one set-based statement per table, all in one transaction);
 * MikroORM holds the schema, runs the migrations and serves the small queries.
 */
export const openPostgresInventoryStore = async (options: PostgresStoreOptions): Promise<PostgresInventoryStore> => {
  const orm = await openOrm({ postgresUrl: options.url });
  // A server that stops answering fails a connect after 15 s instead of hanging the job.
  const pool = new pg.Pool({ connectionString: options.url, max: 2, connectionTimeoutMillis: 15_000, keepAlive: true });
  // An idle client that loses its server must not crash the process; the next query reports the failure.
  pool.on('error', () => undefined);
  const withClient = async <A>(run: (client: pg.PoolClient) => Promise<A>): Promise<A> => {
    const client = await pool.connect();
    let failed = false;
    // A connection lost while no query waits on it is reported by an 'error' event; without a listener it would
    // end the process. The query in flight (or the next one) fails and carries the error instead.
    const lost = (): void => {
      failed = true;
    };
    client.on('error', lost);
    try {
      return await run(client);
    } catch (error) {
      failed = true;
      throw error;
    } finally {
      client.off('error', lost);
      // A client that failed may have lost its connection: destroy it rather than pool it.
      client.release(failed);
    }
  };
  const transaction = <A>(run: (client: pg.PoolClient) => Promise<A>): Promise<A> =>
    withClient(async (client) => {
      await client.query('begin');
      try {
        const result = await run(client);
        await client.query('commit');
        return result;
      } catch (error) {
        await client.query('rollback').catch(() => undefined);
        throw error;
      }
    });
  const mapOf = (sql: string) =>
    withClient(
      async (client) => new Map((await client.query<{ k: string; v: string }>(sql)).rows.map((r) => [r.k, r.v])),
    );

  return {
    ...sharedQueries(orm),
    ...sqlRunLog(orm),
    ...postgresChannelStore({ withClient, transaction }),
    migrate: () => orm.migrate(),
    close: async () => {
      await pool.end();
      await orm.close();
    },
    facilityIdsByExternalId: () =>
      attempt('facilityIdsByExternalId', () => mapOf('select "external_id" as k, "facility_id" as v from "facility"')),
    productIdsByExternalId: () =>
      attempt('productIdsByExternalId', () => mapOf('select "external_id" as k, "product_id" as v from "product"')),
    stockLevels: () =>
      attempt('stockLevels', () =>
        withClient(async (client) => {
          // Sized from the planner's row estimate, so a million rows are not copied over and over as the table grows.
          const estimate = await client.query<{ rows: number }>(
            `select greatest(reltuples, 0)::float8 as rows from pg_class where oid = 'inventory_position'::regclass`,
          );
          const levels = stockTableBuilder((estimate.rows[0]?.rows ?? 0) * 1.05 + 1024);
          let rest = '';
          const stream = client.query(
            copyTo(
              'copy (select "product_id", "facility_id", "quantity_on_hand_scaled", "available_to_promise_scaled" from "inventory_position") to stdout',
            ),
          );
          for await (const chunk of stream as AsyncIterable<Buffer>) {
            const text = rest + chunk.toString('utf8');
            let start = 0;
            for (let end = text.indexOf('\n', start); end !== -1; end = text.indexOf('\n', start)) {
              const t1 = text.indexOf('\t', start);
              const t2 = text.indexOf('\t', t1 + 1);
              const t3 = text.indexOf('\t', t2 + 1);
              levels.add(
                copyValue(text.slice(start, t1)),
                copyValue(text.slice(t1 + 1, t2)),
                fromScaled(Number(text.slice(t2 + 1, t3))),
                fromScaled(Number(text.slice(t3 + 1, end))),
              );
              start = end + 1;
            }
            rest = text.slice(start);
          }
          return levels.build();
        }),
      ),
    commitImport: (commit) =>
      attempt('commitImport', () =>
        transaction(async (client) => {
          const at = commit.at.getTime();
          const recorded = await client.query(
            `insert into "imported_file" ("name", "sha256", "bytes", "outcome", "method", "run_id", "rows_read", "adjusted", "unchanged", "rejected", "imported_at")
             values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) on conflict ("name", "sha256") do nothing`,
            [
              commit.file.name,
              commit.file.sha256,
              commit.file.bytes,
              commit.outcome,
              commit.method,
              commit.runId,
              commit.counts.rowsRead,
              commit.counts.adjusted,
              commit.counts.unchanged,
              commit.counts.rejected,
              at,
            ],
          );
          if (recorded.rowCount === 0) return 'already-imported' as const;
          if (commit.adjustments.length === 0) return 'committed' as const;
          await client.query(
            `create temp table "adjustment_staging" ("product_id" varchar(255), "facility_id" varchar(255), "qoh_before" bigint, "qoh_after" bigint,
             "atp_before" bigint, "atp_after" bigint, "file_quantity" bigint, "created" boolean, "line" int) on commit drop`,
          );
          await copyIn(
            client,
            'copy "adjustment_staging" from stdin',
            lines(
              commit.adjustments,
              (a) =>
                `${[
                  a.productId,
                  a.facilityId,
                  toScaled(a.quantityOnHandBefore),
                  toScaled(a.quantityOnHandAfter),
                  toScaled(a.availableToPromiseBefore),
                  toScaled(a.availableToPromiseAfter),
                  toScaled(a.fileQuantity),
                  a.created,
                  a.line,
                ]
                  .map(copyField)
                  .join('\t')}\n`,
            ),
          );
          await client.query(
            `insert into "inventory_position" ("product_id", "facility_id", "quantity_on_hand_scaled", "available_to_promise_scaled", "updated_at")
             select "product_id", "facility_id", "qoh_after", "atp_after", $1 from "adjustment_staging"
             on conflict ("product_id", "facility_id") do update set "quantity_on_hand_scaled" = excluded."quantity_on_hand_scaled",
               "available_to_promise_scaled" = excluded."available_to_promise_scaled", "updated_at" = excluded."updated_at"`,
            [at],
          );
          await client.query(
            `insert into "inventory_variance" ("source_file", "run_id", "product_id", "facility_id", "quantity_on_hand_before_scaled", "quantity_on_hand_after_scaled",
               "available_to_promise_before_scaled", "available_to_promise_after_scaled", "file_quantity_scaled", "created", "line", "recorded_at")
             select $1, $2, "product_id", "facility_id", "qoh_before", "qoh_after", "atp_before", "atp_after", "file_quantity", "created", "line", $3 from "adjustment_staging"`,
            [commit.file.name, commit.runId, at],
          );
          await client.query(
            `insert into "changed_product" ("product_id", "changed_at") select distinct "product_id", $1::bigint from "adjustment_staging"
             on conflict ("product_id") do update set "changed_at" = excluded."changed_at", "version" = "changed_product"."version" + 1`,
            [at],
          );
          return 'committed' as const;
        }),
      ),
    saveFacilities: (facilities) =>
      attempt('saveFacilities', () =>
        transaction(async (client) => {
          for (const f of facilities) {
            await client.query(
              'insert into "facility" ("facility_id", "external_id") values ($1, $2) on conflict ("facility_id") do update set "external_id" = excluded."external_id"',
              [f.facilityId, f.externalId],
            );
          }
        }),
      ),
    saveProducts: (products) =>
      attempt('saveProducts', () =>
        transaction(async (client) => {
          await client.query(
            'create temp table "product_staging" ("product_id" varchar(255), "external_id" varchar(255)) on commit drop',
          );
          await copyIn(
            client,
            'copy "product_staging" from stdin',
            lines(products, (p) => `${copyField(p.productId)}\t${copyField(p.externalId)}\n`),
          );
          await client.query(
            'insert into "product" select * from "product_staging" on conflict ("product_id") do update set "external_id" = excluded."external_id"',
          );
        }),
      ),
    saveStockLevels: (levels) =>
      attempt('saveStockLevels', () =>
        transaction(async (client) => {
          await client.query(
            'create temp table "position_staging" ("product_id" varchar(255), "facility_id" varchar(255), "qoh" bigint, "atp" bigint) on commit drop',
          );
          await copyIn(
            client,
            'copy "position_staging" from stdin',
            lines(
              levels,
              (l) =>
                `${copyField(l.productId)}\t${copyField(l.facilityId)}\t${toScaled(l.quantityOnHand)}\t${toScaled(l.availableToPromise)}\n`,
            ),
          );
          await client.query(
            `insert into "inventory_position" select "product_id", "facility_id", "qoh", "atp", 0 from "position_staging"
             on conflict ("product_id", "facility_id") do update set "quantity_on_hand_scaled" = excluded."quantity_on_hand_scaled", "available_to_promise_scaled" = excluded."available_to_promise_scaled"`,
          );
        }),
      ),
  };
};
