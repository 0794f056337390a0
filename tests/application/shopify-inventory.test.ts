import fc from 'fast-check';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { SetQuantity } from '../../src/application/push-ledger.ts';
import { keyedGroups, type SetAvailableRequest } from '../../src/application/shopify-inventory.ts';

const quantity = (n: number): SetQuantity => ({
  productId: `P${n}`,
  inventoryItemId: `gid://shopify/InventoryItem/${n}`,
  locationId: 'gid://shopify/Location/1',
  quantity: n,
  changeFromQuantity: n === 0 ? null : n - 1,
});

const request = (count: number): SetAvailableRequest => ({
  idempotencyKey: 'feed-1:0',
  reason: 'correction',
  referenceDocumentUri: 'oms-inventory-sync://hard-sync/run-1',
  quantities: Array.from({ length: count }, (_, i) => quantity(i)),
});

const groups = suite('keyedGroups: a request as the calls that carry it');

groups('5 quantities by 2: three groups under <key>#0..#2, in order, everything else kept', () => {
  const split = keyedGroups(request(5), 2);
  assert.equal(
    split.map((g) => [g.idempotencyKey, g.quantities.map((q) => q.quantity)]),
    [
      ['feed-1:0#0', [0, 1]],
      ['feed-1:0#1', [2, 3]],
      ['feed-1:0#2', [4]],
    ],
  );
  for (const g of split) {
    assert.is(g.reason, 'correction');
    assert.is(g.referenceDocumentUri, 'oms-inventory-sync://hard-sync/run-1');
  }
});

groups('a request that fits is one group, still under the suffixed key; an empty request is no group', () => {
  assert.equal(
    keyedGroups(request(3), 250).map((g) => g.idempotencyKey),
    ['feed-1:0#0'],
  );
  assert.equal(keyedGroups(request(0), 250), []);
});

groups('property: the groups rebuild the request, each at most max, keys unique and the same on every split', () => {
  fc.assert(
    fc.property(fc.nat({ max: 60 }), fc.integer({ min: 1, max: 25 }), (count, max) => {
      const r = request(count);
      const split = keyedGroups(r, max);
      assert.equal(
        split.flatMap((g) => g.quantities),
        r.quantities,
      );
      assert.ok(split.every((g) => g.quantities.length >= 1 && g.quantities.length <= max));
      assert.is(split.length, Math.ceil(count / max));
      assert.is(new Set(split.map((g) => g.idempotencyKey)).size, split.length);
      // Deterministic: the call path and the bulk path split a frozen batch alike.
      assert.equal(keyedGroups(r, max), split);
    }),
    { numRuns: 300 },
  );
});

groups.run();
