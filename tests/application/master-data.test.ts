import fc from 'fast-check';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { prefixSuccessor } from '../../src/application/master-data.ts';

const test = suite('prefixSuccessor');

// Code-point order, as the stores' prefix range is compared (UTF-8 byte order).
const byCodePoint = (a: string, b: string): number => {
  const x = [...a].map((c) => c.codePointAt(0)!);
  const y = [...b].map((c) => c.codePointAt(0)!);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
  return x.length - y.length;
};

test('the last code point raised by one', () => {
  assert.is(prefixSuccessor('SKU-1'), 'SKU-2');
  assert.is(prefixSuccessor('SKU-'), 'SKU.');
  assert.is(prefixSuccessor('a\u{1F600}'), 'a\u{1F601}');
  assert.is(prefixSuccessor('a\uD7FF'), 'a\uE000', 'past the surrogates');
});

test('none for an empty prefix or one of top code points only; a top last code point is dropped first', () => {
  assert.is(prefixSuccessor(''), null);
  assert.is(prefixSuccessor('\u{10FFFF}\u{10FFFF}'), null);
  assert.is(prefixSuccessor('ab\u{10FFFF}'), 'ac');
});

test('property: every string with the prefix lies in [prefix, successor), and the successor has not the prefix', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'grapheme', minLength: 1 }), fc.string({ unit: 'grapheme' }), (prefix, rest) => {
      const successor = prefixSuccessor(prefix);
      if (successor === null) return;
      const s = prefix + rest;
      assert.ok(byCodePoint(s, prefix) >= 0);
      assert.ok(byCodePoint(s, successor) < 0 || rest.startsWith('\u{10FFFF}'));
      assert.not.ok(successor.startsWith(prefix));
    }),
  );
});

test.run();
