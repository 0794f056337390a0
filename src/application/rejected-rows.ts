import type { TaskEither } from 'fp-ts/lib/TaskEither.js';
import type { FileStoreError } from './file-store.ts';
import type { RejectedRow } from './import-inventory.ts';

// Rejected rows: the imports' error reports, written from rows streamed out of spools and tables, never held whole.

/**
 * Rejected rows set aside on the local disk while a file is read, so that memory does not grow with them (a file of
 * ten million bad rows has ten million rows to report): the imports add them as they are found and stream them into
 * the error report at the end.
 */
export interface RowSpool {
  /** Adds a row (buffered; never throws: a failure to write it shows when the rows are read). */
  readonly add: (row: RejectedRow) => void;
  /** How many rows were added. */
  readonly count: () => number;
  /**
   * The rows added so far, in the order added, read back from the disk (later ones are not included). Reading throws
   * when the spool could not be written: it is meant to be consumed inside an adapter (a file store's `write`).
   */
  readonly rows: () => AsyncIterable<RejectedRow>;
  /** Frees the spool (safe to call twice). */
  readonly release: () => Promise<void>;
}

/** Opens row spools: the one piece of scratch space the imports need. */
export interface RowSpools {
  readonly openRowSpool: () => TaskEither<FileStoreError, RowSpool>;
}

/** How many rejected rows a run report shows per file, the first by line; the error report has every one. */
export const REJECTED_ROWS_SAMPLE = 20;

const csvField = (value: string | number): string => {
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};

const reportLine = (file: string, r: RejectedRow): string => [file, r.line, r.field, r.reason].map(csvField).join(',');
const reportHead = (file: string, heldBackBecause: string | undefined): string =>
  `file,line,field,reason\n${heldBackBecause === undefined ? '' : `${[file, '', '', `file held back: ${heldBackBecause}`].map(csvField).join(',')}\n`}`;

/** The error report written next to a file: one CSV line per rejected row, or the reason a file was held back. */
export const errorReport = (
  file: string,
  heldBackBecause: string | undefined,
  rows: ReadonlyArray<RejectedRow>,
): string => `${reportHead(file, heldBackBecause)}${rows.map((r) => `${reportLine(file, r)}\n`).join('')}`;

// The characters of a piece of the streamed report: small pieces stay in V8's young generation, which frees them at
// once; pieces of 1,000 rows (300 KB) waited for a full collection, and the peak RSS of a 1M-row report rose from
// 200 to 360 MB (measured).
const REPORT_PIECE_CHARS = 16 * 1024;

/**
 * `errorReport` as pieces of text, made as they are written (`FileStore.write` streams them): the rows come from
 * `rows`, one pass, so a report of millions of rows is never one string.
 */
export async function* errorReportPieces(
  file: string,
  heldBackBecause: string | undefined,
  rows: AsyncIterable<RejectedRow>,
): AsyncIterable<string> {
  yield reportHead(file, heldBackBecause);
  let piece: string[] = [];
  let chars = 0;
  for await (const row of rows) {
    const line = `${reportLine(file, row)}\n`;
    piece.push(line);
    chars += line.length;
    if (chars >= REPORT_PIECE_CHARS) {
      yield piece.join('');
      piece = [];
      chars = 0;
    }
  }
  if (piece.length > 0) yield piece.join('');
}

/** A file's rejected rows: how many, the first by line (for the run report), and every one in line order. */
export interface Rejections {
  readonly count: number;
  /** The first `REJECTED_ROWS_SAMPLE` rows by line. */
  readonly sample: ReadonlyArray<RejectedRow>;
  /** Every rejected row in line order, produced as they are read (from a spool, from the tables): one pass each. */
  readonly rows: () => AsyncIterable<RejectedRow>;
}

async function* noRows(): AsyncIterable<RejectedRow> {}
/** No rejected rows. */
export const noRejections: Rejections = { count: 0, sample: [], rows: noRows };

/** A synchronous iterable as an asynchronous one. */
export async function* fromIterable<A>(items: Iterable<A>): AsyncIterable<A> {
  yield* items;
}

/** Merges row sources, each in line order, into one in line order; on the same line, the earlier source first. */
export async function* mergeByLine(sources: ReadonlyArray<AsyncIterable<RejectedRow>>): AsyncIterable<RejectedRow> {
  const iterators = sources.map((source) => source[Symbol.asyncIterator]());
  const heads: Array<RejectedRow | undefined> = [];
  try {
    for (const it of iterators) {
      const first = await it.next();
      heads.push(first.done === true ? undefined : first.value);
    }
    for (;;) {
      let pick = -1;
      for (let k = 0; k < heads.length; k++)
        if (heads[k] !== undefined && (pick === -1 || heads[k]!.line < heads[pick]!.line)) pick = k;
      if (pick === -1) return;
      yield heads[pick]!;
      const next = await iterators[pick]!.next();
      heads[pick] = next.done === true ? undefined : next.value;
    }
  } finally {
    await Promise.all(iterators.map((it) => it.return?.()));
  }
}

// The same merge over the samples of the sources: the first rows of the merged rows.
const mergedSample = (samples: ReadonlyArray<ReadonlyArray<RejectedRow>>): ReadonlyArray<RejectedRow> =>
  samples
    .flatMap((sample, source) => sample.map((row, index) => ({ row, source, index })))
    .toSorted((a, b) => a.row.line - b.row.line || a.source - b.source || a.index - b.index)
    .slice(0, REJECTED_ROWS_SAMPLE)
    .map((r) => r.row);

/** The rejections of several sources, each in line order, as one. */
export const allRejections = (parts: ReadonlyArray<Rejections>): Rejections => ({
  count: parts.reduce((n, p) => n + p.count, 0),
  sample: mergedSample(parts.map((p) => p.sample)),
  rows: () => mergeByLine(parts.map((p) => p.rows())),
});
