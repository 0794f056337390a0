import * as E from 'fp-ts/lib/Either.js';
import type { RefusalReason } from '../domain/index.ts';
import type { EventFieldError } from './record-inventory-events.ts';

/**
 * Event feed lines: what a line of a JSON Lines or CSV event feed says, turned into an untrusted input for
 * `recordInventoryEvents` (which decodes it with the `InventoryEvent` codec), or the faults of the line by field.
 */

/** The fields of an event, in the order a CSV feed's header usually lists them. */
export const EVENT_FIELDS = [
  'eventId',
  'type',
  'productId',
  'facilityId',
  'toFacilityId',
  'quantity',
  'occurredAt',
  'source',
  'reason',
] as const;
export type EventField = (typeof EVENT_FIELDS)[number];

/** The columns a CSV feed's header must have; the others (`facilityId`, `toFacilityId`, `reason`) are optional. */
export const REQUIRED_CSV_COLUMNS: ReadonlyArray<EventField> = [
  'eventId',
  'type',
  'productId',
  'quantity',
  'occurredAt',
  'source',
];

const MAX_SHOWN = 80;
const shown = (s: string): string => JSON.stringify(s.length > MAX_SHOWN ? `${s.slice(0, MAX_SHOWN)}...` : s);

/** One line of JSON Lines as an input: the parsed object, or why the line is none (a JSON syntax error, not an object). */
export const jsonLineInput = (text: string): E.Either<ReadonlyArray<EventFieldError>, unknown> => {
  let value: unknown;
  // A feed of bad lines throws once a line: without a stack trace to capture (only the message is reported), each
  // throw costs about a third less time and garbage.
  const stackTraceLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return E.left([{ field: '', reason: `not JSON: ${error instanceof Error ? error.message : String(error)}` }]);
  } finally {
    Error.stackTraceLimit = stackTraceLimit;
  }
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? E.right(value)
    : E.left([{ field: '', reason: `not a JSON object: ${shown(text)}` }]);
};

/**
 * The cells of one CSV record on one line (RFC 4180: `,` between cells, `"` around a cell holding `,` or `"`, a `"`
 * inside doubled), or why it is none. A record never spans lines: a quoted cell still open at the end of the line
 * is an error.
 */
export const csvCells = (text: string): E.Either<string, ReadonlyArray<string>> => {
  const cells: string[] = [];
  let i = 0;
  for (;;) {
    if (text.charCodeAt(i) === 34) {
      let cell = '';
      i++;
      for (;;) {
        const close = text.indexOf('"', i);
        if (close === -1) return E.left(`a quoted cell is not closed on its line (cell ${cells.length + 1})`);
        cell += text.slice(i, close);
        if (text.charCodeAt(close + 1) === 34) {
          cell += '"';
          i = close + 2;
        } else {
          i = close + 1;
          break;
        }
      }
      cells.push(cell);
      if (i === text.length) return E.right(cells);
      if (text.charCodeAt(i) !== 44) return E.left(`text after a quoted cell (cell ${cells.length})`);
      i++;
    } else {
      const comma = text.indexOf(',', i);
      const cell = text.slice(i, comma === -1 ? text.length : comma);
      if (cell.includes('"')) return E.left(`a quote inside an unquoted cell (cell ${cells.length + 1})`);
      cells.push(cell);
      if (comma === -1) return E.right(cells);
      i = comma + 1;
    }
  }
};

/** A CSV feed's header: each column's field, in order. */
export type CsvHeader = ReadonlyArray<EventField>;

/** The header line of a CSV feed as its columns, or why it is none: an unknown or repeated column, a required one missing. */
export const csvHeader = (text: string): E.Either<string, CsvHeader> => {
  const cells = csvCells(text);
  if (E.isLeft(cells)) return E.left(`the header is no CSV record: ${cells.left}`);
  const names = cells.right.map((c) => c.trim());
  const known = new Set<string>(EVENT_FIELDS);
  const unknown = names.filter((n) => !known.has(n));
  if (unknown.length > 0)
    return E.left(
      `unknown column(s) ${unknown.map((n) => shown(n)).join(', ')} in the header (columns: ${EVENT_FIELDS.join(', ')})`,
    );
  const repeated = names.filter((n, i) => names.indexOf(n) !== i);
  if (repeated.length > 0) return E.left(`column(s) named twice in the header: ${[...new Set(repeated)].join(', ')}`);
  const missing = REQUIRED_CSV_COLUMNS.filter((c) => !names.includes(c));
  if (missing.length > 0) return E.left(`required column(s) missing from the header: ${missing.join(', ')}`);
  return E.right(names as ReadonlyArray<EventField>);
};

// A number as CSV writes it: sign, digits, a decimal point, an exponent; no blanks inside, no thousands separators.
const CSV_NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/**
 * One CSV record line as an input, by the header: each non-empty cell under its field (an empty cell is an absent
 * field), `quantity` read as a number; or the faults of the line (a cell count other than the header's, a quantity
 * that is no number).
 */
export const csvLineInput = (
  header: CsvHeader,
  text: string,
): E.Either<ReadonlyArray<EventFieldError>, Readonly<Record<string, unknown>>> => {
  const cells = csvCells(text);
  if (E.isLeft(cells)) return E.left([{ field: '', reason: `not a CSV record: ${cells.left}` }]);
  if (cells.right.length !== header.length)
    return E.left([
      { field: '', reason: `${cells.right.length} cells, the header has ${header.length} (${header.join(',')})` },
    ]);
  const input: Record<string, unknown> = {};
  const faults: EventFieldError[] = [];
  header.forEach((field, i) => {
    const cell = cells.right[i]!;
    if (cell === '') return;
    if (field === 'quantity') {
      const trimmed = cell.trim();
      if (CSV_NUMBER.test(trimmed)) input.quantity = Number(trimmed);
      else faults.push({ field, reason: `not a number: ${shown(cell)}` });
    } else input[field] = cell;
  });
  return faults.length > 0 ? E.left(faults) : E.right(input);
};

/** The decoder's words for a field that is absent, said plainly: `missing (expected Identifier)`. */
export const plainFieldError = (e: EventFieldError): EventFieldError => {
  const absent = /^expected (.*), got undefined$/.exec(e.reason);
  return absent === null ? e : { field: e.field, reason: `missing (expected ${absent[1]})` };
};

/** The field of an event a refusal is about, for the error report. */
export const refusedField = (reason: RefusalReason): EventField => {
  switch (reason) {
    case 'unknown-product':
      return 'productId';
    case 'unknown-facility':
    case 'missing-facility':
    case 'facility-not-applicable':
      return 'facilityId';
    case 'unknown-to-facility':
    case 'missing-to-facility':
    case 'to-facility-not-applicable':
    case 'same-facility':
      return 'toFacilityId';
    case 'missing-reason':
      return 'reason';
    default:
      return 'quantity';
  }
};
