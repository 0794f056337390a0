import { Migration } from '@mikro-orm/migrations';
import { DatabaseSchema, type SqlSchemaGenerator } from '@mikro-orm/sql';

// The entities (`entities.ts`) are the one schema source: no DDL is written by hand. A migration step brings the
// database to the entities' schema with the statements MikroORM's schema generator derives from them, for whichever
// database it runs on, and the migrator records that the step ran (in `oms_inventory_sync_migrations`).
//
// A database made by the three migrations of the first releases (InitialInventorySchema, ChannelSchema, RunLogSchema,
// hand-written DDL identical to the entities, which the schema test checks) keeps their record and runs the step as
// a no-op; a fresh database gets exactly the entities' schema from it.
//
// A later change to the entities adds a step to `MIGRATIONS`. The generator creates tables, columns and indexes and
// drops nothing (`safe`), so a step that renames or moves data must do so itself, before the sync, and must allow
// for a fresh database, on which the earlier steps already produced the latest schema.

/** The table where the migrator records the steps that ran. */
export const MIGRATIONS_TABLE = 'oms_inventory_sync_migrations';

/** One migration step: the statements that make the database match the entities, generated as it runs. */
export class EntitySchema extends Migration {
  override async up(): Promise<void> {
    const generator = this.config.getExtension<SqlSchemaGenerator>('@mikro-orm/schema-generator');
    if (generator === undefined) throw new Error('MikroORM has no schema generator');
    const target = generator.getTargetSchema();
    // Read inside the migration's transaction: an earlier step's tables count, and SQLite's one connection (held by
    // the transaction) is not asked for twice.
    const { skipTables, skipViews } = this.config.get('schemaGenerator');
    const current = await DatabaseSchema.create(
      this.driver.getConnection(),
      this.driver.getPlatform(),
      this.config,
      undefined,
      [...target.getNamespaces()],
      undefined,
      skipTables,
      skipViews,
      this.ctx,
    );
    const { up } = await generator.getUpdateSchemaMigrationSQL({
      fromSchema: current,
      safe: true,
      dropTables: false,
      wrap: false,
    });
    for (const statement of up.split(/;\n/)) if (statement.trim() !== '') this.addSql(statement.trim());
  }
}

/** Every migration step, oldest first. */
export const MIGRATIONS = [{ name: 'Migration20261216000000_EntitySchema', class: EntitySchema }];
