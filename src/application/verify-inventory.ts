import type * as RTE from 'fp-ts/lib/ReaderTaskEither.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import { lazily } from './lazily.ts';
import { pipe } from 'fp-ts/lib/function.js';
import { pairKey, type ItemQuantity } from '../domain/index.ts';
import { channelOf, foldPages, targetsOf, withoutSharedItems, type ChannelError, type Target } from './channel-sync.ts';
import type { Catalogue } from './catalogue.ts';
import type { Clock } from './clock.ts';
import type { StoreError } from './store-error.ts';
import type { ShopifyError, ShopifyInventory } from './shopify-inventory.ts';

/**
 * Parameters of a verification: a channel, and how many mapped products to check (null: all of them), or which ones
 * (`productIds`: those of them mapped in the channel's shop, read by id; `sample` is then not used).
 */
export interface VerifyConfig {
  readonly facilityGroupId: string;
  readonly sample: number | null;
  readonly pageSize: number;
  readonly productIds?: ReadonlyArray<string>;
}

/** An item whose Shopify quantity is not the OMS's online ATP. */
export interface Drift extends Target {
  /** What Shopify holds; null when the item is not stocked at the location. */
  readonly shopify: number | null;
}

/** What a verification found. */
export interface VerifyReport {
  readonly facilityGroupId: string;
  readonly shop: string;
  readonly locationId: string;
  readonly checked: number;
  readonly equal: number;
  readonly drifted: ReadonlyArray<Drift>;
  readonly durationMs: number;
}

/** The ports verification uses. */
export type VerifyDeps = Catalogue & Pick<ShopifyInventory, 'availableAtLocation' | 'availableOf'> & Clock;

/**
 * Verify inventory changes (the seed's manual step, automated): reads Shopify's `available` for the first `sample`
 * mapped products (or all, through one bulk query that spends no rate limit) and reports every item where it differs
 * from the OMS's online ATP, or that Shopify does not stock at the channel's location. Changes nothing.
 */
export const verifyInventory = (
  config: VerifyConfig,
): RTE.ReaderTaskEither<VerifyDeps, ChannelError | StoreError | ShopifyError, VerifyReport> =>
  lazily((deps) => {
    const started = deps.now();
    const limit = config.sample === null ? config.pageSize : Math.max(1, Math.min(config.pageSize, config.sample));
    const full = (collected: number) => config.sample !== null && collected >= config.sample;
    let collected = 0;
    return pipe(
      channelOf(deps, config.facilityGroupId),
      TE.chainW((channel) =>
        pipe(
          config.productIds !== undefined
            ? pipe(
                deps.mappedProducts(channel, config.productIds),
                TE.map((products) => targetsOf(channel, products).targets),
              )
            : foldPages(
                // A full sample ends the paging: an empty page stops foldPages.
                (after) => (full(collected) ? TE.right([]) : deps.mappedProductPage(channel, after, limit)),
                (p) => p.productId,
                limit,
                [] as Target[],
                (all, page) => {
                  for (const t of targetsOf(channel, page).targets) if (!full(all.length)) all.push(t);
                  // (items two products claim on different pages are left out below, as Hard Sync does)
                  collected = all.length;
                  return TE.right(all);
                },
              ),
          // An item claimed by two products anywhere in what was read is left out, whichever pages they were on.
          TE.map((all) => withoutSharedItems(all).targets),
          TE.chainW((targets) =>
            pipe(
              (config.sample === null && config.productIds === undefined
                ? deps.availableAtLocation(channel.locationId)
                : deps.availableOf(
                    channel.locationId,
                    targets.map((t) => t.inventoryItemId),
                  )) as TE.TaskEither<ShopifyError, ReadonlyArray<ItemQuantity>>,
              TE.map((levels) => {
                const shopify = new Map(levels.map((l) => [pairKey(l.inventoryItemId, l.locationId), l.quantity]));
                const drifted: Drift[] = [];
                for (const t of targets) {
                  const held = shopify.get(pairKey(t.inventoryItemId, t.locationId));
                  if (held !== t.quantity) drifted.push({ ...t, shopify: held ?? null });
                }
                return {
                  facilityGroupId: config.facilityGroupId,
                  shop: channel.shop,
                  locationId: channel.locationId,
                  checked: targets.length,
                  equal: targets.length - drifted.length,
                  drifted,
                  durationMs: deps.now().getTime() - started.getTime(),
                };
              }),
            ),
          ),
        ),
      ),
    );
  });
