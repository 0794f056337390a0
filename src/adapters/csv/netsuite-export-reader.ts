import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Transform } from 'node:stream';
import { parse, type CsvError, type Info } from 'csv-parse';
import * as E from 'fp-ts/lib/Either.js';
import type { TaskEither } from 'fp-ts/lib/TaskEither.js';
import type { ExportColumns, ExportFileError, ExportRow, InventoryExportReader, ParsedExport, RowProblem } from '../../application/inventory-export.ts';
import { isIdentifier, MAX_QUANTITY, QUANTITY_DECIMALS } from '../../domain/index.ts';

// A quantity as NetSuite prints it: digits, optionally grouped by thousands with commas, optionally a decimal part.
// No sign (a negative is reported as such), no exponent, no currency, no parentheses.
const NUMBER = /^(\d{1,3}(,\d{3})+|\d+)(\.(\d+))?$/;

/** Reads one quantity field: the number, or why it is not a usable quantity. */
export const parseQuantity = (text: string): E.Either<string, number> => {
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

const countNewlines = (fields: ReadonlyArray<string>): number => {
  let n = 0;
  for (const f of fields) for (let i = f.indexOf('\n'); i !== -1; i = f.indexOf('\n', i + 1)) n++;
  return n;
};

const decodeRow = (fields: ReadonlyArray<string>, line: number, header: Header, columns: ExportColumns): ExportRow | RowProblem => {
  const raw = cut(fields.join(','));
  if (fields.length !== header.width) {
    return { line, field: '(row)', reason: `expected ${header.width} fields, found ${fields.length}${fields.length < header.width ? ' (a truncated or short row)' : ''}`, raw };
  }
  const itemInternalId = fields[header.itemInternalId]!.trim();
  if (!isIdentifier(itemInternalId)) return { line, field: columns.itemInternalId, reason: itemInternalId === '' ? 'empty item internal id' : 'item internal id is not a usable id', raw };
  const location = fields[header.location]!.trim();
  if (!isIdentifier(location)) return { line, field: columns.location, reason: location === '' ? 'empty location' : 'location is not a usable id', raw };
  const quantity = parseQuantity(fields[header.quantity]!);
  if (E.isLeft(quantity)) return { line, field: columns.quantity, reason: quantity.left, raw };
  return { line, item: fields[header.item]!.trim(), itemInternalId, location, quantity: quantity.right };
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

  const rows: ExportRow[] = [];
  const problems: RowProblem[] = [];
  let header: Header | undefined;
  let missing: E.Either<ReadonlyArray<string>, Header> | undefined;
  let headerFields: ReadonlyArray<string> = [];
  let rowsRead = 0;
  const skipped = (error: CsvError | undefined, raw: string | undefined): undefined => {
    // A record the parser cannot read (a stray quote): reported, and parsing goes on with the next one.
    const lines = Number((error as { lines?: number } | undefined)?.lines ?? 0);
    rowsRead++;
    const reason = error?.code === 'CSV_QUOTE_NOT_CLOSED' ? 'truncated row: the file ends inside a quoted field' : `unreadable CSV: ${error?.message ?? 'malformed record'}`;
    problems.push({ line: lines, field: '(row)', reason, raw: cut(raw ?? '') });
    return undefined;
  };
  const parser = parse({ relax_column_count: true, relax_quotes: true, skip_empty_lines: true, info: true, skip_records_with_error: true, on_skip: skipped });
  const source = createReadStream(path, { highWaterMark: 1 << 20 });
  const text = utf8Text();
  source.on('error', (error) => parser.destroy(error));
  text.on('error', (error) => parser.destroy(error));
  source.pipe(text).pipe(parser);
  try {
    for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: Info }>) {
      if (isBlank(record)) continue;
      if (header === undefined) {
        if (missing === undefined) {
          headerFields = record.map((f) => f.trim());
          missing = readHeader(record, columns);
          if (E.isLeft(missing)) break;
          header = missing.right;
        }
        continue;
      }
      rowsRead++;
      const line = info.lines - countNewlines(record);
      const decoded = decodeRow(record, line, header, columns);
      if ('quantity' in decoded) rows.push(decoded);
      else problems.push(decoded);
    }
  } catch (error) {
    source.destroy();
    if (error instanceof EncodingError) return E.left({ _tag: 'ExportEncodingInvalid', file: fileName, line: error.line, reason: error.message });
    const code = (error as { code?: string }).code;
    if (code === 'CSV_QUOTE_NOT_CLOSED') {
      // The file ends inside a quoted field: a truncated last row. Everything before it stands.
      const lines = Number((error as { lines?: number }).lines ?? 0);
      rowsRead++;
      problems.push({ line: lines, field: '(row)', reason: 'truncated row: the file ends inside a quoted field', raw: '' });
    } else {
      return E.left({ _tag: 'ExportUnreadable', file: fileName, reason: error instanceof Error ? error.message : String(error), cause: error });
    }
  }
  source.destroy();
  if (missing === undefined) return E.left({ _tag: 'ExportEmpty', file: fileName });
  if (E.isLeft(missing)) return E.left({ _tag: 'ExportMissingColumns', file: fileName, missing: missing.left, found: headerFields });
  if (rowsRead === 0) return E.left({ _tag: 'ExportHeaderOnly', file: fileName });
  return E.right({ rows, problems: problems.toSorted((a, b) => a.line - b.line), rowsRead });
};

/**
 * Reads NetSuite inventory exports with csv-parse, streaming: UTF-8 (a BOM is dropped; any invalid byte holds the
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
