import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync, ftruncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { isLeft } from 'fp-ts/lib/Either.js';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { netsuiteExportReader, parseQuantity } from '../../../src/adapters/csv/netsuite-export-reader.ts';
import * as TE from 'fp-ts/lib/TaskEither.js';
import { exportRowsToArray } from '../../../src/application/columnar.ts';
import { DEFAULT_EXPORT_COLUMNS, type ExportColumns, type ParsedExport } from '../../../src/application/inventory-export.ts';
import { run, runLeft } from '../../support/run.ts';

const reader = netsuiteExportReader();
let folder = '';
const file = (name: string, content: string | Buffer): string => {
  const path = join(folder, name);
  writeFileSync(path, content);
  return path;
};
// The rows as objects, to compare (the reader hands them over as a columnar table).
const read = (path: string, columns: ExportColumns = DEFAULT_EXPORT_COLUMNS, maxBytes = 1024 ** 3) =>
  TE.map((parsed: ParsedExport) => ({ ...parsed, rows: exportRowsToArray(parsed.rows) }))(reader.readExport(path, 'export.csv', { columns, maxBytes }));
const HEADER = 'Item,externalFacilityId,availableQty,idValue';

const csv = suite('netsuiteExportReader');
csv.before(() => {
  folder = mkdtempSync(join(tmpdir(), 'oms-inventory-sync-csv-'));
});
csv.after(() => rmSync(folder, { recursive: true, force: true }));

csv('the sample export: BOM, CRLF, quoted commas and quotes, thousands separators, decimals, blank trailing line', async () => {
  const parsed = await run(read(new URL('../../fixtures/netsuite-export-sample.csv', import.meta.url).pathname));
  assert.is(parsed.rowsRead, 10);
  assert.equal(parsed.problems, []);
  assert.equal(parsed.rows.slice(0, 4), [
    { line: 2, item: 'SKU-0001-BLUE-M', itemInternalId: '100001', location: '101', quantity: 17 },
    { line: 3, item: 'SKU-0001-BLUE-M', itemInternalId: '100001', location: '102', quantity: 0 },
    { line: 4, item: 'SKU-0002, "Red" L', itemInternalId: '100002', location: '101', quantity: 1234 },
    { line: 5, item: 'SKU-0002-RED-L', itemInternalId: '100002', location: '102', quantity: 3.5 },
  ]);
  assert.equal(parsed.rows.map((r) => r.quantity), [17, 0, 1234, 3.5, 250, 12, 0.25, 2000.75, 1, 99]);
});

csv('columns in any order, extra columns ignored, header matched trimmed and case-insensitively; a custom mapping', async () => {
  const parsed = await run(read(file('order.csv', ' idvalue ,Memo,AVAILABLEQTY,externalFacilityId,Item\n9001,"a\nb",5,101,ITEM-1\n\n9002,,6,102,ITEM-2\n')));
  assert.equal(parsed.rows, [
    { line: 2, item: 'ITEM-1', itemInternalId: '9001', location: '101', quantity: 5 },
    { line: 5, item: 'ITEM-2', itemInternalId: '9002', location: '102', quantity: 6 },
  ]);
  const custom = { item: 'Name', location: 'Location Id', quantity: 'Available', itemInternalId: 'Internal ID' };
  const mapped = await run(read(file('custom.csv', 'Internal ID,Name,Location Id,Available\n9001,ITEM-1,101,"1,000"\n'), custom));
  assert.equal(mapped.rows, [{ line: 2, item: 'ITEM-1', itemInternalId: '9001', location: '101', quantity: 1000 }]);
});

csv('quantities: exact decimals and NetSuite grouping accepted; anything else is a problem with its reason', () => {
  const ok: Array<[string, number]> = [['17', 17], [' 17 ', 17], ['1,234', 1234], ['1,234,567.5', 1234567.5], ['0.00001', 0.00001], ['-0', 0], ['+3', 3], ['1000000000', 1e9]];
  for (const [text, value] of ok) assert.equal(parseQuantity(text), { _tag: 'Right', right: value }, text);
  const bad: Array<[string, RegExp]> = [
    ['', /empty/], ['abc', /not a number/], ['12abc', /not a number/], ['1e5', /not a number/], ['1,23', /not a number/], ['(5)', /not a number/],
    ['-5', /negative/], ['0.000001', /more than 5 decimals/], ['1000000001', /absurd/], ['99,999,999,999', /absurd/],
  ];
  for (const [text, reason] of bad) {
    const result = parseQuantity(text);
    assert.ok(isLeft(result) && reason.test(result.left), `${text}: ${JSON.stringify(result)}`);
  }
});

csv('bad rows are problems with line, field and reason; the other rows stand', async () => {
  const parsed = await run(read(file('bad-rows.csv', [
    HEADER,
    'ITEM-1,101,5,9001',
    'ITEM-2,101,abc,9002',
    'ITEM-3,101,-4,9003',
    'ITEM-4,,4,9004',
    'ITEM-5,101,4,',
    'ITEM-6,101,4',
    'ITEM-7,101,4,9007,extra',
    'ITEM-8,101,"4"x,9008',
    'ITEM-9,101,9,9009',
  ].join('\n') + '\n')));
  assert.equal(parsed.rows.map((r) => r.item), ['ITEM-1', 'ITEM-9']);
  assert.equal(parsed.problems.map((p) => [p.line, p.field]), [[3, 'availableQty'], [4, 'availableQty'], [5, 'externalFacilityId'], [6, 'idValue'], [7, '(row)'], [8, '(row)'], [9, 'availableQty']]);
  assert.match(parsed.problems[2]!.reason, /empty location/);
  assert.match(parsed.problems[4]!.reason, /expected 4 fields, found 3/);
  assert.is(parsed.problems[0]!.raw, 'ITEM-2,101,abc,9002');
  assert.is(parsed.rowsRead, 9);
});

csv('a truncated last line is a problem; every row before it stands', async () => {
  const cutInQuotes = await run(read(file('cut-quote.csv', `${HEADER}\nITEM-1,101,5,9001\nITEM-2,101,"1,2`)));
  assert.equal([cutInQuotes.rows.length, cutInQuotes.rowsRead, cutInQuotes.problems.map((p) => p.line)], [1, 2, [3]]);
  assert.match(cutInQuotes.problems[0]!.reason, /truncated/);
  const cutShort = await run(read(file('cut-short.csv', `${HEADER}\r\nITEM-1,101,5,9001\r\nITEM-2,10`)));
  assert.equal([cutShort.rows.length, cutShort.problems.map((p) => [p.line, p.field])], [1, [[3, '(row)']]]);
});

csv('files that are not an export at all', async () => {
  assert.is((await runLeft(read(file('empty.csv', ''))))._tag, 'ExportEmpty');
  assert.is((await runLeft(read(file('bom-only.csv', '\ufeff\r\n  \r\n'))))._tag, 'ExportEmpty');
  assert.is((await runLeft(read(file('header-only.csv', `${HEADER}\r\n\r\n`))))._tag, 'ExportHeaderOnly');
  const missing = await runLeft(read(file('renamed.csv', 'Item,Location,availableQty,idValue\nA,101,1,9\n')));
  assert.equal(missing, { _tag: 'ExportMissingColumns', file: 'export.csv', missing: ['externalFacilityId'], found: ['Item', 'Location', 'availableQty', 'idValue'] });
  const unreadable = await runLeft(read(join(folder, 'no-such-file.csv')));
  assert.is(unreadable._tag, 'ExportUnreadable');
});

csv('bytes that are not UTF-8 hold the file back, naming the line', async () => {
  const latin1 = Buffer.concat([Buffer.from(`${HEADER}\nITEM-1,101,5,9001\n`), Buffer.from('Caf\xe9,101,1,9002\n', 'latin1')]);
  const error = await runLeft(read(file('latin1.csv', latin1)));
  assert.equal([error._tag, 'line' in error ? error.line : 0], ['ExportEncodingInvalid', 3]);
  const cutCharacter = Buffer.concat([Buffer.from(`${HEADER}\nITEM-1,101,5,9001\nCaf`), Buffer.from([0xc3])]);
  assert.is((await runLeft(read(file('cut-char.csv', cutCharacter))))._tag, 'ExportEncodingInvalid');
});

csv('a file over the limit (a sparse 2 GB file) is refused before it is read', async () => {
  const path = join(folder, 'two-gigabytes.csv');
  const fd = openSync(path, 'w');
  ftruncateSync(fd, 2 * 1024 ** 3);
  closeSync(fd);
  const started = Date.now();
  const error = await runLeft(read(path));
  assert.equal(error, { _tag: 'ExportTooLarge', file: 'export.csv', bytes: 2 * 1024 ** 3, limit: 1024 ** 3 });
  assert.ok(Date.now() - started < 1000, 'refused from its size alone');
  rmSync(path);
});

csv('property: rows written with any quoting, line ending and BOM read back exactly', async () => {
  const text = fc.stringMatching(/^[A-Za-z0-9 ,"\-]{1,12}$/).filter((s) => s.trim() === s && s.length > 0);
  const id = fc.stringMatching(/^[A-Za-z0-9-]{1,10}$/);
  const quantity = fc.integer({ min: 0, max: 99_999_999 }).map((n) => n / 100);
  const quote = (s: string, always: boolean) => (always || /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  let n = 0;
  await fc.assert(
    fc.asyncProperty(fc.array(fc.tuple(text, id, quantity, id), { minLength: 1, maxLength: 30 }), fc.boolean(), fc.boolean(), fc.boolean(), async (rows, crlf, bom, quoteAll) => {
      const eol = crlf ? '\r\n' : '\n';
      const grouped = (q: number) => (q >= 1000 ? q.toLocaleString('en-US', { maximumFractionDigits: 2 }) : String(q));
      const body = rows.map(([item, location, q, internal]) => [quote(item, quoteAll), quote(location, quoteAll), quote(grouped(q), quoteAll), quote(internal, quoteAll)].join(',')).join(eol);
      const parsed = await run(read(file(`p${n++}.csv`, `${bom ? '\ufeff' : ''}${HEADER}${eol}${body}${eol}`)));
      assert.equal(parsed.problems, []);
      assert.equal(parsed.rows.map((r) => [r.item, r.location, r.quantity, r.itemInternalId]), rows);
      assert.equal(parsed.rows.map((r) => r.line), rows.map((_, i) => i + 2));
    }),
    { numRuns: 100 },
  );
});

csv.run();
