import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { parse as parseCsv, type Options as CsvOptions } from 'csv-parse/sync';
import * as E from 'fp-ts/lib/Either.js';
import type { TaskEither } from 'fp-ts/lib/TaskEither.js';
import { exportRowsBuilder } from '../../application/columnar.ts';
import {
  DEFAULT_MAX_LINE_BYTES,
  type ExportFileError,
  type ExportReadOptions,
  type InventoryExportReader,
  type ParsedExport,
  type RowProblem,
} from '../../application/inventory-export.ts';
import { isIdentifier, isQuantity, MAX_QUANTITY, QUANTITY_DECIMALS } from '../../domain/index.ts';
import {
  exportHeaderFields,
  resolveExportHeader,
  type ExportColumnIndexes,
} from '../../domain/netsuite-export-contract.ts';

// ---------------------------------------------------------------------------------------------------------------
// Quantities
// ---------------------------------------------------------------------------------------------------------------

// Why a quantity field is not a usable quantity. Codes (all negative, a valid quantity never is) keep the hot path
// free of allocations: the reason text is only built for a rejected row.
const EMPTY = -1;
const NOT_A_NUMBER = -2;
const NEGATIVE = -3;
const TOO_PRECISE = -4;
const ABSURD = -5;

const SCALES = [1, 10, 100, 1_000, 10_000, 100_000];
const isBlankCode = (c: number): boolean => c === 32 || c === 9 || c === 160;

// Reads text[from, to) as a quantity as NetSuite prints it: digits, optionally grouped by thousands with commas
// (`1,234,567`: groups of exactly three, no leading zero group), optionally a decimal point and digits (`.5` too),
// surrounding blanks allowed. A `+` sign is allowed; `-` only for a zero (`-0`), any other negative is its own
// reason. Not accepted: exponents (`1e5`), a trailing point (`5.`, which looks cut), currency, parentheses,
// European `1.234,5`. Trailing zeros after the fifth decimal carry no value and are accepted (`2.000000` is 2).
// Returns the quantity (>= 0) or one of the negative codes above.
const scanQuantity = (text: string, from: number, to: number): number => {
  while (from < to && isBlankCode(text.charCodeAt(from))) from++;
  while (to > from && isBlankCode(text.charCodeAt(to - 1))) to--;
  if (from === to) return EMPTY;
  let i = from;
  const sign = text.charCodeAt(i);
  const negative = sign === 45;
  if (negative || sign === 43) i++;
  let whole = 0;
  let digits = 0;
  let group = 0;
  let grouped = false;
  const firstDigit = text.charCodeAt(i);
  for (; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      whole = whole * 10 + (c - 48);
      digits++;
      group++;
    } else if (c === 44) {
      if (digits === 0 || (grouped ? group !== 3 : group > 3 || firstDigit === 48)) return NOT_A_NUMBER;
      grouped = true;
      group = 0;
    } else break;
  }
  if (grouped && group !== 3) return NOT_A_NUMBER;
  let fraction = 0;
  let places = 0;
  let tooPrecise = false;
  if (i < to && text.charCodeAt(i) === 46) {
    i++;
    const start = i;
    for (; i < to; i++) {
      const c = text.charCodeAt(i);
      if (c < 48 || c > 57) break;
      if (i - start < QUANTITY_DECIMALS) {
        fraction = fraction * 10 + (c - 48);
        places++;
      } else if (c !== 48) tooPrecise = true;
    }
    if (i === start) return NOT_A_NUMBER;
  } else if (digits === 0) return NOT_A_NUMBER;
  if (i !== to) return NOT_A_NUMBER;
  if (negative && (whole !== 0 || fraction !== 0 || tooPrecise)) return NEGATIVE;
  if (tooPrecise) return TOO_PRECISE;
  if (whole > MAX_QUANTITY) return ABSURD;
  // One division of two exact integers (< 2^53): the nearest double to the decimal, as Number(text) would give.
  const scale = SCALES[places]!;
  const value = (whole * scale + fraction) / scale;
  if (value > MAX_QUANTITY) return ABSURD;
  return isQuantity(value) ? value : TOO_PRECISE;
};

const shown = (text: string): string => `'${text.length > 40 ? `${text.slice(0, 37)}...` : text}'`;

const quantityReason = (code: number, text: string): string => {
  switch (code) {
    case EMPTY:
      return 'empty quantity';
    case NEGATIVE:
      return `negative quantity: ${shown(text)}`;
    case TOO_PRECISE:
      return `more than ${QUANTITY_DECIMALS} decimals: ${shown(text)}`;
    case ABSURD:
      return `absurd quantity (over ${MAX_QUANTITY}): ${shown(text)}`;
    default:
      return `not a number: ${shown(text)}`;
  }
};

/**
 * Reads one quantity field as NetSuite prints it (`17`, ` 17 `, `1,234`, `1,234.5`, `0.00001`, `.5`): the number,
 * or why it is not a usable quantity (empty, not a number, negative, more than five decimals, over a billion).
 */
export const parseQuantity = (text: string): E.Either<string, number> => {
  const code = scanQuantity(text, 0, text.length);
  return code >= 0 ? E.right(code) : E.left(quantityReason(code, text));
};

// ---------------------------------------------------------------------------------------------------------------
// Bytes to text
// ---------------------------------------------------------------------------------------------------------------

// The offset of the first byte of `bytes` that cannot be UTF-8, after up to three leading continuation bytes that
// finish a character begun in the previous chunk; -1 when none (the bad sequence then straddles the chunk start).
// Only used to say where a file is broken, after the decoder refused it.
const invalidUtf8At = (bytes: Uint8Array): number => {
  let i = 0;
  while (i < 3 && i < bytes.length && (bytes[i]! & 0xc0) === 0x80) i++;
  while (i < bytes.length) {
    const c = bytes[i]!;
    if (c < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let low = 0x80;
    let high = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) need = 1;
    else if (c >= 0xe0 && c <= 0xef) {
      need = 2;
      if (c === 0xe0) low = 0xa0;
      if (c === 0xed) high = 0x9f;
    } else if (c >= 0xf0 && c <= 0xf4) {
      need = 3;
      if (c === 0xf0) low = 0x90;
      if (c === 0xf4) high = 0x8f;
    } else return i;
    for (let k = 1; k <= need; k++) {
      if (i + k >= bytes.length) return -1;
      const d = bytes[i + k]!;
      if (k === 1 ? d < low || d > high : d < 0x80 || d > 0xbf) return i;
    }
    i += need + 1;
  }
  return -1;
};

const lineBreaksBefore = (bytes: Uint8Array, end: number): number => {
  let n = 0;
  for (let i = 0; i < end; i++) if (bytes[i] === 10) n++;
  return n;
};

// ---------------------------------------------------------------------------------------------------------------
// Records
// ---------------------------------------------------------------------------------------------------------------

// csv-parse reads every record that has a quote in it. relax_quotes: a quote inside an unquoted field is a literal
// character (`12" pipe`), so a stray quote cannot swallow the lines after it; relax_column_count: a short or long row
// is a problem of that row (checked here), not an error of the file. Lines reach it without their `\r`, joined by
// `\n` (so a line break inside a quoted field reads as `\n`, whichever the file used).
const CSV_OPTIONS: CsvOptions = { relax_quotes: true, relax_column_count: true, record_delimiter: '\n' };

// Whether text[from, to) ends inside a quoted field, read from the state `quoted` at `from` with csv-parse's rules
// above: a quote opens a quoted field only at the start of a field; inside one, a doubled quote is a literal quote
// and a single one closes it; a quote anywhere else is a literal character. (A property test holds the reader to
// csv-parse on random quotes, commas and line breaks.)
const endsQuoted = (text: string, from: number, to: number, quoted: boolean): boolean => {
  let fieldStart = !quoted;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (quoted) {
      if (c === 34) {
        if (i + 1 < to && text.charCodeAt(i + 1) === 34) i++;
        else quoted = false;
      }
    } else if (c === 34 && fieldStart) {
      quoted = true;
      fieldStart = false;
    } else {
      fieldStart = c === 44;
    }
  }
  return quoted;
};

const isBlankLine = (text: string, from: number, to: number): boolean => {
  if (from === to) return true;
  const c = text.charCodeAt(from);
  if (c > 32 && c !== 160 && c !== 0xfeff) return false;
  return text.slice(from, to).trim() === '';
};

const cut = (text: string): string => (text.length > 200 ? `${text.slice(0, 197)}...` : text);

interface Header extends ExportColumnIndexes {
  readonly width: number;
}

/** Reader settings beyond the port's options. */
export interface NetsuiteExportReaderSettings {
  /**
   * The longest record with a quoted field spanning lines, in characters (default 1 MiB). A quote that opens a field
   * and is not closed within it is a broken row, not a record: its first line is reported and the lines after it
   * are read again as rows, so that one stray quote cannot swallow the rest of the file (or hold it in memory).
   */
  readonly maxRecordLength?: number;
}

const DEFAULT_MAX_RECORD_LENGTH = 1 << 20;
// Single-line records that the strict path leaves to csv-parse go to it in batches: a parser per record costs about
// 6 µs (6 s at a million rows, measured), a batch of hundreds about 1 µs a record.
const BATCH_RECORDS = 512;

const unreadable = (file: string, cause: unknown): ExportFileError => ({
  _tag: 'ExportUnreadable',
  file,
  reason: cause instanceof Error ? cause.message : String(cause),
  cause,
});

const readFile = async (
  path: string,
  file: string,
  { columns, maxBytes, maxLineBytes = DEFAULT_MAX_LINE_BYTES, onProblem, refuseRow, itemNames }: ExportReadOptions,
  maxRecordLength: number,
): Promise<E.Either<ExportFileError, ParsedExport>> => {
  let size: number;
  try {
    size = (await stat(path)).size;
  } catch (cause) {
    return E.left(unreadable(file, cause));
  }
  // Refused before a byte is read: a 2 GB "export" is a broken one, and reading it would only cost time and memory.
  if (size > maxBytes) return E.left({ _tag: 'ExportTooLarge', file, bytes: size, limit: maxBytes });

  const rows = exportRowsBuilder(1024, { itemNames: itemNames !== false });
  const problems: RowProblem[] = [];
  let rowsRead = 0;
  let header: Header | undefined;
  let failure: ExportFileError | undefined;
  let atEnd = false; // reading the last line, which has no line break after it
  // Where each field of the current line starts and ends (only the first width + 1 are kept), and whether a quoted
  // field holds doubled quotes: the fast paths cut fields in place, without an array per row.
  let fieldStarts = new Int32Array(8);
  let fieldEnds = new Int32Array(8);
  let fieldDoubled = new Uint8Array(8);

  const problem = (line: number, field: string, reason: string, raw: string): void => {
    rowsRead++;
    const found = { line, field, reason, raw: cut(raw) };
    if (onProblem === undefined) problems.push(found);
    else onProblem(found);
  };

  const allMissing = (): ExportFileError => ({
    _tag: 'ExportMissingColumns',
    file,
    missing: [columns.item, columns.location, columns.quantity, columns.itemInternalId],
    found: [],
  });

  // The first non-blank line, by the contract's rule (src/domain/netsuite-export-contract.ts), which the upload
  // SuiteScript applies to the same line: one line of CSV (a quoted header field spanning lines is no header), each
  // required column found once. csv-parse is for the rows.
  const takeHeader = (text: string): void => {
    const fields = exportHeaderFields(text);
    if (fields === undefined) {
      failure = allMissing();
      return;
    }
    const read = resolveExportHeader(fields, columns);
    if (!read.ok) {
      failure = { _tag: 'ExportMissingColumns', file, missing: read.problems, found: fields.map((f) => f.trim()) };
      return;
    }
    header = { ...read.indexes, width: fields.length };
    fieldStarts = new Int32Array(header.width + 1);
    fieldEnds = new Int32Array(header.width + 1);
    fieldDoubled = new Uint8Array(header.width + 1);
  };

  const shortOrLong = (found: number, width: number): string =>
    `expected ${width} fields, found ${found}${found < width ? (atEnd ? ' (a truncated last row: the file ends without a line break)' : ' (a short or truncated row)') : ''}`;

  // The checks of one row whose fields are cut out: ids, then the quantity, read from qSource[qFrom, qTo). The row's
  // text, raw[rawFrom, rawTo), is only cut out for a problem.
  const takeRow = (
    line: number,
    item: string,
    internalId: string,
    location: string,
    qSource: string,
    qFrom: number,
    qTo: number,
    raw: string,
    rawFrom: number,
    rawTo: number,
  ): void => {
    if (!isIdentifier(internalId)) {
      problem(
        line,
        columns.itemInternalId,
        internalId === '' ? 'empty item internal id' : `item internal id is not a usable id: ${shown(internalId)}`,
        raw.slice(rawFrom, rawTo),
      );
      return;
    }
    if (!isIdentifier(location)) {
      problem(
        line,
        columns.location,
        location === '' ? 'empty location' : `location is not a usable id: ${shown(location)}`,
        raw.slice(rawFrom, rawTo),
      );
      return;
    }
    const quantity = scanQuantity(qSource, qFrom, qTo);
    if (quantity < 0) {
      problem(line, columns.quantity, quantityReason(quantity, qSource.slice(qFrom, qTo)), raw.slice(rawFrom, rawTo));
      return;
    }
    const refused = refuseRow?.(internalId, location, item) ?? null;
    if (refused !== null) {
      problem(line, refused.field, refused.reason, raw.slice(rawFrom, rawTo));
      return;
    }
    rowsRead++;
    rows.add({ line, item, itemInternalId: internalId, location, quantity });
  };

  // A record as csv-parse cut it.
  const takeFields = (fields: ReadonlyArray<string>, line: number, raw: string): void => {
    const h = header!;
    if (fields.length !== h.width) {
      problem(line, '(row)', shortOrLong(fields.length, h.width), raw);
      return;
    }
    const quantity = fields[h.quantity]!;
    takeRow(
      line,
      fields[h.item]!.trim(),
      // Ids are taken as the file has them: one with blanks around it is refused by isIdentifier, never trimmed
      // into a match with another id.
      fields[h.itemInternalId]!,
      fields[h.location]!,
      quantity,
      0,
      quantity.length,
      raw,
      0,
      raw.length,
    );
  };

  // Field k of the current line, cut out of `text`.
  const field = (text: string, k: number): string => {
    const value = text.slice(fieldStarts[k]!, fieldEnds[k]!);
    return fieldDoubled[k] === 1 ? value.replaceAll('""', '"') : value;
  };

  // A line whose `count` fields are marked in fieldStarts/fieldEnds.
  const takeMarkedLine = (h: Header, text: string, from: number, to: number, line: number, count: number): void => {
    if (count !== h.width) {
      problem(line, '(row)', shortOrLong(count, h.width), text.slice(from, to));
      return;
    }
    const q = h.quantity;
    const quantity = fieldDoubled[q] === 1 ? field(text, q) : text;
    const quantityFrom = fieldDoubled[q] === 1 ? 0 : fieldStarts[q]!;
    const quantityTo = fieldDoubled[q] === 1 ? quantity.length : fieldEnds[q]!;
    takeRow(
      line,
      field(text, h.item).trim(),
      field(text, h.itemInternalId),
      field(text, h.location),
      quantity,
      quantityFrom,
      quantityTo,
      text,
      from,
      to,
    );
  };

  // The hot path: a line without quotes, text[from, to), cut at its commas in place.
  const takePlainLine = (h: Header, text: string, from: number, to: number, line: number): void => {
    const width = h.width;
    let count = 0;
    for (let at = from; ; ) {
      let comma = text.indexOf(',', at);
      if (comma === -1 || comma > to) comma = to;
      if (count <= width) {
        fieldStarts[count] = at;
        fieldEnds[count] = comma;
        fieldDoubled[count] = 0;
      }
      count++;
      if (comma === to) break;
      at = comma + 1;
    }
    takeMarkedLine(h, text, from, to, line, count);
  };

  // The second fast path, for a line with quotes that closes on itself: fields that are either unquoted and free of
  // quotes, or quoted whole (`"1,234"`, `"Pipe, 12"" long"`) and followed by a comma or the line's end, which is the
  // strict CSV that every reader agrees on. Anything else (a quote inside an unquoted field, text after a closing
  // quote) returns false and goes to csv-parse, whose relaxed rules decide it.
  const takeStrictQuotedLine = (h: Header, text: string, from: number, to: number, line: number): boolean => {
    const width = h.width;
    let count = 0;
    for (let at = from; ; ) {
      let start: number;
      let end: number;
      let next: number;
      let doubled = 0;
      if (at < to && text.charCodeAt(at) === 34) {
        start = at + 1;
        let close = text.indexOf('"', start);
        while (close !== -1 && close + 1 < to && text.charCodeAt(close + 1) === 34) {
          doubled = 1;
          close = text.indexOf('"', close + 2);
        }
        if (close === -1 || close >= to) return false;
        end = close;
        next = close + 1;
        if (next < to && text.charCodeAt(next) !== 44) return false;
      } else {
        let comma = text.indexOf(',', at);
        if (comma === -1 || comma > to) comma = to;
        const quote = text.indexOf('"', at);
        if (quote !== -1 && quote < comma) return false;
        start = at;
        end = comma;
        next = comma;
      }
      if (count <= width) {
        fieldStarts[count] = start;
        fieldEnds[count] = end;
        fieldDoubled[count] = doubled;
      }
      count++;
      if (next >= to) break;
      at = next + 1;
    }
    takeMarkedLine(h, text, from, to, line, count);
    return true;
  };

  // Single-line quoted records waiting for csv-parse, in file order.
  let batch: string[] = [];
  let batchLines: number[] = [];
  const parseOne = (text: string): E.Either<string, ReadonlyArray<string>> => {
    try {
      const records = parseCsv(text, CSV_OPTIONS) as string[][];
      return records.length === 1
        ? E.right(records[0]!)
        : E.left(`unreadable CSV: ${records.length} records where one was expected`);
    } catch (error) {
      return E.left(`unreadable CSV: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
  const takeQuoted = (text: string, line: number): void => {
    const fields = parseOne(text);
    if (E.isRight(fields)) takeFields(fields.right, line, text);
    else problem(line, '(row)', fields.left, text);
  };
  const flushBatch = (): void => {
    if (batch.length === 0) return;
    const texts = batch;
    const lines = batchLines;
    batch = [];
    batchLines = [];
    let records: string[][] | undefined;
    try {
      records = parseCsv(texts.join('\n'), CSV_OPTIONS) as string[][];
    } catch {
      records = undefined;
    }
    for (let i = 0; i < texts.length && failure === undefined; i++) {
      // Each text is one whole record (its quotes close on its line), so the batch parses to as many records; if
      // it ever did not, each record is read on its own.
      if (records !== undefined && records.length === texts.length) takeFields(records[i]!, lines[i]!, texts[i]!);
      else takeQuoted(texts[i]!, lines[i]!);
    }
  };

  // A record whose quoted field spans lines, while it is open.
  let recordLines: string[] = [];
  let recordLength = 0;
  let recordLine = 0;
  // Lines to read again (after a broken multi-line record), before the next line of the file.
  let replayTexts: string[] = [];
  let replayLines: number[] = [];
  let replayHead = 0;

  // A quoted field that opened and never properly closed: its first line is a problem; the lines after it are read
  // again as rows of their own.
  const breakRecord = (reason: string): void => {
    const lines = recordLines;
    const first = recordLine;
    recordLines = [];
    recordLength = 0;
    problem(first, '(row)', reason, lines[0]!);
    replayTexts = [...lines.slice(1), ...replayTexts.slice(replayHead)];
    replayLines = [...lines.slice(1).map((_, i) => first + 1 + i), ...replayLines.slice(replayHead)];
    replayHead = 0;
  };

  const closeRecord = (): void => {
    const text = recordLines.join('\n');
    const lineCount = recordLines.length;
    const fields = parseOne(text);
    const width = header!.width;
    if (E.isLeft(fields) || fields.right.length !== width) {
      const found = E.isLeft(fields) ? fields.left : `expected ${width} fields, found ${fields.right.length}`;
      breakRecord(
        `${found} in a quoted field spanning lines ${recordLine}-${recordLine + lineCount - 1}; those lines are read again as rows`,
      );
      return;
    }
    const line = recordLine;
    recordLines = [];
    recordLength = 0;
    takeFields(fields.right, line, text);
  };

  // One physical line, text[from, to) without its line break (nor `\r`), which is line `line` of the file.
  const takeLine = (text: string, from: number, to: number, line: number, hasQuote: boolean): void => {
    if (recordLines.length > 0) {
      const piece = text.slice(from, to);
      recordLines.push(piece);
      recordLength += piece.length + 1;
      if (!endsQuoted(text, from, to, true)) closeRecord();
      else if (recordLength > maxRecordLength)
        breakRecord(
          `unterminated quoted field: no closing quote within ${maxRecordLength} characters; the lines after it are read again as rows`,
        );
      return;
    }
    if (isBlankLine(text, from, to)) return;
    if (header === undefined) {
      takeHeader(text.slice(from, to));
      return;
    }
    if (!hasQuote) {
      flushBatch();
      if (failure === undefined) takePlainLine(header, text, from, to, line);
      return;
    }
    if (!endsQuoted(text, from, to, false)) {
      flushBatch();
      if (takeStrictQuotedLine(header, text, from, to, line)) return;
      batch.push(text.slice(from, to));
      batchLines.push(line);
      if (batch.length >= BATCH_RECORDS) flushBatch();
      return;
    }
    flushBatch();
    recordLines = [text.slice(from, to)];
    recordLength = to - from;
    recordLine = line;
  };

  const drainReplay = (): void => {
    while (replayHead < replayTexts.length && failure === undefined) {
      const text = replayTexts[replayHead]!;
      const at = replayLines[replayHead]!;
      replayHead++;
      takeLine(text, 0, text.length, at, text.includes('"'));
    }
    replayTexts = [];
    replayLines = [];
    replayHead = 0;
  };

  // A line over maxLineBytes: before the header, no header can be read (the file is held back: nothing after it
  // can be a row); after it, a problem of its row. A quoted field open at it ends there, its lines read again first.
  const takeTooLong = (at: number, bytes: number, start: string): void => {
    if (header === undefined && recordLines.length === 0) {
      failure = { _tag: 'ExportHeaderTooLong', file, line: at, limit: maxLineBytes };
      return;
    }
    while (recordLines.length > 0 && failure === undefined) {
      breakRecord(
        `unterminated quoted field: line ${at} after it is over ${maxLineBytes} bytes long; the lines after it are read again as rows`,
      );
      drainReplay();
    }
    if (failure !== undefined) return;
    flushBatch();
    if (failure === undefined)
      problem(at, '(row)', `line too long: ${bytes} bytes, more than the ${maxLineBytes} allowed`, start);
  };
  // A line of fewer characters than this is short enough whatever its characters (one takes at most 3 UTF-8 bytes).
  const surelyShort = Math.floor(maxLineBytes / 3);

  const decoder = new TextDecoder('utf-8', { fatal: true });
  // 64 KiB chunks: their text stays in V8's young generation, which frees it at once; megabyte strings would wait in
  // the large-object space for a full collection and add a hundred megabytes to the peak (measured).
  const source = createReadStream(path, { highWaterMark: 1 << 16 });
  let line = 0; // lines read whole so far
  let bytesRead = 0;
  // The start of a line that goes on in the next chunk: its pieces (dropped once the line is over maxLineBytes, so
  // that a file without line breaks is read past, never held nor scanned twice), its bytes, its first characters.
  let carry: string[] = [];
  let carryBytes = 0;
  let carryTooLong = false;
  let carryStart = '';
  const encodingInvalid = (at: number, reason: string): E.Either<ExportFileError, ParsedExport> =>
    E.left({ _tag: 'ExportEncodingInvalid', file, line: at, reason });

  const carryOn = (text: string): void => {
    carryBytes += Buffer.byteLength(text, 'utf8');
    if (carryTooLong) return;
    carry.push(text);
    if (carryBytes > maxLineBytes) {
      carryTooLong = true;
      carryStart = carry.join('').slice(0, 201);
      carry = [];
      // No header yet: the file is held back now, unread beyond the limit.
      if (header === undefined && recordLines.length === 0) takeTooLong(line + 1, carryBytes, carryStart);
    }
  };

  // The lines of `data` that end in it; returns the unfinished rest.
  const takeLines = (data: string): string => {
    let start = 0;
    let quote = data.indexOf('"');
    for (let end = data.indexOf('\n'); end !== -1 && failure === undefined; end = data.indexOf('\n', start)) {
      line++;
      if (quote !== -1 && quote < start) quote = data.indexOf('"', start);
      const to = end > start && data.charCodeAt(end - 1) === 13 ? end - 1 : end;
      const bytes = to - start <= surelyShort ? 0 : Buffer.byteLength(data.slice(start, to), 'utf8');
      if (bytes > maxLineBytes) takeTooLong(line, bytes, data.slice(start, start + 201));
      else takeLine(data, start, to, line, quote !== -1 && quote < to);
      if (replayHead < replayTexts.length) drainReplay();
      start = end + 1;
    }
    return start === 0 ? data : data.slice(start);
  };

  // The text of one chunk: the line carried from the chunks before ends at its first line break, if it has one.
  const takeText = (text: string): void => {
    const first = text.indexOf('\n');
    if (first === -1) {
      carryOn(text);
      return;
    }
    let rest: string;
    if (carryTooLong) {
      line++;
      const head = text.slice(0, first > 0 && text.charCodeAt(first - 1) === 13 ? first - 1 : first);
      takeTooLong(line, carryBytes + Buffer.byteLength(head, 'utf8'), carryStart);
      carry = [];
      carryBytes = 0;
      carryTooLong = false;
      if (failure !== undefined) return;
      rest = takeLines(text.slice(first + 1));
    } else {
      // The carried line is read once, joined to the chunk that ends it.
      const data = carry.length === 0 ? text : carry.join('') + text;
      carry = [];
      carryBytes = 0;
      rest = takeLines(data);
    }
    if (rest !== '') carryOn(rest);
  };

  try {
    for await (const chunk of source as AsyncIterable<Buffer>) {
      if (
        bytesRead === 0 &&
        chunk.length >= 2 &&
        ((chunk[0] === 0xff && chunk[1] === 0xfe) || (chunk[0] === 0xfe && chunk[1] === 0xff))
      ) {
        return encodingInvalid(1, 'the file is UTF-16 (it starts with a UTF-16 byte order mark); export it as UTF-8');
      }
      bytesRead += chunk.length;
      // The file grew after its size was checked: still refused.
      if (bytesRead > maxBytes) return E.left({ _tag: 'ExportTooLarge', file, bytes: bytesRead, limit: maxBytes });
      let text: string;
      try {
        text = decoder.decode(chunk, { stream: true });
      } catch {
        // One invalid byte holds back the whole file: a file in another encoding has every name in it wrong, and
        // perhaps its numbers too.
        const at = invalidUtf8At(chunk);
        return encodingInvalid(
          line + 1 + lineBreaksBefore(chunk, at === -1 ? 0 : at),
          'the file is not valid UTF-8 (export it as UTF-8)',
        );
      }
      takeText(text);
      if (failure !== undefined) return E.left(failure);
    }
    try {
      carryOn(decoder.decode());
    } catch {
      return encodingInvalid(line + 1, 'the file ends inside a UTF-8 character (truncated, or not UTF-8)');
    }
    // The last line, when the file does not end with a line break.
    if (carryTooLong) {
      line++;
      atEnd = true;
      takeTooLong(line, carryBytes, carryStart);
      atEnd = false;
    } else if (carry.length > 0 && failure === undefined) {
      const last = carry.join('');
      carry = [];
      if (last !== '') {
        atEnd = true;
        line++;
        const to = last.charCodeAt(last.length - 1) === 13 ? last.length - 1 : last.length;
        takeLine(last, 0, to, line, last.includes('"'));
        atEnd = false;
        drainReplay();
      }
    }
    // The file ends inside a quoted field: a truncated last row. Everything before it stands; lines after its start
    // are read again.
    while (recordLines.length > 0 && failure === undefined) {
      breakRecord('truncated row: the file ends inside a quoted field');
      drainReplay();
    }
    if (failure === undefined) flushBatch();
  } catch (cause) {
    return E.left(unreadable(file, cause));
  }
  if (failure !== undefined) return E.left(failure);
  if (header === undefined) return E.left({ _tag: 'ExportEmpty', file });
  if (rowsRead === 0) return E.left({ _tag: 'ExportHeaderOnly', file });
  return E.right({ rows: rows.build(), problems, rowsRead });
};

/**
 * Reads NetSuite inventory exports, streaming 64 KiB at a time: lines of strict CSV, quoted or not, are cut in place;
 * csv-parse reads the rest (quotes inside fields, fields spanning lines). UTF-8 only: a BOM is dropped, and any byte
 * that is not UTF-8 holds the whole file back (`ExportEncodingInvalid`, with its line). CRLF or LF; quoted fields
 * with commas, doubled quotes and line breaks (a row's `line` is where it starts); blank lines anywhere. The header
 * is the first non-blank line, matched by the contract's rule (`resolveExportHeader`: trimmed, an exact match wins,
 * else one ignoring case, a required name found twice holds the file back); extra columns are ignored, order is free. Ids are
 * taken as they are (never trimmed) and must be domain `Identifier`s; quantities are read exactly (`parseQuantity`). Each data row becomes a
 * row or a `RowProblem` naming its line, field (the column, or `(row)` for its shape) and reason; duplicates are
 * left to the reset diff.
 */
export const netsuiteExportReader = (settings: NetsuiteExportReaderSettings = {}): InventoryExportReader => ({
  readExport:
    (path, fileName, options): TaskEither<ExportFileError, ParsedExport> =>
    () =>
      readFile(path, fileName, options, settings.maxRecordLength ?? DEFAULT_MAX_RECORD_LENGTH).catch((cause: unknown) =>
        E.left(unreadable(fileName, cause)),
      ),
});
