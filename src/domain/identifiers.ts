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

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * Why every store refuses `id` as a key it holds, or null: the one rule of the strictest store (PostgreSQL: no NUL,
 * no lone surrogate, at most `MAX_IDENTIFIER_LENGTH` characters, counted in code points as `varchar(255)` counts
 * them), applied by every store before it writes, so SQLite and the memory store refuse what PostgreSQL would.
 * Looser than `isIdentifier` on purpose: other control characters and blanks round-trip (see the stores' tests).
 */
export const storedIdProblem = (id: string): string | null => {
  if (id === '') return 'empty';
  if (id.includes('\u0000')) return 'holds a NUL character';
  if (LONE_SURROGATE.test(id)) return 'holds a lone UTF-16 surrogate';
  // Code points never outnumber UTF-16 units: only a longer string needs counting.
  if (id.length <= MAX_IDENTIFIER_LENGTH) return null;
  let length = 0;
  for (const _ of id) if (++length > MAX_IDENTIFIER_LENGTH) return `longer than ${MAX_IDENTIFIER_LENGTH} characters`;
  return null;
};

/**
 * The first of `ids` (each with the field it is) that no store may hold (`storedIdProblem`), said with its field, or
 * null when every one may be held. Undefined values (an optional field left out) are skipped.
 */
export const unstorableId = (ids: Iterable<readonly [field: string, id: string | undefined]>): string | null => {
  for (const [field, id] of ids) {
    if (id === undefined) continue;
    const problem = storedIdProblem(id);
    if (problem !== null) {
      const shown = JSON.stringify(id.length > 60 ? `${id.slice(0, 60)}...` : id);
      return `${field} ${shown} ${problem}`;
    }
  }
  return null;
};
