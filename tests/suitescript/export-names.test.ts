import fc from 'fast-check';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  exportFileName,
  exportTimestamp,
  isFinishedCsvName,
  isSafePrefix,
  parseMarkerName,
  partFileName,
  pendingMarkerName,
  quoteCount,
  taskMarkerName,
  temporaryName,
  utf8Length,
} from '../../src/suitescript/export-names.ts';

const AT = new Date('2026-11-22T01:00:00.999Z');
const CSV = 'inventory-20261122T010000Z.csv';

const names = suite('export file names');

names('compact ISO-8601 UTC to the second; the export name is prefix-timestamp.csv', () => {
  assert.is(exportTimestamp(AT), '20261122T010000Z');
  assert.is(exportTimestamp(new Date('0999-01-02T03:04:05Z')), '09990102T030405Z');
  assert.is(exportFileName('inventory', AT), CSV);
});

names(
  'property: the same instant gives the same name, names sort in time order, and hold no space, colon or slash',
  () => {
    const instant = fc.date({
      min: new Date('1970-01-01T00:00:00Z'),
      max: new Date('9999-12-31T23:59:59Z'),
      noInvalidDate: true,
    });
    fc.assert(
      fc.property(instant, instant, (a, b) => {
        const [x, y] = [exportFileName('inv', a), exportFileName('inv', b)];
        const seconds = (d: Date) => Math.floor(d.getTime() / 1000);
        return (
          x === exportFileName('inv', new Date(a.getTime())) &&
          Math.sign(seconds(a) - seconds(b)) === (x < y ? -1 : x > y ? 1 : 0) &&
          !/[\s:/\\]/.test(x)
        );
      }),
      { numRuns: 500 },
    );
  },
);

names('a safe prefix: 1 to 40 letters, digits, _ or -, starting with a letter or digit', () => {
  for (const ok of ['inventory', 'hc_inv-2', '9', 'a'.repeat(40)]) assert.ok(isSafePrefix(ok), ok);
  for (const bad of ['', '-inv', '_inv', 'inv entory', 'inv:1', 'inv/1', 'ünv', 'a'.repeat(41)])
    assert.not.ok(isSafePrefix(bad), bad);
});

names('markers: the pending and the task marker of a CSV, read back with their kind', () => {
  assert.is(pendingMarkerName(CSV), `${CSV}.pending.json`);
  assert.is(taskMarkerName(CSV), `${CSV}.task.json`);
  assert.equal(parseMarkerName(pendingMarkerName(CSV)), { csvName: CSV, kind: 'pending' });
  assert.equal(parseMarkerName(taskMarkerName(CSV)), { csvName: CSV, kind: 'task' });
  assert.equal(parseMarkerName('A.CSV.TASK.JSON'), { csvName: 'A.CSV', kind: 'task' });
  for (const other of [CSV, 'a.pending.json', `${CSV}.done.json`, `${CSV}.task.json.part`, '.csv.task.json'])
    assert.is(parseMarkerName(other), undefined, other);
});

names('parts: -partNNN before .csv, 1-based, three digits at least', () => {
  assert.is(partFileName(CSV, 1), 'inventory-20261122T010000Z-part001.csv');
  assert.is(partFileName(CSV, 12), 'inventory-20261122T010000Z-part012.csv');
  assert.is(partFileName(CSV, 1000), 'inventory-20261122T010000Z-part1000.csv');
  assert.is(partFileName('INVENTORY.CSV', 2), 'INVENTORY-part002.csv');
  assert.is(partFileName('inventory', 3), 'inventory-part003.csv');
});

names('an upload goes under name.part first; only finished, visible .csv names are CSVs', () => {
  assert.is(temporaryName(CSV), `${CSV}.part`);
  for (const ok of [CSV, 'X.CSV', partFileName(CSV, 1)]) assert.ok(isFinishedCsvName(ok), ok);
  for (const bad of [temporaryName(CSV), `.${CSV}`, `~${CSV}`, pendingMarkerName(CSV), 'inventory.txt', 'csv'])
    assert.not.ok(isFinishedCsvName(bad), bad);
});

const text = suite('utf8Length and quoteCount');

text('UTF-8 bytes: 1 for ASCII, 2 up to U+07FF, 3 for the rest of the BMP, 4 for a surrogate pair', () => {
  assert.equal(['a', 'é', '€', '😀', '', 'Größe ✓'].map(utf8Length), [1, 2, 3, 4, 0, 11]);
  // A lone surrogate is written as U+FFFD, three bytes, as Node writes it.
  assert.is(utf8Length('\ud800'), 3);
  assert.is(utf8Length('\udc00x'), 4);
});

text('property: the same length Node computes, for any string of code units', () => {
  fc.assert(
    fc.property(
      fc.array(fc.oneof(fc.integer({ min: 0, max: 0x7ff }), fc.integer({ min: 0, max: 0xffff })), { maxLength: 40 }),
      (units) => {
        const s = String.fromCharCode(...units);
        return utf8Length(s) === Buffer.byteLength(s, 'utf8');
      },
    ),
    { numRuns: 1000 },
  );
});

text('quoteCount counts the double quotes of a line', () => {
  assert.is(quoteCount('SKU-1,101,17,100001'), 0);
  assert.is(quoteCount('"SKU-0002, ""Red"" L",101'), 6);
  assert.is(quoteCount('"an open field'), 1);
  fc.assert(fc.property(fc.string(), (s) => quoteCount(s) === s.split('"').length - 1));
});

names.run();
text.run();
