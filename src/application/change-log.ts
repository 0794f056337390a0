import type { TaskEither } from 'fp-ts/lib/TaskEither.js';
import type { StoreError } from './store-error.ts';

/** A product whose stock or online ATP terms changed, and the version of that change (it grows with every change). */
export interface ProductChange {
  readonly productId: string;
  readonly version: number;
}

/** The products changed since a consumer (the delta push of a facility group) last took them. */
export interface ChangeLog {
  /** Products changed since `consumer` last took them (`markPushed`), up to `limit`, in product id order after `after`. */
  readonly changedProducts: (
    consumer: string,
    after: string | null,
    limit: number,
  ) => TaskEither<StoreError, ReadonlyArray<ProductChange>>;
  /** Records that `consumer` has taken these changes; a later change of the same product is pending again. */
  readonly markPushed: (consumer: string, changes: ReadonlyArray<ProductChange>) => TaskEither<StoreError, void>;
}
