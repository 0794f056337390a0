import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { memoryInventoryStore } from '../../src/adapters/memory/memory-inventory-store.ts';
import { deltaConsumer } from '../../src/application/channel-sync.ts';
import { decodeFeed, feedFileName, type Feed } from '../../src/application/feed-file.ts';
import { hardSync, type HardSyncConfig, type HardSyncDeps } from '../../src/application/hard-sync.ts';
import { CHANNEL_FAC_GROUP } from '../../src/domain/index.ts';
import { channelCatalogue, type CatalogueProduct } from '../arbitraries.ts';
import {
  GROUP,
  LOCATION,
  SHOP,
  WEB_WH,
  channelStore,
  expectedAtp,
  item,
  memoryOutbox,
  shopifyStandIn,
  steppingClock,
  storeUnavailable,
  type ProductSpec,
} from '../support/channel-world.ts';
import { run, runLeft } from '../support/run.ts';

const START = Date.UTC(2026, 10, 22, 3, 0, 0);

// P1 is the seed's worked example (online ATP 75); Shopify holds 0 for it, already 10 for P2, and does not stock P3.
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
  { productId: 'P4', quantityOnHand: 8, inventoryItemId: null },
];

const config = (over: Partial<HardSyncConfig> = {}): HardSyncConfig => ({
  facilityGroupId: GROUP,
  runId: 'hard-1',
  pageSize: 100,
  ...over,
});

const setUp = async (products: ReadonlyArray<ProductSpec> = CATALOGUE) => {
  const store = await channelStore(products);
  const shopify = shopifyStandIn();
  const outbox = memoryOutbox();
  const deps: HardSyncDeps = { ...store, ...shopify, ...steppingClock(START), outbox };
  return { store, shopify, outbox, deps };
};

const workedExample = async () => {
  const world = await setUp();
  world.shopify.stock(item(1), 0);
  world.shopify.stock(item(2), 10);
  world.shopify.stock(item(99), 4);
  return world;
};

const feedOf = (outbox: ReturnType<typeof memoryOutbox>, name: string): Feed => {
  const text = outbox.files.get(name);
  if (text === undefined) throw new Error(`no feed ${name} in the outbox`);
  const feed = decodeFeed(name, text);
  if (E.isLeft(feed)) throw new Error(feed.left.reason);
  return feed.right;
};

const pending = (store: ReturnType<typeof memoryInventoryStore>) =>
  run(store.changedProducts(deltaConsumer(GROUP), null, 100));

const examples = suite('hardSync: the feed');

examples('the worked example: one feed line per stocked item, against what Shopify holds', async () => {
  const { deps, outbox } = await workedExample();
  const report = await run(hardSync(config())(deps));
  const name = feedFileName('hard-sync', GROUP, 'hard-1', new Date(START));
  assert.equal(
    { ...report, durationMs: 0, shopifyReadMs: 0 },
    {
      runId: 'hard-1',
      facilityGroupId: GROUP,
      shop: SHOP,
      locationId: LOCATION,
      feed: name,
      products: 3,
      lines: 2,
      alreadyEqual: 1,
      notStocked: [{ productId: 'P3', inventoryItemId: item(3), locationId: LOCATION, quantity: 40 }],
      sharedInventoryItems: [],
      startedAt: new Date(START),
      durationMs: 0,
      shopifyReadMs: 0,
      ledgerHead: await run(deps.ledgerHead()),
    },
  );
  assert.equal([...outbox.files.keys()], [name], 'one feed, at the outbox root');
  const feed = feedOf(outbox, name);
  assert.equal(feed.header, {
    format: 'oms-inventory-sync/feed@1',
    job: 'hard-sync',
    runId: 'hard-1',
    facilityGroupId: GROUP,
    shop: SHOP,
    locationId: LOCATION,
    createdAt: new Date(START).toISOString(),
    lines: 2,
  });
  assert.equal(feed.lines, [
    { productId: 'P1', inventoryItemId: item(1), locationId: LOCATION, quantity: 75, basis: 0 },
    { productId: 'P2', inventoryItemId: item(2), locationId: LOCATION, quantity: 10, basis: 10 },
  ]);
});

examples('Shopify is read once for the whole location; the page size changes nothing in the feed', async () => {
  const wide = await workedExample();
  const narrow = await workedExample();
  const a = await run(hardSync(config())(wide.deps));
  const b = await run(hardSync(config({ pageSize: 1 }))(narrow.deps));
  assert.equal(wide.shopify.calls, [{ op: 'availableAtLocation', locationId: LOCATION }]);
  assert.equal(narrow.shopify.calls, wide.shopify.calls);
  assert.equal(feedOf(narrow.outbox, b.feed!).lines, feedOf(wide.outbox, a.feed!).lines);
});

examples('no mapped product, or none that Shopify stocks: no feed is written', async () => {
  const none = await setUp([{ productId: 'P1', quantityOnHand: 3, inventoryItemId: null }]);
  const report = await run(hardSync(config())(none.deps));
  assert.equal([report.feed, report.products, report.lines], [null, 0, 0]);
  const unstocked = await setUp([{ productId: 'P1', quantityOnHand: 3, inventoryItemId: item(1) }]);
  const other = await run(hardSync(config())(unstocked.deps));
  assert.equal([other.feed, other.products, other.lines, other.notStocked.length], [null, 1, 0, 1]);
  assert.is(none.outbox.files.size + unstocked.outbox.files.size, 0);
});

examples('an inventory item two products map to is left out and reported, on one page or across pages', async () => {
  for (const pageSize of [100, 1]) {
    const { deps, shopify, outbox } = await setUp([
      { productId: 'P1', quantityOnHand: 5, inventoryItemId: item(1) },
      { productId: 'P2', quantityOnHand: 7, inventoryItemId: item(1) },
      { productId: 'P3', quantityOnHand: 9, inventoryItemId: item(3) },
    ]);
    shopify.stock(item(1), 0);
    shopify.stock(item(3), 0);
    const report = await run(hardSync(config({ pageSize }))(deps));
    assert.equal(report.sharedInventoryItems, [{ inventoryItemId: item(1), productIds: ['P1', 'P2'] }], `${pageSize}`);
    assert.equal(
      feedOf(outbox, report.feed!).lines.map((l) => l.productId),
      ['P3'],
      `page size ${pageSize}`,
    );
  }
});

examples('the run id and group in the feed name are reduced to safe characters', async () => {
  const { deps } = await workedExample();
  const report = await run(hardSync(config({ runId: 'run/1 x' }))(deps));
  assert.is(report.feed, '20261122T030000000Z-hard-sync-SHOPIFY_US-run_1_x.jsonl');
});

const changes = suite("hardSync: the delta push's pending changes");

changes('the changes pending before the run are taken: the next delta push has nothing to do', async () => {
  const { deps, store } = await workedExample();
  assert.equal(
    (await pending(store)).map((c) => c.productId),
    ['P1', 'P2', 'P3', 'P4'],
  );
  await run(hardSync(config())(deps));
  assert.equal(await pending(store), []);
});

changes('a change made while the run reads the catalogue stays pending for the next delta push', async () => {
  const { deps, store } = await workedExample();
  const racing: HardSyncDeps = {
    ...deps,
    mappedProductPage: (channel, after, limit) => async () => {
      // A sale lands after the pending changes were read.
      await run(
        store.savePositions([
          { productId: 'P2', facilityId: WEB_WH, quantityOnHand: 12, reservedQuantity: 3, safetyStock: 0 },
        ]),
      );
      return store.mappedProductPage(channel, after, limit)();
    },
  };
  await run(hardSync(config())(racing));
  assert.equal(
    (await pending(store)).map((c) => c.productId),
    ['P2'],
  );
});

changes('a failed write to the outbox leaves every change pending and reports the file store error', async () => {
  const { deps, store, outbox } = await workedExample();
  outbox.failWrites = { _tag: 'FileStoreUnavailable', store: 'outbox', reason: 'disk full', retriable: true };
  const error = await runLeft(hardSync(config())(deps));
  assert.equal(error, outbox.failWrites);
  assert.is((await pending(store)).length, 4);
});

const failures = suite('hardSync: what stops it');

failures('a Shopify error: nothing written, nothing taken', async () => {
  const { deps, store, shopify, outbox } = await workedExample();
  shopify.failNext({ _tag: 'ShopifyUnavailable', reason: '502', retriable: true });
  assert.equal(await runLeft(hardSync(config())(deps)), {
    _tag: 'ShopifyUnavailable',
    reason: '502',
    retriable: true,
  });
  assert.is(outbox.files.size, 0);
  assert.is((await pending(store)).length, 4);
});

failures('a store error while paging: nothing written, nothing taken', async () => {
  const { deps, store, outbox } = await workedExample();
  const error = await runLeft(hardSync(config())({ ...deps, mappedProductPage: () => TE.left(storeUnavailable()) }));
  assert.equal(error, storeUnavailable());
  assert.is(outbox.files.size, 0);
  assert.is((await pending(store)).length, 4);
});

failures('a facility group that is missing, not a channel group, or without a location', async () => {
  const store = memoryInventoryStore();
  await run(store.saveFacilityGroup({ facilityGroupId: 'PICKUP', facilityGroupTypeId: 'PICKUP', facilityIds: [] }));
  await run(
    store.saveFacilityGroup({ facilityGroupId: 'BARE', facilityGroupTypeId: CHANNEL_FAC_GROUP, facilityIds: [] }),
  );
  const shopify = shopifyStandIn();
  const deps: HardSyncDeps = { ...store, ...shopify, ...steppingClock(), outbox: memoryOutbox() };
  const tags = [];
  for (const facilityGroupId of ['NOPE', 'PICKUP', 'BARE'])
    tags.push((await runLeft(hardSync(config({ facilityGroupId }))(deps)))._tag);
  assert.equal(tags, ['FacilityGroupNotFound', 'NotAChannelFacilityGroup', 'NoShopifyLocation']);
  assert.equal(shopify.calls, []);
});

const properties = suite('hardSync: properties');

const shopifyValue = (p: CatalogueProduct): number | undefined =>
  p.shopify.kind === 'not-stocked' ? undefined : p.shopify.kind === 'atp' ? expectedAtp(p) : p.shopify.quantity;

properties('each mapped product is a line (target = online ATP, basis = Shopify) or not stocked', async () => {
  await fc.assert(
    fc.asyncProperty(channelCatalogue(), fc.integer({ min: 1, max: 6 }), async (products, pageSize) => {
      const { deps, shopify, outbox } = await setUp(products);
      for (const p of products) {
        const held = shopifyValue(p);
        if (p.inventoryItemId !== null && held !== undefined) shopify.stock(p.inventoryItemId, held);
      }
      const report = await run(hardSync(config({ pageSize }))(deps));
      const mapped = products
        .filter((p) => p.inventoryItemId !== null)
        .sort((a, b) => (a.productId < b.productId ? -1 : 1));
      const stocked = mapped.filter((p) => shopifyValue(p) !== undefined);
      const lines = report.feed === null ? [] : feedOf(outbox, report.feed).lines;
      assert.equal(
        lines,
        stocked.map((p) => ({
          productId: p.productId,
          inventoryItemId: p.inventoryItemId!,
          locationId: LOCATION,
          quantity: expectedAtp(p),
          basis: shopifyValue(p)!,
        })),
      );
      assert.equal(
        report.notStocked.map((t) => t.productId),
        mapped.filter((p) => shopifyValue(p) === undefined).map((p) => p.productId),
      );
      assert.is(report.products, mapped.length);
      assert.is(report.lines, stocked.length);
      assert.is(report.alreadyEqual, lines.filter((l) => l.basis === l.quantity).length);
      assert.is(report.feed === null, stocked.length === 0);
    }),
    { numRuns: 60 },
  );
});

examples.run();
changes.run();
failures.run();
properties.run();
