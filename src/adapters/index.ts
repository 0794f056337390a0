/**
 * `oms-inventory-sync/adapters`: the implementations of the application's ports, for runners of one's own. Each takes
 * its options (and, where it wraps a third-party client, an optional client of your own) and returns the port.
 * `examples/custom-runner.ts` wires them to the use cases of `oms-inventory-sync/application` by hand.
 */

// File stores (the NetSuite inbox, the feed outbox) and reading feed files.
export { localFileStore, type LocalFileStoreOptions } from './local-files/local-file-store.ts';
export { localFeedReader } from './local-files/feed-reader.ts';
export { lineCursorOf, localLineReader } from './local-files/line-reader.ts';
export { localRowSpools, type LocalRowSpoolsOptions } from './local-files/row-spool.ts';
export {
  hostKeyFingerprint,
  sftpFileStore,
  type SftpClient,
  type SftpConnectConfig,
  type SftpCredentials,
  type SftpFileStore,
  type SftpFileStoreOptions,
  type SftpListEntry,
} from './sftp/sftp-file-store.ts';

// The NetSuite export reader (CSV).
export {
  netsuiteExportReader,
  parseQuantity,
  type NetsuiteExportReaderSettings,
} from './csv/netsuite-export-reader.ts';

// Inventory stores: PostgreSQL (production), SQLite (the embedded default), in memory (tests). `openStore` opens
// either by location; the two `open…InventoryStore` functions are the same store with their own options.
export { openStore, type SqlStore } from './persistence/store.ts';
export { storeFileStore, type StoreFileStoreOptions } from './persistence/store-file-store.ts';
export type { StoreLocation } from './persistence/orm.ts';
export {
  openPostgresInventoryStore,
  type PostgresInventoryStore,
  type PostgresStoreOptions,
} from './persistence/postgres-inventory-store.ts';
export {
  openSqliteInventoryStore,
  type SqliteInventoryStore,
  type SqliteStoreOptions,
} from './persistence/sqlite-inventory-store.ts';
export { memoryInventoryStore, type MemoryInventoryStore } from './memory/memory-inventory-store.ts';

// Shopify's Admin GraphQL API.
export {
  SHOPIFY_API_VERSION,
  SHOPIFY_DEFAULT_TIMEOUT_MS,
  SHOPIFY_MAX_QUANTITIES_PER_CALL,
  shopifyInventory,
  type AdminClientResponse,
  type AdminGraphqlClient,
  type FetchApi,
  type ShopifyGraphqlError,
  type ShopifyInventoryAdapter,
  type ShopifyInventoryOptions,
} from './shopify/shopify-inventory.ts';
