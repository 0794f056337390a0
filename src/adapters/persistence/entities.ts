import { defineEntity, p } from '@mikro-orm/core';

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
  },
});

/** A product and the NetSuite item internal id it is known by. */
export const ProductEntity = defineEntity({
  name: 'Product',
  tableName: 'product',
  properties: {
    productId: p.string().length(255).primary(),
    externalId: p.string().length(255).unique('product_external_id_unique'),
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

/** Products whose stock changed since the last Shopify delta push. */
export const ChangedProductEntity = defineEntity({
  name: 'ChangedProduct',
  tableName: 'changed_product',
  properties: {
    productId: p.string().length(255).primary(),
    changedAt: p.bigint('number'),
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

/** Every entity of the store. */
export const ENTITIES = [
  FacilityEntity,
  ProductEntity,
  InventoryPositionEntity,
  InventoryVarianceEntity,
  ChangedProductEntity,
  ImportedFileEntity,
  JobLockEntity,
];
