import { DatabaseSync } from 'node:sqlite';
import type { Store } from '../../application/index.ts';
import { stockTableBuilder } from '../../application/columnar.ts';
import { fromScaled, toScaled } from '../../domain/index.ts';
import { attempt, openOrm, sharedQueries } from './orm.ts';
import { sqlRunLog } from './sql-run-log.ts';
import { markChangedSqlite, sqliteChannelStore } from './sqlite-channel-store.ts';

/** An SQLite inventory store (the embedded default) serving the import and the Shopify jobs, with `close` and `migrate`. */
export type SqliteInventoryStore = Store & {
  readonly migrate: () => Promise<void>;
  readonly close: () => Promise<void>;
};

/** Options: the database file (created when missing). */
export interface SqliteStoreOptions {
  readonly file: string;
}

/**
 * Opens the store on an SQLite file through Node's built-in `node:sqlite` (no native build). Bulk data moves through
 * prepared statements in one transaction on the adapter's own connection; MikroORM holds the schema, runs the
 * migrations and serves the small queries. WAL mode and a busy timeout let the two connections share the file.
 */
export const openSqliteInventoryStore = async (options: SqliteStoreOptions): Promise<SqliteInventoryStore> => {
  const orm = await openOrm({ sqliteFile: options.file });
  const db = new DatabaseSync(options.file);
  db.exec('pragma journal_mode = wal; pragma busy_timeout = 10000; pragma synchronous = normal');
  const transaction = <A>(run: () => A): A => {
    db.exec('begin immediate');
    try {
      const result = run();
      db.exec('commit');
      return result;
    } catch (error) {
      db.exec('rollback');
      throw error;
    }
  };
  const mapOf = (sql: string) => new Map((db.prepare(sql).all() as { k: string; v: string }[]).map((r) => [r.k, r.v]));
  const upsertPosition = () =>
    db.prepare(
      `insert into "inventory_position" ("product_id", "facility_id", "quantity_on_hand_scaled", "available_to_promise_scaled", "updated_at") values (?, ?, ?, ?, ?)
       on conflict ("product_id", "facility_id") do update set "quantity_on_hand_scaled" = excluded."quantity_on_hand_scaled",
         "available_to_promise_scaled" = excluded."available_to_promise_scaled", "updated_at" = excluded."updated_at"`,
    );

  return {
    ...sharedQueries(orm),
    ...sqlRunLog(orm),
    ...sqliteChannelStore({ db, transaction }),
    migrate: () => orm.migrate(),
    close: async () => {
      db.close();
      await orm.close();
    },
    facilityIdsByExternalId: () =>
      attempt('facilityIdsByExternalId', async () =>
        mapOf('select "external_id" as k, "facility_id" as v from "facility"'),
      ),
    productIdsByExternalId: () =>
      attempt('productIdsByExternalId', async () =>
        mapOf('select "external_id" as k, "product_id" as v from "product"'),
      ),
    stockLevels: () =>
      attempt('stockLevels', async () => {
        const levels = stockTableBuilder();
        const rows = db
          .prepare(
            'select "product_id", "facility_id", "quantity_on_hand_scaled", "available_to_promise_scaled" from "inventory_position"',
          )
          .iterate() as Iterable<Record<string, unknown>>;
        for (const r of rows)
          levels.add(
            String(r.product_id),
            String(r.facility_id),
            fromScaled(Number(r.quantity_on_hand_scaled)),
            fromScaled(Number(r.available_to_promise_scaled)),
          );
        return levels.build();
      }),
    commitImport: (commit) =>
      attempt('commitImport', async () =>
        transaction(() => {
          const at = commit.at.getTime();
          const recorded = db
            .prepare(
              `insert into "imported_file" ("name", "sha256", "bytes", "outcome", "method", "run_id", "rows_read", "adjusted", "unchanged", "rejected", "imported_at")
               values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) on conflict ("name", "sha256") do nothing`,
            )
            .run(
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
            );
          if (Number(recorded.changes) === 0) return 'already-imported' as const;
          const position = upsertPosition();
          const variance = db.prepare(
            `insert into "inventory_variance" ("source_file", "run_id", "product_id", "facility_id", "quantity_on_hand_before_scaled", "quantity_on_hand_after_scaled",
               "available_to_promise_before_scaled", "available_to_promise_after_scaled", "file_quantity_scaled", "created", "line", "recorded_at")
             values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          );
          for (const a of commit.adjustments) {
            position.run(
              a.productId,
              a.facilityId,
              toScaled(a.quantityOnHandAfter),
              toScaled(a.availableToPromiseAfter),
              at,
            );
            variance.run(
              commit.file.name,
              commit.runId,
              a.productId,
              a.facilityId,
              toScaled(a.quantityOnHandBefore),
              toScaled(a.quantityOnHandAfter),
              toScaled(a.availableToPromiseBefore),
              toScaled(a.availableToPromiseAfter),
              toScaled(a.fileQuantity),
              a.created ? 1 : 0,
              a.line,
              at,
            );
          }
          markChangedSqlite(
            db,
            commit.adjustments.map((a) => a.productId),
            at,
          );
          return 'committed' as const;
        }),
      ),
    saveFacilities: (facilities) =>
      attempt('saveFacilities', async () =>
        transaction(() => {
          const save = db.prepare(
            'insert into "facility" ("facility_id", "external_id") values (?, ?) on conflict ("facility_id") do update set "external_id" = excluded."external_id"',
          );
          for (const f of facilities) save.run(f.facilityId, f.externalId);
        }),
      ),
    saveProducts: (products) =>
      attempt('saveProducts', async () =>
        transaction(() => {
          const save = db.prepare(
            'insert into "product" ("product_id", "external_id") values (?, ?) on conflict ("product_id") do update set "external_id" = excluded."external_id"',
          );
          for (const p of products) save.run(p.productId, p.externalId);
        }),
      ),
    saveStockLevels: (levels) =>
      attempt('saveStockLevels', async () =>
        transaction(() => {
          const save = upsertPosition();
          for (const l of levels)
            save.run(l.productId, l.facilityId, toScaled(l.quantityOnHand), toScaled(l.availableToPromise), 0);
        }),
      ),
  };
};
