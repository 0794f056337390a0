// The MasterData contract: one suite, run against every adapter (memory, PostgreSQL, SQLite).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type {
  ChannelSeed,
  InventorySeed,
  InventoryStore,
  MasterData,
  ProductMatch,
} from '../../../src/application/index.ts';
import { CHANNEL_FAC_GROUP } from '../../../src/domain/index.ts';
import { run } from '../../support/run.ts';

/** A store under test and how to dispose of it. */
export interface MasterDataUnderTest {
  readonly store: MasterData & InventorySeed & ChannelSeed & Pick<InventoryStore, 'facilityIdsByExternalId'>;
  readonly dispose: () => Promise<void>;
}

/** Registers and runs the contract suite for one adapter. */
export const masterDataContract = (adapter: string, open: () => Promise<MasterDataUnderTest>): void => {
  const test = suite(`MasterData contract: ${adapter}`);
  let subject: MasterDataUnderTest;
  test.before.each(async () => {
    subject = await open();
  });
  test.after.each(async () => {
    await subject.dispose();
  });

  test('an empty store lists nothing', async () => {
    assert.equal(await run(subject.store.facilities()), []);
    assert.equal(await run(subject.store.productPage(null, 10)), []);
    assert.equal(await run(subject.store.facilityGroups()), []);
  });

  test('facilities in id order, with external id and name; saving one again replaces both', async () => {
    const { store } = subject;
    await run(
      store.saveFacilities([
        { facilityId: 'WH2', externalId: '13' },
        { facilityId: 'WH1', externalId: '12', name: 'Main warehouse' },
      ]),
    );
    assert.equal(await run(store.facilities()), [
      { facilityId: 'WH1', externalId: '12', name: 'Main warehouse' },
      { facilityId: 'WH2', externalId: '13', name: null },
    ]);
    await run(store.saveFacilities([{ facilityId: 'WH1', externalId: '14', name: 'North' }]));
    assert.equal(await run(store.facilities()), [
      { facilityId: 'WH1', externalId: '14', name: 'North' },
      { facilityId: 'WH2', externalId: '13', name: null },
    ]);
    const byExternal = await run(store.facilityIdsByExternalId());
    assert.is(byExternal.get('14'), 'WH1');
    assert.is(byExternal.get('12'), undefined, 'the old external id no longer leads to WH1');
  });

  test('products a page at a time in id order, with external id and SKU', async () => {
    const { store } = subject;
    await run(
      store.saveProducts([
        { productId: 'P3', externalId: '903' },
        { productId: 'P1', externalId: '901' },
        { productId: 'P2', externalId: '902' },
      ]),
    );
    await run(store.saveProductSkus([{ productId: 'P2', sku: 'SKU-2' }]));
    assert.equal(await run(store.productPage(null, 2)), [
      { productId: 'P1', externalId: '901', sku: null },
      { productId: 'P2', externalId: '902', sku: 'SKU-2' },
    ]);
    assert.equal(await run(store.productPage('P2', 2)), [{ productId: 'P3', externalId: '903', sku: null }]);
    assert.equal(await run(store.productPage('P3', 2)), []);
    assert.equal(await run(store.productPage(null, 0)), []);
    await run(store.saveProducts([{ productId: 'P1', externalId: '911' }]));
    assert.equal((await run(store.productPage(null, 1)))[0]?.externalId, '911');
  });

  test('facility groups in id order, each with its members in id order, an empty group too', async () => {
    const { store } = subject;
    await run(
      store.saveFacilities([
        { facilityId: 'A', externalId: '1' },
        { facilityId: 'B', externalId: '2' },
      ]),
    );
    await run(
      store.saveFacilityGroup({
        facilityGroupId: 'WEB',
        facilityGroupTypeId: CHANNEL_FAC_GROUP,
        facilityIds: ['B', 'A'],
      }),
    );
    await run(store.saveFacilityGroup({ facilityGroupId: 'EMPTY', facilityGroupTypeId: 'OTHER', facilityIds: [] }));
    assert.equal(await run(store.facilityGroups()), [
      { facilityGroupId: 'EMPTY', facilityGroupTypeId: 'OTHER', facilityIds: [] },
      { facilityGroupId: 'WEB', facilityGroupTypeId: CHANNEL_FAC_GROUP, facilityIds: ['A', 'B'] },
    ]);
  });

  test('searchProducts: by id or SKU prefix, exact, in key order, paged by its cursor', async () => {
    const { store } = subject;
    await run(
      store.saveProducts([
        { productId: 'P10', externalId: '1' },
        { productId: 'P1', externalId: '2' },
        { productId: 'P2', externalId: '3' },
        { productId: 'SKU-9', externalId: '4' },
        { productId: 'Q', externalId: '5' },
        { productId: 'p1x', externalId: '6' },
      ]),
    );
    await run(
      store.saveProductSkus([
        { productId: 'P10', sku: 'SKU-10' },
        { productId: 'P1', sku: 'SKU-1' },
        { productId: 'P2', sku: 'SKU-2' },
        { productId: 'Q', sku: 'SKU-1' },
        { productId: 'SKU-9', sku: 'SKU-9' },
      ]),
    );
    const keys = (ms: ReadonlyArray<{ key: string; productId: string; matchedOn: string }>) =>
      ms.map((m) => `${m.key}/${m.productId}/${m.matchedOn}`);
    assert.equal(keys(await run(store.searchProducts('P1', null, 10))), ['P1/P1/productId', 'P10/P10/productId']);
    assert.equal(
      keys(await run(store.searchProducts('SKU-1', null, 10))),
      ['SKU-1/P1/sku', 'SKU-1/Q/sku', 'SKU-10/P10/sku'],
      'case and all: SKU-1 and SKU-10, not SKU-2',
    );
    assert.equal(
      keys(await run(store.searchProducts('SKU-9', null, 10))),
      ['SKU-9/SKU-9/productId', 'SKU-9/SKU-9/sku'],
      'a product whose id and SKU both match is found once for each',
    );
    assert.equal((await run(store.searchProducts('SKU-10', null, 10)))[0], {
      productId: 'P10',
      externalId: '1',
      sku: 'SKU-10',
      matchedOn: 'sku',
      key: 'SKU-10',
    });
    assert.equal(await run(store.searchProducts('nothing', null, 10)), []);
    assert.equal(await run(store.searchProducts('SKU', null, 0)), []);
    // Paged: every match once, in order, whatever the page size.
    const everyOne = keys(await run(store.searchProducts('', null, 100)));
    assert.is(everyOne.length, 6 + 5, 'an empty prefix matches every id and every SKU');
    for (const size of [1, 2, 3]) {
      const seen: string[] = [];
      let cursor: { key: string; productId: string; matchedOn: 'productId' | 'sku' } | null = null;
      for (;;) {
        const page: ReadonlyArray<ProductMatch> = await run(store.searchProducts('', cursor, size));
        if (page.length === 0) break;
        seen.push(...keys(page));
        const last: ProductMatch = page[page.length - 1]!;
        cursor = { key: last.key, productId: last.productId, matchedOn: last.matchedOn };
      }
      assert.equal(seen, everyOne, `pages of ${size}`);
    }
  });

  test.run();
};
