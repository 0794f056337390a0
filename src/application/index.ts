/**
 * `oms-inventory-sync/application`: the use cases and the ports they ask for, for runners of one's own. Each use
 * case is a `ReaderTaskEither<Deps, Error, Report>`: hand it the adapters (from `oms-inventory-sync/adapters`, or
 * your own implementations of the ports) and run the task; it never throws and never imports an adapter.
 * `examples/custom-runner.ts` wires them by hand, from import to Shopify.
 */

// Use cases, their configuration, reports and errors.
export {
  ARCHIVE_FOLDER,
  defaultImportConfig,
  ERROR_FOLDER,
  importInventory,
  isImportableName,
  RESET_INVENTORY,
  type FileOutcome,
  type FileReport,
  type ImportConfig,
  type ImportDeps,
  type ImportError,
  type ImportReport,
  type RejectedRow,
} from './import-inventory.ts';
export {
  defaultImportEventsConfig,
  eventErrorReportName,
  eventFeedFormat,
  IMPORT_EVENTS,
  importEvents,
  type EventCounts,
  type EventFeedFormat,
  type EventFileOutcome,
  type EventFileReport,
  type ImportEventsConfig,
  type ImportEventsDeps,
  type ImportEventsError,
  type ImportEventsReport,
} from './import-events.ts';
export {
  csvHeader,
  csvLineInput,
  EVENT_FIELDS,
  jsonLineInput,
  REQUIRED_CSV_COLUMNS,
  type CsvHeader,
  type EventField,
} from './event-lines.ts';
export { mapProducts, type MapProductsConfig, type MapProductsDeps, type MapProductsReport } from './map-products.ts';
export {
  hardSync,
  type HardSyncConfig,
  type HardSyncDeps,
  type HardSyncError,
  type HardSyncReport,
} from './hard-sync.ts';
export {
  pushRecentChanges,
  type PushChangesConfig,
  type PushChangesDeps,
  type PushChangesError,
  type PushChangesReport,
} from './push-recent-changes.ts';
export {
  defaultProcessUploadsConfig,
  FEED_ARCHIVE_FOLDER,
  FEED_ERROR_FOLDER,
  isFeedName,
  processUploads,
  referenceDocumentUri,
  type FeedReport,
  type ProcessUploadsConfig,
  type ProcessUploadsDeps,
  type ProcessUploadsError,
  type ProcessUploadsReport,
} from './process-uploads.ts';
export {
  verifyInventory,
  type Drift,
  type VerifyConfig,
  type VerifyDeps,
  type VerifyReport,
} from './verify-inventory.ts';
export type { ChannelError, SharedInventoryItem, Target } from './channel-sync.ts';

// Ports.
export type { Clock } from './clock.ts';
export type { Progress, ProgressEvent } from './progress.ts';
export type { FileContent, FileStore, FileStoreError, LocalCopy, StoredFile } from './file-store.ts';
export type { LineCursor, LineReader, TextLine } from './line-reader.ts';
export { REJECTED_ROWS_SAMPLE, type RowSpool, type RowSpools } from './rejected-rows.ts';
export {
  DEFAULT_EXPORT_COLUMNS,
  DEFAULT_MAX_LINE_BYTES,
  type ExportColumns,
  type ExportFileError,
  type ExportReadOptions,
  type ExportRow,
  type InventoryExportReader,
  type ParsedExport,
  type RowProblem,
} from './inventory-export.ts';
export type {
  ImportCommit,
  ImportCounts,
  ImportedFile,
  ImportOutcome,
  InventoryHistory,
  InventorySeed,
  InventoryStore,
  VarianceRecord,
} from './inventory-store.ts';
export type { StoreError } from './store-error.ts';
export type { Catalogue, MappedProductInventory, SalesChannel } from './catalogue.ts';
export type { ChangeLog, ProductChange } from './change-log.ts';
export type {
  BatchSettlement,
  FailedLine,
  FeedProgress,
  FeedScan,
  FrozenBatch,
  KnownEntry,
  LedgerEntry,
  SettledEntry,
  PushLedger,
  SetQuantity,
} from './push-ledger.ts';
export type { InventoryItemMapping, ProductMappingStore, ProductSku } from './product-mapping.ts';
export type { ChannelSeed } from './channel-seed.ts';
export type {
  InventoryLedger,
  InventoryLedgerEntry,
  InventoryLedgerFilter,
  LedgerOrder,
} from './inventory-ledger.ts';
export {
  recordInventoryEvents,
  type EventFieldError,
  type RecordedEventOutcome,
  type RecordEventsReport,
} from './record-inventory-events.ts';
export {
  auditLedger,
  formatAuditLedgerReport,
  formatDisagreement,
  type AuditLedgerConfig,
  type AuditLedgerDeps,
  type AuditLedgerReport,
} from './audit-ledger.ts';
export { recentLedgerEntries } from './recent-ledger-entries.ts';
export type { InventoryLookup, ProductInventoryRecord } from './inventory-lookup.ts';
export {
  prefixSuccessor,
  type FacilityRecord,
  type MasterData,
  type ProductMatch,
  type ProductRecord,
  type ProductSearchCursor,
} from './master-data.ts';
export type { ShopifyLocation, ShopifyShop } from './shopify-shop.ts';
export type { InventoryTerms, StockTermCursor, StockTermKind } from './inventory-terms.ts';
export {
  leaseLostReason,
  DEFAULT_LEASE_MS,
  withLease,
  type JobLease,
  type Leased,
  type LeaseLost,
  type LeaseOptions,
} from './job-lease.ts';
export { stopsWhenAborted, type Store } from './store.ts';
export type {
  SetAvailableRequest,
  SetOutcome,
  SetResult,
  ShopifyError,
  ShopifyInventory,
} from './shopify-inventory.ts';
export {
  dayOfEpochDay,
  JOB_NAMES,
  type JobName,
  type JobRun,
  type RunDayCount,
  type RunDayFilter,
  type RunEnd,
  type RunFilter,
  type RunLog,
  type RunOutcome,
  type RunCursor,
  type RunProgress,
  type RunReport,
  type RunReportFile,
  type RunTrigger,
  REPORT_SAMPLE,
  REPORT_TEXT_MAX,
} from './run-log.ts';
export type { ScheduleBook, StoredSchedule } from './schedule-book.ts';

// Feed files (what Hard Sync and the delta push write, and Process uploads applies).
export {
  decodeFeed,
  decodeFeedHeader,
  decodeFeedLine,
  encodeFeed,
  FEED_MAX_LINE_BYTES,
  feedFileName,
  feedLineCursor,
  feedPieces,
  isFeedCandidate,
  scanFeed,
  writeFeed,
  type Feed,
  type FeedFileInvalid,
  type FeedHeader,
  type FeedJob,
  type FeedLineCursor,
  type FeedReader,
  type FeedSummary,
} from './feed-file.ts';

// The columnar tables the store and reader ports exchange, for implementing them.
export {
  exportRowsBuilder,
  exportRowsToArray,
  stockLevelsOf,
  stockTableBuilder,
  stockTableOf,
  type ExportRowObject,
  type ExportRows,
  type StockLevelObject,
  type StockTable,
} from './columnar.ts';
