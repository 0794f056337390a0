// A channel in the memory store and a Shopify stand-in that answers from a map: what the unit tests of the Shopify
// jobs (verify, map products, Hard Sync, the delta push) drive the use cases with, without a server.
import * as T from 'fp-ts/lib/Task.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import { memoryInventoryStore, type MemoryInventoryStore } from '../../src/adapters/memory/memory-inventory-store.ts';
import type {
  Clock,
  FileContent,
  FileStore,
  FileStoreError,
  SalesChannel,
  ShopifyError,
  ShopifyInventory,
  StoreError,
} from '../../src/application/index.ts';
import { CHANNEL_FAC_GROUP, pairKey, type ItemQuantity } from '../../src/domain/index.ts';
import { run } from './run.ts';

export const SHOP = 'acme.myshopify.com';
export const LOCATION = 'gid://shopify/Location/1';
export const OTHER_LOCATION = 'gid://shopify/Location/2';
export const GROUP = 'SHOPIFY_US';
/** The channel group's one facility, and one outside it. */
export const WEB_WH = 'WEB_WH';
export const STORE_9 = 'STORE_9';

/** The Shopify inventory item gid of a number. */
export const item = (n: number | string): string => `gid://shopify/InventoryItem/${n}`;

/** One product of the channel: its stock at the web warehouse (and optionally outside the group), its mapping. */
export interface ProductSpec {
  readonly productId: string;
  readonly quantityOnHand: number;
  readonly reservedQuantity?: number;
  readonly safetyStock?: number;
  /** Units at STORE_9, a facility outside the channel group (they never count). */
  readonly outside?: number;
  readonly threshold?: number;
  readonly brokeringQueue?: number;
  /** The inventory item it is mapped to in SHOP; null: not mapped. */
  readonly inventoryItemId: string | null;
}

/** The online ATP of a spec by the seed's rule, for expected values: QOH - reserved - safety - threshold - queue. */
export const expectedAtp = (p: ProductSpec): number =>
  Math.max(
    0,
    Math.floor(
      Math.max(0, p.quantityOnHand - (p.reservedQuantity ?? 0) - (p.safetyStock ?? 0)) -
        (p.threshold ?? 0) -
        (p.brokeringQueue ?? 0),
    ),
  );

/** Seeds the group SHOPIFY_US (WEB_WH only), its channel (SHOP at LOCATION) and the products into a store. */
export const seedChannel = async (store: MemoryInventoryStore, products: ReadonlyArray<ProductSpec>): Promise<void> => {
  await run(
    store.saveFacilityGroup({ facilityGroupId: GROUP, facilityGroupTypeId: CHANNEL_FAC_GROUP, facilityIds: [WEB_WH] }),
  );
  await run(store.saveSalesChannel({ facilityGroupId: GROUP, shop: SHOP, locationId: LOCATION }));
  await run(store.saveProducts(products.map((p, i) => ({ productId: p.productId, externalId: String(9000 + i) }))));
  await run(
    store.saveFacilities([
      { facilityId: WEB_WH, externalId: '901' },
      { facilityId: STORE_9, externalId: '909' },
    ]),
  );
  await run(
    store.savePositions(
      products.flatMap((p) => [
        {
          productId: p.productId,
          facilityId: WEB_WH,
          quantityOnHand: p.quantityOnHand,
          reservedQuantity: p.reservedQuantity ?? 0,
          safetyStock: p.safetyStock ?? 0,
        },
        ...(p.outside === undefined
          ? []
          : [
              {
                productId: p.productId,
                facilityId: STORE_9,
                quantityOnHand: p.outside,
                reservedQuantity: 0,
                safetyStock: 0,
              },
            ]),
      ]),
    ),
  );
  await run(store.saveThresholds(products.map((p) => ({ productId: p.productId, threshold: p.threshold ?? 0 }))));
  await run(
    store.saveBrokeringQueue(products.map((p) => ({ productId: p.productId, quantity: p.brokeringQueue ?? 0 }))),
  );
  await run(
    store.saveMappings(
      SHOP,
      products.map((p) =>
        p.inventoryItemId === null
          ? { productId: p.productId, sku: `SKU-${p.productId}`, status: 'unmatched' as const }
          : {
              productId: p.productId,
              sku: `SKU-${p.productId}`,
              status: 'mapped' as const,
              inventoryItemId: p.inventoryItemId,
            },
      ),
    ),
  );
};

/** A fresh memory store holding the channel and `products`. */
export const channelStore = async (products: ReadonlyArray<ProductSpec>): Promise<MemoryInventoryStore> => {
  const store = memoryInventoryStore();
  await seedChannel(store, products);
  return store;
};

/** The channel as the store serves it. */
export const salesChannelOf = async (store: MemoryInventoryStore): Promise<SalesChannel> => {
  const channel = await run(store.salesChannel(GROUP));
  if (channel === null) throw new Error('the channel is not seeded');
  return channel;
};

/** What the stand-in was asked, in order. */
export type ShopifyCall =
  | { readonly op: 'availableAtLocation'; readonly locationId: string }
  | { readonly op: 'availableOf'; readonly locationId: string; readonly inventoryItemIds: ReadonlyArray<string> }
  | { readonly op: 'inventoryItemsBySku'; readonly skus: ReadonlyArray<string> };

/** The reads of Shopify the channel jobs use, answered from maps; every call is recorded; faults are one-shot. */
export interface ShopifyStandIn
  extends Pick<ShopifyInventory, 'availableAtLocation' | 'availableOf' | 'inventoryItemsBySku' | 'findsSkusInBulk'> {
  readonly calls: ShopifyCall[];
  /** Sets the `available` of an item at a location (stocking it there). */
  readonly stock: (inventoryItemId: string, quantity: number, locationId?: string) => void;
  /** Removes an item's level at a location (Shopify does not stock it there). */
  readonly unstock: (inventoryItemId: string, locationId?: string) => void;
  /** Gives a SKU the items of the shop whose variants carry it. */
  readonly sku: (sku: string, inventoryItemIds: ReadonlyArray<string>) => void;
  /** The next call answers this error. */
  readonly failNext: (error: ShopifyError) => void;
  /** From this many SKUs on, `findsSkusInBulk` says yes (by default never), as an adapter with a bulk path does. */
  readonly bulkSkusFrom: (count: number) => void;
}

export const shopifyStandIn = (): ShopifyStandIn => {
  const levels = new Map<string, ItemQuantity>();
  const skus = new Map<string, ReadonlyArray<string>>();
  const calls: ShopifyCall[] = [];
  let fault: ShopifyError | null = null;
  let bulkFrom = Number.POSITIVE_INFINITY;
  // Lazy, as a real adapter: the answer (and a pending fault) is taken when the task runs, not when it is built.
  const answer =
    <A>(value: () => A): TE.TaskEither<ShopifyError, A> =>
    async () => {
      const failing = fault;
      fault = null;
      return failing === null ? { _tag: 'Right', right: value() } : { _tag: 'Left', left: failing };
    };
  return {
    calls,
    stock: (inventoryItemId, quantity, locationId = LOCATION) =>
      void levels.set(pairKey(inventoryItemId, locationId), { inventoryItemId, locationId, quantity }),
    unstock: (inventoryItemId, locationId = LOCATION) => void levels.delete(pairKey(inventoryItemId, locationId)),
    sku: (sku, inventoryItemIds) => void skus.set(sku, [...inventoryItemIds]),
    failNext: (error) => {
      fault = error;
    },
    bulkSkusFrom: (count) => {
      bulkFrom = count;
    },
    findsSkusInBulk: (count) => count > 0 && count >= bulkFrom,
    availableAtLocation: (locationId) => {
      calls.push({ op: 'availableAtLocation', locationId });
      return answer(() => [...levels.values()].filter((l) => l.locationId === locationId));
    },
    availableOf: (locationId, inventoryItemIds) => {
      calls.push({ op: 'availableOf', locationId, inventoryItemIds: [...inventoryItemIds] });
      return answer(() =>
        inventoryItemIds.flatMap((id) => {
          const level = levels.get(pairKey(id, locationId));
          return level === undefined ? [] : [level];
        }),
      );
    },
    inventoryItemsBySku: (list) => {
      calls.push({ op: 'inventoryItemsBySku', skus: [...list] });
      return answer(() => new Map(list.flatMap((s) => (skus.has(s) ? [[s, skus.get(s)!] as const] : []))));
    },
  };
};

/** A clock that moves `stepMs` forward on every reading, so that a report's duration is the readings in between. */
export const steppingClock = (start = Date.UTC(2026, 10, 22, 3, 0, 0), stepMs = 0): Clock & { readings: number } => {
  let now = start;
  const clock = {
    readings: 0,
    now: () => {
      clock.readings++;
      const at = new Date(now);
      now += stepMs;
      return at;
    },
    sleep: (ms: number) => T.fromIO(() => void (now += ms)),
  };
  return clock;
};

/** An outbox in memory: folder -> name -> content; `failWrites` makes every write answer that error. */
export const memoryOutbox = (): FileStore & {
  readonly files: Map<string, string>;
  failWrites: FileStoreError | null;
} => {
  const files = new Map<string, string>();
  const outbox = {
    files,
    failWrites: null as FileStoreError | null,
    list: () => TE.right([]),
    fetch: (folder: string, name: string) =>
      TE.left<FileStoreError>({ _tag: 'FileNotFound', store: 'memory', path: `${folder}/${name}`, retriable: false }),
    move: () => TE.right(undefined),
    write:
      (folder: string, name: string, content: FileContent): TE.TaskEither<FileStoreError, void> =>
      async () => {
        if (outbox.failWrites !== null) return { _tag: 'Left', left: outbox.failWrites };
        let text = '';
        if (typeof content === 'string') text = content;
        else for await (const piece of content) text += piece;
        files.set(folder === '' ? name : `${folder}/${name}`, text);
        return { _tag: 'Right', right: undefined };
      },
  };
  return outbox;
};

/** A store error as an adapter reports one. */
export const storeUnavailable = (reason = 'connection refused'): StoreError => ({
  _tag: 'InventoryStoreUnavailable',
  reason,
  retriable: true,
});
