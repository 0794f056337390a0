import fc from 'fast-check';
import { isLeft, isRight } from 'fp-ts/lib/Either.js';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  Identifier,
  isIdentifier,
  MAX_IDENTIFIER_LENGTH,
  storedIdProblem,
  unstorableId,
} from '../../src/domain/identifiers.ts';
import { identifier } from '../arbitraries.ts';

const ids = suite('isIdentifier and Identifier');

ids('NetSuite ids, OMS ids, SKUs and Shopify GIDs are identifiers; so are inner spaces and any script', () => {
  for (const ok of [
    '10001',
    'SKU-0001-BLUE-M',
    'gid://shopify/InventoryItem/30322695',
    'WEB WH',
    'Größe-✓',
    '商品-1',
    '😀',
    'x'.repeat(MAX_IDENTIFIER_LENGTH),
  ])
    assert.ok(isIdentifier(ok), JSON.stringify(ok));
});

ids('empty, surrounding blanks, a control character anywhere, or longer than 255: refused', () => {
  assert.is(MAX_IDENTIFIER_LENGTH, 255);
  for (const bad of [
    '',
    ' ',
    ' SKU',
    'SKU ',
    '\u00a0SKU',
    'SKU\u3000',
    'SKU\n',
    'a\u0000b',
    'a\tb',
    'a\rb',
    'a\u001fb',
    'a\u007fb',
    'x'.repeat(MAX_IDENTIFIER_LENGTH + 1),
  ])
    assert.not.ok(isIdentifier(bad), JSON.stringify(bad));
});

ids('the codec decodes exactly the identifiers, refuses every non-string, and encodes as the identity', () => {
  assert.ok(isRight(Identifier.decode('P1')));
  for (const bad of [7, null, undefined, ['P1'], { id: 'P1' }, '', ' P1']) assert.ok(isLeft(Identifier.decode(bad)));
  assert.is(Identifier.encode('P1'), 'P1');
  assert.is(Identifier.name, 'Identifier');
});

ids('property: `is`, `decode` and `isIdentifier` agree on any string', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (s) => {
      const accepted = isIdentifier(s);
      return Identifier.is(s) === accepted && isRight(Identifier.decode(s)) === accepted;
    }),
    { numRuns: 1000 },
  );
});

ids('property: a control character anywhere makes any id invalid', () => {
  fc.assert(
    fc.property(
      identifier(),
      fc.integer({ min: 0, max: 0x20 }).map((c) => String.fromCharCode(c === 0x20 ? 0x7f : c)),
      fc.nat(),
      (id, control, at) => {
        const i = at % (id.length + 1);
        return !isIdentifier(id.slice(0, i) + control + id.slice(i));
      },
    ),
    { numRuns: 500 },
  );
});

ids('property: every generated identifier is valid', () => {
  fc.assert(
    fc.property(identifier('P'), (id) => isIdentifier(id)),
    { numRuns: 300 },
  );
});

ids.run();

const stored = suite('storedIdProblem, unstorableId');

stored('the strictest store rule: no NUL, no lone surrogate, at most 255 code points; blanks and controls pass', () => {
  assert.is(storedIdProblem('P 1\t'), null);
  assert.is(storedIdProblem(' padded '), null);
  assert.is(storedIdProblem('😀'.repeat(255)), null);
  assert.is(storedIdProblem(''), 'empty');
  assert.is(storedIdProblem('a\u0000'), 'holds a NUL character');
  assert.is(storedIdProblem('\udc00x'), 'holds a lone UTF-16 surrogate');
  assert.is(storedIdProblem('x'.repeat(256)), 'longer than 255 characters');
  assert.is(
    unstorableId([
      ['sku', undefined],
      ['productId', 'x'.repeat(300)],
    ]),
    `productId "${'x'.repeat(60)}..." longer than 255 characters`,
  );
});

stored('property: every identifier is storable', () => {
  fc.assert(
    fc.property(identifier('P'), (id) => storedIdProblem(id) === null),
    { numRuns: 300 },
  );
});

stored.run();
