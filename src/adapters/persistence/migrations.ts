import type { MigrationObject } from '@mikro-orm/core';
import { Migration } from '@mikro-orm/migrations';
import type { SqlSchemaGenerator } from '@mikro-orm/sql';

// The entities (`entities.ts`) are the one schema source: no DDL is written by hand. A migration step brings the
// database to the entities' schema with the statements MikroORM's schema generator derives from them, for whichever
// database it runs on, and the migrator records that the step ran (in `oms_inventory_sync_migrations`).
//
// A database made by the three migrations of the first releases (InitialInventorySchema, ChannelSchema, RunLogSchema:
// hand-written DDL identical to the entities, which the schema test checks) keeps their record and runs the step as
// a no-op; a fresh database gets exactly the entities' schema from it.
//
// A later change to the entities adds a step. The generator creates tables, columns and indexes and drops nothing
// (`safe`), so a step that renames or moves data must do so itself, before the sync, and must allow for a fresh
// database, on which the first step already produced the latest schema.

/** The table where the migrator records the steps that ran. */
export const MIGRATIONS_TABLE = 'oms_inventory_sync_migrations';

/** The names of the migration steps, oldest first. */
export const MIGRATION_NAMES = [
  'Migration20261216000000_EntitySchema',
  // The inventory ledger's table (`inventory_event`), for a database the first step made before it existed.
  'Migration20261217000000_InventoryLedger',
  // The ledger's numbering (`ledger_head`), the delta push's cursor (`change_cursor`, `changed_product.sequence`) and
  // the NetSuite resets as ledger rows (the reset columns of `inventory_event`).
  'Migration20261218000000_LedgerCursor',
  // The run log's heartbeat (`job_run.lease_until`): a run whose lease lapsed without an end shows as abandoned.
  'Migration20261219000000_RunHeartbeat',
  // A refused event's detail (`inventory_event.refusal_detail`), so a replay can say how it was refused.
  'Migration20261220000000_RefusalDetail',
  // The facility's name (`facility.name`), set by the `facility` commands.
  'Migration20261221000000_FacilityName',
  // `changed_product` without its index on `sequence`, so that marking a product changed (every ledger write marks
  // each product it changed) updates the row in place (a HOT update: no index entry) instead of indexing a new one.
  'Migration20261227000000_ChangedProductInPlace',
  // The feeds' outbox in the store (`outbox_file`, `outbox_chunk`): any worker applies any feed.
  'Migration20261228000000_OutboxInStore',
  // The console's run log columns (`job_run.trigger`, `progress`, `report`), its keyset indexes, and the schedules'
  // own state (`job_schedule`).
  'Migration20261231000000_ConsoleJobControl',
  // PostgreSQL: `inventory_position` keeps a tenth of each page free (fillfactor 90), so that a position's update
  // (every event, every import's delta) writes its new version on the same page (a HOT update: no new primary key
  // entry, no write to the index's pages). Pages written from then on keep the room; a store's older pages get it as
  // their rows are updated and vacuumed.
  'Migration20270101000000_PositionsUpdatedInPlace',
  // The ledger's writes no longer mark the products they change: `changed_product_mark` says how far the ledger's
  // rows are folded into `changed_product`, from the head on (every row before it was marked as it was written).
  'Migration20270103000000_ChangedProductMark',
  // What Process uploads' first reading of a feed found (`feed_progress.scan_lines`, `scan_candidates`), so that a
  // resumed run reads the feed's header only instead of the whole file again.
  'Migration20270104000000_FeedScan',
  // PostgreSQL: `shopify_ledger` keeps half of each page free (fillfactor 50): a Hard Sync settles up to every item of
  // a location again, each update then written beside the row it replaces (HOT: no new primary key entry), 40,000
  // entries in 0.29-0.32 s instead of 0.45-0.66 s.
  'Migration20270105000000_ShopifyLedgerRoom',
] as const;

// Indexes a later step dropped: the generator drops nothing, so the step does (a fresh database never had them).
const DROPPED_INDEXES: Partial<Record<(typeof MIGRATION_NAMES)[number], ReadonlyArray<string>>> = {
  Migration20261227000000_ChangedProductInPlace: ['changed_product_sequence_index'],
};

// Storage settings of PostgreSQL a step sets (the entities cannot say them; SQLite has none).
const POSTGRES_STORAGE: Partial<Record<(typeof MIGRATION_NAMES)[number], ReadonlyArray<string>>> = {
  Migration20270101000000_PositionsUpdatedInPlace: ['alter table "inventory_position" set (fillfactor = 90)'],
  Migration20270105000000_ShopifyLedgerRoom: ['alter table "shopify_ledger" set (fillfactor = 50)'],
};

// Rows a step writes after the schema is synced (a fresh database runs every step too, in order).
const AFTER_SCHEMA: Partial<Record<(typeof MIGRATION_NAMES)[number], ReadonlyArray<string>>> = {
  Migration20270103000000_ChangedProductMark: [
    `insert into "changed_product_mark" ("id", "sequence")
      select 1, (select coalesce(max("n"), 0) from (select "sequence" as "n" from "ledger_head"
        union all select max("sequence") from "inventory_event") as "numbers")
      where not exists (select 1 from "changed_product_mark")`,
  ],
};

/**
 * The migration steps for MikroORM's migrator. `statements` hands over the statements that bring the database to the
 * entities' schema (`entitySchemaStatements`, generated before the migrator's transaction opens), once: the first
 * pending step applies them, a later one in the same run finds none left. `postgres`: the database is PostgreSQL
 * (a step's storage settings apply).
 */
export const migrationSteps = (statements: () => ReadonlyArray<string>, postgres = false): MigrationObject[] => {
  const step = (name: (typeof MIGRATION_NAMES)[number]) =>
    class EntitySchema extends Migration {
      override up(): void {
        for (const statement of statements()) this.addSql(statement);
        for (const index of DROPPED_INDEXES[name] ?? []) this.addSql(`drop index if exists "${index}"`);
        if (postgres) for (const statement of POSTGRES_STORAGE[name] ?? []) this.addSql(statement);
        for (const statement of AFTER_SCHEMA[name] ?? []) this.addSql(statement);
      }
    };
  return MIGRATION_NAMES.map((name) => ({ name, class: step(name) }));
};

/**
 * The statements that make the database match the entities (created, never dropped), as MikroORM's schema generator
 * derives them from the database as it is. Read outside any transaction: MikroORM's SQLite introspection asks for
 * the one connection outside the transaction it is given (for triggers), which would wait on that transaction forever.
 */
export const entitySchemaStatements = async (generator: SqlSchemaGenerator): Promise<string[]> => {
  const { up } = await generator.getUpdateSchemaMigrationSQL({ safe: true, dropTables: false, wrap: false });
  return up
    .split(/;\n/)
    .map((statement) => statement.trim())
    .filter((statement) => statement !== '');
};
