/**
 * Records as GraphQL source objects: plain objects whose fields are values or functions of the field arguments, which
 * graphql-js's default resolver calls. Connections page Relay-style with opaque cursors like Shopify's.
 */
import { GraphQLError } from 'graphql';
import {
  gidNumber,
  levelId,
  onHand,
  type BulkRecord,
  type GroupRecord,
  type ItemRecord,
  type LevelRecord,
  type LocationRecord,
  type ShopState,
  variantId,
} from './state.ts';

/** Per-request execution context. In a bulk query, connections return every node and ignore paging arguments. */
export interface ExecutionContext {
  readonly bulk: boolean;
}

/** Relay paging arguments. */
export interface PageArgs {
  readonly first?: number | null;
  readonly after?: string | null;
  readonly last?: number | null;
  readonly before?: string | null;
  readonly reverse?: boolean | null;
}

// Shopify's cursors are base64 JSON of the last id; clients treat them as opaque.
const cursorOf = (num: number): string =>
  Buffer.from(JSON.stringify({ last_id: num, last_value: num })).toString('base64');
const cursorNumber = (cursor: string): number => {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64').toString('utf8'));
    if (
      typeof parsed === 'object' &&
      parsed !== null &&
      typeof (parsed as { last_id?: unknown }).last_id === 'number'
    ) {
      return (parsed as { last_id: number }).last_id;
    }
  } catch {
    // fall through to the error below
  }
  throw new GraphQLError(`Invalid cursor for current pagination sort.`, { extensions: { code: 'BAD_REQUEST' } });
};

/** A Relay connection over `nodes` sorted by id number, paged by `args` (all of them in a bulk query). */
export const connection = <T>(
  nodes: ReadonlyArray<T>,
  numOf: (node: T) => number,
  args: PageArgs,
  context: ExecutionContext,
  view: (node: T) => object,
) => {
  const ordered = [...nodes].sort((a, b) => numOf(a) - numOf(b));
  if (args.reverse === true) ordered.reverse();
  let window = ordered;
  let hasPreviousPage = false;
  let hasNextPage = false;
  if (!context.bulk) {
    const first = args.first ?? undefined;
    const last = args.last ?? undefined;
    // graphql-ruby's connection message when neither page size is given; Shopify requires one of them.
    if (first === undefined && last === undefined)
      throw new GraphQLError('you must provide one of first or last', { extensions: { code: 'BAD_REQUEST' } });
    if (args.after != null) {
      const after = cursorNumber(args.after);
      const at = window.findIndex((n) => numOf(n) === after);
      hasPreviousPage = at >= 0;
      window = at >= 0 ? window.slice(at + 1) : window;
    }
    if (args.before != null) {
      const before = cursorNumber(args.before);
      const at = window.findIndex((n) => numOf(n) === before);
      hasNextPage = at >= 0;
      window = at >= 0 ? window.slice(0, at) : window;
    }
    if (first !== undefined) {
      if (window.length > first) hasNextPage = true;
      window = window.slice(0, Math.max(0, first));
    }
    if (last !== undefined) {
      if (window.length > last) hasPreviousPage = true;
      window = window.slice(Math.max(0, window.length - last));
    }
  }
  const views = window.map(view);
  return {
    edges: window.map((node, i) => ({ cursor: cursorOf(numOf(node)), node: views[i] })),
    nodes: views,
    pageInfo: {
      hasNextPage,
      hasPreviousPage,
      startCursor: window.length > 0 ? cursorOf(numOf(window[0]!)) : null,
      endCursor: window.length > 0 ? cursorOf(numOf(window[window.length - 1]!)) : null,
    },
  };
};

// The quantity names Shopify knows; a name outside this list is skipped rather than answered with 0.
const QUANTITY_NAMES = new Set([
  'available',
  'committed',
  'damaged',
  'incoming',
  'on_hand',
  'quality_control',
  'reserved',
  'safety_stock',
]);

const quantityOf = (level: LevelRecord, name: string): number =>
  name === 'available'
    ? level.available
    : name === 'committed'
      ? level.committed
      : name === 'on_hand'
        ? onHand(level)
        : 0;

/** An InventoryLevel. */
export const levelView = (state: ShopState, level: LevelRecord, context: ExecutionContext): object => ({
  __typename: 'InventoryLevel',
  id: levelId(state, level),
  item: () => itemView(state, state.items.get(level.itemId)!, context),
  location: () => locationView(state, state.locations.get(level.locationId)!, context),
  quantities: ({ names }: { names: ReadonlyArray<string> }) =>
    names
      .filter((name) => QUANTITY_NAMES.has(name))
      .map((name) => ({
        __typename: 'InventoryQuantity',
        id: `gid://shopify/InventoryQuantity/${state.locations.get(level.locationId)?.num ?? 0}?inventory_item_id=${state.items.get(level.itemId)?.num ?? 0}&name=${name}`,
        name,
        quantity: quantityOf(level, name),
        updatedAt: name === 'available' || name === 'on_hand' ? level.updatedAt : null,
      })),
});

// An item's levels, found through its key at each location: far fewer lookups than a scan of every level.
const levelsOfItem = (state: ShopState, itemId: string): LevelRecord[] => {
  const found: LevelRecord[] = [];
  for (const location of state.locations.values()) {
    const level = state.levels.get(`${itemId}|${location.id}`);
    if (level !== undefined) found.push(level);
  }
  return found;
};
const levelsWhere = (state: ShopState, keep: (level: LevelRecord) => boolean): LevelRecord[] =>
  [...state.levels.values()].filter(keep);
const levelNumber =
  (state: ShopState) =>
  (level: LevelRecord): number =>
    (state.items.get(level.itemId)?.num ?? 0) * 1_000_000 + (state.locations.get(level.locationId)?.num ?? 0);

/** An InventoryItem. */
export const itemView = (state: ShopState, item: ItemRecord, context: ExecutionContext): object => ({
  __typename: 'InventoryItem',
  id: item.id,
  sku: item.sku,
  tracked: item.tracked,
  requiresShipping: true,
  // Resolved only when asked for: a scan of every item, which a bulk read of a large catalogue must not pay per item.
  duplicateSkuCount: () =>
    [...state.items.values()].filter((other) => other.sku === item.sku && other.id !== item.id).length,
  inventoryLevel: ({ locationId }: { locationId: string }) => {
    const level = state.levels.get(`${item.id}|${locationId}`);
    return level === undefined ? null : levelView(state, level, context);
  },
  inventoryLevels: (args: PageArgs) =>
    connection(levelsOfItem(state, item.id), levelNumber(state), args, context, (l) => levelView(state, l, context)),
  variant: () => variantView(state, item, context),
});

/** The ProductVariant of an item (see `variantId`): its SKU is the item's. */
export const variantView = (state: ShopState, item: ItemRecord, context: ExecutionContext): object => ({
  __typename: 'ProductVariant',
  id: variantId(item),
  sku: item.sku,
  inventoryItem: () => itemView(state, item, context),
});

/** A Location. */
export const locationView = (state: ShopState, location: LocationRecord, context: ExecutionContext): object => ({
  __typename: 'Location',
  id: location.id,
  name: location.name,
  isActive: true,
  fulfillsOnlineOrders: true,
  inventoryLevel: ({ inventoryItemId }: { inventoryItemId: string }) => {
    const level = state.levels.get(`${inventoryItemId}|${location.id}`);
    return level === undefined ? null : levelView(state, level, context);
  },
  inventoryLevels: (args: PageArgs) =>
    connection(
      levelsWhere(state, (l) => l.locationId === location.id),
      levelNumber(state),
      args,
      context,
      (l) => levelView(state, l, context),
    ),
});

/** An InventoryAdjustmentGroup; `quantityAfterChange` is null, as Shopify answered it in every 2026-04 capture. */
export const groupView = (state: ShopState, group: GroupRecord, context: ExecutionContext): object => ({
  __typename: 'InventoryAdjustmentGroup',
  id: group.id,
  createdAt: group.createdAt,
  reason: group.reason,
  referenceDocumentUri: group.referenceDocumentUri,
  changes: (args: {
    inventoryItemIds?: ReadonlyArray<string> | null;
    locationIds?: ReadonlyArray<string> | null;
    quantityNames?: ReadonlyArray<string> | null;
  }) =>
    group.changes
      .filter((c) => args.inventoryItemIds == null || args.inventoryItemIds.includes(c.itemId))
      .filter((c) => args.locationIds == null || args.locationIds.includes(c.locationId))
      .filter((c) => args.quantityNames == null || args.quantityNames.includes(c.name))
      .map((c) => ({
        name: c.name,
        delta: c.delta,
        quantityAfterChange: null,
        ledgerDocumentUri: null,
        item: () => {
          const item = state.items.get(c.itemId);
          return item === undefined ? null : itemView(state, item, context);
        },
        location: () => {
          const location = state.locations.get(c.locationId);
          return location === undefined ? null : locationView(state, location, context);
        },
      })),
});

/** A BulkOperation; the UnsignedInt64 counters are strings on the wire, as Shopify sends them. */
export const bulkView = (bulk: BulkRecord): object => ({
  __typename: 'BulkOperation',
  id: bulk.id,
  type: bulk.type,
  status: bulk.status,
  query: bulk.query,
  createdAt: bulk.createdAt,
  completedAt: bulk.completedAt,
  errorCode: bulk.errorCode,
  objectCount: String(bulk.objectCount),
  rootObjectCount: String(bulk.rootObjectCount),
  fileSize: bulk.fileSize === null ? null : String(bulk.fileSize),
  url: bulk.url,
  partialDataUrl: null,
});

/** The item of a `gid://shopify/ProductVariant/N` id (see `variantId`), or undefined. */
export const variantOf = (state: ShopState, id: string): ItemRecord | undefined => {
  const num = gidNumber(id, 'ProductVariant');
  return num === undefined ? undefined : state.items.get(`gid://shopify/InventoryItem/${num}`);
};

/** Any Node by id, or null. */
export const nodeById = (state: ShopState, id: string, context: ExecutionContext): object | null => {
  const item = state.items.get(id);
  if (item !== undefined) return itemView(state, item, context);
  const variant = variantOf(state, id);
  if (variant !== undefined) return variantView(state, variant, context);
  const location = state.locations.get(id);
  if (location !== undefined) return locationView(state, location, context);
  const group = state.groups.get(id);
  if (group !== undefined) return groupView(state, group, context);
  const bulk = state.bulkOperations.get(id);
  if (bulk !== undefined) return bulkView(bulk);
  const level =
    gidNumber(id, 'InventoryLevel') === undefined
      ? undefined
      : [...state.levels.values()].find((l) => levelId(state, l) === id);
  return level === undefined ? null : levelView(state, level, context);
};
