import * as TE from 'fp-ts/lib/TaskEither.js';
import type { ReaderTaskEither } from 'fp-ts/lib/ReaderTaskEither.js';
import { pipe } from 'fp-ts/lib/function.js';
import type { InventoryLedger, InventoryLedgerEntry, InventoryLedgerFilter } from './inventory-ledger.ts';
import type { StoreError } from './store-error.ts';

/**
 * The last `count` ledger entries that `filter` selects, oldest first: one newest-first read of at most `count`
 * entries, so the cost is that of `count` entries however long the history is.
 */
export const recentLedgerEntries =
  (
    filter: InventoryLedgerFilter,
    count: number,
  ): ReaderTaskEither<Pick<InventoryLedger, 'ledgerEntries'>, StoreError, ReadonlyArray<InventoryLedgerEntry>> =>
  (deps) => {
    const keep = Math.max(0, Math.floor(count));
    return keep === 0
      ? TE.right([])
      : pipe(
          deps.ledgerEntries(null, keep, filter, 'newest-first'),
          TE.map((newest) => newest.toReversed()),
        );
  };
