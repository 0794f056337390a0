import type { DatabaseSync, SQLInputValue } from 'node:sqlite';
import type {
  ChannelSeed,
  Catalogue,
  ChangeLog,
  PushLedger,
  InventoryLookup,
  ProductMappingStore,
  SalesChannel,
} from '../../application/index.ts';
import { isChannelFacilityGroup, pairKey, toScaled } from '../../domain/index.ts';
import {
  facilityGroupOf,
  failedLineOf,
  feedProgressOf,
  lastByKey,
  ledgerEntryOf,
  mappedInventoryOf,
  mappedInventorySql,
  mappingColumns,
  productChangeOf,
  productInventoryOf,
  productInventorySql,
} from './channel-sql.ts';
import { attempt } from './orm.ts';

/** How the channel store reaches SQLite: the adapter's connection and its write transaction. */
export interface SqliteAccess {
  readonly db: DatabaseSync;
  readonly transaction: <A>(run: () => A) => A;
}

type Row = Record<string, unknown>;

/**
 * Marks products changed, one version up each (a product listed twice still moves one version), inside the caller's
 * transaction. Every write that moves a product's online ATP goes through here, `commitImport` included.
 */
export const markChangedSqlite = (db: DatabaseSync, productIds: Iterable<string>, at: number): void => {
  const mark = db.prepare(
    `insert into "changed_product" ("product_id", "changed_at") values (?, ?)
     on conflict ("product_id") do update set "changed_at" = excluded."changed_at", "version" = "changed_product"."version" + 1`,
  );
  for (const productId of new Set(productIds)) mark.run(productId, at);
};

const MAPPED = `select "product_id", "inventory_item_id" from "shopify_inventory_item" where "shop" = ? and "status" = 'mapped'`;

/**
 * The Shopify jobs' ports on SQLite: the same set-based reads as PostgreSQL, lists of ids bound as one JSON array
 * (`in (select value from json_each(?))`, so ten thousand ids are one parameter), writes as prepared statements in
 * one transaction.
 */
export const sqliteChannelStore = ({
  db,
  transaction,
}: SqliteAccess): Catalogue & ChangeLog & PushLedger & ProductMappingStore & ChannelSeed & InventoryLookup => {
  const rows = (sql: string, ...params: SQLInputValue[]): Row[] => db.prepare(sql).all(...params) as Row[];
  const facilityGroup = (facilityGroupId: string) =>
    facilityGroupOf(
      facilityGroupId,
      rows(
        `select "g"."facility_group_type_id", "m"."facility_id" from "facility_group" "g"
         left join "facility_group_member" "m" on "m"."facility_group_id" = "g"."facility_group_id"
         where "g"."facility_group_id" = ? order by "m"."facility_id"`,
        facilityGroupId,
      ),
    );

  return {
    salesChannel: (facilityGroupId) =>
      attempt('salesChannel', async (): Promise<SalesChannel | null> => {
        const group = facilityGroup(facilityGroupId);
        if (group === null || !isChannelFacilityGroup(group)) return null;
        const channel = rows(
          'select "shop", "location_id" from "sales_channel" where "facility_group_id" = ?',
          facilityGroupId,
        )[0];
        return channel === undefined
          ? null
          : { facilityGroup: group, shop: String(channel.shop), locationId: String(channel.location_id) };
      }),
    facilityGroup: (facilityGroupId) => attempt('facilityGroup', async () => facilityGroup(facilityGroupId)),
    mappedProductPage: (channel, after, limit) =>
      attempt('mappedProductPage', async () =>
        mappedInventoryOf(
          after === null
            ? rows(mappedInventorySql(`${MAPPED} order by "product_id" limit ?`), channel.shop, limit)
            : rows(
                mappedInventorySql(`${MAPPED} and "product_id" > ? order by "product_id" limit ?`),
                channel.shop,
                after,
                limit,
              ),
        ),
      ),
    mappedProducts: (channel, productIds) =>
      attempt('mappedProducts', async () =>
        productIds.length === 0
          ? []
          : mappedInventoryOf(
              rows(
                mappedInventorySql(
                  `${MAPPED} and "product_id" in (select "value" from json_each(?)) order by "product_id"`,
                ),
                channel.shop,
                JSON.stringify(productIds),
              ),
            ),
      ),
    changedProducts: (consumer, after, limit) =>
      attempt('changedProducts', async () => {
        const pending = `select "c"."product_id", "c"."version" from "changed_product" "c"
          left join "change_consumer" "k" on "k"."consumer" = ? and "k"."product_id" = "c"."product_id"
          where "c"."version" > coalesce("k"."version", 0)`;
        const found =
          after === null
            ? rows(`${pending} order by "c"."product_id" limit ?`, consumer, limit)
            : rows(`${pending} and "c"."product_id" > ? order by "c"."product_id" limit ?`, consumer, after, limit);
        return found.map(productChangeOf);
      }),
    markPushed: (consumer, changes) =>
      attempt('markPushed', async () =>
        transaction(() => {
          const mark = db.prepare(
            `insert into "change_consumer" ("consumer", "product_id", "version") values (?, ?, ?)
             on conflict ("consumer", "product_id") do update set "version" = max("change_consumer"."version", excluded."version")`,
          );
          for (const c of changes) mark.run(consumer, c.productId, c.version);
        }),
      ),
    ledger: (shop, locationId, inventoryItemIds) =>
      attempt('ledger', async () =>
        inventoryItemIds.length === 0
          ? []
          : rows(
              `select "inventory_item_id", "location_id", "quantity", "run_id" from "shopify_ledger"
               where "shop" = ? and "location_id" = ? and "inventory_item_id" in (select "value" from json_each(?)) order by "inventory_item_id"`,
              shop,
              locationId,
              JSON.stringify(inventoryItemIds),
            ).map(ledgerEntryOf),
      ),
    feedProgress: (feed) =>
      attempt('feedProgress', async () => {
        const row = rows('select "next_line", "pending" from "feed_progress" where "feed" = ?', feed)[0];
        return row === undefined ? null : feedProgressOf(row);
      }),
    freezeBatch: (feed, batch) =>
      attempt('freezeBatch', async () => {
        db.prepare(
          `insert into "feed_progress" ("feed", "next_line", "pending", "updated_at") values (?, 0, ?, ?)
           on conflict ("feed") do update set "pending" = excluded."pending", "updated_at" = excluded."updated_at"`,
        ).run(feed, JSON.stringify(batch), Date.now());
      }),
    settleBatch: (s) =>
      attempt('settleBatch', async () =>
        transaction(() => {
          const at = s.at.getTime();
          const ledger = db.prepare(
            `insert into "shopify_ledger" ("shop", "location_id", "inventory_item_id", "quantity", "run_id", "recorded_at") values (?, ?, ?, ?, ?, ?)
             on conflict ("shop", "location_id", "inventory_item_id") do update
               set "quantity" = excluded."quantity", "run_id" = excluded."run_id", "recorded_at" = excluded."recorded_at"`,
          );
          for (const e of s.confirmed) ledger.run(s.shop, e.locationId, e.inventoryItemId, e.quantity, e.runId, at);
          const failure = db.prepare(
            `insert into "feed_failure" ("feed", "line", "product_id", "inventory_item_id", "code", "message", "recorded_at") values (?, ?, ?, ?, ?, ?, ?)
             on conflict ("feed", "line") do nothing`,
          );
          for (const f of s.failed) failure.run(f.feed, f.line, f.productId, f.inventoryItemId, f.code, f.message, at);
          db.prepare(
            `insert into "feed_progress" ("feed", "next_line", "pending", "updated_at") values (?, ?, null, ?)
             on conflict ("feed") do update set "next_line" = excluded."next_line", "pending" = null, "updated_at" = excluded."updated_at"`,
          ).run(s.feed, s.nextLine, at);
        }),
      ),
    failedLines: (feed) =>
      attempt('failedLines', async () =>
        rows(
          'select "feed", "line", "product_id", "inventory_item_id", "code", "message" from "feed_failure" where "feed" = ? order by "line"',
          feed,
        ).map(failedLineOf),
      ),

    productInventory: (productIdOrSku) =>
      attempt('productInventory', async () => productInventoryOf(rows(productInventorySql('?1'), productIdOrSku))),

    productSkus: (after, limit) =>
      attempt('productSkus', async () => {
        const withSku = 'select "product_id", "sku" from "product" where "sku" is not null';
        const found =
          after === null
            ? rows(`${withSku} order by "product_id" limit ?`, limit)
            : rows(`${withSku} and "product_id" > ? order by "product_id" limit ?`, after, limit);
        return found.map((r) => ({ productId: String(r.product_id), sku: String(r.sku) }));
      }),
    saveMappings: (shop, mappings) =>
      attempt('saveMappings', async () =>
        transaction(() => {
          const save = db.prepare(
            `insert into "shopify_inventory_item" ("shop", "product_id", "sku", "status", "inventory_item_id", "candidates") values (?, ?, ?, ?, ?, ?)
             on conflict ("shop", "product_id") do update set "sku" = excluded."sku", "status" = excluded."status",
               "inventory_item_id" = excluded."inventory_item_id", "candidates" = excluded."candidates"`,
          );
          const before = db.prepare(
            `select "inventory_item_id" from "shopify_inventory_item" where "shop" = ? and "product_id" = ? and "status" = 'mapped'`,
          );
          const newlyMapped: string[] = [];
          for (const m of mappings) {
            const previous =
              (before.get(shop, m.productId) as { inventory_item_id?: string } | undefined)?.inventory_item_id ?? null;
            if (m.status === 'mapped' && m.inventoryItemId !== previous) newlyMapped.push(m.productId);
            save.run(shop, ...mappingColumns(m));
          }
          // A product mapped to a new inventory item is due for the next delta push.
          markChangedSqlite(db, newlyMapped, Date.now());
        }),
      ),

    saveFacilityGroup: (group) =>
      attempt('saveFacilityGroup', async () =>
        transaction(() => {
          db.prepare(
            `insert into "facility_group" ("facility_group_id", "facility_group_type_id") values (?, ?)
             on conflict ("facility_group_id") do update set "facility_group_type_id" = excluded."facility_group_type_id"`,
          ).run(group.facilityGroupId, group.facilityGroupTypeId);
          db.prepare('delete from "facility_group_member" where "facility_group_id" = ?').run(group.facilityGroupId);
          const member = db.prepare(
            'insert into "facility_group_member" ("facility_group_id", "facility_id") values (?, ?) on conflict do nothing',
          );
          for (const facilityId of group.facilityIds) member.run(group.facilityGroupId, facilityId);
        }),
      ),
    saveSalesChannel: (channel) =>
      attempt('saveSalesChannel', async () => {
        db.prepare(
          `insert into "sales_channel" ("facility_group_id", "shop", "location_id") values (?, ?, ?)
           on conflict ("facility_group_id") do update set "shop" = excluded."shop", "location_id" = excluded."location_id"`,
        ).run(channel.facilityGroupId, channel.shop, channel.locationId);
      }),
    saveProductSkus: (skus) =>
      attempt('saveProductSkus', async () =>
        transaction(() => {
          const save = db.prepare('update "product" set "sku" = ? where "product_id" = ?');
          const unknown = new Set<string>();
          for (const s of skus) if (Number(save.run(s.sku, s.productId).changes) === 0) unknown.add(s.productId);
          if (unknown.size > 0) throw new Error(`no such product: ${[...unknown].join(', ')}`);
        }),
      ),
    savePositions: (positions) =>
      attempt('savePositions', async () =>
        transaction(() => {
          const at = Date.now();
          const position = db.prepare(
            `insert into "inventory_position" ("product_id", "facility_id", "quantity_on_hand_scaled", "available_to_promise_scaled", "updated_at") values (?, ?, ?, ?, ?)
             on conflict ("product_id", "facility_id") do update set "quantity_on_hand_scaled" = excluded."quantity_on_hand_scaled",
               "available_to_promise_scaled" = excluded."available_to_promise_scaled", "updated_at" = excluded."updated_at"`,
          );
          const safety = db.prepare(
            `insert into "product_facility" ("product_id", "facility_id", "safety_stock_scaled") values (?, ?, ?)
             on conflict ("product_id", "facility_id") do update set "safety_stock_scaled" = excluded."safety_stock_scaled"`,
          );
          for (const p of lastByKey(positions, (p) => pairKey(p.productId, p.facilityId))) {
            const qoh = toScaled(p.quantityOnHand);
            position.run(p.productId, p.facilityId, qoh, qoh - toScaled(p.reservedQuantity), at);
            safety.run(p.productId, p.facilityId, toScaled(p.safetyStock));
          }
          markChangedSqlite(
            db,
            positions.map((p) => p.productId),
            at,
          );
        }),
      ),
    saveThresholds: (thresholds) =>
      attempt('saveThresholds', async () =>
        transaction(() => {
          const save = db.prepare(
            `insert into "product_threshold" ("product_id", "threshold_scaled") values (?, ?)
             on conflict ("product_id") do update set "threshold_scaled" = excluded."threshold_scaled"`,
          );
          for (const t of thresholds) save.run(t.productId, toScaled(t.threshold));
          markChangedSqlite(
            db,
            thresholds.map((t) => t.productId),
            Date.now(),
          );
        }),
      ),
    saveBrokeringQueue: (queue) =>
      attempt('saveBrokeringQueue', async () =>
        transaction(() => {
          const save = db.prepare(
            `insert into "brokering_queue" ("product_id", "quantity_scaled") values (?, ?)
             on conflict ("product_id") do update set "quantity_scaled" = excluded."quantity_scaled"`,
          );
          for (const q of queue) save.run(q.productId, toScaled(q.quantity));
          markChangedSqlite(
            db,
            queue.map((q) => q.productId),
            Date.now(),
          );
        }),
      ),
  };
};
