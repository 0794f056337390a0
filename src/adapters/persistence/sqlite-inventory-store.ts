import type { SqliteStoreOptions } from './sqlite-dialect.ts';
import { openStore, type SqlStore } from './store.ts';

export type { SqliteStoreOptions } from './sqlite-dialect.ts';

/** An SQLite inventory store (the embedded default) serving the import and the Shopify jobs, with `migrate` and `close`. */
export type SqliteInventoryStore = SqlStore;

/**
 * Opens the store on an SQLite file through Node's built-in `node:sqlite` (without migrating it): one connection,
 * MikroORM's, in WAL mode with a busy timeout so that other processes can share the file.
 */
export const openSqliteInventoryStore = (options: SqliteStoreOptions): Promise<SqliteInventoryStore> =>
  openStore({ sqliteFile: options.file });
