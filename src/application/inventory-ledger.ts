import type { TaskEither } from 'fp-ts/lib/TaskEither.js';
import type { EventOutcome, InventoryEvent, LedgerChange } from '../domain/index.ts';
import type { StoreError } from './store-error.ts';

/** One applied event of the ledger: its sequence number (growing in commit order per position), and what it changed. */
export interface InventoryLedgerEntry {
  readonly sequence: number;
  readonly event: InventoryEvent;
  readonly changes: ReadonlyArray<LedgerChange>;
  readonly recordedAt: Date;
}

/** Which entries `ledgerEntries` lists: those of one product, or one facility (a transfer's either end), or both. */
export interface InventoryLedgerFilter {
  readonly productId?: string;
  readonly facilityId?: string;
}

/** Which end of the ledger `ledgerEntries` reads from: the oldest entries (the default) or the newest. */
export type LedgerOrder = 'oldest-first' | 'newest-first';

/**
 * The inventory ledger: every change to the OMS's stock as an event, applied with the domain's fold
 * (`applyInventoryEvents`) to the positions it touches, locked, inside the store.
 */
export interface InventoryLedger {
  /**
   * Records events in one transaction: each is applied, refused (nothing of it applied; its id is kept, so a replay
   * is a duplicate), a duplicate (changes nothing) or a conflict, in the order given; the products they change are marked changed. A Left means
   * nothing of the call was applied.
   */
  readonly recordEvents: (events: ReadonlyArray<InventoryEvent>) => TaskEither<StoreError, ReadonlyArray<EventOutcome>>;
  /**
   * Applied events (never refused ones) with a sequence number above `after` (all when null), at most `limit`: the
   * first ones in sequence order, or with `'newest-first'` the last ones in descending sequence order (read backwards
   * along an index, so the newest few of a long history cost as little as the oldest few).
   */
  readonly ledgerEntries: (
    after: number | null,
    limit: number,
    filter?: InventoryLedgerFilter,
    order?: LedgerOrder,
  ) => TaskEither<StoreError, ReadonlyArray<InventoryLedgerEntry>>;
}
