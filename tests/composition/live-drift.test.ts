import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { memoryInventoryStore } from '../../src/adapters/memory/memory-inventory-store.ts';
import { loadConfig } from '../../src/composition/config.ts';
import { liveDrift } from '../../src/composition/live-drift.ts';
import type { OpenedStore } from '../../src/composition/live.ts';
import { startShopifyAdminServer, type ShopifyAdminServer } from '../../src/testkit/shopify-admin-server.ts';
import { GROUP, seedChannel } from '../support/channel-world.ts';
import { run, runLeft } from '../support/run.ts';

interface Context {
  shopify: ShopifyAdminServer;
  store: OpenedStore;
  item: string;
  location: string;
}

const test = suite<Context>('liveDrift: Shopify read now for named products');

const configOf = (shopify: ShopifyAdminServer, token = shopify.accessToken) => {
  const config = loadConfig(
    { shopify: { shop: shopify.shopDomain, adminUrl: shopify.url, timeoutMs: 5_000 } },
    { SHOPIFY_ACCESS_TOKEN: token },
  );
  if (config._tag === 'Left') throw new Error(config.left.problems.join('; '));
  return config.right;
};

test.before(async (context) => {
  context.shopify = await startShopifyAdminServer();
  context.location = context.shopify.addLocation('Web');
  context.item = context.shopify.addInventoryItem({ sku: 'SKU-P1' });
  const memory = memoryInventoryStore();
  await seedChannel(memory, [
    // 100 - (5 + 5 + 5 + 5 + 5) = 75, as the seed's worked example.
    {
      productId: 'P1',
      quantityOnHand: 95,
      reservedQuantity: 5,
      safetyStock: 5,
      outside: 5,
      threshold: 5,
      brokeringQueue: 5,
      inventoryItemId: context.item,
    },
    { productId: 'P2', quantityOnHand: 3, inventoryItemId: null },
  ]);
  // The channel at the test kit's shop and location.
  await run(
    memory.saveSalesChannel({ facilityGroupId: GROUP, shop: context.shopify.shopDomain, locationId: context.location }),
  );
  await run(
    memory.saveMappings(context.shopify.shopDomain, [
      { productId: 'P1', sku: 'SKU-P1', status: 'mapped', inventoryItemId: context.item },
    ]),
  );
  context.store = { ...memory, close: async () => undefined };
});

test.after(async ({ shopify }) => {
  await shopify?.close();
});

test('Shopify holding another quantity is a drift with both numbers; the same quantity none', async (context) => {
  const { shopify, store, item, location } = context;
  shopify.stock(item, location, 70);
  const drifted = await run(liveDrift(configOf(shopify), store, GROUP, ['P1']));
  assert.equal([drifted.checked, drifted.equal], [1, 0]);
  assert.equal(drifted.drifted, [
    { productId: 'P1', inventoryItemId: item, locationId: location, quantity: 75, shopify: 70 },
  ]);
  shopify.stock(item, location, 75);
  const equal = await run(liveDrift(configOf(shopify), store, GROUP, ['P1']));
  assert.equal([equal.checked, equal.equal, equal.drifted], [1, 1, []]);
});

test('a product not mapped in the shop is not checked', async ({ shopify, store }) => {
  const report = await run(liveDrift(configOf(shopify), store, GROUP, ['P2']));
  assert.is(report.checked, 0);
});

test('no shopify section, or a refused token: a typed error, no secret in it', async ({ shopify, store }) => {
  const noShopify = loadConfig({}, {});
  assert.ok(noShopify._tag === 'Right');
  assert.is((await runLeft(liveDrift(noShopify.right, store, GROUP, ['P1'])))._tag, 'ShopifyNotConfigured');
  const refused = await runLeft(liveDrift(configOf(shopify, 'shpat_wrong'), store, GROUP, ['P1']));
  assert.is(refused._tag, 'ShopifyUnauthorized');
  assert.not.match(JSON.stringify(refused), 'shpat_wrong');
});

test.run();
