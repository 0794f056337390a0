import * as E from 'fp-ts/lib/Either.js';
import type * as RTE from 'fp-ts/lib/ReaderTaskEither.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import { lazily } from './lazily.ts';
import { pipe } from 'fp-ts/lib/function.js';
import { resolveStaleQuantity, type FeedLine } from '../domain/index.ts';
import type {
  FailedLine,
  FeedProgress,
  FeedScan,
  FrozenBatch,
  PushLedger,
  SetQuantity,
  SettledEntry,
} from './push-ledger.ts';
import type { Clock } from './clock.ts';
import {
  feedLineCursor,
  isFeedCandidate,
  readFeedHeader,
  scanFeed,
  type FeedFileInvalid,
  type FeedLineCursor,
  type FeedReader,
  type FeedSummary,
} from './feed-file.ts';
import type { FileStore, FileStoreError, LocalCopy } from './file-store.ts';
import type { StoreError } from './store-error.ts';
import type { Progress } from './progress.ts';
import type { ShopifyError, ShopifyInventory } from './shopify-inventory.ts';

/** How Process uploads applies feeds; `defaultProcessUploadsConfig` has the documented defaults. */
export interface ProcessUploadsConfig {
  readonly runId: string;
  /** The `reason` Shopify records (one of its reason codes). */
  readonly reason: string;
  /** How many times a quantity raced by Shopify-side sales is re-read and re-sent before it is reported failed. */
  readonly staleRounds: number;
}

/** The defaults: reason `correction`, three rounds against racing sales. */
export const defaultProcessUploadsConfig = (runId: string): ProcessUploadsConfig => ({
  runId,
  reason: 'correction',
  staleRounds: 3,
});

/** The outbox folders: feeds wait at its root, applied ones move to `archive/`, unreadable ones to `error/`. */
export const FEED_ARCHIVE_FOLDER = 'archive';
export const FEED_ERROR_FOLDER = 'error';

/** What became of one feed. */
export interface FeedReport {
  readonly feed: string;
  /** `other-shop`: the feed is for another shop than this connection's; it stays in the outbox for that shop's run. */
  readonly outcome: 'applied' | 'invalid' | 'other-shop';
  readonly lines: number;
  /** Quantities Shopify took. */
  readonly applied: number;
  /** Lines whose quantity Shopify already held (by the ledger or the feed's basis): no call made for them. */
  readonly alreadyEqual: number;
  /** Quantities raced by a Shopify-side sale and settled by the stale policy (`resolveStaleQuantity`). */
  readonly staleResolved: number;
  readonly failed: ReadonlyArray<FailedLine>;
  /** `inventorySetQuantities` requests sent for this feed by this run (retries and resends included). */
  readonly calls: number;
  /** Bulk mutations run for this feed by this run (a bulk mutation sets up to ~1,800 calls' worth). */
  readonly bulkOperations: number;
  /** Whether this run continued a feed an earlier run had started. */
  readonly resumed: boolean;
  readonly invalid?: FeedFileInvalid;
}

/** The report of a run. */
export interface ProcessUploadsReport {
  readonly runId: string;
  readonly feeds: ReadonlyArray<FeedReport>;
  readonly applied: number;
  readonly failed: number;
  readonly calls: number;
  readonly startedAt: Date;
  readonly durationMs: number;
}

/** The ports Process uploads uses. */
export type ProcessUploadsDeps = PushLedger &
  ShopifyInventory &
  FeedReader & { readonly outbox: FileStore } & Clock &
  Progress;

/** What stops a run; everything settled before it stays settled, and a rerun resumes at the first unsettled batch. */
export type ProcessUploadsError = StoreError | ShopifyError | FileStoreError;

/** Where Shopify's inventory history points for a feed's changes. */
export const referenceDocumentUri = (feed: string): string =>
  `gid://oms-inventory-sync/InventoryFeed/${encodeURIComponent(feed)}`;

// A batch's key names the feed, its first line and the stale round: a rerun resends the frozen batch under the key
// it was frozen with, and a different payload never gets a key that was used before.
const batchKey = (feed: string, fromLine: number, round: number): string =>
  `oms-inventory-sync:${feed}:${fromLine}:${round}`;
const roundOf = (key: string): number => Number(/:(\d+)$/.exec(key)?.[1] ?? 0);

interface Planned {
  readonly quantities: SetQuantity[];
  confirmed: SettledEntry[];
  failed: FailedLine[];
  /** The line index of each quantity's item. */
  readonly lines: Map<string, number>;
}

/** What is left to settle of a batch once Shopify answered it: the ledger entries, the failures, the line after it. */
interface Settlement {
  readonly nextLine: number;
  readonly confirmed: ReadonlyArray<SettledEntry>;
  readonly failed: ReadonlyArray<FailedLine>;
}

/** A batch planned and not yet frozen: sent once the batch before it is settled, in the same transaction. */
interface Ready {
  readonly batch: FrozenBatch;
  readonly lines: ReadonlyMap<string, number>;
  readonly confirmed: ReadonlyArray<SettledEntry>;
  readonly failed: ReadonlyArray<FailedLine>;
}

interface Tally {
  bulk: number;
  applied: number;
  alreadyEqual: number;
  staleResolved: number;
  calls: number;
}

// The most lines classified at once, and the most ledger entries or failures held before they are settled: a batch
// of a bulk operation spans many lines, and none of them is held longer than needed.
const STRETCH_LINES = 10_000;
const SETTLE_AT_ONCE = 5000;

// The feed being applied: its summary, its first reading (stored with its progress), how far earlier runs got with it,
// and a cursor that reads its lines forward from where the feed is.
interface FeedSource {
  readonly summary: FeedSummary;
  readonly scan: FeedScan;
  readonly progress: FeedProgress | null;
  readonly open: () => TE.TaskEither<ProcessUploadsError, FeedLineCursor>;
}

type Step<A> = Promise<E.Either<ProcessUploadsError, A>>;

const noneYet = (): Tally => ({ bulk: 0, applied: 0, alreadyEqual: 0, staleResolved: 0, calls: 0 });

// Applies a feed, counting into `tally` (the caller's: what a run that stops did is still counted if the feed is
// applied again, or refused, in the same run).
const processFeed = (
  config: ProcessUploadsConfig,
  deps: ProcessUploadsDeps,
  source: FeedSource,
  tally: Tally,
): TE.TaskEither<ProcessUploadsError, FeedReport> => {
  const { name: feedName, header } = source.summary;
  const { scan, progress } = source;
  const total = header.lines;
  const { shop, locationId } = header;
  // `knownAt`: when Shopify was seen holding the quantity, if before the settlement (a basis read then).
  const entry = (q: { inventoryItemId: string; quantity: number }, knownAt?: Date): SettledEntry => ({
    inventoryItemId: q.inventoryItemId,
    locationId,
    quantity: q.quantity,
    runId: config.runId,
    ...(knownAt === undefined ? {} : { knownAt }),
  });
  const failure = (
    line: number,
    q: { productId: string; inventoryItemId: string },
    code: string,
    message: string,
  ): FailedLine => ({
    feed: feedName,
    line,
    productId: q.productId,
    inventoryItemId: q.inventoryItemId,
    code,
    message,
  });
  const settle = (
    nextLine: number,
    confirmed: ReadonlyArray<SettledEntry>,
    failed: ReadonlyArray<FailedLine>,
    next?: FrozenBatch,
  ) =>
    pipe(
      deps.settleBatch({
        feed: feedName,
        nextLine,
        shop,
        confirmed,
        failed,
        at: deps.now(),
        scan,
        ...(next === undefined ? {} : { next }),
      }),
      TE.map(() => deps.progress?.({ job: 'process-uploads', step: `lines of ${feedName}`, done: nextLine, total })),
    );

  // Sends a frozen batch and reads what Shopify took or refused; the raced quantities go again (settled so far and
  // frozen anew, in one transaction) against Shopify's live values, up to `staleRounds` times. Answers what is left
  // to settle (the caller settles it, with the next batch frozen in the same transaction). `lines` maps the batch's
  // items to their line index.
  const send = (
    batch: FrozenBatch,
    lines: ReadonlyMap<string, number>,
  ): TE.TaskEither<ProcessUploadsError, Settlement> => {
    const round = roundOf(batch.idempotencyKey);
    return pipe(
      deps.setAvailable({
        idempotencyKey: batch.idempotencyKey,
        reason: config.reason,
        referenceDocumentUri: referenceDocumentUri(feedName),
        quantities: batch.quantities,
      }),
      TE.chainW(({ outcomes, calls, bulkOperations }) => {
        tally.calls += calls;
        tally.bulk += bulkOperations;
        const confirmed: SettledEntry[] = [];
        const failed: FailedLine[] = [];
        const stale: SetQuantity[] = [];
        for (const o of outcomes) {
          if (o.status === 'applied') {
            confirmed.push(entry(o.quantity));
            tally.applied++;
          } else if (o.status === 'stale') stale.push(o.quantity);
          else
            failed.push(
              failure(lines.get(o.quantity.inventoryItemId) ?? batch.fromLine, o.quantity, o.code, o.message),
            );
        }
        const done: Settlement = { nextLine: batch.toLine, confirmed, failed };
        if (stale.length === 0) return TE.right(done);
        const readLive = deps.now();
        return pipe(
          deps.availableOf(
            locationId,
            stale.map((q) => q.inventoryItemId),
          ),
          TE.chainW((levels) => {
            const live = new Map(levels.map((l) => [l.inventoryItemId, l.quantity]));
            const again: SetQuantity[] = [];
            for (const q of stale) {
              const now = live.get(q.inventoryItemId);
              const line = lines.get(q.inventoryItemId) ?? batch.fromLine;
              if (now === undefined) {
                failed.push(
                  failure(line, q, 'ITEM_NOT_STOCKED_AT_LOCATION', 'the item is no longer stocked at the location'),
                );
                continue;
              }
              tally.staleResolved++;
              const quantity =
                now === q.quantity
                  ? now
                  : resolveStaleQuantity({ target: q.quantity, basis: q.changeFromQuantity ?? now, live: now });
              if (quantity === now)
                confirmed.push(entry({ inventoryItemId: q.inventoryItemId, quantity: now }, readLive));
              else if (round + 1 > config.staleRounds)
                failed.push(
                  failure(
                    line,
                    q,
                    'CHANGE_FROM_QUANTITY_STALE',
                    `Shopify's quantity kept changing during ${config.staleRounds} attempts; it now holds ${now}`,
                  ),
                );
              else again.push({ ...q, quantity, changeFromQuantity: now });
            }
            if (again.length === 0) return TE.right(done);
            const next: FrozenBatch = {
              fromLine: batch.fromLine,
              toLine: batch.toLine,
              idempotencyKey: batchKey(feedName, batch.fromLine, round + 1),
              quantities: again,
            };
            return pipe(
              settle(batch.fromLine, confirmed, failed, next),
              TE.chainW(() => send(next, lines)),
            );
          }),
        );
      }),
    );
  };

  // When the feed's basis was read: a ledger entry settled after it (a feed applied since, such as a push before
  // this Hard Sync's feed) knows better what Shopify holds.
  const readAt = new Date(header.createdAt);
  const readAtKnown = !Number.isNaN(readAt.getTime());

  // What the lines of `slice` (the first at index `from`) need: a quantity to send, a ledger entry (Shopify already
  // holds it) or a failure. Each line's basis is the ledger's when settled after the feed was made, else the feed's
  // (Hard Sync), else the ledger's, else Shopify's live value.
  const classify = (
    from: number,
    slice: ReadonlyArray<FeedLine>,
    into: Planned,
  ): TE.TaskEither<ProcessUploadsError, Planned> => {
    const withoutBasis = slice.filter((l) => l.basis === null).map((l) => l.inventoryItemId);
    const withBasis = slice.filter((l) => l.basis !== null).map((l) => l.inventoryItemId);
    return pipe(
      TE.Do,
      TE.bind('ledger', () => (withoutBasis.length === 0 ? TE.right([]) : deps.ledger(shop, locationId, withoutBasis))),
      // The entries of the lines with a basis, with when each was known: those known after the feed was made stand
      // for its basis, and a line found equal to what one holds already writes nothing.
      TE.bind('held', () => (withBasis.length === 0 ? TE.right([]) : deps.knownLedger(shop, locationId, withBasis))),
      TE.chainW(({ ledger, held }) => {
        const known = new Map<string, number>(ledger.map((e) => [e.inventoryItemId, e.quantity]));
        const holds = new Map<string, number>(held.map((e) => [e.inventoryItemId, e.quantity]));
        const newer = new Map<string, number>(
          readAtKnown
            ? held.filter((e) => e.knownAt.getTime() > readAt.getTime()).map((e) => [e.inventoryItemId, e.quantity])
            : [],
        );
        const unknown = withoutBasis.filter((id) => !known.has(id));
        const readLive = deps.now();
        return pipe(
          unknown.length === 0 ? TE.right([]) : deps.availableOf(locationId, unknown),
          TE.map((levels) => {
            const live = new Map(levels.map((l) => [l.inventoryItemId, l.quantity]));
            slice.forEach((l, i) => {
              const fromLedger =
                newer.get(l.inventoryItemId) ?? (l.basis === null ? known.get(l.inventoryItemId) : undefined);
              const basis = fromLedger ?? l.basis ?? live.get(l.inventoryItemId);
              if (basis === undefined)
                into.failed.push(
                  failure(
                    from + i,
                    l,
                    'ITEM_NOT_STOCKED_AT_LOCATION',
                    'Shopify holds no inventory level of the item at the location',
                  ),
                );
              else if (basis === l.quantity) {
                // Equal: the ledger learns it as of when the basis was read (a feed's basis, when the feed was made;
                // Shopify's live value, just now), so that it never stands in for a later read. A basis from the
                // ledger is in it already.
                if (fromLedger === undefined && l.basis === null) into.confirmed.push(entry(l, readLive));
                else if (fromLedger === undefined && readAtKnown && holds.get(l.inventoryItemId) !== l.quantity)
                  into.confirmed.push(entry(l, readAt));
                tally.alreadyEqual++;
              } else {
                into.quantities.push({
                  productId: l.productId,
                  inventoryItemId: l.inventoryItemId,
                  locationId,
                  quantity: l.quantity,
                  changeFromQuantity: basis,
                });
                into.lines.set(l.inventoryItemId, from + i);
              }
            });
            return into;
          }),
        );
      }),
    );
  };

  // The feed read forward, one line at a time from a buffer of what the cursor read: `at` is the index of the next
  // line, `candidatesSeen` counts the lines before it that may need a call (`isFeedCandidate`).
  const reading = (cursor: FeedLineCursor) => {
    let buffer: ReadonlyArray<FeedLine> = [];
    let offset = 0;
    const state = { at: 0, candidatesSeen: 0 };
    const peek = async (): Step<FeedLine | null> => {
      if (offset < buffer.length) return E.right(buffer[offset]!);
      if (state.at >= total) return E.right(null);
      const rows = await cursor.next(1000)();
      if (E.isLeft(rows)) return E.left(rows.left._tag === 'FeedFileInvalid' ? changed(rows.left) : rows.left);
      // Lines past the count the header announces: the file goes on where it ended when read first.
      if (state.at + rows.right.length > total) return E.left(longer());
      buffer = rows.right;
      offset = 0;
      return E.right(buffer[0] ?? null);
    };
    // After the last line the header announces, the file ends (a whole reading first checked it; a resumed run's
    // stored one did).
    const ended = async (): Step<void> => {
      const rows = await cursor.next(1)();
      if (E.isLeft(rows)) return E.left(rows.left._tag === 'FeedFileInvalid' ? changed(rows.left) : rows.left);
      return rows.right.length === 0 ? E.right(undefined) : E.left(longer());
    };
    const take = async (): Step<FeedLine | null> => {
      const line = await peek();
      if (E.isRight(line) && line.right !== null) {
        offset++;
        state.at++;
        if (isFeedCandidate(line.right)) state.candidatesSeen++;
        if (state.at === total) {
          const end = await ended();
          if (E.isLeft(end)) return end;
        }
      }
      return line;
    };
    // Reads past the lines before `index` (settled by an earlier run), or the lines [at, index) into `into`.
    const to = async (index: number, into?: FeedLine[]): Step<void> => {
      while (state.at < index) {
        const line = await take();
        if (E.isLeft(line)) return line;
        if (line.right === null) return E.left(cut(index));
        into?.push(line.right);
      }
      return E.right(undefined);
    };
    return { state, take, peek, to };
  };
  // The feed was whole when scanned: a line missing now, or one past the count its header announces, means the
  // file changed under the run.
  const cut = (index: number): ProcessUploadsError => ({
    _tag: 'FileStoreFailed',
    store: 'outbox',
    operation: 'readFeedLines',
    path: feedName,
    reason: `the feed ended before line ${index + 2}, though it was whole when read first`,
    retriable: true,
  });
  const longer = (): ProcessUploadsError => ({
    _tag: 'FileStoreFailed',
    store: 'outbox',
    operation: 'readFeedLines',
    path: feedName,
    reason: `the feed goes on after line ${total + 1}, the last its header announces, though it ended there when read first`,
    retriable: true,
  });

  // The batch in flight (at most one: the store holds one pending batch per feed) and its answer, settled by the
  // next write of the feed's progress, in order: the next batch is read and classified while this one's calls are in
  // flight, and frozen in the transaction that settles it. `items` are its quantities' items: a line of the next batch
  // about one of them is classified only once it is settled (its ledger entry is that line's basis).
  // A batch sent by bulk mutation is not looked past: one such batch is held in memory at a time.
  let inFlight: {
    readonly answer: Step<Settlement>;
    readonly items: ReadonlySet<string>;
    readonly bulk: boolean;
  } | null = null;
  const sendNow = (batch: FrozenBatch, lines: ReadonlyMap<string, number>): void => {
    inFlight = {
      answer: send(batch, lines)(),
      items: new Set(batch.quantities.map((q) => q.inventoryItemId)),
      bulk: deps.setsInBulk(batch.quantities.length),
    };
  };
  // Settles these lines at `nextLine`, and the batch in flight first (in the same transaction, once answered);
  // freezes `next` with them. Nothing to settle: `next` is frozen alone.
  const write = async (
    nextLine: number,
    confirmed: ReadonlyArray<SettledEntry>,
    failed: ReadonlyArray<FailedLine>,
    next?: FrozenBatch,
  ): Step<void> => {
    const flying = inFlight;
    inFlight = null;
    const answered: E.Either<ProcessUploadsError, Settlement | null> =
      flying === null ? E.right(null) : await flying.answer;
    if (E.isLeft(answered)) return answered;
    const owed = answered.right;
    if (owed === null && confirmed.length + failed.length === 0)
      return next === undefined ? E.right(undefined) : deps.freezeBatch(feedName, next, scan)();
    return settle(
      Math.max(nextLine, owed?.nextLine ?? 0),
      owed === null ? confirmed : [...owed.confirmed, ...confirmed],
      owed === null ? failed : [...owed.failed, ...failed],
      next,
    )();
  };

  // Plans the batch that starts at the reader's line: lines are taken until it holds as many quantities to send as
  // Shopify takes at once (a call's worth, or a large share of a large feed for one bulk operation), so lines Shopify
  // already matches cost no call and never leave a call half empty. They are settled first (in pieces, at the
  // batch's first line, once the batch in flight is settled); the batch is answered, to be frozen and sent. The batch
  // is cut right after its last candidate line, the same way every time the feed is planned again.
  const plan = async (reader: ReturnType<typeof reading>): Step<Ready | null> => {
    const fromLine = reader.state.at;
    if (inFlight?.bulk === true) {
      const settled = await write(fromLine, [], []);
      if (E.isLeft(settled)) return settled;
    }
    const want = Math.max(1, deps.quantitiesAtOnce(source.summary.candidates - reader.state.candidatesSeen));
    const planned: Planned = { quantities: [], confirmed: [], failed: [], lines: new Map() };
    while (planned.quantities.length < want && reader.state.at < total) {
      // The next stretch holds as many candidates as the batch still has room for (or the feed's end), at most
      // STRETCH_LINES lines.
      const need = want - planned.quantities.length;
      const from = reader.state.at;
      const slice: FeedLine[] = [];
      for (let found = 0; found < need && slice.length < STRETCH_LINES && reader.state.at < total; ) {
        const line = await reader.take();
        if (E.isLeft(line)) return line;
        if (line.right === null) return E.left(cut(reader.state.at));
        slice.push(line.right);
        if (isFeedCandidate(line.right)) found++;
      }
      // A line about an item of the batch in flight waits for its answer to be settled.
      const flying: { readonly items: ReadonlySet<string> } | null = inFlight;
      if (flying !== null && slice.some((l) => flying.items.has(l.inventoryItemId))) {
        const settled = await write(fromLine, [], []);
        if (E.isLeft(settled)) return settled;
      }
      const classified = await classify(from, slice, planned)();
      if (E.isLeft(classified)) return classified;
      if (planned.confirmed.length + planned.failed.length >= SETTLE_AT_ONCE) {
        const settled = await write(fromLine, planned.confirmed, planned.failed);
        if (E.isLeft(settled)) return settled;
        planned.confirmed = [];
        planned.failed = [];
      }
    }
    const toLine = reader.state.at;
    const { quantities, confirmed, failed } = planned;
    if (quantities.length === 0) {
      const settled = await write(toLine, confirmed, failed);
      return E.isLeft(settled) ? settled : E.right(null);
    }
    const batch: FrozenBatch = { fromLine, toLine, idempotencyKey: batchKey(feedName, fromLine, 0), quantities };
    return E.right({ batch, lines: planned.lines, confirmed, failed });
  };

  // Resumes at the batch an earlier run froze and did not settle (resent unchanged), then plans batch after batch,
  // each while the one before is in flight.
  const apply = async (cursor: FeedLineCursor): Step<void> => {
    const reader = reading(cursor);
    if (progress?.pending != null) {
      const pending = progress.pending;
      const skipped = await reader.to(pending.fromLine);
      if (E.isLeft(skipped)) return skipped;
      const span: FeedLine[] = [];
      const read = await reader.to(pending.toLine, span);
      if (E.isLeft(read)) return read;
      const lines = new Map<string, number>();
      for (const [i, l] of span.entries()) lines.set(l.inventoryItemId, pending.fromLine + i);
      sendNow(pending, lines);
    } else {
      const skipped = await reader.to(progress?.nextLine ?? 0);
      if (E.isLeft(skipped)) return skipped;
    }
    while (reader.state.at < total) {
      const planned = await plan(reader);
      if (E.isLeft(planned)) return andSettled(planned);
      const ready = planned.right;
      if (ready === null) continue;
      // The batch before settled and this one frozen in one transaction, then sent.
      const frozen = await write(ready.batch.fromLine, ready.confirmed, ready.failed, ready.batch);
      if (E.isLeft(frozen)) return frozen;
      sendNow(ready.batch, ready.lines);
    }
    return write(total, [], []);
  };
  // A run that stops while a batch is in flight still settles what that batch's answer says, when it came, and
  // stops with its own error.
  const andSettled = async (failure: E.Left<ProcessUploadsError>): Step<void> => {
    if (inFlight === null) return failure;
    const settled = await write(0, [], []);
    return E.isLeft(settled) ? settled : failure;
  };

  return pipe(
    TE.bracketW(
      source.open(),
      (cursor) => () => apply(cursor),
      (cursor) => TE.fromTask(() => cursor.close()),
    ),
    TE.chainW(() => deps.failedLines(feedName)),
    TE.map((failed) => ({
      feed: feedName,
      outcome: 'applied' as const,
      lines: total,
      applied: tally.applied,
      alreadyEqual: tally.alreadyEqual,
      staleResolved: tally.staleResolved,
      failed,
      calls: tally.calls,
      bulkOperations: tally.bulk,
      resumed: progress !== null,
    })),
  );
};

// What the forward reading says when the feed is not the file it read first (a line changed, the file cut or longer).
const readsOtherwise = (e: ProcessUploadsError): boolean =>
  e._tag === 'FileStoreFailed' && e.store === 'outbox' && e.operation === 'readFeedLines';

// A feed line that reads differently the second time: the file changed under the run (an outbox is never changed).
const changed = (e: FeedFileInvalid): ProcessUploadsError => ({
  _tag: 'FileStoreFailed',
  store: 'outbox',
  operation: 'readFeedLines',
  path: e.file,
  reason: `line ${e.line} changed since the feed was read first: ${e.reason}`,
  retriable: true,
});

// The report of a feed that was not applied (unreadable, or for another shop): nothing settled, and nothing sent but
// what this run sent before it found a resumed feed changed (`tally`).
const untouched = (
  feed: string,
  outcome: 'invalid' | 'other-shop',
  lines: number,
  tally: Tally = noneYet(),
): FeedReport => ({
  feed,
  outcome,
  lines,
  applied: tally.applied,
  alreadyEqual: tally.alreadyEqual,
  staleResolved: tally.staleResolved,
  failed: [],
  calls: tally.calls,
  bulkOperations: tally.bulk,
  resumed: false,
});

/** True for a file name Process uploads applies: a `.jsonl` feed that is not a temporary name. */
export const isFeedName = (name: string): boolean => /\.jsonl$/i.test(name) && !/^[.~]/.test(name);

/**
 * Process uploads to eCommerce: applies the outbox's feeds to Shopify, oldest first, in batches of what Shopify takes
 * at once (`quantitiesAtOnce`: a call's worth, or the rest of a large feed for a bulk operation), then archives each.
 * Lines Shopify already holds are dropped before batches are cut, so N changed lines cost ceil(N / 250) calls however
 * many lines the feed has.
 * Every batch is frozen in the store before it is sent and settled (ledger, failures, progress) in one transaction
 * after, and its idempotency key is fixed by the feed and line: a run that died mid-feed resumes at the unsettled
 * batch and resends it unchanged, so Shopify applies nothing twice. A feed that cannot be read goes to `error/`; a
 * failed line is reported and never blocks the rest of its batch.
 */
export const processUploads = (
  config: ProcessUploadsConfig,
): RTE.ReaderTaskEither<ProcessUploadsDeps, ProcessUploadsError, ProcessUploadsReport> =>
  lazily((deps) => {
    const startedAt = deps.now();
    // A feed is read whole before anything of it is applied (a cut or bad file goes to error/ untouched), then
    // forward from where its progress stands. That first reading is stored with the feed's progress: a run resuming
    // the feed reads its header only (an outbox file is never changed, and the forward reading still refuses a line
    // that reads differently, or a file cut or longer than its header announces).
    const one = (name: string): TE.TaskEither<ProcessUploadsError, FeedReport> =>
      TE.bracketW(
        deps.outbox.fetch('', name),
        (copy) =>
          pipe(
            deps.feedProgress(name),
            TE.chainW((progress) =>
              progress === null || progress.scan === null
                ? scanned(copy, name, progress, noneYet())
                : resumed(copy, name, progress, progress.scan),
            ),
          ),
        (copy) => TE.fromTask(() => copy.release().catch(() => undefined)),
      );
    // The feed read whole first (a feed never started, or progress written before the first reading was stored).
    const scanned = (
      copy: LocalCopy,
      name: string,
      progress: FeedProgress | null,
      tally: Tally,
    ): TE.TaskEither<ProcessUploadsError, FeedReport> =>
      pipe(
        scanFeed(deps, copy, name),
        TE.chainW(
          E.match(
            (invalid): TE.TaskEither<ProcessUploadsError, FeedReport> =>
              pipe(
                deps.outbox.move('', FEED_ERROR_FOLDER, name),
                TE.map(() => ({ ...untouched(name, 'invalid', 0, tally), invalid })),
              ),
            (summary) =>
              applied(copy, summary, progress, { lines: summary.header.lines, candidates: summary.candidates }, tally),
          ),
        ),
      );
    // A feed whose first reading is stored: its header only. A header that no longer reads or announces another line
    // count, or a forward reading that finds the file changed, sends it the way of a feed never read: read whole,
    // applied from where it stands if it still reads whole, to error/ if not.
    const resumed = (
      copy: LocalCopy,
      name: string,
      progress: FeedProgress,
      scan: FeedScan,
    ): TE.TaskEither<ProcessUploadsError, FeedReport> => {
      const tally = noneYet();
      return pipe(
        readFeedHeader(deps, copy, name),
        TE.chainW((header) =>
          E.isLeft(header) || header.right.lines !== scan.lines
            ? scanned(copy, name, progress, tally)
            : pipe(
                applied(copy, { name, header: header.right, candidates: scan.candidates }, progress, scan, tally),
                TE.orElseW((e) =>
                  readsOtherwise(e)
                    ? pipe(
                        deps.feedProgress(name),
                        TE.chainW((now) => scanned(copy, name, now, tally)),
                      )
                    : TE.left(e),
                ),
              ),
        ),
      );
    };
    const applied = (
      copy: LocalCopy,
      summary: FeedSummary,
      progress: FeedProgress | null,
      scan: FeedScan,
      tally: Tally,
    ): TE.TaskEither<ProcessUploadsError, FeedReport> =>
      // A feed for another shop must never reach this one: it waits for a run connected to its shop.
      summary.header.shop !== deps.shop
        ? TE.right(untouched(summary.name, 'other-shop', summary.header.lines))
        : pipe(
            processFeed(
              config,
              deps,
              {
                summary,
                scan,
                progress,
                open: () =>
                  pipe(
                    feedLineCursor(deps, copy, summary.name),
                    TE.mapLeft((e): ProcessUploadsError => (e._tag === 'FeedFileInvalid' ? changed(e) : e)),
                  ),
              },
              tally,
            ),
            TE.chainFirstW(() => deps.outbox.move('', FEED_ARCHIVE_FOLDER, summary.name)),
          );
    const all = (names: ReadonlyArray<string>, done: FeedReport[]): TE.TaskEither<ProcessUploadsError, FeedReport[]> =>
      names.length === 0
        ? TE.right(done)
        : pipe(
            one(names[0]!),
            TE.chain((r) => all(names.slice(1), [...done, r])),
          );
    return pipe(
      deps.outbox.list(''),
      TE.map((files) =>
        files
          .map((f) => f.name)
          .filter(isFeedName)
          .sort(),
      ),
      TE.chainW((names) => all(names, [])),
      TE.map((feeds) => ({
        runId: config.runId,
        feeds,
        applied: feeds.reduce((n, f) => n + f.applied, 0),
        failed: feeds.reduce((n, f) => n + f.failed.length, 0),
        calls: feeds.reduce((n, f) => n + f.calls, 0),
        startedAt,
        durationMs: deps.now().getTime() - startedAt.getTime(),
      })),
    );
  });
