import fc from 'fast-check';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  availableAt,
  minimumSeconds,
  spend,
  waitBefore,
  type BucketState,
} from '../../../src/adapters/shopify/leaky-bucket.ts';

// Shopify's standard plan: a bucket of 2,000 points refilled at 100 points a second.
const standard = (currentlyAvailable: number, at = 0): BucketState => ({
  status: { maximumAvailable: 2000, currentlyAvailable, restoreRate: 100 },
  at,
});

const available = suite('availableAt');

available('refills at the restore rate since the last report, never above the bucket size', () => {
  assert.is(availableAt(standard(500, 1000), 1000), 500);
  assert.is(availableAt(standard(500, 1000), 1500), 550);
  assert.is(availableAt(standard(500, 1000), 3000), 700);
  assert.is(availableAt(standard(1990, 0), 60_000), 2000);
});

const wait = suite('waitBefore');

wait('no report yet, or enough points now: no wait', () => {
  assert.is(waitBefore(null, 1000, 0), 0);
  assert.is(waitBefore(standard(13, 0), 13, 0), 0);
  assert.is(waitBefore(standard(0, 0), 13, 130), 0, 'refilled to exactly the cost');
});

wait('a shortfall waits the time to refill it, plus the margin', () => {
  // 13 points short at 100 a second: 130 ms, plus 5 ms of margin.
  assert.is(waitBefore(standard(0, 0), 13, 0), 135);
  assert.is(waitBefore(standard(0, 0), 13, 0, 0), 130);
  assert.is(waitBefore(standard(0, 0), 13, 100), 35);
  // Fractions of a millisecond round up: never a hair too early.
  assert.is(
    waitBefore({ status: { maximumAvailable: 50, currentlyAvailable: 0, restoreRate: 3 }, at: 0 }, 1, 0, 0),
    334,
  );
});

wait('a cost above the bucket size waits for a full bucket, not forever', () => {
  assert.is(waitBefore(standard(0, 0), 5000, 0, 0), 20_000);
  assert.is(waitBefore(standard(2000, 0), 5000, 0), 0);
});

wait('property: after the wait the bucket holds the cost (or is full), and not much later than that', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 2000 }),
      fc.integer({ min: 1, max: 3000 }),
      fc.integer({ min: 0, max: 10_000 }),
      fc.integer({ min: 0, max: 50 }),
      (current, cost, elapsed, margin) => {
        const state = standard(current, 0);
        const ms = waitBefore(state, cost, elapsed, margin);
        const needed = Math.min(cost, 2000);
        if (ms === 0) return availableAt(state, elapsed) >= needed;
        // Not much longer than needed: 2 ms less than the wait without the margin would fall short (rounding up to
        // whole milliseconds, in floating point, may add one).
        return availableAt(state, elapsed + ms) >= needed && availableAt(state, elapsed + ms - margin - 2) < needed;
      },
    ),
    { numRuns: 1000 },
  );
});

const spending = suite('spend');

spending('takes the cost off the bucket as refilled at the send, and dates the state at the send', () => {
  assert.equal(spend(standard(500, 0), 130, 1000), standard(470, 1000));
  assert.is(spend(null, 130, 1000), null);
  // A bucket may go below zero in the client's picture (a request sent on a stale report).
  assert.equal(spend(standard(0, 0), 50, 0)!.status.currentlyAvailable, -50);
});

spending('property: spending then waiting for the next cost never sends into a bucket that cannot pay it', () => {
  fc.assert(
    fc.property(fc.array(fc.integer({ min: 1, max: 1000 }), { minLength: 1, maxLength: 30 }), (costs) => {
      let state: BucketState | null = standard(2000, 0);
      let now = 0;
      for (const cost of costs) {
        now += waitBefore(state, cost, now);
        if (availableAt(state!, now) < cost) return false;
        state = spend(state, cost, now);
      }
      return true;
    }),
    { numRuns: 300 },
  );
});

const minimum = suite('minimumSeconds');

minimum('the points beyond the starting bucket, at the restore rate', () => {
  assert.is(minimumSeconds(12_000, 2000, 100), 100);
  assert.is(minimumSeconds(1500, 2000, 100), 0);
  assert.is(minimumSeconds(1000, 0, 50), 20);
});

available.run();
wait.run();
spending.run();
minimum.run();
