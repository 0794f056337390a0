import { defineEntity, p } from '@mikro-orm/core';
import type { InferKyselyDB } from '@mikro-orm/sql';

// One set of entity definitions for PostgreSQL and SQLite. Quantities are BIGINT counts of 1/100,000 unit (the
// domain's QUANTITY_SCALE), so they are exact in both databases; times are BIGINT epoch milliseconds for the same
// reason (SQLite has no timestamp type).

/** A facility and the NetSuite location it is known by. */
export const FacilityEntity = defineEntity({
  name: 'Facility',
  tableName: 'facility',
  properties: {
    facilityId: p.string().length(255).primary(),
    externalId: p.string().length(255).unique('facility_external_id_unique'),
    name: p.string().length(255).nullable(),
  },
});

/** A product, the NetSuite item internal id it is known by, and the SKU that maps it to a Shopify inventory item. */
export const ProductEntity = defineEntity({
  name: 'Product',
  tableName: 'product',
  properties: {
    productId: p.string().length(255).primary(),
    externalId: p.string().length(255).unique('product_external_id_unique'),
    sku: p.string().length(255).nullable().index('product_sku_index'),
  },
});

/** QOH and ATP of one product at one facility. */
export const InventoryPositionEntity = defineEntity({
  name: 'InventoryPosition',
  tableName: 'inventory_position',
  properties: {
    productId: p.string().length(255).primary(),
    facilityId: p.string().length(255).primary(),
    quantityOnHandScaled: p.bigint('number'),
    availableToPromiseScaled: p.bigint('number'),
    updatedAt: p.bigint('number'),
  },
});

/** The history: one row per position a file's import changed. */
export const InventoryVarianceEntity = defineEntity({
  name: 'InventoryVariance',
  tableName: 'inventory_variance',
  properties: {
    sourceFile: p.string().length(255).primary(),
    runId: p.string().length(255).primary(),
    productId: p.string().length(255).primary(),
    facilityId: p.string().length(255).primary(),
    quantityOnHandBeforeScaled: p.bigint('number'),
    quantityOnHandAfterScaled: p.bigint('number'),
    availableToPromiseBeforeScaled: p.bigint('number'),
    availableToPromiseAfterScaled: p.bigint('number'),
    fileQuantityScaled: p.bigint('number'),
    created: p.boolean(),
    line: p.integer().nullable(),
    recordedAt: p.bigint('number'),
  },
});

/**
 * Products whose stock or online ATP terms changed: `sequence` is the ledger sequence of the product's last change
 * (drawn from `ledger_head`), which the delta push's cursor is compared with. `version` (grows with every change) is
 * kept for databases made before the cursor.
 */
export const ChangedProductEntity = defineEntity({
  name: 'ChangedProduct',
  tableName: 'changed_product',
  properties: {
    productId: p.string().length(255).primary(),
    changedAt: p.bigint('number'),
    version: p.bigint('number').defaultRaw('1'),
    // Not indexed: the products changed after a cursor are read in product order (a walk of the primary key), and a
    // row whose indexed columns stay as they are is updated in place (HOT) each time its product changes again.
    sequence: p.bigint('number').defaultRaw('0'),
  },
});

/** Every imported file, by name and content: what makes an import exactly-once. */
export const ImportedFileEntity = defineEntity({
  name: 'ImportedFile',
  tableName: 'imported_file',
  properties: {
    name: p.string().length(255).primary(),
    sha256: p.string().length(64).primary(),
    bytes: p.bigint('number'),
    outcome: p.string().length(16),
    method: p.string().length(16),
    runId: p.string().length(255),
    rowsRead: p.integer(),
    adjusted: p.integer(),
    unchanged: p.integer(),
    rejected: p.integer(),
    importedAt: p.bigint('number'),
  },
});

/** Leases that keep two workers from running one job at once. */
export const JobLockEntity = defineEntity({
  name: 'JobLock',
  tableName: 'job_lock',
  properties: {
    job: p.string().length(255).primary(),
    owner: p.string().length(255),
    expiresAt: p.bigint('number'),
  },
});

/** A named set of facilities and its type (`CHANNEL_FAC_GROUP` for the groups online ATP is computed for). */
export const FacilityGroupEntity = defineEntity({
  name: 'FacilityGroup',
  tableName: 'facility_group',
  properties: {
    facilityGroupId: p.string().length(255).primary(),
    facilityGroupTypeId: p.string().length(255),
  },
});

/** One facility of a facility group. */
export const FacilityGroupMemberEntity = defineEntity({
  name: 'FacilityGroupMember',
  tableName: 'facility_group_member',
  properties: {
    facilityGroupId: p.string().length(255).primary(),
    facilityId: p.string().length(255).primary(),
  },
});

/** The safety stock of a product at a facility (none: 0). */
export const ProductFacilityEntity = defineEntity({
  name: 'ProductFacility',
  tableName: 'product_facility',
  properties: {
    productId: p.string().length(255).primary(),
    facilityId: p.string().length(255).primary(),
    safetyStockScaled: p.bigint('number'),
  },
});

/** A product's online threshold (none: 0). */
export const ProductThresholdEntity = defineEntity({
  name: 'ProductThreshold',
  tableName: 'product_threshold',
  properties: {
    productId: p.string().length(255).primary(),
    thresholdScaled: p.bigint('number'),
  },
});

/** Units of a product in orders captured but not yet brokered (none: 0). */
export const BrokeringQueueEntity = defineEntity({
  name: 'BrokeringQueue',
  tableName: 'brokering_queue',
  properties: {
    productId: p.string().length(255).primary(),
    quantityScaled: p.bigint('number'),
  },
});

/** The Shopify shop and location a channel facility group sells through. */
export const SalesChannelEntity = defineEntity({
  name: 'SalesChannel',
  tableName: 'sales_channel',
  properties: {
    facilityGroupId: p.string().length(255).primary(),
    shop: p.string().length(255),
    locationId: p.string().length(255),
  },
});

/** Where a product's SKU led in a shop: `mapped` (with the item), `unmatched`, or `ambiguous` (candidates as JSON). */
export const ShopifyInventoryItemEntity = defineEntity({
  name: 'ShopifyInventoryItem',
  tableName: 'shopify_inventory_item',
  properties: {
    shop: p.string().length(255).primary(),
    productId: p.string().length(255).primary(),
    sku: p.string().length(255),
    status: p.string().length(16),
    inventoryItemId: p.string().length(255).nullable(),
    candidates: p.text().nullable(),
  },
});

/** The quantity Shopify holds of an inventory item at a location (whole units), and the run that set or read it. */
export const ShopifyLedgerEntity = defineEntity({
  name: 'ShopifyLedger',
  tableName: 'shopify_ledger',
  properties: {
    shop: p.string().length(255).primary(),
    locationId: p.string().length(255).primary(),
    inventoryItemId: p.string().length(255).primary(),
    quantity: p.bigint('number'),
    runId: p.string().length(255),
    recordedAt: p.bigint('number'),
  },
});

/**
 * The last ledger sequence drawn (one row, id 1). Every transaction that changes stock or online ATP terms draws its
 * numbers here, as its last write: the row lock held to the commit makes the numbers follow the order of commits, so
 * a reader that sees number N sees every change numbered below it.
 */
export const LedgerHeadEntity = defineEntity({
  name: 'LedgerHead',
  tableName: 'ledger_head',
  properties: {
    id: p.integer().primary().autoincrement(false),
    sequence: p.bigint('number'),
  },
});

/**
 * How far the ledger's rows are folded into `changed_product` (one row, id 1): every product changed by a ledger row
 * numbered at or below `sequence` is marked there. The ledger's own writes mark nothing (a mark per product per call
 * was a tenth of a call's time); the delta push folds the rows after this number in, up to the head, before it reads
 * the marks (`changedProducts`). The import's resets, and changes that are no ledger rows, mark their products as
 * they are written.
 */
export const ChangedProductMarkEntity = defineEntity({
  name: 'ChangedProductMark',
  tableName: 'changed_product_mark',
  properties: {
    id: p.integer().primary().autoincrement(false),
    sequence: p.bigint('number'),
  },
});

/** How far a consumer (the delta push of a facility group) has taken the ledger: every change at or below `sequence`. */
export const ChangeCursorEntity = defineEntity({
  name: 'ChangeCursor',
  tableName: 'change_cursor',
  properties: {
    consumer: p.string().length(255).primary(),
    sequence: p.bigint('number'),
    movedAt: p.bigint('number'),
  },
});

/** The version of each product's change a consumer had taken before the cursor (databases made before it). */
export const ChangeConsumerEntity = defineEntity({
  name: 'ChangeConsumer',
  tableName: 'change_consumer',
  properties: {
    consumer: p.string().length(255).primary(),
    productId: p.string().length(255).primary(),
    version: p.bigint('number'),
  },
});

/**
 * How far Process uploads got with a feed file, the batch frozen but not yet settled (JSON), and what the feed's first
 * reading found (its lines and those that may need a call; null in rows written before it was stored).
 */
export const FeedProgressEntity = defineEntity({
  name: 'FeedProgress',
  tableName: 'feed_progress',
  properties: {
    feed: p.string().length(255).primary(),
    nextLine: p.integer(),
    pending: p.text().nullable(),
    updatedAt: p.bigint('number'),
    scanLines: p.integer().nullable(),
    scanCandidates: p.integer().nullable(),
  },
});

/** A feed line whose push failed for good. */
export const FeedFailureEntity = defineEntity({
  name: 'FeedFailure',
  tableName: 'feed_failure',
  properties: {
    feed: p.string().length(255).primary(),
    line: p.integer().primary(),
    productId: p.string().length(255),
    inventoryItemId: p.string().length(255),
    code: p.string().length(255),
    message: p.text(),
    recordedAt: p.bigint('number'),
  },
});

/**
 * A file of the store's file store (the feeds' outbox kept in the database): its folder ('' the outbox itself,
 * `archive`, `error`), name, size, hash and time, and the id of its content (`outbox_chunk`). A write inserts the
 * content first and the row last, in one transaction, so no reader sees a file half written.
 */
export const OutboxFileEntity = defineEntity({
  name: 'OutboxFile',
  tableName: 'outbox_file',
  properties: {
    folder: p.string().length(255).primary(),
    name: p.string().length(255).primary(),
    contentId: p.string().length(64),
    bytes: p.bigint('number'),
    sha256: p.string().length(64),
    modifiedAt: p.bigint('number'),
  },
});

/** A piece of a stored file's text, in order (`seq`): a file is written and read a piece at a time, never whole. */
export const OutboxChunkEntity = defineEntity({
  name: 'OutboxChunk',
  tableName: 'outbox_chunk',
  properties: {
    contentId: p.string().length(64).primary(),
    seq: p.integer().primary(),
    text: p.text(),
  },
});

/** One run of a job: what ran, where, when, how it ended, its counts (JSON) and parameters (JSON). */
export const JobRunEntity = defineEntity({
  name: 'JobRun',
  tableName: 'job_run',
  properties: {
    runId: p.string().length(255).primary(),
    job: p.string().length(255),
    parameters: p.text(),
    worker: p.string().length(255),
    startedAt: p.bigint('number').index('job_run_started_at_index'),
    finishedAt: p.bigint('number').nullable(),
    outcome: p.string().length(16),
    counts: p.text(),
    error: p.text().nullable(),
    // The run's heartbeat: until when its lease was last renewed (a running run past it was abandoned).
    leaseUntil: p.bigint('number').nullable(),
    // What started it (RunTrigger), its latest progress (JSON, written at most once a second) and its bounded
    // report (RunReport as JSON), for the console.
    trigger: p.string().length(16).nullable(),
    progress: p.text().nullable(),
    report: p.text().nullable(),
  },
  indexes: [
    { name: 'job_run_job_started_at_index', properties: ['job', 'startedAt'] },
    // The console's pages: newest first by outcome, and by job and outcome, each keyset-paged on (start, run id).
    { name: 'job_run_started_at_run_id_index', properties: ['startedAt', 'runId'] },
    { name: 'job_run_outcome_started_at_index', properties: ['outcome', 'startedAt', 'runId'] },
    { name: 'job_run_job_outcome_started_at_index', properties: ['job', 'outcome', 'startedAt', 'runId'] },
  ],
});

/**
 * A schedule's own state beside pg-boss's schedule table (ScheduleBook): its cron kept while paused, its skip-once
 * mark, who changed it and when.
 */
export const JobScheduleEntity = defineEntity({
  name: 'JobSchedule',
  tableName: 'job_schedule',
  properties: {
    job: p.string().length(255).primary(),
    key: p.string().length(255).primary(),
    cron: p.string().length(255),
    timezone: p.string().length(255),
    parameters: p.text(),
    paused: p.boolean(),
    skipAfter: p.bigint('number').nullable(),
    changedBy: p.string().length(255),
    changedAt: p.bigint('number'),
  },
});

/**
 * The inventory ledger: one row per decided event, numbered in the order it was decided (per position, the order of
 * commits: the position's row lock is held when the number is drawn). `payload` is the event's canonical form (what a
 * replay is compared with), `changes` the before and after of everything it changed (JSON); a refused event has its
 * `refusal` reason and `refusal_detail` and no changes, and is kept so that a replay of its id is a duplicate that
 * says how it was refused.
 */
export const InventoryEventEntity = defineEntity({
  name: 'InventoryEvent',
  tableName: 'inventory_event',
  properties: {
    sequence: p.integer().primary().autoincrement(),
    eventId: p.string().length(255).unique('inventory_event_event_id_unique'),
    type: p.string().length(32),
    productId: p.string().length(255),
    facilityId: p.string().length(255).nullable(),
    toFacilityId: p.string().length(255).nullable(),
    payload: p.text(),
    changes: p.text(),
    refusal: p.string().length(64).nullable(),
    refusalDetail: p.text().nullable(),
    recordedAt: p.bigint('number'),
    // A NetSuite reset (`type` reset, written by the import's commit): its file, run and line, and the position's
    // true before and after (`payload` and `changes` are empty: the entry is read back from these columns).
    sourceFile: p.string().length(255).nullable(),
    runId: p.string().length(255).nullable(),
    line: p.integer().nullable(),
    quantityOnHandBeforeScaled: p.bigint('number').nullable(),
    quantityOnHandAfterScaled: p.bigint('number').nullable(),
    availableToPromiseBeforeScaled: p.bigint('number').nullable(),
    availableToPromiseAfterScaled: p.bigint('number').nullable(),
    fileQuantityScaled: p.bigint('number').nullable(),
    created: p.boolean().nullable(),
  },
  indexes: [
    { name: 'inventory_event_product_index', properties: ['productId', 'sequence'] },
    { name: 'inventory_event_facility_index', properties: ['facilityId', 'sequence'] },
    { name: 'inventory_event_source_file_index', properties: ['sourceFile', 'line'] },
  ],
});

/** Every entity of the store. */
export const ENTITIES = [
  FacilityEntity,
  ProductEntity,
  InventoryPositionEntity,
  InventoryVarianceEntity,
  ChangedProductEntity,
  ImportedFileEntity,
  JobLockEntity,
  FacilityGroupEntity,
  FacilityGroupMemberEntity,
  ProductFacilityEntity,
  ProductThresholdEntity,
  BrokeringQueueEntity,
  SalesChannelEntity,
  ShopifyInventoryItemEntity,
  ShopifyLedgerEntity,
  ChangeConsumerEntity,
  LedgerHeadEntity,
  ChangedProductMarkEntity,
  ChangeCursorEntity,
  FeedProgressEntity,
  FeedFailureEntity,
  OutboxFileEntity,
  OutboxChunkEntity,
  JobRunEntity,
  InventoryEventEntity,
  JobScheduleEntity,
];

/** The tables and columns of the entities as kysely's database type: the store's statements are checked against it. */
export type StoreDatabase = InferKyselyDB<(typeof ENTITIES)[number]>;
