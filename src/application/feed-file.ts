import * as E from 'fp-ts/lib/Either.js';
import type { TaskEither } from 'fp-ts/lib/TaskEither.js';
import * as t from 'io-ts';
import type { FeedLine } from '../domain/index.ts';
import type { FileStore, FileStoreError, LocalCopy } from './file-store.ts';

/**
 * Feed files: what Hard Sync and Upload recent inventory changes write to the outbox and Process uploads applies.
 * JSON Lines: a header object, then one `FeedLine` object per line. A feed is written whole (the file store's
 * `write` never shows a half-written file) and never changed afterwards, so a line's index is a stable address for
 * Process uploads' progress.
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

/** Reading a feed file's text from a local copy: the one piece of file I/O Process uploads needs besides the store. */
export interface FeedReader {
  readonly readFeedText: (copy: LocalCopy) => TaskEither<FileStoreError, string>;
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

/** The text of a feed file. */
export const encodeFeed = (header: Omit<FeedHeader, 'format' | 'lines'>, lines: ReadonlyArray<FeedLine>): string => {
  const out: string[] = [JSON.stringify({ format: 'oms-inventory-sync/feed@1', ...header, lines: lines.length })];
  for (const l of lines)
    out.push(
      JSON.stringify({
        productId: l.productId,
        inventoryItemId: l.inventoryItemId,
        locationId: l.locationId,
        quantity: l.quantity,
        basis: l.basis,
      }),
    );
  return `${out.join('\n')}\n`;
};

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

/** Parses a feed file's text; the first bad line (1-based) is named. The header's line count must match (a cut file fails). */
export const decodeFeed = (name: string, text: string): E.Either<FeedFileInvalid, Feed> => {
  const rows = text.split('\n');
  if (rows.at(-1) === '') rows.pop();
  const first = rows[0];
  if (first === undefined) return E.left(invalid(name, 1, 'empty feed file'));
  const header = parseJson(first);
  if (E.isLeft(header)) return E.left(invalid(name, 1, `header: ${header.left}`));
  const decodedHeader = FeedHeaderCodec.decode(header.right);
  if (E.isLeft(decodedHeader)) return E.left(invalid(name, 1, 'header: not an oms-inventory-sync feed header'));
  const lines: FeedLine[] = [];
  for (let i = 1; i < rows.length; i++) {
    const value = parseJson(rows[i]!);
    if (E.isLeft(value)) return E.left(invalid(name, i + 1, value.left));
    const line = FeedLineCodec.decode(value.right);
    if (E.isLeft(line))
      return E.left(
        invalid(name, i + 1, 'not a feed line (productId, inventoryItemId, locationId, whole quantity >= 0, basis)'),
      );
    lines.push(line.right);
  }
  if (lines.length !== decodedHeader.right.lines) {
    return E.left(
      invalid(
        name,
        rows.length,
        `the header announces ${decodedHeader.right.lines} lines, the file has ${lines.length}`,
      ),
    );
  }
  return E.right({ name, header: decodedHeader.right, lines });
};

/** A feed's file name: creation time first, so that the outbox sorts oldest first; ids reduced to safe characters. */
export const feedFileName = (job: FeedJob, facilityGroupId: string, runId: string, at: Date): string => {
  const safe = (s: string) => s.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 80);
  return `${at.toISOString().replace(/[-:.]/g, '')}-${job}-${safe(facilityGroupId)}-${safe(runId)}.jsonl`;
};

/**
 * Writes a job's feed for a channel to the outbox, whole, and answers its name; no lines, no feed (null). The one
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
  const text = encodeFeed(
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
  const write = outbox.write('', name, text);
  return async () => {
    const written = await write();
    return written._tag === 'Left' ? written : { _tag: 'Right', right: name };
  };
};
