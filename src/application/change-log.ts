import type { TaskEither } from 'fp-ts/lib/TaskEither.js';
import type { StoreError } from './store-error.ts';

/** A product whose stock or online ATP terms changed, and the ledger sequence of its last change. */
export interface ProductChange {
  readonly productId: string;
  readonly sequence: number;
}

/**
 * The delta push's view of the ledger: a cursor per consumer (the delta push of a facility group). Every change to
 * stock or to an online ATP term (a ledger event, a NetSuite reset, a product newly mapped) draws a ledger sequence
 * number in commit order, so a consumer that has taken every change up to the head it read never misses one and never
 * takes one twice.
 */
export interface ChangeLog {
  /** The number of the last change committed (0 before any): every change at or below it is visible. */
  readonly ledgerHead: () => TaskEither<StoreError, number>;
  /** How far `consumer` has taken the ledger, or null when it never has (every change is then pending for it). */
  readonly changeCursor: (consumer: string) => TaskEither<StoreError, number | null>;
  /**
   * Products whose last change is after `consumer`'s cursor, up to `limit`, in product id order after `after`. A
   * product changed again after the head a run read is listed too (its newest values are what the run reads).
   */
  readonly changedProducts: (
    consumer: string,
    after: string | null,
    limit: number,
  ) => TaskEither<StoreError, ReadonlyArray<ProductChange>>;
  /** Records that `consumer` has taken every change up to `through` (a head it read); a cursor never moves back. */
  readonly moveCursor: (consumer: string, through: number) => TaskEither<StoreError, void>;
}
