import type * as RTE from 'fp-ts/lib/ReaderTaskEither.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import { lazily } from './lazily.ts';
import { pipe } from 'fp-ts/lib/function.js';
import { sequenceT } from 'fp-ts/lib/Apply.js';
import { pairKey, planHardSync, type ItemQuantity } from '../domain/index.ts';
import {
  channelOf,
  deltaConsumer,
  foldPages,
  targetsOf,
  withoutSharedItems,
  type ChannelError,
  type SharedInventoryItem,
  type Target,
} from './channel-sync.ts';
import type { Catalogue } from './catalogue.ts';
import type { ChangeLog } from './change-log.ts';
import type { Clock } from './clock.ts';
import { writeFeed } from './feed-file.ts';
import type { FileStore, FileStoreError } from './file-store.ts';
import type { StoreError } from './store-error.ts';
import type { Progress } from './progress.ts';
import type { ShopifyError, ShopifyInventory } from './shopify-inventory.ts';

/** Parameters of a Hard Sync run. */
export interface HardSyncConfig {
  readonly facilityGroupId: string;
  readonly runId: string;
  /** Products read from the store per page. */
  readonly pageSize: number;
}

/** What a Hard Sync run did. */
export interface HardSyncReport {
  readonly runId: string;
  readonly facilityGroupId: string;
  readonly shop: string;
  readonly locationId: string;
  /** The feed written to the outbox for Process uploads; null when there were no mapped products. */
  readonly feed: string | null;
  readonly products: number;
  readonly lines: number;
  /** Lines whose Shopify quantity already equals the OMS's: they cost no call. */
  readonly alreadyEqual: number;
  /** Products whose inventory item Shopify does not stock at the location: nothing can be set for them. */
  readonly notStocked: ReadonlyArray<Target>;
  readonly sharedInventoryItems: ReadonlyArray<SharedInventoryItem>;
  /** The ledger head read before the OMS's stock: the delta push's cursor now stands there. */
  readonly ledgerHead: number;
  readonly startedAt: Date;
  readonly durationMs: number;
  /** Of which reading Shopify's quantities (a bulk query on Shopify's side). */
  readonly shopifyReadMs: number;
}

/** The ports Hard Sync uses: the OMS store, Shopify (to read what it holds), the outbox and the clock. */
export type HardSyncDeps = Catalogue &
  ChangeLog &
  Pick<ShopifyInventory, 'availableAtLocation'> & { readonly outbox: FileStore } & Clock &
  Progress;

/** What stops a Hard Sync run. Nothing is written before the feed, so a rerun starts afresh. */
export type HardSyncError = ChannelError | StoreError | ShopifyError | FileStoreError;

interface Accumulated {
  readonly targets: Target[];
  readonly shared: SharedInventoryItem[];
  products: number;
}

/**
 * Hard Sync (daily): online ATP of every product mapped in the channel's shop, against the `available` quantity
 * Shopify holds now, written as one feed for Process uploads. Applying it leaves Shopify equal to the OMS for every
 * stocked item; each line carries Shopify's value as its basis, so a sale that lands before the line is applied is
 * caught as stale instead of being overwritten. The delta push's cursor moves to the ledger head read before the
 * read: a change made during the run stays pending for the next delta push.
 */
export const hardSync = (config: HardSyncConfig): RTE.ReaderTaskEither<HardSyncDeps, HardSyncError, HardSyncReport> =>
  lazily((deps) => {
    const startedAt = deps.now();
    return pipe(
      TE.Do,
      TE.bind('channel', () => channelOf(deps, config.facilityGroupId)),
      // The ledger's head before the read: the delta push's cursor moves to it once the feed is written.
      TE.bindW('head', () => deps.ledgerHead()),
      // Shopify's levels (a bulk query that runs on Shopify's side) are read while the OMS's targets are computed.
      TE.bindW('read', ({ channel }) =>
        sequenceT(TE.ApplyPar)(
          pipe(
            deps.availableAtLocation(channel.locationId) as TE.TaskEither<HardSyncError, ReadonlyArray<ItemQuantity>>,
            TE.map((levels) => ({
              levels: new Map(levels.map((l) => [pairKey(l.inventoryItemId, l.locationId), l.quantity])),
              ms: deps.now().getTime() - startedAt.getTime(),
            })),
          ),
          foldPages(
            (after) => deps.mappedProductPage(channel, after, config.pageSize),
            (p) => p.productId,
            config.pageSize,
            { targets: [], shared: [], products: 0 } as Accumulated,
            (acc, page) => {
              const { targets, shared } = targetsOf(channel, page);
              for (const t of targets) acc.targets.push(t);
              for (const s of shared) acc.shared.push(s);
              acc.products += page.length;
              deps.progress?.({ job: 'hard-sync', step: 'products read', done: acc.products, total: null });
              return TE.right(acc);
            },
          ) as TE.TaskEither<HardSyncError, Accumulated>,
        ),
      ),
      TE.bindW('shopifyReadMs', ({ read }) => TE.right(read[0].ms)),
      TE.bindW('plan', ({ read }) => {
        const [shopify, acc] = read;
        // An item claimed by two products anywhere in the catalogue is left out, whichever pages they were on.
        const { targets, shared } = withoutSharedItems(acc.targets);
        return TE.right({
          ...planHardSync(targets, shopify.levels),
          shared: [...acc.shared, ...shared],
          products: acc.products,
        });
      }),
      TE.bindW('feed', ({ channel, plan }) =>
        writeFeed(
          deps.outbox,
          {
            job: 'hard-sync',
            runId: config.runId,
            facilityGroupId: config.facilityGroupId,
            channel,
            createdAt: startedAt,
          },
          plan.lines,
        ),
      ),
      TE.chainFirstW(({ head }) => deps.moveCursor(deltaConsumer(config.facilityGroupId), head)),
      TE.map(({ channel, plan, feed, shopifyReadMs, head }) => ({
        ledgerHead: head,
        runId: config.runId,
        facilityGroupId: config.facilityGroupId,
        shop: channel.shop,
        locationId: channel.locationId,
        feed,
        products: plan.products,
        lines: plan.lines.length,
        alreadyEqual: plan.lines.filter((l) => l.basis === l.quantity).length,
        notStocked: plan.notStocked,
        sharedInventoryItems: plan.shared,
        startedAt,
        durationMs: deps.now().getTime() - startedAt.getTime(),
        shopifyReadMs,
      })),
    );
  });
