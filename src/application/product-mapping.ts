import type { TaskEither } from 'fp-ts/lib/TaskEither.js';
import type { StoreError } from './store-error.ts';

/** A product's SKU, for mapping it to a Shopify inventory item. */
export interface ProductSku {
  readonly productId: string;
  readonly sku: string;
}

/** Where a product's SKU led in a shop: one inventory item, none, or several. */
export type InventoryItemMapping =
  | { readonly productId: string; readonly sku: string; readonly status: 'mapped'; readonly inventoryItemId: string }
  | { readonly productId: string; readonly sku: string; readonly status: 'unmatched' }
  | {
      readonly productId: string;
      readonly sku: string;
      readonly status: 'ambiguous';
      readonly candidates: ReadonlyArray<string>;
    };

/** Keeping product -> inventory item in step with Shopify. */
export interface ProductMappingStore {
  /**
   * Up to `limit` products with a SKU, in product id order after `after`. With `toMapIn`, only those a mapping run in
   * that shop must look up: no mapping there, a mapping that is not `mapped`, or one recorded under another SKU.
   */
  readonly productSkus: (
    after: string | null,
    limit: number,
    toMapIn?: string,
  ) => TaskEither<StoreError, ReadonlyArray<ProductSku>>;
  /**
   * Records each product's mapping in the shop (an unmatched or ambiguous product loses any earlier mapping). A product
   * mapped to a new inventory item is marked changed, so the next delta push gives that item its online ATP.
   */
  readonly saveMappings: (shop: string, mappings: ReadonlyArray<InventoryItemMapping>) => TaskEither<StoreError, void>;
}
