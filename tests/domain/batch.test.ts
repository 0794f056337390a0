import fc from 'fast-check';
import { isLeft, isRight } from 'fp-ts/lib/Either.js';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { BatchSize, batchesOf } from '../../src/domain/index.ts';

const size = (n: number): BatchSize => {
  const decoded = BatchSize.decode(n);
  if (isLeft(decoded)) throw new Error(`not a batch size: ${n}`);
  return decoded.right;
};

const batches = suite('batchesOf');

batches('splits in order into full batches and a remainder', () => {
  assert.equal(batchesOf([1, 2, 3, 4, 5], size(2)), [[1, 2], [3, 4], [5]]);
  assert.equal(batchesOf([], size(3)), []);
});

batches('BatchSize accepts whole numbers from 1', () => {
  assert.ok(isRight(BatchSize.decode(1)));
  assert.ok(isRight(BatchSize.decode(250)));
  for (const bad of [0, -1, 1.5, Number.NaN, '2']) assert.ok(isLeft(BatchSize.decode(bad)), String(bad));
});

batches('property: every item exactly once, in order; no batch empty or over size; all but the last full', () => {
  fc.assert(
    fc.property(fc.array(fc.integer()), fc.integer({ min: 1, max: 300 }), (items, n) => {
      const result = batchesOf(items, size(n));
      assert.equal(result.flat(), items);
      result.forEach((b, i) => {
        assert.ok(b.length > 0 && b.length <= n);
        if (i < result.length - 1) assert.is(b.length, n);
      });
    }),
    { numRuns: 300 },
  );
});

batches.run();
