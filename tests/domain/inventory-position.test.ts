import fc from 'fast-check';
import { isRight } from 'fp-ts/lib/Either.js';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { InventoryPosition } from '../../src/domain/inventory-position.ts';
import { inventoryPosition } from '../arbitraries.ts';

const base = { productId: 'P1', facilityId: 'WEB_WH', quantityOnHand: 95, reservedQuantity: 5, safetyStock: 5 };

/** The names of the fields a decode failed on. */
const failedFields = (value: unknown): ReadonlyArray<string> => {
  const decoded = InventoryPosition.decode(value);
  if (isRight(decoded)) return [];
  return [...new Set(decoded.left.map((e) => e.context.map((c) => c.key).filter((k) => k !== '')[0] ?? ''))];
};

const position = suite('InventoryPosition');

position("the seed's worked example, an over-reserved position and decimal quantities decode", () => {
  assert.ok(isRight(InventoryPosition.decode(base)));
  assert.ok(isRight(InventoryPosition.decode({ ...base, quantityOnHand: -2, reservedQuantity: 4 })));
  assert.ok(isRight(InventoryPosition.decode({ ...base, quantityOnHand: 1234.5, safetyStock: 0.25 })));
});

position('each bad field is named: ids, a negative reservation or safety stock, too many decimals', () => {
  assert.equal(failedFields({ ...base, productId: '' }), ['productId']);
  assert.equal(failedFields({ ...base, facilityId: 'WEB\nWH' }), ['facilityId']);
  assert.equal(failedFields({ ...base, quantityOnHand: 1.000001 }), ['quantityOnHand']);
  assert.equal(failedFields({ ...base, reservedQuantity: -1 }), ['reservedQuantity']);
  assert.equal(failedFields({ ...base, safetyStock: -0.5 }), ['safetyStock']);
  assert.equal(failedFields({ productId: 'P1', facilityId: 'F' }), [
    'quantityOnHand',
    'reservedQuantity',
    'safetyStock',
  ]);
});

position('property: a generated position decodes; spoiling any one field makes it fail on that field', () => {
  const spoilers: ReadonlyArray<[keyof typeof base, unknown]> = [
    ['productId', ' P'],
    ['facilityId', ''],
    ['quantityOnHand', Number.NaN],
    ['reservedQuantity', -1],
    ['safetyStock', '0'],
  ];
  fc.assert(
    fc.property(inventoryPosition(), fc.constantFrom(...spoilers), (p, [field, bad]) => {
      assert.ok(isRight(InventoryPosition.decode(p)));
      assert.equal(failedFields({ ...p, [field]: bad }), [field]);
    }),
    { numRuns: 300 },
  );
});

position.run();
