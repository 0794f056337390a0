import * as E from 'fp-ts/lib/Either.js';
import type * as RTE from 'fp-ts/lib/ReaderTaskEither.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import { lazily } from './lazily.ts';
import { pipe } from 'fp-ts/lib/function.js';
import { resolveStaleQuantity, type FeedLine } from '../domain/index.ts';
import type { FailedLine, FeedProgress, FrozenBatch, LedgerEntry, PushLedger, SetQuantity } from './push-ledger.ts';
import type { Clock } from './clock.ts';
import { decodeFeed, type Feed, type FeedFileInvalid, type FeedReader } from './feed-file.ts';
import type { FileStore, FileStoreError } from './file-store.ts';
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
  readonly confirmed: LedgerEntry[];
  readonly failed: FailedLine[];
}

interface Tally {
  bulk: number;
  applied: number;
  alreadyEqual: number;
  staleResolved: number;
  calls: number;
  readonly failed: FailedLine[];
}

const processFeed = (
  config: ProcessUploadsConfig,
  deps: ProcessUploadsDeps,
  feed: Feed,
): TE.TaskEither<ProcessUploadsError, FeedReport> => {
  const tally: Tally = { bulk: 0, applied: 0, alreadyEqual: 0, staleResolved: 0, calls: 0, failed: [] };
  const { shop, locationId } = feed.header;
  const entry = (q: { inventoryItemId: string; quantity: number }): LedgerEntry => ({
    inventoryItemId: q.inventoryItemId,
    locationId,
    quantity: q.quantity,
    runId: config.runId,
  });
  const failure = (
    line: number,
    q: { productId: string; inventoryItemId: string },
    code: string,
    message: string,
  ): FailedLine => ({
    feed: feed.name,
    line,
    productId: q.productId,
    inventoryItemId: q.inventoryItemId,
    code,
    message,
  });
  const settle = (nextLine: number, confirmed: ReadonlyArray<LedgerEntry>, failed: ReadonlyArray<FailedLine>) => {
    for (const f of failed) tally.failed.push(f);
    return pipe(
      deps.settleBatch({ feed: feed.name, nextLine, shop, confirmed, failed, at: deps.now() }),
      TE.map(() =>
        deps.progress?.({
          job: 'process-uploads',
          step: `lines of ${feed.name}`,
          done: nextLine,
          total: feed.lines.length,
        }),
      ),
    );
  };
  const lineIndex = (batch: { fromLine: number; toLine: number }) => {
    const index = new Map<string, number>();
    for (let i = batch.fromLine; i < batch.toLine; i++) index.set(feed.lines[i]!.inventoryItemId, i);
    return index;
  };

  // Sends a frozen batch, settles what Shopify took or refused, and sends the raced quantities again (frozen anew)
  // against Shopify's live values, up to `staleRounds` times.
  const send = (batch: FrozenBatch): TE.TaskEither<ProcessUploadsError, void> => {
    const round = roundOf(batch.idempotencyKey);
    const lines = lineIndex(batch);
    return pipe(
      deps.setAvailable({
        idempotencyKey: batch.idempotencyKey,
        reason: config.reason,
        referenceDocumentUri: referenceDocumentUri(feed.name),
        quantities: batch.quantities,
      }),
      TE.chainW(({ outcomes, calls, bulkOperations }) => {
        tally.calls += calls;
        tally.bulk += bulkOperations;
        const confirmed: LedgerEntry[] = [];
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
        if (stale.length === 0) return settle(batch.toLine, confirmed, failed);
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
              if (quantity === now) confirmed.push(entry({ inventoryItemId: q.inventoryItemId, quantity: now }));
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
            if (again.length === 0) return settle(batch.toLine, confirmed, failed);
            const next: FrozenBatch = {
              fromLine: batch.fromLine,
              toLine: batch.toLine,
              idempotencyKey: batchKey(feed.name, batch.fromLine, round + 1),
              quantities: again,
            };
            return pipe(
              settle(batch.fromLine, confirmed, failed),
              TE.chainW(() => deps.freezeBatch(feed.name, next)),
              TE.chainW(() => send(next)),
            );
          }),
        );
      }),
    );
  };

  // Lines that may need a call: those without a basis (the ledger or Shopify decides) and those whose basis differs
  // from their quantity. `candidatesFrom[i]` counts them from line i on, so sizing a batch costs no scan.
  const candidatesFrom = new Int32Array(feed.lines.length + 1);
  const isCandidate = (l: FeedLine): boolean => l.basis === null || l.basis !== l.quantity;
  for (let i = feed.lines.length - 1; i >= 0; i--)
    candidatesFrom[i] = candidatesFrom[i + 1]! + (isCandidate(feed.lines[i]!) ? 1 : 0);

  // When the feed's basis was read: a ledger entry settled after it (a feed applied since, such as a push before
  // this Hard Sync's feed) knows better what Shopify holds.
  const readAt = new Date(feed.header.createdAt);
  const readAtKnown = !Number.isNaN(readAt.getTime());

  // What the lines [from, to) need: a quantity to send, a ledger entry (Shopify already holds it) or a failure. Each
  // line's basis is the ledger's when settled after the feed was made, else the feed's (Hard Sync), else the
  // ledger's, else Shopify's live value.
  const classify = (from: number, to: number, into: Planned): TE.TaskEither<ProcessUploadsError, Planned> => {
    const slice: ReadonlyArray<FeedLine> = feed.lines.slice(from, to);
    const withoutBasis = slice.filter((l) => l.basis === null).map((l) => l.inventoryItemId);
    const withBasis = slice.filter((l) => l.basis !== null).map((l) => l.inventoryItemId);
    return pipe(
      TE.Do,
      TE.bind('ledger', () => (withoutBasis.length === 0 ? TE.right([]) : deps.ledger(shop, locationId, withoutBasis))),
      TE.bind('since', () =>
        withBasis.length === 0 || !readAtKnown ? TE.right([]) : deps.ledger(shop, locationId, withBasis, readAt),
      ),
      TE.chainW(({ ledger, since }) => {
        const known = new Map<string, number>(ledger.map((e) => [e.inventoryItemId, e.quantity]));
        const newer = new Map<string, number>(since.map((e) => [e.inventoryItemId, e.quantity]));
        const unknown = withoutBasis.filter((id) => !known.has(id));
        return pipe(
          unknown.length === 0 ? TE.right([]) : deps.availableOf(locationId, unknown),
          TE.map((levels) => {
            const live = new Map(levels.map((l) => [l.inventoryItemId, l.quantity]));
            slice.forEach((l, i) => {
              const basis =
                newer.get(l.inventoryItemId) ?? l.basis ?? known.get(l.inventoryItemId) ?? live.get(l.inventoryItemId);
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
                into.confirmed.push(entry(l));
                tally.alreadyEqual++;
              } else
                into.quantities.push({
                  productId: l.productId,
                  inventoryItemId: l.inventoryItemId,
                  locationId,
                  quantity: l.quantity,
                  changeFromQuantity: basis,
                });
            });
            return into;
          }),
        );
      }),
    );
  };

  // Plans the batch that starts at `fromLine`: lines are taken until it holds as many quantities to send as Shopify
  // takes at once (a call's worth, or all that is left of a large feed for one bulk operation), so lines Shopify
  // already matches cost no call and never leave a call half empty. They are settled first; the batch is frozen and
  // sent. The batch is cut right after its last candidate line, the same way every time the feed is planned again.
  const plan = (fromLine: number): TE.TaskEither<ProcessUploadsError, void> => {
    const want = Math.max(1, deps.quantitiesAtOnce(candidatesFrom[fromLine]!));
    const planned: Planned = { quantities: [], confirmed: [], failed: [] };
    const take = (pos: number): TE.TaskEither<ProcessUploadsError, number> => {
      if (pos >= feed.lines.length || planned.quantities.length >= want) return TE.right(pos);
      // The next stretch holds exactly as many candidates as the batch still has room for (or the feed's end).
      const need = want - planned.quantities.length;
      let end = pos;
      for (let found = 0; end < feed.lines.length && found < need; end++) if (isCandidate(feed.lines[end]!)) found++;
      return pipe(
        classify(pos, end, planned),
        TE.chainW(() => take(end)),
      );
    };
    return pipe(
      take(fromLine),
      TE.chainW((toLine) => {
        const { quantities, confirmed, failed } = planned;
        if (quantities.length === 0) return settle(toLine, confirmed, failed);
        const batch: FrozenBatch = { fromLine, toLine, idempotencyKey: batchKey(feed.name, fromLine, 0), quantities };
        return pipe(
          confirmed.length + failed.length === 0 ? TE.right(undefined) : settle(fromLine, confirmed, failed),
          TE.chainW(() => deps.freezeBatch(feed.name, batch)),
          TE.chainW(() => send(batch)),
        );
      }),
    );
  };

  const from = (progress: FeedProgress): TE.TaskEither<ProcessUploadsError, void> =>
    progress.pending !== null
      ? pipe(
          send(progress.pending),
          TE.chainW(() => from({ nextLine: progress.pending!.toLine, pending: null })),
        )
      : progress.nextLine >= feed.lines.length
        ? TE.right(undefined)
        : pipe(
            plan(progress.nextLine),
            TE.chainW(() => deps.feedProgress(feed.name)),
            TE.chainW((next) => from(next ?? { nextLine: feed.lines.length, pending: null })),
          );

  return pipe(
    deps.feedProgress(feed.name),
    TE.chainW((progress) =>
      pipe(
        from(progress ?? { nextLine: 0, pending: null }),
        TE.chainW(() => deps.failedLines(feed.name)),
        TE.map((failed) => ({
          feed: feed.name,
          outcome: 'applied' as const,
          lines: feed.lines.length,
          applied: tally.applied,
          alreadyEqual: tally.alreadyEqual,
          staleResolved: tally.staleResolved,
          failed,
          calls: tally.calls,
          bulkOperations: tally.bulk,
          resumed: progress !== null,
        })),
      ),
    ),
  );
};

// The report of a feed that was not applied (unreadable, or for another shop): nothing sent, nothing settled.
const untouched = (feed: string, outcome: 'invalid' | 'other-shop', lines: number): FeedReport => ({
  feed,
  outcome,
  lines,
  applied: 0,
  alreadyEqual: 0,
  staleResolved: 0,
  failed: [],
  calls: 0,
  bulkOperations: 0,
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
    const one = (name: string): TE.TaskEither<ProcessUploadsError, FeedReport> =>
      pipe(
        deps.outbox.fetch('', name),
        TE.chainW((copy) =>
          pipe(
            deps.readFeedText(copy),
            TE.chainFirstTaskK(() => () => copy.release().catch(() => undefined)),
          ),
        ),
        TE.chainW((text) =>
          pipe(
            decodeFeed(name, text),
            E.match(
              (invalid): TE.TaskEither<ProcessUploadsError, FeedReport> =>
                pipe(
                  deps.outbox.move('', FEED_ERROR_FOLDER, name),
                  TE.map(() => ({ ...untouched(name, 'invalid', 0), invalid })),
                ),
              (feed): TE.TaskEither<ProcessUploadsError, FeedReport> =>
                // A feed for another shop must never reach this one: it waits for a run connected to its shop.
                feed.header.shop !== deps.shop
                  ? TE.right(untouched(name, 'other-shop', feed.lines.length))
                  : pipe(
                      processFeed(config, deps, feed),
                      TE.chainFirstW(() => deps.outbox.move('', FEED_ARCHIVE_FOLDER, name)),
                    ),
            ),
          ),
        ),
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
