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
 * The decoded content of one export file. Every data row is in exactly one of `rows` and `problems`. The rows are a
 * columnar table (`exportRowsToArray` turns them into objects).
 */
export interface ParsedExport {
  readonly rows: ExportRows;
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
  | { readonly _tag: 'ExportUnreadable'; readonly file: string; readonly reason: string; readonly cause?: unknown };

/** Reading options: the column mapping, and the largest file accepted (bytes). */
export interface ExportReadOptions {
  readonly columns: ExportColumns;
  readonly maxBytes: number;
}

/** Reads a NetSuite inventory export from a local file, streaming it (the file is never held whole in memory). */
export interface InventoryExportReader {
  readonly readExport: (
    path: string,
    fileName: string,
    options: ExportReadOptions,
  ) => TaskEither<ExportFileError, ParsedExport>;
}
