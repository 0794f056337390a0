// What the PostgreSQL and SQLite channel stores share: the read queries' joins and turning their rows into the
// ports' values. Each store supplies the part that differs (placeholders, how a list of ids is bound).
import type {
  FailedLine,
  FeedProgress,
  FrozenBatch,
  InventoryItemMapping,
  LedgerEntry,
  MappedProductInventory,
  ProductChange,
  ProductInventoryRecord,
} from '../../application/index.ts';
import { fromScaled, type FacilityGroup, type FacilityStock } from '../../domain/index.ts';

type Row = Record<string, unknown>;

const num = (v: unknown): number => Number(v);
const scaled = (v: unknown): number => (v === null || v === undefined ? 0 : fromScaled(Number(v)));

// The columns and joins that give the products of a `from` relation (with a `product_id`) everything online ATP
// needs: threshold, brokering queue, and each position with its safety stock (no position: one row of nulls).
const STOCK_COLUMNS = `"t"."threshold_scaled", "q"."quantity_scaled",
         "ip"."facility_id", "ip"."quantity_on_hand_scaled", "ip"."available_to_promise_scaled", "pf"."safety_stock_scaled"`;
const stockJoins = (from: string): string => `
  left join "product_threshold" "t" on "t"."product_id" = "${from}"."product_id"
  left join "brokering_queue" "q" on "q"."product_id" = "${from}"."product_id"
  left join "inventory_position" "ip" on "ip"."product_id" = "${from}"."product_id"
  left join "product_facility" "pf" on "pf"."product_id" = "ip"."product_id" and "pf"."facility_id" = "ip"."facility_id"`;

/**
 * The positions, safety stock, threshold and brokering queue of the products that `page` selects (columns
 * `product_id`, `inventory_item_id`): one row per position, a product without one as a single row of nulls.
 * `page` must order and limit itself; the result is in product then facility order.
 */
export const mappedInventorySql = (page: string): string => `
  with "page" as (${page})
  select "page"."product_id", "page"."inventory_item_id", ${STOCK_COLUMNS}
  from "page"${stockJoins('page')}
  order by "page"."product_id", "ip"."facility_id"`;

/** The mapped products of `mappedInventorySql`'s rows. Reserved is QOH - ATP, since ATP already nets reservations. */
export const mappedInventoryOf = (rows: Iterable<Row>): MappedProductInventory[] => {
  const products: MappedProductInventory[] = [];
  let current: { productId: string; positions: FacilityStock[] } | null = null;
  for (const r of rows) {
    const productId = String(r.product_id);
    if (current === null || current.productId !== productId) {
      current = { productId, positions: [] };
      products.push({
        productId,
        inventoryItemId: String(r.inventory_item_id),
        positions: current.positions,
        threshold: scaled(r.threshold_scaled),
        brokeringQueue: scaled(r.quantity_scaled),
      });
    }
    const position = positionOf(r);
    if (position !== null) current.positions.push(position);
  }
  return products;
};

/** The position of a joined row (null for the row of a product without one). Reserved is QOH - ATP. */
const positionOf = (r: Row): FacilityStock | null => {
  if (r.facility_id === null || r.facility_id === undefined) return null;
  const qoh = num(r.quantity_on_hand_scaled);
  return {
    facilityId: String(r.facility_id),
    quantityOnHand: fromScaled(qoh),
    reservedQuantity: fromScaled(qoh - num(r.available_to_promise_scaled)),
    safetyStock: scaled(r.safety_stock_scaled),
  };
};

/**
 * One product, found by id or else by SKU (the smallest id among several with that SKU), joined to its positions,
 * safety stock, threshold and brokering queue like `mappedInventorySql`. `key` is the placeholder of the id or SKU,
 * used three times (`$1` in PostgreSQL, `?1` in SQLite).
 */
export const productInventorySql = (key: string): string => `
  with "found" as (
    select "product_id", "sku" from "product" where "product_id" = ${key} or "sku" = ${key}
    order by case when "product_id" = ${key} then 0 else 1 end, "product_id" limit 1
  )
  select "found"."product_id", "found"."sku", ${STOCK_COLUMNS}
  from "found"${stockJoins('found')}
  order by "ip"."facility_id"`;

/** The product of `productInventorySql`'s rows, or null when it found none. */
export const productInventoryOf = (rows: ReadonlyArray<Row>): ProductInventoryRecord | null => {
  const first = rows[0];
  if (first === undefined) return null;
  const productId = String(first.product_id);
  return {
    productId,
    sku: first.sku === null || first.sku === undefined ? null : String(first.sku),
    inventory: {
      productId,
      positions: rows.flatMap((r) => positionOf(r) ?? []),
      threshold: scaled(first.threshold_scaled),
      brokeringQueue: scaled(first.quantity_scaled),
    },
  };
};

/** A group from its rows (`facility_group_type_id`, `facility_id` null for a group without members), or null. */
export const facilityGroupOf = (facilityGroupId: string, rows: ReadonlyArray<Row>): FacilityGroup | null => {
  const first = rows[0];
  if (first === undefined) return null;
  return {
    facilityGroupId,
    facilityGroupTypeId: String(first.facility_group_type_id),
    facilityIds: rows.flatMap((r) =>
      r.facility_id === null || r.facility_id === undefined ? [] : [String(r.facility_id)],
    ),
  };
};

/** A change row. */
export const productChangeOf = (r: Row): ProductChange => ({
  productId: String(r.product_id),
  version: num(r.version),
});

/** A ledger row. */
export const ledgerEntryOf = (r: Row): LedgerEntry => ({
  inventoryItemId: String(r.inventory_item_id),
  locationId: String(r.location_id),
  quantity: num(r.quantity),
  runId: String(r.run_id),
});

/** A feed_progress row. */
export const feedProgressOf = (r: Row): FeedProgress => ({
  nextLine: num(r.next_line),
  pending: r.pending === null || r.pending === undefined ? null : (JSON.parse(String(r.pending)) as FrozenBatch),
});

/** A feed_failure row. */
export const failedLineOf = (r: Row): FailedLine => ({
  feed: String(r.feed),
  line: num(r.line),
  productId: String(r.product_id),
  inventoryItemId: String(r.inventory_item_id),
  code: String(r.code),
  message: String(r.message),
});

/** A mapping as the columns of `shopify_inventory_item` (after the shop): product, SKU, status, item, candidates. */
export const mappingColumns = (m: InventoryItemMapping): [string, string, string, string | null, string | null] => [
  m.productId,
  m.sku,
  m.status,
  m.status === 'mapped' ? m.inventoryItemId : null,
  m.status === 'ambiguous' ? JSON.stringify(m.candidates) : null,
];

/** The last of each key, in first-seen order: one row per key, as an upsert of one statement needs. */
export const lastByKey = <A>(items: ReadonlyArray<A>, key: (a: A) => string): A[] => {
  const last = new Map<string, A>();
  for (const item of items) last.set(key(item), item);
  return [...last.values()];
};
