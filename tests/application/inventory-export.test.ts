import { readFileSync } from 'node:fs';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { defaultImportConfig } from '../../src/application/import-inventory.ts';
import { DEFAULT_EXPORT_COLUMNS } from '../../src/application/inventory-export.ts';
import { NETSUITE_EXPORT_COLUMNS } from '../../src/domain/netsuite-export-contract.ts';

const columns = suite('DEFAULT_EXPORT_COLUMNS: the NetSuite export contract');

columns("the saved search's columns: Item, externalFacilityId, availableQty, idValue", () => {
  assert.equal(DEFAULT_EXPORT_COLUMNS, {
    item: 'Item',
    location: 'externalFacilityId',
    quantity: 'availableQty',
    itemInternalId: 'idValue',
  });
});

columns('one definition, shared with the SuiteScripts, and the default of the import', () => {
  assert.is(DEFAULT_EXPORT_COLUMNS, NETSUITE_EXPORT_COLUMNS);
  assert.is(defaultImportConfig('run-1', 'worker-a').columns, DEFAULT_EXPORT_COLUMNS);
});

columns('the sample export of the fixtures carries exactly these columns, in the order NetSuite prints them', () => {
  const sample = readFileSync(new URL('../fixtures/netsuite-export-sample.csv', import.meta.url), 'utf8');
  const header = sample
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/, 1)[0]!
    .split(',');
  const { item, location, quantity, itemInternalId } = DEFAULT_EXPORT_COLUMNS;
  assert.equal(header, [item, location, quantity, itemInternalId]);
});

columns('the four columns are distinct, so no field can be read from the wrong column', () => {
  const names = Object.values(DEFAULT_EXPORT_COLUMNS).map((n) => n.toLowerCase());
  assert.is(new Set(names).size, 4);
});

columns.run();
