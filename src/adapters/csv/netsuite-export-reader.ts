import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Transform } from 'node:stream';
import { parse as parseSync } from 'csv-parse/sync';
import * as E from 'fp-ts/lib/Either.js';
import type { TaskEither } from 'fp-ts/lib/TaskEither.js';
import { exportRowsBuilder } from '../../application/columnar.ts';
import type { ExportColumns, ExportFileError, ExportRow, InventoryExportReader, ParsedExport, RowProblem } from '../../application/inventory-export.ts';
import { isIdentifier, MAX_QUANTITY, QUANTITY_DECIMALS } from '../../domain/index.ts';

// A quantity as NetSuite prints it: digits, optionally grouped by thousands with commas, optionally a decimal part.
// No sign (a negative is reported as such), no exponent, no currency, no parentheses.
const NUMBER = /^(\d{1,3}(,\d{3})+|\d+)(\.(\d+))?$/;
const PLAIN_DIGITS = /^\d+$/;

/** Reads one quantity field: the number, or why it is not a usable quantity. */
export const parseQuantity = (text: string): E.Either<string, number> => {
  // The common case, a short run of plain digits, without the regular expression.
  if (text.length > 0 && text.length < 10 && PLAIN_DIGITS.test(text)) return E.right(Number(text));
  const trimmed = text.trim();
  if (trimmed === '') return E.left('empty quantity');
  const negative = trimmed.startsWith('-');
  const digits = negative || trimmed.startsWith('+') ? trimmed.slice(1).trim() : trimmed;
  const match = NUMBER.exec(digits);
  if (match === null) return E.left(`not a number: '${text}'`);
  if (negative && Number(digits.replace(/,/g, '')) !== 0) return E.left(`negative quantity: '${text}'`);
  if ((match[4]?.length ?? 0) > QUANTITY_DECIMALS) return E.left(`more than ${QUANTITY_DECIMALS} decimals: '${text}'`);
  const value = Number(digits.replace(/,/g, ''));
  if (value > MAX_QUANTITY) return E.left(`absurd quantity (over ${MAX_QUANTITY}): '${text}'`);
  return E.right(value);
};

const cut = (text: string): string => (text.length > 200 ? `${text.slice(0, 197)}...` : text);

/** Raised inside the stream when the bytes are not UTF-8; turned into `ExportEncodingInvalid`. */
class EncodingError extends Error {
  readonly line: number;
  constructor(line: number, reason: string) {
    super(reason);
    this.line = line;
  }
}

// Bytes to text with a fatal UTF-8 decoder: one invalid byte stops the file (a wrong encoding means every value in
// it is suspect). The decoder drops a leading BOM. Counts lines so that the error can say where.
const utf8Text = (): Transform => {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let lines = 1;
  const countLines = (text: string) => {
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) lines++;
  };
  const fail = (chunk: Uint8Array): EncodingError => {
    const lenient = new TextDecoder('utf-8').decode(chunk);
    const at = lenient.indexOf('\uFFFD');
    countLines(lenient.slice(0, Math.max(0, at)));
    return new EncodingError(lines, 'the file is not valid UTF-8 (export it as UTF-8)');
  };
  return new Transform({
    readableObjectMode: false,
    decodeStrings: true,
    transform(chunk: Buffer, _encoding, done) {
      try {
        const text = decoder.decode(chunk, { stream: true });
        countLines(text);
        done(null, text);
      } catch {
        done(fail(chunk));
      }
    },
    flush(done) {
      try {
        const text = decoder.decode();
        done(null, text);
      } catch {
        done(new EncodingError(lines, 'the file ends inside a UTF-8 character (truncated, or not UTF-8)'));
      }
    },
  });
};

interface Header {
  readonly item: number;
  readonly location: number;
  readonly quantity: number;
  readonly itemInternalId: number;
  readonly width: number;
}

// Header names match after trimming, ignoring case (saved-search labels are edited by hand).
const readHeader = (fields: ReadonlyArray<string>, columns: ExportColumns): E.Either<ReadonlyArray<string>, Header> => {
  const names = fields.map((f) => f.trim().toLowerCase());
  const find = (name: string) => names.indexOf(name.trim().toLowerCase());
  const wanted = [columns.item, columns.location, columns.quantity, columns.itemInternalId];
  const missing = wanted.filter((name) => find(name) === -1);
  return missing.length > 0
    ? E.left(missing)
    : E.right({ item: find(columns.item), location: find(columns.location), quantity: find(columns.quantity), itemInternalId: find(columns.itemInternalId), width: fields.length });
};

const isBlank = (fields: ReadonlyArray<string>): boolean => fields.every((f) => f.trim() === '');

const decodeRow = (
  fields: ReadonlyArray<string>,
  line: number,
  header: Header,
  columns: ExportColumns,
): ExportRow | RowProblem => {
  const problem = (field: string, reason: string): RowProblem => ({ line, field, reason, raw: cut(fields.join(',')) });
  if (fields.length !== header.width) {
    return problem('(row)', `expected ${header.width} fields, found ${fields.length}${fields.length < header.width ? ' (a truncated or short row)' : ''}`);
  }
  const itemInternalId = fields[header.itemInternalId]!.trim();
  if (!isIdentifier(itemInternalId)) return problem(columns.itemInternalId, itemInternalId === '' ? 'empty item internal id' : 'item internal id is not a usable id');
  const location = fields[header.location]!.trim();
  if (!isIdentifier(location)) return problem(columns.location, location === '' ? 'empty location' : 'location is not a usable id');
  const quantity = parseQuantity(fields[header.quantity]!);
  if (E.isLeft(quantity)) return problem(columns.quantity, quantity.left);
  return { line, item: fields[header.item]!.trim(), itemInternalId, location, quantity: quantity.right };
};

// True when `text` (one or more physical lines) ends outside a quoted field, i.e. holds whole records. A quote opens a
// quoted field only at the start of a field; inside one, a doubled quote is a literal quote and a single one closes
// it. A quote anywhere else is a literal character (csv-parse's relax_quotes), so a stray quote never swallows the
// lines after it.
const closesRecord = (text: string): boolean => {
  let quoted = false;
  let fieldStart = true;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (quoted) {
      if (c === 34) {
        if (text.charCodeAt(i + 1) === 34) i++;
        else quoted = false;
      }
    } else if (c === 34 && fieldStart) {
      quoted = true;
      fieldStart = false;
    } else {
      fieldStart = c === 44 || c === 10;
    }
  }
  return !quoted;
};

// One record's fields: a plain split for a line without quotes (almost every line NetSuite writes), csv-parse for a
// record with quoted fields, with the same options as a whole-file parse would use.
const recordFields = (text: string): E.Either<string, ReadonlyArray<string>> => {
  if (!text.includes('"')) return E.right(text.split(','));
  try {
    const records = parseSync(text, { relax_quotes: true, relax_column_count: true, record_delimiter: ['\r\n', '\n'] }) as string[][];
    return records.length === 1 ? E.right(records[0]!) : E.left(`unreadable CSV: ${records.length} records where one was expected`);
  } catch (error) {
    return E.left(`unreadable CSV: ${error instanceof Error ? error.message : String(error)}`);
  }
};

const readFile = async (path: string, fileName: string, columns: ExportColumns, maxBytes: number): Promise<E.Either<ExportFileError, ParsedExport>> => {
  let size: number;
  try {
    size = (await stat(path)).size;
  } catch (cause) {
    return E.left({ _tag: 'ExportUnreadable', file: fileName, reason: cause instanceof Error ? cause.message : String(cause), cause });
  }
  // Refused before a byte is read: a 2 GB "export" is a broken one, and reading it would only cost time and memory.
  if (size > maxBytes) return E.left({ _tag: 'ExportTooLarge', file: fileName, bytes: size, limit: maxBytes });

  const rows = exportRowsBuilder();
  const problems: RowProblem[] = [];
  let header: Header | undefined;
  let missing: E.Either<ReadonlyArray<string>, Header> | undefined;
  let headerFields: ReadonlyArray<string> = [];
  let rowsRead = 0;
  let line = 0; // physical lines read so far
  let record = ''; // a quoted record spanning lines, while it is open
  let recordLine = 0;

  const takeRecord = (text: string, startLine: number): void => {
    const fields = recordFields(text);
    if (header === undefined) {
      if (E.isLeft(fields) || isBlank(fields.right)) return;
      headerFields = fields.right.map((f) => f.trim());
      missing = readHeader(fields.right, columns);
      if (E.isRight(missing)) header = missing.right;
      return;
    }
    rowsRead++;
    if (E.isLeft(fields)) {
      problems.push({ line: startLine, field: '(row)', reason: fields.left, raw: cut(text) });
      return;
    }
    const decoded = decodeRow(fields.right, startLine, header, columns);
    if ('quantity' in decoded) rows.add(decoded);
    else problems.push(decoded);
  };

  const takeLine = (raw: string): void => {
    line++;
    const text = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (record !== '') {
      record += `\n${text}`;
      if (closesRecord(record)) {
        takeRecord(record, recordLine);
        record = '';
      }
      return;
    }
    if (text.trim() === '') return;
    if (text.includes('"') && !closesRecord(text)) {
      record = text;
      recordLine = line;
      return;
    }
    takeRecord(text, line);
  };

  // 64 KiB chunks: their text stays in V8's young generation, which frees it at once; megabyte strings would wait in
  // the large-object space for a full collection and add a hundred megabytes to the peak (measured).
  const source = createReadStream(path, { highWaterMark: 1 << 16 });
  const text = utf8Text();
  source.on('error', (error) => text.destroy(error));
  source.pipe(text);
  let rest = '';
  try {
    for await (const chunk of text as AsyncIterable<Buffer | string>) {
      const data = rest + chunk.toString();
      let start = 0;
      for (let end = data.indexOf('\n'); end !== -1; end = data.indexOf('\n', start)) {
        takeLine(data.slice(start, end));
        start = end + 1;
        if (missing !== undefined && E.isLeft(missing)) break;
      }
      if (missing !== undefined && E.isLeft(missing)) break;
      rest = data.slice(start);
    }
  } catch (error) {
    source.destroy();
    if (error instanceof EncodingError) return E.left({ _tag: 'ExportEncodingInvalid', file: fileName, line: error.line, reason: error.message });
    return E.left({ _tag: 'ExportUnreadable', file: fileName, reason: error instanceof Error ? error.message : String(error), cause: error });
  }
  source.destroy();
  if (missing === undefined || E.isRight(missing)) {
    // The last line, when the file does not end with a line break.
    if (rest !== '') takeLine(rest);
    if (record !== '') {
      // The file ends inside a quoted field: a truncated last row. Everything before it stands.
      rowsRead++;
      problems.push({ line: recordLine, field: '(row)', reason: 'truncated row: the file ends inside a quoted field', raw: cut(record) });
    }
  }
  if (missing === undefined) return E.left({ _tag: 'ExportEmpty', file: fileName });
  if (E.isLeft(missing)) return E.left({ _tag: 'ExportMissingColumns', file: fileName, missing: missing.left, found: headerFields });
  if (rowsRead === 0) return E.left({ _tag: 'ExportHeaderOnly', file: fileName });
  return E.right({ rows: rows.build(), problems: problems.toSorted((a, b) => a.line - b.line), rowsRead });
};

/**
 * Reads NetSuite inventory exports, streaming (line by line; csv-parse reads every record with a quoted field): UTF-8 (a BOM is dropped; any invalid byte holds the
 * file back), CRLF or LF, quoted fields with commas, quotes and line breaks, blank lines anywhere, header names
 * matched trimmed and case-insensitively, extra columns ignored. Each data row becomes an `ExportRow` or a
 * `RowProblem` naming its line (where the row starts), field and reason.
 */
export const netsuiteExportReader = (): InventoryExportReader => ({
  readExport: (path, fileName, options): TaskEither<ExportFileError, ParsedExport> => () =>
    readFile(path, fileName, options.columns, options.maxBytes).catch((cause: unknown) =>
      E.left({ _tag: 'ExportUnreadable', file: fileName, reason: cause instanceof Error ? cause.message : String(cause), cause }),
    ),
});
