import type { ItemQuantity } from './delta.ts';
import { pairKey } from './keyed-diff.ts';

/**
 * One line of a feed file: the quantity Shopify should show for an inventory item at a location, and the quantity
 * the line was computed against (`basis`): Shopify's value as read by a Hard Sync, or null for a delta push, whose
 * basis is the ledger's value when the line is applied.
 */
export interface FeedLine {
  readonly productId: string;
  readonly inventoryItemId: string;
  readonly locationId: string;
  readonly quantity: number;
  readonly basis: number | null;
}

/**
 * The policy for Shopify-side sales that race a push (`CHANGE_FROM_QUANTITY_STALE`): the quantity to set when
 * Shopify holds `live` instead of the `basis` the target was computed against.
 *
 * Units Shopify sold after the basis was taken are assumed not to be in the OMS yet (its order import runs later), so
 * they are taken off the target: `live + (target - basis)`, the OMS's own change applied on top of Shopify's value.
 * The result never exceeds the OMS's `target` (a Shopify-side increase, a return or a manual edit, is not trusted
 * over the OMS, the master of availability) and never goes below 0. Setting a stale absolute value instead would
 * sell the same units twice: the oversell HotWax documents for resets that ran before Shopify orders were imported.
 * If the OMS had in fact already counted those orders, Shopify shows fewer units than it could until the next
 * push or Hard Sync sets the exact value: an undersell for minutes rather than an oversell.
 */
export const resolveStaleQuantity = (change: {
  readonly target: number;
  readonly basis: number;
  readonly live: number;
}): number => Math.max(0, Math.min(change.target, change.live + (change.target - change.basis)));

/** A Hard Sync's plan: a line per OMS target, against Shopify's value, and the targets Shopify cannot take. */
export interface HardSyncPlan {
  readonly lines: ReadonlyArray<FeedLine>;
  /** Targets whose inventory item Shopify does not stock at the location (it holds no level to set). */
  readonly notStocked: ReadonlyArray<ItemQuantity & { readonly productId: string }>;
}

/**
 * Plans a full reset: every target becomes a line whose basis is the quantity Shopify holds, so that applying the
 * lines leaves Shopify equal to the OMS for every item, and a sale that lands in between is caught as stale rather
 * than overwritten. Lines whose basis already equals the target are kept (they confirm the ledger) and cost no call.
 */
export const planHardSync = (
  targets: ReadonlyArray<ItemQuantity & { readonly productId: string }>,
  shopify: ReadonlyMap<string, number>,
): HardSyncPlan => {
  const lines: FeedLine[] = [];
  const notStocked: Array<ItemQuantity & { readonly productId: string }> = [];
  for (const target of targets) {
    const live = shopify.get(pairKey(target.inventoryItemId, target.locationId));
    if (live === undefined) notStocked.push(target);
    else
      lines.push({
        productId: target.productId,
        inventoryItemId: target.inventoryItemId,
        locationId: target.locationId,
        quantity: target.quantity,
        basis: live,
      });
  }
  return { lines, notStocked };
};
