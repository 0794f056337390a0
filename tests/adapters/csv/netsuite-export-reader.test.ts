import { closeSync, ftruncateSync, mkdirSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import fc from 'fast-check';
import { isLeft, isRight } from 'fp-ts/lib/Either.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  netsuiteExportReader,
  parseQuantity,
  type NetsuiteExportReaderSettings,
} from '../../../src/adapters/csv/netsuite-export-reader.ts';
import { exportRowsToArray, type ExportRowObject } from '../../../src/application/columnar.ts';
import {
  DEFAULT_EXPORT_COLUMNS,
  type ExportColumns,
  type ParsedExport,
  type RowProblem,
} from '../../../src/application/inventory-export.ts';
import { isIdentifier, isQuantity, MAX_QUANTITY } from '../../../src/domain/index.ts';
import { HEADER_CASES } from '../../support/netsuite-header-cases.ts';
import { run, runLeft } from '../../support/run.ts';

const HEADER = 'Item,externalFacilityId,availableQty,idValue';
let folder = '';
let files = 0;

/** Writes a fixture file into the suite's temporary folder. */
const file = (content: string | Buffer, name = `export-${files++}.csv`): string => {
  const path = join(folder, name);
  writeFileSync(path, content);
  return path;
};

interface Read {
  readonly rows: ReadonlyArray<ExportRowObject>;
  readonly problems: ReadonlyArray<RowProblem>;
  readonly rowsRead: number;
}

// The rows as objects, to compare (the reader hands them over as a columnar table), and the invariants every read
// keeps: each data row is in exactly one of rows and problems, both in file order.
const read = (
  path: string,
  columns: ExportColumns = DEFAULT_EXPORT_COLUMNS,
  maxBytes = 1024 ** 3,
  settings: NetsuiteExportReaderSettings = {},
) =>
  TE.map((parsed: ParsedExport): Read => {
    const rows = exportRowsToArray(parsed.rows);
    assert.is(parsed.rowsRead, rows.length + parsed.problems.length, 'every data row is a row or a problem');
    const lines = [...rows.map((r) => r.line), ...parsed.problems.map((p) => p.line)];
    assert.is(new Set(lines).size, lines.length, 'no line is read twice');
    assert.ok(
      rows.every((r, i) => i === 0 || rows[i - 1]!.line < r.line),
      'rows in file order',
    );
    assert.ok(
      parsed.problems.every((p, i) => i === 0 || parsed.problems[i - 1]!.line < p.line),
      'problems in file order',
    );
    return { rows, problems: parsed.problems, rowsRead: parsed.rowsRead };
  })(netsuiteExportReader(settings).readExport(path, 'export.csv', { columns, maxBytes }));

const readText = (content: string | Buffer, settings: NetsuiteExportReaderSettings = {}) =>
  run(read(file(content), DEFAULT_EXPORT_COLUMNS, 1024 ** 3, settings));
const row = (
  line: number,
  item: string,
  location: string,
  quantity: number,
  itemInternalId: string,
): ExportRowObject => ({ line, item, itemInternalId, location, quantity });
// Compares many rows, showing the first difference only (a diff of 40,000 rows takes uvu minutes).
const sameRows = (actual: ReadonlyArray<ExportRowObject>, expected: ReadonlyArray<ExportRowObject>): void => {
  const first = expected.findIndex((r, i) => JSON.stringify(r) !== JSON.stringify(actual[i]));
  if (first !== -1) assert.equal(actual[first], expected[first], `row ${first}`);
  assert.is(actual.length, expected.length);
};
const where = (problems: ReadonlyArray<RowProblem>) => problems.map((p) => [p.line, p.field, p.reason]);

const reader = suite('netsuiteExportReader');
reader.before(() => {
  folder = mkdtempSync(join(tmpdir(), 'oms-inventory-sync-csv-'));
});
reader.after(() => rmSync(folder, { recursive: true, force: true }));

reader(
  'the sample export: BOM, CRLF, a quoted name with a comma and quotes, thousands separators, decimals, a blank last line',
  async () => {
    const parsed = await run(read(new URL('../../fixtures/netsuite-export-sample.csv', import.meta.url).pathname));
    assert.equal(parsed, {
      rows: [
        row(2, 'SKU-0001-BLUE-M', '101', 17, '100001'),
        row(3, 'SKU-0001-BLUE-M', '102', 0, '100001'),
        row(4, 'SKU-0002, "Red" L', '101', 1234, '100002'),
        row(5, 'SKU-0002-RED-L', '102', 3.5, '100002'),
        row(6, 'SKU-0003-GREEN-S', '101', 250, '100003'),
        row(7, 'SKU-0003-GREEN-S', '102', 12, '100003'),
        row(8, 'SKU-0004-BLACK-XL', '101', 0.25, '100004'),
        row(9, 'SKU-0004-BLACK-XL', '102', 2000.75, '100004'),
        row(10, 'SKU-0005-WHITE-M', '101', 1, '100005'),
        row(11, 'SKU-0005-WHITE-M', '102', 99, '100005'),
      ],
      problems: [],
      rowsRead: 10,
    });
  },
);

reader(
  'CRLF and LF read alike; blank and blank-looking lines anywhere are skipped, lines keep their physical numbers',
  async () => {
    const lines = ['', '  ', HEADER, 'ITEM-1,101,5,9001', '', '\t', 'ITEM-2,102,6,9002', '', ''];
    const expected = [row(4, 'ITEM-1', '101', 5, '9001'), row(7, 'ITEM-2', '102', 6, '9002')];
    for (const eol of ['\n', '\r\n']) {
      const parsed = await readText(lines.join(eol));
      assert.equal([parsed.rows, parsed.problems, parsed.rowsRead], [expected, [], 2], JSON.stringify(eol));
    }
    // The last line without a line break, and a lone BOM line.
    const parsed = await readText(`\ufeff${HEADER}\r\nITEM-1,101,5,9001\r\nITEM-2,102,6,9002`);
    assert.equal(parsed.rows, [row(2, 'ITEM-1', '101', 5, '9001'), row(3, 'ITEM-2', '102', 6, '9002')]);
  },
);

reader(
  'quoted fields: commas, doubled quotes, line breaks (the row is at the line where it starts), quoted numbers and ids',
  async () => {
    const parsed = await readText(
      `${[
        HEADER,
        '"Pipe, 12"" long",101,"1,234",9001',
        '"Two-line',
        'name",102,"  7.5 ",9002',
        '"Three',
        '',
        'lines, ""quoted""","103","0","9003"',
        'ITEM-4,104,4,9004',
        '"",105,1,9005',
        'ITEM 12" pipe,106,2,9006',
      ].join('\r\n')}\r\n`,
    );
    assert.equal(parsed.problems, []);
    assert.equal(parsed.rows, [
      row(2, 'Pipe, 12" long', '101', 1234, '9001'),
      row(3, 'Two-line\nname', '102', 7.5, '9002'),
      row(5, 'Three\n\nlines, "quoted"', '103', 0, '9003'),
      row(8, 'ITEM-4', '104', 4, '9004'),
      row(9, '', '105', 1, '9005'),
      row(10, 'ITEM 12" pipe', '106', 2, '9006'),
    ]);
  },
);

reader(
  'columns in any order, extra columns ignored, header names trimmed and matched exactly or else ignoring case',
  async () => {
    const parsed = await readText(
      ' idvalue ,Memo,AVAILABLEQTY,"externalFacilityId ",Item,Class\n9001,"a\nb",5,101,ITEM-1,x\n\n9002,,6,102,ITEM-2,\n',
    );
    assert.equal(parsed.rows, [row(2, 'ITEM-1', '101', 5, '9001'), row(5, 'ITEM-2', '102', 6, '9002')]);
    // An exact match wins over one that differs in case.
    const exact = await readText('ITEM,Item,externalFacilityId,availableQty,idValue\nname-a,name-b,101,5,9001\n');
    assert.equal(exact.rows, [row(2, 'name-b', '101', 5, '9001')]);
  },
);

reader('a custom column mapping', async () => {
  const columns: ExportColumns = {
    item: 'Name',
    location: 'Location Id',
    quantity: 'Location Available',
    itemInternalId: 'Internal ID',
  };
  const parsed = await run(
    read(file('Internal ID,Name,Location Id,Location Available\n9001,ITEM-1,101,"1,000"\n9002,ITEM-2,,3\n'), columns),
  );
  assert.equal(parsed.rows, [row(2, 'ITEM-1', '101', 1000, '9001')]);
  assert.equal(where(parsed.problems), [[3, 'Location Id', 'empty location']]);
  // The default names are not looked for.
  const missing = await runLeft(read(file(`${HEADER}\nITEM-1,101,5,9001\n`), columns));
  assert.equal(missing, {
    _tag: 'ExportMissingColumns',
    file: 'export.csv',
    missing: ['Name', 'Location Id', 'Location Available', 'Internal ID'],
    found: ['Item', 'externalFacilityId', 'availableQty', 'idValue'],
  });
});

reader('parseQuantity: decimal text NetSuite prints is read exactly', () => {
  const accepted: Array<[string, number]> = [
    ['17', 17],
    [' 17 ', 17],
    ['\t17', 17],
    ['0', 0],
    ['007', 7],
    ['1,234', 1234],
    ['1,234,567.5', 1234567.5],
    ['1,234.50', 1234.5],
    ['0.00001', 0.00001],
    ['2.3', 2.3],
    ['.5', 0.5],
    ['2.000000', 2],
    ['-0', 0],
    ['-0.000', 0],
    ['+3', 3],
    ['1000000000', MAX_QUANTITY],
    ['1,000,000,000.00000', MAX_QUANTITY],
    ['999999999.99999', 999999999.99999],
  ];
  for (const [text, value] of accepted) assert.equal(parseQuantity(text), { _tag: 'Right', right: value }, text);
});

reader('parseQuantity: anything else is refused with its reason', () => {
  const refused: Array<[string, string]> = [
    ['', 'empty quantity'],
    ['   ', 'empty quantity'],
    ['abc', "not a number: 'abc'"],
    ['12abc', "not a number: '12abc'"],
    ['1e5', "not a number: '1e5'"],
    ['0x10', "not a number: '0x10'"],
    ['Infinity', "not a number: 'Infinity'"],
    ['NaN', "not a number: 'NaN'"],
    ['(5)', "not a number: '(5)'"],
    ['$5', "not a number: '$5'"],
    ['5.', "not a number: '5.'"],
    ['.', "not a number: '.'"],
    ['-', "not a number: '-'"],
    ['1 234', "not a number: '1 234'"],
    ['--5', "not a number: '--5'"],
    ['1,23', "not a number: '1,23'"],
    ['1234,567', "not a number: '1234,567'"],
    [',123', "not a number: ',123'"],
    ['0,123', "not a number: '0,123'"],
    ['1,,234', "not a number: '1,,234'"],
    ['1.234,5', "not a number: '1.234,5'"],
    ['12,5', "not a number: '12,5'"],
    ['1.2.3', "not a number: '1.2.3'"],
    ['-5', "negative quantity: '-5'"],
    ['-0.5', "negative quantity: '-0.5'"],
    [' -1,234 ', "negative quantity: ' -1,234 '"],
    ['0.000001', "more than 5 decimals: '0.000001'"],
    ['1.0000010', "more than 5 decimals: '1.0000010'"],
    ['1000000000.00001', "absurd quantity (over 1000000000): '1000000000.00001'"],
    ['1000000001', "absurd quantity (over 1000000000): '1000000001'"],
    ['99,999,999,999', "absurd quantity (over 1000000000): '99,999,999,999'"],
    ['9'.repeat(400), `absurd quantity (over 1000000000): '${'9'.repeat(37)}...'`],
  ];
  for (const [text, reason] of refused)
    assert.equal(parseQuantity(text), { _tag: 'Left', left: reason }, JSON.stringify(text));
});

reader(
  'property: parseQuantity reads any quantity of at most 5 decimals, grouped or not, as Number reads its plain digits',
  () => {
    const group = (digits: string) => digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: MAX_QUANTITY - 1 }),
        fc.integer({ min: 0, max: 99_999 }),
        fc.integer({ min: 0, max: 5 }),
        fc.boolean(),
        fc.constantFrom('', ' ', '  '),
        (whole, fraction, places, grouped, pad) => {
          const decimals = places === 0 ? '' : `.${String(fraction).padStart(5, '0').slice(0, places)}`;
          const plain = `${whole}${decimals}`;
          const text = `${pad}${grouped ? group(String(whole)) : String(whole)}${decimals}${pad}`;
          const parsed = parseQuantity(text);
          assert.equal(parsed, { _tag: 'Right', right: Number(plain) }, text);
          assert.ok(!isLeft(parsed) && isQuantity(parsed.right));
        },
      ),
      { numRuns: 2000 },
    );
  },
);

reader('bad rows are problems with line, field, reason and raw text; every other row stands', async () => {
  const parsed = await readText(
    `${[
      HEADER,
      'ITEM-1,101,5,9001',
      'ITEM-2,101,abc,9002',
      'ITEM-3,101,-4,9003',
      'ITEM-4,,4,9004',
      'ITEM-5,101,4,   ',
      'ITEM-6,101,4',
      'ITEM-7,101,4,9007,extra',
      'ITEM-8,101,"4"x,9008',
      'ITEM-9,101,1.123456,9009',
      'ITEM-10,101,2000000000,9010',
      'ITEM-11,101,,9011',
      'ITEM-12,101,1,234,9012',
      'ITEM-13,101,1e5,9013',
      'ITEM-14,"10\n1",1,9014',
      `ITEM-15,101,1,${'9'.repeat(256)}`,
      'ITEM-16,101,12abc,9016',
      '  ITEM-17 , 101 , 17 , 9017 ',
    ].join('\n')}\n`,
  );
  // Ids are never trimmed: blanks around one make it no usable id, refused as it is (the item name is trimmed).
  assert.equal(parsed.rows, [row(2, 'ITEM-1', '101', 5, '9001')]);
  assert.equal(where(parsed.problems), [
    [3, 'availableQty', "not a number: 'abc'"],
    [4, 'availableQty', "negative quantity: '-4'"],
    [5, 'externalFacilityId', 'empty location'],
    [6, 'idValue', "item internal id is not a usable id: '   '"],
    [7, '(row)', 'expected 4 fields, found 3 (a short or truncated row)'],
    [8, '(row)', 'expected 4 fields, found 5'],
    [9, 'availableQty', `not a number: '"4"x'`],
    [10, 'availableQty', "more than 5 decimals: '1.123456'"],
    [11, 'availableQty', "absurd quantity (over 1000000000): '2000000000'"],
    [12, 'availableQty', 'empty quantity'],
    [13, '(row)', 'expected 4 fields, found 5'],
    [14, 'availableQty', "not a number: '1e5'"],
    [15, 'externalFacilityId', "location is not a usable id: '10\n1'"],
    [17, 'idValue', `item internal id is not a usable id: '${'9'.repeat(37)}...'`],
    [18, 'availableQty', "not a number: '12abc'"],
    [19, 'idValue', "item internal id is not a usable id: ' 9017 '"],
  ]);
  assert.equal(
    parsed.problems.slice(0, 2).map((p) => p.raw),
    ['ITEM-2,101,abc,9002', 'ITEM-3,101,-4,9003'],
  );
  assert.is(parsed.problems[12]!.raw, 'ITEM-14,"10\n1",1,9014');
  assert.is(parsed.problems[13]!.raw, `ITEM-15,101,1,${'9'.repeat(183)}...`, 'raw text cut to 200 characters');
  assert.is(parsed.problems[13]!.raw.length, 200);
  assert.is(parsed.rowsRead, 17);
});

reader('a truncated last line is a problem; every row before it stands', async () => {
  const cutInQuotes = await readText(`${HEADER}\nITEM-1,101,5,9001\nITEM-2,101,"1,2`);
  assert.equal(
    [cutInQuotes.rows, where(cutInQuotes.problems), cutInQuotes.problems[0]?.raw],
    [
      [row(2, 'ITEM-1', '101', 5, '9001')],
      [[3, '(row)', 'truncated row: the file ends inside a quoted field']],
      'ITEM-2,101,"1,2',
    ],
  );
  const cutInName = await readText(`${HEADER}\r\nITEM-1,101,5,9001\r\n"ITEM-2 with a long\r\nname`);
  assert.equal(
    [cutInName.rows.length, where(cutInName.problems)],
    [
      1,
      [
        [3, '(row)', 'truncated row: the file ends inside a quoted field'],
        [4, '(row)', 'expected 4 fields, found 1 (a short or truncated row)'],
      ],
    ],
  );
  const cutShort = await readText(`${HEADER}\r\nITEM-1,101,5,9001\r\nITEM-2,10`);
  assert.equal(
    [cutShort.rows.length, where(cutShort.problems)],
    [1, [[3, '(row)', 'expected 4 fields, found 2 (a truncated last row: the file ends without a line break)']]],
  );
  const cutInNumber = await readText(`${HEADER}\nITEM-1,101,5,9001\nITEM-2,101,12.`);
  assert.equal(where(cutInNumber.problems), [
    [3, '(row)', 'expected 4 fields, found 3 (a truncated last row: the file ends without a line break)'],
  ]);
});

reader(
  'a stray opening quote never swallows the rows after it: its line is a problem, the lines after it are read again',
  async () => {
    const rows = Array.from({ length: 50 }, (_, i) => `ITEM-${i + 4},101,${i},${9004 + i}`);
    // Never closed: up to the end of the file.
    const toTheEnd = await readText(
      `${[HEADER, 'ITEM-1,101,1,9001', 'ITEM-2,101,2,9002', '"ITEM-3,101,3,9003', ...rows].join('\n')}\n`,
    );
    assert.equal(where(toTheEnd.problems), [[4, '(row)', 'truncated row: the file ends inside a quoted field']]);
    assert.equal(
      toTheEnd.rows.map((r) => r.line),
      [2, 3, ...rows.map((_, i) => i + 5)],
    );
    // Closed by a quote much further down: the record it makes has the wrong shape.
    const closedLater = await readText(
      `${[HEADER, '"ITEM-1,101,1,9001', ...rows.slice(0, 3), '"Pipe, 12"" long",101,7,9099', 'ITEM-LAST,101,8,9100'].join('\n')}\n`,
    );
    assert.equal(where(closedLater.problems), [
      [
        2,
        '(row)',
        'expected 4 fields, found 5 in a quoted field spanning lines 2-6; those lines are read again as rows',
      ],
    ]);
    assert.equal(
      closedLater.rows.map((r) => [r.line, r.item]),
      [
        [3, 'ITEM-4'],
        [4, 'ITEM-5'],
        [5, 'ITEM-6'],
        [6, 'Pipe, 12" long'],
        [7, 'ITEM-LAST'],
      ],
    );
    // Longer than a record may be: cut there, so that a broken file is never held in memory.
    const bounded = await readText(`${[HEADER, '"ITEM-1,101,1,9001', ...rows].join('\n')}\n`, { maxRecordLength: 200 });
    assert.equal(where(bounded.problems), [
      [
        2,
        '(row)',
        'unterminated quoted field: no closing quote within 200 characters; the lines after it are read again as rows',
      ],
    ]);
    assert.equal(bounded.rows.length, 50);
  },
);

reader('an empty file, or one of blanks and a BOM only, is ExportEmpty', async () => {
  for (const content of ['', '\ufeff', '\n', '\r\n\r\n', '   \n\t\n', '\ufeff\r\n  \r\n']) {
    assert.equal(
      await runLeft(read(file(content))),
      { _tag: 'ExportEmpty', file: 'export.csv' },
      JSON.stringify(content),
    );
  }
});

reader('a header and no data rows is ExportHeaderOnly', async () => {
  for (const content of [HEADER, `${HEADER}\n`, `\ufeff${HEADER}\r\n\r\n   \r\n`, `\n\n${HEADER}\n\n`]) {
    assert.equal(
      await runLeft(read(file(content))),
      { _tag: 'ExportHeaderOnly', file: 'export.csv' },
      JSON.stringify(content),
    );
  }
});

reader(
  'a missing, renamed or ambiguous required column is ExportMissingColumns, listing the missing and the found',
  async () => {
    assert.equal(await runLeft(read(file('Item,Location,availableQty,idValue\nA,101,1,9\n'))), {
      _tag: 'ExportMissingColumns',
      file: 'export.csv',
      missing: ['externalFacilityId'],
      found: ['Item', 'Location', 'availableQty', 'idValue'],
    });
    assert.equal(await runLeft(read(file('\ufeffItem, Qty\n'))), {
      _tag: 'ExportMissingColumns',
      file: 'export.csv',
      missing: ['externalFacilityId', 'availableQty', 'idValue'],
      found: ['Item', 'Qty'],
    });
    // The first non-blank line is the header: a file without one has its first row read as the header.
    const headless = await runLeft(read(file('ITEM-1,101,5,9001\n')));
    assert.is(headless._tag, 'ExportMissingColumns');
    // A header whose quote never closes cannot be read at all.
    assert.equal(await runLeft(read(file('"Item,externalFacilityId,availableQty,idValue\nITEM-1,101,5,9001\n'))), {
      _tag: 'ExportMissingColumns',
      file: 'export.csv',
      missing: ['Item', 'externalFacilityId', 'availableQty', 'idValue'],
      found: [],
    });
    // Two columns that both match a required name: which one holds the quantity cannot be known.
    assert.equal(
      await runLeft(read(file('Item,externalFacilityId,availableqty,AVAILABLEQTY,idValue\nA,101,1,2,9\n'))),
      {
        _tag: 'ExportMissingColumns',
        file: 'export.csv',
        missing: ['availableQty (ambiguous: more than one column has this name)'],
        found: ['Item', 'externalFacilityId', 'availableqty', 'AVAILABLEQTY', 'idValue'],
      },
    );
  },
);

reader(
  "the header rule's table (the SuiteScript tests run it too): exact and case-folded duplicates, padding, missing",
  async () => {
    for (const c of HEADER_CASES) {
      const result = await read(file(`${c.header}${c.row}\n`))();
      if ('quantity' in c.expected) {
        assert.ok(isRight(result), c.name);
        if (isRight(result))
          assert.equal(
            result.right.rows.map((r) => [r.item, r.location, r.quantity, r.itemInternalId]),
            [['ITEM-1', '101', c.expected.quantity, '9001']],
            c.name,
          );
      } else {
        assert.ok(isLeft(result), c.name);
        if (isLeft(result))
          assert.equal(
            result.left._tag === 'ExportMissingColumns' ? result.left.missing : result.left,
            c.expected.problems,
            c.name,
          );
      }
    }
  },
);

reader('bytes that are not UTF-8 hold the whole file back, naming the line', async () => {
  const latin1 = Buffer.concat([
    Buffer.from(`${HEADER}\nITEM-1,101,5,9001\n`),
    Buffer.from('Caf\xe9,101,1,9002\nITEM-3,101,5,9003\n', 'latin1'),
  ]);
  assert.equal(await runLeft(read(file(latin1))), {
    _tag: 'ExportEncodingInvalid',
    file: 'export.csv',
    line: 3,
    reason: 'the file is not valid UTF-8 (export it as UTF-8)',
  });
  const inHeader = Buffer.from('It\xe9m,externalFacilityId,availableQty,idValue\r\nITEM-1,101,5,9001\r\n', 'latin1');
  assert.equal(await runLeft(read(file(inHeader))), {
    _tag: 'ExportEncodingInvalid',
    file: 'export.csv',
    line: 1,
    reason: 'the file is not valid UTF-8 (export it as UTF-8)',
  });
  const cutCharacter = Buffer.concat([Buffer.from(`${HEADER}\nITEM-1,101,5,9001\nCaf`), Buffer.from([0xc3])]);
  assert.equal(await runLeft(read(file(cutCharacter))), {
    _tag: 'ExportEncodingInvalid',
    file: 'export.csv',
    line: 3,
    reason: 'the file ends inside a UTF-8 character (truncated, or not UTF-8)',
  });
  const utf16 = Buffer.concat([
    Buffer.from([0xff, 0xfe]),
    Buffer.from(`${HEADER}\r\nITEM-1,101,5,9001\r\n`, 'utf16le'),
  ]);
  assert.equal(await runLeft(read(file(utf16))), {
    _tag: 'ExportEncodingInvalid',
    file: 'export.csv',
    line: 1,
    reason: 'the file is UTF-16 (it starts with a UTF-16 byte order mark); export it as UTF-8',
  });
  const overlong = Buffer.concat([
    Buffer.from(`${HEADER}\nITEM-1,101,5,9001\n`),
    Buffer.from([0xc0, 0xaf]),
    Buffer.from(',101,1,9002\n'),
  ]);
  assert.is((await runLeft(read(file(overlong))))._tag, 'ExportEncodingInvalid');
});

reader(
  'a long export: chunk boundaries inside lines, quoted fields, CRLF pairs and multi-byte characters; a bad byte far down is found on its line',
  async () => {
    // Rows of varied length so that the 64 KiB chunk boundaries fall everywhere, across about 40 chunks.
    const lines: string[] = [];
    const expected: ExportRowObject[] = [];
    for (let i = 0; i < 40_000; i++) {
      const name =
        i % 7 === 0 ? `Café ${'€'.repeat(i % 5)} "n°${i}", ${'x'.repeat(i % 13)}` : `SKU-${i}-${'ü'.repeat(i % 3)}`;
      const quantity = i % 11 === 0 ? (i * 1000.5) % MAX_QUANTITY : i % 500;
      const shownQuantity =
        i % 11 === 0 ? `"${quantity.toLocaleString('en-US', { maximumFractionDigits: 5 })}"` : String(quantity);
      const quotedName = /[",]/.test(name) ? `"${name.replace(/"/g, '""')}"` : name;
      const multiLine = i % 997 === 0;
      lines.push(
        multiLine
          ? `"${name.replace(/"/g, '""')}\r\nsecond line",${101 + (i % 10)},${shownQuantity},${100000 + i}`
          : `${quotedName},${101 + (i % 10)},${shownQuantity},${100000 + i}`,
      );
      expected.push(
        row(
          0,
          (multiLine ? `${name}\nsecond line` : name).trim(),
          String(101 + (i % 10)),
          quantity,
          String(100000 + i),
        ),
      );
    }
    let lineNumber = 2;
    const numbered = expected.map((r, i) => {
      const at = lineNumber;
      lineNumber += i % 997 === 0 ? 2 : 1;
      return { ...r, line: at };
    });
    const text = `\ufeff${HEADER}\r\n${lines.join('\r\n')}\r\n`;
    const parsed = await readText(text);
    assert.equal(parsed.problems, []);
    sameRows(parsed.rows, numbered);
    // One Latin-1 byte at about the middle.
    const bytes = Buffer.from(text);
    const middle = bytes.indexOf('\n', bytes.length >> 1) + 1;
    const bad = Buffer.concat([bytes.subarray(0, middle), Buffer.from([0xe9]), bytes.subarray(middle)]);
    const lineOfBad = bytes.subarray(0, middle).toString().split('\n').length;
    const error = await runLeft(read(file(bad)));
    assert.equal(error, {
      _tag: 'ExportEncodingInvalid',
      file: 'export.csv',
      line: lineOfBad,
      reason: 'the file is not valid UTF-8 (export it as UTF-8)',
    });
  },
);

reader(
  "quotes inside unquoted fields (csv-parse's relaxed rules), in runs longer than one batch of records",
  async () => {
    const lines = [HEADER];
    const expected: ExportRowObject[] = [];
    for (let i = 0; i < 1_500; i++) {
      const plain = i % 700 === 699;
      lines.push(plain ? `ITEM-${i},101,${i},${9000 + i}` : `Pipe 12" x${i},"101",${i},${9000 + i}`);
      expected.push(row(i + 2, plain ? `ITEM-${i}` : `Pipe 12" x${i}`, '101', i, String(9000 + i)));
    }
    const parsed = await readText(lines.join('\n'));
    assert.equal(parsed.problems, []);
    sameRows(parsed.rows, expected);
  },
);

reader('a file over the limit (a sparse 2 GB file) is refused from its size, before it is read', async () => {
  const path = join(folder, 'two-gigabytes.csv');
  const fd = openSync(path, 'w');
  ftruncateSync(fd, 2 * 1024 ** 3);
  closeSync(fd);
  const started = performance.now();
  assert.equal(await runLeft(read(path)), {
    _tag: 'ExportTooLarge',
    file: 'export.csv',
    bytes: 2 * 1024 ** 3,
    limit: 1024 ** 3,
  });
  assert.ok(performance.now() - started < 500, 'refused from its size alone');
  rmSync(path);
  // The limit itself is allowed.
  const content = `${HEADER}\nITEM-1,101,5,9001\n`;
  const exact = file(content);
  assert.is((await run(read(exact, DEFAULT_EXPORT_COLUMNS, Buffer.byteLength(content)))).rows.length, 1);
  assert.equal(await runLeft(read(exact, DEFAULT_EXPORT_COLUMNS, Buffer.byteLength(content) - 1)), {
    _tag: 'ExportTooLarge',
    file: 'export.csv',
    bytes: Buffer.byteLength(content),
    limit: Buffer.byteLength(content) - 1,
  });
});

// The reader with a line limit; the problems handed over one by one when `collect` is given.
const readLimited = (path: string, maxLineBytes: number, collect?: RowProblem[]) =>
  netsuiteExportReader().readExport(path, 'export.csv', {
    columns: DEFAULT_EXPORT_COLUMNS,
    maxBytes: 1024 ** 3,
    maxLineBytes,
    ...(collect === undefined ? {} : { onProblem: (p: RowProblem) => collect.push(p) }),
  });

reader(
  'a line over maxLineBytes is a problem of its row (line, field, reason), read past; the rows around it stand',
  async () => {
    const long = `ITEM-2,101,5,${'9'.repeat(300)}`;
    const path = file(`${HEADER}\nITEM-1,101,5,9001\n${long}\nITEM-3,101,7,9003\n`);
    const parsed = await run(readLimited(path, 200));
    assert.equal(
      exportRowsToArray(parsed.rows).map((r) => r.line),
      [2, 4],
    );
    assert.equal(where(parsed.problems), [[3, '(row)', 'line too long: 313 bytes, more than the 200 allowed']]);
    assert.is(parsed.problems[0]!.raw, `${long.slice(0, 197)}...`, 'the start of the line, cut');
    assert.is(parsed.rowsRead, 3);
    // Bytes, not characters: a line of 106 characters, 94 of them of 2 bytes, is 200 bytes (allowed); one more, 202.
    const at = (name: string) => `a${name},101,5,9001`;
    const exact = file(`${HEADER}\n${at('é'.repeat(94))}\n${at('é'.repeat(95))}\n`);
    const bytes = await run(readLimited(exact, 200));
    assert.equal(
      [exportRowsToArray(bytes.rows).map((r) => r.line), where(bytes.problems)],
      [[2], [[3, '(row)', 'line too long: 202 bytes, more than the 200 allowed']]],
    );
  },
);

reader(
  'a long line spanning many chunks: rejected, its bytes counted, the next row read; also as the last line',
  async () => {
    const long = 'x'.repeat(300_000);
    const path = file(`${HEADER}\r\nITEM-1,101,5,${long}\r\nITEM-3,101,7,9003\r\nITEM-4,101,8,${long}`);
    const parsed = await run(readLimited(path, 64 * 1024));
    assert.equal(
      exportRowsToArray(parsed.rows).map((r) => r.line),
      [3],
    );
    assert.equal(where(parsed.problems), [
      [2, '(row)', `line too long: ${300_013} bytes, more than the 65536 allowed`],
      [4, '(row)', `line too long: ${300_013} bytes, more than the 65536 allowed`],
    ]);
    assert.is(parsed.problems[0]!.raw, `ITEM-1,101,5,${'x'.repeat(184)}...`);
  },
);

reader('a header over maxLineBytes (a file without line breaks) holds the file back, read no further', async () => {
  const path = file(`${'Item,'.repeat(100_000)}\nITEM-1,101,5,9001\n`);
  assert.equal(await runLeft(readLimited(path, 64 * 1024)), {
    _tag: 'ExportHeaderTooLong',
    file: 'export.csv',
    line: 1,
    limit: 64 * 1024,
  });
  const noBreaks = file('Item,'.repeat(1_000));
  const refused = await runLeft(readLimited(noBreaks, 1_024));
  assert.equal([refused._tag, refused._tag === 'ExportHeaderTooLong' && refused.line], ['ExportHeaderTooLong', 1]);
});

reader('a line over the limit inside an open quoted field ends the field; its lines are read again first', async () => {
  const path = file(`${HEADER}\n"ITEM-1,101,5,9001\nITEM-2,101,6,9002\n${'y'.repeat(500)}\nITEM-4,101,8,9004\n`);
  const parsed = await run(readLimited(path, 200));
  assert.equal(
    exportRowsToArray(parsed.rows).map((r) => r.line),
    [3, 5],
  );
  assert.equal(where(parsed.problems), [
    [
      2,
      '(row)',
      'unterminated quoted field: line 4 after it is over 200 bytes long; the lines after it are read again as rows',
    ],
    [4, '(row)', 'line too long: 500 bytes, more than the 200 allowed'],
  ]);
});

reader('onProblem gets every problem in file order, and none is kept in the result', async () => {
  const lines = [HEADER];
  for (let i = 0; i < 1_000; i++) lines.push(i % 2 === 0 ? `ITEM-${i},101,${i},9${i}` : `ITEM-${i},101,lots,9${i}`);
  const collected: RowProblem[] = [];
  const parsed = await run(readLimited(file(`${lines.join('\n')}\n`), 1_024, collected));
  assert.equal([parsed.problems.length, parsed.rows.length, parsed.rowsRead], [0, 500, 1_000]);
  assert.is(collected.length, 500);
  assert.ok(collected.every((p, i) => p.line === 3 + 2 * i && p.reason === "not a number: 'lots'"));
});

reader(
  'refuseRow: a refused row is a problem of its row (line, field, reason), never a row; itemNames: false keeps no names',
  async () => {
    const path = file(
      `${HEADER}\nITEM-1,101,5,9001\n"Big, ""red"" ball",101,6,9002\nITEM-3,101,lots,9002\nITEM-4,102,7,9004\n`,
    );
    const asked: string[][] = [];
    const collected: RowProblem[] = [];
    const parsed = await run(
      netsuiteExportReader().readExport(path, 'export.csv', {
        columns: DEFAULT_EXPORT_COLUMNS,
        maxBytes: 1024 ** 3,
        onProblem: (p) => collected.push(p),
        itemNames: false,
        refuseRow: (itemInternalId, location, item) => {
          asked.push([itemInternalId, location, item]);
          return itemInternalId === '9002' ? { field: 'idValue', reason: `unknown item '${item}'` } : null;
        },
      }),
    );
    // Asked of the rows that passed the reader's checks only (not of line 4, whose quantity is no number), quoted or not.
    assert.equal(asked, [
      ['9001', '101', 'ITEM-1'],
      ['9002', '101', 'Big, "red" ball'],
      ['9004', '102', 'ITEM-4'],
    ]);
    assert.equal(
      collected.map((p) => [p.line, p.field, p.reason]),
      [
        [3, 'idValue', `unknown item 'Big, "red" ball'`],
        [4, 'availableQty', "not a number: 'lots'"],
      ],
    );
    assert.is(parsed.rowsRead, 4);
    assert.equal(
      exportRowsToArray(parsed.rows).map((r) => [r.line, r.item, r.itemInternalId, r.location, r.quantity]),
      [
        [2, '', '9001', '101', 5],
        [5, '', '9004', '102', 7],
      ],
    );
  },
);

reader('a line without breaks is scanned once: the work grows with the bytes, not with their square', async () => {
  // Counts the characters the reader's string searches and byte counts can look at (an upper bound of its
  // scanning). Before the limit, a line carried over 64 KiB chunks was joined to each new chunk and searched again
  // from its start: for 4 MiB, some 130 million characters.
  const work = async (bytes: number): Promise<number> => {
    const path = file(`${HEADER}\nITEM-1,101,5,${'z'.repeat(bytes)}\nITEM-2,101,6,9002\n`);
    const indexOf = String.prototype.indexOf;
    const byteLength = Buffer.byteLength;
    let looked = 0;
    String.prototype.indexOf = function (this: string, search: string, from?: number) {
      looked += this.length - Math.max(0, Math.min(from ?? 0, this.length));
      return indexOf.call(this, search, from);
    };
    Buffer.byteLength = ((text: string, encoding?: BufferEncoding) => {
      looked += text.length;
      return byteLength(text, encoding);
    }) as typeof Buffer.byteLength;
    try {
      const parsed = await run(readLimited(path, 64 * 1024));
      assert.equal([parsed.rows.length, parsed.problems.map((p) => p.line)], [1, [2]]);
    } finally {
      String.prototype.indexOf = indexOf;
      Buffer.byteLength = byteLength;
    }
    rmSync(path);
    return looked;
  };
  const small = await work(1024 ** 2);
  const large = await work(4 * 1024 ** 2);
  assert.ok(large < 4 * 4 * 1024 ** 2, `looked at ${large} characters for 4 MiB`);
  assert.ok(large < 5 * small, `4 times the bytes, ${(large / small).toFixed(1)} times the work`);
});

reader('a file that cannot be read is ExportUnreadable', async () => {
  const missing = await runLeft(read(join(folder, 'no-such-file.csv')));
  assert.equal(
    [missing._tag, missing._tag === 'ExportUnreadable' && /ENOENT/.test(missing.reason)],
    ['ExportUnreadable', true],
  );
  const directory = join(folder, 'a-directory.csv');
  mkdirSync(directory);
  const notAFile = await runLeft(read(directory));
  assert.equal(
    [notAFile._tag, notAFile._tag === 'ExportUnreadable' && /EISDIR/.test(notAFile.reason)],
    ['ExportUnreadable', true],
  );
});

// Rows as NetSuite could print them: names with commas, quotes and line breaks, decimal quantities up to 5 places.
const exportRow = fc.record({
  item: fc.stringMatching(/^[A-Za-z0-9 ,"\-é\n]{0,16}$/).map((s) => s.trim()),
  location: fc.stringMatching(/^[A-Za-z0-9_-]{1,8}$/),
  quantity: fc
    .tuple(
      fc.integer({ min: 0, max: MAX_QUANTITY - 1 }),
      fc.integer({ min: 0, max: 99_999 }),
      fc.integer({ min: 0, max: 5 }),
    )
    .map(([whole, fraction, places]) =>
      places === 0 ? whole : Number(`${whole}.${String(fraction).padStart(5, '0').slice(0, places)}`),
    ),
  itemInternalId: fc.stringMatching(/^[0-9]{1,9}$/),
});
const layout = fc.record({
  crlf: fc.boolean(),
  bom: fc.boolean(),
  quoteAll: fc.boolean(),
  grouped: fc.boolean(),
  padded: fc.boolean(),
  trailingBlank: fc.boolean(),
  extraColumn: fc.boolean(),
  order: fc.constantFrom([0, 1, 2, 3], [3, 2, 1, 0], [2, 0, 3, 1]),
});

reader(
  'property: rows written with any quoting, line ending, BOM, grouping and column order read back exactly',
  async () => {
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(exportRow, { minLength: 1, maxLength: 25 }),
        layout,
        fc.array(fc.boolean(), { minLength: 25, maxLength: 25 }),
        async (rows, l, blankAfter) => {
          const eol = l.crlf ? '\r\n' : '\n';
          const quote = (s: string) =>
            l.quoteAll || /[",\r\n]/.test(s) || s !== s.trim() ? `"${s.replace(/"/g, '""')}"` : s;
          const number = (q: number) => {
            const text = l.grouped ? q.toLocaleString('en-US', { maximumFractionDigits: 5 }) : String(q);
            return l.padded ? ` ${text} ` : text;
          };
          const names = ['Item', 'externalFacilityId', 'availableQty', 'idValue'];
          const cells = (values: string[]) =>
            [...l.order.map((i) => values[i]!), ...(l.extraColumn ? ['extra, "value"'] : [])].map(quote).join(',');
          let text = `${l.bom ? '\ufeff' : ''}${cells(names)}${eol}`;
          let line = 2;
          const expected: ExportRowObject[] = [];
          rows.forEach((r, i) => {
            expected.push({ line, ...r });
            const record = cells([r.item, r.location, number(r.quantity), r.itemInternalId]);
            text += `${record}${eol}`;
            line += record.split('\n').length;
            if (blankAfter[i]) {
              text += eol;
              line++;
            }
          });
          if (l.trailingBlank) text += eol;
          const parsed = await run(read(file(text, `property-${runs++}.csv`)));
          assert.equal(parsed.problems, []);
          assert.equal(
            parsed.rows,
            expected.map((r) => ({ ...r, item: r.item.replace(/\r\n/g, '\n') })),
          );
        },
      ),
      { numRuns: 200 },
    );
  },
);

reader(
  'property: every record csv-parse reads whole with the header width, the reader reads with the same fields',
  async () => {
    let compared = 0;
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc
            .array(fc.constantFrom('a', 'a', 'b', ' ', ',', '"', '"', '\n'), { maxLength: 10 })
            .map((cs) => cs.join('')),
          { minLength: 1, maxLength: 6 },
        ),
        async (names) => {
          const text = `${HEADER}\n${names.map((name, i) => `${name},10${i},${i},900${i}`).join('\n')}\n`;
          let records: string[][];
          try {
            records = parseCsv(text, {
              relax_quotes: true,
              relax_column_count: true,
              skip_empty_lines: true,
            }) as string[][];
          } catch {
            return;
          }
          if (!records.every((r) => r.length === 4) || records.some((r) => r.join('').trim() === '')) return;
          compared++;
          const parsed = await run(read(file(text, `differential-${runs++}.csv`)));
          // The reader's checks, applied to csv-parse's fields: the same rows, and a problem for every other record.
          const data = records.slice(1);
          const valid = data.filter(
            (r) => isIdentifier(r[1]!.trim()) && isIdentifier(r[3]!.trim()) && !isLeft(parseQuantity(r[2]!)),
          );
          assert.equal(
            parsed.rows.map((r) => [r.item, r.location, r.quantity, r.itemInternalId]),
            valid.map((r) => [r[0]!.trim(), r[1]!.trim(), Number(r[2]), r[3]!.trim()]),
          );
          assert.is(parsed.problems.length, data.length - valid.length);
        },
      ),
      { numRuns: 1000 },
    );
    assert.ok(compared > 100, `compared ${compared} files`);
  },
);

reader.run();
