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
    }
  /**
   * An answer that is not what the API version promises: `reason` names what was malformed and where (`bulk result
   * line 17: …`). Retriable where the answer looks damaged in transit or the thing asked about is gone; not where it is
   * well-formed JSON of another shape, which the same request would get again.
   */
  | { readonly _tag: 'ShopifyAnswerInvalid'; readonly reason: string; readonly retriable: boolean };

/** What became of one quantity of a set call. */
export type SetOutcome =
  | { readonly status: 'applied'; readonly quantity: SetQuantity }
  /** Shopify holds another quantity than `changeFromQuantity`: a sale or an edit raced the push. */
  | { readonly status: 'stale'; readonly quantity: SetQuantity }
  /** Shopify refused this quantity (`INVALID_INVENTORY_ITEM`, `ITEM_NOT_STOCKED_AT_LOCATION`, …); the others are unaffected. */
  | { readonly status: 'failed'; readonly quantity: SetQuantity; readonly code: string; readonly message: string };

/** A set request as the application hands it over: its payload is frozen and its key deterministic. */
export interface SetAvailableRequest {
  readonly idempotencyKey: string;
  readonly reason: string;
  /** Names the run and feed that made the change; Shopify shows it in the inventory history. */
  readonly referenceDocumentUri: string;
  readonly quantities: ReadonlyArray<SetQuantity>;
}

/** What became of a set request: one outcome per quantity, in the order given, and what it took (for reports). */
export interface SetResult {
  readonly outcomes: ReadonlyArray<SetOutcome>;
  /**
   * `inventorySetQuantities` requests sent for the request: every one that went out, retries and resends of a call's
   * unrefused quantities included (the bulk path counts only the lines it resent by call).
   */
  readonly calls: number;
  /** Bulk mutations run for the request. */
  readonly bulkOperations: number;
}

/** Shopify's inventory, as the push jobs use it: one shop, through its Admin GraphQL API. */
export interface ShopifyInventory {
  /** The shop (myshopify domain) this connection writes to: Process uploads applies only that shop's feeds. */
  readonly shop: string;
  /** Shopify's `available` quantity of every inventory item stocked at the location. */
  readonly availableAtLocation: (locationId: string) => TaskEither<ShopifyError, ReadonlyArray<ItemQuantity>>;
  /** Shopify's `available` quantity of these items at the location (items not stocked there are left out). */
  readonly availableOf: (
    locationId: string,
    inventoryItemIds: ReadonlyArray<string>,
  ) => TaskEither<ShopifyError, ReadonlyArray<ItemQuantity>>;
  /**
   * How many of `waiting` quantities `setAvailable` takes at once: what one request carries while few wait, all of
   * them once it would set them together. A caller that freezes and resends requests sizes them by it, so a request
   * resent after a crash costs one request again; a hint, not a limit (at least 1).
   */
  readonly quantitiesAtOnce: (waiting: number) => number;
  /**
   * Whether `setAvailable` sets a request of this many quantities through a bulk mutation (rather than by calls): a
   * caller holds one such request in memory at a time.
   */
  readonly setsInBulk: (quantities: number) => boolean;
  /**
   * Sets any number of `available` quantities: one outcome per quantity, in the order given. A request larger than
   * one call goes in consecutive groups under its key suffixed `#0`, `#1`, … (by calls or one bulk operation, as its
   * size makes cheaper); a request resent unchanged goes under the same keys.
   */
  readonly setAvailable: (request: SetAvailableRequest) => TaskEither<ShopifyError, SetResult>;
  /**
   * Whether `inventoryItemsBySku` of this many SKUs reads the shop's variants by one bulk query (rather than search
   * queries): a caller then asks for all its SKUs at once, not page by page.
   */
  readonly findsSkusInBulk: (skus: number) => boolean;
  /**
   * The inventory items whose variant has each SKU asked about (several when a SKU is not unique in the shop, none
   * when no variant has it), however many SKUs: by search queries, or from `findsSkusInBulk` on by one bulk query.
   */
  readonly inventoryItemsBySku: (
    skus: ReadonlyArray<string>,
  ) => TaskEither<ShopifyError, ReadonlyMap<string, ReadonlyArray<string>>>;
}
