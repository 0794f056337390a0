import type { TaskEither } from 'fp-ts/lib/TaskEither.js';
import type { ProductInventory } from '../domain/index.ts';
import type { StoreError } from './store-error.ts';

/** One product's stock everywhere, for explaining its online ATP. */
export interface ProductInventoryRecord {
  readonly productId: string;
  readonly sku: string | null;
  /** Its positions at every facility that holds it, threshold and brokering queue. */
  readonly inventory: ProductInventory;
}

/** Looking one product up, by product id or SKU. */
export interface InventoryLookup {
  /** The product whose id or SKU is `productIdOrSku` (the id wins when both match), or null. */
  readonly productInventory: (productIdOrSku: string) => TaskEither<StoreError, ProductInventoryRecord | null>;
}
