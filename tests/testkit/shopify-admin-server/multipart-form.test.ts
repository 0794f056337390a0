import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { multipartBoundary, parseMultipart } from '../../../src/testkit/shopify-admin-server/multipart-form.ts';

/** A multipart/form-data body as a client (the Shopify adapter, curl) writes it. */
const form = (boundary: string, parts: ReadonlyArray<{ name: string; filename?: string; content: Buffer | string }>) =>
  Buffer.concat([
    ...parts.flatMap((p) => [
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${p.name}"${p.filename === undefined ? '' : `; filename="${p.filename}"`}\r\n` +
          `${p.filename === undefined ? '' : 'Content-Type: text/jsonl\r\n'}\r\n`,
      ),
      Buffer.isBuffer(p.content) ? p.content : Buffer.from(p.content),
      Buffer.from('\r\n'),
    ]),
    Buffer.from(`--${boundary}--\r\n`),
  ]);

const boundary = suite('multipartBoundary');

boundary('the boundary of a multipart/form-data type, quoted or not; nothing for other types', () => {
  assert.is(multipartBoundary('multipart/form-data; boundary=----abc123'), '----abc123');
  assert.is(multipartBoundary('Multipart/Form-Data; charset=utf-8; BOUNDARY="a b;c"'), 'a b;c');
  assert.is(multipartBoundary('multipart/form-data; boundary=xyz; charset=utf-8'), 'xyz');
  for (const other of [undefined, 'application/json', 'multipart/mixed; boundary=x', 'multipart/form-data'])
    assert.is(multipartBoundary(other), undefined, String(other));
});

const parse = suite('parseMultipart');

parse('text fields as strings, file parts as bytes, by name', () => {
  const body = form('XyZ', [
    { name: 'key', content: 'tmp/bulk/vars.jsonl' },
    { name: 'Content-Type', content: 'text/jsonl' },
    { name: 'file', filename: 'vars.jsonl', content: '{"input":1}\n{"input":2}\n' },
  ]);
  const fields = parseMultipart(body, 'XyZ');
  assert.equal(
    [...fields.text],
    [
      ['key', 'tmp/bulk/vars.jsonl'],
      ['Content-Type', 'text/jsonl'],
    ],
  );
  assert.equal([...fields.files.keys()], ['file']);
  assert.is(fields.files.get('file')!.toString(), '{"input":1}\n{"input":2}\n');
});

parse('binary-safe: a file holding CRLFs, NULs and the boundary without its dashes comes back byte for byte', () => {
  const bytes = Buffer.concat([randomBytes(2048), Buffer.from('\r\n\r\nXyZ\r\n'), Buffer.from([0, 0, 255])]);
  const fields = parseMultipart(form('XyZ', [{ name: 'file', filename: 'b.bin', content: bytes }]), 'XyZ');
  assert.ok(fields.files.get('file')!.equals(bytes));
});

parse('empty values, a body without parts, and parts without a name', () => {
  const fields = parseMultipart(form('b', [{ name: 'empty', content: '' }]), 'b');
  assert.equal([...fields.text], [['empty', '']]);
  assert.equal(parseMultipart(Buffer.from('--b--\r\n'), 'b'), { text: new Map(), files: new Map() });
  assert.equal(parseMultipart(Buffer.from(''), 'b'), { text: new Map(), files: new Map() });
  const nameless = Buffer.from('--b\r\nContent-Disposition: form-data\r\n\r\nvalue\r\n--b--\r\n');
  assert.equal(parseMultipart(nameless, 'b').text.size, 0);
});

parse('property: any text fields and file round-trip', () => {
  fc.assert(
    fc.property(
      fc.uniqueArray(fc.stringMatching(/^[a-z][a-z0-9_]{0,10}$/), { minLength: 1, maxLength: 5 }),
      fc.string({ maxLength: 40 }),
      fc.uint8Array({ maxLength: 300 }),
      (names, value, file) => {
        const parts = [
          ...names.map((name) => ({ name, content: `${value}:${name}` })),
          { name: 'file', filename: 'f.jsonl', content: Buffer.from(file) },
        ];
        const fields = parseMultipart(form('----boundary7MA4YWxk', parts), '----boundary7MA4YWxk');
        return (
          names.every((n) => fields.text.get(n) === `${value}:${n}`) &&
          fields.files.get('file')!.equals(Buffer.from(file))
        );
      },
    ),
    { numRuns: 300 },
  );
});

boundary.run();
parse.run();
