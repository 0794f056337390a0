import type { TaskEither } from 'fp-ts/lib/TaskEither.js';
import type { ResetMethod, StockAdjustment, StockAdjustmentColumns, StockLevel } from '../domain/index.ts';
import type { StockTable } from './columnar.ts';
import type { StoreError } from './store-error.ts';

export type { StockTable } from './columnar.ts';
export type { StoreError } from './store-error.ts';

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
  /** Empty for a held-back file. An array, or a table (`StockAdjustmentTable`): read in order, or by index. */
  readonly adjustments: Iterable<StockAdjustment> & {
    readonly length: number;
    readonly at: (index: number) => StockAdjustment | undefined;
    /** A table's fields by index (`StockAdjustmentTable.columns`): read without an object per row. */
    readonly columns?: StockAdjustmentColumns;
  };
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
  readonly facilityIdsByExternalId: () => TaskEither<StoreError, ReadonlyMap<string, string>>;
  /** NetSuite item internal id -> OMS product id. */
  readonly productIdsByExternalId: () => TaskEither<StoreError, ReadonlyMap<string, string>>;
  /** QOH and ATP of every position, as a columnar table (`stockLevelsOf` turns it into objects). */
  readonly stockLevels: () => TaskEither<StoreError, StockTable>;
  /** The record of a file already imported (by name and content), or null. */
  readonly importedFile: (name: string, sha256: string) => TaskEither<StoreError, ImportedFile | null>;
  /** Every file recorded as `applied`, in no particular order (the snapshot order reads export times off names). */
  readonly appliedFiles: () => TaskEither<StoreError, ReadonlyArray<ImportedFile>>;
  /**
   * In one transaction: records the file (name, SHA-256, outcome, counts), moves each adjusted position's QOH and ATP
   * by the adjustment's delta (after - before, as planned) on top of whatever the position holds at commit time (a
   * missing position starts from 0), appends each adjustment to the variance history with the true before and after
   * at commit time (not the planned ones), and marks each adjusted product as changed for the next Shopify delta
   * push. So a reservation, shipment or count committed between the plan's read and this commit is kept. When the
   * file is already recorded, writes nothing and answers 'already-imported'.
   */
  readonly commitImport: (commit: ImportCommit) => TaskEither<StoreError, 'committed' | 'already-imported'>;
}

/** Reading what an import wrote: the history and the products waiting for the next delta push. */
export interface InventoryHistory {
  readonly variances: (sourceFile: string) => TaskEither<StoreError, ReadonlyArray<VarianceRecord>>;
  readonly changedProductIds: () => TaskEither<StoreError, ReadonlyArray<string>>;
}

/** Loading master data and stock: for setting a store up (tests, the demo, a first load). */
export interface InventorySeed {
  /** Saves facilities whole: an existing one gets the given external id and name (none given: no name). */
  readonly saveFacilities: (
    facilities: ReadonlyArray<{ facilityId: string; externalId: string; name?: string }>,
  ) => TaskEither<StoreError, void>;
  readonly saveProducts: (
    products: ReadonlyArray<{ productId: string; externalId: string }>,
  ) => TaskEither<StoreError, void>;
  readonly saveStockLevels: (levels: ReadonlyArray<StockLevel>) => TaskEither<StoreError, void>;
}
