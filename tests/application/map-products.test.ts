import fc from 'fast-check';
import * as TE from 'fp-ts/lib/TaskEither.js';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { memoryInventoryStore, type MemoryInventoryStore } from '../../src/adapters/memory/memory-inventory-store.ts';
import { deltaConsumer, pendingChanges } from '../../src/application/channel-sync.ts';
import { mapProducts, type MapProductsDeps } from '../../src/application/map-products.ts';
import type { InventoryItemMapping } from '../../src/application/product-mapping.ts';
import { CHANNEL_FAC_GROUP } from '../../src/domain/index.ts';
import { identifier } from '../arbitraries.ts';
import {
  GROUP,
  LOCATION,
  SHOP,
  item,
  shopifyStandIn,
  type ShopifyStandIn,
  steppingClock,
  storeUnavailable,
} from '../support/channel-world.ts';
import { run, runLeft } from '../support/run.ts';

/** A store with products and their SKUs (null: the product has none), and a channel over SHOP. */
const storeWith = async (skus: ReadonlyArray<[productId: string, sku: string | null]>) => {
  const store = memoryInventoryStore();
  await run(store.saveProducts(skus.map(([productId], i) => ({ productId, externalId: String(i + 1) }))));
  await run(store.saveProductSkus(skus.map(([productId, sku]) => ({ productId, sku }))));
  await run(
    store.saveFacilityGroup({ facilityGroupId: GROUP, facilityGroupTypeId: CHANNEL_FAC_GROUP, facilityIds: [] }),
  );
  await run(store.saveSalesChannel({ facilityGroupId: GROUP, shop: SHOP, locationId: LOCATION }));
  return store;
};

/** The products mapped in SHOP, as the Shopify jobs see them: product -> inventory item. */
const mappedInShop = async (store: MemoryInventoryStore): Promise<Array<[string, string]>> => {
  const channel = await run(store.salesChannel(GROUP));
  return (await run(store.mappedProductPage(channel!, null, 1000))).map((p) => [p.productId, p.inventoryItemId]);
};

const config = { shop: SHOP, pageSize: 100 };

const examples = suite('mapProducts: one inventory item per SKU, or none');

examples('a SKU with one item maps; none or several map nothing and are reported', async () => {
  const store = await storeWith([
    ['A', 'SKU-A'],
    ['B', 'SKU-B'],
    ['C', 'SKU-C'],
    ['D', 'SKU-A'],
    ['E', null],
  ]);
  const shopify = shopifyStandIn();
  shopify.sku('SKU-A', [item(1)]);
  shopify.sku('SKU-C', [item(3), item(4)]);
  const report = await run(mapProducts(config)({ ...store, ...shopify, ...steppingClock() }));
  assert.equal(
    { ...report, durationMs: 0 },
    {
      shop: SHOP,
      products: 4,
      mapped: 2,
      unmatched: [{ productId: 'B', sku: 'SKU-B', status: 'unmatched' }],
      ambiguous: [{ productId: 'C', sku: 'SKU-C', status: 'ambiguous', candidates: [item(3), item(4)] }],
      durationMs: 0,
    },
  );
  assert.equal(await mappedInShop(store), [
    ['A', item(1)],
    ['D', item(1)],
  ]);
  // One lookup for the page, each SKU once; a product without a SKU is not looked up.
  assert.equal(shopify.calls, [{ op: 'inventoryItemsBySku', skus: ['SKU-A', 'SKU-B', 'SKU-C'] }]);
});

examples('a product whose SKU no longer leads to one item loses its mapping', async () => {
  const store = await storeWith([
    ['A', 'SKU-A'],
    ['B', 'SKU-B'],
  ]);
  const shopify = shopifyStandIn();
  shopify.sku('SKU-A', [item(1)]);
  shopify.sku('SKU-B', [item(2)]);
  const deps = { ...store, ...shopify, ...steppingClock() };
  await run(mapProducts(config)(deps));
  assert.equal(await mappedInShop(store), [
    ['A', item(1)],
    ['B', item(2)],
  ]);
  shopify.sku('SKU-A', []);
  shopify.sku('SKU-B', [item(2), item(7)]);
  // The change is Shopify's, so only a full remap sees it.
  const report = await run(mapProducts({ ...config, all: true })(deps));
  assert.equal([report.mapped, report.unmatched.length, report.ambiguous.length], [0, 1, 1]);
  assert.equal(await mappedInShop(store), []);
});

examples(
  'a product mapped to a new inventory item is due for the next delta push; an unchanged mapping is not',
  async () => {
    const store = await storeWith([
      ['A', 'SKU-A'],
      ['B', 'SKU-B'],
    ]);
    const shopify = shopifyStandIn();
    shopify.sku('SKU-A', [item(1)]);
    shopify.sku('SKU-B', [item(2)]);
    const deps = { ...store, ...shopify, ...steppingClock() };
    const consumer = deltaConsumer(GROUP);
    await run(mapProducts(config)(deps));
    await run(store.moveCursor(consumer, await run(store.ledgerHead())));
    shopify.sku('SKU-B', [item(9)]);
    await run(mapProducts({ ...config, all: true })(deps));
    assert.equal(
      (await run(pendingChanges(store, consumer, 100))).map((c) => c.productId),
      ['B'],
    );
    assert.equal(await mappedInShop(store), [
      ['A', item(1)],
      ['B', item(9)],
    ]);
  },
);

examples(
  'a later run looks up only products without a mapping or whose SKU changed; all: true looks every one up',
  async () => {
    const store = await storeWith([
      ['A', 'SKU-A'],
      ['B', 'SKU-B'],
      ['C', 'SKU-C'],
      ['D', 'SKU-D'],
    ]);
    const shopify = shopifyStandIn();
    for (const [i, id] of ['A', 'B', 'C', 'D', 'N'].entries()) shopify.sku(`SKU-${id}`, [item(i + 1)]);
    shopify.sku('SKU-C', []);
    const deps = { ...store, ...shopify, ...steppingClock() };
    await run(mapProducts(config)(deps));
    const first = shopify.calls.length;
    // A new product, one whose SKU changed in the OMS, and C, unmatched before: only these three are asked about.
    await run(store.saveProducts([{ productId: 'E', externalId: '9' }]));
    await run(
      store.saveProductSkus([
        { productId: 'E', sku: 'SKU-E' },
        { productId: 'B', sku: 'SKU-N' },
      ]),
    );
    shopify.sku('SKU-E', [item(6)]);
    const later = await run(mapProducts(config)(deps));
    assert.equal(shopify.calls.slice(first), [{ op: 'inventoryItemsBySku', skus: ['SKU-N', 'SKU-C', 'SKU-E'] }]);
    assert.equal([later.products, later.mapped, later.unmatched.length], [3, 2, 1]);
    assert.equal(await mappedInShop(store), [
      ['A', item(1)],
      ['B', item(5)],
      ['D', item(4)],
      ['E', item(6)],
    ]);
    const quiet = shopify.calls.length;
    assert.equal((await run(mapProducts(config)(deps))).products, 1, 'only the unmatched C again');
    assert.equal(shopify.calls.slice(quiet), [{ op: 'inventoryItemsBySku', skus: ['SKU-C'] }]);
    const full = await run(mapProducts({ ...config, all: true })(deps));
    assert.equal(full.products, 5, 'a full remap looks every product up');
  },
);

/** The deps of a run over the store and the stand-in, and the product ids of each page saved, in order. */
const savingPages = (store: MemoryInventoryStore, shopify: ShopifyStandIn) => {
  const saved: Array<ReadonlyArray<string>> = [];
  const deps: MapProductsDeps = {
    ...store,
    ...shopify,
    ...steppingClock(),
    saveMappings: (shop, mappings) => {
      saved.push(mappings.map((m) => m.productId));
      return store.saveMappings(shop, mappings);
    },
  };
  return { saved, deps };
};

examples('page by page: one lookup and one save per page, every product counted once', async () => {
  const store = await storeWith(['A', 'B', 'C', 'D', 'E'].map((id): [string, string] => [id, `SKU-${id}`]));
  const shopify = shopifyStandIn();
  for (const [i, id] of ['A', 'B', 'C', 'D', 'E'].entries()) shopify.sku(`SKU-${id}`, [item(i + 1)]);
  const { saved, deps } = savingPages(store, shopify);
  const report = await run(mapProducts({ shop: SHOP, pageSize: 2 })(deps));
  assert.equal([report.products, report.mapped], [5, 5]);
  assert.equal(saved, [['A', 'B'], ['C', 'D'], ['E']]);
  assert.equal(
    shopify.calls.map((c) => (c.op === 'inventoryItemsBySku' ? c.skus : [])),
    [['SKU-A', 'SKU-B'], ['SKU-C', 'SKU-D'], ['SKU-E']],
  );
});

examples(
  'SKUs the shop finds in bulk are asked for at once; mappings are still saved page by page, outcomes unchanged',
  async () => {
    const products = ['A', 'B', 'C', 'D', 'E'].map((id): [string, string] => [id, `SKU-${id}`]);
    const outcomes = async (bulkFrom: number) => {
      const store = await storeWith([...products, ['F', 'SKU-A']]);
      const shopify = shopifyStandIn();
      shopify.bulkSkusFrom(bulkFrom);
      shopify.sku('SKU-A', [item(1)]);
      shopify.sku('SKU-B', [item(2)]);
      shopify.sku('SKU-C', [item(3), item(4)]);
      shopify.sku('SKU-E', [item(5)]);
      const { saved, deps } = savingPages(store, shopify);
      const report = await run(mapProducts({ shop: SHOP, pageSize: 2 })(deps));
      return { report: { ...report, durationMs: 0 }, saved, calls: shopify.calls, mapped: await mappedInShop(store) };
    };
    const searched = await outcomes(Number.POSITIVE_INFINITY);
    const inBulk = await outcomes(5);
    assert.equal(
      inBulk.calls,
      [{ op: 'inventoryItemsBySku', skus: ['SKU-A', 'SKU-B', 'SKU-C', 'SKU-D', 'SKU-E'] }],
      'five distinct SKUs: one lookup for the run',
    );
    assert.equal(
      searched.calls.map((c) => (c.op === 'inventoryItemsBySku' ? c.skus : [])),
      [
        ['SKU-A', 'SKU-B'],
        ['SKU-C', 'SKU-D'],
        ['SKU-E', 'SKU-A'],
      ],
      'below it: a lookup per page',
    );
    assert.equal(inBulk.saved, [
      ['A', 'B'],
      ['C', 'D'],
      ['E', 'F'],
    ]);
    assert.equal(inBulk.report, searched.report);
    assert.equal(inBulk.mapped, searched.mapped);
    assert.equal([inBulk.report.mapped, inBulk.report.unmatched.length, inBulk.report.ambiguous.length], [4, 1, 1]);
  },
);

examples('a product added or whose SKU changed between the two passes is asked for on its own page', async () => {
  const store = await storeWith([
    ['A', 'SKU-A'],
    ['B', 'SKU-B'],
    ['C', 'SKU-C'],
  ]);
  const shopify = shopifyStandIn();
  shopify.bulkSkusFrom(3);
  for (const [i, id] of ['A', 'B', 'C', 'X', 'D'].entries()) shopify.sku(`SKU-${id}`, [item(i + 1)]);
  let asked = 0;
  const deps: MapProductsDeps = {
    ...store,
    ...shopify,
    ...steppingClock(),
    // While Shopify answers the bulk lookup, B's SKU changes in the OMS and D appears.
    inventoryItemsBySku: (skus) => async () => {
      if (asked++ === 0) {
        await run(store.saveProducts([{ productId: 'D', externalId: '9' }]));
        await run(
          store.saveProductSkus([
            { productId: 'B', sku: 'SKU-X' },
            { productId: 'D', sku: 'SKU-D' },
          ]),
        );
      }
      return shopify.inventoryItemsBySku(skus)();
    },
  };
  const report = await run(mapProducts({ shop: SHOP, pageSize: 2 })(deps));
  assert.equal(
    shopify.calls.map((c) => (c.op === 'inventoryItemsBySku' ? c.skus : [])),
    [['SKU-A', 'SKU-B', 'SKU-C'], ['SKU-X'], ['SKU-D']],
  );
  assert.equal([report.products, report.mapped], [4, 4]);
  assert.equal(await mappedInShop(store), [
    ['A', item(1)],
    ['B', item(4)],
    ['C', item(3)],
    ['D', item(5)],
  ]);
});

examples('no product with a SKU: nothing is looked up', async () => {
  const store = await storeWith([['A', null]]);
  const shopify = shopifyStandIn();
  const report = await run(mapProducts(config)({ ...store, ...shopify, ...steppingClock() }));
  assert.equal([report.products, report.mapped, report.unmatched, report.ambiguous], [0, 0, [], []]);
  assert.equal(shopify.calls, []);
});

examples('durationMs is the clock between the start and the end of the run', async () => {
  const store = await storeWith([['A', 'SKU-A']]);
  const report = await run(mapProducts(config)({ ...store, ...shopifyStandIn(), ...steppingClock(0, 11) }));
  assert.is(report.durationMs, 11);
});

const failures = suite('mapProducts: what stops it');

failures('a Shopify error ends the run; the pages saved before it stay saved', async () => {
  const store = await storeWith([
    ['A', 'SKU-A'],
    ['B', 'SKU-B'],
  ]);
  const shopify = shopifyStandIn();
  shopify.sku('SKU-A', [item(1)]);
  shopify.sku('SKU-B', [item(2)]);
  let lookups = 0;
  const deps: MapProductsDeps = {
    ...store,
    ...steppingClock(),
    findsSkusInBulk: shopify.findsSkusInBulk,
    inventoryItemsBySku: (skus) => {
      if (lookups++ === 1) shopify.failNext({ _tag: 'ShopifyThrottled', retryAfterMs: 2000, retriable: true });
      return shopify.inventoryItemsBySku(skus);
    },
  };
  const error = await runLeft(mapProducts({ shop: SHOP, pageSize: 1 })(deps));
  assert.equal(error, { _tag: 'ShopifyThrottled', retryAfterMs: 2000, retriable: true });
  assert.equal(await mappedInShop(store), [['A', item(1)]]);
});

failures('a store error reading or saving ends the run with it', async () => {
  const store = await storeWith([['A', 'SKU-A']]);
  const shopify = shopifyStandIn();
  shopify.sku('SKU-A', [item(1)]);
  const base = { ...store, ...shopify, ...steppingClock() };
  assert.equal(
    await runLeft(mapProducts(config)({ ...base, productSkus: () => TE.left(storeUnavailable('read')) })),
    storeUnavailable('read'),
  );
  assert.equal(
    await runLeft(mapProducts(config)({ ...base, saveMappings: () => TE.left(storeUnavailable('write')) })),
    storeUnavailable('write'),
  );
});

const properties = suite('mapProducts: properties');

properties('each product with a SKU is mapped, unmatched or ambiguous by how many items its SKU has', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.uniqueArray(fc.tuple(identifier('P'), fc.constantFrom('S1', 'S2', 'S3', 'S4', 'S5')), {
        selector: ([id]) => id,
        maxLength: 20,
      }),
      fc.array(fc.nat({ max: 2 }), { minLength: 5, maxLength: 5 }),
      fc.integer({ min: 1, max: 6 }),
      // From how many SKUs the shop looks up in bulk (7: never, there are 5).
      fc.integer({ min: 1, max: 7 }),
      async (products, itemsPerSku, pageSize, bulkFrom) => {
        const store = await storeWith(products);
        const shopify = shopifyStandIn();
        shopify.bulkSkusFrom(bulkFrom);
        const itemsOf = new Map(
          ['S1', 'S2', 'S3', 'S4', 'S5'].map((sku, s) => [
            sku,
            Array.from({ length: itemsPerSku[s]! }, (_, k) => item(`${s}${k}`)),
          ]),
        );
        for (const [sku, items] of itemsOf) shopify.sku(sku, items);
        const saved: InventoryItemMapping[] = [];
        const report = await run(
          mapProducts({ shop: SHOP, pageSize })({
            ...store,
            ...shopify,
            ...steppingClock(),
            saveMappings: (shop, mappings) => {
              saved.push(...mappings);
              return store.saveMappings(shop, mappings);
            },
          }),
        );
        const byId = [...products].sort(([a], [b]) => (a < b ? -1 : 1));
        const expected = byId.map(([productId, sku]): InventoryItemMapping => {
          const items = itemsOf.get(sku)!;
          return items.length === 1
            ? { productId, sku, status: 'mapped', inventoryItemId: items[0]! }
            : items.length === 0
              ? { productId, sku, status: 'unmatched' }
              : { productId, sku, status: 'ambiguous', candidates: items };
        });
        assert.equal(saved, expected);
        assert.is(report.products, products.length);
        const skus = new Set(products.map(([, sku]) => sku)).size;
        const pages = Math.ceil(products.length / pageSize);
        assert.is(shopify.calls.length, skus >= bulkFrom ? 1 : pages, 'one lookup in bulk, else one a page');
        assert.is(report.mapped + report.unmatched.length + report.ambiguous.length, products.length);
        assert.equal(
          await mappedInShop(store),
          expected.flatMap((m) => (m.status === 'mapped' ? [[m.productId, m.inventoryItemId]] : [])),
        );
      },
    ),
    { numRuns: 60 },
  );
});

examples.run();
failures.run();
properties.run();
