import type { TaskEither } from 'fp-ts/lib/TaskEither.js';
import type { ResetMethod, StockAdjustment, StockLevel } from '../domain/index.ts';
import type { StockTable } from './columnar.ts';

export type { StockTable } from './columnar.ts';

/** What can go wrong with the inventory store. `retriable` says whether the same call may succeed later. */
export type InventoryStoreError =
  | {
      readonly _tag: 'InventoryStoreUnavailable';
      readonly reason: string;
      readonly retriable: true;
      readonly cause?: unknown;
    }
  | {
      readonly _tag: 'InventoryStoreFailed';
      readonly operation: string;
      readonly reason: string;
      readonly retriable: boolean;
      readonly cause?: unknown;
    };

/** What became of an imported file: its rows applied, or the whole file held back. */
export type ImportOutcome = 'applied' | 'held-back';

/** A file the store has recorded, identified by its name and the SHA-256 of its bytes. */
export interface ImportedFile {
  readonly name: string;
  readonly sha256: string;
  readonly outcome: ImportOutcome;
  readonly runId: string;
  readonly importedAt: Date;
}

/** Row counts of one imported file. */
export interface ImportCounts {
  readonly rowsRead: number;
  readonly adjusted: number;
  readonly unchanged: number;
  readonly rejected: number;
}

/** Everything one file's import writes, committed in one transaction or not at all. */
export interface ImportCommit {
  readonly runId: string;
  readonly file: { readonly name: string; readonly sha256: string; readonly bytes: number };
  readonly outcome: ImportOutcome;
  readonly method: ResetMethod;
  /** Empty for a held-back file. */
  readonly adjustments: ReadonlyArray<StockAdjustment>;
  readonly counts: ImportCounts;
  readonly at: Date;
}

/** One variance as history keeps it. */
export interface VarianceRecord extends StockAdjustment {
  readonly sourceFile: string;
  readonly runId: string;
  readonly recordedAt: Date;
}

/** The OMS inventory as the NetSuite import needs it. */
export interface InventoryStore {
  /** NetSuite location internal id -> OMS facility id. */
  readonly facilityIdsByExternalId: () => TaskEither<InventoryStoreError, ReadonlyMap<string, string>>;
  /** NetSuite item internal id -> OMS product id. */
  readonly productIdsByExternalId: () => TaskEither<InventoryStoreError, ReadonlyMap<string, string>>;
  /** QOH and ATP of every position, as a columnar table (`stockLevelsOf` turns it into objects). */
  readonly stockLevels: () => TaskEither<InventoryStoreError, StockTable>;
  /** The record of a file already imported (by name and content), or null. */
  readonly importedFile: (name: string, sha256: string) => TaskEither<InventoryStoreError, ImportedFile | null>;
  /**
   * In one transaction: records the file (name, SHA-256, outcome, counts), sets each adjusted position's QOH and ATP,
   * appends each adjustment to the variance history and marks each adjusted product as changed for the next Shopify
   * delta push. When the file is already recorded, writes nothing and answers 'already-imported'.
   */
  readonly commitImport: (commit: ImportCommit) => TaskEither<InventoryStoreError, 'committed' | 'already-imported'>;
  /** Takes or renews the lease of a job for `owner` until `until`; false while another owner's lease runs. */
  readonly acquireJobLock: (
    job: string,
    owner: string,
    until: Date,
    now: Date,
  ) => TaskEither<InventoryStoreError, boolean>;
  /** Gives the lease up (a no-op when `owner` does not hold it). */
  readonly releaseJobLock: (job: string, owner: string) => TaskEither<InventoryStoreError, void>;
}

/** Reading what an import wrote: the history and the products waiting for the next delta push. */
export interface InventoryHistory {
  readonly variances: (sourceFile: string) => TaskEither<InventoryStoreError, ReadonlyArray<VarianceRecord>>;
  readonly changedProductIds: () => TaskEither<InventoryStoreError, ReadonlyArray<string>>;
}

/** Loading master data and stock: for setting a store up (tests, the demo, a first load). */
export interface InventorySeed {
  readonly saveFacilities: (
    facilities: ReadonlyArray<{ facilityId: string; externalId: string }>,
  ) => TaskEither<InventoryStoreError, void>;
  readonly saveProducts: (
    products: ReadonlyArray<{ productId: string; externalId: string }>,
  ) => TaskEither<InventoryStoreError, void>;
  readonly saveStockLevels: (levels: ReadonlyArray<StockLevel>) => TaskEither<InventoryStoreError, void>;
}
