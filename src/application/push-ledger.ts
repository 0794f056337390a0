import type { TaskEither } from 'fp-ts/lib/TaskEither.js';
import type { ItemQuantity } from '../domain/index.ts';
import type { StoreError } from './store-error.ts';

/** What the ledger knows of one (shop, location, inventory item): the quantity Shopify holds, and the run that set or read it. */
export interface LedgerEntry extends ItemQuantity {
  readonly runId: string;
}

/** A ledger entry with when Shopify was known to hold its quantity. */
export interface KnownEntry extends LedgerEntry {
  readonly knownAt: Date;
}

/**
 * A ledger entry as a settlement writes it: `knownAt`, when Shopify was known to hold the quantity, if earlier than
 * the settlement (a line found equal to the basis a feed read then); by default the settlement's time (Shopify took
 * the quantity just before). An entry never replaces one known later, and one known before its settlement that
 * repeats the quantity held leaves the entry held as it is (with its own, older time).
 */
export interface SettledEntry extends LedgerEntry {
  readonly knownAt?: Date;
}

/** One quantity of an `inventorySetQuantities` call. */
export interface SetQuantity {
  readonly productId: string;
  readonly inventoryItemId: string;
  readonly locationId: string;
  readonly quantity: number;
  readonly changeFromQuantity: number | null;
}

/** A batch as it is (or was) sent to Shopify: frozen before sending, so that a retry resends exactly it. */
export interface FrozenBatch {
  /** Index of the feed's first line this batch covers. */
  readonly fromLine: number;
  /** Index after the last line it covers. */
  readonly toLine: number;
  readonly idempotencyKey: string;
  readonly quantities: ReadonlyArray<SetQuantity>;
}

/**
 * What Process uploads' first reading of a feed found, before anything of it was applied: the feed was whole, with
 * these many lines after its header, of which `candidates` may need a call. Stored with the feed's progress, so that
 * a run resuming the feed (an outbox file is never changed) reads its header only instead of the whole file again.
 */
export interface FeedScan {
  readonly lines: number;
  readonly candidates: number;
}

/** How far Process uploads got with a feed file. */
export interface FeedProgress {
  /** Lines before this index are settled (applied, skipped as unchanged, or reported failed). */
  readonly nextLine: number;
  /** A batch frozen but not settled: the process stopped between sending it and recording its outcome. */
  readonly pending: FrozenBatch | null;
  /** The feed's first reading, stored with its first batch; null in progress written before it was stored. */
  readonly scan: FeedScan | null;
}

/** A line whose push failed for good, as the run's report lists it. */
export interface FailedLine {
  readonly feed: string;
  readonly line: number;
  readonly productId: string;
  readonly inventoryItemId: string;
  readonly code: string;
  readonly message: string;
}

/**
 * What settling a batch writes, in one transaction: the ledger, the failures and the feed's new position, and the
 * batch frozen next in its place (`next`), if any: the store never holds more than one pending batch per feed.
 */
export interface BatchSettlement {
  readonly feed: string;
  readonly nextLine: number;
  readonly shop: string;
  readonly confirmed: ReadonlyArray<SettledEntry>;
  readonly failed: ReadonlyArray<FailedLine>;
  readonly at: Date;
  /** The batch about to be sent after this settlement, frozen with it (as `freezeBatch` would, in the same transaction). */
  readonly next?: FrozenBatch;
  /** The feed's first reading, stored with its progress (without it, the stored one is kept). */
  readonly scan?: FeedScan;
}

/** What Shopify holds as far as the OMS knows, and how far Process uploads got with each feed (frozen, settled, failed). */
export interface PushLedger {
  /**
   * The ledger entries of these inventory items at the location (items never pushed or read are left out); with
   * `recordedAfter`, only those known after that instant (`SettledEntry.knownAt`, else when they were settled).
   */
  readonly ledger: (
    shop: string,
    locationId: string,
    inventoryItemIds: ReadonlyArray<string>,
    recordedAfter?: Date,
  ) => TaskEither<StoreError, ReadonlyArray<LedgerEntry>>;
  /** The ledger entries of these items at the location, as `ledger`, each with when Shopify was known to hold it. */
  readonly knownLedger: (
    shop: string,
    locationId: string,
    inventoryItemIds: ReadonlyArray<string>,
  ) => TaskEither<StoreError, ReadonlyArray<KnownEntry>>;
  /** How far Process uploads got with `feed`, or null when it never started it. */
  readonly feedProgress: (feed: string) => TaskEither<StoreError, FeedProgress | null>;
  /**
   * Records the batch about to be sent, so that a rerun resends it unchanged; with `scan`, the feed's first reading
   * too (without it, the stored one is kept).
   */
  readonly freezeBatch: (feed: string, batch: FrozenBatch, scan?: FeedScan) => TaskEither<StoreError, void>;
  /**
   * In one transaction: the ledger entries, the failed lines, the feed's next line, and no batch pending but `next`
   * (frozen in the same transaction, when given).
   */
  readonly settleBatch: (settlement: BatchSettlement) => TaskEither<StoreError, void>;
  /** The failed lines recorded for a feed, in line order. */
  readonly failedLines: (feed: string) => TaskEither<StoreError, ReadonlyArray<FailedLine>>;
}
