// The arbitraries shared by the tests are the ones users get from the testkit entry point, so they are tested too;
// after them, the few that only the store tests need.
import fc from 'fast-check';
import { identifier, wholeQuantity } from '../src/testkit/index.ts';
import { INVENTORY_EVENT_TYPES, type InventoryEvent, PRODUCT_EVENT_TYPES } from '../src/domain/index.ts';
import { item, type ProductSpec } from './support/channel-world.ts';

export * from '../src/testkit/index.ts';

// ---- A channel's catalogue, for the Shopify jobs (tests/support/channel-world.ts seeds it). ----

/** What Shopify holds for a product's inventory item at the channel's location. */
export type ShopifyHolding =
  | { readonly kind: 'atp' }
  | { readonly kind: 'quantity'; readonly quantity: number }
  | { readonly kind: 'not-stocked' };

/** A product of a generated channel, with what Shopify holds for its item. */
export type CatalogueProduct = ProductSpec & { readonly shopify: ShopifyHolding };

/**
 * Products of one channel with distinct ids, whole quantities (reserved and safety stock may exceed QOH), some
 * unmapped, each mapped one with its own inventory item, and Shopify holding its online ATP, another quantity or
 * nothing at the location.
 */
export const channelCatalogue = (
  options: { readonly maxLength?: number; readonly mappedWeight?: number } = {},
): fc.Arbitrary<ReadonlyArray<CatalogueProduct>> =>
  fc
    .uniqueArray(
      fc.record({
        productId: identifier('P'),
        quantityOnHand: wholeQuantity({ min: -5, max: 200 }),
        reservedQuantity: wholeQuantity({ max: 30 }),
        safetyStock: wholeQuantity({ max: 10 }),
        outside: wholeQuantity({ max: 50 }),
        threshold: wholeQuantity({ max: 10 }),
        brokeringQueue: wholeQuantity({ max: 10 }),
        mapped: fc.nat({ max: 9 }).map((n) => n < (options.mappedWeight ?? 8)),
        shopify: fc.oneof(
          { arbitrary: fc.constant<ShopifyHolding>({ kind: 'atp' }), weight: 3 },
          {
            arbitrary: wholeQuantity({ min: -3, max: 200 }).map(
              (quantity): ShopifyHolding => ({ kind: 'quantity', quantity }),
            ),
            weight: 2,
          },
          { arbitrary: fc.constant<ShopifyHolding>({ kind: 'not-stocked' }), weight: 1 },
        ),
      }),
      { selector: (p) => p.productId, maxLength: options.maxLength ?? 20 },
    )
    .map((list) =>
      list.map(({ mapped, ...p }, i): CatalogueProduct => ({ ...p, inventoryItemId: mapped ? item(i + 1) : null })),
    );

/** The characters with a meaning in PostgreSQL's COPY text format: every control character and the backslash. */
export const COPY_SPECIAL_CHARACTERS: ReadonlyArray<string> = [
  ...Array.from({ length: 0x1f }, (_, i) => String.fromCharCode(i + 1)),
  '\x7f',
  '\\',
];

/**
 * Any text a PostgreSQL `text` column holds: code points from all of Unicode (control characters included, and
 * often COPY's special characters), never NUL and never a lone surrogate. Length counts code points.
 */
export const storableText = ({ minLength = 0, maxLength = 12 } = {}): fc.Arbitrary<string> =>
  fc.string({
    unit: fc.oneof(
      { arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }).filter((c) => c !== '\0'), weight: 3 },
      { arbitrary: fc.constantFrom(...COPY_SPECIAL_CHARACTERS), weight: 1 },
    ),
    minLength,
    maxLength,
  });

// ---- Inventory events, for the ledger's fold and the stores' ledger. ----

/**
 * Inventory events of every type on the given products and facilities, with small quantities (some fractional, some
 * out of range), ids drawn from a small pool so that duplicates and conflicts occur.
 */
export const inventoryEvents = (
  productIds: ReadonlyArray<string>,
  facilityIds: ReadonlyArray<string>,
): fc.Arbitrary<InventoryEvent> =>
  fc
    .record({
      id: fc.nat({ max: 40 }),
      type: fc.constantFrom(...INVENTORY_EVENT_TYPES),
      productId: fc.constantFrom(...productIds),
      facilityId: fc.constantFrom(...facilityIds),
      toFacilityId: fc.constantFrom(...facilityIds),
      quantity: fc.oneof(
        { arbitrary: fc.integer({ min: -6, max: 12 }), weight: 6 },
        { arbitrary: fc.integer({ min: -600_000, max: 1_200_000 }).map((n) => n / 100_000), weight: 2 },
        { arbitrary: fc.constantFrom(Number.NaN, 1.000001, 2e9), weight: 1 },
      ),
      reason: fc.option(fc.constantFrom('damaged', 'found'), { nil: undefined }),
    })
    .map(
      ({ id, type, productId, facilityId, toFacilityId, quantity, reason }): InventoryEvent => ({
        eventId: `E${id}-${type}`,
        type,
        productId,
        ...(PRODUCT_EVENT_TYPES.has(type) ? {} : { facilityId }),
        ...(type === 'transferred' ? { toFacilityId } : {}),
        quantity,
        occurredAt: '2026-12-01T10:00:00Z',
        source: 'arbitrary',
        ...(reason === undefined ? {} : { reason }),
      }),
    );

/**
 * Events that mostly apply (stock received, then reserved, shipped, moved, counted; terms set), on the given products
 * and facilities, mixed with `inventoryEvents`' ones (invalid quantities, duplicates, conflicts, refusals): so a
 * sequence builds real stock and terms to check, not mostly refusals.
 */
export const plausibleInventoryEvents = (
  productIds: ReadonlyArray<string>,
  facilityIds: ReadonlyArray<string>,
): fc.Arbitrary<InventoryEvent> => {
  const weighted: ReadonlyArray<[InventoryEvent['type'], number]> = [
    ['received', 4],
    ['reserved', 3],
    ['released', 1],
    ['shipped', 2],
    ['returned', 1],
    ['adjusted', 1],
    ['counted', 1],
    ['transferred', 2],
    ['reset', 1],
    ['safety-stock-set', 2],
    ['threshold-set', 1],
    ['brokering-queue-changed', 1],
  ];
  const plausible = fc
    .record({
      id: fc.nat({ max: 1_000_000 }),
      type: fc.oneof(...weighted.map(([type, weight]) => ({ arbitrary: fc.constant(type), weight }))),
      productId: fc.constantFrom(...productIds),
      facilityId: fc.constantFrom(...facilityIds),
      toFacilityId: fc.constantFrom(...facilityIds),
      quantity: fc.oneof(
        { arbitrary: fc.integer({ min: 1, max: 20 }), weight: 4 },
        { arbitrary: fc.integer({ min: 1, max: 80 }).map((n) => n / 4), weight: 1 },
      ),
      negative: fc.boolean(),
    })
    .map(({ id, type, productId, facilityId, toFacilityId, quantity, negative }): InventoryEvent => {
      const signed = (type === 'adjusted' || type === 'reset' || type === 'brokering-queue-changed') && negative;
      return {
        eventId: `L${id}-${type}`,
        type,
        productId,
        ...(PRODUCT_EVENT_TYPES.has(type) ? {} : { facilityId }),
        ...(type === 'transferred' ? { toFacilityId } : {}),
        quantity: signed ? -quantity : quantity,
        occurredAt: '2026-12-01T10:00:00Z',
        source: 'arbitrary',
        ...(type === 'adjusted' ? { reason: negative ? 'damaged' : 'found' } : {}),
      };
    });
  return fc.oneof(
    { arbitrary: plausible, weight: 4 },
    { arbitrary: inventoryEvents(productIds, facilityIds), weight: 1 },
  );
};
