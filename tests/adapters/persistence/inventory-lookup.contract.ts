// The InventoryLookup contract: one suite, run against every adapter (memory, PostgreSQL, SQLite).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { ChannelSeed, InventoryLookup, ProductInventoryRecord } from '../../../src/application/index.ts';
import type { InventorySeed } from '../../../src/application/index.ts';
import { run } from '../../support/run.ts';

/** A store under test and how to dispose of it. */
export interface InventoryLookupUnderTest {
  readonly store: InventoryLookup & InventorySeed & ChannelSeed;
  readonly dispose: () => Promise<void>;
}

/** Registers and runs the contract suite for one adapter. */
export const inventoryLookupContract = (adapter: string, open: () => Promise<InventoryLookupUnderTest>): void => {
  const test = suite(`InventoryLookup contract: ${adapter}`);
  let subject: InventoryLookupUnderTest;
  test.before.each(async () => {
    subject = await open();
  });
  test.after.each(async () => {
    await subject.dispose();
  });

  test('an empty store finds nothing', async () => {
    assert.is(await run(subject.store.productInventory('P001')), null);
    assert.is(await run(subject.store.productInventory('')), null);
  });

  test('by id or SKU: every position (mapped or not, any facility), reserved = QOH - ATP, safety stock, threshold, queue', async () => {
    const { store } = subject;
    await run(
      store.saveProducts([
        { productId: 'P001', externalId: '9001' },
        { productId: 'P002', externalId: '9002' },
        { productId: 'P003', externalId: '9003' },
      ]),
    );
    await run(
      store.saveFacilities(
        ['WAREHOUSE', 'STORE', 'EXCLUDED_OUTLET'].map((facilityId, i) => ({ facilityId, externalId: String(i + 1) })),
      ),
    );
    await run(
      store.saveProductSkus([
        { productId: 'P001', sku: 'SKU-1' },
        { productId: 'P002', sku: 'SKU-2' },
      ]),
    );
    await run(
      store.savePositions([
        { productId: 'P001', facilityId: 'WAREHOUSE', quantityOnHand: 100, reservedQuantity: 5, safetyStock: 10 },
        { productId: 'P001', facilityId: 'STORE', quantityOnHand: 0.1, reservedQuantity: 0.2, safetyStock: 0.00001 },
        { productId: 'P001', facilityId: 'EXCLUDED_OUTLET', quantityOnHand: 8, reservedQuantity: 0, safetyStock: 0 },
      ]),
    );
    await run(
      store.saveStockLevels([
        { productId: 'P002', facilityId: 'WAREHOUSE', quantityOnHand: 10, availableToPromise: 7.5 },
      ]),
    );
    await run(store.saveThresholds([{ productId: 'P001', threshold: 2.5 }]));
    await run(store.saveBrokeringQueue([{ productId: 'P001', quantity: 3 }]));

    const p1: ProductInventoryRecord = {
      productId: 'P001',
      sku: 'SKU-1',
      inventory: {
        productId: 'P001',
        positions: [
          { facilityId: 'EXCLUDED_OUTLET', quantityOnHand: 8, reservedQuantity: 0, safetyStock: 0 },
          { facilityId: 'STORE', quantityOnHand: 0.1, reservedQuantity: 0.2, safetyStock: 0.00001 },
          { facilityId: 'WAREHOUSE', quantityOnHand: 100, reservedQuantity: 5, safetyStock: 10 },
        ],
        threshold: 2.5,
        brokeringQueue: 3,
      },
    };
    assert.equal(await run(store.productInventory('P001')), p1);
    assert.equal(await run(store.productInventory('SKU-1')), p1);
    assert.equal(
      await run(store.productInventory('SKU-2')),
      {
        productId: 'P002',
        sku: 'SKU-2',
        inventory: {
          productId: 'P002',
          positions: [{ facilityId: 'WAREHOUSE', quantityOnHand: 10, reservedQuantity: 2.5, safetyStock: 0 }],
          threshold: 0,
          brokeringQueue: 0,
        },
      },
      'stock from the import: safety stock, threshold and queue default to 0',
    );
    assert.equal(
      await run(store.productInventory('P003')),
      {
        productId: 'P003',
        sku: null,
        inventory: { productId: 'P003', positions: [], threshold: 0, brokeringQueue: 0 },
      },
      'no SKU, no positions',
    );
    assert.is(await run(store.productInventory('P999')), null);
    assert.is(await run(store.productInventory('sku-1')), null, 'exact match only');
    assert.is(await run(store.productInventory('SKU')), null, 'no prefix match');
  });

  test('the id wins over a SKU; a SKU shared by several products finds the smallest id', async () => {
    const { store } = subject;
    await run(
      store.saveProducts(
        ['P001', 'P002', 'P003', 'P010'].map((productId, i) => ({ productId, externalId: String(9000 + i) })),
      ),
    );
    // P010's SKU is another product's id; P003 and P002 share a SKU.
    await run(
      store.saveProductSkus([
        { productId: 'P010', sku: 'P001' },
        { productId: 'P003', sku: 'SHARED' },
        { productId: 'P002', sku: 'SHARED' },
        { productId: 'P001', sku: 'SKU-1' },
      ]),
    );
    await run(
      store.saveThresholds([
        { productId: 'P010', threshold: 1 },
        { productId: 'P003', threshold: 3 },
        { productId: 'P002', threshold: 2 },
      ]),
    );
    const found = async (key: string) => {
      const record = await run(store.productInventory(key));
      return record === null ? null : [record.productId, record.sku, record.inventory.threshold];
    };
    assert.equal(await found('P001'), ['P001', 'SKU-1', 0], 'the product whose id it is, not the one whose SKU it is');
    assert.equal(await found('SHARED'), ['P002', 'SHARED', 2]);
    assert.equal(await found('P010'), ['P010', 'P001', 1]);
  });

  test.run();
};
