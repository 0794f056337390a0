import { Migration } from '@mikro-orm/migrations';

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
    for (const table of ['job_lock', 'imported_file', 'changed_product', 'inventory_variance', 'inventory_position', 'product', 'facility']) {
      this.addSql(`drop table if exists "${table}"`);
    }
  }
}

/** Every migration, oldest first. */
export const MIGRATIONS = [{ name: 'Migration20261122000000_InitialInventorySchema', class: InitialInventorySchema }];
