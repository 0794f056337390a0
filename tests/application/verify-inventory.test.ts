import fc from 'fast-check';
import * as TE from 'fp-ts/lib/TaskEither.js';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { memoryInventoryStore } from '../../src/adapters/memory/memory-inventory-store.ts';
import { deltaConsumer } from '../../src/application/channel-sync.ts';
import { mapProducts } from '../../src/application/map-products.ts';
import { verifyInventory, type VerifyConfig, type VerifyDeps } from '../../src/application/verify-inventory.ts';
import { CHANNEL_FAC_GROUP } from '../../src/domain/index.ts';
import { channelCatalogue, type CatalogueProduct } from '../arbitraries.ts';
import {
  GROUP,
  LOCATION,
  channelStore,
  expectedAtp,
  item,
  shopifyStandIn,
  steppingClock,
  storeUnavailable,
  type ProductSpec,
  type ShopifyStandIn,
} from '../support/channel-world.ts';
import { run, runLeft } from '../support/run.ts';
import { shopifyScenario } from '../support/shopify-scenario.ts';

// The seed's worked example: P1 has 95 at the web warehouse (reserved 5, safety stock 5), 5 at a store outside the
// group, threshold 5 and 5 in the brokering queue: online ATP 100 - (5+5+5+5+5) = 75. P4 is not mapped.
const CATALOGUE: ReadonlyArray<ProductSpec> = [
  {
    productId: 'P1',
    quantityOnHand: 95,
    reservedQuantity: 5,
    safetyStock: 5,
    outside: 5,
    threshold: 5,
    brokeringQueue: 5,
    inventoryItemId: item(1),
  },
  { productId: 'P2', quantityOnHand: 12, reservedQuantity: 2, inventoryItemId: item(2) },
  { productId: 'P3', quantityOnHand: 40, inventoryItemId: item(3) },
  { productId: 'P4', quantityOnHand: 7, inventoryItemId: null },
];

const config = (over: Partial<VerifyConfig> = {}): VerifyConfig => ({
  facilityGroupId: GROUP,
  sample: null,
  pageSize: 100,
  ...over,
});

/** The worked example: Shopify holds 75 for P1 (equal), 9 for P2 (drift), nothing for P3, and an unmapped item. */
const workedExample = async () => {
  const store = await channelStore(CATALOGUE);
  const shopify = shopifyStandIn();
  shopify.stock(item(1), 75);
  shopify.stock(item(2), 9);
  shopify.stock(item(99), 3);
  const clock = steppingClock();
  const pages: Array<string | null> = [];
  const deps: VerifyDeps = {
    ...store,
    mappedProductPage: (channel, after, limit) => {
      pages.push(after);
      return store.mappedProductPage(channel, after, limit);
    },
    ...shopify,
    ...clock,
  };
  return { store, shopify, deps, pages };
};

const reads = (shopify: ShopifyStandIn) => shopify.calls.map((c) => c.op);

const all = suite('verifyInventory: the whole channel (sample null)');

all(
  'the worked example: 75 is equal, 10 against 9 drifts, an item Shopify does not stock drifts with null',
  async () => {
    const { deps, shopify } = await workedExample();
    const report = await run(verifyInventory(config())(deps));
    assert.equal(
      { ...report, durationMs: 0 },
      {
        facilityGroupId: GROUP,
        shop: 'acme.myshopify.com',
        locationId: LOCATION,
        checked: 3,
        equal: 1,
        drifted: [
          { productId: 'P2', inventoryItemId: item(2), locationId: LOCATION, quantity: 10, shopify: 9 },
          { productId: 'P3', inventoryItemId: item(3), locationId: LOCATION, quantity: 40, shopify: null },
        ],
        durationMs: 0,
      },
    );
    // One read of the whole location (a bulk query that spends no rate limit), never the per-item read.
    assert.equal(shopify.calls, [{ op: 'availableAtLocation', locationId: LOCATION }]);
  },
);

all('every page of mapped products is read, however small the page', async () => {
  const { deps, pages } = await workedExample();
  const report = await run(verifyInventory(config({ pageSize: 1 }))(deps));
  assert.is(report.checked, 3);
  assert.equal(pages, [null, 'P1', 'P2', 'P3']);
});

all('changes nothing: no pending change taken, no ledger entry written, only reads of Shopify', async () => {
  const { deps, store, shopify } = await workedExample();
  const pending = await run(store.changedProducts(deltaConsumer(GROUP), null, 100));
  await run(verifyInventory(config())(deps));
  await run(verifyInventory(config({ sample: 2 }))(deps));
  assert.equal(await run(store.changedProducts(deltaConsumer(GROUP), null, 100)), pending);
  assert.equal(await run(store.ledger('acme.myshopify.com', LOCATION, [item(1), item(2), item(3)])), []);
  assert.equal(reads(shopify), ['availableAtLocation', 'availableOf']);
});

all('a channel with no mapped product checks nothing and finds nothing', async () => {
  const store = await channelStore([{ productId: 'P1', quantityOnHand: 3, inventoryItemId: null }]);
  const shopify = shopifyStandIn();
  shopify.stock(item(1), 3);
  const report = await run(verifyInventory(config())({ ...store, ...shopify, ...steppingClock() }));
  assert.equal([report.checked, report.equal, report.drifted], [0, 0, []]);
});

all('durationMs is the clock between the start and the end of the run', async () => {
  const { deps } = await workedExample();
  const report = await run(verifyInventory(config())({ ...deps, ...steppingClock(Date.UTC(2026, 0, 1), 7) }));
  assert.is(report.durationMs, 7);
});

const sampled = suite('verifyInventory: a sample');

sampled('sample 2 checks the first two mapped products by id, reading only their items from Shopify', async () => {
  const { deps, shopify } = await workedExample();
  const report = await run(verifyInventory(config({ sample: 2 }))(deps));
  assert.equal([report.checked, report.equal], [2, 1]);
  assert.equal(
    report.drifted.map((d) => [d.productId, d.quantity, d.shopify]),
    [['P2', 10, 9]],
  );
  assert.equal(shopify.calls, [{ op: 'availableOf', locationId: LOCATION, inventoryItemIds: [item(1), item(2)] }]);
});

sampled('a sample reads no page beyond what it needs', async () => {
  const { deps, pages } = await workedExample();
  const report = await run(verifyInventory(config({ sample: 2, pageSize: 1 }))(deps));
  assert.is(report.checked, 2);
  assert.equal(pages, [null, 'P1']);
  const wide = await workedExample();
  await run(verifyInventory(config({ sample: 1, pageSize: 100 }))(wide.deps));
  assert.equal(wide.pages, [null], 'a sample below the page size asks for one page of the sample size');
});

sampled('a sample larger than the catalogue checks every mapped product', async () => {
  const { deps, shopify } = await workedExample();
  const report = await run(verifyInventory(config({ sample: 50, pageSize: 2 }))(deps));
  assert.equal([report.checked, report.equal, report.drifted.length], [3, 1, 2]);
  assert.equal(shopify.calls, [
    { op: 'availableOf', locationId: LOCATION, inventoryItemIds: [item(1), item(2), item(3)] },
  ]);
});

sampled('sample 0 checks nothing', async () => {
  const { deps, pages } = await workedExample();
  const report = await run(verifyInventory(config({ sample: 0 }))(deps));
  assert.equal([report.checked, report.equal, report.drifted], [0, 0, []]);
  assert.equal(pages, []);
});

const named = suite('verifyInventory: named products (productIds)');

named('only the named mapped products, read by id with one per-item read; an unmapped one is left out', async () => {
  const { deps, shopify, pages } = await workedExample();
  const report = await run(verifyInventory(config({ productIds: ['P2', 'P4'], sample: 1 }))(deps));
  assert.equal([report.checked, report.equal], [1, 0]);
  assert.equal(report.drifted, [
    { productId: 'P2', inventoryItemId: item(2), locationId: LOCATION, quantity: 10, shopify: 9 },
  ]);
  assert.equal(pages, [], 'no page of the catalogue read');
  assert.equal(shopify.calls, [{ op: 'availableOf', locationId: LOCATION, inventoryItemIds: [item(2)] }]);
  const equal = await run(verifyInventory(config({ productIds: ['P1'] }))(deps));
  assert.equal([equal.checked, equal.equal, equal.drifted], [1, 1, []], 'the worked example: 75 against 75');
});

const failures = suite('verifyInventory: what stops it');

failures('a facility group that does not exist, is not a channel group, or has no Shopify location', async () => {
  const store = memoryInventoryStore();
  await run(store.saveFacilityGroup({ facilityGroupId: 'PICKUP', facilityGroupTypeId: 'PICKUP', facilityIds: [] }));
  await run(
    store.saveFacilityGroup({ facilityGroupId: 'BARE', facilityGroupTypeId: CHANNEL_FAC_GROUP, facilityIds: [] }),
  );
  const shopify = shopifyStandIn();
  const deps = { ...store, ...shopify, ...steppingClock() };
  assert.equal(await runLeft(verifyInventory(config({ facilityGroupId: 'NOPE' }))(deps)), {
    _tag: 'FacilityGroupNotFound',
    facilityGroupId: 'NOPE',
    retriable: false,
  });
  assert.equal(await runLeft(verifyInventory(config({ facilityGroupId: 'PICKUP' }))(deps)), {
    _tag: 'NotAChannelFacilityGroup',
    facilityGroupId: 'PICKUP',
    facilityGroupTypeId: 'PICKUP',
    retriable: false,
  });
  assert.equal(await runLeft(verifyInventory(config({ facilityGroupId: 'BARE' }))(deps)), {
    _tag: 'NoShopifyLocation',
    facilityGroupId: 'BARE',
    retriable: false,
  });
  assert.equal(shopify.calls, [], 'Shopify is not asked when there is no channel');
});

failures('a Shopify error ends the run with that error, for the whole channel and for a sample', async () => {
  const { deps, shopify } = await workedExample();
  shopify.failNext({ _tag: 'ShopifyThrottled', retryAfterMs: 1000, retriable: true });
  assert.equal(await runLeft(verifyInventory(config())(deps)), {
    _tag: 'ShopifyThrottled',
    retryAfterMs: 1000,
    retriable: true,
  });
  shopify.failNext({ _tag: 'ShopifyUnauthorized', reason: 'bad token', retriable: false });
  assert.is((await runLeft(verifyInventory(config({ sample: 1 }))(deps)))._tag, 'ShopifyUnauthorized');
});

failures('a store error while paging ends the run before Shopify is read', async () => {
  const { deps, shopify } = await workedExample();
  let pagesServed = 0;
  const failing: VerifyDeps = {
    ...deps,
    mappedProductPage: (channel, after, limit) =>
      pagesServed++ === 0 ? deps.mappedProductPage(channel, after, limit) : TE.left(storeUnavailable()),
  };
  assert.equal(await runLeft(verifyInventory(config({ pageSize: 1 }))(failing)), storeUnavailable());
  assert.equal(shopify.calls, []);
  const noChannel: VerifyDeps = { ...deps, salesChannel: () => TE.left(storeUnavailable('down')) };
  assert.equal(await runLeft(verifyInventory(config())(noChannel)), storeUnavailable('down'));
});

const properties = suite('verifyInventory: properties');

const arrange = async (products: ReadonlyArray<CatalogueProduct>) => {
  const store = await channelStore(products);
  const shopify = shopifyStandIn();
  for (const p of products) {
    if (p.inventoryItemId === null || p.shopify.kind === 'not-stocked') continue;
    shopify.stock(p.inventoryItemId, p.shopify.kind === 'atp' ? expectedAtp(p) : p.shopify.quantity);
  }
  return { store, shopify, deps: { ...store, ...shopify, ...steppingClock() } };
};

const shopifyOf = (p: CatalogueProduct): number | null =>
  p.shopify.kind === 'not-stocked' ? null : p.shopify.kind === 'atp' ? expectedAtp(p) : p.shopify.quantity;

const byId = (a: { productId: string }, b: { productId: string }) =>
  a.productId < b.productId ? -1 : a.productId > b.productId ? 1 : 0;

properties('the drift is exactly the mapped products whose Shopify value is not their online ATP', async () => {
  await fc.assert(
    fc.asyncProperty(channelCatalogue(), fc.integer({ min: 1, max: 7 }), async (products, pageSize) => {
      const { deps } = await arrange(products);
      const report = await run(verifyInventory(config({ pageSize }))(deps));
      const mapped = products.filter((p) => p.inventoryItemId !== null).sort(byId);
      const expected = mapped
        .filter((p) => shopifyOf(p) !== expectedAtp(p))
        .map((p) => ({
          productId: p.productId,
          inventoryItemId: p.inventoryItemId!,
          locationId: LOCATION,
          quantity: expectedAtp(p),
          shopify: shopifyOf(p),
        }));
      assert.equal(report.drifted, expected);
      assert.is(report.checked, mapped.length);
      assert.is(report.equal, mapped.length - expected.length);
    }),
    { numRuns: 60 },
  );
});

properties('a sample of k checks the first k mapped products by id, and reads only their items', async () => {
  await fc.assert(
    fc.asyncProperty(
      channelCatalogue(),
      fc.integer({ min: 0, max: 25 }),
      fc.integer({ min: 1, max: 7 }),
      async (products, sample, pageSize) => {
        const { deps, shopify } = await arrange(products);
        const report = await run(verifyInventory(config({ sample, pageSize }))(deps));
        const first = products
          .filter((p) => p.inventoryItemId !== null)
          .sort(byId)
          .slice(0, sample);
        assert.is(report.checked, first.length);
        assert.equal(
          report.drifted.map((d) => d.productId),
          first.filter((p) => shopifyOf(p) !== expectedAtp(p)).map((p) => p.productId),
        );
        assert.equal(
          shopify.calls.map((c) => (c.op === 'availableOf' ? c.inventoryItemIds : c.op)),
          [first.map((p) => p.inventoryItemId!)],
        );
      },
    ),
    { numRuns: 60 },
  );
});

const server = suite('verifyInventory: against the local Shopify Admin server');

server('before any push every item drifts from 0; once Shopify holds the online ATP, none does', async () => {
  const store = memoryInventoryStore();
  const s = await shopifyScenario(store);
  try {
    await run(mapProducts({ shop: s.server.shopDomain, pageSize: 100 })(s.deps));
    const before = await run(verifyInventory(config())(s.deps));
    assert.equal(
      before.drifted.map((d) => [d.productId, d.quantity, d.shopify]),
      [
        ['P1', 75, 0],
        ['P2', 10, 0],
        ['P3', 40, 0],
      ],
    );
    s.server.stock(s.items.P1, s.location, 75);
    s.server.stock(s.items.P2, s.location, 10);
    s.server.stock(s.items.P3, s.location, 40);
    const after = await run(verifyInventory(config())(s.deps));
    assert.equal([after.checked, after.equal, after.drifted], [3, 3, []]);
    // A Shopify-side sale shows up as drift; the sampled path (per-item read) sees it too.
    s.server.sell(s.items.P1, s.location, 2);
    const sample = await run(verifyInventory(config({ sample: 1 }))(s.deps));
    assert.equal(
      [sample.checked, sample.drifted.map((d) => [d.productId, d.quantity, d.shopify])],
      [1, [['P1', 75, 73]]],
    );
    assert.is(s.server.stats.setCalls, 0, 'verification never sets a quantity');
  } finally {
    await s.dispose();
  }
});

all.run();
sampled.run();
named.run();
failures.run();
properties.run();
server.run();
