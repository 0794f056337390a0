// The stores' one id rule: memory, PostgreSQL and SQLite refuse the same ids at their write ports (a NUL, a lone
// surrogate, more than 255 characters), with the same reason, and write nothing of a refused call.
import type { TaskEither } from 'fp-ts/lib/TaskEither.js';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { storableOnly } from '../../src/adapters/stored-ids.ts';
import { stockLevelsOf } from '../../src/application/columnar.ts';
import type { StoreError } from '../../src/application/store-error.ts';
import { run, runLeft } from '../support/run.ts';
import { STORE_ADAPTERS } from '../support/stores.ts';

const unit = suite('storableOnly');
unit('throws with the field and the reason; passes storable ids, undefined ones skipped', () => {
  storableOnly([
    ['productId', 'P 1\t'],
    ['sku', undefined],
  ]);
  assert.throws(() => storableOnly([['productId', 'a\u0000b']]), /productId "a\\u0000b" holds a NUL character/);
});
unit.run();

for (const [adapter, open] of STORE_ADAPTERS) {
  const test = suite(`the stores' id rule: ${adapter}`);
  test('a NUL, a lone surrogate or 256 characters are refused by every write port (master data, stock, groups, members, channels, SKUs, mappings); 255 emoji are stored', async () => {
    const { store, dispose } = await open();
    try {
      await run(store.saveFacilities([{ facilityId: 'WH', externalId: '101' }]));
      const refused: ReadonlyArray<TaskEither<StoreError, unknown>> = [
        store.saveProducts([{ productId: 'a\u0000b', externalId: '1' }]),
        store.saveProducts([{ productId: 'P1', externalId: '\ud800' }]),
        store.saveFacilities([{ facilityId: 'x'.repeat(256), externalId: '102' }]),
        store.saveStockLevels([{ productId: 'P\u0000', facilityId: 'WH', quantityOnHand: 1, availableToPromise: 1 }]),
        store.saveFacilityGroup({
          facilityGroupId: 'G\u0000',
          facilityGroupTypeId: 'CHANNEL_FAC_GROUP',
          facilityIds: [],
        }),
        store.saveFacilityGroup({
          facilityGroupId: 'G',
          facilityGroupTypeId: 'CHANNEL_FAC_GROUP',
          facilityIds: ['\udc00'],
        }),
        store.setFacilityGroupMember('GROUP', 'x'.repeat(256), true),
        store.saveSalesChannel({ facilityGroupId: 'GROUP', shop: 'shop\u0000', locationId: 'L1' }),
        store.saveSalesChannel({ facilityGroupId: 'GROUP', shop: 'shop', locationId: 'x'.repeat(256) }),
        store.saveProductSkus([{ productId: 'P1', sku: 'SKU\u0000' }]),
        store.saveMappings('shop', [{ productId: 'P1', sku: 'SKU-1', status: 'mapped', inventoryItemId: 'I\ud800' }]),
        store.saveMappings('shop', [
          { productId: 'P1', sku: 'SKU-1', status: 'ambiguous', candidates: ['I1', 'I\u0000'] },
        ]),
      ];
      for (const task of refused) {
        const error = await runLeft(task);
        assert.is(error._tag, 'InventoryStoreFailed');
        assert.is(error.retriable, false);
        assert.match(error.reason, /an id no store holds: \w+ ".*" (holds a NUL|holds a lone|longer than 255)/);
      }
      assert.equal(await run(store.productIdsByExternalId()), new Map());
      assert.equal(await run(store.facilityGroups()), []);
      assert.is(await run(store.salesChannel('GROUP')), null);
      assert.equal([...(await run(store.facilityIdsByExternalId())).keys()], ['101']);
      const longest = '😀'.repeat(255);
      await run(store.saveProducts([{ productId: longest, externalId: '9' }]));
      await run(
        store.saveStockLevels([{ productId: longest, facilityId: 'WH', quantityOnHand: 2, availableToPromise: 2 }]),
      );
      assert.equal(
        stockLevelsOf(await run(store.stockLevels())).map((l) => l.productId),
        [longest],
      );
    } finally {
      await dispose();
    }
  });
  test.run();
}
