import type { TaskEither } from 'fp-ts/lib/TaskEither.js';
import type { ItemQuantity } from '../domain/index.ts';
import type { SetQuantity } from './push-ledger.ts';

/**
 * What can go wrong talking to Shopify as a whole (per-item problems are outcomes, not errors). `retriable` says
 * whether the same call may succeed later; the adapter has already retried what it could with the same idempotency key.
 */
export type ShopifyError =
  | { readonly _tag: 'ShopifyThrottled'; readonly retryAfterMs: number; readonly retriable: true }
  | { readonly _tag: 'ShopifyUnavailable'; readonly reason: string; readonly retriable: true; readonly cause?: unknown }
  | { readonly _tag: 'ShopifyUnauthorized'; readonly reason: string; readonly retriable: false }
  | {
      readonly _tag: 'ShopifyRejected';
      readonly reason: string;
      readonly code: string | null;
      readonly retriable: false;
    }
  | {
      readonly _tag: 'ShopifyBulkOperationFailed';
      readonly operationId: string;
      readonly status: string;
      readonly errorCode: string | null;
      readonly retriable: boolean;
    };

/** What became of one quantity of a set call. */
export type SetOutcome =
  | { readonly status: 'applied'; readonly quantity: SetQuantity }
  /** Shopify holds another quantity than `changeFromQuantity`: a sale or an edit raced the push. */
  | { readonly status: 'stale'; readonly quantity: SetQuantity }
  /** Shopify refused this quantity (`INVALID_INVENTORY_ITEM`, `ITEM_NOT_STOCKED_AT_LOCATION`, …); the others are unaffected. */
  | { readonly status: 'failed'; readonly quantity: SetQuantity; readonly code: string; readonly message: string };

/** A set call as the application hands it over: its payload is frozen and its key deterministic. */
export interface SetAvailableRequest {
  readonly idempotencyKey: string;
  readonly reason: string;
  /** Names the run and feed that made the change; Shopify shows it in the inventory history. */
  readonly referenceDocumentUri: string;
  readonly quantities: ReadonlyArray<SetQuantity>;
}

/** Shopify's inventory, as the push jobs use it: one shop, through its Admin GraphQL API. */
export interface ShopifyInventory {
  /** The shop (myshopify domain) this connection writes to: Process uploads applies only that shop's feeds. */
  readonly shop: string;
  /** The most quantities one set call may carry (Shopify's documented maximum, or less by configuration). */
  readonly maxQuantitiesPerCall: number;
  /** Shopify's `available` quantity of every inventory item stocked at the location. */
  readonly availableAtLocation: (locationId: string) => TaskEither<ShopifyError, ReadonlyArray<ItemQuantity>>;
  /** Shopify's `available` quantity of these items at the location (items not stocked there are left out). */
  readonly availableOf: (
    locationId: string,
    inventoryItemIds: ReadonlyArray<string>,
  ) => TaskEither<ShopifyError, ReadonlyArray<ItemQuantity>>;
  /** From how many quantities on `setAvailableInBulk` is faster than calls (it spends no bucket but has a fixed cost). */
  readonly bulkThreshold: number;
  /**
   * Sets any number of `available` quantities through a bulk mutation, each group of `maxQuantitiesPerCall` under
   * the request's key suffixed `#n`; one outcome per quantity, in the order given.
   */
  readonly setAvailableInBulk: (request: SetAvailableRequest) => TaskEither<ShopifyError, ReadonlyArray<SetOutcome>>;
  /** Sets `available` quantities (at most `maxQuantitiesPerCall`); one outcome per quantity, in the order given. */
  readonly setAvailable: (request: SetAvailableRequest) => TaskEither<ShopifyError, ReadonlyArray<SetOutcome>>;
  /** The inventory items whose variant has each SKU (several when a SKU is not unique in the shop). */
  readonly inventoryItemsBySku: (
    skus: ReadonlyArray<string>,
  ) => TaskEither<ShopifyError, ReadonlyMap<string, ReadonlyArray<string>>>;
}

/**
 * A request too large for one call as the calls (or bulk lines) that carry it: consecutive groups of at most `max`
 * quantities, the n-th under the key `<key>#n`. The call path and the bulk path split alike, so a batch frozen for
 * one can be resent on the other under the same keys.
 */
export const keyedGroups = (request: SetAvailableRequest, max: number): ReadonlyArray<SetAvailableRequest> => {
  const groups: SetAvailableRequest[] = [];
  for (let start = 0, n = 0; start < request.quantities.length; start += max, n++) {
    groups.push({
      ...request,
      idempotencyKey: `${request.idempotencyKey}#${n}`,
      quantities: request.quantities.slice(start, start + max),
    });
  }
  return groups;
};
