import fc from 'fast-check';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  applyStockAdjustments,
  pairKey,
  planInventoryReset,
  planInventoryResetBy,
  planInventoryResetTable,
  RESET_METHODS,
  stockAdjustmentColumnsOf,
  toScaled,
  type SnapshotRow,
  type StockLevel,
} from '../../src/domain/index.ts';
import { snapshotRows, stockLevels } from '../arbitraries.ts';

const level = (
  productId: string,
  facilityId: string,
  quantityOnHand: number,
  availableToPromise: number,
): StockLevel => ({ productId, facilityId, quantityOnHand, availableToPromise });
const row = (productId: string, facilityId: string, quantity: number, line: number): SnapshotRow => ({
  productId,
  facilityId,
  quantity,
  line,
});
const current = [level('P1', 'F1', 100, 90), level('P2', 'F1', 10, 10)];
const snapshot = [row('P1', 'F1', 80, 2), row('P2', 'F1', 10, 3), row('P3', 'F1', 4, 4)];
const summary = (method: (typeof RESET_METHODS)[number]) =>
  planInventoryReset(method, current, snapshot).adjustments.map((a) => [
    a.productId,
    a.quantityOnHandBefore,
    a.quantityOnHandAfter,
    a.availableToPromiseBefore,
    a.availableToPromiseAfter,
  ]);

const examples = suite('planInventoryReset: the three methods');

examples('exact-atp (default for availableQty): ATP becomes the file, QOH moves by the same delta', () => {
  assert.equal(summary('exact-atp'), [
    ['P1', 100, 90, 90, 80],
    ['P3', 0, 4, 0, 4],
  ]);
  assert.is(planInventoryReset('exact-atp', current, snapshot).unchanged, 1);
});

examples('exact-qoh: QOH becomes the file, ATP moves by the same delta', () => {
  assert.equal(summary('exact-qoh'), [
    ['P1', 100, 80, 90, 70],
    ['P3', 0, 4, 0, 4],
  ]);
});

examples('cycle-count: both become the file; a position differing in either quantity changes', () => {
  assert.equal(summary('cycle-count'), [
    ['P1', 100, 80, 90, 80],
    ['P3', 0, 4, 0, 4],
  ]);
  const plan = planInventoryReset('cycle-count', [level('P1', 'F1', 12, 10)], [row('P1', 'F1', 10, 2)]);
  assert.equal(
    plan.adjustments.map((a) => [a.quantityOnHandAfter, a.availableToPromiseAfter]),
    [[10, 10]],
  );
  assert.is(plan.unchanged, 0);
  assert.is(planInventoryReset('cycle-count', [level('P1', 'F1', 10, 10)], [row('P1', 'F1', 10, 2)]).unchanged, 1);
});

examples('rejected rows and decimals pass through exactly', () => {
  const plan = planInventoryReset(
    'exact-atp',
    [level('P1', 'F1', 10.1, 0.2)],
    [row('P1', 'F1', 0.3, 2), row('P2', 'F1', 1, 3), row('P2', 'F1', 2, 4)],
  );
  assert.equal(
    plan.adjustments.map((a) => [a.quantityOnHandAfter, a.availableToPromiseAfter]),
    [[10.2, 0.3]],
  );
  assert.equal(
    plan.rejected.map((r) => [r.productId, r.reason, r.lines]),
    [['P2', 'conflicting-duplicate', [3, 4]]],
  );
});

const properties = suite('planInventoryReset: properties');
const method = fc.constantFrom(...RESET_METHODS);
const missing = fc.constantFrom<'leave' | 'zero'>('leave', 'zero');

properties('planning again after applying yields no adjustment', () => {
  fc.assert(
    fc.property(method, missing, stockLevels(), snapshotRows(), (m, miss, levels, rows) => {
      const after = applyStockAdjustments(levels, planInventoryReset(m, levels, rows, { missing: miss }).adjustments);
      return planInventoryReset(m, after, rows, { missing: miss }).adjustments.length === 0;
    }),
    { numRuns: 300 },
  );
});

properties('the reset quantity ends equal to the file; exact methods keep QOH - ATP (reservations)', () => {
  fc.assert(
    fc.property(method, stockLevels(), snapshotRows(), (m, levels, rows) => {
      const plan = planInventoryReset(m, levels, rows);
      for (const a of plan.adjustments) {
        const reserved = (q: number, t: number) => toScaled(q) - toScaled(t);
        if (m !== 'exact-qoh') assert.is(a.availableToPromiseAfter, a.fileQuantity);
        if (m !== 'exact-atp') assert.is(a.quantityOnHandAfter, a.fileQuantity);
        if (m !== 'cycle-count')
          assert.is(
            reserved(a.quantityOnHandAfter, a.availableToPromiseAfter),
            reserved(a.quantityOnHandBefore, a.availableToPromiseBefore),
          );
      }
      const named = new Set(rows.map((r) => pairKey(r.productId, r.facilityId))).size;
      assert.is(plan.adjustments.length + plan.unchanged + plan.rejected.length, named);
    }),
    { numRuns: 300 },
  );
});

properties('planInventoryResetTable: the same plan, its adjustments as a table (by index and iterated)', () => {
  const stockColumns = {
    productId: (s: StockLevel) => s.productId,
    facilityId: (s: StockLevel) => s.facilityId,
    quantityOnHand: (s: StockLevel) => s.quantityOnHand,
    availableToPromise: (s: StockLevel) => s.availableToPromise,
  };
  const snapshotColumns = {
    productId: (r: SnapshotRow) => r.productId,
    facilityId: (r: SnapshotRow) => r.facilityId,
    quantity: (r: SnapshotRow) => r.quantity,
    line: (r: SnapshotRow) => r.line,
  };
  fc.assert(
    fc.property(method, missing, stockLevels(), snapshotRows(), (m, miss, levels, rows) => {
      const objects = planInventoryResetBy(m, levels, stockColumns, rows, snapshotColumns, { missing: miss });
      const { adjustments, ...rest } = planInventoryResetTable(m, levels, stockColumns, rows, snapshotColumns, {
        missing: miss,
      });
      const { adjustments: expected, ...expectedRest } = objects;
      assert.equal(rest, expectedRest);
      assert.is(adjustments.length, expected.length);
      assert.equal([...adjustments], expected);
      assert.equal(
        Array.from({ length: adjustments.length }, (_, i) => adjustments.at(i)),
        expected,
      );
      // Field by field: the table's own columns, and the columns read over the objects, give the same adjustments.
      for (const columns of [adjustments.columns, stockAdjustmentColumnsOf(expected)])
        assert.equal(
          Array.from({ length: adjustments.length }, (_, i) =>
            Object.fromEntries(Object.entries(columns).map(([field, read]) => [field, read(i)])),
          ),
          expected,
        );
    }),
    { numRuns: 300 },
  );
});

examples.run();
properties.run();
