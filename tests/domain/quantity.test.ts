import fc from 'fast-check';
import { isLeft, isRight } from 'fp-ts/lib/Either.js';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  MAX_QUANTITY,
  NonNegativeQuantity,
  QUANTITY_DECIMALS,
  QUANTITY_SCALE,
  Quantity,
  WholeQuantity,
  fromScaled,
  isQuantity,
  toScaled,
  wholeUnitsAvailable,
} from '../../src/domain/quantity.ts';
import { quantity } from '../arbitraries.ts';

const scale = suite('toScaled and fromScaled: exact decimal arithmetic');

scale('five decimals, 100,000 steps a unit, a billion units at most', () => {
  assert.is(QUANTITY_DECIMALS, 5);
  assert.is(QUANTITY_SCALE, 10 ** QUANTITY_DECIMALS);
  assert.is(MAX_QUANTITY, 1_000_000_000);
});

scale('0.1 + 0.2 is 0.3 here', () => {
  assert.is.not(0.1 + 0.2, 0.3);
  assert.is(fromScaled(toScaled(0.1) + toScaled(0.2)), 0.3);
  assert.is(toScaled(0.00001), 1);
  assert.is(toScaled(-2.5), -250_000);
  assert.is(toScaled(1_234.56789), 123_456_789);
  assert.is(fromScaled(123_456_789), 1_234.56789);
});

scale('property: sums and differences of scaled quantities are exact', () => {
  fc.assert(
    fc.property(quantity({ min: -1e6, max: 1e6 }), quantity({ min: -1e6, max: 1e6 }), (a, b) => {
      const sum = toScaled(a) + toScaled(b);
      // No drift: the sum is a whole count of steps, it survives the way back, and taking b off gives a again.
      return Number.isSafeInteger(sum) && toScaled(fromScaled(sum)) === sum && fromScaled(sum - toScaled(b)) === a;
    }),
    { numRuns: 500 },
  );
});

const rounding = suite('wholeUnitsAvailable: the one rounding rule');

rounding('down to whole units, never below zero', () => {
  const cases: ReadonlyArray<[number, number]> = [
    [0, 0],
    [0.99999, 0],
    [1, 1],
    [74.99999, 74],
    [75, 75],
    [-0.00001, 0],
    [-7, 0],
    [MAX_QUANTITY, MAX_QUANTITY],
  ];
  for (const [units, whole] of cases) assert.is(wholeUnitsAvailable(toScaled(units)), whole, String(units));
});

rounding('property: the largest whole number of units not above the amount, or 0', () => {
  fc.assert(
    fc.property(fc.integer({ min: -1e12, max: 1e14 }), (scaled) => {
      const whole = wholeUnitsAvailable(scaled);
      return (
        Number.isSafeInteger(whole) &&
        whole >= 0 &&
        (scaled <= 0 ? whole === 0 : whole * QUANTITY_SCALE <= scaled && (whole + 1) * QUANTITY_SCALE > scaled)
      );
    }),
    { numRuns: 500 },
  );
});

const valid = suite('isQuantity and the quantity codecs');

valid('finite, at most a billion either way, at most five decimals', () => {
  for (const ok of [
    0,
    -0,
    1,
    -1,
    0.5,
    0.00001,
    -0.00001,
    123_456.78901,
    MAX_QUANTITY,
    -MAX_QUANTITY,
    999_999_999.99999,
  ])
    assert.ok(isQuantity(ok), String(ok));
  for (const bad of [
    Number.NaN,
    Number.POSITIVE_INFINITY,
    Number.NEGATIVE_INFINITY,
    0.000001,
    1.123456,
    MAX_QUANTITY + 1,
    -MAX_QUANTITY - 0.00001,
    Number.MAX_SAFE_INTEGER,
  ])
    assert.not.ok(isQuantity(bad), String(bad));
});

valid('Quantity may be negative; NonNegativeQuantity may not; WholeQuantity takes whole units only', () => {
  assert.ok(isRight(Quantity.decode(-3.5)));
  assert.ok(isLeft(NonNegativeQuantity.decode(-0.00001)));
  assert.ok(isRight(NonNegativeQuantity.decode(0)));
  assert.ok(isRight(NonNegativeQuantity.decode(2.5)));
  for (const ok of [0, -5, MAX_QUANTITY, -MAX_QUANTITY]) assert.ok(WholeQuantity.is(ok), String(ok));
  for (const bad of [0.5, MAX_QUANTITY + 1, Number.NaN, 2 ** 53]) assert.not.ok(WholeQuantity.is(bad), String(bad));
});

valid('only numbers: strings, null and numeric objects are refused by every codec', () => {
  for (const codec of [Quantity, NonNegativeQuantity, WholeQuantity])
    for (const bad of ['5', null, undefined, {}, [1], true])
      assert.ok(isLeft(codec.decode(bad)), `${codec.name} ${bad}`);
});

valid('the codecs are named, and encode as the identity', () => {
  assert.equal(
    [Quantity.name, NonNegativeQuantity.name, WholeQuantity.name],
    ['Quantity', 'NonNegativeQuantity', 'WholeQuantity'],
  );
  assert.is(Quantity.encode(2.5), 2.5);
});

valid('property: is and decode agree, and every generated quantity is valid', () => {
  fc.assert(
    fc.property(fc.oneof(quantity({ min: -1e9, max: 1e9 }), fc.double()), (n) => {
      for (const codec of [Quantity, NonNegativeQuantity, WholeQuantity]) {
        if (codec.is(n) !== isRight(codec.decode(n))) return false;
      }
      return Quantity.is(n) === isQuantity(n) && (NonNegativeQuantity.is(n) ? Quantity.is(n) && n >= 0 : true);
    }),
    { numRuns: 500 },
  );
  fc.assert(
    fc.property(quantity({ min: -1e9, max: 1e9 }), (q) => isQuantity(q)),
    { numRuns: 500 },
  );
});

scale.run();
rounding.run();
valid.run();
