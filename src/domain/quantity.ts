import * as t from 'io-ts';

/**
 * Quantities are decimal numbers of units. NetSuite prints up to five fractional digits; Shopify takes integers.
 *
 * Arithmetic is exact: every sum and difference in this library is done on integers counting 1/100,000 of a unit
 * (`toScaled`), so `0.1 + 0.2` is `0.3` here. Rounding to whole units happens in exactly one place: the online ATP
 * is rounded *down* (`wholeUnitsAvailable`), because promising half a unit that does not exist oversells.
 */
export const QUANTITY_DECIMALS = 5;

/** Number of scaled steps in one unit. */
export const QUANTITY_SCALE = 100_000;

/**
 * The largest magnitude a single quantity may have: a billion units. Anything larger is a broken export, not stock.
 * Sums stay exact while a product's total stays below `Number.MAX_SAFE_INTEGER / QUANTITY_SCALE` (about 9e10 units).
 */
export const MAX_QUANTITY = 1_000_000_000;

/** Converts a quantity to an integer count of 1/QUANTITY_SCALE units; exact for every valid `Quantity`. */
export const toScaled = (quantity: number): number => Math.round(quantity * QUANTITY_SCALE);

/** Converts a scaled integer back to units; the inverse of `toScaled` on valid quantities. */
export const fromScaled = (scaled: number): number => scaled / QUANTITY_SCALE;

/** The one rounding rule: a scaled amount as whole sellable units, rounded down and never below zero. */
export const wholeUnitsAvailable = (scaled: number): number => (scaled <= 0 ? 0 : Math.floor(scaled / QUANTITY_SCALE));

/** True when `n` is finite, within `MAX_QUANTITY` and carries at most `QUANTITY_DECIMALS` fractional digits. */
export const isQuantity = (n: number): boolean => {
  if (!Number.isFinite(n) || Math.abs(n) > MAX_QUANTITY) return false;
  const scaled = n * QUANTITY_SCALE;
  return Math.abs(scaled - Math.round(scaled)) <= Math.max(1e-6, Math.abs(scaled) * 1e-15);
};

const quantityCodec = (name: string, accepts: (n: number) => boolean): t.Type<number, number, unknown> =>
  new t.Type<number, number, unknown>(
    name,
    (u): u is number => typeof u === 'number' && accepts(u),
    (u, c) => (typeof u === 'number' && accepts(u) ? t.success(u) : t.failure(u, c)),
    t.identity,
  );

/** A decimal quantity, possibly negative (an OMS quantity on hand can be): see `isQuantity`. */
export const Quantity = quantityCodec('Quantity', isQuantity);

/** A decimal quantity that is zero or more: reservations, safety stock, thresholds, queued orders. */
export const NonNegativeQuantity = quantityCodec('NonNegativeQuantity', (n) => n >= 0 && isQuantity(n));

/** A whole number of units as Shopify stores it (may be negative: Shopify lets `available` go below zero). */
export const WholeQuantity = quantityCodec(
  'WholeQuantity',
  (n) => Number.isSafeInteger(n) && Math.abs(n) <= MAX_QUANTITY,
);
