import type { TaskEither } from 'fp-ts/lib/TaskEither.js';
import type { ShopifyError } from './shopify-inventory.ts';

/** A location of the shop, as Shopify lists it. */
export interface ShopifyLocation {
  /** `gid://shopify/Location/…`: what a sales channel names. */
  readonly id: string;
  readonly name: string;
  readonly isActive: boolean;
  readonly fulfillsOnlineOrders: boolean;
}

/** What the operator's setup and `check` read of the shop: its locations, and what the access token may do. */
export interface ShopifyShop {
  /** Every location of the shop (active or not), in Shopify's order. */
  readonly locations: () => TaskEither<ShopifyError, ReadonlyArray<ShopifyLocation>>;
  /** The handles of the access scopes granted to the app the token belongs to (`read_inventory`, …). */
  readonly accessScopes: () => TaskEither<ShopifyError, ReadonlyArray<string>>;
}
