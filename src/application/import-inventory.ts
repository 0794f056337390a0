import * as A from 'fp-ts/lib/ReadonlyArray.js';
import * as E from 'fp-ts/lib/Either.js';
import { pipe } from 'fp-ts/lib/function.js';
import type * as RTE from 'fp-ts/lib/ReaderTaskEither.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import { lazily } from './lazily.ts';
import {
  planInventoryResetTable,
  type ResetMethod,
  type SnapshotColumns,
  type SnapshotRejection,
  type StockColumns,
} from '../domain/index.ts';
import { rowIndices, type StockTable } from './columnar.ts';
import type { Clock } from './clock.ts';
import { failureReason, type FileDefect, settled, stopping } from './file-failure.ts';
import { fitName, nameDigest, withSuffix } from './file-name-limit.ts';
import type { FileStore, FileStoreError, InboxUpkeep, LocalCopy, StoredFile } from './file-store.ts';
import {
  DEFAULT_EXPORT_COLUMNS,
  DEFAULT_MAX_LINE_BYTES,
  type ExportColumns,
  type ExportFileError,
  type InventoryExportReader,
  type ParsedExport,
  type RowProblem,
  type RowRefusal,
} from './inventory-export.ts';
import type { ImportCounts, InventoryStore } from './inventory-store.ts';
import {
  allRejections,
  errorReport,
  errorReportPieces,
  fromIterable,
  noRejections,
  REJECTED_ROWS_SAMPLE,
  type Rejections,
  type RowSpool,
  type RowSpools,
} from './rejected-rows.ts';

export { errorReport } from './rejected-rows.ts';
import type { StoreError } from './store-error.ts';
import { DEFAULT_LEASE_MS, leaseLostReason, withLease, type JobLease, type LeaseLost } from './job-lease.ts';
import { stopsWhenAborted } from './store.ts';
import type { Progress } from './progress.ts';

/** The job's name, as the OMS configures it. */
export const RESET_INVENTORY = 'RESET_INVENTORY';

/** How the import behaves; `defaultImportConfig` has the documented defaults. */
export interface ImportConfig {
  readonly method: ResetMethod;
  readonly columns: ExportColumns;
  /**
   * Larger files are held back whole (`ExportTooLarge`); a file whose listed size is larger is held back before it is
   * downloaded.
   */
  readonly maxBytes: number;
  /**
   * A longer line (bytes, its line break excluded) is a rejected row, read past without being held (a longer header:
   * the file is held back).
   */
  readonly maxLineBytes: number;
  /** A file with a larger share of rejected rows is held back whole: most rows bad means a broken export. */
  readonly maxRejectedShare: number;
  /** Two listings this far apart must agree on a file's size and time, or the file is still being written. */
  readonly settleMs: number;
  /** How long this run's lease on the job lasts without renewal (renewed on a timer, every third of it). */
  readonly lockLeaseMs: number;
  /**
   * Where a file's name says when NetSuite exported it: a regular expression (its source) with the named groups
   * `year`, `month`, `day`, `hour`, `minute` and optionally `second`, read as UTC. The default reads the names the
   * export SuiteScript writes (`inventory-20261122T010000Z.csv`, parts too). See `exportTimeOf`.
   */
  readonly exportTimePattern: string;
  /** Names of this run and of the worker running it, for the history and the lock. */
  readonly runId: string;
  readonly owner: string;
}

/** The export time in the names the export SuiteScript writes (`exportTimestamp`): `20261122T010000Z`. */
export const DEFAULT_EXPORT_TIME_PATTERN =
  '(?<year>\\d{4})(?<month>\\d{2})(?<day>\\d{2})T(?<hour>\\d{2})(?<minute>\\d{2})(?<second>\\d{2})Z';

const TIME_GROUPS = ['year', 'month', 'day', 'hour', 'minute'] as const;

/** Why `source` is no export-time pattern (not a regular expression, or a required named group missing), or null. */
export const exportTimePatternProblem = (source: string): string | null => {
  let pattern: RegExp;
  try {
    pattern = new RegExp(source);
  } catch (error) {
    return `not a regular expression: ${error instanceof Error ? error.message : String(error)}`;
  }
  const missing = TIME_GROUPS.filter((g) => !new RegExp(`\\(\\?<${g}>`).test(pattern.source));
  return missing.length === 0 ? null : `the named group(s) ${missing.join(', ')} are missing`;
};

/**
 * The export time a file's name carries by `pattern` (see `ImportConfig.exportTimePattern`), as UTC; null when the
 * name has none, or names no real instant (month 13, February 30).
 */
export const exportTimeOf = (name: string, pattern: RegExp): Date | null => {
  const groups = pattern.exec(name)?.groups;
  if (groups === undefined) return null;
  const [year, month, day, hour, minute] = TIME_GROUPS.map((g) => Number(groups[g]));
  const second = groups.second === undefined ? 0 : Number(groups.second);
  const at = new Date(Date.UTC(year!, month! - 1, day!, hour!, minute!, second));
  const exact =
    at.getUTCFullYear() === year &&
    at.getUTCMonth() === month! - 1 &&
    at.getUTCDate() === day &&
    at.getUTCHours() === hour &&
    at.getUTCMinutes() === minute &&
    at.getUTCSeconds() === second;
  return exact ? at : null;
};

/** The defaults: exact ATP (the file is NetSuite's *available*), 1 GiB at most, hold back when over half is bad. */
export const defaultImportConfig = (runId: string, owner: string): ImportConfig => ({
  method: 'exact-atp',
  columns: DEFAULT_EXPORT_COLUMNS,
  maxBytes: 1024 ** 3,
  maxLineBytes: DEFAULT_MAX_LINE_BYTES,
  maxRejectedShare: 0.5,
  settleMs: 2_000,
  exportTimePattern: DEFAULT_EXPORT_TIME_PATTERN,
  lockLeaseMs: DEFAULT_LEASE_MS,
  runId,
  owner,
});

/** The folders of the file store the job uses, relative to its root (the inbox). */
export const ARCHIVE_FOLDER = 'archive';
export const ERROR_FOLDER = 'error';

// `<stem>.<first 8 hex digits of the SHA-256><extension>`: a name beside `name` that only these bytes take (fitted
// to the file system's limit, `fitName`).
const besideName = (name: string, sha256: string): string => {
  const dot = name.lastIndexOf('.');
  return fitName(
    dot > 0 ? `${name.slice(0, dot)}.${sha256.slice(0, 8)}${name.slice(dot)}` : `${name}.${sha256.slice(0, 8)}`,
  );
};

/**
 * The name a file is archived under: its own, or, when `archive/` holds that name already (an export seen before
 * under the same name, with other content), `<stem>.<first 8 hex digits of its SHA-256><extension>` beside it, so an
 * earlier export is never overwritten. The same file always gets the same name.
 */
export const archiveName = (name: string, sha256: string, archived: ReadonlySet<string>): string =>
  archived.has(name) ? besideName(name, sha256) : name;

/** The suffixes of the reports `error/<name>` gets: why a file was held back, and the rows that were rejected. */
export const HELD_BACK_REPORT = '.errors.csv';
export const REJECTED_ROWS_REPORT = '.rejected-rows.csv';

/**
 * The name of the report `suffix` of the file `error/<as>`: `<as><suffix>`, its start cut and a digest added when
 * that would pass the file system's limit of 255 bytes (`withSuffix`).
 */
export const reportName = (as: string, suffix: typeof HELD_BACK_REPORT | typeof REJECTED_ROWS_REPORT): string =>
  withSuffix(as, suffix);

/**
 * The name a file goes by in `error/` (the held-back file is `error/<it>`, its report `error/<it>.errors.csv`; an
 * applied file's rejected rows are `error/<it>.rejected-rows.csv`): its own, or, when `error/` holds that name or
 * its report already (an earlier file of the same name), the archive's `<stem>.<sha8>.csv` beside it, never over
 * it. `reportWritten`: the file was recorded as held back by a run that stopped before moving it, so its report is
 * in `error/` already, without the file: the file joins it.
 */
export const errorName = (
  name: string,
  sha256: string,
  inError: ReadonlySet<string>,
  report: typeof HELD_BACK_REPORT | typeof REJECTED_ROWS_REPORT,
  reportWritten = false,
): string => {
  const beside = besideName(name, sha256);
  const orphanReport = (n: string) => inError.has(reportName(n, report)) && !inError.has(n);
  if (reportWritten && orphanReport(beside)) return beside;
  if (reportWritten && orphanReport(name)) return name;
  return inError.has(name) || inError.has(reportName(name, report)) ? beside : name;
};

/** What became of one file in a run. */
export type FileOutcome =
  | 'applied' // rows applied (possibly with some rows rejected and reported)
  | 'held-back' // nothing applied; the file is in error/ with its report
  | 'already-imported' // imported by an earlier run that stopped before moving it; moved now
  | 'failed' // could not be processed (an exception, an unreadable file): nothing applied, in error/ with its report
  | 'passed-over' // not a file the job may take (a link, a name with a backslash): left where it is, reported
  | 'in-progress'; // still being written; left for the next run

/** One row that was not applied, with where and why. */
export interface RejectedRow {
  readonly line: number;
  readonly field: string;
  readonly reason: string;
}

/** The outcome of one file. */
export interface FileReport extends ImportCounts {
  readonly name: string;
  readonly outcome: FileOutcome;
  /** Why the whole file was held back, when it was. */
  readonly heldBackBecause?: string;
  /** The name in `archive/`, when it is not the file's own (that name was taken by an earlier export). */
  readonly archivedAs?: string;
  /**
   * The name the file goes by in `error/`, when it is not its own (an earlier file has it there): the held-back file
   * is `error/<errorAs>` and its report `error/<errorAs>.errors.csv`, rejected rows `error/<errorAs>.rejected-rows.csv`.
   */
  readonly errorAs?: string;
  /** When NetSuite exported the file, read off its name (`exportTimePattern`); absent when the name has none. */
  readonly exportedAt?: Date;
  /** Set when the name carries no export time: the file was taken in arrival order, unchecked against newer ones. */
  readonly snapshotOrder?: 'arrival';
  /** The first rejected rows by line (at most `REJECTED_ROWS_SAMPLE`); `rejected` counts them all, the error report lists them. */
  readonly rejectedRows: ReadonlyArray<RejectedRow>;
}

/** What the report of a run over an inbox (the import, the event feeds) starts with. */
export interface InboxRunReport {
  readonly runId: string;
  readonly startedAt: Date;
  readonly finishedAt: Date;
  readonly durationMs: number;
  /** False when another worker held the job: this run did nothing. */
  readonly lockAcquired: boolean;
  readonly filesSeen: number;
}

/** The report of one run. */
export interface ImportReport extends ImportCounts, InboxRunReport {
  readonly files: ReadonlyArray<FileReport>;
}

/** A failure that stops the run; what was committed before it stays committed, and a rerun continues. */
export type ImportError = FileStoreError | StoreError | LeaseLost;

/** The ports the import uses. */
export type ImportDeps = FileStore &
  InboxUpkeep &
  InventoryExportReader &
  RowSpools &
  InventoryStore &
  JobLease &
  Clock &
  Progress;

// Names an exporter or uploader uses while a file is still being written; never imported.
const IN_PROGRESS_NAME = /(^[.~])|\.(part|partial|tmp|temp|filepart|swp|crdownload)$/i;

/** True for a file name the job imports: a `.csv` that is not a temporary name. */
export const isImportableName = (name: string): boolean => /\.csv$/i.test(name) && !IN_PROGRESS_NAME.test(name);

/**
 * Files ready to import in arrival order (oldest modification time first, then by name), and the ones still
 * changing between two listings. `importOrder` then puts them in export-time order.
 */
export const readyFiles = (
  first: ReadonlyArray<StoredFile>,
  second: ReadonlyArray<StoredFile>,
): { ready: ReadonlyArray<StoredFile>; changing: ReadonlyArray<StoredFile> } => {
  const earlier = new Map(first.map((f) => [f.name, f]));
  const candidates = second.filter((f) => isImportableName(f.name));
  const settled = (f: StoredFile) => {
    const before = earlier.get(f.name);
    return before !== undefined && before.size === f.size && before.modifiedAt.getTime() === f.modifiedAt.getTime();
  };
  const ready = candidates
    .filter(settled)
    .toSorted(
      (a, b) => a.modifiedAt.getTime() - b.modifiedAt.getTime() || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0),
    );
  return { ready, changing: candidates.filter((f) => !settled(f)) };
};

/**
 * The order a listing's ready files are imported in (`ready` in arrival order, as `readyFiles` gives it): the files
 * whose name carries an export time (`pattern`) first, oldest export first (the same time: arrival order), then the
 * files without one, in arrival order. So two exports landing together both apply, the older first, when both are
 * newer than the snapshot applied last; and a file without a time (one put there by hand) applies after the exports
 * beside it, as it would had it arrived in the next run.
 */
export const importOrder = (ready: ReadonlyArray<StoredFile>, pattern: RegExp): ReadonlyArray<StoredFile> => {
  const timed: Array<{ file: StoredFile; at: number; index: number }> = [];
  const untimed: StoredFile[] = [];
  ready.forEach((file, index) => {
    const at = exportTimeOf(file.name, pattern);
    if (at === null) untimed.push(file);
    else timed.push({ file, at: at.getTime(), index });
  });
  return [...timed.toSorted((a, b) => a.at - b.at || a.index - b.index).map((t) => t.file), ...untimed];
};

const noCounts: ImportCounts = { rowsRead: 0, adjusted: 0, unchanged: 0, rejected: 0 };

// The columns a header was found to have, as a reason repeats them: at most 10, each at most 40 characters (a file
// whose "header" is the whole file, as one with CR-only line ends, is not echoed back).
const MAX_SHOWN_COLUMNS = 10;
const MAX_SHOWN_COLUMN = 40;
const shownColumns = (found: ReadonlyArray<string>): string => {
  const shown = found
    .slice(0, MAX_SHOWN_COLUMNS)
    .map((c) => (c.length > MAX_SHOWN_COLUMN ? `${c.slice(0, MAX_SHOWN_COLUMN)}...` : c));
  return `${shown.join(', ')}${found.length > MAX_SHOWN_COLUMNS ? `, ... ${found.length - MAX_SHOWN_COLUMNS} more` : ''}`;
};

/**
 * Why a header names none of the columns, when the bytes say more than "missing": NUL bytes between the characters
 * are UTF-16 without a byte order mark; a CR inside the first line is a file whose lines end with CR alone.
 */
export const headerEncodingProblem = (found: ReadonlyArray<string>): string | null => {
  if (found.some((c) => c.includes('\u0000')))
    return 'the file looks like UTF-16 without a byte order mark (NUL bytes between the characters): export it as UTF-8';
  if (found.some((c) => c.includes('\r')))
    return 'the lines end with a CR alone (old Mac line ends), so the file reads as one line: export it with LF or CRLF line ends';
  return null;
};

const describeFileError = (e: ExportFileError): string => {
  switch (e._tag) {
    case 'ExportEmpty':
      return 'the file is empty';
    case 'ExportHeaderOnly':
      return 'the file has a header and no rows';
    case 'ExportMissingColumns':
      return (
        headerEncodingProblem(e.found) ??
        `required column(s) missing: ${e.missing.join(', ')} (found: ${shownColumns(e.found)})`
      );
    case 'ExportEncodingInvalid':
      return `not valid UTF-8 at line ${e.line}: ${e.reason}`;
    case 'ExportTooLarge':
      return `the file has ${e.bytes} bytes, more than the ${e.limit} allowed`;
    case 'ExportHeaderTooLong':
      return `line ${e.line}, where the header should be, is over ${e.limit} bytes long (import.maxLineBytes): no header`;
    case 'ExportUnreadable':
      return `the file cannot be read: ${e.reason}`;
  }
};

const problemRow = (p: RowProblem): RejectedRow => ({ line: p.line, field: p.field, reason: p.reason });

// Why a row naming these ids is refused: an unknown item or location (null: both known). The reader refuses these
// rows as it reads them (`ExportReadOptions.refuseRow`), so the table never holds them nor any item name. An export
// lists an item's locations together: the item of the row before, found known, is not looked up again.
const unknownIds = (
  columns: ExportColumns,
  products: ReadonlyMap<string, string>,
  facilities: ReadonlyMap<string, string>,
) => {
  let knownItem: string | null = null;
  return (itemInternalId: string, location: string, item: string): RowRefusal | null => {
    if (itemInternalId !== knownItem) {
      if (!products.has(itemInternalId))
        return {
          field: columns.itemInternalId,
          reason: `unknown item: no OMS product has NetSuite internal id '${itemInternalId}' (item '${item}')`,
        };
      knownItem = itemInternalId;
    }
    return facilities.has(location)
      ? null
      : {
          field: columns.location,
          reason: `unknown location: no OMS facility has NetSuite location id '${location}'`,
        };
  };
};

// The value of `map` at a key, remembering the last key asked for: a table's rows of one item come together, and
// hand over the one string the table keeps for it, so the next row's key is that string again.
const lastLookup = (map: ReadonlyMap<string, string>) => {
  let key: string | null = null;
  let value: string | undefined;
  return (k: string): string | undefined => {
    if (k !== key) {
      key = k;
      value = map.get(k);
    }
    return value;
  };
};

// The rows of a parsed export that name a known item and location, as indices into its table, read as snapshot
// rows through the id maps (no copies of a million rows); and the rows naming an unknown item or location (none
// when the reader refused them already), rejected: counted here, their report rows made again from the table when
// they are written.
const resolveRows = (
  parsed: ParsedExport,
  columns: ExportColumns,
  products: ReadonlyMap<string, string>,
  facilities: ReadonlyMap<string, string>,
): { rows: Int32Array; snapshotColumns: SnapshotColumns<number>; rejected: Rejections } => {
  const table = parsed.rows;
  const refusal = unknownIds(columns, products, facilities);
  const unknown = (i: number): RejectedRow | null => {
    const refused = refusal(table.itemInternalId(i), table.location(i), table.item(i));
    return refused === null ? null : { line: table.line(i), ...refused };
  };
  const known = new Int32Array(table.length);
  let kept = 0;
  const sample: RejectedRow[] = [];
  const productOf = lastLookup(products);
  for (let i = 0; i < table.length; i++) {
    if (productOf(table.itemInternalId(i)) !== undefined && facilities.has(table.location(i))) known[kept++] = i;
    else if (sample.length < REJECTED_ROWS_SAMPLE) sample.push(unknown(i)!);
  }
  function* unknownRows(): Iterable<RejectedRow> {
    for (let i = 0; i < table.length; i++) {
      const row = unknown(i);
      if (row !== null) yield row;
    }
  }
  const rejected: Rejections = {
    count: table.length - kept,
    sample,
    rows: () => fromIterable(unknownRows()),
  };
  const snapshotColumns: SnapshotColumns<number> = {
    productId: (i) => productOf(table.itemInternalId(i))!,
    facilityId: (i) => facilities.get(table.location(i))!,
    quantity: (i) => table.quantity(i),
    line: (i) => table.line(i),
  };
  return { rows: known.subarray(0, kept), snapshotColumns, rejected };
};

// At most `max` values of a list, and how many there are in all when that is more.
const listed = (values: ReadonlyArray<number>, max = 10): string =>
  values.length <= max ? values.join(', ') : `${values.slice(0, max).join(', ')}, ... (${values.length} in all)`;

// The rows of the reset plan's rejections (duplicates), one per line, in line order.
const duplicateRejections = (rejected: ReadonlyArray<SnapshotRejection>, quantityColumn: string): Rejections => {
  const count = rejected.reduce((n, r) => n + r.lines.length, 0);
  // (line, rejection) pairs, sorted by line.
  const lines = new Float64Array(count);
  const of = new Int32Array(count);
  const order = new Int32Array(count);
  let k = 0;
  rejected.forEach((r, index) => {
    for (const line of r.lines) {
      lines[k] = line;
      of[k] = index;
      order[k] = k;
      k++;
    }
  });
  order.sort((a, b) => lines[a]! - lines[b]! || a - b);
  const row = (n: number): RejectedRow => {
    const r = rejected[of[order[n]!]!]!;
    return {
      line: lines[order[n]!]!,
      field: quantityColumn,
      reason:
        r.reason === 'conflicting-duplicate'
          ? `conflicting duplicate: product ${r.productId} at facility ${r.facilityId} has quantities ${listed(r.quantities)} on lines ${listed(r.lines)}; none applied`
          : `invalid quantity for product ${r.productId} at facility ${r.facilityId}`,
    };
  };
  function* rows(): Iterable<RejectedRow> {
    for (let n = 0; n < count; n++) yield row(n);
  }
  return {
    count,
    sample: Array.from({ length: Math.min(count, REJECTED_ROWS_SAMPLE) }, (_, n) => row(n)),
    rows: () => fromIterable(rows()),
  };
};

const stockColumns = (stock: StockTable): StockColumns<number> => ({
  productId: stock.productId,
  facilityId: stock.facilityId,
  quantityOnHand: stock.quantityOnHand,
  availableToPromise: stock.availableToPromise,
});

const fileReport = (
  name: string,
  outcome: FileOutcome,
  counts: ImportCounts,
  rejectedRows: ReadonlyArray<RejectedRow>,
  heldBackBecause?: string,
): FileReport => ({
  name,
  outcome,
  ...counts,
  rejectedRows,
  ...(heldBackBecause === undefined ? {} : { heldBackBecause }),
});

// The names in a folder of the store; none when it does not exist yet.
const namesIn =
  (folder: string): RTE.ReaderTaskEither<ImportDeps, ImportError, ReadonlySet<string>> =>
  (deps) =>
    pipe(
      deps.list(folder),
      TE.orElse((e) =>
        e._tag === 'FileNotFound' ? TE.right<FileStoreError, ReadonlyArray<StoredFile>>([]) : TE.left(e),
      ),
      TE.map((files) => new Set(files.map((f) => f.name))),
    );

// Moves an imported file into archive/, beside (never over) an earlier export of the same name; answers the name.
const archive =
  (copy: LocalCopy): RTE.ReaderTaskEither<ImportDeps, ImportError, string> =>
  (deps) =>
    pipe(
      namesIn(ARCHIVE_FOLDER)(deps),
      TE.map((archived) => archiveName(copy.name, copy.sha256, archived)),
      TE.chainFirstW((as) => deps.move('', ARCHIVE_FOLDER, copy.name, as)),
    );

const archivedAs = (copy: LocalCopy, as: string): Partial<FileReport> => (as === copy.name ? {} : { archivedAs: as });
const errorAs = (copy: LocalCopy, as: string): Partial<FileReport> => (as === copy.name ? {} : { errorAs: as });

// Moves a file recorded as held back into error/: beside its report when a run that stopped wrote it, else beside
// (never over) an earlier file of its name; answers the name.
const moveToError =
  (copy: LocalCopy): RTE.ReaderTaskEither<ImportDeps, ImportError, string> =>
  (deps) =>
    pipe(
      namesIn(ERROR_FOLDER)(deps),
      TE.map((inError) => errorName(copy.name, copy.sha256, inError, HELD_BACK_REPORT, true)),
      TE.chainFirstW((as) => deps.move('', ERROR_FOLDER, copy.name, as)),
    );

// Holds a file back whole: its report into error/, its record committed (so a rerun recognises it), the file moved
// beside its report; neither over an earlier file of its name.
const holdBack =
  (
    config: ImportConfig,
    copy: LocalCopy,
    counts: ImportCounts,
    because: string,
    rejected: Rejections,
  ): RTE.ReaderTaskEither<ImportDeps, ImportError, FileReport> =>
  (deps) =>
    pipe(
      namesIn(ERROR_FOLDER)(deps),
      TE.map((inError) => errorName(copy.name, copy.sha256, inError, HELD_BACK_REPORT)),
      TE.chainFirstW((as) =>
        deps.write(
          ERROR_FOLDER,
          reportName(as, HELD_BACK_REPORT),
          errorReportPieces(copy.name, because, rejected.rows()),
        ),
      ),
      TE.chainFirstW(() =>
        deps.commitImport({
          runId: config.runId,
          file: { name: copy.name, sha256: copy.sha256, bytes: copy.bytes },
          outcome: 'held-back',
          method: config.method,
          adjustments: [],
          counts,
          at: deps.now(),
        }),
      ),
      TE.chainFirstW((as) => deps.move('', ERROR_FOLDER, copy.name, as)),
      TE.map((as) => ({
        ...fileReport(copy.name, 'held-back', counts, rejected.sample, because),
        ...errorAs(copy, as),
      })),
    );

/** What a file is diffed against: the id maps and the current stock. */
interface Reference {
  readonly products: ReadonlyMap<string, string>;
  readonly facilities: ReadonlyMap<string, string>;
  readonly stock: StockTable;
}

// The id maps, which the reader refuses rows with; the stock is loaded after the parse (`withStock`), so that the
// parse runs beside a small heap.
const loadIds = (deps: ImportDeps): TE.TaskEither<ImportError, Omit<Reference, 'stock'>> =>
  pipe(TE.Do, TE.apS('products', deps.productIdsByExternalId()), TE.apS('facilities', deps.facilityIdsByExternalId()));

const importParsed =
  (
    config: ImportConfig,
    copy: LocalCopy,
    parsed: ParsedExport,
    problems: Rejections,
    { products, facilities, stock }: Reference,
  ): RTE.ReaderTaskEither<ImportDeps, ImportError, FileReport> =>
  (deps) => {
    const resolved = resolveRows(parsed, config.columns, products, facilities);
    const plan = planInventoryResetTable(
      config.method,
      rowIndices(stock.length),
      stockColumns(stock),
      resolved.rows,
      resolved.snapshotColumns,
    );
    const rejected = allRejections([
      problems,
      resolved.rejected,
      duplicateRejections(plan.rejected, config.columns.quantity),
    ]);
    const counts: ImportCounts = {
      rowsRead: parsed.rowsRead,
      adjusted: plan.adjustments.length,
      unchanged: plan.unchanged,
      rejected: rejected.count,
    };
    if (parsed.rowsRead > 0 && rejected.count / parsed.rowsRead > config.maxRejectedShare) {
      const because = `${rejected.count} of ${parsed.rowsRead} rows rejected, more than the ${config.maxRejectedShare * 100}% allowed: a broken export`;
      return holdBack(config, copy, { ...counts, adjusted: 0, unchanged: 0 }, because, rejected)(deps);
    }
    return pipe(
      rejected.count === 0
        ? TE.right<ImportError, string>(copy.name)
        : pipe(
            namesIn(ERROR_FOLDER)(deps),
            TE.map((inError) => errorName(copy.name, copy.sha256, inError, REJECTED_ROWS_REPORT)),
            TE.chainFirstW((as) =>
              deps.write(
                ERROR_FOLDER,
                reportName(as, REJECTED_ROWS_REPORT),
                errorReportPieces(copy.name, undefined, rejected.rows()),
              ),
            ),
          ),
      TE.chainW((reportAs) =>
        pipe(
          deps.commitImport({
            runId: config.runId,
            file: { name: copy.name, sha256: copy.sha256, bytes: copy.bytes },
            outcome: 'applied',
            method: config.method,
            adjustments: plan.adjustments,
            counts,
            at: deps.now(),
          }),
          TE.chainW((committed) =>
            pipe(
              archive(copy)(deps),
              TE.map((as) => ({
                ...fileReport(
                  copy.name,
                  committed === 'committed' ? 'applied' : 'already-imported',
                  committed === 'committed' ? counts : noCounts,
                  rejected.sample,
                ),
                ...archivedAs(copy, as),
                ...errorAs(copy, reportAs),
              })),
            ),
          ),
        ),
      ),
    );
  };

/** The applied file with the newest export time in its name, when one has. */
export interface NewestSnapshot {
  readonly name: string;
  readonly exportedAt: Date;
  readonly importedAt: Date;
}

// The newest export applied so far, by the times in the recorded names (ties: the later import).
const newestSnapshot = (deps: ImportDeps, pattern: RegExp): TE.TaskEither<ImportError, NewestSnapshot | null> =>
  pipe(
    deps.appliedFiles(),
    TE.map((files) => {
      let newest: NewestSnapshot | null = null;
      for (const f of files) {
        const exportedAt = exportTimeOf(f.name, pattern);
        if (exportedAt === null) continue;
        const later =
          newest === null ||
          exportedAt.getTime() > newest.exportedAt.getTime() ||
          (exportedAt.getTime() === newest.exportedAt.getTime() &&
            f.importedAt.getTime() > newest.importedAt.getTime());
        if (later) newest = { name: f.name, exportedAt, importedAt: f.importedAt };
      }
      return newest;
    }),
  );

/** Why an export of `exportedAt` must not be applied after `newest`, or null: only a strictly older one is refused. */
export const olderSnapshotReason = (exportedAt: Date, newest: NewestSnapshot | null): string | null =>
  newest !== null && exportedAt.getTime() < newest.exportedAt.getTime()
    ? `older than the snapshot of ${newest.name} applied at ${newest.importedAt.toISOString()} (this export: ${exportedAt.toISOString()}, that one: ${newest.exportedAt.toISOString()})`
    : null;

// Reads the export and the stock it is diffed against, then applies it or holds it back. The rows the reader
// rejects go to a spool on the local disk as they are found (the run report keeps their count and first rows),
// and from it into the error report; the spool is freed whatever happens.
const readAndImport =
  (config: ImportConfig, copy: LocalCopy): RTE.ReaderTaskEither<ImportDeps, ImportError, FileReport> =>
  (deps) =>
    pipe(
      deps.openRowSpool(),
      // The spool is freed whatever happens, an exception included (the caller sets the file aside on one).
      TE.chainW((spool) => async () => {
        try {
          return await readIntoSpool(config, copy, spool, deps)();
        } finally {
          await spool.release().catch(() => undefined);
        }
      }),
    );

// `readAndImport` with its spool open.
const readIntoSpool = (
  config: ImportConfig,
  copy: LocalCopy,
  spool: RowSpool,
  deps: ImportDeps,
): TE.TaskEither<ImportError, FileReport> => {
  const sample: RejectedRow[] = [];
  const onProblem = (p: RowProblem): void => {
    const row = problemRow(p);
    spool.add(row);
    if (sample.length < REJECTED_ROWS_SAMPLE) sample.push(row);
  };
  const problems: Rejections = { count: 0, sample, rows: spool.rows };
  return pipe(
    // The id maps first: the reader refuses rows of unknown items and locations with them as it reads them.
    loadIds(deps),
    TE.chainW((ids) =>
      pipe(
        TE.fromTask<E.Either<ExportFileError, ParsedExport>, ImportError>(
          deps.readExport(copy.path, copy.name, {
            columns: config.columns,
            maxBytes: config.maxBytes,
            maxLineBytes: config.maxLineBytes,
            onProblem,
            refuseRow: unknownIds(config.columns, ids.products, ids.facilities),
            itemNames: false,
          }),
        ),
        TE.chainW((read) =>
          pipe(
            read,
            E.match(
              (e) => holdBack(config, copy, noCounts, describeFileError(e), noRejections)(deps),
              (parsed) =>
                pipe(
                  deps.stockLevels(),
                  TE.chainW((stock) =>
                    importParsed(config, copy, parsed, { ...problems, count: spool.count() }, { ...ids, stock })(deps),
                  ),
                ),
            ),
          ),
        ),
      ),
    ),
  );
};

// Snapshot order: an export older than the newest one applied would put stock back to older numbers, so it is held
// back; a name without an export time is taken in arrival order, and its report says so.
const importInOrder =
  (config: ImportConfig, pattern: RegExp, copy: LocalCopy): RTE.ReaderTaskEither<ImportDeps, ImportError, FileReport> =>
  (deps) => {
    const exportedAt = exportTimeOf(copy.name, pattern);
    if (exportedAt === null)
      return pipe(
        readAndImport(config, copy)(deps),
        TE.map((report): FileReport => ({ ...report, snapshotOrder: 'arrival' })),
      );
    return pipe(
      newestSnapshot(deps, pattern),
      TE.chainW((newest) => {
        const older = olderSnapshotReason(exportedAt, newest);
        return older === null
          ? readAndImport(config, copy)(deps)
          : holdBack(config, copy, noCounts, older, noRejections)(deps);
      }),
      TE.map((report): FileReport => ({ ...report, exportedAt })),
    );
  };

// A fetched file: imported, or, when an earlier run committed it and stopped before moving it, moved only.
const importCopy =
  (config: ImportConfig, pattern: RegExp, copy: LocalCopy): RTE.ReaderTaskEither<ImportDeps, ImportError, FileReport> =>
  (deps) =>
    pipe(
      deps.importedFile(copy.name, copy.sha256),
      TE.chainW((done): TE.TaskEither<ImportError, FileReport> => {
        if (done === null) return importInOrder(config, pattern, copy)(deps);
        return done.outcome === 'applied'
          ? pipe(
              archive(copy)(deps),
              TE.map((as) => ({
                ...fileReport(copy.name, 'already-imported', noCounts, []),
                ...archivedAs(copy, as),
              })),
            )
          : pipe(
              moveToError(copy)(deps),
              TE.map((as) => ({
                ...fileReport(copy.name, 'already-imported', noCounts, []),
                ...errorAs(copy, as),
              })),
            );
      }),
    );

/**
 * Sets a file that could not be downloaded aside: `error/<name>` (beside an earlier file of its name, or joining the
 * report a run that stopped wrote for it) with its report `error/<name>.errors.csv` saying `reason`; answers the
 * name it has in error/. Nothing is recorded (there are no bytes to recognise it by): a rerun finds it gone.
 */
export const setAsideUnfetched =
  (name: string, reason: string) =>
  (deps: FileStore): TE.TaskEither<FileStoreError, string> =>
    pipe(
      deps.list(ERROR_FOLDER),
      TE.orElse((e) =>
        e._tag === 'FileNotFound' ? TE.right<FileStoreError, ReadonlyArray<StoredFile>>([]) : TE.left(e),
      ),
      TE.map((files) => errorName(name, nameDigest(name), new Set(files.map((f) => f.name)), HELD_BACK_REPORT, true)),
      TE.chainFirst((as) => deps.write(ERROR_FOLDER, reportName(as, HELD_BACK_REPORT), errorReport(name, reason, []))),
      TE.chainFirst((as) => deps.move('', ERROR_FOLDER, name, as)),
    );

const failedReport = (name: string, reason: string, as: string): FileReport => ({
  ...fileReport(name, 'failed', noCounts, [], reason),
  ...(as === name ? {} : { errorAs: as }),
});

// A failure to move a file into a folder of the store, whatever it was (an exception too): it stops the run.
const unmovable = (operation: 'archive' | 'move', path: string, failure: ImportError | FileDefect): ImportError => ({
  _tag: 'FileStoreFailed',
  store: 'inbox',
  operation,
  path,
  reason: failureReason(failure),
  retriable: false,
});

// A file whose processing failed in a way of its own (`stopsTheRun` says no) is held back as failed: its report, its
// record and the file in error/, as any held-back file, so a rerun recognises it. One an earlier step of this run
// recorded (applied, or held back) is not set aside: the failure was in moving it, and it stops the run.
const setAside =
  (
    config: ImportConfig,
    copy: LocalCopy,
    failure: ImportError | FileDefect,
  ): RTE.ReaderTaskEither<ImportDeps, ImportError, FileReport> =>
  (deps) =>
    pipe(
      deps.importedFile(copy.name, copy.sha256),
      TE.chainW((done) =>
        done !== null && failure._tag !== 'FileDefect'
          ? TE.left<ImportError, FileReport>(failure)
          : done !== null
            ? TE.left<ImportError, FileReport>(unmovable('archive', copy.name, failure))
            : holdBack(config, copy, noCounts, failureReason(failure), noRejections)(deps),
      ),
      TE.map((report): FileReport => ({ ...report, outcome: 'failed' })),
    );

// One file of the listing: imported, or set aside (`setAside`) when it fails in a way of its own, so that the files
// after it are still taken; null for a file gone since the listing (its uploader took it away). A failure that
// stops the run (`stopsTheRun`) leaves the file where it is.

// 8 hex digits of FNV-1a over a file's listed size and time: what tells one file refused by its size (so never
// downloaded, nor hashed) from an earlier one of its name in error/.
const listingTag = (file: StoredFile): string => {
  let hash = 0x811c9dc5;
  for (const c of `${file.size}:${file.modifiedAt.getTime()}`) hash = Math.imul(hash ^ c.charCodeAt(0), 0x01000193);
  return (hash >>> 0).toString(16).padStart(8, '0');
};

/**
 * Holds back a file whose listed size is over `maxBytes` before a byte of it is downloaded: its report into error/
 * and the file beside it (beside an earlier file of its name: `<stem>.<8 hex digits of its listed size and
 * time><extension>`). Nothing of it was read, so no import is recorded; a run that stopped between the report and
 * the move finds the report and puts the file beside it.
 */
const refuseBySize =
  (config: ImportConfig, file: StoredFile): RTE.ReaderTaskEither<ImportDeps, ImportError, FileReport> =>
  (deps) => {
    const because = `the file has ${file.size} bytes (as listed), more than the ${config.maxBytes} allowed: not downloaded`;
    return pipe(
      namesIn(ERROR_FOLDER)(deps),
      TE.map((inError) => errorName(file.name, listingTag(file), inError, HELD_BACK_REPORT, true)),
      TE.chainFirstW((as) =>
        deps.write(ERROR_FOLDER, reportName(as, HELD_BACK_REPORT), errorReport(file.name, because, [])),
      ),
      TE.chainFirstW((as) => deps.move('', ERROR_FOLDER, file.name, as)),
      TE.map((as) => ({
        ...fileReport(file.name, 'held-back', noCounts, [], because),
        ...(as === file.name ? {} : { errorAs: as }),
      })),
    );
  };

const importFile =
  (
    config: ImportConfig,
    pattern: RegExp,
    file: StoredFile,
    signal: AbortSignal,
  ): RTE.ReaderTaskEither<ImportDeps, ImportError, FileReport | null> =>
  (deps) =>
  async () => {
    // A lease that was lost (another worker took it, or it could not be renewed) ends this run before it touches
    // another file.
    const lost = leaseLostReason(signal);
    if (lost !== null) return E.left(lost);
    const fetched = await settled(deps.fetch('', file.name))();
    if (E.isLeft(fetched)) {
      const failure = fetched.left;
      if (failure._tag === 'FileNotFound') return E.right(null);
      if (stopping(failure)) return E.left(failure);
      const reason = failureReason(failure);
      return pipe(
        setAsideUnfetched(file.name, reason)(deps),
        TE.map((as) => failedReport(file.name, reason, as)),
      )();
    }
    const copy = fetched.right;
    try {
      const done = await settled(importCopy(config, pattern, copy)(deps))();
      if (E.isRight(done)) return done;
      const failure = done.left;
      if (stopping(failure)) return E.left(failure);
      return await setAside(config, copy, failure)(deps)();
    } finally {
      // The local copy is released whatever happened.
      await copy.release().catch(() => undefined);
    }
  };

// A file of the listing: held back without a download when its listed size is too large, else fetched and imported
// (`importFile`); null for a file gone since the listing. Setting a file aside by its size writes into error/ only:
// a failure of it, an exception included, stops the run (every later file would meet it too).
const importListed =
  (
    config: ImportConfig,
    pattern: RegExp,
    file: StoredFile,
    signal: AbortSignal,
  ): RTE.ReaderTaskEither<ImportDeps, ImportError, FileReport | null> =>
  (deps) =>
    file.size > config.maxBytes && leaseLostReason(signal) === null
      ? async () => {
          const refused = await settled(refuseBySize(config, file)(deps))();
          if (E.isRight(refused)) return refused;
          const failure = refused.left;
          if (failure._tag === 'FileNotFound') return E.right(null);
          return E.left(failure._tag === 'FileDefect' ? unmovable('move', file.name, failure) : failure);
        }
      : importFile(config, pattern, file, signal)(deps);

const total = (files: ReadonlyArray<FileReport>, key: keyof ImportCounts): number =>
  files.reduce((n, f) => n + f[key], 0);

/**
 * The "Import inventory" job (RESET_INVENTORY): resets OMS stock to the NetSuite exports in the file store's inbox.
 * Holds the job lock (another worker's run imports nothing), lists the inbox twice `settleMs` apart, and imports the
 * settled `.csv` files in `importOrder` (by the export time in their names, then the ones without), each exactly
 * once: a file's record, its adjustments (deltas on top of the stock at commit time, so concurrent reservations and
 * shipments are kept), their history (the true before and after) and the changed-product marks are one transaction,
 * and the file moves to `archive/` or `error/` (with its report) only after it, beside (never over) an earlier file
 * of the same name there. An export older than the newest one applied (by the time in its name) is held back, and
 * one whose listed size is over `maxBytes` before it is downloaded. Memory does not grow with bad rows: they stream
 * into the error report, the run report keeping their count and first rows. A run that stops anywhere and is run
 * again ends as one clean run would.
 */
export const importInventory = (config: ImportConfig): RTE.ReaderTaskEither<ImportDeps, ImportError, ImportReport> =>
  lazily((deps) => {
    const startedAt = deps.now();
    const finish = (lockAcquired: boolean, filesSeen: number, files: ReadonlyArray<FileReport>): ImportReport => {
      const finishedAt = deps.now();
      return {
        runId: config.runId,
        startedAt,
        finishedAt,
        durationMs: finishedAt.getTime() - startedAt.getTime(),
        lockAcquired,
        filesSeen,
        files,
        rowsRead: total(files, 'rowsRead'),
        adjusted: total(files, 'adjusted'),
        unchanged: total(files, 'unchanged'),
        rejected: total(files, 'rejected'),
      };
    };
    const pattern = new RegExp(config.exportTimePattern);
    const run = (signal: AbortSignal): TE.TaskEither<ImportError, ImportReport> =>
      pipe(
        // What killed runs left (temp copies, hidden temp reports) goes first; a failure to clean up blocks nothing.
        deps.removeLeftovers([ERROR_FOLDER]),
        TE.orElseW(() => TE.right([])),
        TE.chainW(() => deps.list('')),
        TE.chainFirstW(() => TE.fromTask(deps.sleep(config.settleMs))),
        TE.chainW((first) =>
          pipe(
            deps.list(''),
            TE.map((second) => readyFiles(first, second)),
            TE.map(({ ready, changing }) => ({ ready: importOrder(ready, pattern), changing })),
          ),
        ),
        // Links and names with a backslash are never taken, but said: a person put them there, or a broken uploader.
        TE.chainW(({ ready, changing }) =>
          pipe(
            deps.passedOver(''),
            TE.map((passed) => ({
              ready,
              changing,
              passedOver: passed
                .filter((p) => isImportableName(p.name))
                .map((p) => fileReport(p.name, 'passed-over', noCounts, [], p.reason)),
            })),
          ),
        ),
        TE.chainW(({ ready, changing, passedOver }) =>
          pipe(
            ready,
            A.traverseWithIndex(TE.ApplicativeSeq)((index, file) =>
              pipe(
                // A lease lost mid-file stops the run at its next store call (its commit included).
                importListed(config, pattern, file, signal)(stopsWhenAborted(deps, signal)),
                TE.chainFirstIOK(
                  (report) => () =>
                    deps.progress?.({
                      job: 'import',
                      step: `files (last: ${file.name}, ${report?.rowsRead ?? 0} rows)`,
                      done: index + 1,
                      total: ready.length,
                    }),
                ),
              ),
            ),
            TE.map((files) =>
              finish(true, ready.length + changing.length + passedOver.length, [
                ...files.filter((f) => f !== null),
                ...passedOver,
                ...changing.map((f) => fileReport(f.name, 'in-progress', noCounts, [])),
              ]),
            ),
          ),
        ),
      );
    return pipe(
      withLease(deps, { job: RESET_INVENTORY, owner: config.owner, ms: config.lockLeaseMs }, run),
      TE.map((leased) => (leased._tag === 'ran' ? leased.value : finish(false, 0, []))),
    );
  });
