import * as E from 'fp-ts/lib/Either.js';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  csvCells,
  csvHeader,
  csvLineInput,
  EVENT_FIELDS,
  jsonLineInput,
  plainFieldError,
  refusedField,
} from '../../src/application/event-lines.ts';

const json = suite('jsonLineInput');

json('an object is the input; a syntax error or another JSON value is named', () => {
  assert.equal(jsonLineInput('{"eventId":"e1","quantity":2}'), E.right({ eventId: 'e1', quantity: 2 }));
  const broken = jsonLineInput('{"eventId": ');
  assert.ok(E.isLeft(broken) && broken.left[0]!.field === '' && /^not JSON: /.test(broken.left[0]!.reason));
  assert.equal(jsonLineInput('42'), E.left([{ field: '', reason: 'not a JSON object: "42"' }]));
  assert.equal(jsonLineInput('null'), E.left([{ field: '', reason: 'not a JSON object: "null"' }]));
  assert.ok(E.isLeft(jsonLineInput('["a"]')));
});

const cells = suite('csvCells');

cells('plain and quoted cells, doubled quotes, empty cells', () => {
  assert.equal(csvCells('a,b,,d'), E.right(['a', 'b', '', 'd']));
  assert.equal(csvCells('"a,1","say ""hi""",'), E.right(['a,1', 'say "hi"', '']));
  assert.equal(csvCells(''), E.right(['']));
  assert.equal(csvCells('""'), E.right(['']));
});

cells('a quote left open, text after a quoted cell, a quote inside an unquoted cell', () => {
  assert.equal(csvCells('a,"open'), E.left('a quoted cell is not closed on its line (cell 2)'));
  assert.equal(csvCells('"a"b,c'), E.left('text after a quoted cell (cell 1)'));
  assert.equal(csvCells('a,b"c'), E.left('a quote inside an unquoted cell (cell 2)'));
});

const header = suite('csvHeader');

header('the event fields in any order, the optional ones optional', () => {
  assert.equal(csvHeader(EVENT_FIELDS.join(',')), E.right([...EVENT_FIELDS]));
  assert.equal(
    csvHeader('source, occurredAt ,quantity,productId,type,eventId'),
    E.right(['source', 'occurredAt', 'quantity', 'productId', 'type', 'eventId']),
  );
});

header('an unknown column, one named twice, a required one missing', () => {
  const unknown = csvHeader('eventId,kind');
  assert.ok(E.isLeft(unknown) && /^unknown column\(s\) "kind" in the header/.test(unknown.left));
  assert.equal(
    csvHeader('eventId,type,productId,quantity,occurredAt,source,type'),
    E.left('column(s) named twice in the header: type'),
  );
  assert.equal(
    csvHeader('eventId,type,productId,occurredAt'),
    E.left('required column(s) missing from the header: quantity, source'),
  );
});

const line = suite('csvLineInput');
const H = ['eventId', 'type', 'productId', 'facilityId', 'quantity', 'occurredAt', 'source', 'reason'] as const;

line('each non-empty cell under its field, the quantity a number, an empty cell absent', () => {
  assert.equal(
    csvLineInput(H, 'e1,adjusted,P1,WH,-2.5,2026-12-01T10:00:00Z,pos,"damaged, wet"'),
    E.right({
      eventId: 'e1',
      type: 'adjusted',
      productId: 'P1',
      facilityId: 'WH',
      quantity: -2.5,
      occurredAt: '2026-12-01T10:00:00Z',
      source: 'pos',
      reason: 'damaged, wet',
    }),
  );
  assert.equal(
    csvLineInput(H, 'e2,threshold-set,P1,, 1e2 ,2026-12-01T10:00:00Z,pos,'),
    E.right({
      eventId: 'e2',
      type: 'threshold-set',
      productId: 'P1',
      quantity: 100,
      occurredAt: '2026-12-01T10:00:00Z',
      source: 'pos',
    }),
  );
});

line('a quantity that is no number, a cell count other than the header, a broken record', () => {
  for (const q of ['seven', '1,000', '0x10', '1 2', 'Infinity', '-'])
    assert.equal(
      csvLineInput(H, `e1,received,P1,WH,"${q}",2026-12-01T10:00:00Z,pos,`),
      E.left([{ field: 'quantity', reason: `not a number: ${JSON.stringify(q)}` }]),
    );
  assert.equal(
    csvLineInput(H, 'e1,received,P1'),
    E.left([{ field: '', reason: `3 cells, the header has 8 (${H.join(',')})` }]),
  );
  assert.equal(
    csvLineInput(H, 'e1,"received'),
    E.left([{ field: '', reason: 'not a CSV record: a quoted cell is not closed on its line (cell 2)' }]),
  );
});

const words = suite('plainFieldError and refusedField');

words('an absent field is said to be missing; other faults are kept as they are', () => {
  assert.equal(plainFieldError({ field: 'source', reason: 'expected Identifier, got undefined' }), {
    field: 'source',
    reason: 'missing (expected Identifier)',
  });
  const other = { field: 'quantity', reason: 'expected number, got "x"' };
  assert.equal(plainFieldError(other), other);
});

words('a refusal names the field it is about', () => {
  assert.equal(
    (
      [
        'unknown-product',
        'unknown-facility',
        'missing-facility',
        'unknown-to-facility',
        'same-facility',
        'missing-reason',
        'quantity-too-large',
        'ship-exceeds-reserved',
      ] as const
    ).map(refusedField),
    ['productId', 'facilityId', 'facilityId', 'toFacilityId', 'toFacilityId', 'reason', 'quantity', 'quantity'],
  );
});

json.run();
cells.run();
header.run();
line.run();
words.run();
