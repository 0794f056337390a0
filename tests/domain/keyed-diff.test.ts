import fc from 'fast-check';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  diffKeyed,
  pairKey,
  type KeyedChange,
  type KeyedDiff,
  type KeyedDiffOptions,
  type KeyedRejection,
} from '../../src/domain/keyed-diff.ts';
import { fromScaled, toScaled } from '../../src/domain/quantity.ts';
import { identifier, realisticQuantity } from '../arbitraries.ts';

type Row = readonly [first: string, second: string, quantity: number];
type Line = readonly [first: string, second: string, quantity: number, line: number];

const currentColumns = { first: (r: Row) => r[0], second: (r: Row) => r[1], quantity: (r: Row) => r[2] };
const incomingColumns = {
  first: (r: Line) => r[0],
  second: (r: Line) => r[1],
  quantity: (r: Line) => r[2],
  line: (r: Line) => r[3],
};
const anyQuantity = (q: number) => Number.isFinite(q) && q >= 0;
const options = (over: Partial<KeyedDiffOptions> = {}): KeyedDiffOptions => ({
  missing: 'leave',
  absentIsZero: true,
  accepts: anyQuantity,
  ...over,
});
const diff = (current: ReadonlyArray<Row>, incoming: ReadonlyArray<Line>, over: Partial<KeyedDiffOptions> = {}) =>
  diffKeyed(current, currentColumns, incoming, incomingColumns, options(over));

const keys = suite('pairKey');

keys('a length prefix says where the first id ends', () => {
  assert.is(pairKey('P1', 'F1'), '2:P1F1');
  assert.is(pairKey('', ''), '0:');
  assert.is.not(pairKey('a', 'bc'), pairKey('ab', 'c'));
  assert.is.not(pairKey('1:a', 'b'), pairKey('1', ':ab'));
});

keys('property: two pairs share a key exactly when they are the same pair, whatever the characters', () => {
  fc.assert(
    fc.property(
      fc.string({ unit: 'binary', maxLength: 6 }),
      fc.string({ unit: 'binary', maxLength: 6 }),
      fc.string({ unit: 'binary', maxLength: 6 }),
      fc.string({ unit: 'binary', maxLength: 6 }),
      (a, b, c, d) => (pairKey(a, b) === pairKey(c, d)) === (a === c && b === d),
    ),
    { numRuns: 2000 },
  );
  fc.assert(
    fc.property(
      fc.string({ maxLength: 6 }),
      fc.string({ maxLength: 6 }),
      (a, b) => pairKey(a, b) !== pairKey(b, a) || a === b,
    ),
  );
});

const examples = suite('diffKeyed: examples');

examples('a change, an unchanged pair, a new pair; the change says where both sides came from', () => {
  const result = diff(
    [
      ['P1', 'F1', 10],
      ['P2', 'F1', 4],
    ],
    [
      ['P2', 'F1', 4, 2],
      ['P1', 'F1', 8, 3],
      ['P3', 'F2', 3, 4],
    ],
  );
  assert.equal(result, {
    changes: [
      { first: 'P1', second: 'F1', previous: 10, next: 8, delta: -2, line: 3, currentIndex: 0 },
      { first: 'P3', second: 'F2', previous: null, next: 3, delta: 3, line: 4, currentIndex: null },
    ],
    rejected: [],
    unchanged: 1,
    duplicatesMerged: 0,
  });
});

examples('exact: 0.1 + 0.2 against 0.3 is no change, and deltas are exact decimals', () => {
  const result = diff(
    [
      ['P1', 'F1', 0.3],
      ['P2', 'F1', 0.1],
    ],
    [
      ['P1', 'F1', 0.1 + 0.2, 2],
      ['P2', 'F1', 0.3, 3],
    ],
  );
  assert.is(result.unchanged, 1);
  assert.equal(
    result.changes.map((c) => c.delta),
    [0.2],
  );
});

examples('repeated current pairs: the last one wins, and its index is the one reported', () => {
  const result = diff(
    [
      ['P1', 'F1', 1],
      ['P1', 'F1', 5],
    ],
    [['P1', 'F1', 7, 2]],
  );
  assert.equal(
    result.changes.map((c) => [c.previous, c.currentIndex]),
    [[5, 1]],
  );
});

examples('repeated incoming pairs: equal ones merge; a different one holds back every row of the pair', () => {
  const merged = diff(
    [],
    [
      ['P1', 'F1', 3, 2],
      ['P1', 'F1', 3, 5],
      ['P1', 'F1', 3.0, 6],
    ],
  );
  assert.equal([merged.changes.length, merged.duplicatesMerged, merged.changes[0]!.line], [1, 2, 2]);
  const conflicting = diff(
    [['P1', 'F1', 1]],
    [
      ['P1', 'F1', 3, 2],
      ['P2', 'F1', 1, 3],
      ['P1', 'F1', 4, 4],
      ['P1', 'F1', 3, 5],
    ],
  );
  assert.equal(conflicting.rejected, [
    { first: 'P1', second: 'F1', reason: 'conflicting-duplicate', quantities: [3, 4, 3], lines: [2, 4, 5] },
  ]);
  assert.equal(
    conflicting.changes.map((c) => c.first),
    ['P2'],
  );
});

examples('an invalid quantity rejects its pair with every other row of it, before or after', () => {
  const before = diff(
    [],
    [
      ['P1', 'F1', 3, 2],
      ['P1', 'F1', -1, 3],
    ],
  );
  assert.equal(before.rejected, [
    { first: 'P1', second: 'F1', reason: 'invalid-quantity', quantities: [3, -1], lines: [2, 3] },
  ]);
  const after = diff(
    [],
    [
      ['P1', 'F1', Number.NaN, 2],
      ['P1', 'F1', 3, 3],
    ],
  );
  assert.equal(after.rejected[0]!.reason, 'invalid-quantity');
  assert.equal(after.rejected[0]!.lines, [2, 3]);
  // A conflict that an invalid row joins later is reported as invalid.
  const both = diff(
    [],
    [
      ['P1', 'F1', 1, 2],
      ['P1', 'F1', 2, 3],
      ['P1', 'F1', -5, 4],
    ],
  );
  assert.equal([both.rejected[0]!.reason, both.rejected[0]!.quantities], ['invalid-quantity', [1, 2, -5]]);
  assert.equal([before.changes, after.changes, both.changes], [[], [], []]);
});

examples('absentIsZero: a new pair at 0 is no change when absent means 0, and a change when it means unknown', () => {
  const incoming: ReadonlyArray<Line> = [['P1', 'F1', 0, 2]];
  assert.equal([diff([], incoming).changes.length, diff([], incoming).unchanged], [0, 1]);
  assert.equal(diff([], incoming, { absentIsZero: false }).changes, [
    { first: 'P1', second: 'F1', previous: null, next: 0, delta: 0, line: 2, currentIndex: null },
  ]);
});

examples(
  "missing 'zero' zeroes each unmentioned non-zero pair once, after the incoming changes, in current order",
  () => {
    const current: ReadonlyArray<Row> = [
      ['P9', 'F1', 4],
      ['P1', 'F1', 10],
      ['P5', 'F1', 0],
      ['P9', 'F1', 6],
      ['P7', 'F2', 2],
    ];
    const incoming: ReadonlyArray<Line> = [['P1', 'F1', 8, 2]];
    assert.equal(
      diff(current, incoming).changes.map((c) => c.first),
      ['P1'],
    );
    const zeroed = diff(current, incoming, { missing: 'zero' });
    assert.equal(zeroed.changes, [
      { first: 'P1', second: 'F1', previous: 10, next: 8, delta: -2, line: 2, currentIndex: 1 },
      { first: 'P9', second: 'F1', previous: 6, next: 0, delta: -6, line: null, currentIndex: 3 },
      { first: 'P7', second: 'F2', previous: 2, next: 0, delta: -2, line: null, currentIndex: 4 },
    ]);
  },
);

examples('a rejected pair is not zeroed by the missing-pair policy', () => {
  const result = diff(
    [['P1', 'F1', 10]],
    [
      ['P1', 'F1', 1, 2],
      ['P1', 'F1', 2, 3],
    ],
    { missing: 'zero' },
  );
  assert.equal([result.changes, result.rejected.length], [[], 1]);
});

examples('the line of an incoming row is what `line` says, given the row and its index', () => {
  const result = diffKeyed(
    [] as Row[],
    currentColumns,
    [['P1', 'F1', 1, 0] as Line, ['P2', 'F1', 2, 0] as Line],
    { ...incomingColumns, line: (_, index) => 100 + index },
    options(),
  );
  assert.equal(
    result.changes.map((c) => c.line),
    [100, 101],
  );
});

// A reference model over string keys, to check the numbered slot tables (dense and sparse) against.
const reference = (current: ReadonlyArray<Row>, incoming: ReadonlyArray<Line>, o: KeyedDiffOptions): KeyedDiff => {
  const now = new Map<string, { scaled: number; index: number; row: Row }>();
  for (const [index, r] of current.entries()) now.set(pairKey(r[0], r[1]), { scaled: toScaled(r[2]), index, row: r });
  const seen = new Map<string, { row: Line; scaled: number | null; rejection: KeyedRejection | null }>();
  let merged = 0;
  for (const row of incoming) {
    const key = pairKey(row[0], row[1]);
    const valid = o.accepts(row[2]);
    const entry = seen.get(key);
    if (entry === undefined) {
      seen.set(key, {
        row,
        scaled: valid ? toScaled(row[2]) : null,
        rejection: valid
          ? null
          : { first: row[0], second: row[1], reason: 'invalid-quantity', quantities: [row[2]], lines: [row[3]] },
      });
    } else if (entry.rejection !== null) {
      entry.rejection = {
        ...entry.rejection,
        reason: valid ? entry.rejection.reason : 'invalid-quantity',
        quantities: [...entry.rejection.quantities, row[2]],
        lines: [...entry.rejection.lines, row[3]],
      };
    } else if (valid && entry.scaled === toScaled(row[2])) merged++;
    else
      entry.rejection = {
        first: row[0],
        second: row[1],
        reason: valid ? 'conflicting-duplicate' : 'invalid-quantity',
        quantities: [fromScaled(entry.scaled!), row[2]],
        lines: [entry.row[3], row[3]],
      };
  }
  const changes: KeyedChange[] = [];
  const rejected: KeyedRejection[] = [];
  let unchanged = 0;
  for (const [key, entry] of seen) {
    if (entry.rejection !== null) {
      rejected.push(entry.rejection);
      continue;
    }
    const before = now.get(key);
    const after = entry.scaled!;
    if ((before !== undefined && before.scaled === after) || (before === undefined && o.absentIsZero && after === 0)) {
      unchanged++;
      continue;
    }
    changes.push({
      first: entry.row[0],
      second: entry.row[1],
      previous: before === undefined ? null : fromScaled(before.scaled),
      next: fromScaled(after),
      delta: fromScaled(after - (before?.scaled ?? 0)),
      line: entry.row[3],
      currentIndex: before?.index ?? null,
    });
  }
  if (o.missing === 'zero') {
    const zeroed = new Set<string>();
    current.forEach((r) => {
      const key = pairKey(r[0], r[1]);
      const last = now.get(key)!;
      if (seen.has(key) || zeroed.has(key) || last.scaled === 0) return;
      zeroed.add(key);
      changes.push({
        first: r[0],
        second: r[1],
        previous: fromScaled(last.scaled),
        next: 0,
        delta: fromScaled(-last.scaled),
        line: null,
        currentIndex: last.index,
      });
    });
  }
  return { changes, rejected, unchanged, duplicatesMerged: merged };
};

const properties = suite('diffKeyed: properties');

// Few second ids and few first ids make the dense table; many of both with few rows make the sparse one.
const scenario = (firsts: number, seconds: number, minLength = 0) => {
  const first = fc.integer({ min: 0, max: firsts - 1 }).map((n) => `P${n}`);
  const second = fc.integer({ min: 0, max: seconds - 1 }).map((n) => `F${n}`);
  const q = fc.oneof(realisticQuantity({ min: 0, max: 50 }), fc.constantFrom(0, -1, Number.NaN));
  return fc.record({
    current: fc.array(
      fc.tuple(first, second, realisticQuantity({ min: -5, max: 50 })).map((r): Row => r),
      { minLength, maxLength: minLength + 30 },
    ),
    incoming: fc
      .array(fc.tuple(first, second, q), { minLength, maxLength: minLength + 30 })
      .map((rows) => rows.map(([a, b, c], i): Line => [a, b, c, i + 2])),
    missing: fc.constantFrom('leave' as const, 'zero' as const),
    absentIsZero: fc.boolean(),
  });
};

properties('agrees with a reference model over string keys, on dense and on sparse slot tables', () => {
  for (const [firsts, seconds, minLength, numRuns] of [
    [6, 3, 0, 400],
    [1000, 200, 25, 100],
  ] as const) {
    fc.assert(
      fc.property(scenario(firsts, seconds, minLength), ({ current, incoming, missing, absentIsZero }) => {
        const o = options({ missing, absentIsZero });
        assert.equal(diff(current, incoming, o), reference(current, incoming, o));
      }),
      { numRuns },
    );
  }
});

properties('every incoming pair is exactly one of changed, unchanged or rejected; rows are all accounted for', () => {
  fc.assert(
    fc.property(scenario(8, 3), ({ current, incoming, absentIsZero }) => {
      const result = diff(current, incoming, { absentIsZero });
      const pairs = new Set(incoming.map((r) => pairKey(r[0], r[1]))).size;
      const rejectedRows = result.rejected.reduce((n, r) => n + r.lines.length, 0);
      const rowsOfApplied = incoming.length - rejectedRows;
      return (
        result.changes.length + result.unchanged + result.rejected.length === pairs &&
        result.changes.length + result.unchanged + result.duplicatesMerged === rowsOfApplied
      );
    }),
    { numRuns: 400 },
  );
});

properties('applying the changes to the current state gives the incoming state on every applied pair', () => {
  fc.assert(
    fc.property(scenario(8, 3), ({ current, incoming, missing }) => {
      const result = diff(current, incoming, { missing });
      const state = new Map<string, number>();
      for (const r of current) state.set(pairKey(r[0], r[1]), toScaled(r[2]));
      for (const c of result.changes) {
        const key = pairKey(c.first, c.second);
        assert.is(toScaled(c.delta), toScaled(c.next) - (state.get(key) ?? 0));
        state.set(key, toScaled(c.next));
      }
      const rejected = new Set(result.rejected.map((r) => pairKey(r.first, r.second)));
      for (const r of incoming) {
        const key = pairKey(r[0], r[1]);
        if (!rejected.has(key)) assert.is(state.get(key) ?? 0, toScaled(r[2]));
      }
      if (missing === 'zero') {
        const named = new Set(incoming.map((r) => pairKey(r[0], r[1])));
        for (const [key, scaled] of state) if (!named.has(key)) assert.is(scaled, 0);
      }
    }),
    { numRuns: 400 },
  );
});

properties('ids of any characters never collide in the pair table', () => {
  fc.assert(
    fc.property(
      fc.uniqueArray(fc.tuple(identifier(), identifier()), { selector: ([a, b]) => pairKey(a, b), maxLength: 20 }),
      (pairs) => {
        // Each pair once, a different quantity each: every pair is a change of its own.
        const incoming = pairs.map(([a, b], i): Line => [a, b, i + 1, i]);
        const result = diff([], incoming);
        return (
          result.changes.length === pairs.length &&
          result.changes.every((c, i) => c.first === pairs[i]![0] && c.next === i + 1)
        );
      },
    ),
    { numRuns: 300 },
  );
});

keys.run();
examples.run();
properties.run();
