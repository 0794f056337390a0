import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { localFeedReader } from '../../src/adapters/local-files/feed-reader.ts';
import { localFileStore } from '../../src/adapters/local-files/local-file-store.ts';
import {
  type FetchApi,
  shopifyInventory,
  type ShopifyInventoryAdapter,
  type ShopifyInventoryOptions,
} from '../../src/adapters/shopify/shopify-inventory.ts';
import type {
  ChannelSeed,
  Catalogue,
  ChangeLog,
  PushLedger,
  ProductMappingStore,
} from '../../src/application/index.ts';
import type { InventorySeed } from '../../src/application/index.ts';
import { systemClock } from '../../src/composition/live.ts';
import { CHANNEL_FAC_GROUP } from '../../src/domain/index.ts';
import {
  startShopifyAdminServer,
  type ShopifyAdminServer,
  type ShopifyAdminServerOptions,
} from '../../src/testkit/index.ts';
import { run } from './run.ts';

export type ChannelTestStore = Catalogue & ChangeLog & PushLedger & ProductMappingStore & ChannelSeed & InventorySeed;

export const TOKEN = 'shpat_test_token';

// The operation name of every GraphQL request the adapter sends (`LevelsOf`, `BulkLevels`, `BulkStatus`, …).
export const requestKinds = () => {
  const kinds: string[] = [];
  const fetch: FetchApi = (url, init) => {
    const body = typeof init?.body === 'string' ? init.body : '';
    const name = /^\s*(?:query|mutation)\s+(\w+)/.exec((JSON.parse(body || '{}') as { query?: string }).query ?? '');
    if (name !== null) kinds.push(name[1]!);
    return globalThis.fetch(url, init);
  };
  const count = (kind: string) => kinds.filter((k) => k === kind).length;
  return { kinds, fetch, count };
};

/**
 * The worked example of the seed, as OMS data and a Shopify shop: product P1 has QOH 100 (95 at the web warehouse,
 * 5 at a store outside the channel group), reserved 5, safety stock 5, threshold 5, 5 in the brokering queue, so its
 * online ATP is 100 - (5+5+5+5+5) = 75. P2 and P3 are plain products at the warehouse.
 */
export const shopifyScenario = async (
  store: ChannelTestStore,
  serverOptions: ShopifyAdminServerOptions = {},
  adapterOptions: Partial<ShopifyInventoryOptions> = {},
) => {
  const server: ShopifyAdminServer = await startShopifyAdminServer({ accessToken: TOKEN, ...serverOptions });
  const location = server.addLocation('Web warehouse');
  const items = {
    P1: server.addInventoryItem({ sku: 'SKU-P1' }),
    P2: server.addInventoryItem({ sku: 'SKU-P2' }),
    P3: server.addInventoryItem({ sku: 'SKU-P3' }),
  };
  for (const id of Object.values(items)) server.stock(id, location, 0);
  await run(
    store.saveFacilities([
      { facilityId: 'WEB_WH', externalId: '101' },
      { facilityId: 'STORE_9', externalId: '109' },
    ]),
  );
  await run(
    store.saveProducts([
      { productId: 'P1', externalId: '9001' },
      { productId: 'P2', externalId: '9002' },
      { productId: 'P3', externalId: '9003' },
    ]),
  );
  await run(
    store.saveFacilityGroup({
      facilityGroupId: 'SHOPIFY_US',
      facilityGroupTypeId: CHANNEL_FAC_GROUP,
      facilityIds: ['WEB_WH'],
    }),
  );
  await run(store.saveSalesChannel({ facilityGroupId: 'SHOPIFY_US', shop: server.shopDomain, locationId: location }));
  await run(
    store.saveProductSkus([
      { productId: 'P1', sku: 'SKU-P1' },
      { productId: 'P2', sku: 'SKU-P2' },
      { productId: 'P3', sku: 'SKU-P3' },
    ]),
  );
  await run(
    store.savePositions([
      { productId: 'P1', facilityId: 'WEB_WH', quantityOnHand: 95, reservedQuantity: 5, safetyStock: 5 },
      { productId: 'P1', facilityId: 'STORE_9', quantityOnHand: 5, reservedQuantity: 0, safetyStock: 0 },
      { productId: 'P2', facilityId: 'WEB_WH', quantityOnHand: 12, reservedQuantity: 2, safetyStock: 0 },
      { productId: 'P3', facilityId: 'WEB_WH', quantityOnHand: 40, reservedQuantity: 0, safetyStock: 0 },
    ]),
  );
  await run(store.saveThresholds([{ productId: 'P1', threshold: 5 }]));
  await run(store.saveBrokeringQueue([{ productId: 'P1', quantity: 5 }]));
  const dir = mkdtempSync(join(tmpdir(), 'oms-inventory-sync-outbox-'));
  const outbox = localFileStore({ root: dir });
  const shopify: ShopifyInventoryAdapter = shopifyInventory({
    shop: server.shopDomain,
    accessToken: TOKEN,
    adminUrl: server.url,
    bulkPollMs: 10,
    timeoutMs: 2_000,
    ...adapterOptions,
  });
  const deps = { ...store, ...shopify, ...localFeedReader(), outbox, ...systemClock };
  return {
    server,
    location,
    items,
    shopify,
    deps,
    outboxDir: dir,
    folder: (name: string): string[] => {
      try {
        return readdirSync(join(dir, name), { withFileTypes: true })
          .filter((f) => f.isFile() && !f.name.startsWith('.'))
          .map((f) => f.name)
          .sort();
      } catch {
        return [];
      }
    },
    dispose: async () => {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
};
