import * as TE from 'fp-ts/lib/TaskEither.js';
import type { ReaderTaskEither } from 'fp-ts/lib/ReaderTaskEither.js';
import { pipe } from 'fp-ts/lib/function.js';
import type { InventoryLedger, InventoryLedgerEntry, InventoryLedgerFilter } from './inventory-ledger.ts';
import type { StoreError } from './store-error.ts';

/**
 * The last `count` ledger entries that `filter` selects, oldest first: the ledger is read forward a page of
 * `pageSize` at a time and only the last `count` are kept, so memory stays bounded however long the history is
 * (the time grows with it).
 */
export const recentLedgerEntries =
  (
    filter: InventoryLedgerFilter,
    count: number,
    pageSize = 10_000,
  ): ReaderTaskEither<Pick<InventoryLedger, 'ledgerEntries'>, StoreError, ReadonlyArray<InventoryLedgerEntry>> =>
  (deps) => {
    const keep = Math.max(0, Math.floor(count));
    const size = Math.max(1, Math.floor(pageSize));
    let kept: InventoryLedgerEntry[] = [];
    const from = (after: number | null): TE.TaskEither<StoreError, ReadonlyArray<InventoryLedgerEntry>> =>
      pipe(
        deps.ledgerEntries(after, size, filter),
        TE.flatMap((page) => {
          kept = [...kept, ...page].slice(-keep);
          return page.length < size ? TE.right(kept) : from(page[page.length - 1]!.sequence);
        }),
      );
    return keep === 0 ? TE.right([]) : from(null);
  };
