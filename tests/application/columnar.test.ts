import fc from 'fast-check';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  exportRowsBuilder,
  exportRowsToArray,
  rowIndices,
  stockLevelsOf,
  stockTableBuilder,
  stockTableOf,
} from '../../src/application/columnar.ts';
import { stockLevels } from '../arbitraries.ts';

const columnar = suite('columnar tables');

columnar('stock levels round-trip through a table, across growth past the first capacity', () => {
  fc.assert(
    fc.property(stockLevels(), fc.integer({ min: 1, max: 4 }), (levels, capacity) => {
      const builder = stockTableBuilder(capacity);
      for (const l of levels) builder.add(l.productId, l.facilityId, l.quantityOnHand, l.availableToPromise);
      // Plain objects to compare with (the arbitraries make prototype-less records).
      const plain = levels.map((l) => ({ ...l }));
      assert.equal(stockLevelsOf(builder.build()), plain);
      assert.equal(stockLevelsOf(stockTableOf(levels)), plain);
    }),
    { numRuns: 200 },
  );
});

columnar('stock levels added by id numbers (numberOf, addNumbered) read as those added by id, mixed alike', () => {
  fc.assert(
    fc.property(stockLevels(), fc.integer({ min: 1, max: 4 }), (levels, capacity) => {
      const builder = stockTableBuilder(capacity);
      levels.forEach((l, i) => {
        if (i % 2 === 0) builder.add(l.productId, l.facilityId, l.quantityOnHand, l.availableToPromise);
        else
          builder.addNumbered(
            builder.numberOf(l.productId),
            builder.numberOf(l.facilityId),
            l.quantityOnHand,
            l.availableToPromise,
          );
      });
      assert.equal(
        stockLevelsOf(builder.build()),
        levels.map((l) => ({ ...l })),
      );
    }),
    { numRuns: 200 },
  );
});

columnar('export rows round-trip whatever the runs of items and the order of their locations', () => {
  const row = fc.record({
    line: fc.integer({ min: 1, max: 1_000_000 }),
    item: fc.constantFrom('a', 'b', ''),
    itemInternalId: fc.constantFrom('1', '2', '12', '21'),
    location: fc.constantFrom('1', '2', '12', '101', '10'),
    quantity: fc.integer({ min: 0, max: 100 }),
  });
  fc.assert(
    fc.property(
      // Runs of one item over a few locations, as exports list them, and rows in any order.
      fc.array(fc.tuple(row, fc.integer({ min: 1, max: 4 }), fc.shuffledSubarray(['1', '2', '12', '101']))),
      (runs) => {
        const rows = runs.flatMap(([r, times, locations]) =>
          Array.from({ length: times }, (_, t) =>
            locations.map((location, k) => ({ ...r, line: r.line + t + k, location })),
          ).flat(),
        );
        const builder = exportRowsBuilder();
        for (const r of rows) builder.add(r);
        assert.equal(exportRowsToArray(builder.build()), rows);
      },
    ),
    { numRuns: 300 },
  );
});

columnar('export rows round-trip, one string kept per distinct id', () => {
  const builder = exportRowsBuilder(2);
  const long = 'SKU-0000001-BLUE-MEDIUM';
  const rows = Array.from({ length: 50 }, (_, i) => ({
    line: i + 2,
    item: long,
    itemInternalId: String(9000 + (i % 5)),
    location: String(100 + (i % 3)),
    quantity: i / 4,
  }));
  for (const row of rows) builder.add({ ...row, item: `${long}` });
  const table = builder.build();
  assert.equal(exportRowsToArray(table), rows);
  assert.is(table.length, 50);
  assert.ok(table.item(0) === table.item(49), 'the same id is one string');
});

columnar('export rows without item names: every other column kept, no name held (item answers empty)', () => {
  const builder = exportRowsBuilder(2, { itemNames: false });
  const rows = Array.from({ length: 40_000 }, (_, i) => ({
    line: i + 2,
    item: `ITEM ${i} `.padEnd(200, 'long name '),
    itemInternalId: String(9000 + (i % 7)),
    location: String(100 + (i % 3)),
    quantity: i / 4,
  }));
  for (const row of rows) builder.add(row);
  const table = builder.build();
  assert.equal(
    exportRowsToArray(table),
    rows.map((r) => ({ ...r, item: '' })),
  );
  // With names, the same rows keep each one.
  const named = exportRowsBuilder();
  for (const row of rows) named.add(row);
  assert.is(named.build().item(39_999), rows[39_999]!.item);
});

columnar('rowIndices are the handles 0 .. n-1', () => {
  assert.equal([...rowIndices(4)], [0, 1, 2, 3]);
  assert.is(rowIndices(0).length, 0);
});

columnar.run();
