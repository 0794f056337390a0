import type * as RTE from 'fp-ts/lib/ReaderTaskEither.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import { lazily } from './lazily.ts';
import { pipe } from 'fp-ts/lib/function.js';
import { detectChanges, type ChangeRejection, type FeedLine } from '../domain/index.ts';
import {
  channelOf,
  deltaConsumer,
  foldPages,
  withoutSharedItems,
  targetsOf,
  type ChannelError,
  type SharedInventoryItem,
} from './channel-sync.ts';
import type { Catalogue } from './catalogue.ts';
import type { ChangeLog, ProductChange } from './change-log.ts';
import type { PushLedger } from './push-ledger.ts';
import type { Clock } from './clock.ts';
import { writeFeed } from './feed-file.ts';
import type { FileStore, FileStoreError } from './file-store.ts';
import type { StoreError } from './store-error.ts';

/** Parameters of an "Upload recent inventory changes" run. */
export interface PushChangesConfig {
  readonly facilityGroupId: string;
  readonly runId: string;
  /** Changed products handled per page. */
  readonly pageSize: number;
}

/** What a run did. */
export interface PushChangesReport {
  readonly runId: string;
  readonly facilityGroupId: string;
  /** The feed written, or null when no online ATP differs from the ledger (no change, no call). */
  readonly feed: string | null;
  /** Products changed since the last run. */
  readonly changedProducts: number;
  /**
   * The ledger range the run covered: every change numbered above `after` (null: the group's first run, every change)
   * and up to `through` (the head read at the start). A change numbered above `through` was taken too when it had
   * landed before its product was read; it is taken again by the next run, which finds it unchanged.
   */
  readonly ledger: { readonly after: number | null; readonly through: number };
  /** Of those, mapped in the shop. */
  readonly mappedProducts: number;
  readonly lines: number;
  /** Mapped products whose online ATP equals what the ledger says Shopify holds. */
  readonly unchanged: number;
  readonly rejected: ReadonlyArray<ChangeRejection>;
  readonly sharedInventoryItems: ReadonlyArray<SharedInventoryItem>;
  readonly startedAt: Date;
  readonly durationMs: number;
}

/** The ports the delta push uses. */
export type PushChangesDeps = Catalogue &
  ChangeLog &
  Pick<PushLedger, 'ledger'> & { readonly outbox: FileStore } & Clock;

/** What stops a run. The changes stay pending until the feed is written, so a rerun redoes the same work. */
export type PushChangesError = ChannelError | StoreError | FileStoreError;

interface Accumulated {
  readonly lines: FeedLine[];
  readonly taken: ProductChange[];
  readonly rejected: ChangeRejection[];
  readonly shared: SharedInventoryItem[];
  mapped: number;
  unchanged: number;
}

/**
 * Upload recent inventory changes (every 15 minutes): the products changed after the group's cursor on the inventory
 * ledger (sales, returns, transfers, NetSuite resets, safety stock and threshold edits, products newly mapped), of
 * those only the ones whose online ATP differs from what Shopify was last sent, as one feed for Process uploads. The
 * ledger's head is read first; the cursor moves to it only after the feed is written: a crash in between writes the
 * same lines again on the rerun, and Process uploads skips the second copy as already sent. Numbers follow commits,
 * so no change at or below the head is missed, and none is taken by two runs.
 */
export const pushRecentChanges = (
  config: PushChangesConfig,
): RTE.ReaderTaskEither<PushChangesDeps, PushChangesError, PushChangesReport> =>
  lazily((deps) => {
    const startedAt = deps.now();
    const consumer = deltaConsumer(config.facilityGroupId);
    return pipe(
      TE.Do,
      TE.bind('channel', () => channelOf(deps, config.facilityGroupId)),
      TE.bindW('cursor', () => deps.changeCursor(consumer)),
      TE.bindW('head', () => deps.ledgerHead()),
      TE.bindW('acc', ({ channel }) =>
        foldPages(
          (after) => deps.changedProducts(consumer, after, config.pageSize),
          (c) => c.productId,
          config.pageSize,
          { lines: [], taken: [], rejected: [], shared: [], mapped: 0, unchanged: 0 } as Accumulated,
          (acc, changes) =>
            pipe(
              deps.mappedProducts(
                channel,
                changes.map((c) => c.productId),
              ),
              TE.chain((products) => {
                const { targets, shared } = targetsOf(channel, products);
                return pipe(
                  deps.ledger(
                    channel.shop,
                    channel.locationId,
                    targets.map((t) => t.inventoryItemId),
                  ),
                  TE.map((ledger) => {
                    const delta = detectChanges(ledger, targets);
                    const productOf = new Map(targets.map((t) => [t.inventoryItemId, t.productId]));
                    for (const c of delta.changes)
                      acc.lines.push({
                        productId: productOf.get(c.inventoryItemId)!,
                        inventoryItemId: c.inventoryItemId,
                        locationId: c.locationId,
                        quantity: c.next,
                        basis: null,
                      });
                    for (const r of delta.rejected) acc.rejected.push(r);
                    for (const s of shared) acc.shared.push(s);
                    for (const c of changes) acc.taken.push(c);
                    acc.mapped += products.length;
                    acc.unchanged += delta.unchanged;
                    return acc;
                  }),
                );
              }),
            ),
        ),
      ),
      // An item claimed by two changed products on different pages is left out and reported, as within a page.
      TE.map(({ channel, acc, cursor, head }) => {
        const { targets, shared } = withoutSharedItems(acc.lines);
        const kept = new Set(targets);
        return {
          channel,
          cursor,
          head,
          acc: { ...acc, lines: acc.lines.filter((l) => kept.has(l)), shared: [...acc.shared, ...shared] },
        };
      }),
      TE.bindW('feed', ({ channel, acc }) =>
        writeFeed(
          deps.outbox,
          {
            job: 'push-changes',
            runId: config.runId,
            facilityGroupId: config.facilityGroupId,
            channel,
            createdAt: startedAt,
          },
          acc.lines,
        ),
      ),
      TE.chainFirstW(({ head }) => deps.moveCursor(consumer, head)),
      TE.map(({ acc, feed, cursor, head }) => ({
        runId: config.runId,
        facilityGroupId: config.facilityGroupId,
        feed,
        changedProducts: acc.taken.length,
        ledger: { after: cursor, through: head },
        mappedProducts: acc.mapped,
        lines: acc.lines.length,
        unchanged: acc.unchanged,
        rejected: acc.rejected,
        sharedInventoryItems: acc.shared,
        startedAt,
        durationMs: deps.now().getTime() - startedAt.getTime(),
      })),
    );
  });
