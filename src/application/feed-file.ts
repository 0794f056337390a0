import * as E from 'fp-ts/lib/Either.js';
import type { TaskEither } from 'fp-ts/lib/TaskEither.js';
import * as t from 'io-ts';
import type { FeedLine } from '../domain/index.ts';
import type { FileContent, FileStore, FileStoreError, LocalCopy } from './file-store.ts';
import type { LineCursor, TextLine } from './line-reader.ts';

/**
 * Feed files: what Hard Sync and Upload recent inventory changes write to the outbox and Process uploads applies.
 * JSON Lines: a header object, then one `FeedLine` object per line. A feed is written in pieces but shown whole (the
 * file store's `write` never shows a half-written file) and never changed afterwards, so a line's index is a stable
 * address for Process uploads' progress. Feeds are written and read line by line, never held as one string.
 */

/** The jobs that write feeds. */
export type FeedJob = 'hard-sync' | 'push-changes';

/** The first line of a feed: who wrote it, when, for which channel. */
export interface FeedHeader {
  readonly format: 'oms-inventory-sync/feed@1';
  readonly job: FeedJob;
  readonly runId: string;
  readonly facilityGroupId: string;
  readonly shop: string;
  readonly locationId: string;
  readonly createdAt: string;
  readonly lines: number;
}

/** A parsed feed. */
export interface Feed {
  readonly name: string;
  readonly header: FeedHeader;
  readonly lines: ReadonlyArray<FeedLine>;
}

/** A feed that cannot be applied: unreadable, or a line that is not a feed line. Never retried; the file goes to error/. */
export interface FeedFileInvalid {
  readonly _tag: 'FeedFileInvalid';
  readonly file: string;
  readonly line: number;
  readonly reason: string;
  readonly retriable: false;
}

/** The longest feed line read: a feed line is some 200 bytes; a longer one is no feed line. */
export const FEED_MAX_LINE_BYTES = 64 * 1024;

/**
 * Reading a feed file from a local copy line by line (bounded memory, lines at most `FEED_MAX_LINE_BYTES`): the one
 * piece of file I/O Process uploads needs besides the store.
 */
export interface FeedReader {
  readonly readFeedLines: (copy: LocalCopy) => TaskEither<FileStoreError, LineCursor>;
}

const FeedHeaderCodec = t.type({
  format: t.literal('oms-inventory-sync/feed@1'),
  job: t.union([t.literal('hard-sync'), t.literal('push-changes')]),
  runId: t.string,
  facilityGroupId: t.string,
  shop: t.string,
  locationId: t.string,
  createdAt: t.string,
  lines: t.number,
});

const WholeNonNegative = t.refinement(t.number, (n) => Number.isSafeInteger(n) && n >= 0, 'WholeNonNegative');

const FeedLineCodec = t.type({
  productId: t.string,
  inventoryItemId: t.string,
  locationId: t.string,
  quantity: WholeNonNegative,
  basis: t.union([t.null, t.number]),
});

const headerText = (header: Omit<FeedHeader, 'format' | 'lines'>, lines: number): string =>
  JSON.stringify({ format: 'oms-inventory-sync/feed@1', ...header, lines });

const lineText = (l: FeedLine): string =>
  JSON.stringify({
    productId: l.productId,
    inventoryItemId: l.inventoryItemId,
    locationId: l.locationId,
    quantity: l.quantity,
    basis: l.basis,
  });

/** A feed file's text in pieces of at most 1,000 lines each (what `writeFeed` streams to the outbox). */
export function* feedPieces(
  header: Omit<FeedHeader, 'format' | 'lines'>,
  lines: ReadonlyArray<FeedLine>,
): Generator<string> {
  yield `${headerText(header, lines.length)}\n`;
  for (let from = 0; from < lines.length; from += 1000) {
    let piece = '';
    for (let i = from; i < Math.min(lines.length, from + 1000); i++) piece += `${lineText(lines[i]!)}\n`;
    yield piece;
  }
}

/** The text of a feed file, whole (tests and small feeds; `writeFeed` streams `feedPieces`). */
export const encodeFeed = (header: Omit<FeedHeader, 'format' | 'lines'>, lines: ReadonlyArray<FeedLine>): string =>
  [...feedPieces(header, lines)].join('');

const invalid = (file: string, line: number, reason: string): FeedFileInvalid => ({
  _tag: 'FeedFileInvalid',
  file,
  line,
  reason,
  retriable: false,
});

const parseJson = (text: string): E.Either<string, unknown> =>
  E.tryCatch(
    () => JSON.parse(text) as unknown,
    (e) => (e instanceof Error ? e.message : String(e)),
  );

/** Decodes a feed's first line (its header); `name` names the file in the error. */
export const decodeFeedHeader = (name: string, text: string): E.Either<FeedFileInvalid, FeedHeader> => {
  const header = parseJson(text);
  if (E.isLeft(header)) return E.left(invalid(name, 1, `header: ${header.left}`));
  const decoded = FeedHeaderCodec.decode(header.right);
  return E.isLeft(decoded) ? E.left(invalid(name, 1, 'header: not an oms-inventory-sync feed header')) : decoded;
};

/** Decodes one line of a feed after its header; `line` is its 1-based number in the file. */
export const decodeFeedLine = (name: string, line: number, text: string): E.Either<FeedFileInvalid, FeedLine> => {
  const value = parseJson(text);
  if (E.isLeft(value)) return E.left(invalid(name, line, value.left));
  // The guard first: a feed is read twice, line by line, and `decode` builds a context for every field it checks;
  // only a line the guard refuses is decoded, for the message.
  if (FeedLineCodec.is(value.right)) return E.right(value.right);
  const decoded = FeedLineCodec.decode(value.right);
  return E.isLeft(decoded)
    ? E.left(
        invalid(name, line, 'not a feed line (productId, inventoryItemId, locationId, whole quantity >= 0, basis)'),
      )
    : decoded;
};

const decodeTextLine = (name: string, row: TextLine): E.Either<FeedFileInvalid, string> =>
  'text' in row ? E.right(row.text) : E.left(invalid(name, row.line, `unreadable line (${row.unreadable})`));

// A feed line of a text line, read once per line on each pass: no combinator in the way (fp-ts' data-last
// `flatMap` copies its arguments on every call).
const lineOf = (name: string, row: TextLine): E.Either<FeedFileInvalid, FeedLine> => {
  const text = decodeTextLine(name, row);
  return E.isLeft(text) ? text : decodeFeedLine(name, row.line, text.right);
};

const announced = (name: string, header: FeedHeader, lines: number): E.Either<FeedFileInvalid, void> =>
  lines === header.lines
    ? E.right(undefined)
    : E.left(invalid(name, lines + 1, `the header announces ${header.lines} lines, the file has ${lines}`));

/** Parses a feed file's text, whole; the first bad line (1-based) is named. The header's line count must match (a cut file fails). */
export const decodeFeed = (name: string, text: string): E.Either<FeedFileInvalid, Feed> => {
  const rows = text.split('\n');
  if (rows.at(-1) === '') rows.pop();
  const first = rows[0];
  if (first === undefined) return E.left(invalid(name, 1, 'empty feed file'));
  const header = decodeFeedHeader(name, first);
  if (E.isLeft(header)) return header;
  const lines: FeedLine[] = [];
  for (let i = 1; i < rows.length; i++) {
    const line = decodeFeedLine(name, i + 1, rows[i]!);
    if (E.isLeft(line)) return line;
    lines.push(line.right);
  }
  const counted = announced(name, header.right, lines.length);
  return E.isLeft(counted) ? counted : E.right({ name, header: header.right, lines });
};

/** What one pass over a feed file tells before anything is applied: its header, its line count, and it is whole. */
export interface FeedSummary {
  readonly name: string;
  readonly header: FeedHeader;
  /** Lines that may need a call: no basis, or a basis other than the quantity (`isFeedCandidate`). */
  readonly candidates: number;
}

/** True for a line that may need a call: without a basis (the ledger or Shopify decides) or with another basis. */
export const isFeedCandidate = (l: FeedLine): boolean => l.basis === null || l.basis !== l.quantity;

/** A feed's lines after its header, read a few at a time (decoded); `close` frees the file. */
export interface FeedLineCursor {
  readonly next: (count: number) => TaskEither<FileStoreError | FeedFileInvalid, ReadonlyArray<FeedLine>>;
  readonly close: () => Promise<void>;
}

const READ_AT_ONCE = 1000;

/** The lines of a feed file (after its header), decoded as they are read. */
export const feedLineCursor =
  (reader: FeedReader, copy: LocalCopy, name: string): TaskEither<FileStoreError | FeedFileInvalid, FeedLineCursor> =>
  async () => {
    const opened = await reader.readFeedLines(copy)();
    if (E.isLeft(opened)) return opened;
    const cursor = opened.right;
    const first = await cursor.next(1)();
    if (E.isLeft(first)) {
      await cursor.close();
      return first;
    }
    return E.right({
      next: (count) => async () => {
        const rows = await cursor.next(count)();
        if (E.isLeft(rows)) return rows;
        const out: FeedLine[] = [];
        for (const row of rows.right) {
          const line = lineOf(name, row);
          if (E.isLeft(line)) return line;
          out.push(line.right);
        }
        return E.right(out);
      },
      close: cursor.close,
    });
  };

// The header of a feed's first text line (none: an empty file).
const headerOf = (name: string, row: TextLine | undefined): E.Either<FeedFileInvalid, FeedHeader> =>
  row === undefined
    ? E.left(invalid(name, 1, 'empty feed file'))
    : E.flatMap(decodeTextLine(name, row), (text) => decodeFeedHeader(name, text));

// Opens a feed file and reads its header; `then` reads on from the same cursor (closed after, whatever happens).
const afterHeader =
  <A>(
    reader: FeedReader,
    copy: LocalCopy,
    name: string,
    then: (header: FeedHeader, cursor: LineCursor) => Promise<E.Either<FileStoreError, E.Either<FeedFileInvalid, A>>>,
  ): TaskEither<FileStoreError, E.Either<FeedFileInvalid, A>> =>
  async () => {
    const opened = await reader.readFeedLines(copy)();
    if (E.isLeft(opened)) return opened;
    const cursor = opened.right;
    try {
      const first = await cursor.next(1)();
      if (E.isLeft(first)) return first;
      const header = headerOf(name, first.right[0]);
      return E.isLeft(header) ? E.right(header) : await then(header.right, cursor);
    } finally {
      await cursor.close();
    }
  };

/**
 * Reads a feed file's first line only: its header, or why it is no feed (`FeedFileInvalid`). What a run resuming a
 * feed reads before applying it, when the feed's first reading is stored with its progress (`FeedScan`).
 */
export const readFeedHeader = (
  reader: FeedReader,
  copy: LocalCopy,
  name: string,
): TaskEither<FileStoreError, E.Either<FeedFileInvalid, FeedHeader>> =>
  afterHeader(reader, copy, name, async (header) => E.right(E.right(header)));

/**
 * Reads a feed file once, line by line (memory flat in its length): its header and how many lines may need a call,
 * or why it cannot be applied (`FeedFileInvalid`, the first bad line named; a cut file fails on its line count).
 */
export const scanFeed = (
  reader: FeedReader,
  copy: LocalCopy,
  name: string,
): TaskEither<FileStoreError, E.Either<FeedFileInvalid, FeedSummary>> =>
  afterHeader(reader, copy, name, async (header, cursor) => {
    let lines = 0;
    let candidates = 0;
    for (;;) {
      const rows = await cursor.next(READ_AT_ONCE)();
      if (E.isLeft(rows)) return rows;
      if (rows.right.length === 0) break;
      for (const r of rows.right) {
        const line = lineOf(name, r);
        if (E.isLeft(line)) return E.right(line);
        lines++;
        if (isFeedCandidate(line.right)) candidates++;
      }
    }
    const counted = announced(name, header, lines);
    return E.right(E.isLeft(counted) ? counted : E.right({ name, header, candidates }));
  });

/** A feed's file name: creation time first, so that the outbox sorts oldest first; ids reduced to safe characters. */
export const feedFileName = (job: FeedJob, facilityGroupId: string, runId: string, at: Date): string => {
  const safe = (s: string) => s.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 80);
  return `${at.toISOString().replace(/[-:.]/g, '')}-${job}-${safe(facilityGroupId)}-${safe(runId)}.jsonl`;
};

/**
 * Writes a job's feed for a channel to the outbox, streamed in pieces, and answers its name; no lines, no feed (null). The one
 * way Hard Sync and Upload recent inventory changes write their feeds.
 */
export const writeFeed = (
  outbox: Pick<FileStore, 'write'>,
  feed: {
    readonly job: FeedJob;
    readonly runId: string;
    readonly facilityGroupId: string;
    readonly channel: { readonly shop: string; readonly locationId: string };
    readonly createdAt: Date;
  },
  lines: ReadonlyArray<FeedLine>,
): TaskEither<FileStoreError, string | null> => {
  if (lines.length === 0) return async () => ({ _tag: 'Right', right: null });
  const name = feedFileName(feed.job, feed.facilityGroupId, feed.runId, feed.createdAt);
  const pieces = feedPieces(
    {
      job: feed.job,
      runId: feed.runId,
      facilityGroupId: feed.facilityGroupId,
      shop: feed.channel.shop,
      locationId: feed.channel.locationId,
      createdAt: feed.createdAt.toISOString(),
    },
    lines,
  );
  const content: FileContent = (async function* () {
    yield* pieces;
  })();
  const write = outbox.write('', name, content);
  return async () => {
    const written = await write();
    return written._tag === 'Left' ? written : { _tag: 'Right', right: name };
  };
};
