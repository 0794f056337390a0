// The ChannelStore, ProductMappingStore and ChannelSeed contract: one suite, run against every adapter (memory,
// PostgreSQL, SQLite) on the same store object the import uses.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type {
  BatchSettlement,
  ChannelSeed,
  Catalogue,
  ChangeLog,
  PushLedger,
  FrozenBatch,
  LedgerEntry,
  MappedProductInventory,
  ProductMappingStore,
  SalesChannel,
} from '../../../src/application/index.ts';
import { stockLevelsOf } from '../../../src/application/columnar.ts';
import type {
  InventoryHistory,
  InventoryLedger,
  InventorySeed,
  InventoryStore,
  Store,
} from '../../../src/application/index.ts';
import { CHANNEL_FAC_GROUP, type ChannelFacilityGroup } from '../../../src/domain/index.ts';
import { run, runLeft } from '../../support/run.ts';

/** Every port the stores serve. */
export type FullStore = InventoryStore &
  InventoryHistory &
  InventorySeed &
  Catalogue &
  ChangeLog &
  PushLedger &
  ProductMappingStore &
  ChannelSeed &
  InventoryLedger;

/** A store under test and how to dispose of it. */
export interface ChannelStoreUnderTest {
  readonly store: FullStore;
  readonly dispose: () => Promise<void>;
}

const SHOP = 'acme.myshopify.com';
const LOCATION = 'gid://shopify/Location/1';
const GROUP: ChannelFacilityGroup = {
  facilityGroupId: 'SHOPIFY_US',
  facilityGroupTypeId: CHANNEL_FAC_GROUP,
  facilityIds: ['STORE', 'WAREHOUSE'],
};
const CHANNEL: SalesChannel = { facilityGroup: GROUP, shop: SHOP, locationId: LOCATION };
const item = (n: number) => `gid://shopify/InventoryItem/${n}`;
const pid = (n: number) => `P${String(n).padStart(3, '0')}`;

const productsOf = (count: number) =>
  Array.from({ length: count }, (_, i) => ({ productId: pid(i + 1), externalId: String(9000 + i + 1) }));

const batch = (fromLine: number, toLine: number): FrozenBatch => ({
  fromLine,
  toLine,
  idempotencyKey: `run-1:feed-1:${fromLine}`,
  quantities: [
    { productId: 'P001', inventoryItemId: item(1), locationId: LOCATION, quantity: 5, changeFromQuantity: 7 },
    { productId: 'P002', inventoryItemId: item(2), locationId: LOCATION, quantity: 0, changeFromQuantity: null },
  ],
});

const settlement = (overrides: Partial<BatchSettlement> = {}): BatchSettlement => ({
  feed: 'feed-1',
  nextLine: 2,
  shop: SHOP,
  confirmed: [],
  failed: [],
  at: new Date('2026-12-01T10:00:00.000Z'),
  ...overrides,
});

const pendingOf = async (store: FullStore, consumer: string) =>
  (await run(store.changedProducts(consumer, null, 1000))).map((c) => c.productId);

/** Registers and runs the contract suite for one adapter. */
export const channelStoreContract = (adapter: string, open: () => Promise<ChannelStoreUnderTest>): void => {
  const test = suite(`ChannelStore contract: ${adapter}`);
  let subject: ChannelStoreUnderTest;
  test.before.each(async () => {
    subject = await open();
    // The setters write through the ledger, which knows only registered facilities.
    await run(
      subject.store.saveFacilities(
        ['WAREHOUSE', 'STORE', 'OUTLET'].map((facilityId, i) => ({ facilityId, externalId: `fac-${i + 1}` })),
      ),
    );
  });
  test.after.each(async () => {
    await subject.dispose();
  });

  test('an empty store has no channel, group, products, changes, ledger or progress', async () => {
    const { store } = subject;
    assert.is(await run(store.salesChannel('SHOPIFY_US')), null);
    assert.is(await run(store.facilityGroup('SHOPIFY_US')), null);
    assert.equal(await run(store.mappedProductPage(CHANNEL, null, 10)), []);
    assert.equal(await run(store.mappedProducts(CHANNEL, ['P001'])), []);
    assert.equal(await run(store.mappedProducts(CHANNEL, [])), []);
    assert.equal(await run(store.changedProducts('push:SHOPIFY_US', null, 10)), []);
    assert.equal(await run(store.ledger(SHOP, LOCATION, [item(1)])), []);
    assert.equal(await run(store.ledger(SHOP, LOCATION, [])), []);
    assert.is(await run(store.feedProgress('feed-1')), null);
    assert.equal(await run(store.failedLines('feed-1')), []);
    assert.equal(await run(store.productSkus(null, 10)), []);
  });

  test('salesChannel: null for a missing group, a group of another type, or a channel group without a location', async () => {
    const { store } = subject;
    await run(store.saveSalesChannel({ facilityGroupId: 'SHOPIFY_US', shop: SHOP, locationId: LOCATION }));
    assert.is(await run(store.salesChannel('SHOPIFY_US')), null, 'a sales channel row without its group');
    await run(
      store.saveFacilityGroup({ facilityGroupId: 'SHOPIFY_US', facilityGroupTypeId: 'PICKUP', facilityIds: ['STORE'] }),
    );
    assert.is(await run(store.salesChannel('SHOPIFY_US')), null, 'not a channel group');
    assert.equal(
      await run(store.facilityGroup('SHOPIFY_US')),
      { facilityGroupId: 'SHOPIFY_US', facilityGroupTypeId: 'PICKUP', facilityIds: ['STORE'] },
      'still a facility group',
    );
    await run(
      store.saveFacilityGroup({
        facilityGroupId: 'SHOPIFY_EU',
        facilityGroupTypeId: CHANNEL_FAC_GROUP,
        facilityIds: ['WAREHOUSE'],
      }),
    );
    assert.is(await run(store.salesChannel('SHOPIFY_EU')), null, 'a channel group that sells through no location');

    // Saving a group replaces its type and members.
    await run(
      store.saveFacilityGroup({
        facilityGroupId: 'SHOPIFY_US',
        facilityGroupTypeId: CHANNEL_FAC_GROUP,
        facilityIds: ['WAREHOUSE', 'STORE'],
      }),
    );
    assert.equal(await run(store.salesChannel('SHOPIFY_US')), CHANNEL);
    await run(
      store.saveFacilityGroup({
        facilityGroupId: 'SHOPIFY_US',
        facilityGroupTypeId: CHANNEL_FAC_GROUP,
        facilityIds: ['STORE'],
      }),
    );
    assert.equal((await run(store.salesChannel('SHOPIFY_US')))?.facilityGroup.facilityIds, ['STORE']);
    await run(
      store.saveFacilityGroup({
        facilityGroupId: 'SHOPIFY_US',
        facilityGroupTypeId: CHANNEL_FAC_GROUP,
        facilityIds: [],
      }),
    );
    assert.equal(
      await run(store.facilityGroup('SHOPIFY_US')),
      { facilityGroupId: 'SHOPIFY_US', facilityGroupTypeId: CHANNEL_FAC_GROUP, facilityIds: [] },
      'a group with no members',
    );
    await run(
      store.saveSalesChannel({
        facilityGroupId: 'SHOPIFY_US',
        shop: 'other.myshopify.com',
        locationId: 'gid://shopify/Location/2',
      }),
    );
    assert.equal(await run(store.salesChannel('SHOPIFY_US')), {
      facilityGroup: { ...GROUP, facilityIds: [] },
      shop: 'other.myshopify.com',
      locationId: 'gid://shopify/Location/2',
    });
  });

  test('setFacilityGroupMember: one facility in or out, a change marks what is stocked there, concurrent toggles all kept', async () => {
    const { store } = subject;
    assert.ok((await runLeft(store.setFacilityGroupMember('NOPE', 'STORE', true))).reason.includes('NOPE'));
    await run(
      store.saveFacilityGroup({ facilityGroupId: 'WEB', facilityGroupTypeId: CHANNEL_FAC_GROUP, facilityIds: [] }),
    );
    await run(
      store.saveStockLevels([{ productId: 'P009', facilityId: 'STORE', quantityOnHand: 4, availableToPromise: 4 }]),
    );
    await run(store.moveCursor('push:WEB', await run(store.ledgerHead())));
    assert.is(await run(store.setFacilityGroupMember('WEB', 'STORE', true)), true);
    assert.equal((await run(store.facilityGroup('WEB')))?.facilityIds, ['STORE']);
    assert.equal(
      (await run(store.changedProducts('push:WEB', null, 10))).map((c) => c.productId),
      ['P009'],
      'the product stocked at the facility that joined',
    );
    await run(store.moveCursor('push:WEB', await run(store.ledgerHead())));
    assert.is(await run(store.setFacilityGroupMember('WEB', 'STORE', true)), false, 'already in: unchanged');
    assert.is(await run(store.setFacilityGroupMember('WEB', 'OUTLET', false)), false, 'not in: unchanged');
    assert.equal(await run(store.changedProducts('push:WEB', null, 10)), [], 'nothing changed, nothing marked');
    // Three toggles of one group at once (each its own transaction on the SQL stores): none lost.
    const results = await Promise.all([
      run(store.setFacilityGroupMember('WEB', 'WAREHOUSE', true)),
      run(store.setFacilityGroupMember('WEB', 'OUTLET', true)),
      run(store.setFacilityGroupMember('WEB', 'STORE', false)),
    ]);
    assert.equal(results, [true, true, true]);
    assert.equal((await run(store.facilityGroup('WEB')))?.facilityIds, ['OUTLET', 'WAREHOUSE']);
  });

  test('mapped products: every position (excluded facilities too), reserved = QOH - ATP, safety stock, threshold, queue, defaults 0', async () => {
    const { store } = subject;
    await run(store.saveProducts(productsOf(4)));
    await run(
      store.savePositions([
        { productId: 'P001', facilityId: 'WAREHOUSE', quantityOnHand: 100, reservedQuantity: 5, safetyStock: 10 },
        { productId: 'P001', facilityId: 'STORE', quantityOnHand: 0.1, reservedQuantity: 0.2, safetyStock: 0.00001 },
        { productId: 'P001', facilityId: 'OUTLET', quantityOnHand: 8, reservedQuantity: 0, safetyStock: 0 },
      ]),
    );
    // Stock from the import carries QOH and ATP only: reserved is what ATP nets off, safety stock 0.
    await run(
      store.saveStockLevels([
        { productId: 'P002', facilityId: 'WAREHOUSE', quantityOnHand: 10, availableToPromise: 7.5 },
      ]),
    );
    await run(store.saveThresholds([{ productId: 'P001', threshold: 2.5 }]));
    await run(store.saveBrokeringQueue([{ productId: 'P001', quantity: 3 }]));
    await run(
      store.saveMappings(SHOP, [
        { productId: 'P001', sku: 'SKU-1', status: 'mapped', inventoryItemId: item(1) },
        { productId: 'P002', sku: 'SKU-2', status: 'mapped', inventoryItemId: item(2) },
        { productId: 'P003', sku: 'SKU-3', status: 'mapped', inventoryItemId: item(3) },
        { productId: 'P004', sku: 'SKU-4', status: 'unmatched' },
      ]),
    );
    const expected: MappedProductInventory[] = [
      {
        productId: 'P001',
        inventoryItemId: item(1),
        positions: [
          { facilityId: 'OUTLET', quantityOnHand: 8, reservedQuantity: 0, safetyStock: 0 },
          { facilityId: 'STORE', quantityOnHand: 0.1, reservedQuantity: 0.2, safetyStock: 0.00001 },
          { facilityId: 'WAREHOUSE', quantityOnHand: 100, reservedQuantity: 5, safetyStock: 10 },
        ],
        threshold: 2.5,
        brokeringQueue: 3,
      },
      {
        productId: 'P002',
        inventoryItemId: item(2),
        positions: [{ facilityId: 'WAREHOUSE', quantityOnHand: 10, reservedQuantity: 2.5, safetyStock: 0 }],
        threshold: 0,
        brokeringQueue: 0,
      },
      { productId: 'P003', inventoryItemId: item(3), positions: [], threshold: 0, brokeringQueue: 0 },
    ];
    assert.equal(await run(store.mappedProductPage(CHANNEL, null, 10)), expected);
    assert.equal(
      await run(store.mappedProducts(CHANNEL, ['P003', 'P004', 'P001', 'P999', 'P001'])),
      [expected[0], expected[2]],
      'unmapped and unknown left out, each once, in id order',
    );
    assert.equal(
      await run(store.mappedProductPage({ ...CHANNEL, shop: 'other.myshopify.com' }, null, 10)),
      [],
      'mappings are per shop',
    );

    // ATP is QOH - reserved: the import's view of the same stock.
    const levels = stockLevelsOf(await run(store.stockLevels()));
    assert.equal(
      levels.find((l) => l.productId === 'P001' && l.facilityId === 'STORE'),
      { productId: 'P001', facilityId: 'STORE', quantityOnHand: 0.1, availableToPromise: -0.1 },
    );
    assert.equal(
      levels.find((l) => l.productId === 'P001' && l.facilityId === 'WAREHOUSE'),
      { productId: 'P001', facilityId: 'WAREHOUSE', quantityOnHand: 100, availableToPromise: 95 },
    );

    // Saving a position again replaces it; a position the import then adjusts keeps its safety stock.
    await run(
      store.savePositions([
        { productId: 'P002', facilityId: 'WAREHOUSE', quantityOnHand: 12, reservedQuantity: 1, safetyStock: 4 },
      ]),
    );
    assert.equal((await run(store.mappedProducts(CHANNEL, ['P002'])))[0]?.positions, [
      { facilityId: 'WAREHOUSE', quantityOnHand: 12, reservedQuantity: 1, safetyStock: 4 },
    ]);
  });

  test('mappedProductPage: keyset pages in product id order, complete and without repeats', async () => {
    const { store } = subject;
    const count = 53;
    await run(store.saveProducts(productsOf(count)));
    await run(
      store.savePositions(
        productsOf(count).flatMap((p, i) => [
          { productId: p.productId, facilityId: 'WAREHOUSE', quantityOnHand: i, reservedQuantity: 0, safetyStock: 0 },
          { productId: p.productId, facilityId: 'STORE', quantityOnHand: 1, reservedQuantity: 0, safetyStock: 0 },
        ]),
      ),
    );
    // Mapped in reverse order; every 5th unmatched, every 7th ambiguous.
    const status = (n: number) => (n % 5 === 0 ? 'unmatched' : n % 7 === 0 ? 'ambiguous' : 'mapped');
    await run(
      store.saveMappings(
        SHOP,
        productsOf(count)
          .reverse()
          .map((p, i) => {
            const n = count - i;
            const s = status(n);
            return s === 'mapped'
              ? { productId: p.productId, sku: `SKU-${n}`, status: s, inventoryItemId: item(n) }
              : s === 'ambiguous'
                ? { productId: p.productId, sku: `SKU-${n}`, status: s, candidates: [item(n), item(n + 1000)] }
                : { productId: p.productId, sku: `SKU-${n}`, status: s };
          }),
      ),
    );
    const mapped = Array.from({ length: count }, (_, i) => i + 1)
      .filter((n) => status(n) === 'mapped')
      .map(pid);
    for (const limit of [1, 7, mapped.length, 1000]) {
      const seen: string[] = [];
      let after: string | null = null;
      for (let pages = 0; pages <= mapped.length + 1; pages++) {
        const page: ReadonlyArray<MappedProductInventory> = await run(store.mappedProductPage(CHANNEL, after, limit));
        assert.ok(page.length <= limit);
        for (const p of page)
          assert.equal(
            p.positions.map((s) => s.facilityId),
            ['STORE', 'WAREHOUSE'],
          );
        seen.push(...page.map((p) => p.productId));
        if (page.length < limit) break;
        after = page[page.length - 1]!.productId;
      }
      assert.equal(seen, mapped, `limit ${limit}`);
    }
    assert.equal(
      (await run(store.mappedProductPage(CHANNEL, 'P010', 3))).map((p) => p.productId),
      ['P011', 'P012', 'P013'],
      'strictly after',
    );
    assert.equal(await run(store.mappedProductPage(CHANNEL, 'P053', 3)), []);
    assert.equal(
      await run(store.mappedProductPage(CHANNEL, 'P0', 1)).then((page) => page.map((p) => p.productId)),
      ['P001'],
      'after need not be an id',
    );
  });

  test("saveMappings replaces each product's row in the shop; productSkus pages SKUs; saveProductSkus sets and clears", async () => {
    const { store } = subject;
    await run(store.saveProducts(productsOf(5)));
    await run(
      store.saveProductSkus([
        { productId: 'P003', sku: 'SKU-3' },
        { productId: 'P001', sku: 'SKU-1' },
        { productId: 'P002', sku: 'SKU-2' },
        { productId: 'P005', sku: 'SKU-5' },
      ]),
    );
    await run(
      store.saveProductSkus([
        { productId: 'P002', sku: null },
        { productId: 'P005', sku: 'SKU-5b' },
      ]),
    );
    assert.equal(await run(store.productSkus(null, 10)), [
      { productId: 'P001', sku: 'SKU-1' },
      { productId: 'P003', sku: 'SKU-3' },
      { productId: 'P005', sku: 'SKU-5b' },
    ]);
    assert.equal(await run(store.productSkus(null, 2)), [
      { productId: 'P001', sku: 'SKU-1' },
      { productId: 'P003', sku: 'SKU-3' },
    ]);
    assert.equal(await run(store.productSkus('P003', 2)), [{ productId: 'P005', sku: 'SKU-5b' }]);
    const unknown = await runLeft(
      store.saveProductSkus([
        { productId: 'P001', sku: 'SKU-X' },
        { productId: 'NOPE', sku: 'SKU-N' },
      ]),
    );
    assert.is(unknown._tag, 'InventoryStoreFailed');
    assert.match(unknown.reason, 'NOPE');
    assert.equal(
      (await run(store.productSkus(null, 1)))[0],
      { productId: 'P001', sku: 'SKU-1' },
      'a failed call changes nothing',
    );

    await run(
      store.saveMappings(SHOP, [
        { productId: 'P001', sku: 'SKU-1', status: 'mapped', inventoryItemId: item(1) },
        { productId: 'P003', sku: 'SKU-3', status: 'mapped', inventoryItemId: item(3) },
      ]),
    );
    // What a mapping run in SHOP must look up: P005 has no mapping there; in another shop, every product.
    assert.equal(await run(store.productSkus(null, 10, SHOP)), [{ productId: 'P005', sku: 'SKU-5b' }]);
    assert.equal((await run(store.productSkus(null, 10, 'other-shop.myshopify.com'))).length, 3);
    await run(store.saveProductSkus([{ productId: 'P003', sku: 'SKU-3c' }]));
    await run(store.saveMappings(SHOP, [{ productId: 'P005', sku: 'SKU-5b', status: 'unmatched' }]));
    assert.equal(
      await run(store.productSkus(null, 10, SHOP)),
      [
        { productId: 'P003', sku: 'SKU-3c' },
        { productId: 'P005', sku: 'SKU-5b' },
      ],
      'a SKU changed since its mapping, and a mapping that found nothing, are looked up again',
    );
    await run(store.saveProductSkus([{ productId: 'P003', sku: 'SKU-3' }]));
    await run(
      store.saveMappings('other.myshopify.com', [
        { productId: 'P003', sku: 'SKU-3', status: 'mapped', inventoryItemId: item(33) },
      ]),
    );
    const mappedIds = async (channel: SalesChannel = CHANNEL) =>
      (await run(store.mappedProductPage(channel, null, 10))).map((p) => [p.productId, p.inventoryItemId]);
    assert.equal(await mappedIds(), [
      ['P001', item(1)],
      ['P003', item(3)],
    ]);
    await run(
      store.saveMappings(SHOP, [
        { productId: 'P001', sku: 'SKU-1', status: 'ambiguous', candidates: [item(1), item(11)] },
        { productId: 'P003', sku: 'SKU-3', status: 'mapped', inventoryItemId: item(4) },
        { productId: 'P005', sku: 'SKU-5b', status: 'unmatched' },
      ]),
    );
    assert.equal(
      await mappedIds(),
      [['P003', item(4)]],
      'an ambiguous product loses its mapping; a remapped one has its new item',
    );
    await run(store.saveMappings(SHOP, [{ productId: 'P003', sku: 'SKU-3', status: 'unmatched' }]));
    assert.equal(await mappedIds(), []);
    assert.equal(
      await mappedIds({ ...CHANNEL, shop: 'other.myshopify.com' }),
      [['P003', item(33)]],
      'the other shop keeps its own',
    );
    await run(
      store.saveMappings(SHOP, [
        { productId: 'P001', sku: 'SKU-1', status: 'unmatched' },
        { productId: 'P001', sku: 'SKU-1', status: 'mapped', inventoryItemId: item(7) },
      ]),
    );
    assert.equal(await mappedIds(), [['P001', item(7)]], 'the last mapping of a product in one call wins');
    await run(store.saveMappings(SHOP, []));
  });

  test('saveMappings marks a product changed when it is mapped to a new inventory item, and only then', async () => {
    const { store } = subject;
    await run(store.saveProducts(productsOf(3)));
    const consumer = 'push-changes:SHOPIFY_US';
    await run(
      store.saveMappings(SHOP, [
        { productId: 'P001', sku: 'SKU-1', status: 'mapped', inventoryItemId: item(1) },
        { productId: 'P002', sku: 'SKU-2', status: 'unmatched' },
      ]),
    );
    const first = await run(store.changedProducts(consumer, null, 10));
    assert.equal(
      first.map((c) => c.productId),
      ['P001'],
    );
    await run(store.moveCursor(consumer, await run(store.ledgerHead())));
    await run(
      store.saveMappings(SHOP, [{ productId: 'P001', sku: 'SKU-1', status: 'mapped', inventoryItemId: item(1) }]),
    );
    assert.equal(await run(store.changedProducts(consumer, null, 10)), [], 'the same mapping again changes nothing');
    await run(
      store.saveMappings(SHOP, [
        { productId: 'P001', sku: 'SKU-1', status: 'mapped', inventoryItemId: item(11) },
        { productId: 'P003', sku: 'SKU-3', status: 'ambiguous', candidates: [item(3), item(4)] },
      ]),
    );
    assert.equal(
      (await run(store.changedProducts(consumer, null, 10))).map((c) => c.productId),
      ['P001'],
      'a new inventory item is pending again',
    );
  });

  test('changes: a cursor per consumer on the ledger numbers; a change after the cursor is pending again', async () => {
    const { store } = subject;
    await run(store.saveProducts(productsOf(5)));
    assert.is(await run(store.ledgerHead()), 0, 'an empty ledger');
    assert.is(await run(store.changeCursor('us')), null, 'a consumer that never took the ledger');
    await run(
      store.savePositions([
        { productId: 'P002', facilityId: 'WAREHOUSE', quantityOnHand: 5, reservedQuantity: 0, safetyStock: 0 },
        { productId: 'P001', facilityId: 'WAREHOUSE', quantityOnHand: 5, reservedQuantity: 0, safetyStock: 0 },
        { productId: 'P001', facilityId: 'STORE', quantityOnHand: 5, reservedQuantity: 0, safetyStock: 0 },
      ]),
    );
    const afterPositions = await run(store.ledgerHead());
    assert.ok(afterPositions >= 3, `the seed's events are numbered (head ${afterPositions})`);
    const page = await run(store.changedProducts('us', null, 10));
    assert.equal(
      page.map((c) => c.productId),
      ['P001', 'P002'],
      'one entry per product, however many positions',
    );
    assert.ok(page.every((c) => c.sequence > 0 && c.sequence <= afterPositions));
    await run(
      store.saveThresholds([
        { productId: 'P001', threshold: 1 },
        { productId: 'P003', threshold: 0 },
      ]),
    );
    await run(
      store.saveBrokeringQueue([
        { productId: 'P004', quantity: 2 },
        { productId: 'P004', quantity: 3 },
      ]),
    );
    const afterTerms = await run(store.ledgerHead());
    assert.ok(afterTerms > afterPositions, 'every change draws a higher number');
    assert.equal(await pendingOf(store, 'us'), ['P001', 'P002', 'P003', 'P004']);

    await run(store.moveCursor('us', afterPositions));
    assert.is(await run(store.changeCursor('us')), afterPositions);
    assert.equal(await pendingOf(store, 'us'), ['P001', 'P003', 'P004'], 'P001 changed again after the cursor');
    assert.equal(await pendingOf(store, 'eu'), ['P001', 'P002', 'P003', 'P004'], 'consumers take changes separately');

    await run(store.moveCursor('us', afterTerms));
    assert.equal(await pendingOf(store, 'us'), []);
    await run(store.moveCursor('us', afterPositions));
    assert.is(await run(store.changeCursor('us')), afterTerms, 'a cursor never moves back');
    assert.equal(await pendingOf(store, 'us'), []);

    await run(store.saveThresholds([{ productId: 'P001', threshold: 2 }]));
    assert.equal(await pendingOf(store, 'us'), ['P001'], 'changed again after it was taken');
    await run(store.saveThresholds([{ productId: 'P001', threshold: 2 }]));
    assert.ok((await run(store.ledgerHead())) > afterTerms);
    await run(store.moveCursor('us', await run(store.ledgerHead())));

    // The import's commit is a change like any other, numbered after what came before.
    const before = await run(store.ledgerHead());
    const adjust = (productId: string) => ({
      productId,
      facilityId: 'WAREHOUSE',
      quantityOnHandBefore: 5,
      quantityOnHandAfter: 4,
      availableToPromiseBefore: 5,
      availableToPromiseAfter: 4,
      fileQuantity: 4,
      created: false,
      line: 2,
    });
    assert.is(
      await run(
        store.commitImport({
          runId: 'run-1',
          file: { name: 'inv.csv', sha256: 'a'.repeat(64), bytes: 10 },
          outcome: 'applied',
          method: 'exact-atp',
          adjustments: [
            adjust('P002'),
            { ...adjust('P002'), facilityId: 'STORE', line: 3 },
            { ...adjust('P005'), line: 4 },
          ],
          counts: { rowsRead: 3, adjusted: 3, unchanged: 0, rejected: 0 },
          at: new Date('2026-12-01T00:00:00.000Z'),
        }),
      ),
      'committed',
    );
    assert.is(await run(store.ledgerHead()), before + 3, 'one number per reset');
    assert.equal(await pendingOf(store, 'us'), ['P002', 'P005']);
    const resets = await run(store.ledgerEntries(before, 10));
    assert.equal(
      resets.map((e) => [
        e.sequence,
        e.event.type,
        e.event.productId,
        e.event.facilityId,
        e.event.quantity,
        e.event.source,
      ]),
      [
        [before + 1, 'reset', 'P002', 'WAREHOUSE', -1, 'inv.csv:2'],
        [before + 2, 'reset', 'P002', 'STORE', -1, 'inv.csv:3'],
        [before + 3, 'reset', 'P005', 'WAREHOUSE', -1, 'inv.csv:4'],
      ],
      "the resets are the ledger rows after the head, each from its file's line",
    );
    assert.equal(
      await run(store.changedProductIds()),
      ['P001', 'P002', 'P003', 'P004', 'P005'],
      'the history still lists every changed product',
    );
  });

  test('recorded events: an applied one is a change of its product, a refused one none; none is missed by a run', async () => {
    const { store } = subject;
    await run(store.saveProducts(productsOf(4)));
    await run(store.moveCursor('us', await run(store.ledgerHead())));
    const taken = await run(store.ledgerHead());
    const event = (n: number, productId: string, type: 'received' | 'released' = 'received') => ({
      eventId: `changes-${n}`,
      type,
      productId,
      facilityId: 'WAREHOUSE',
      quantity: 1,
      occurredAt: '2026-12-01T10:00:00Z',
      source: 'contract',
    });
    const outcomes = await run(
      store.recordEvents([event(1, 'P001'), event(2, 'P002', 'released'), event(3, 'P003'), event(4, 'P001')]),
    );
    assert.equal(
      outcomes.map((o) => o.outcome),
      ['applied', 'refused', 'applied', 'applied'],
    );
    const head = await run(store.ledgerHead());
    const page = await run(store.changedProducts('us', null, 10));
    assert.equal(
      page.map((c) => c.productId),
      ['P001', 'P003'],
      'the refused release changed nothing',
    );
    assert.is(page[0]!.sequence, head, "P001 at its last event's number");
    assert.ok(page[1]!.sequence > taken && page[1]!.sequence <= head);
    await run(store.moveCursor('us', head));
    assert.equal(await pendingOf(store, 'us'), []);
    assert.equal(
      (await run(store.recordEvents([event(1, 'P001')]))).map((o) => o.outcome),
      ['duplicate'],
    );
    assert.equal(await pendingOf(store, 'us'), [], 'a replay changes nothing');

    // A run reads the head, then an event lands before its first page: the run lists it, and so does the next one
    // (its number is above the head the cursor moves to).
    const runHead = await run(store.ledgerHead());
    await run(store.recordEvents([event(5, 'P004')]));
    assert.equal(await pendingOf(store, 'us'), ['P004']);
    await run(store.moveCursor('us', runHead));
    assert.equal(await pendingOf(store, 'us'), ['P004'], 'taken again by the next run');
    await run(store.moveCursor('us', await run(store.ledgerHead())));
    assert.equal(await pendingOf(store, 'us'), []);
  });

  test('a facility in or out of a group is a change of every product stocked there', async () => {
    const { store } = subject;
    await run(store.saveProducts(productsOf(3)));
    const group = (facilityIds: string[]) =>
      store.saveFacilityGroup({ facilityGroupId: 'SHOPIFY_US', facilityGroupTypeId: CHANNEL_FAC_GROUP, facilityIds });
    await run(group(['WAREHOUSE']));
    await run(
      store.savePositions([
        { productId: 'P001', facilityId: 'WAREHOUSE', quantityOnHand: 5, reservedQuantity: 0, safetyStock: 0 },
        { productId: 'P002', facilityId: 'STORE', quantityOnHand: 5, reservedQuantity: 0, safetyStock: 0 },
        { productId: 'P003', facilityId: 'OUTLET', quantityOnHand: 5, reservedQuantity: 0, safetyStock: 0 },
      ]),
    );
    await run(store.moveCursor('us', await run(store.ledgerHead())));
    await run(group(['WAREHOUSE', 'STORE']));
    assert.equal(await pendingOf(store, 'us'), ['P002'], 'STORE joined the group');
    await run(store.moveCursor('us', await run(store.ledgerHead())));
    await run(group(['STORE', 'WAREHOUSE']));
    assert.equal(await pendingOf(store, 'us'), [], 'the same members again change nothing');
    await run(group(['STORE']));
    assert.equal(await pendingOf(store, 'us'), ['P001'], 'WAREHOUSE left the group');
  });

  test('changedProducts pages in product id order after `after`, skipping what the consumer took', async () => {
    const { store } = subject;
    await run(store.saveProducts(productsOf(30)));
    await run(store.saveThresholds([3, 4, 5, 6, 20].map((n) => ({ productId: pid(n), threshold: 1 }))));
    await run(store.moveCursor('us', await run(store.ledgerHead())));
    await run(
      store.saveThresholds(
        Array.from({ length: 30 }, (_, i) => 30 - i)
          .filter((n) => ![3, 4, 5, 6, 20].includes(n))
          .map((n) => ({ productId: pid(n), threshold: 1 })),
      ),
    );
    const pending = Array.from({ length: 30 }, (_, i) => i + 1)
      .filter((n) => ![3, 4, 5, 6, 20].includes(n))
      .map(pid);
    const seen: string[] = [];
    let after: string | null = null;
    for (;;) {
      const page: ReadonlyArray<{ productId: string; sequence: number }> = await run(
        store.changedProducts('us', after, 4),
      );
      seen.push(...page.map((c) => c.productId));
      if (page.length < 4) break;
      after = page[page.length - 1]!.productId;
    }
    assert.equal(seen, pending);
    assert.equal(
      (await run(store.changedProducts('us', 'P002', 2))).map((c) => c.productId),
      ['P007', 'P008'],
    );
  });

  test('ledger: entries of 12,000 items at once, per shop and location; settling again overwrites', async () => {
    const { store } = subject;
    const ids = Array.from({ length: 12_000 }, (_, i) => item(i + 1));
    const confirmed: LedgerEntry[] = ids.map((id, i) => ({
      inventoryItemId: id,
      locationId: LOCATION,
      quantity: (i % 50) - 5,
      runId: 'run-1',
    }));
    await run(
      store.settleBatch(
        settlement({
          confirmed: [
            ...confirmed,
            { inventoryItemId: item(1), locationId: 'gid://shopify/Location/2', quantity: 99, runId: 'run-1' },
          ],
        }),
      ),
    );
    await run(
      store.settleBatch(
        settlement({
          shop: 'other.myshopify.com',
          confirmed: [{ inventoryItemId: item(2), locationId: LOCATION, quantity: 77, runId: 'run-1' }],
        }),
      ),
    );
    const sortById = (xs: ReadonlyArray<LedgerEntry>) =>
      [...xs].sort((a, b) =>
        a.inventoryItemId < b.inventoryItemId ? -1 : a.inventoryItemId > b.inventoryItemId ? 1 : 0,
      );
    const all = await run(store.ledger(SHOP, LOCATION, [...ids, 'gid://shopify/InventoryItem/never']));
    assert.is(all.length, 12_000);
    assert.equal(sortById(all), sortById(confirmed));
    assert.equal(await run(store.ledger(SHOP, 'gid://shopify/Location/2', [item(1), item(2)])), [
      { inventoryItemId: item(1), locationId: 'gid://shopify/Location/2', quantity: 99, runId: 'run-1' },
    ]);
    assert.equal(await run(store.ledger('other.myshopify.com', LOCATION, [item(1), item(2)])), [
      { inventoryItemId: item(2), locationId: LOCATION, quantity: 77, runId: 'run-1' },
    ]);

    await run(
      store.settleBatch(
        settlement({
          confirmed: [
            { inventoryItemId: item(3), locationId: LOCATION, quantity: 1, runId: 'run-2' },
            { inventoryItemId: item(3), locationId: LOCATION, quantity: 2, runId: 'run-2' },
          ],
        }),
      ),
    );
    assert.equal(
      await run(store.ledger(SHOP, LOCATION, [item(3), item(3)])),
      [{ inventoryItemId: item(3), locationId: LOCATION, quantity: 2, runId: 'run-2' }],
      'the last entry of an item wins; ids asked twice answer once',
    );
    // Entries of one location under two runs, and of one run under two locations: each keeps its own.
    await run(
      store.settleBatch(
        settlement({
          confirmed: [
            { inventoryItemId: item(5), locationId: LOCATION, quantity: 5, runId: 'run-4' },
            { inventoryItemId: item(6), locationId: LOCATION, quantity: 6, runId: 'run-5' },
          ],
        }),
      ),
    );
    assert.equal(await run(store.ledger(SHOP, LOCATION, [item(5), item(6)])), [
      { inventoryItemId: item(5), locationId: LOCATION, quantity: 5, runId: 'run-4' },
      { inventoryItemId: item(6), locationId: LOCATION, quantity: 6, runId: 'run-5' },
    ]);

    // knownAt: an entry known before the one held never replaces it, and `recordedAfter` reads when it was known.
    await run(
      store.settleBatch(
        settlement({
          at: new Date('2026-12-01T12:00:00.000Z'),
          confirmed: [{ inventoryItemId: item(7), locationId: LOCATION, quantity: 7, runId: 'run-6' }],
        }),
      ),
    );
    const earlier = new Date('2026-12-01T11:30:00.000Z');
    await run(
      store.settleBatch(
        settlement({
          at: new Date('2026-12-01T13:00:00.000Z'),
          confirmed: [
            { inventoryItemId: item(7), locationId: LOCATION, quantity: 70, runId: 'run-7', knownAt: earlier },
            { inventoryItemId: item(8), locationId: LOCATION, quantity: 8, runId: 'run-7', knownAt: earlier },
          ],
        }),
      ),
    );
    assert.equal(await run(store.ledger(SHOP, LOCATION, [item(7), item(8)])), [
      { inventoryItemId: item(7), locationId: LOCATION, quantity: 7, runId: 'run-6' },
      { inventoryItemId: item(8), locationId: LOCATION, quantity: 8, runId: 'run-7' },
    ]);
    assert.equal(
      await run(store.ledger(SHOP, LOCATION, [item(7), item(8)], new Date('2026-12-01T11:45:00.000Z'))),
      [{ inventoryItemId: item(7), locationId: LOCATION, quantity: 7, runId: 'run-6' }],
      'item 8 was known at 11:30, before the instant, though settled after it',
    );
    // Known before its settlement and repeating the quantity held: the entry held stays, its run and time too; taken
    // by Shopify (no knownAt), the same quantity is known anew.
    await run(
      store.settleBatch(
        settlement({
          at: new Date('2026-12-01T15:00:00.000Z'),
          confirmed: [
            {
              inventoryItemId: item(8),
              locationId: LOCATION,
              quantity: 8,
              runId: 'run-9',
              knownAt: new Date('2026-12-01T12:30:00.000Z'),
            },
          ],
        }),
      ),
    );
    assert.equal(await run(store.ledger(SHOP, LOCATION, [item(8)])), [
      { inventoryItemId: item(8), locationId: LOCATION, quantity: 8, runId: 'run-7' },
    ]);
    assert.equal(await run(store.ledger(SHOP, LOCATION, [item(8)], new Date('2026-12-01T12:00:00.000Z'))), []);
    await run(
      store.settleBatch(
        settlement({
          at: new Date('2026-12-01T16:00:00.000Z'),
          confirmed: [{ inventoryItemId: item(8), locationId: LOCATION, quantity: 8, runId: 'run-10' }],
        }),
      ),
    );
    assert.equal(await run(store.ledger(SHOP, LOCATION, [item(8)], new Date('2026-12-01T15:30:00.000Z'))), [
      { inventoryItemId: item(8), locationId: LOCATION, quantity: 8, runId: 'run-10' },
    ]);
    // Many runs in one settlement (each row its own run and time), one of them older than the entry held.
    await run(
      store.settleBatch(
        settlement({
          at: new Date('2026-12-01T14:00:00.000Z'),
          confirmed: [9, 10, 11, 12, 13, 7].map((n) => ({
            inventoryItemId: item(n),
            locationId: LOCATION,
            quantity: n * 10,
            runId: `run-x${n}`,
            ...(n === 7 ? { knownAt: earlier } : {}),
          })),
        }),
      ),
    );
    assert.equal(
      (await run(store.ledger(SHOP, LOCATION, [7, 9, 10, 11, 12, 13].map(item))))
        .map((e) => [e.quantity, e.runId])
        .sort(([a], [b]) => Number(a) - Number(b)),
      [
        [7, 'run-6'],
        [90, 'run-x9'],
        [100, 'run-x10'],
        [110, 'run-x11'],
        [120, 'run-x12'],
        [130, 'run-x13'],
      ],
    );

    // knownLedger: the entries with when each was known.
    assert.equal(
      (
        await run(store.knownLedger(SHOP, LOCATION, [item(8), item(7), 'gid://shopify/InventoryItem/never', item(7)]))
      ).map((e) => [e.inventoryItemId, e.quantity, e.runId, e.knownAt.toISOString()]),
      [
        [item(7), 7, 'run-6', '2026-12-01T12:00:00.000Z'],
        [item(8), 8, 'run-10', '2026-12-01T16:00:00.000Z'],
      ],
    );

    // recordedAfter: only entries settled after the instant (what a feed read before them must not trust).
    await run(
      store.settleBatch(
        settlement({
          at: new Date('2026-12-01T11:00:00.000Z'),
          confirmed: [{ inventoryItemId: item(4), locationId: LOCATION, quantity: 40, runId: 'run-3' }],
        }),
      ),
    );
    const after = (iso: string) => store.ledger(SHOP, LOCATION, [item(3), item(4)], new Date(iso));
    assert.equal(await run(after('2026-12-01T10:30:00.000Z')), [
      { inventoryItemId: item(4), locationId: LOCATION, quantity: 40, runId: 'run-3' },
    ]);
    assert.equal((await run(after('2026-12-01T09:00:00.000Z'))).length, 2);
    assert.equal(await run(after('2026-12-01T11:00:00.000Z')), [], 'strictly after');
  });

  test('feed progress: freeze, settle and freeze again round-trip; failures are recorded once per line, in line order', async () => {
    const { store } = subject;
    await run(store.freezeBatch('feed-1', batch(0, 2)));
    assert.equal(await run(store.feedProgress('feed-1')), { nextLine: 0, pending: batch(0, 2), scan: null });
    await run(store.freezeBatch('feed-1', batch(0, 3)));
    assert.equal(
      await run(store.feedProgress('feed-1')),
      { nextLine: 0, pending: batch(0, 3), scan: null },
      'a batch frozen again replaces the pending one',
    );

    const failure = (line: number, message = 'not stocked') => ({
      feed: 'feed-1',
      line,
      productId: 'P002',
      inventoryItemId: item(2),
      code: 'ITEM_NOT_STOCKED_AT_LOCATION',
      message,
    });
    await run(
      store.settleBatch(
        settlement({
          nextLine: 3,
          confirmed: [{ inventoryItemId: item(1), locationId: LOCATION, quantity: 5, runId: 'run-1' }],
          failed: [failure(2), failure(1, 'it\'s "gone"\nfor good')],
        }),
      ),
    );
    assert.equal(await run(store.feedProgress('feed-1')), { nextLine: 3, pending: null, scan: null });
    assert.equal(await run(store.ledger(SHOP, LOCATION, [item(1)])), [
      { inventoryItemId: item(1), locationId: LOCATION, quantity: 5, runId: 'run-1' },
    ]);
    assert.equal(await run(store.failedLines('feed-1')), [failure(1, 'it\'s "gone"\nfor good'), failure(2)]);

    await run(store.freezeBatch('feed-1', batch(3, 5)));
    assert.equal(
      await run(store.feedProgress('feed-1')),
      { nextLine: 3, pending: batch(3, 5), scan: null },
      'freezing keeps the next line',
    );
    // A rerun settles the same batch again: its failures are not doubled, and the first record stands.
    await run(store.settleBatch(settlement({ nextLine: 5, failed: [failure(2, 'again'), failure(4)] })));
    await run(store.settleBatch(settlement({ nextLine: 5, failed: [failure(4, 'again')] })));
    assert.equal(await run(store.failedLines('feed-1')), [
      failure(1, 'it\'s "gone"\nfor good'),
      failure(2),
      failure(4),
    ]);
    assert.equal(await run(store.feedProgress('feed-1')), { nextLine: 5, pending: null, scan: null });

    // Settling one batch and freezing the next in the same transaction: the store holds the next one alone.
    await run(store.freezeBatch('feed-1', batch(5, 7)));
    await run(
      store.settleBatch(
        settlement({
          nextLine: 7,
          confirmed: [{ inventoryItemId: item(6), locationId: LOCATION, quantity: 6, runId: 'run-1' }],
          next: batch(7, 9),
        }),
      ),
    );
    assert.equal(
      await run(store.feedProgress('feed-1')),
      { nextLine: 7, pending: batch(7, 9), scan: null },
      'the settled batch gone, the next one pending',
    );
    assert.equal((await run(store.ledger(SHOP, LOCATION, [item(6)]))).length, 1);
    await run(store.settleBatch(settlement({ nextLine: 9 })));
    assert.equal(await run(store.feedProgress('feed-1')), { nextLine: 9, pending: null, scan: null });

    assert.is(await run(store.feedProgress('feed-2')), null, 'feeds are separate');
    assert.equal(await run(store.failedLines('feed-2')), []);
    await run(store.settleBatch(settlement({ feed: 'feed-2', nextLine: 7 })));
    assert.equal(
      await run(store.feedProgress('feed-2')),
      { nextLine: 7, pending: null, scan: null },
      'settling a feed never frozen starts its progress',
    );
  });

  test("feed progress: the feed's first reading is stored with its first batch and kept by writes without it", async () => {
    const { store } = subject;
    const scan = { lines: 100_000, candidates: 5_000 };
    await run(store.freezeBatch('feed-1', batch(0, 2), scan));
    assert.equal(await run(store.feedProgress('feed-1')), { nextLine: 0, pending: batch(0, 2), scan });
    await run(store.freezeBatch('feed-1', batch(0, 3)));
    assert.equal(
      await run(store.feedProgress('feed-1')),
      { nextLine: 0, pending: batch(0, 3), scan },
      'freezing again without it keeps it',
    );
    await run(store.settleBatch(settlement({ nextLine: 3, next: batch(3, 5) })));
    assert.equal(
      await run(store.feedProgress('feed-1')),
      { nextLine: 3, pending: batch(3, 5), scan },
      'settling without it keeps it',
    );
    await run(store.settleBatch(settlement({ nextLine: 5, scan })));
    assert.equal(await run(store.feedProgress('feed-1')), { nextLine: 5, pending: null, scan }, 'settling with it');

    // Progress written without it (as by a version before it was stored) reads as no scan, and gets one when a
    // later write gives it: by settling, or by freezing.
    await run(store.freezeBatch('feed-2', batch(0, 2)));
    assert.equal(await run(store.feedProgress('feed-2')), { nextLine: 0, pending: batch(0, 2), scan: null });
    await run(store.settleBatch(settlement({ feed: 'feed-2', nextLine: 2, scan: { lines: 7, candidates: 0 } })));
    assert.equal(await run(store.feedProgress('feed-2')), {
      nextLine: 2,
      pending: null,
      scan: { lines: 7, candidates: 0 },
    });
    await run(store.settleBatch(settlement({ feed: 'feed-3', nextLine: 1 })));
    assert.equal(await run(store.feedProgress('feed-3')), { nextLine: 1, pending: null, scan: null });
    await run(store.freezeBatch('feed-3', batch(1, 2), { lines: 2_147_483_647, candidates: 1 }));
    assert.equal(await run(store.feedProgress('feed-3')), {
      nextLine: 1,
      pending: batch(1, 2),
      scan: { lines: 2_147_483_647, candidates: 1 },
    });
    assert.equal(
      (await run(store.feedProgress('feed-1')))?.scan,
      scan,
      "each feed's own: another feed's writes leave it alone",
    );
  });

  test('the setters refuse negative, NaN, infinite or too precise quantities, writing nothing of the call', async () => {
    // Every adapter's store is a whole `Store`: read back through its lookup.
    const store = subject.store as unknown as Store;
    await run(store.saveProducts(productsOf(2)));
    const ok = { productId: 'P001', facilityId: 'WAREHOUSE', quantityOnHand: 5, reservedQuantity: 1, safetyStock: 1 };
    await run(store.savePositions([ok]));
    await run(store.saveThresholds([{ productId: 'P001', threshold: 2 }]));
    await run(store.saveBrokeringQueue([{ productId: 'P001', quantity: 3 }]));
    const before = await run(store.productInventory('P001'));
    assert.is(before?.inventory.threshold, 2);
    const head = await run(store.ledgerHead());
    const pending = await pendingOf(subject.store, 'validation');
    const refusals = [
      [
        store.savePositions([
          { ...ok, productId: 'P002' },
          { ...ok, safetyStock: -6 },
        ]),
        'safetyStock -6',
      ],
      [store.savePositions([{ ...ok, reservedQuantity: Number.NaN }]), 'reservedQuantity NaN'],
      [store.savePositions([{ ...ok, quantityOnHand: Number.POSITIVE_INFINITY }]), 'quantityOnHand Infinity'],
      [store.savePositions([{ ...ok, quantityOnHand: 1.000001 }]), 'quantityOnHand 1.000001'],
      [store.saveThresholds([{ productId: 'P001', threshold: -10 }]), 'threshold -10'],
      [store.saveBrokeringQueue([{ productId: 'P001', quantity: -3 }]), 'quantity -3'],
      [store.saveBrokeringQueue([{ productId: 'P001', quantity: Number.NaN }]), 'quantity NaN'],
      [store.savePositions([ok, { ...ok, productId: 'P404' }]), 'unknown product P404'],
      [store.savePositions([{ ...ok, facilityId: 'NOWHERE' }]), 'unknown facility NOWHERE'],
      [store.saveThresholds([{ productId: 'P404', threshold: 1 }]), 'unknown product P404'],
      [store.saveBrokeringQueue([{ productId: 'P404', quantity: 1 }]), 'unknown product P404'],
    ] as const;
    for (const [task, fault] of refusals) {
      const left = await runLeft(task);
      assert.is(left._tag, 'InventoryStoreFailed');
      assert.ok(left.reason.includes(fault), `${left.reason} names ${fault}`);
      assert.is(left.retriable, false);
    }
    assert.equal(await run(store.productInventory('P001')), before, 'nothing written');
    assert.equal(
      (await run(store.productInventory('P002')))?.inventory.positions,
      [],
      'not even the valid entry of a refused call',
    );
    assert.equal(await pendingOf(subject.store, 'validation'), pending, 'nothing marked changed');
    assert.is(await run(store.ledgerHead()), head, 'no ledger row drawn');
    // A negative QOH is still accepted, as before (NetSuite can hold one): a reset by the difference.
    await run(store.savePositions([{ ...ok, quantityOnHand: -2, reservedQuantity: 0 }]));
    assert.is((await run(store.productInventory('P001')))?.inventory.positions[0]?.quantityOnHand, -2);
  });

  test.run();
};
