import type pg from 'pg';
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

/** How the channel store reaches PostgreSQL: a pooled client, alone or inside one transaction. */
export interface PostgresAccess {
  readonly withClient: <A>(run: (client: pg.PoolClient) => Promise<A>) => Promise<A>;
  readonly transaction: <A>(run: (client: pg.PoolClient) => Promise<A>) => Promise<A>;
}

/**
 * Marks products changed, one version up each (a product listed twice still moves one version). Every write that
 * moves a product's online ATP goes through here or through the same statement in `commitImport`.
 */
const markChangedPostgres = async (
  client: pg.PoolClient,
  productIds: ReadonlyArray<string>,
  at: number,
): Promise<void> => {
  if (productIds.length === 0) return;
  await client.query(
    `insert into "changed_product" ("product_id", "changed_at") select distinct "u"."product_id", $2::bigint from unnest($1::text[]) as "u"("product_id")
     on conflict ("product_id") do update set "changed_at" = excluded."changed_at", "version" = "changed_product"."version" + 1`,
    [productIds, at],
  );
};

const MAPPED = `select "product_id", "inventory_item_id" from "shopify_inventory_item" where "shop" = $1 and "status" = 'mapped'`;

/**
 * The Shopify jobs' ports on PostgreSQL. Reads are one set-based statement per page (a keyset page of products
 * joined to their positions), lists of ids are bound as one array (`= any($n)`), and bulk writes are one
 * `unnest` statement per table.
 */
export const postgresChannelStore = (
  db: PostgresAccess,
): Catalogue & ChangeLog & PushLedger & ProductMappingStore & ChannelSeed & InventoryLookup => {
  const rows = (sql: string, params: unknown[]) =>
    db.withClient(async (client) => (await client.query<Record<string, unknown>>(sql, params)).rows);
  const facilityGroup = async (facilityGroupId: string) =>
    facilityGroupOf(
      facilityGroupId,
      await rows(
        `select "g"."facility_group_type_id", "m"."facility_id" from "facility_group" "g"
         left join "facility_group_member" "m" on "m"."facility_group_id" = "g"."facility_group_id"
         where "g"."facility_group_id" = $1 order by "m"."facility_id"`,
        [facilityGroupId],
      ),
    );

  return {
    salesChannel: (facilityGroupId) =>
      attempt('salesChannel', async (): Promise<SalesChannel | null> => {
        const group = await facilityGroup(facilityGroupId);
        if (group === null || !isChannelFacilityGroup(group)) return null;
        const channel = (
          await rows('select "shop", "location_id" from "sales_channel" where "facility_group_id" = $1', [
            facilityGroupId,
          ])
        )[0];
        return channel === undefined
          ? null
          : { facilityGroup: group, shop: String(channel.shop), locationId: String(channel.location_id) };
      }),
    facilityGroup: (facilityGroupId) => attempt('facilityGroup', () => facilityGroup(facilityGroupId)),
    mappedProductPage: (channel, after, limit) =>
      attempt('mappedProductPage', async () =>
        mappedInventoryOf(
          after === null
            ? await rows(mappedInventorySql(`${MAPPED} order by "product_id" limit $2`), [channel.shop, limit])
            : await rows(mappedInventorySql(`${MAPPED} and "product_id" > $3 order by "product_id" limit $2`), [
                channel.shop,
                limit,
                after,
              ]),
        ),
      ),
    mappedProducts: (channel, productIds) =>
      attempt('mappedProducts', async () =>
        productIds.length === 0
          ? []
          : mappedInventoryOf(
              await rows(mappedInventorySql(`${MAPPED} and "product_id" = any($2::text[]) order by "product_id"`), [
                channel.shop,
                [...new Set(productIds)],
              ]),
            ),
      ),
    changedProducts: (consumer, after, limit) =>
      attempt('changedProducts', async () => {
        const pending = `select "c"."product_id", "c"."version" from "changed_product" "c"
          left join "change_consumer" "k" on "k"."consumer" = $1 and "k"."product_id" = "c"."product_id"
          where "c"."version" > coalesce("k"."version", 0)`;
        const found =
          after === null
            ? await rows(`${pending} order by "c"."product_id" limit $2`, [consumer, limit])
            : await rows(`${pending} and "c"."product_id" > $3 order by "c"."product_id" limit $2`, [
                consumer,
                limit,
                after,
              ]);
        return found.map(productChangeOf);
      }),
    markPushed: (consumer, changes) =>
      attempt('markPushed', async () => {
        if (changes.length === 0) return;
        const highest = new Map<string, number>();
        for (const c of changes) highest.set(c.productId, Math.max(highest.get(c.productId) ?? 0, c.version));
        await rows(
          `insert into "change_consumer" ("consumer", "product_id", "version")
           select $1::text, "u"."product_id", "u"."version" from unnest($2::text[], $3::bigint[]) as "u"("product_id", "version")
           on conflict ("consumer", "product_id") do update set "version" = greatest("change_consumer"."version", excluded."version")`,
          [consumer, [...highest.keys()], [...highest.values()]],
        );
      }),
    ledger: (shop, locationId, inventoryItemIds) =>
      attempt('ledger', async () =>
        inventoryItemIds.length === 0
          ? []
          : (
              await rows(
                `select "inventory_item_id", "location_id", "quantity", "run_id" from "shopify_ledger"
                 where "shop" = $1 and "location_id" = $2 and "inventory_item_id" = any($3::text[]) order by "inventory_item_id"`,
                [shop, locationId, [...new Set(inventoryItemIds)]],
              )
            ).map(ledgerEntryOf),
      ),
    feedProgress: (feed) =>
      attempt('feedProgress', async () => {
        const row = (await rows('select "next_line", "pending" from "feed_progress" where "feed" = $1', [feed]))[0];
        return row === undefined ? null : feedProgressOf(row);
      }),
    freezeBatch: (feed, batch) =>
      attempt('freezeBatch', async () => {
        await rows(
          `insert into "feed_progress" ("feed", "next_line", "pending", "updated_at") values ($1, 0, $2, $3)
           on conflict ("feed") do update set "pending" = excluded."pending", "updated_at" = excluded."updated_at"`,
          [feed, JSON.stringify(batch), Date.now()],
        );
      }),
    settleBatch: (s) =>
      attempt('settleBatch', () =>
        db.transaction(async (client) => {
          const at = s.at.getTime();
          const confirmed = lastByKey(s.confirmed, (e) => pairKey(e.locationId, e.inventoryItemId));
          if (confirmed.length > 0) {
            await client.query(
              `insert into "shopify_ledger" ("shop", "location_id", "inventory_item_id", "quantity", "run_id", "recorded_at")
               select $1, "u"."location_id", "u"."inventory_item_id", "u"."quantity", "u"."run_id", $6::bigint
               from unnest($2::text[], $3::text[], $4::bigint[], $5::text[]) as "u"("location_id", "inventory_item_id", "quantity", "run_id")
               on conflict ("shop", "location_id", "inventory_item_id") do update
                 set "quantity" = excluded."quantity", "run_id" = excluded."run_id", "recorded_at" = excluded."recorded_at"`,
              [
                s.shop,
                confirmed.map((e) => e.locationId),
                confirmed.map((e) => e.inventoryItemId),
                confirmed.map((e) => e.quantity),
                confirmed.map((e) => e.runId),
                at,
              ],
            );
          }
          if (s.failed.length > 0) {
            await client.query(
              `insert into "feed_failure" ("feed", "line", "product_id", "inventory_item_id", "code", "message", "recorded_at")
               select "u"."feed", "u"."line", "u"."product_id", "u"."inventory_item_id", "u"."code", "u"."message", $7::bigint
               from unnest($1::text[], $2::int[], $3::text[], $4::text[], $5::text[], $6::text[]) as "u"("feed", "line", "product_id", "inventory_item_id", "code", "message")
               on conflict ("feed", "line") do nothing`,
              [
                s.failed.map((f) => f.feed),
                s.failed.map((f) => f.line),
                s.failed.map((f) => f.productId),
                s.failed.map((f) => f.inventoryItemId),
                s.failed.map((f) => f.code),
                s.failed.map((f) => f.message),
                at,
              ],
            );
          }
          await client.query(
            `insert into "feed_progress" ("feed", "next_line", "pending", "updated_at") values ($1, $2, null, $3)
             on conflict ("feed") do update set "next_line" = excluded."next_line", "pending" = null, "updated_at" = excluded."updated_at"`,
            [s.feed, s.nextLine, at],
          );
        }),
      ),
    failedLines: (feed) =>
      attempt('failedLines', async () =>
        (
          await rows(
            'select "feed", "line", "product_id", "inventory_item_id", "code", "message" from "feed_failure" where "feed" = $1 order by "line"',
            [feed],
          )
        ).map(failedLineOf),
      ),

    productInventory: (productIdOrSku) =>
      attempt('productInventory', async () =>
        productInventoryOf(await rows(productInventorySql('$1::text'), [productIdOrSku])),
      ),

    productSkus: (after, limit) =>
      attempt('productSkus', async () => {
        const withSku = 'select "product_id", "sku" from "product" where "sku" is not null';
        const found =
          after === null
            ? await rows(`${withSku} order by "product_id" limit $1`, [limit])
            : await rows(`${withSku} and "product_id" > $2 order by "product_id" limit $1`, [limit, after]);
        return found.map((r) => ({ productId: String(r.product_id), sku: String(r.sku) }));
      }),
    saveMappings: (shop, mappings) =>
      attempt('saveMappings', async () => {
        const latest = lastByKey(mappings, (m) => m.productId);
        const columns = latest.map(mappingColumns);
        if (columns.length === 0) return;
        await db.transaction(async (client) => {
          const before = await client.query(
            `select "product_id", "inventory_item_id" from "shopify_inventory_item" where "shop" = $1 and "status" = 'mapped' and "product_id" = any($2::text[])`,
            [shop, latest.map((m) => m.productId)],
          );
          const previous = new Map(
            (before.rows as Array<{ product_id: string; inventory_item_id: string }>).map((r) => [
              r.product_id,
              r.inventory_item_id,
            ]),
          );
          await client.query(
            `insert into "shopify_inventory_item" ("shop", "product_id", "sku", "status", "inventory_item_id", "candidates")
             select $1::text, "u".* from unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[]) as "u"
             on conflict ("shop", "product_id") do update set "sku" = excluded."sku", "status" = excluded."status",
               "inventory_item_id" = excluded."inventory_item_id", "candidates" = excluded."candidates"`,
            [shop, ...[0, 1, 2, 3, 4].map((i) => columns.map((c) => c[i]))],
          );
          // A product mapped to a new inventory item is due for the next delta push.
          const newlyMapped = latest
            .filter((m) => m.status === 'mapped' && m.inventoryItemId !== (previous.get(m.productId) ?? null))
            .map((m) => m.productId);
          if (newlyMapped.length > 0) await markChangedPostgres(client, newlyMapped, Date.now());
        });
      }),

    saveFacilityGroup: (group) =>
      attempt('saveFacilityGroup', () =>
        db.transaction(async (client) => {
          await client.query(
            `insert into "facility_group" ("facility_group_id", "facility_group_type_id") values ($1, $2)
             on conflict ("facility_group_id") do update set "facility_group_type_id" = excluded."facility_group_type_id"`,
            [group.facilityGroupId, group.facilityGroupTypeId],
          );
          await client.query('delete from "facility_group_member" where "facility_group_id" = $1', [
            group.facilityGroupId,
          ]);
          await client.query(
            `insert into "facility_group_member" ("facility_group_id", "facility_id") select distinct $1::text, "u"."facility_id" from unnest($2::text[]) as "u"("facility_id")`,
            [group.facilityGroupId, group.facilityIds],
          );
        }),
      ),
    saveSalesChannel: (channel) =>
      attempt('saveSalesChannel', async () => {
        await rows(
          `insert into "sales_channel" ("facility_group_id", "shop", "location_id") values ($1, $2, $3)
           on conflict ("facility_group_id") do update set "shop" = excluded."shop", "location_id" = excluded."location_id"`,
          [channel.facilityGroupId, channel.shop, channel.locationId],
        );
      }),
    saveProductSkus: (skus) =>
      attempt('saveProductSkus', () =>
        db.transaction(async (client) => {
          const latest = lastByKey(skus, (s) => s.productId);
          if (latest.length === 0) return;
          const updated = await client.query<{ product_id: string }>(
            `update "product" set "sku" = "u"."sku" from unnest($1::text[], $2::text[]) as "u"("product_id", "sku")
             where "product"."product_id" = "u"."product_id" returning "product"."product_id"`,
            [latest.map((s) => s.productId), latest.map((s) => s.sku)],
          );
          if (updated.rows.length !== latest.length) {
            const known = new Set(updated.rows.map((r) => r.product_id));
            throw new Error(
              `no such product: ${latest
                .filter((s) => !known.has(s.productId))
                .map((s) => s.productId)
                .join(', ')}`,
            );
          }
        }),
      ),
    savePositions: (positions) =>
      attempt('savePositions', () =>
        db.transaction(async (client) => {
          const latest = lastByKey(positions, (p) => pairKey(p.productId, p.facilityId));
          if (latest.length === 0) return;
          const at = Date.now();
          const products = latest.map((p) => p.productId);
          const facilities = latest.map((p) => p.facilityId);
          await client.query(
            `insert into "inventory_position" ("product_id", "facility_id", "quantity_on_hand_scaled", "available_to_promise_scaled", "updated_at")
             select "u"."product_id", "u"."facility_id", "u"."qoh", "u"."qoh" - "u"."reserved", $5::bigint
             from unnest($1::text[], $2::text[], $3::bigint[], $4::bigint[]) as "u"("product_id", "facility_id", "qoh", "reserved")
             on conflict ("product_id", "facility_id") do update set "quantity_on_hand_scaled" = excluded."quantity_on_hand_scaled",
               "available_to_promise_scaled" = excluded."available_to_promise_scaled", "updated_at" = excluded."updated_at"`,
            [
              products,
              facilities,
              latest.map((p) => toScaled(p.quantityOnHand)),
              latest.map((p) => toScaled(p.reservedQuantity)),
              at,
            ],
          );
          await client.query(
            `insert into "product_facility" ("product_id", "facility_id", "safety_stock_scaled")
             select * from unnest($1::text[], $2::text[], $3::bigint[])
             on conflict ("product_id", "facility_id") do update set "safety_stock_scaled" = excluded."safety_stock_scaled"`,
            [products, facilities, latest.map((p) => toScaled(p.safetyStock))],
          );
          await markChangedPostgres(client, products, at);
        }),
      ),
    saveThresholds: (thresholds) =>
      attempt('saveThresholds', () =>
        db.transaction(async (client) => {
          const latest = lastByKey(thresholds, (t) => t.productId);
          if (latest.length === 0) return;
          await client.query(
            `insert into "product_threshold" ("product_id", "threshold_scaled") select * from unnest($1::text[], $2::bigint[])
             on conflict ("product_id") do update set "threshold_scaled" = excluded."threshold_scaled"`,
            [latest.map((t) => t.productId), latest.map((t) => toScaled(t.threshold))],
          );
          await markChangedPostgres(
            client,
            latest.map((t) => t.productId),
            Date.now(),
          );
        }),
      ),
    saveBrokeringQueue: (queue) =>
      attempt('saveBrokeringQueue', () =>
        db.transaction(async (client) => {
          const latest = lastByKey(queue, (q) => q.productId);
          if (latest.length === 0) return;
          await client.query(
            `insert into "brokering_queue" ("product_id", "quantity_scaled") select * from unnest($1::text[], $2::bigint[])
             on conflict ("product_id") do update set "quantity_scaled" = excluded."quantity_scaled"`,
            [latest.map((q) => q.productId), latest.map((q) => toScaled(q.quantity))],
          );
          await markChangedPostgres(
            client,
            latest.map((q) => q.productId),
            Date.now(),
          );
        }),
      ),
  };
};
