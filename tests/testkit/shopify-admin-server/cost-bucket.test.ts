import fc from 'fast-check';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { costBucket } from '../../../src/testkit/shopify-admin-server/cost-bucket.ts';

const STANDARD = { maximumAvailable: 2000, restoreRate: 100 };

const manualClock = (start = 1_000_000) => {
  let now = start;
  return { now: () => now, advance: (ms: number) => void (now += ms), back: (ms: number) => void (now -= ms) };
};

const bucket = suite('costBucket');

bucket('starts full; a take that fits is taken, one that does not is refused and takes nothing', () => {
  const clock = manualClock();
  const b = costBucket(STANDARD, clock.now);
  assert.equal(b.status(), { maximumAvailable: 2000, currentlyAvailable: 2000, restoreRate: 100 });
  assert.ok(b.take(1990));
  assert.not.ok(b.take(11));
  assert.is(b.status().currentlyAvailable, 10);
  assert.ok(b.take(10));
  assert.is(b.status().currentlyAvailable, 0);
});

bucket('refills at the restore rate, never above its size; reports whole points, rounded down', () => {
  const clock = manualClock();
  const b = costBucket(STANDARD, clock.now);
  b.take(2000);
  clock.advance(125);
  assert.is(b.status().currentlyAvailable, 12, '12.5 points is reported as 12');
  assert.not.ok(b.take(13));
  assert.ok(b.take(12.5), 'the fraction is there to take');
  clock.advance(60_000);
  assert.is(b.status().currentlyAvailable, 2000);
});

bucket('a refund puts points back, never above the size (requested cost charged, actual cost kept)', () => {
  const clock = manualClock();
  const b = costBucket(STANDARD, clock.now);
  b.take(13);
  b.refund(3);
  assert.is(b.status().currentlyAvailable, 1990);
  b.refund(500);
  assert.is(b.status().currentlyAvailable, 2000);
});

bucket('a clock that goes back refills nothing and takes nothing away', () => {
  const clock = manualClock();
  const b = costBucket(STANDARD, clock.now);
  b.take(1000);
  clock.back(5_000);
  assert.is(b.status().currentlyAvailable, 1000);
});

bucket('property: what is available is the size minus what was kept, plus the refill, within [0, size]', () => {
  fc.assert(
    fc.property(
      fc.array(
        fc.tuple(
          fc.integer({ min: 0, max: 500 }),
          fc.integer({ min: 1, max: 1200 }),
          fc.integer({ min: 0, max: 1200 }),
        ),
        { maxLength: 40 },
      ),
      (steps) => {
        const clock = manualClock();
        const b = costBucket(STANDARD, clock.now);
        let model = 2000;
        for (const [wait, cost, refund] of steps) {
          clock.advance(wait);
          model = Math.min(2000, model + (wait * 100) / 1000);
          const took = b.take(cost);
          if (took !== cost <= model) return false;
          if (took) {
            model -= cost;
            const back = Math.min(refund, cost);
            b.refund(back);
            model = Math.min(2000, model + back);
          }
          const status = b.status().currentlyAvailable;
          if (status !== Math.floor(model) || status < 0 || status > 2000) return false;
        }
        return true;
      },
    ),
    { numRuns: 300 },
  );
});

bucket.run();
