import { diffKeyed, pairKey, type KeyedRejectionReason } from './keyed-diff.ts';
import { MAX_QUANTITY } from './quantity.ts';

/** A whole quantity of one Shopify inventory item at one Shopify location. */
export interface ItemQuantity {
  readonly inventoryItemId: string;
  readonly locationId: string;
  readonly quantity: number;
}

/** One quantity to push. `previous` is what was last pushed, or null when the pair was never pushed. */
export interface QuantityChange {
  readonly inventoryItemId: string;
  readonly locationId: string;
  readonly previous: number | null;
  readonly next: number;
}

/** Computed quantities that cannot be pushed: not whole, out of range, or one pair computed twice differently. */
export interface ChangeRejection {
  readonly inventoryItemId: string;
  readonly locationId: string;
  readonly reason: KeyedRejectionReason;
  readonly quantities: ReadonlyArray<number>;
}

/** The minimal push: only the pairs whose computed quantity differs from what was last pushed. */
export interface DeltaResult {
  readonly changes: ReadonlyArray<QuantityChange>;
  readonly rejected: ReadonlyArray<ChangeRejection>;
  /** Pairs computed again with the quantity already pushed. */
  readonly unchanged: number;
}

const isPushableQuantity = (n: number): boolean => Number.isSafeInteger(n) && Math.abs(n) <= MAX_QUANTITY;

const itemColumns = {
  first: (q: ItemQuantity) => q.inventoryItemId,
  second: (q: ItemQuantity) => q.locationId,
  quantity: (q: ItemQuantity) => q.quantity,
};

/**
 * Compares newly computed quantities with the ledger of the last push and returns only what differs.
 * `next` may be partial (a delta push computes only the products that moved): pairs it does not name are left alone.
 * A pair never pushed is always a change, even at 0, since Shopify's value for it is unknown. Changes keep the order
 * of `next`, so batches built from them are the same for the same input.
 */
export const detectChanges = (
  lastPushed: ReadonlyArray<ItemQuantity>,
  next: ReadonlyArray<ItemQuantity>,
): DeltaResult => {
  const diff = diffKeyed(
    lastPushed,
    itemColumns,
    next,
    { ...itemColumns, line: (_, index) => index },
    {
      missing: 'leave',
      absentIsZero: false,
      accepts: isPushableQuantity,
    },
  );
  return {
    changes: diff.changes.map((c) => ({
      inventoryItemId: c.first,
      locationId: c.second,
      previous: c.previous,
      next: c.next,
    })),
    rejected: diff.rejected.map((r) => ({
      inventoryItemId: r.first,
      locationId: r.second,
      reason: r.reason,
      quantities: r.quantities,
    })),
    unchanged: diff.unchanged,
  };
};

/** The ledger after a successful push: the last-pushed state with every change's `next` recorded. */
export const applyChanges = (
  lastPushed: ReadonlyArray<ItemQuantity>,
  changes: ReadonlyArray<QuantityChange>,
): ReadonlyArray<ItemQuantity> => {
  const ledger = new Map<string, ItemQuantity>();
  for (const q of lastPushed) ledger.set(pairKey(q.inventoryItemId, q.locationId), q);
  for (const c of changes) {
    ledger.set(pairKey(c.inventoryItemId, c.locationId), {
      inventoryItemId: c.inventoryItemId,
      locationId: c.locationId,
      quantity: c.next,
    });
  }
  return Array.from(ledger.values());
};
