// The store's rows turned into the ports' values, and the joins that read a product with everything its online ATP
// needs. Rows are decoded here, never trusted as typed: PostgreSQL answers BIGINT as text, SQLite booleans as 0/1.
import { type RawBuilder, sql } from 'kysely';
import type {
  FailedLine,
  FeedProgress,
  FrozenBatch,
  ImportedFile,
  InventoryItemMapping,
  LedgerEntry,
  MappedProductInventory,
  ProductChange,
  ProductInventoryRecord,
  VarianceRecord,
} from '../../application/index.ts';
import {
  outcomeSeenAt,
  type JobName,
  type JobRun,
  type RunOutcome,
  type RunProgress,
  type RunReport,
  type RunTrigger,
} from '../../application/run-log.ts';
import type { StoredSchedule } from '../../application/schedule-book.ts';
import { fromScaled, type FacilityGroup, type FacilityStock } from '../../domain/index.ts';
import type { Value } from './dialect.ts';

/** A row as a driver answers it. */
export type Row = Record<string, unknown>;

const num = (v: unknown): number => Number(v);
const scaled = (v: unknown): number => (v === null || v === undefined ? 0 : fromScaled(Number(v)));
const text = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));

// The columns and joins that give the products of a relation `from` (with a `product_id`) everything online ATP
// needs: threshold, brokering queue, and each position with its safety stock (no position: one row of nulls).
const STOCK_COLUMNS = sql`"t"."threshold_scaled", "q"."quantity_scaled", "ip"."facility_id",
  "ip"."quantity_on_hand_scaled", "ip"."available_to_promise_scaled", "pf"."safety_stock_scaled"`;
const stockJoins = (from: string) => sql`
  left join "product_threshold" "t" on "t"."product_id" = ${sql.ref(`${from}.product_id`)}
  left join "brokering_queue" "q" on "q"."product_id" = ${sql.ref(`${from}.product_id`)}
  left join "inventory_position" "ip" on "ip"."product_id" = ${sql.ref(`${from}.product_id`)}
  left join "product_facility" "pf" on "pf"."product_id" = "ip"."product_id" and "pf"."facility_id" = "ip"."facility_id"`;

/**
 * The positions, safety stock, threshold and brokering queue of the products that `page` selects (columns
 * `product_id`, `inventory_item_id`): one row per position, a product without one as a single row of nulls.
 * `page` must order and limit itself; the result is in product then facility order.
 */
export const mappedInventoryQuery = (page: RawBuilder<unknown>) => sql<Row>`
  with "page" as (${page})
  select "page"."product_id", "page"."inventory_item_id", ${STOCK_COLUMNS}
  from "page" ${stockJoins('page')}
  order by "page"."product_id", "ip"."facility_id"`;

/** The mapped products of `mappedInventoryQuery`'s rows. */
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

/** The position of a joined row (null for the row of a product without one). Reserved is QOH - ATP, since ATP already nets reservations. */
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
 * safety stock, threshold and brokering queue like `mappedInventoryQuery`.
 */
export const productInventoryQuery = (productIdOrSku: string) => sql<Row>`
  with "found" as (
    select "product_id", "sku" from "product" where "product_id" = ${productIdOrSku} or "sku" = ${productIdOrSku}
    order by case when "product_id" = ${productIdOrSku} then 0 else 1 end, "product_id" limit 1
  )
  select "found"."product_id", "found"."sku", ${STOCK_COLUMNS}
  from "found" ${stockJoins('found')}
  order by "ip"."facility_id"`;

/** The product of `productInventoryQuery`'s rows, or null when it found none. */
export const productInventoryOf = (rows: ReadonlyArray<Row>): ProductInventoryRecord | null => {
  const first = rows[0];
  if (first === undefined) return null;
  const productId = String(first.product_id);
  return {
    productId,
    sku: text(first.sku),
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
    facilityIds: rows.flatMap((r) => text(r.facility_id) ?? []),
  };
};

/** An `imported_file` row. */
export const importedFileOf = (r: Row): ImportedFile => ({
  name: String(r.name),
  sha256: String(r.sha256),
  outcome: r.outcome === 'held-back' ? 'held-back' : 'applied',
  runId: String(r.run_id),
  importedAt: new Date(num(r.imported_at)),
});

/** An `inventory_variance` row. */
export const varianceOf = (r: Row): VarianceRecord => ({
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
});

/** A change row. */
export const productChangeOf = (r: Row): ProductChange => ({
  productId: String(r.product_id),
  sequence: num(r.sequence),
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
  scan:
    r.scan_lines === null || r.scan_lines === undefined || r.scan_candidates === null || r.scan_candidates === undefined
      ? null
      : { lines: num(r.scan_lines), candidates: num(r.scan_candidates) },
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

/** A `job_run` row as a run, seen at `at`: a running run whose lease lapsed before then is abandoned. */
export const jobRunOf = (r: Row, at: Date | undefined): JobRun => {
  const leaseUntil = r.lease_until === null || r.lease_until === undefined ? null : new Date(num(r.lease_until));
  const outcome = String(r.outcome) as RunOutcome;
  return {
    runId: String(r.run_id),
    job: String(r.job) as JobName,
    parameters: JSON.parse(String(r.parameters)) as Record<string, string>,
    worker: String(r.worker),
    startedAt: new Date(num(r.started_at)),
    finishedAt: r.finished_at === null || r.finished_at === undefined ? null : new Date(num(r.finished_at)),
    outcome: outcomeSeenAt(outcome, leaseUntil, at),
    leaseUntil,
    counts: JSON.parse(String(r.counts)) as Record<string, number>,
    error: text(r.error),
    trigger: (text(r.trigger) as RunTrigger | null) ?? null,
    progress: progressOf(text(r.progress)),
  };
};

/** A run's progress as the `job_run.progress` column stores it (JSON, `at` in epoch ms). */
export const progressColumn = (p: RunProgress): string =>
  JSON.stringify({ step: p.step, done: p.done, total: p.total, at: p.at.getTime() });

const progressOf = (column: string | null): RunProgress | null => {
  if (column === null) return null;
  const p = JSON.parse(column) as { step: string; done: number; total: number | null; at: number };
  return { step: p.step, done: p.done, total: p.total, at: new Date(p.at) };
};

/** A run's stored report (`job_run.report`, JSON), or null. */
export const reportOf = (column: unknown): RunReport | null =>
  column === null || column === undefined ? null : (JSON.parse(String(column)) as RunReport);

/** A `job_schedule` row as a stored schedule (SQLite answers booleans as 0/1, PostgreSQL BIGINT as text). */
export const storedScheduleOf = (r: Row): StoredSchedule => ({
  job: String(r.job) as JobName,
  key: String(r.key),
  cron: String(r.cron),
  timezone: String(r.timezone),
  parameters: JSON.parse(String(r.parameters)) as Record<string, string>,
  paused: r.paused === true || r.paused === 1 || r.paused === '1' || r.paused === 't',
  skipAfter: r.skip_after === null || r.skip_after === undefined ? null : new Date(num(r.skip_after)),
  changedBy: String(r.changed_by),
  changedAt: new Date(num(r.changed_at)),
});

/** A mapping as the columns of `shopify_inventory_item` after the shop: product, SKU, status, item, candidates. */
export const mappingColumns = (m: InventoryItemMapping): Value[] => [
  m.productId,
  m.sku,
  m.status,
  m.status === 'mapped' ? m.inventoryItemId : null,
  m.status === 'ambiguous' ? JSON.stringify(m.candidates) : null,
];

/** The last of each key, in first-seen order: one row per key, as an upsert of one statement needs. */
export const lastByKey = <A>(items: Iterable<A>, key: (a: A) => string): A[] => {
  const last = new Map<string, A>();
  for (const item of items) last.set(key(item), item);
  return [...last.values()];
};
