import { createReadStream } from 'node:fs';
import { parse, type Info } from 'csv-parse';
import * as E from 'fp-ts/lib/Either.js';
import type * as TE from 'fp-ts/lib/TaskEither.js';
import type { SetupFault } from '../../application/oms-setup.ts';

/** One record of a setup file: its line (the header is line 1) and its cells by column name. */
export interface SetupCsvRecord {
  readonly line: number;
  readonly cells: Readonly<Record<string, string>>;
}

/** Why a setup file gave no records: it could not be read, or its header or rows are not what the columns say. */
export type SetupCsvError =
  | { readonly _tag: 'SetupFileUnreadable'; readonly file: string; readonly reason: string }
  | { readonly _tag: 'SetupFileInvalid'; readonly file: string; readonly faults: ReadonlyArray<SetupFault> };

/** The columns of a setup file: the ones it must have and the ones it may have, in any order. */
export interface SetupColumns {
  readonly required: ReadonlyArray<string>;
  readonly optional: ReadonlyArray<string>;
}

// csv-parse as the NetSuite reader sets it up (relax_quotes: a quote inside an unquoted field is a character;
// relax_column_count: a short or long row is that row's fault), plus a byte order mark dropped, cells trimmed and
// blank lines skipped: these files are written by hand or by a spreadsheet.
const OPTIONS = {
  bom: true,
  relax_quotes: true,
  relax_column_count: true,
  skip_empty_lines: true,
  trim: true,
  info: true,
} as const;

/**
 * The records of a setup CSV file (facilities, products), read as a stream; every fault of the header and of each
 * row (a cell count other than the header's) is collected, with its line and field, and answered together.
 */
export const readSetupCsv =
  (file: string, columns: SetupColumns): TE.TaskEither<SetupCsvError, ReadonlyArray<SetupCsvRecord>> =>
  async () => {
    const faults: SetupFault[] = [];
    const records: SetupCsvRecord[] = [];
    let header: ReadonlyArray<string> | null = null;
    const source = createReadStream(file);
    const parser = parse(OPTIONS);
    // `pipe` does not pass a read error on: the parser fails with it, and the loop below with the parser.
    source.on('error', (error) => parser.destroy(error));
    try {
      source.pipe(parser);
      for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: Info }>) {
        if (header === null) {
          header = record;
          const known = new Set([...columns.required, ...columns.optional]);
          const all = `columns: ${[...columns.required, ...columns.optional].join(', ')}`;
          for (const name of record)
            if (!known.has(name)) faults.push({ line: info.lines, field: name, reason: `unknown column (${all})` });
          for (const name of record.filter((n, i) => record.indexOf(n) !== i))
            faults.push({ line: info.lines, field: name, reason: 'column named twice' });
          for (const name of columns.required)
            if (!record.includes(name))
              faults.push({ line: info.lines, field: name, reason: `missing column (${all})` });
          continue;
        }
        if (record.length !== header.length) {
          faults.push({
            line: info.lines,
            field: '',
            reason: `${record.length} cells, the header has ${header.length} (${header.join(',')})`,
          });
          continue;
        }
        const cells: Record<string, string> = {};
        header.forEach((name, i) => {
          cells[name] = record[i]!;
        });
        records.push({ line: info.lines, cells });
      }
    } catch (error) {
      source.destroy();
      return E.left({
        _tag: 'SetupFileUnreadable',
        file,
        reason: error instanceof Error ? error.message : String(error),
      });
    }
    if (header === null)
      faults.push({ line: 1, field: '', reason: `no header (columns: ${columns.required.join(', ')})` });
    return faults.length > 0 ? E.left({ _tag: 'SetupFileInvalid', file, faults }) : E.right(records);
  };
