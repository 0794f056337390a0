import * as t from 'io-ts';

/** The longest identifier accepted: NetSuite ids, OMS ids and Shopify GIDs all fit well within it. */
export const MAX_IDENTIFIER_LENGTH = 255;

// A control character inside an id is always a broken export (a stray NUL, a line break inside a field); it would
// also let two different ids collide in the composite keys the diffs build.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is this rule's purpose
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f]/;

/** True when `s` is a usable identifier: non-empty, no surrounding blanks, no control characters, bounded length. */
export const isIdentifier = (s: string): boolean =>
  s.length > 0 && s.length <= MAX_IDENTIFIER_LENGTH && s.trim() === s && !CONTROL_CHARACTER.test(s);

/** An identifier of a product, facility, facility group, Shopify inventory item or location. */
export const Identifier = new t.Type<string, string, unknown>(
  'Identifier',
  (u): u is string => typeof u === 'string' && isIdentifier(u),
  (u, c) => (typeof u === 'string' && isIdentifier(u) ? t.success(u) : t.failure(u, c)),
  t.identity,
);
