// PostgreSQL COPY text format (https://www.postgresql.org/docs/current/sql-copy.html, "Text Format"): fields split
// by tab, `\N` for null, and backslash sequences. COPY TO writes `\\`, `\b`, `\f`, `\n`, `\r`, `\t` and `\v` and every
// other character as it is; COPY FROM also reads octal `\NNN` (1-3 digits) and hex `\xHH` (1-2 digits) as *bytes* of
// the database encoding, and any other backslashed character as itself. Ids never hold control characters (the
// domain's Identifier), but a store must not trust that.

// The characters COPY TO escapes, and the letter it writes for each: encoding with the same table makes `copyField`'s
// output what PostgreSQL itself would write, which the decoder then reads back exactly.
const LETTER_OF: Readonly<Record<string, string>> = {
  '\\': '\\',
  '\b': 'b',
  '\f': 'f',
  '\n': 'n',
  '\r': 'r',
  '\t': 't',
  '\v': 'v',
};
const CHARACTER_OF: Readonly<Record<string, string>> = Object.fromEntries(
  Object.entries(LETTER_OF).map(([character, letter]) => [letter, character]),
);
const ESCAPED = /[\\\b\f\n\r\t\v]/g;
// The same characters, for a test (no `g`: no state between calls).
const ESCAPES = /[\\\b\f\n\r\t\v]/;

// A run of byte escapes is decoded together (a character of several UTF-8 bytes may be written as several escapes),
// else one backslashed character. A backslash closing the field stands for itself.
const SEQUENCE = /(?:\\(?:[0-7]{1,3}|x[0-9A-Fa-f]{1,2}))+|\\([\s\S])/g;
const BYTE = /\\(?:([0-7]{1,3})|x([0-9A-Fa-f]{1,2}))/g;
// The connection's encoding is UTF-8; bytes that form no character become U+FFFD (PostgreSQL refuses them).
const utf8 = new TextDecoder('utf-8');

const bytesOf = (run: string): string =>
  utf8.decode(
    Uint8Array.from(run.matchAll(BYTE), ([, octal, hex]) =>
      // `\777` is 511: PostgreSQL keeps the low byte, as here.
      octal === undefined ? Number.parseInt(hex!, 16) : Number.parseInt(octal, 8) & 0xff,
    ),
  );

/** One field for COPY ... FROM STDIN (text format): `\N` for null, `t`/`f` for a boolean, text escaped as COPY TO does. */
export const copyField = (value: string | number | boolean | null): string => {
  // A million rows of a dozen fields go through here: numbers and plain texts as they are, no replace. An integer
  // is spelled by `toFixed`, which (unlike `String`) keeps no copy in V8's number-to-string cache: the cache held
  // each one past the young generation, and a million rows' numbers were 70 MB of old-generation garbage.
  if (typeof value === 'number') return Number.isInteger(value) ? value.toFixed(0) : String(value);
  if (typeof value === 'string')
    return ESCAPES.test(value) ? value.replace(ESCAPED, (character) => `\\${LETTER_OF[character]}`) : value;
  return value === null ? '\\N' : value ? 't' : 'f';
};

/** One non-null field of COPY ... TO STDOUT (text format) back to its text: every backslash sequence decoded. */
export const copyValue = (field: string): string =>
  field.includes('\\')
    ? field.replace(SEQUENCE, (sequence, character: string | undefined) =>
        character === undefined ? bytesOf(sequence) : (CHARACTER_OF[character] ?? character),
      )
    : field;

/** One field of a nullable column: null for COPY's `\N` (matched before any backslash is decoded), else `copyValue`. */
export const copyNullableValue = (field: string): string | null => (field === '\\N' ? null : copyValue(field));
