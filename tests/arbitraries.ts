// The arbitraries shared by the tests are the ones users get from the testkit entry point, so they are tested too;
// after them, the few that only the store tests need.
import fc from 'fast-check';
import { identifier, wholeQuantity } from '../src/testkit/index.ts';
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
