import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { memoryInventoryStore, type MemoryInventoryStore } from '../../src/adapters/memory/memory-inventory-store.ts';
import { deltaConsumer, pendingChanges } from '../../src/application/channel-sync.ts';
import { decodeFeed, feedFileName } from '../../src/application/feed-file.ts';
import {
  pushRecentChanges,
  type PushChangesConfig,
  type PushChangesDeps,
} from '../../src/application/push-recent-changes.ts';
import { CHANNEL_FAC_GROUP, type FeedLine } from '../../src/domain/index.ts';
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
  steppingClock,
  storeUnavailable,
  type ProductSpec,
} from '../support/channel-world.ts';
import { run, runLeft } from '../support/run.ts';

const START = Date.UTC(2026, 10, 22, 3, 15, 0);
const CONSUMER = deltaConsumer(GROUP);

const config = (over: Partial<PushChangesConfig> = {}): PushChangesConfig => ({
  facilityGroupId: GROUP,
  runId: 'push-1',
  pageSize: 100,
  ...over,
});

// The worked example after a push: Shopify (the ledger) holds P1's 75, P2's 10 and P3's 40; nothing is pending.
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

/** Records what the ledger says Shopify holds, as a settled batch does. */
const seedLedger = (store: MemoryInventoryStore, entries: ReadonlyArray<[inventoryItemId: string, quantity: number]>) =>
  run(
    store.settleBatch({
      feed: 'seed.jsonl',
      nextLine: entries.length,
      shop: SHOP,
      confirmed: entries.map(([inventoryItemId, quantity]) => ({
        inventoryItemId,
        locationId: LOCATION,
        quantity,
        runId: 'seed',
      })),
      failed: [],
      at: new Date(START - 60_000),
    }),
  );

const takeAll = async (store: MemoryInventoryStore) => run(store.moveCursor(CONSUMER, await run(store.ledgerHead())));

const pendingIds = async (store: MemoryInventoryStore) =>
  (await run(pendingChanges(store, CONSUMER, 100))).map((c) => c.productId);

const position = (productId: string, quantityOnHand: number, reservedQuantity = 0) => ({
  productId,
  facilityId: WEB_WH,
  quantityOnHand,
  reservedQuantity,
  safetyStock: productId === 'P1' ? 5 : 0,
});

const afterAPush = async () => {
  const store = await channelStore(CATALOGUE);
  await seedLedger(store, [
    [item(1), 75],
    [item(2), 10],
    [item(3), 40],
  ]);
  await takeAll(store);
  const outbox = memoryOutbox();
  const deps: PushChangesDeps = { ...store, ...steppingClock(START), outbox };
  return { store, outbox, deps };
};

const linesOf = (outbox: ReturnType<typeof memoryOutbox>, name: string | null): ReadonlyArray<FeedLine> => {
  if (name === null) return [];
  const feed = decodeFeed(name, outbox.files.get(name) ?? '');
  if (E.isLeft(feed)) throw new Error(feed.left.reason);
  return feed.right.lines;
};

const examples = suite('pushRecentChanges: only what moved');

examples('a sale, an edit that does not move ATP, an unmapped product, a newly mapped one', async () => {
  const { store, outbox, deps } = await afterAPush();
  await run(store.savePositions([position('P1', 95, 8)])); // 75 -> 72
  await run(store.savePositions([position('P2', 13, 3)])); // changed, still 10
  await run(store.savePositions([position('P4', 9)])); // not mapped in the shop
  await run(store.saveMappings(SHOP, [{ productId: 'P5', sku: 'SKU-P5', status: 'mapped', inventoryItemId: item(5) }]));
  const cursor = await run(store.changeCursor(CONSUMER));
  const head = await run(store.ledgerHead());
  const report = await run(pushRecentChanges(config())(deps));
  const name = feedFileName('push-changes', GROUP, 'push-1', new Date(START));
  assert.ok(cursor !== null && cursor < head, `changes after the cursor (${cursor}, ${head}]`);
  assert.equal(
    { ...report, durationMs: 0 },
    {
      runId: 'push-1',
      facilityGroupId: GROUP,
      feed: name,
      changedProducts: 4,
      ledger: { after: cursor, through: head },
      mappedProducts: 3,
      lines: 2,
      unchanged: 1,
      rejected: [],
      sharedInventoryItems: [],
      startedAt: new Date(START),
      durationMs: 0,
    },
  );
  // The basis is left to Process uploads (the ledger's value when it applies the line); an item never pushed is a
  // change even at 0, since Shopify's value for it is unknown.
  assert.equal(linesOf(outbox, name), [
    { productId: 'P1', inventoryItemId: item(1), locationId: LOCATION, quantity: 72, basis: null },
    { productId: 'P5', inventoryItemId: item(5), locationId: LOCATION, quantity: 0, basis: null },
  ]);
  const header = decodeFeed(name, outbox.files.get(name)!);
  assert.ok(E.isRight(header) && header.right.header.job === 'push-changes' && header.right.header.shop === SHOP);
});

examples('no change, no feed: nothing is written', async () => {
  const { outbox, deps } = await afterAPush();
  const report = await run(pushRecentChanges(config())(deps));
  assert.equal([report.changedProducts, report.lines, report.feed], [0, 0, null]);
  assert.is(outbox.files.size, 0);
});

examples('changes whose ATP equals the ledger are taken too, without a feed', async () => {
  const { store, outbox, deps } = await afterAPush();
  await run(store.savePositions([position('P2', 13, 3), position('P3', 41, 1)]));
  const report = await run(pushRecentChanges(config())(deps));
  assert.equal([report.changedProducts, report.unchanged, report.lines, report.feed], [2, 2, 0, null]);
  assert.equal(await pendingIds(store), []);
  assert.is(outbox.files.size, 0);
  await run(store.savePositions([position('P2', 13, 3)]));
  assert.equal(await pendingIds(store), [], 'a setter that changes nothing records no event and no change');
});

examples('the page size changes nothing in the feed', async () => {
  const lines = [];
  for (const pageSize of [100, 2, 1]) {
    const { store, outbox, deps } = await afterAPush();
    await run(store.savePositions([position('P1', 95, 8), position('P2', 20, 2), position('P3', 40, 1)]));
    const report = await run(pushRecentChanges(config({ pageSize }))(deps));
    assert.equal([report.changedProducts, report.lines], [3, 3], `page size ${pageSize}`);
    lines.push(linesOf(outbox, report.feed));
  }
  assert.equal(lines[1], lines[0]);
  assert.equal(lines[2], lines[0]);
});

const taking = suite('pushRecentChanges: when the changes are taken');

taking('after the feed is written: the next run has nothing to do', async () => {
  const { store, deps } = await afterAPush();
  await run(store.savePositions([position('P1', 95, 8)]));
  await run(pushRecentChanges(config())(deps));
  assert.equal(await pendingIds(store), []);
  const again = await run(pushRecentChanges(config({ runId: 'push-2' }))(deps));
  assert.equal([again.changedProducts, again.lines, again.feed], [0, 0, null]);
});

taking('a failed write leaves the changes pending; the rerun writes the same lines', async () => {
  const { store, outbox, deps } = await afterAPush();
  await run(store.savePositions([position('P1', 95, 8)]));
  outbox.failWrites = { _tag: 'FileStoreUnavailable', store: 'outbox', reason: 'disk full', retriable: true };
  assert.equal(await runLeft(pushRecentChanges(config())(deps)), outbox.failWrites);
  assert.equal(await pendingIds(store), ['P1']);
  outbox.failWrites = null;
  const report = await run(pushRecentChanges(config())(deps));
  assert.equal(
    linesOf(outbox, report.feed).map((l) => [l.productId, l.quantity]),
    [['P1', 72]],
  );
  assert.equal(await pendingIds(store), []);
});

taking('a change made while the run goes on stays pending for the next run', async () => {
  const { store, deps } = await afterAPush();
  await run(store.savePositions([position('P1', 95, 8)]));
  const racing: PushChangesDeps = {
    ...deps,
    ledger: (shop, locationId, ids) => async () => {
      await run(store.savePositions([position('P1', 95, 9)]));
      return store.ledger(shop, locationId, ids)();
    },
  };
  await run(pushRecentChanges(config())(racing));
  assert.equal(await pendingIds(store), ['P1']);
});

const failures = suite('pushRecentChanges: what stops it');

failures('a store error reading the mapped products or the ledger: nothing written, nothing taken', async () => {
  for (const broken of [
    { mappedProducts: () => TE.left(storeUnavailable()) },
    { ledger: () => TE.left(storeUnavailable()) },
  ]) {
    const { store, outbox, deps } = await afterAPush();
    await run(store.savePositions([position('P1', 95, 8)]));
    assert.equal(await runLeft(pushRecentChanges(config())({ ...deps, ...broken })), storeUnavailable());
    assert.is(outbox.files.size, 0);
    assert.equal(await pendingIds(store), ['P1']);
  }
});

failures('a facility group that is missing, not a channel group, or without a location', async () => {
  const store = memoryInventoryStore();
  await run(store.saveFacilityGroup({ facilityGroupId: 'PICKUP', facilityGroupTypeId: 'PICKUP', facilityIds: [] }));
  await run(
    store.saveFacilityGroup({ facilityGroupId: 'BARE', facilityGroupTypeId: CHANNEL_FAC_GROUP, facilityIds: [] }),
  );
  const deps: PushChangesDeps = { ...store, ...steppingClock(), outbox: memoryOutbox() };
  const tags = [];
  for (const facilityGroupId of ['NOPE', 'PICKUP', 'BARE'])
    tags.push((await runLeft(pushRecentChanges(config({ facilityGroupId }))(deps)))._tag);
  assert.equal(tags, ['FacilityGroupNotFound', 'NotAChannelFacilityGroup', 'NoShopifyLocation']);
});

const properties = suite('pushRecentChanges: properties');

// The catalogue's `shopify` holding is read as what the ledger says Shopify holds (`not-stocked`: never pushed).
const ledgerValue = (p: CatalogueProduct): number | undefined =>
  p.shopify.kind === 'not-stocked' ? undefined : p.shopify.kind === 'atp' ? expectedAtp(p) : p.shopify.quantity;

properties('a line for exactly each changed mapped product whose online ATP is not in the ledger', async () => {
  await fc.assert(
    fc.asyncProperty(channelCatalogue(), fc.integer({ min: 1, max: 6 }), async (products, pageSize) => {
      const store = await channelStore(products);
      await seedLedger(
        store,
        products.flatMap((p) => {
          const held = ledgerValue(p);
          return p.inventoryItemId === null || held === undefined
            ? []
            : [[p.inventoryItemId, held] as [string, number]];
        }),
      );
      const outbox = memoryOutbox();
      const report = await run(pushRecentChanges(config({ pageSize }))({ ...store, ...steppingClock(), outbox }));
      const mapped = products
        .filter((p) => p.inventoryItemId !== null)
        .sort((a, b) => (a.productId < b.productId ? -1 : 1));
      const moved = mapped.filter((p) => ledgerValue(p) !== expectedAtp(p));
      assert.equal(
        linesOf(outbox, report.feed),
        moved.map((p) => ({
          productId: p.productId,
          inventoryItemId: p.inventoryItemId!,
          locationId: LOCATION,
          quantity: expectedAtp(p),
          basis: null,
        })),
      );
      assert.equal(
        [report.changedProducts, report.mappedProducts, report.lines, report.unchanged],
        [products.length, mapped.length, moved.length, mapped.length - moved.length],
      );
      assert.equal(await pendingIds(store), []);
    }),
    { numRuns: 60 },
  );
});

examples.run();
taking.run();
failures.run();
properties.run();
