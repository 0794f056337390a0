import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readSetupCsv } from '../../../src/adapters/csv/setup-csv.ts';
import { run, runLeft } from '../../support/run.ts';

const COLUMNS = { required: ['facilityId', 'netsuiteLocationId'], optional: ['name'] };

const csv = suite('readSetupCsv');
let dir = '';
csv.before.each(() => {
  dir = mkdtempSync(join(tmpdir(), 'oms-setup-csv-'));
});
csv.after.each(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

csv('records by column with their lines: a BOM, CRLF, quotes, blank lines and blanks around cells', async () => {
  const path = file(
    'f.csv',
    '\ufeffnetsuiteLocationId,facilityId,name\r\n12, WH1 ,"Main, warehouse"\r\n\r\n13,WH2,\r\n14,WH3,"Store ""7"""\r\n',
  );
  assert.equal(await run(readSetupCsv(path, COLUMNS)), [
    { line: 2, cells: { netsuiteLocationId: '12', facilityId: 'WH1', name: 'Main, warehouse' } },
    { line: 4, cells: { netsuiteLocationId: '13', facilityId: 'WH2', name: '' } },
    { line: 5, cells: { netsuiteLocationId: '14', facilityId: 'WH3', name: 'Store "7"' } },
  ]);
});

csv('every fault of the header and rows, with line and field', async () => {
  const bad = await runLeft(readSetupCsv(file('h.csv', 'facilityId,nme,facilityId\nWH1,x,y\nWH2\n'), COLUMNS));
  assert.is(bad._tag, 'SetupFileInvalid');
  assert.equal(bad._tag === 'SetupFileInvalid' ? bad.faults.map((f) => [f.line, f.field]) : [], [
    [1, 'nme'],
    [1, 'facilityId'],
    [1, 'netsuiteLocationId'],
    [3, ''],
  ]);
  const empty = await runLeft(readSetupCsv(file('e.csv', ''), COLUMNS));
  assert.is(empty._tag, 'SetupFileInvalid');
  const missing = await runLeft(readSetupCsv(join(dir, 'nope.csv'), COLUMNS));
  assert.is(missing._tag, 'SetupFileUnreadable');
  assert.match(missing._tag === 'SetupFileUnreadable' ? missing.reason : '', /ENOENT/);
});

csv.run();
