// The arbitraries shared by the tests are the ones users get from the testkit entry point, so they are tested too.
export * from '../src/testkit/index.ts';

// ---- A channel's catalogue, for the Shopify jobs (tests/support/channel-world.ts seeds it). ----
import fc from 'fast-check';
import { identifier, wholeQuantity } from '../src/testkit/index.ts';
import { item, type ProductSpec } from './support/channel-world.ts';

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
