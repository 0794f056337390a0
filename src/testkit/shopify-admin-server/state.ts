/**
 * The shop behind one local Admin API server: locations, inventory items, their levels, adjustment groups, the
 * idempotency ledger, staged uploads and bulk operations. Plain records in maps owned by one server instance.
 */

/** An inventory item as Shopify stores it (the fields the server answers). */
export interface ItemRecord {
  readonly id: string;
  readonly num: number;
  readonly sku: string;
  readonly tracked: boolean;
}

/** A location. */
export interface LocationRecord {
  readonly id: string;
  readonly num: number;
  readonly name: string;
}

/**
 * An inventory level: the item is stocked at the location. Shopify derives `on_hand` from the states; here only
 * `available` and `committed` are kept, so `on_hand = available + committed` (other states are always 0).
 */
export interface LevelRecord {
  readonly itemId: string;
  readonly locationId: string;
  available: number;
  committed: number;
  updatedAt: string;
}

/** One row of `InventoryAdjustmentGroup.changes`. */
export interface ChangeRecord {
  readonly name: string;
  readonly delta: number;
  readonly quantityAfterChange: number;
  readonly itemId: string;
  readonly locationId: string;
}

/** An applied `inventorySetQuantities` call. */
export interface GroupRecord {
  readonly id: string;
  readonly createdAt: string;
  readonly reason: string;
  readonly referenceDocumentUri: string | null;
  readonly changes: ReadonlyArray<ChangeRecord>;
}

/** One change as the test sees it through `adjustments()`. */
export interface AdjustmentRecord {
  readonly inventoryItemId: string;
  readonly locationId: string;
  readonly delta: number;
  readonly quantityAfterChange: number;
  readonly reason: string;
  readonly referenceDocumentUri: string | null;
  readonly idempotencyKey: string;
}

/** A `userErrors` entry of `inventorySetQuantities`. */
export interface SetUserError {
  readonly field: ReadonlyArray<string> | null;
  readonly message: string;
  readonly code: string;
}

/** What `inventorySetQuantities` resolves to (before field selection). */
export interface SetPayload {
  readonly inventoryAdjustmentGroup: GroupRecord | null;
  readonly userErrors: ReadonlyArray<SetUserError>;
}

/** What a key of the `@idempotent` directive remembers: the input it was first used with and the answer. */
export interface IdempotencyRecord {
  readonly fingerprint: string;
  readonly payload: SetPayload;
}

/** The status values of `BulkOperationStatus`. */
export type BulkStatus = 'CANCELED' | 'CANCELING' | 'COMPLETED' | 'CREATED' | 'EXPIRED' | 'FAILED' | 'RUNNING';

/** A bulk operation. `objectCount` and friends are numbers here and strings (UnsignedInt64) on the wire. */
export interface BulkRecord {
  readonly id: string;
  readonly num: number;
  readonly type: 'QUERY' | 'MUTATION';
  readonly query: string;
  readonly createdAt: string;
  status: BulkStatus;
  completedAt: string | null;
  objectCount: number;
  rootObjectCount: number;
  fileSize: number | null;
  url: string | null;
  errorCode: 'ACCESS_DENIED' | 'INTERNAL_SERVER_ERROR' | 'TIMEOUT' | null;
}

/** Counters a test reads through `server.stats`. */
export interface ServerStats {
  requests: number;
  throttled: number;
  pointsSpent: number;
  setCalls: number;
  quantitiesApplied: number;
  bulkOperations: number;
}

/** Faults consumed by the resolvers (`inventorySetQuantities`, the bulk operation starts). */
export interface ResolverFaults {
  readonly userErrors: Array<{ readonly inventoryItemId: string; readonly code: string }>;
  readonly sales: Array<{ readonly inventoryItemId: string; readonly locationId: string; readonly units: number }>;
  /** Bulk operation starts still to answer `LIMIT_REACHED`. */
  bulkLimitReached: number;
}

/** The whole mutable state of one server. */
export interface ShopState {
  readonly shopDomain: string;
  readonly shopNum: number;
  readonly items: Map<string, ItemRecord>;
  readonly locations: Map<string, LocationRecord>;
  readonly levels: Map<string, LevelRecord>;
  readonly groups: Map<string, GroupRecord>;
  readonly adjustments: AdjustmentRecord[];
  readonly idempotency: Map<string, IdempotencyRecord>;
  readonly uploads: Map<string, Buffer>;
  /** Keys handed out by stagedUploadsCreate; an upload to any other key is refused, as a signed-URL store would. */
  readonly uploadKeys: Set<string>;
  readonly bulkOperations: Map<string, BulkRecord>;
  readonly bulkResults: Map<string, string>;
  readonly stats: ServerStats;
  readonly faults: ResolverFaults;
  readonly counters: { item: number; location: number; group: number; bulk: number };
  /** The access scopes granted to the app the token belongs to (`currentAppInstallation.accessScopes`). */
  accessScopes: ReadonlyArray<string>;
}

/** The scopes a server grants unless told otherwise: what inventory sync needs. */
export const DEFAULT_ACCESS_SCOPES: ReadonlyArray<string> = ['read_inventory', 'write_inventory', 'read_products'];

/** A fresh, empty shop. */
export const emptyShop = (shopDomain: string): ShopState => ({
  shopDomain,
  shopNum: 92891250994,
  items: new Map(),
  locations: new Map(),
  levels: new Map(),
  groups: new Map(),
  adjustments: [],
  idempotency: new Map(),
  uploads: new Map(),
  uploadKeys: new Set(),
  bulkOperations: new Map(),
  bulkResults: new Map(),
  stats: { requests: 0, throttled: 0, pointsSpent: 0, setCalls: 0, quantitiesApplied: 0, bulkOperations: 0 },
  faults: { userErrors: [], sales: [], bulkLimitReached: 0 },
  counters: { item: 0, location: 0, group: 0, bulk: 0 },
  accessScopes: DEFAULT_ACCESS_SCOPES,
});

/** The map key of a level. */
export const levelKey = (itemId: string, locationId: string): string => `${itemId}|${locationId}`;

/** `on_hand` of a level (see LevelRecord). */
export const onHand = (level: LevelRecord): number => level.available + level.committed;

/** The numeric tail of a `gid://shopify/<type>/<n>` id of that type, or undefined when the id is not one. */
export const gidNumber = (gid: string, type: string): number | undefined => {
  const match = new RegExp(`^gid://shopify/${type}/(\\d+)(\\?.*)?$`).exec(gid);
  return match === null ? undefined : Number(match[1]);
};

/**
 * The product variant an item belongs to. Shopify gives every variant exactly one inventory item (and the item the
 * variant's SKU); here each item stands for its own variant, numbered as the item is.
 */
export const variantId = (item: ItemRecord): string => `gid://shopify/ProductVariant/${item.num}`;

/** Shopify's InventoryLevel ids carry the item id as a query parameter. */
export const levelId = (state: ShopState, level: LevelRecord): string =>
  `gid://shopify/InventoryLevel/${state.locations.get(level.locationId)?.num ?? 0}?inventory_item_id=${state.items.get(level.itemId)?.num ?? 0}`;

/** An ISO timestamp without milliseconds, as Shopify prints DateTime. */
export const isoNow = (): string => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
