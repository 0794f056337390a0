import type { TaskEither } from 'fp-ts/lib/TaskEither.js';
import type { ChannelFacilityGroup, FacilityGroup, ProductInventory } from '../domain/index.ts';
import type { StoreError } from './store-error.ts';

/** A channel facility group and the Shopify shop and location it sells through. */
export interface SalesChannel {
  readonly facilityGroup: ChannelFacilityGroup;
  /** The shop's myshopify domain, e.g. `acme.myshopify.com`. */
  readonly shop: string;
  /** The Shopify location whose `available` quantities the group's online ATP sets (`gid://shopify/Location/…`). */
  readonly locationId: string;
}

/** Everything online ATP needs for a product, with the Shopify inventory item it is mapped to in the channel's shop. */
export interface MappedProductInventory extends ProductInventory {
  readonly inventoryItemId: string;
}

/** The channel catalogue: which facility groups sell through which Shopify location, and the mapped products' online ATP inputs. */
export interface Catalogue {
  /** The channel of a facility group, or null when the group does not exist or sells through no Shopify location. */
  readonly salesChannel: (facilityGroupId: string) => TaskEither<StoreError, SalesChannel | null>;
  /** The facility group (any type), or null: to tell "not a channel group" from "no such group". */
  readonly facilityGroup: (facilityGroupId: string) => TaskEither<StoreError, FacilityGroup | null>;
  /**
   * Up to `limit` products mapped to an inventory item of the channel's shop, in product id order after `after`
   * (null: from the start), each with its positions at every facility, threshold and brokering queue.
   */
  readonly mappedProductPage: (
    channel: SalesChannel,
    after: string | null,
    limit: number,
  ) => TaskEither<StoreError, ReadonlyArray<MappedProductInventory>>;
  /** The same for the named products (those not mapped in the shop are left out). */
  readonly mappedProducts: (
    channel: SalesChannel,
    productIds: ReadonlyArray<string>,
  ) => TaskEither<StoreError, ReadonlyArray<MappedProductInventory>>;
}
