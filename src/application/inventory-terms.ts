import type { TaskEither } from 'fp-ts/lib/TaskEither.js';
import type { StockTerm } from '../domain/index.ts';
import type { StoreError } from './store-error.ts';

/** Which table of terms `stockTerms` reads. */
export type StockTermKind = StockTerm['kind'];

/** Where a page of `stockTerms` ends: the last key read (`facilityId` is '' for the per-product terms). */
export interface StockTermCursor {
  readonly productId: string;
  readonly facilityId: string;
}

/** Reading the terms of online ATP besides the positions (safety stock, thresholds, the brokering queue) in pages. */
export interface InventoryTerms {
  /**
   * Up to `limit` of the stored terms of one kind (every row, zeros too), in (product id, facility id) order after
   * `after` (null: from the start), as the store orders its ids.
   */
  readonly stockTerms: (
    kind: StockTermKind,
    after: StockTermCursor | null,
    limit: number,
  ) => TaskEither<StoreError, ReadonlyArray<StockTerm>>;
}
