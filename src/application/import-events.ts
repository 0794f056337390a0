import * as E from 'fp-ts/lib/Either.js';
import type * as TE from 'fp-ts/lib/TaskEither.js';
import type { Clock } from './clock.ts';
import {
  csvCells,
  csvHeader,
  csvLineInput,
  type CsvHeader,
  jsonLineInput,
  plainFieldError,
  refusedField,
} from './event-lines.ts';
import { failureReason, type FileDefect, settled, stopping, stopsTheRun } from './file-failure.ts';
import { withSuffix } from './file-name-limit.ts';
import type { FileStore, FileStoreError, InboxUpkeep, LocalCopy, StoredFile } from './file-store.ts';
import {
  ARCHIVE_FOLDER,
  archiveName,
  ERROR_FOLDER,
  type InboxRunReport,
  type RejectedRow,
  setAsideUnfetched,
} from './import-inventory.ts';
import type { InventoryLedger } from './inventory-ledger.ts';
import { DEFAULT_LEASE_MS, leaseLostReason, type JobLease, type LeaseLost, withLease } from './job-lease.ts';
import { lazily } from './lazily.ts';
import type { LineCursor, LineReader, TextLine } from './line-reader.ts';
import type { Progress } from './progress.ts';
import { recordInventoryEvents } from './record-inventory-events.ts';
import { errorReportPieces, REJECTED_ROWS_SAMPLE, type RowSpool, type RowSpools } from './rejected-rows.ts';
import type { StoreError } from './store-error.ts';

/** The lease the event feed import holds (its own: it may run beside the NetSuite import). */
export const IMPORT_EVENTS = 'IMPORT_EVENTS';

/** How the event feed import behaves; `defaultImportEventsConfig` has the documented defaults. */
export interface ImportEventsConfig {
  /** Events recorded per ledger call (one transaction each). */
  readonly batchSize: number;
  /** A longer line is rejected as too long, never held whole. */
  readonly maxLineBytes: number;
  /** Two listings this far apart must agree on a file's size and time, or the file is still being written. */
  readonly settleMs: number;
  /** How long this run's lease lasts without renewal (renewed on a timer, every third of it). */
  readonly lockLeaseMs: number;
  readonly runId: string;
  readonly owner: string;
}

/** The defaults: 1,000 events a call, lines up to 64 KiB, files settled for 2 s. */
export const defaultImportEventsConfig = (runId: string, owner: string): ImportEventsConfig => ({
  batchSize: 1_000,
  maxLineBytes: 64 * 1024,
  settleMs: 2_000,
  lockLeaseMs: DEFAULT_LEASE_MS,
  runId,
  owner,
});

/** The two feed formats, by the file's extension. */
export type EventFeedFormat = 'jsonl' | 'csv';

/** The format of an event feed's name (`.jsonl`, `.csv`, any case), or null for a name the job leaves alone. */
export const eventFeedFormat = (name: string): EventFeedFormat | null => {
  // Names an uploader uses while a file is still being written (as the NetSuite import's isImportableName).
  if (/^[.~]/.test(name)) return null;
  if (/\.jsonl$/i.test(name)) return 'jsonl';
  if (/\.csv$/i.test(name)) return 'csv';
  return null;
};

/** What became of one feed in a run. */
export type EventFileOutcome =
  | 'archived' // every line applied or reported; the file is in archive/
  | 'held-back' // unreadable as a feed (a CSV header that names no events): nothing applied, the file is in error/
  | 'failed' // could not be processed (an exception, an unreadable file): the lines before stay, the file is in error/
  | 'passed-over' // not a file the job may take (a link, a name with a backslash): left where it is, reported
  | 'in-progress'; // still being written; left for the next run

/** The outcome counts of a feed's lines (blank lines and a CSV header are not counted). */
export interface EventCounts {
  readonly lines: number;
  readonly applied: number;
  readonly duplicate: number;
  readonly refused: number;
  readonly conflict: number;
  /** Lines that are no event: over-long, not UTF-8, not JSON, not a CSV record, a field missing or invalid. */
  readonly rejected: number;
}

/** The outcome of one feed. */
export interface EventFileReport extends EventCounts {
  readonly name: string;
  readonly format: EventFeedFormat;
  readonly outcome: EventFileOutcome;
  readonly heldBackBecause?: string;
  /** The name in `archive/` (or `error/`) when it is not the file's own (an earlier file has that name there). */
  readonly movedAs?: string;
  /** The error report in `error/`, when a line was rejected, refused or conflicting, or the file held back. */
  readonly errorReport?: string;
  /** The rows of the error report (a line with several faults has a row for each). */
  readonly errorRows: number;
  /**
   * The first rows of the error report (lines rejected, refused or conflicting, in line order, with the field and
   * the reason), at most `REJECTED_ROWS_SAMPLE`; the error report has every one.
   */
  readonly rejectedLines: ReadonlyArray<RejectedRow>;
}

/** The report of one run. */
export interface ImportEventsReport extends EventCounts, InboxRunReport {
  readonly files: ReadonlyArray<EventFileReport>;
}

/** A failure that stops the run; the calls committed before it stay committed, and a rerun completes the file. */
export type ImportEventsError = FileStoreError | StoreError | LeaseLost;

/** The ports the event feed import uses. */
export type ImportEventsDeps = FileStore &
  InboxUpkeep &
  LineReader &
  RowSpools &
  InventoryLedger &
  JobLease &
  Clock &
  Progress;

/**
 * The name of a feed's error report in `error/`: the feed's name, the first 8 hex digits of its SHA-256, and
 * `.rejected-lines.csv`. A report belongs to one content, so a feed read again (a rerun after a failure, a replay)
 * finds the report of its earlier reading and completes it.
 */
export const eventErrorReportName = (name: string, sha256: string): string =>
  withSuffix(name, `.${sha256.slice(0, 8)}.rejected-lines.csv`);

const noCounts: EventCounts = { lines: 0, applied: 0, duplicate: 0, refused: 0, conflict: 0, rejected: 0 };

type Mutable<A> = { -readonly [K in keyof A]: A[K] };

const right = <A>(a: A): E.Either<never, A> => E.right(a);
const orNone = <A>(result: E.Either<FileStoreError, ReadonlyArray<A>>): E.Either<FileStoreError, ReadonlyArray<A>> =>
  E.isLeft(result) && result.left._tag === 'FileNotFound' ? E.right([]) : result;

/** Files ready to read, by name, and the ones still changing between two listings. */
export const readyFeeds = (
  first: ReadonlyArray<StoredFile>,
  second: ReadonlyArray<StoredFile>,
): { ready: ReadonlyArray<StoredFile>; changing: ReadonlyArray<StoredFile> } => {
  const earlier = new Map(first.map((f) => [f.name, f]));
  const candidates = second
    .filter((f) => eventFeedFormat(f.name) !== null)
    .toSorted((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const settled = (f: StoredFile) => {
    const before = earlier.get(f.name);
    return before !== undefined && before.size === f.size && before.modifiedAt.getTime() === f.modifiedAt.getTime();
  };
  return { ready: candidates.filter(settled), changing: candidates.filter((f) => !settled(f)) };
};

/** The rows of an error report (`errorReport`'s text), by line: what an earlier reading of the same feed reported. */
export const parseErrorReportLine = (text: string): RejectedRow | null => {
  const cells = csvCells(text);
  if (E.isLeft(cells) || cells.right.length !== 4) return null;
  const [, line, field, reason] = cells.right as [string, string, string, string];
  return /^[1-9]\d*$/.test(line) ? { line: Number(line), field, reason } : null;
};

/** The rows an earlier reading of a feed reported, asked for by line in increasing order (read forward, not held). */
interface EarlierReport {
  readonly rowsOf: (line: number) => Promise<E.Either<FileStoreError, ReadonlyArray<RejectedRow>>>;
  readonly close: () => Promise<void>;
}

const noEarlierReport: EarlierReport = { rowsOf: async () => right([]), close: async () => undefined };

// Opens the earlier report of this feed's content, when error/ has one. It is read as the feed is, both in line
// order; its first lines are read at once, so that the report is open before this reading writes its own over it.
const earlierReport = async (
  deps: ImportEventsDeps,
  reportName: string,
  maxLineBytes: number,
): Promise<E.Either<FileStoreError, EarlierReport>> => {
  const listed = orNone(await deps.list(ERROR_FOLDER)());
  if (E.isLeft(listed)) return listed;
  if (!listed.right.some((f) => f.name === reportName)) return right(noEarlierReport);
  const copy = await deps.fetch(ERROR_FOLDER, reportName)();
  if (E.isLeft(copy)) return copy;
  const opened = await deps.readLines(copy.right, { maxLineBytes: Math.max(maxLineBytes, 64 * 1024) })();
  if (E.isLeft(opened)) {
    await copy.right.release();
    return opened;
  }
  const cursor = opened.right;
  let buffered: RejectedRow[] = [];
  let head = 0;
  let ended = false;
  const close = async () => {
    ended = true;
    buffered = [];
    head = 0;
    await cursor.close();
    await copy.right.release();
  };
  const more = async (): Promise<E.Either<FileStoreError, void>> => {
    const lines = await cursor.next(1_000)();
    if (E.isLeft(lines)) return lines;
    if (lines.right.length === 0) ended = true;
    for (const l of lines.right) {
      const row = 'text' in l && l.line > 1 ? parseErrorReportLine(l.text) : null;
      if (row !== null) buffered.push(row);
    }
    return right(undefined);
  };
  const first = await more();
  if (E.isLeft(first)) {
    await close();
    return first;
  }
  const rowsOf = async (line: number): Promise<E.Either<FileStoreError, ReadonlyArray<RejectedRow>>> => {
    for (;;) {
      while (head < buffered.length && buffered[head]!.line < line) head++;
      let end = head;
      while (end < buffered.length && buffered[end]!.line === line) end++;
      if (end < buffered.length || ended) {
        const rows = buffered.slice(head, end);
        head = end;
        return right(rows);
      }
      // The rows read so far may go on with this line: read more, keeping only those not passed.
      buffered = buffered.slice(head);
      head = 0;
      const read = await more();
      if (E.isLeft(read)) return read;
    }
  };
  return right({ rowsOf, close });
};

// Moves a feed from the inbox into `folder`, beside (never over) a file of that name there; answers the name.
const moveBeside = async (
  deps: ImportEventsDeps,
  copy: LocalCopy,
  folder: string,
): Promise<E.Either<FileStoreError, string>> => {
  const listed = orNone(await deps.list(folder)());
  if (E.isLeft(listed)) return listed;
  const as = archiveName(copy.name, copy.sha256, new Set(listed.right.map((f) => f.name)));
  const moved = await deps.move('', folder, copy.name, as)();
  return E.isLeft(moved) ? moved : right(as);
};

/** A refusal as the error report says it. */
const refusalText = (r: { readonly reason: string; readonly detail: string }): string =>
  `refused (${r.reason}): ${r.detail}`;

const unreadableReason = (l: Extract<TextLine, { unreadable: string }>, maxLineBytes: number): string =>
  l.unreadable === 'too-long'
    ? `line too long: ${l.bytes} bytes, more than the ${maxLineBytes} allowed`
    : 'not valid UTF-8';

/** One feed read line by line: its inputs and rejections, batch by batch, recorded through the ledger. */
const readFeed = async (
  config: ImportEventsConfig,
  deps: ImportEventsDeps,
  copy: LocalCopy,
  format: EventFeedFormat,
  signal: AbortSignal,
): Promise<E.Either<ImportEventsError, EventFileReport>> => {
  const reportName = eventErrorReportName(copy.name, copy.sha256);
  // The rows of the report go to a spool on the local disk; one that cannot be opened stops the run (the local disk
  // fails every later feed too).
  const spool = await settled(deps.openRowSpool())();
  if (E.isLeft(spool))
    return E.left(
      spool.left._tag === 'FileDefect'
        ? {
            _tag: 'FileStoreFailed',
            store: 'local',
            operation: 'write',
            path: reportName,
            reason: spool.left.reason,
            retriable: false,
          }
        : spool.left,
    );
  try {
    const earlier = await settled(() => earlierReport(deps, reportName, config.maxLineBytes))();
    try {
      return await readFeedWith(config, deps, copy, format, signal, reportName, spool.right, earlier);
    } finally {
      if (E.isRight(earlier)) await earlier.right.close().catch(() => undefined);
    }
  } finally {
    await spool.right.release().catch(() => undefined);
  }
};

// A feed's lines, batch by batch: the rows of its error report go to `spool` a batch at a time, in line order (a
// batch's rows sorted among themselves), so that memory holds one batch of them, and the report is written from it.
// `earlier`: this feed's earlier report, or why it could not be opened (the feed is then set aside, or the run
// stops, by `stopsTheRun`).
const readFeedWith = async (
  config: ImportEventsConfig,
  deps: ImportEventsDeps,
  copy: LocalCopy,
  format: EventFeedFormat,
  signal: AbortSignal,
  reportName: string,
  spool: RowSpool,
  earlierOpened: E.Either<FileStoreError | FileDefect, EarlierReport>,
): Promise<E.Either<ImportEventsError, EventFileReport>> => {
  const counts: Mutable<EventCounts> = { ...noCounts };
  // This batch's rows, and the first rows of the report.
  let batchRows: RejectedRow[] = [];
  const sample: RejectedRow[] = [];
  const reject = (line: number, field: string, reason: string) => {
    batchRows.push({ line, field, reason });
  };
  const spoolBatch = () => {
    if (batchRows.length === 0) return;
    batchRows.sort((a, b) => a.line - b.line);
    for (const row of batchRows) {
      spool.add(row);
      if (sample.length < REJECTED_ROWS_SAMPLE) sample.push(row);
    }
    batchRows = [];
  };
  const writeReport = (heldBackBecause?: string) =>
    deps.write(ERROR_FOLDER, reportName, errorReportPieces(copy.name, heldBackBecause, spool.rows()))();
  const report = (outcome: EventFileOutcome, extra: Partial<EventFileReport>): EventFileReport => ({
    name: copy.name,
    format,
    outcome,
    ...counts,
    ...extra,
    ...(spool.count() > 0 || extra.heldBackBecause !== undefined ? { errorReport: reportName } : {}),
    errorRows: spool.count(),
    rejectedLines: sample,
  });
  // Nothing of a CSV feed whose header names no events can be read: it is held back whole, in error/. A feed that
  // fails in a way of its own (an exception, a read error) is set aside the same way, as failed, with the lines
  // decided before it in its report.
  const holdBack = async (
    because: string,
    outcome: 'held-back' | 'failed' = 'held-back',
  ): Promise<E.Either<ImportEventsError, EventFileReport>> => {
    spoolBatch();
    const written = await writeReport(because);
    if (E.isLeft(written)) return written;
    const moved = await moveBeside(deps, copy, ERROR_FOLDER);
    if (E.isLeft(moved)) return moved;
    return right(
      report(outcome, { heldBackBecause: because, ...(moved.right === copy.name ? {} : { movedAs: moved.right }) }),
    );
  };
  const failed = (e: ImportEventsError | FileDefect) => holdBack(failureReason(e), 'failed');
  if (E.isLeft(earlierOpened))
    return stopping(earlierOpened.left) ? E.left(earlierOpened.left) : failed(earlierOpened.left);
  const earlier = earlierOpened.right;
  const opened = await settled(deps.readLines(copy, { maxLineBytes: config.maxLineBytes }))();
  if (E.isLeft(opened)) return stopping(opened.left) ? E.left(opened.left) : failed(opened.left);
  const cursor: LineCursor = opened.right;
  // A run that fails mid-feed keeps what it reported so far, so the rerun that completes the feed reports the
  // lines decided before (they come back from the ledger as duplicates). A run that lost its lease writes nothing
  // more: the new holder may be writing the same report.
  const stop = async (e: ImportEventsError): Promise<E.Either<ImportEventsError, EventFileReport>> => {
    if (!stopsTheRun(e)) return failed(e);
    spoolBatch();
    if (spool.count() > 0 && leaseLostReason(signal) === null) await writeReport();
    return E.left(e);
  };
  let header: CsvHeader | null = null;
  try {
    for (;;) {
      const lost = leaseLostReason(signal);
      if (lost !== null) return stop(lost);
      const read = await cursor.next(config.batchSize)();
      if (E.isLeft(read)) return stop(read.left);
      if (read.right.length === 0) break;
      const inputs: unknown[] = [];
      const lineOf: number[] = [];
      for (const l of read.right) {
        if ('unreadable' in l && format === 'csv' && header === null)
          return holdBack(`line ${l.line}: the header is unreadable: ${unreadableReason(l, config.maxLineBytes)}`);
        if ('unreadable' in l) {
          counts.lines++;
          counts.rejected++;
          reject(l.line, '', unreadableReason(l, config.maxLineBytes));
          continue;
        }
        if (l.text.trim() === '') continue;
        if (format === 'csv' && header === null) {
          const parsed = csvHeader(l.text);
          if (E.isLeft(parsed)) return holdBack(`line ${l.line}: ${parsed.left}`);
          header = parsed.right;
          continue;
        }
        counts.lines++;
        const input = format === 'jsonl' ? jsonLineInput(l.text) : csvLineInput(header!, l.text);
        if (E.isLeft(input)) {
          counts.rejected++;
          for (const fault of input.left) reject(l.line, fault.field, fault.reason);
          continue;
        }
        inputs.push(input.right);
        lineOf.push(l.line);
      }
      if (inputs.length === 0) {
        spoolBatch();
        continue;
      }
      const recorded = await recordInventoryEvents(inputs)(deps)();
      if (E.isLeft(recorded)) return stop(recorded.left);
      for (const o of recorded.right.outcomes) {
        const line = lineOf[o.index]!;
        switch (o.outcome) {
          case 'applied':
            counts.applied++;
            break;
          case 'duplicate': {
            counts.duplicate++;
            // A replayed refused event is reported as this feed's earlier reading reported it, or with the refusal
            // the ledger kept (so a rerun reports the refusals of a call that committed just before a crash).
            const before = await earlier.rowsOf(line);
            if (E.isLeft(before)) return stop(before.left);
            if (before.right.length > 0) for (const row of before.right) batchRows.push(row);
            else if (o.refused !== undefined) reject(line, refusedField(o.refused.reason), refusalText(o.refused));
            break;
          }
          case 'refused':
            counts.refused++;
            reject(line, refusedField(o.reason), refusalText(o));
            break;
          case 'conflict':
            counts.conflict++;
            reject(line, 'eventId', `conflict: ${o.detail}`);
            break;
          case 'undecodable':
            counts.rejected++;
            for (const e of o.errors) {
              const plain = plainFieldError(e);
              reject(line, plain.field, plain.reason);
            }
            break;
        }
      }
      spoolBatch();
      deps.progress?.({ job: 'import-events', step: `lines of ${copy.name}`, done: counts.lines, total: null });
    }
  } catch (error) {
    const defect = await settled<never, never>(() => Promise.reject(error))();
    return failed((defect as E.Left<FileDefect>).left);
  } finally {
    await cursor.close().catch(() => undefined);
  }
  spoolBatch();
  if (spool.count() > 0) {
    const written = await writeReport();
    if (E.isLeft(written)) return written;
  }
  const moved = await moveBeside(deps, copy, ARCHIVE_FOLDER);
  if (E.isLeft(moved)) return moved;
  return right(report('archived', moved.right === copy.name ? {} : { movedAs: moved.right }));
};

// The report of a feed no line of which was read.
const unread = (name: string, outcome: EventFileOutcome): EventFileReport => ({
  name,
  format: eventFeedFormat(name)!,
  outcome,
  ...noCounts,
  errorRows: 0,
  rejectedLines: [],
});

const total = (files: ReadonlyArray<EventFileReport>, key: keyof EventCounts): number =>
  files.reduce((n, f) => n + f[key], 0);

/**
 * The "Import events" job: records the inventory event feeds that ERP, WMS and POS systems drop into the file
 * store's inbox (`*.jsonl`, one event a line; `*.csv`, a header of the event's field names) through the ledger.
 * Holds its lease (another worker's run does nothing), lists the inbox twice `settleMs` apart, and reads the settled
 * feeds in name order, each line by line (bounded memory; a line over `maxLineBytes` is rejected, never held),
 * recording `batchSize` events a call. Every line is applied, a duplicate, refused, conflicting or rejected (no
 * event: its file, line, field and reason); the rejected, refused and conflicting ones go to the feed's error report
 * in `error/`, and the feed to `archive/` once every line is decided, whatever was rejected. Exactly once: the ledger
 * decides each `eventId` once, so a rerun after a failure anywhere (or a feed dropped again) repeats nothing and ends
 * as one clean run would, its error report completed from the earlier one. A CSV feed whose header names no events
 * is held back whole in `error/`.
 */
export const importEvents = (
  config: ImportEventsConfig,
): ((deps: ImportEventsDeps) => TE.TaskEither<ImportEventsError, ImportEventsReport>) =>
  lazily((deps) => {
    const startedAt = deps.now();
    const finish = (
      lockAcquired: boolean,
      filesSeen: number,
      files: ReadonlyArray<EventFileReport>,
    ): ImportEventsReport => {
      const finishedAt = deps.now();
      return {
        runId: config.runId,
        startedAt,
        finishedAt,
        durationMs: finishedAt.getTime() - startedAt.getTime(),
        lockAcquired,
        filesSeen,
        files,
        lines: total(files, 'lines'),
        applied: total(files, 'applied'),
        duplicate: total(files, 'duplicate'),
        refused: total(files, 'refused'),
        conflict: total(files, 'conflict'),
        rejected: total(files, 'rejected'),
      };
    };
    const run =
      (signal: AbortSignal): TE.TaskEither<ImportEventsError, ImportEventsReport> =>
      async () => {
        // What killed runs left (temp copies, hidden temp reports) goes first; a failure to clean up blocks nothing.
        await deps.removeLeftovers([ERROR_FOLDER])();
        const first = await deps.list('')();
        if (E.isLeft(first)) return first;
        await deps.sleep(config.settleMs)();
        const second = await deps.list('')();
        if (E.isLeft(second)) return second;
        const { ready, changing } = readyFeeds(first.right, second.right);
        // Links and names with a backslash are never taken, but said.
        const passed = await deps.passedOver('')();
        if (E.isLeft(passed)) return passed;
        const passedOver = passed.right.filter((p) => eventFeedFormat(p.name) !== null);
        const files: EventFileReport[] = [];
        for (const file of ready) {
          const lost = leaseLostReason(signal);
          if (lost !== null) return E.left(lost);
          const copy = await settled(deps.fetch('', file.name))();
          // A feed taken away between the listing and now (by its uploader) is no longer this run's.
          if (E.isLeft(copy) && copy.left._tag === 'FileNotFound') continue;
          if (E.isLeft(copy) && stopping(copy.left)) return E.left(copy.left);
          if (E.isLeft(copy)) {
            // Not even downloaded: set aside with a report of the reason, the next feed goes on.
            const because = failureReason(copy.left);
            const as = await setAsideUnfetched(file.name, because)(deps)();
            if (E.isLeft(as)) return as;
            files.push({
              ...unread(file.name, 'failed'),
              heldBackBecause: because,
              ...(as.right === file.name ? {} : { movedAs: as.right }),
            });
            continue;
          }
          try {
            const read = await readFeed(config, deps, copy.right, eventFeedFormat(file.name)!, signal);
            if (E.isLeft(read)) return read;
            files.push(read.right);
          } finally {
            await copy.right.release();
          }
        }
        for (const p of passedOver) files.push({ ...unread(p.name, 'passed-over'), heldBackBecause: p.reason });
        for (const f of changing) files.push(unread(f.name, 'in-progress'));
        return right(finish(true, ready.length + changing.length + passedOver.length, files));
      };
    return async () => {
      const leased = await withLease(deps, { job: IMPORT_EVENTS, owner: config.owner, ms: config.lockLeaseMs }, run)();
      return E.isLeft(leased) ? leased : right(leased.right._tag === 'ran' ? leased.right.value : finish(false, 0, []));
    };
  });
