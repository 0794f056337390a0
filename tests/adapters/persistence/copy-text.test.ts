import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import fc from 'fast-check';
import pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { copyField, copyNullableValue, copyValue } from '../../../src/adapters/persistence/copy-text.ts';
import { COPY_SPECIAL_CHARACTERS, storableText } from '../../arbitraries.ts';
import { DATABASE_URL } from '../../support/postgres.ts';

// Every JavaScript string, lone surrogates included: the codec works on UTF-16 code units and never needs bytes.
const anyString = fc.string({
  unit: fc.oneof(
    fc.integer({ min: 0, max: 0xffff }).map((n) => String.fromCharCode(n)),
    fc.constantFrom('\\', '\b'),
  ),
  maxLength: 40,
});

const field = suite('copyField');

field('escapes backslash, tab, newline and carriage return, and \\b \\f \\v as COPY TO does', () => {
  assert.is(copyField('a\\b'), 'a\\\\b');
  assert.is(copyField('a\tb'), 'a\\tb');
  assert.is(copyField('a\nb'), 'a\\nb');
  assert.is(copyField('a\rb'), 'a\\rb');
  assert.is(copyField('a\bb'), 'a\\bb');
  assert.is(copyField('a\fb'), 'a\\fb');
  assert.is(copyField('a\vb'), 'a\\vb');
  assert.is(copyField('\\N'), '\\\\N', 'the text \\N is not the null marker');
  assert.is(copyField('\\.'), '\\\\.', 'nor the end-of-data marker');
});

field('leaves every other character as it is', () => {
  assert.is(copyField('P-001 é 😀'), 'P-001 é 😀');
  assert.is(copyField('\x01\x07\x0e\x1b\x1f\x7f'), '\x01\x07\x0e\x1b\x1f\x7f');
});

field('null, booleans and numbers', () => {
  assert.is(copyField(null), '\\N');
  assert.is(copyField(true), 't');
  assert.is(copyField(false), 'f');
  assert.is(copyField(-1234567), '-1234567');
  assert.is(copyField(''), '');
});

field('property: no tab, newline or carriage return survives, so a field never splits a row', () => {
  fc.assert(
    fc.property(anyString, (s) => {
      assert.not.match(copyField(s), /[\t\n\r]/);
    }),
    { numRuns: 500 },
  );
});

field.run();

const value = suite('copyValue');

// [field as COPY holds it, the text it stands for, why]
const DECODED: ReadonlyArray<readonly [string, string, string]> = [
  ['a\\\\b', 'a\\b', 'backslash'],
  ['a\\bb', 'a\bb', 'backspace'],
  ['a\\fb', 'a\fb', 'form feed'],
  ['a\\nb', 'a\nb', 'newline'],
  ['a\\rb', 'a\rb', 'carriage return'],
  ['a\\tb', 'a\tb', 'tab'],
  ['a\\vb', 'a\vb', 'vertical tab'],
  ['\\\\\\\\', '\\\\', 'two backslashes'],
  ['\\\\N', '\\N', 'the text \\N'],
  ['\\101', 'A', 'octal, three digits'],
  ['\\7', '\x07', 'octal, one digit'],
  ['\\10', '\b', 'octal, two digits'],
  ['\\013', '\v', 'octal with a leading zero'],
  ['\\1234', 'S4', 'octal takes three digits at most'],
  ['\\501', 'A', 'octal 0o501 is 321: PostgreSQL keeps the low byte, 0x41'],
  ['x\\0y', 'x\0y', 'octal zero'],
  ['\\x41', 'A', 'hex, two digits'],
  ['\\x7', '\x07', 'hex, one digit'],
  ['\\x0B', '\v', 'hex, upper case'],
  ['\\x0c', '\f', 'hex, lower case'],
  ['\\x414', 'A4', 'hex takes two digits at most'],
  ['\\xg', 'xg', '\\x without a hex digit is an x'],
  ['\\x', 'x', '\\x ending the field'],
  ['caf\\303\\251', 'café', 'octal bytes of one UTF-8 character'],
  ['\\xc3\\xa9', 'é', 'hex bytes of one UTF-8 character'],
  ['\\xf0\\x9f\\x98\\x80!', '😀!', 'four bytes, then text'],
  ['\\303\\xa9', 'é', 'octal and hex bytes mixed'],
  ['\\xff', '\ufffd', 'a byte that is no character (PostgreSQL refuses it)'],
];

value('decodes every backslash sequence of the text format: letters, octal and hex (bytes of UTF-8)', () => {
  for (const [field, text, why] of DECODED) assert.is(copyValue(field), text, why);
});

value('any other backslashed character stands for itself; a backslash ending the field too', () => {
  assert.is(copyValue('\\a\\q\\.\\N\\8'), 'aq.N8');
  assert.is(copyValue('a\\'), 'a\\');
});

value('text without a backslash is its own value', () => {
  assert.is(copyValue(''), '');
  assert.is(copyValue('P-001 é 😀 \x01\x7f'), 'P-001 é 😀 \x01\x7f');
});

value('copyNullableValue: \\N is null, the text \\N (written \\\\N) is not', () => {
  assert.is(copyNullableValue('\\N'), null);
  assert.is(copyNullableValue('\\\\N'), '\\N');
  assert.is(copyNullableValue(''), '');
  assert.is(copyNullableValue('a\\tb'), 'a\tb');
});

value('property: copyValue(copyField(s)) is s for any string', () => {
  fc.assert(
    fc.property(anyString, (s) => {
      assert.is(copyValue(copyField(s)), s);
    }),
    { numRuns: 1000 },
  );
  fc.assert(
    fc.property(storableText({ maxLength: 40 }), (s) => {
      assert.is(copyValue(copyField(s)), s);
    }),
    { numRuns: 1000 },
  );
});

value.run();

// What PostgreSQL itself writes and reads: a live server, the one the store tests use.
const server = suite('copy text against PostgreSQL');
let client: pg.Client;

server.before(async () => {
  client = new pg.Client({ connectionString: DATABASE_URL });
  await client.connect();
});

server.after(async () => {
  await client.end();
});

/** The lines COPY TO writes for these texts, one row each, in order. */
const copiedOut = async (texts: ReadonlyArray<string>): Promise<string[]> => {
  await client.query('drop table if exists "copy_text_probe"');
  await client.query('create temp table "copy_text_probe" ("n" int, "v" text)');
  await client.query('insert into "copy_text_probe" select n, v from unnest($1::text[]) with ordinality as t(v, n)', [
    texts,
  ]);
  let out = '';
  for await (const chunk of client.query(copyTo('copy (select "v" from "copy_text_probe" order by "n") to stdout')))
    out += (chunk as Buffer).toString('utf8');
  return out.split('\n').slice(0, -1);
};

server(
  'COPY TO writes every control character and the backslash as copyField does, and copyValue reads it back',
  async () => {
    const texts = [...COPY_SPECIAL_CHARACTERS, ...COPY_SPECIAL_CHARACTERS.map((c) => `id${c}${c}end`)];
    const lines = await copiedOut(texts);
    assert.is(lines.length, texts.length);
    // Pinned: what PostgreSQL writes for 0x08-0x0D and the backslash; the other controls and 0x7F come out raw.
    assert.equal(lines.slice(7, 13), ['\\b', '\\t', '\\n', '\\v', '\\f', '\\r']);
    assert.is(lines[COPY_SPECIAL_CHARACTERS.indexOf('\\')], '\\\\');
    assert.is(lines[0], '\x01');
    assert.is(lines[COPY_SPECIAL_CHARACTERS.indexOf('\x7f')], '\x7f');
    texts.forEach((text, i) => {
      assert.is(lines[i], copyField(text), `written for ${JSON.stringify(text)}`);
      assert.is(copyValue(lines[i]!), text, `read back for ${JSON.stringify(text)}`);
    });
  },
);

server('COPY TO writes null as \\N and the text \\N escaped', async () => {
  let out = '';
  for await (const chunk of client.query(copyTo(`copy (select null::text, '\\N'::text, ''::text) to stdout`)))
    out += (chunk as Buffer).toString('utf8');
  const fields = out.slice(0, -1).split('\t');
  assert.equal(fields, ['\\N', '\\\\N', '']);
  assert.equal(fields.map(copyNullableValue), [null, '\\N', '']);
});

server('COPY FROM reads octal and hex bytes as PostgreSQL documents them, and copyValue agrees', async () => {
  // Not `\.` inside a field: PostgreSQL before 18 takes it for a corrupt end-of-data marker (COPY TO never writes it).
  const fields = ['\\101\\x42', 'caf\\303\\251', '\\xe2\\x82\\xac', '\\1234', '\\x414', '\\q\\Nx', '\\b\\f\\v'];
  await client.query('drop table if exists "copy_text_in"');
  await client.query('create temp table "copy_text_in" ("n" serial, "v" text)');
  await pipeline(
    Readable.from([fields.map((f) => `${f}\n`).join('')]),
    client.query(copyFrom('copy "copy_text_in" ("v") from stdin')),
  );
  const stored = (await client.query<{ v: string }>('select "v" from "copy_text_in" order by "n"')).rows.map(
    (r) => r.v,
  );
  assert.equal(stored, fields.map(copyValue));
  assert.equal(stored, ['AB', 'café', '€', 'S4', 'A4', 'qNx', '\b\f\v']);
});

server('property: for text from all of Unicode, COPY TO writes copyField(s) and copyValue reads s back', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(storableText({ maxLength: 24 }), { minLength: 1, maxLength: 40 }), async (texts) => {
      const lines = await copiedOut(texts);
      assert.equal(lines, texts.map(copyField));
      assert.equal(lines.map(copyValue), texts);
    }),
    { numRuns: 25, includeErrorInReport: true },
  );
});

server.run();
