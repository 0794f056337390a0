import type { TaskEither } from 'fp-ts/lib/TaskEither.js';
import type { ChannelFacilityGroup, FacilityGroup, FeedLine, ItemQuantity, ProductInventory } from '../domain/index.ts';
import type { InventoryStoreError } from './inventory-store.ts';

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

/** A product whose stock or online ATP terms changed, and the version of that change (it grows with every change). */
export interface ProductChange {
  readonly productId: string;
  readonly version: number;
}

/** What the ledger knows of one (shop, location, inventory item): the quantity Shopify holds, and the run that set or read it. */
export interface LedgerEntry extends ItemQuantity {
  readonly runId: string;
}

/** A batch as it is (or was) sent to Shopify: frozen before sending, so that a retry resends exactly it. */
export interface FrozenBatch {
  /** Index of the feed's first line this batch covers. */
  readonly fromLine: number;
  /** Index after the last line it covers. */
  readonly toLine: number;
  readonly idempotencyKey: string;
  readonly quantities: ReadonlyArray<SetQuantity>;
}

/** One quantity of an `inventorySetQuantities` call. */
export interface SetQuantity {
  readonly productId: string;
  readonly inventoryItemId: string;
  readonly locationId: string;
  readonly quantity: number;
  readonly changeFromQuantity: number | null;
}

/** How far Process uploads got with a feed file. */
export interface FeedProgress {
  /** Lines before this index are settled (applied, skipped as unchanged, or reported failed). */
  readonly nextLine: number;
  /** A batch frozen but not settled: the process stopped between sending it and recording its outcome. */
  readonly pending: FrozenBatch | null;
}

/** A line whose push failed for good, as the run's report lists it. */
export interface FailedLine {
  readonly feed: string;
  readonly line: number;
  readonly productId: string;
  readonly inventoryItemId: string;
  readonly code: string;
  readonly message: string;
}

/** What settling a batch writes, in one transaction: the ledger, the failures and the feed's new position. */
export interface BatchSettlement {
  readonly feed: string;
  readonly nextLine: number;
  readonly shop: string;
  readonly confirmed: ReadonlyArray<LedgerEntry>;
  readonly failed: ReadonlyArray<FailedLine>;
  readonly at: Date;
}

/** The OMS side of the Shopify jobs: the ATP inputs of the mapped products, their changes, and the push ledger. */
export interface ChannelStore {
  /** The channel of a facility group, or null when the group does not exist or sells through no Shopify location. */
  readonly salesChannel: (facilityGroupId: string) => TaskEither<InventoryStoreError, SalesChannel | null>;
  /** The facility group (any type), or null: to tell "not a channel group" from "no such group". */
  readonly facilityGroup: (facilityGroupId: string) => TaskEither<InventoryStoreError, FacilityGroup | null>;
  /**
   * Up to `limit` products mapped to an inventory item of the channel's shop, in product id order after `after`
   * (null: from the start), each with its positions at every facility, threshold and brokering queue.
   */
  readonly mappedProductPage: (
    channel: SalesChannel,
    after: string | null,
    limit: number,
  ) => TaskEither<InventoryStoreError, ReadonlyArray<MappedProductInventory>>;
  /** The same for the named products (those not mapped in the shop are left out). */
  readonly mappedProducts: (
    channel: SalesChannel,
    productIds: ReadonlyArray<string>,
  ) => TaskEither<InventoryStoreError, ReadonlyArray<MappedProductInventory>>;
  /** Products changed since `consumer` last took them (`markPushed`), up to `limit`, in product id order after `after`. */
  readonly changedProducts: (
    consumer: string,
    after: string | null,
    limit: number,
  ) => TaskEither<InventoryStoreError, ReadonlyArray<ProductChange>>;
  /** Records that `consumer` has taken these changes; a later change of the same product is pending again. */
  readonly markPushed: (
    consumer: string,
    changes: ReadonlyArray<ProductChange>,
  ) => TaskEither<InventoryStoreError, void>;
  /** The ledger entries of these inventory items at the location (items never pushed or read are left out). */
  readonly ledger: (
    shop: string,
    locationId: string,
    inventoryItemIds: ReadonlyArray<string>,
  ) => TaskEither<InventoryStoreError, ReadonlyArray<LedgerEntry>>;
  /** How far Process uploads got with `feed`, or null when it never started it. */
  readonly feedProgress: (feed: string) => TaskEither<InventoryStoreError, FeedProgress | null>;
  /** Records the batch about to be sent, so that a rerun resends it unchanged. */
  readonly freezeBatch: (feed: string, batch: FrozenBatch) => TaskEither<InventoryStoreError, void>;
  /** In one transaction: the ledger entries, the failed lines, the feed's next line, and no batch pending. */
  readonly settleBatch: (settlement: BatchSettlement) => TaskEither<InventoryStoreError, void>;
  /** The failed lines recorded for a feed, in line order. */
  readonly failedLines: (feed: string) => TaskEither<InventoryStoreError, ReadonlyArray<FailedLine>>;
}

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
  /** Up to `limit` products with a SKU, in product id order after `after`. */
  readonly productSkus: (
    after: string | null,
    limit: number,
  ) => TaskEither<InventoryStoreError, ReadonlyArray<ProductSku>>;
  /**
   * Records each product's mapping in the shop (an unmatched or ambiguous product loses any earlier mapping). A product
   * mapped to a new inventory item is marked changed, so the next delta push gives that item its online ATP.
   */
  readonly saveMappings: (
    shop: string,
    mappings: ReadonlyArray<InventoryItemMapping>,
  ) => TaskEither<InventoryStoreError, void>;
}

/**
 * Editing the OMS's side of online ATP. Each write marks the products it touches as changed, so the next delta push
 * looks at them: the OMS events (sales, returns, transfers, safety stock and threshold edits) come in this way.
 */
export interface ChannelSeed {
  readonly saveFacilityGroup: (group: FacilityGroup) => TaskEither<InventoryStoreError, void>;
  readonly saveSalesChannel: (channel: {
    readonly facilityGroupId: string;
    readonly shop: string;
    readonly locationId: string;
  }) => TaskEither<InventoryStoreError, void>;
  /** Sets products' SKUs (null clears one). */
  readonly saveProductSkus: (
    skus: ReadonlyArray<{ readonly productId: string; readonly sku: string | null }>,
  ) => TaskEither<InventoryStoreError, void>;
  /** Sets QOH, reserved quantity and safety stock of positions (ATP becomes QOH - reserved). */
  readonly savePositions: (
    positions: ReadonlyArray<{
      readonly productId: string;
      readonly facilityId: string;
      readonly quantityOnHand: number;
      readonly reservedQuantity: number;
      readonly safetyStock: number;
    }>,
  ) => TaskEither<InventoryStoreError, void>;
  readonly saveThresholds: (
    thresholds: ReadonlyArray<{ readonly productId: string; readonly threshold: number }>,
  ) => TaskEither<InventoryStoreError, void>;
  readonly saveBrokeringQueue: (
    queue: ReadonlyArray<{ readonly productId: string; readonly quantity: number }>,
  ) => TaskEither<InventoryStoreError, void>;
}

export type { FeedLine };

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
  readonly productInventory: (productIdOrSku: string) => TaskEither<InventoryStoreError, ProductInventoryRecord | null>;
}
