// The three hand-written migrations of the first releases, kept verbatim as the record of the databases they made:
// the schema test builds such a database and checks that the store opens and migrates it without drift. The store
// itself no longer writes DDL (src/adapters/persistence/migrations.ts generates it from the entities).
import { Migration } from '@mikro-orm/migrations';
import { type AbstractSqlDriver, MikroORM, type SqlEntityManager } from '@mikro-orm/sql';
import { dialectOf, ormOptions, type StoreLocation } from '../../src/adapters/persistence/orm.ts';

// Portable DDL: these types mean the same in PostgreSQL and SQLite, so one migration serves both.
const STATEMENTS = [
  `create table "facility" ("facility_id" varchar(255) not null, "external_id" varchar(255) not null, primary key ("facility_id"))`,
  `create unique index "facility_external_id_unique" on "facility" ("external_id")`,
  `create table "product" ("product_id" varchar(255) not null, "external_id" varchar(255) not null, primary key ("product_id"))`,
  `create unique index "product_external_id_unique" on "product" ("external_id")`,
  `create table "inventory_position" ("product_id" varchar(255) not null, "facility_id" varchar(255) not null, "quantity_on_hand_scaled" bigint not null, "available_to_promise_scaled" bigint not null, "updated_at" bigint not null, primary key ("product_id", "facility_id"))`,
  `create table "inventory_variance" ("source_file" varchar(255) not null, "run_id" varchar(255) not null, "product_id" varchar(255) not null, "facility_id" varchar(255) not null, "quantity_on_hand_before_scaled" bigint not null, "quantity_on_hand_after_scaled" bigint not null, "available_to_promise_before_scaled" bigint not null, "available_to_promise_after_scaled" bigint not null, "file_quantity_scaled" bigint not null, "created" boolean not null, "line" int null, "recorded_at" bigint not null, primary key ("source_file", "run_id", "product_id", "facility_id"))`,
  `create table "changed_product" ("product_id" varchar(255) not null, "changed_at" bigint not null, primary key ("product_id"))`,
  `create table "imported_file" ("name" varchar(255) not null, "sha256" varchar(64) not null, "bytes" bigint not null, "outcome" varchar(16) not null, "method" varchar(16) not null, "run_id" varchar(255) not null, "rows_read" int not null, "adjusted" int not null, "unchanged" int not null, "rejected" int not null, "imported_at" bigint not null, primary key ("name", "sha256"))`,
  `create table "job_lock" ("job" varchar(255) not null, "owner" varchar(255) not null, "expires_at" bigint not null, primary key ("job"))`,
];

/** The first schema of the inventory store. */
export class InitialInventorySchema extends Migration {
  override name = 'Migration20261122000000_InitialInventorySchema';

  override up(): void {
    for (const sql of STATEMENTS) this.addSql(sql);
  }

  override down(): void {
    for (const table of [
      'job_lock',
      'imported_file',
      'changed_product',
      'inventory_variance',
      'inventory_position',
      'product',
      'facility',
    ]) {
      this.addSql(`drop table if exists "${table}"`);
    }
  }
}

// The Shopify side: channel facility groups, the online ATP terms the import does not carry (safety stock, threshold,
// brokering queue), product -> inventory item mappings per shop, versioned product changes per consumer, the ledger of
// what Shopify holds, and the progress of each feed file. Portable DDL again.
const CHANNEL_STATEMENTS = [
  `create table "facility_group" ("facility_group_id" varchar(255) not null, "facility_group_type_id" varchar(255) not null, primary key ("facility_group_id"))`,
  `create table "facility_group_member" ("facility_group_id" varchar(255) not null, "facility_id" varchar(255) not null, primary key ("facility_group_id", "facility_id"))`,
  `create table "product_facility" ("product_id" varchar(255) not null, "facility_id" varchar(255) not null, "safety_stock_scaled" bigint not null, primary key ("product_id", "facility_id"))`,
  `create table "product_threshold" ("product_id" varchar(255) not null, "threshold_scaled" bigint not null, primary key ("product_id"))`,
  `create table "brokering_queue" ("product_id" varchar(255) not null, "quantity_scaled" bigint not null, primary key ("product_id"))`,
  `alter table "product" add column "sku" varchar(255) null`,
  `create index "product_sku_index" on "product" ("sku")`,
  `create table "sales_channel" ("facility_group_id" varchar(255) not null, "shop" varchar(255) not null, "location_id" varchar(255) not null, primary key ("facility_group_id"))`,
  `create table "shopify_inventory_item" ("shop" varchar(255) not null, "product_id" varchar(255) not null, "sku" varchar(255) not null, "status" varchar(16) not null, "inventory_item_id" varchar(255) null, "candidates" text null, primary key ("shop", "product_id"))`,
  `create table "shopify_ledger" ("shop" varchar(255) not null, "location_id" varchar(255) not null, "inventory_item_id" varchar(255) not null, "quantity" bigint not null, "run_id" varchar(255) not null, "recorded_at" bigint not null, primary key ("shop", "location_id", "inventory_item_id"))`,
  `alter table "changed_product" add column "version" bigint not null default 1`,
  `create table "change_consumer" ("consumer" varchar(255) not null, "product_id" varchar(255) not null, "version" bigint not null, primary key ("consumer", "product_id"))`,
  `create table "feed_progress" ("feed" varchar(255) not null, "next_line" int not null, "pending" text null, "updated_at" bigint not null, primary key ("feed"))`,
  `create table "feed_failure" ("feed" varchar(255) not null, "line" int not null, "product_id" varchar(255) not null, "inventory_item_id" varchar(255) not null, "code" varchar(255) not null, "message" text not null, "recorded_at" bigint not null, primary key ("feed", "line"))`,
];

/** The channel schema: what the Shopify jobs read and write. */
export class ChannelSchema extends Migration {
  override name = 'Migration20261201000000_ChannelSchema';

  override up(): void {
    for (const sql of CHANNEL_STATEMENTS) this.addSql(sql);
  }

  override down(): void {
    const tables = [
      'feed_failure',
      'feed_progress',
      'change_consumer',
      'shopify_ledger',
      'shopify_inventory_item',
      'sales_channel',
      'brokering_queue',
      'product_threshold',
      'product_facility',
      'facility_group_member',
      'facility_group',
    ];
    for (const table of tables) this.addSql(`drop table if exists "${table}"`);
    this.addSql('drop index if exists "product_sku_index"');
    this.addSql('alter table "product" drop column "sku"');
    this.addSql('alter table "changed_product" drop column "version"');
  }
}

const RUN_LOG_STATEMENTS = [
  `create table "job_run" ("run_id" varchar(255) not null, "job" varchar(255) not null, "parameters" text not null, "worker" varchar(255) not null, "started_at" bigint not null, "finished_at" bigint null, "outcome" varchar(16) not null, "counts" text not null, "error" text null, primary key ("run_id"))`,
  `create index "job_run_started_at_index" on "job_run" ("started_at")`,
  `create index "job_run_job_started_at_index" on "job_run" ("job", "started_at")`,
];

/** The run log: every run of every job, started and finished. */
export class RunLogSchema extends Migration {
  override name = 'Migration20261215000000_RunLogSchema';

  override up(): void {
    for (const sql of RUN_LOG_STATEMENTS) this.addSql(sql);
  }

  override down(): void {
    this.addSql('drop table if exists "job_run"');
  }
}

/** Every legacy migration, oldest first. */
export const LEGACY_MIGRATIONS = [
  { name: 'Migration20261122000000_InitialInventorySchema', class: InitialInventorySchema },
  { name: 'Migration20261201000000_ChannelSchema', class: ChannelSchema },
  { name: 'Migration20261215000000_RunLogSchema', class: RunLogSchema },
];

/**
 * Migrates the database at `location` as a release before the generated schema did: the first `count` legacy
 * migrations (all three by default), recorded in the store's migrations table.
 */
export const migrateLegacy = async (location: StoreLocation, count = LEGACY_MIGRATIONS.length): Promise<void> => {
  const orm = await MikroORM.init<AbstractSqlDriver, SqlEntityManager>(
    ormOptions(dialectOf(location), LEGACY_MIGRATIONS.slice(0, count)),
  );
  try {
    await orm.migrator.up();
  } finally {
    await orm.close();
  }
};
