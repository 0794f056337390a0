import fc from 'fast-check';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  applyVariances,
  pairKey,
  resetDiff,
  toScaled,
  type PositionQuantity,
  type SnapshotRow,
} from '../../src/domain/index.ts';
import { positionQuantities, snapshotRows } from '../arbitraries.ts';

const row = (productId: string, facilityId: string, quantity: number, line: number): SnapshotRow => ({
  productId,
  facilityId,
  quantity,
  line,
});
const pos = (productId: string, facilityId: string, quantity: number): PositionQuantity => ({
  productId,
  facilityId,
  quantity,
});

// A state as a map with absent positions and 0 alike, compared exactly.
const asState = (positions: ReadonlyArray<PositionQuantity>): Map<string, number> => {
  const state = new Map<string, number>();
  for (const p of positions) {
    const scaled = toScaled(p.quantity);
    if (scaled === 0) state.delete(pairKey(p.productId, p.facilityId));
    else state.set(pairKey(p.productId, p.facilityId), scaled);
  }
  return state;
};

const examples = suite('resetDiff: examples');

examples('a changed, an unchanged, a new and an unmentioned position', () => {
  const current = [pos('P1', 'F1', 10), pos('P2', 'F1', 4), pos('P3', 'F1', 7)];
  const diff = resetDiff(current, [row('P1', 'F1', 8, 2), row('P2', 'F1', 4, 3), row('P4', 'F2', 3, 4)]);
  assert.equal(diff.variances, [
    { productId: 'P1', facilityId: 'F1', previous: 10, next: 8, delta: -2, created: false, line: 2, currentIndex: 0 },
    { productId: 'P4', facilityId: 'F2', previous: 0, next: 3, delta: 3, created: true, line: 4, currentIndex: null },
  ]);
  assert.is(diff.unchanged, 1);
  assert.equal(diff.rejected, []);
});

examples("policy 'zero' sets unmentioned positions to 0; 'leave' (the default) keeps them", () => {
  const current = [pos('P1', 'F1', 10), pos('P3', 'F1', 7), pos('P5', 'F1', 0)];
  const snapshot = [row('P1', 'F1', 10, 2)];
  assert.equal(resetDiff(current, snapshot).variances, []);
  assert.equal(resetDiff(current, snapshot, { missing: 'zero' }).variances, [
    { productId: 'P3', facilityId: 'F1', previous: 7, next: 0, delta: -7, created: false, line: null, currentIndex: 1 },
  ]);
});

examples('duplicate rows: equal ones merge, different ones are all held back with their lines', () => {
  const current = [pos('P1', 'F1', 10), pos('P2', 'F1', 1)];
  const diff = resetDiff(
    current,
    [row('P1', 'F1', 5, 2), row('P2', 'F1', 3, 3), row('P1', 'F1', 6, 4), row('P2', 'F1', 3, 5), row('P1', 'F1', 5, 6)],
    { missing: 'zero' },
  );
  assert.equal(
    diff.variances.map((v) => [v.productId, v.next, v.line]),
    [['P2', 3, 3]],
  );
  assert.is(diff.duplicatesMerged, 1);
  assert.equal(diff.rejected, [
    { productId: 'P1', facilityId: 'F1', reason: 'conflicting-duplicate', quantities: [5, 6, 5], lines: [2, 4, 6] },
  ]);
});

examples('quantities that are not valid are rejected, and the position is left alone', () => {
  const current = [pos('P1', 'F1', 10)];
  const diff = resetDiff(
    current,
    [
      row('P1', 'F1', Number.NaN, 2),
      row('P2', 'F1', 1e12, 3),
      row('P3', 'F1', 0.000001, 4),
      row('P4', 'F1', 2, 5),
      row('P4', 'F1', Number.POSITIVE_INFINITY, 6),
    ],
    { missing: 'zero' },
  );
  assert.equal(diff.variances, []);
  assert.equal(
    diff.rejected.map((r) => [r.productId, r.reason, r.lines]),
    [
      ['P1', 'invalid-quantity', [2]],
      ['P2', 'invalid-quantity', [3]],
      ['P3', 'invalid-quantity', [4]],
      ['P4', 'invalid-quantity', [5, 6]],
    ],
  );
});

examples('deltas are exact on decimals', () => {
  const diff = resetDiff([pos('P1', 'F1', 0.1)], [row('P1', 'F1', 0.3, 2)]);
  assert.is(diff.variances[0]!.delta, 0.2);
  assert.equal(resetDiff([pos('P1', 'F1', 0.1 + 0.2)], [row('P1', 'F1', 0.3, 2)]).variances, []);
});

examples('ids that would collide when joined stay apart', () => {
  const diff = resetDiff([pos('AB', 'C', 1)], [row('A', 'BC', 1, 2)]);
  assert.is(diff.variances.length, 1);
  assert.is(diff.variances[0]!.created, true);
});

const properties = suite('resetDiff: properties');
const runs = { numRuns: 300 };
const policy = fc.constantFrom<'leave' | 'zero'>('leave', 'zero');

properties('applying the variances yields the snapshot (every position it names and does not reject)', () => {
  fc.assert(
    fc.property(positionQuantities(), snapshotRows(), policy, (current, snapshot, missing) => {
      const diff = resetDiff(current, snapshot, { missing });
      const held = new Set(diff.rejected.map((r) => pairKey(r.productId, r.facilityId)));
      const expected = new Map(missing === 'zero' ? [] : asState(current));
      if (missing === 'zero')
        for (const p of current)
          if (held.has(pairKey(p.productId, p.facilityId)))
            expected.set(pairKey(p.productId, p.facilityId), toScaled(p.quantity));
      for (const r of snapshot) {
        const key = pairKey(r.productId, r.facilityId);
        if (held.has(key)) continue;
        if (toScaled(r.quantity) === 0) expected.delete(key);
        else expected.set(key, toScaled(r.quantity));
      }
      for (const [key, value] of expected) if (value === 0) expected.delete(key);
      assert.equal(asState(applyVariances(current, diff.variances)), expected);
    }),
    runs,
  );
});

properties('a snapshot equal to the current state yields no variance', () => {
  fc.assert(
    fc.property(positionQuantities(), policy, (current, missing) => {
      const snapshot = current.map((p, i) => ({ ...p, line: i + 2 }));
      const diff = resetDiff(current, snapshot, { missing });
      return diff.variances.length === 0 && diff.unchanged === current.length;
    }),
    runs,
  );
});

properties('a second application yields none', () => {
  fc.assert(
    fc.property(positionQuantities(), snapshotRows(), policy, (current, snapshot, missing) => {
      const once = applyVariances(current, resetDiff(current, snapshot, { missing }).variances);
      return resetDiff(once, snapshot, { missing }).variances.length === 0;
    }),
    runs,
  );
});

properties('every snapshot row is accounted for exactly once: varied, unchanged, merged or rejected', () => {
  fc.assert(
    fc.property(positionQuantities(), snapshotRows(), (current, snapshot) => {
      const diff = resetDiff(current, snapshot);
      const rejectedRows = diff.rejected.reduce((n, r) => n + r.lines.length, 0);
      return diff.variances.length + diff.unchanged + diff.duplicatesMerged + rejectedRows === snapshot.length;
    }),
    runs,
  );
});

examples.run();
properties.run();
