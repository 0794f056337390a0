import fc from 'fast-check';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { printable } from '../../src/application/printable.ts';

const test = suite('printable');

test('CR, LF, tab and NUL are shown as escapes; other controls as \\xHH or \\uHHHH', () => {
  assert.is(printable('a\rb\nc\td\u0000e'), 'a\\rb\\nc\\td\\0e');
  assert.is(printable('\u001b[2Kbell\u0007\u0085'), '\\x1b[2Kbell\\x07\\x85');
  assert.is(printable('line\u2028separator'), 'line\\u2028separator');
});

test('everything else is kept as it is: letters of any script, a backslash, quotes', () => {
  for (const text of ['inventory-20261122T010000Z.csv', 'ümlaut é 日本', 'back\\slash', `"q" 'q'`, ''])
    assert.is(printable(text), text);
});

test('property: the result never holds a line break or a control character', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'binary' }), (text) => {
      // biome-ignore lint/suspicious/noControlCharactersInRegex: the property is about control characters
      assert.not.ok(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/.test(printable(text)));
    }),
  );
});

test.run();
