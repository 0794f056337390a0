import { parse as parseCsv } from 'csv-parse/sync';
import fc from 'fast-check';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  exportHeaderFields,
  matchColumn,
  NETSUITE_EXPORT_HEADER_LINE,
  resolveExportHeader,
} from '../../src/domain/netsuite-export-contract.ts';

const match = suite('matchColumn');

match('an exact match wins; else one ignoring case; found twice at the deciding step is ambiguous', () => {
  const cases: ReadonlyArray<[ReadonlyArray<string>, ReturnType<typeof matchColumn>]> = [
    [['Item', 'availableQty'], { _tag: 'Found', index: 1 }],
    [['availableQty', 'availableQty'], { _tag: 'Ambiguous', indexes: [0, 1] }],
    [[' availableQty', 'availableQty\t'], { _tag: 'Ambiguous', indexes: [0, 1] }],
    [['availableqty', 'AVAILABLEQTY'], { _tag: 'Ambiguous', indexes: [0, 1] }],
    [['AvailableQty', 'availableQty'], { _tag: 'Found', index: 1 }],
    [['availableQty', 'AVAILABLEQTY', 'availableQty'], { _tag: 'Ambiguous', indexes: [0, 2] }],
    [['AVAILABLEQTY'], { _tag: 'Found', index: 0 }],
    [['\u00a0availableQty\ufeff'], { _tag: 'Found', index: 0 }],
    [['available Qty', 'availableQtys', ''], { _tag: 'Missing' }],
    [[], { _tag: 'Missing' }],
  ];
  for (const [names, expected] of cases) assert.equal(matchColumn(names, 'availableQty'), expected, names.join('|'));
  // The wanted name is trimmed too (a configured column with a stray blank).
  assert.equal(matchColumn(['Location Id'], ' Location Id '), { _tag: 'Found', index: 0 });
});

match.run();

const resolve = suite('resolveExportHeader');

resolve('the indexes of a usable header; else each problem in contract order', () => {
  assert.equal(resolveExportHeader(['idValue', 'Memo', 'AVAILABLEQTY', 'externalFacilityId', 'Item']), {
    ok: true,
    indexes: { item: 4, location: 3, quantity: 2, itemInternalId: 0 },
  });
  assert.equal(resolveExportHeader(['Qty', 'idvalue', 'IDVALUE', 'Item']), {
    ok: false,
    problems: ['externalFacilityId', 'availableQty', 'idValue (ambiguous: more than one column has this name)'],
  });
  const columns = { item: 'Name', location: 'Location Id', quantity: 'Location Available', itemInternalId: 'ID' };
  assert.equal(resolveExportHeader(['ID', 'Name', 'Location Id', 'Location Available'], columns), {
    ok: true,
    indexes: { item: 1, location: 2, quantity: 3, itemInternalId: 0 },
  });
});

resolve.run();

const fields = suite('exportHeaderFields');

fields('a header line cut as the reader cuts a line', () => {
  assert.equal(exportHeaderFields(NETSUITE_EXPORT_HEADER_LINE), [
    'Item',
    'externalFacilityId',
    'availableQty',
    'idValue',
  ]);
  assert.equal(exportHeaderFields('\ufeff"Item","a, b",c""d,"e""f",'), ['Item', 'a, b', 'c""d', 'e"f', '']);
  assert.equal(exportHeaderFields('"a"b,"c" ,""x,""""'), ['"a"b', '"c" ', '""x', '"']);
  assert.equal(exportHeaderFields('"a""b"c,d'), ['"a"b"c', 'd']);
  assert.equal(exportHeaderFields(''), ['']);
  assert.is(exportHeaderFields('Item,"externalFacilityId'), undefined);
  assert.is(exportHeaderFields('"a"",b'), undefined);
});

fields('property: on any one line, the fields csv-parse reads (relax_quotes), or undefined where it finds none', () => {
  fc.assert(
    fc.property(
      fc.array(fc.constantFrom('a', 'B', ' ', ',', '"', '"', '\t', '\u00a0'), { minLength: 1, maxLength: 16 }),
      (chars) => {
        const line = chars.join('');
        let expected: ReadonlyArray<string> | undefined;
        try {
          const records = parseCsv(line, { relax_quotes: true, relax_column_count: true, record_delimiter: '\n' });
          expected = records.length === 1 ? (records[0] as string[]) : undefined;
        } catch {
          expected = undefined;
        }
        // csv-parse reads a line of blanks as one field; a blank line is never a header (the reader skips it).
        if (line.trim() === '') return;
        assert.equal(exportHeaderFields(line), expected, JSON.stringify(line));
      },
    ),
    { numRuns: 3000 },
  );
});

fields.run();
