import fc from 'fast-check';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { applyChanges, detectChanges, pairKey, type ItemQuantity } from '../../src/domain/index.ts';
import { itemQuantities } from '../arbitraries.ts';

const q = (inventoryItemId: string, locationId: string, quantity: number): ItemQuantity => ({
  inventoryItemId,
  locationId,
  quantity,
});
const asMap = (qs: ReadonlyArray<ItemQuantity>) =>
  new Map(qs.map((x) => [pairKey(x.inventoryItemId, x.locationId), x.quantity]));

const examples = suite('detectChanges: examples');

examples('only the pairs that differ, in the order of the new state, with what was last pushed', () => {
  const last = [q('I1', 'L1', 5), q('I2', 'L1', 3), q('I3', 'L1', 9)];
  const result = detectChanges(last, [q('I3', 'L1', 8), q('I2', 'L1', 3), q('I4', 'L1', 0), q('I1', 'L1', 6)]);
  assert.equal(result.changes, [
    { inventoryItemId: 'I3', locationId: 'L1', previous: 9, next: 8 },
    { inventoryItemId: 'I4', locationId: 'L1', previous: null, next: 0 },
    { inventoryItemId: 'I1', locationId: 'L1', previous: 5, next: 6 },
  ]);
  assert.is(result.unchanged, 1);
});

examples('a partial new state leaves the other pairs alone', () => {
  assert.equal(detectChanges([q('I1', 'L1', 5), q('I2', 'L1', 3)], [q('I2', 'L1', 3)]).changes, []);
});

examples('quantities Shopify cannot take, and a pair computed twice differently, are rejected', () => {
  const result = detectChanges(
    [],
    [q('I1', 'L1', 1.5), q('I2', 'L1', 2), q('I2', 'L1', 3), q('I3', 'L1', 4), q('I3', 'L1', 4)],
  );
  assert.equal(result.changes, [{ inventoryItemId: 'I3', locationId: 'L1', previous: null, next: 4 }]);
  assert.equal(
    result.rejected.map((r) => [r.inventoryItemId, r.reason, r.quantities]),
    [
      ['I1', 'invalid-quantity', [1.5]],
      ['I2', 'conflicting-duplicate', [2, 3]],
    ],
  );
});

const properties = suite('detectChanges: properties');
const runs = { numRuns: 300 };

properties('applying the changes to the last-pushed state yields the new one', () => {
  fc.assert(
    fc.property(itemQuantities(), itemQuantities(), (last, next) => {
      const expected = new Map([...asMap(last), ...asMap(next)]);
      assert.equal(asMap(applyChanges(last, detectChanges(last, next).changes)), expected);
    }),
    runs,
  );
});

properties('equal states yield none', () => {
  fc.assert(
    fc.property(itemQuantities(), (state) => detectChanges(state, [...state].reverse()).changes.length === 0),
    runs,
  );
});

properties('never names an unchanged pair, and names each pair at most once', () => {
  fc.assert(
    fc.property(itemQuantities(), itemQuantities(), (last, next) => {
      const before = asMap(last);
      const { changes, unchanged } = detectChanges(last, next);
      const keys = changes.map((c) => pairKey(c.inventoryItemId, c.locationId));
      return (
        new Set(keys).size === keys.length &&
        changes.every(
          (c) =>
            before.get(pairKey(c.inventoryItemId, c.locationId)) !== c.next &&
            (before.get(pairKey(c.inventoryItemId, c.locationId)) ?? null) === c.previous,
        ) &&
        changes.length + unchanged === next.length
      );
    }),
    runs,
  );
});

examples.run();
properties.run();
