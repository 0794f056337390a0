import fc from 'fast-check';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { stringInterner } from '../../src/domain/string-interner.ts';

const interner = suite('stringInterner');

// The numbering a Map gives: the oracle.
const mapNumbers = (strings: ReadonlyArray<string>): number[] => {
  const numbers = new Map<string, number>();
  return strings.map((s) => {
    if (!numbers.has(s)) numbers.set(s, numbers.size);
    return numbers.get(s)!;
  });
};

interner('numbers strings in order of first sight, across growth', () => {
  const ids = Array.from({ length: 20_000 }, (_, i) => `gid://shopify/InventoryItem/${i % 7_000}`);
  const table = stringInterner();
  assert.equal(ids.map(table.intern), mapNumbers(ids));
  assert.is(table.strings.length, 7_000);
  assert.is(table.strings[6_999], 'gid://shopify/InventoryItem/6999');
});

interner('ids equal in length, head and tail (one hash for all) still get their own numbers', () => {
  const ids = Array.from({ length: 3_000 }, (_, i) => `PRODUCT-${String(i).padStart(6, '0')}-SIZE-LARGE-WHITE`);
  const table = stringInterner();
  assert.equal([...ids, ...ids].map(table.intern), mapNumbers([...ids, ...ids]));
});

interner('property: same numbering as a Map', () => {
  fc.assert(
    fc.property(fc.array(fc.oneof(fc.string(), fc.constantFrom('', 'a', 'gid://x/1', 'gid://x/2'))), (strings) => {
      const table = stringInterner();
      assert.equal(strings.map(table.intern), mapNumbers(strings));
    }),
    { numRuns: 300 },
  );
});

interner.run();
