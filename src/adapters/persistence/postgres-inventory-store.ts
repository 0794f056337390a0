import type { PostgresStoreOptions } from './postgres-dialect.ts';
import { openStore, type SqlStore } from './store.ts';

export type { PostgresStoreOptions } from './postgres-dialect.ts';

/** A PostgreSQL inventory store serving the import and the Shopify jobs, with `migrate` and `close`. */
export type PostgresInventoryStore = SqlStore;

/**
 * Opens the store on PostgreSQL (without migrating it): one pg pool, which MikroORM, every statement and the COPY
 * streams of the bulk paths (stock levels out; the import's adjustments, products and stock into staging tables) share.
 */
export const openPostgresInventoryStore = (options: PostgresStoreOptions): Promise<PostgresInventoryStore> =>
  openStore({
    postgresUrl: options.url,
    ...(options.maxConnections === undefined ? {} : { maxConnections: options.maxConnections }),
    ...(options.createDatabase === undefined ? {} : { createDatabase: options.createDatabase }),
  });
