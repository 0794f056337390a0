import type { TaskEither } from 'fp-ts/lib/TaskEither.js';
import type { ExportRowObject, ExportRows } from './columnar.ts';

export type { ExportRows } from './columnar.ts';
import { NETSUITE_EXPORT_COLUMNS } from '../domain/netsuite-export-contract.ts';

/**
 * Which CSV column holds what. The default is the contract of HotWax's saved search for this job (and of the
 * SuiteScripts in src/suitescript): `Item,externalFacilityId,availableQty,idValue`.
 */
export interface ExportColumns {
  /** The NetSuite item id (name/number) as printed; kept for reports. */
  readonly item: string;
  /** The NetSuite location internal id. */
  readonly location: string;
  /** The quantity: NetSuite's location quantity *available*. */
  readonly quantity: string;
  /** The NetSuite item internal id, which the OMS knows products by. */
  readonly itemInternalId: string;
}

/** The default column mapping: the NetSuite export contract, shared with the SuiteScripts (src/domain/netsuite-export-contract.ts). */
export const DEFAULT_EXPORT_COLUMNS: ExportColumns = NETSUITE_EXPORT_COLUMNS;

/** One decoded row of an export. `line` is the 1-based physical line of the file where the row starts. */
export type ExportRow = ExportRowObject;

/** A row that could not be decoded: where, which field, why. `raw` is the row's text, cut to 200 characters. */
export interface RowProblem {
  readonly line: number;
  readonly field: string;
  readonly reason: string;
  readonly raw: string;
}

/**
 * The decoded content of one export file. Every data row is in exactly one of `rows` and the problems (`problems`,
 * or those handed to `onProblem`). The rows are a columnar table (`exportRowsToArray` turns them into objects).
 */
export interface ParsedExport {
  readonly rows: ExportRows;
  /** The problems, in file order; empty when they went to `ExportReadOptions.onProblem`. */
  readonly problems: ReadonlyArray<RowProblem>;
  /** Data rows read (header and blank lines excluded). */
  readonly rowsRead: number;
}

/** A file that cannot be read as an export at all; nothing of it may be applied. */
export type ExportFileError =
  | { readonly _tag: 'ExportEmpty'; readonly file: string }
  | { readonly _tag: 'ExportHeaderOnly'; readonly file: string }
  | {
      readonly _tag: 'ExportMissingColumns';
      readonly file: string;
      readonly missing: ReadonlyArray<string>;
      readonly found: ReadonlyArray<string>;
    }
  | { readonly _tag: 'ExportEncodingInvalid'; readonly file: string; readonly line: number; readonly reason: string }
  | { readonly _tag: 'ExportTooLarge'; readonly file: string; readonly bytes: number; readonly limit: number }
  | {
      // The header line (the first non-blank one) is longer than `maxLineBytes`: no header, so no row can be read
      // (and the rest of the file is not).
      readonly _tag: 'ExportHeaderTooLong';
      readonly file: string;
      readonly line: number;
      readonly limit: number;
    }
  | { readonly _tag: 'ExportUnreadable'; readonly file: string; readonly reason: string; readonly cause?: unknown };

/** The longest line an export may have by default (bytes, line break excluded): 64 KiB. */
export const DEFAULT_MAX_LINE_BYTES = 64 * 1024;

/**
 * Reading options: the column mapping, the largest file accepted (bytes), the longest line (bytes; a longer line is
 * a problem of its row, read past without being held; default `DEFAULT_MAX_LINE_BYTES`), and where the problems go:
 * to `onProblem` one by one as they are found, in file order, when it is given (then `ParsedExport.problems` stays
 * empty and memory does not grow with them), else into `ParsedExport.problems`.
 */
export interface ExportReadOptions {
  readonly columns: ExportColumns;
  readonly maxBytes: number;
  readonly maxLineBytes?: number;
  readonly onProblem?: (problem: RowProblem) => void;
  /**
   * A check of each row that passed the reader's own (`item` is the trimmed item name): the field and reason it is
   * refused for (a problem of its row, as the reader's), or null to take it. The import refuses unknown items and
   * locations here, so their rows never enter the table.
   */
  readonly refuseRow?: (itemInternalId: string, location: string, item: string) => RowRefusal | null;
  /** False: the table keeps no item names (`ExportRows.item` answers ''); the import needs the ids only. */
  readonly itemNames?: boolean;
}

/** Why `ExportReadOptions.refuseRow` refuses a row. */
export interface RowRefusal {
  readonly field: string;
  readonly reason: string;
}

/** Reads a NetSuite inventory export from a local file, streaming it (the file is never held whole in memory). */
export interface InventoryExportReader {
  readonly readExport: (
    path: string,
    fileName: string,
    options: ExportReadOptions,
  ) => TaskEither<ExportFileError, ParsedExport>;
}
