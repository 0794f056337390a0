/**
 * Shopify's live `available` for named products of a channel, against their online ATP, on request: the verify use
 * case (`verifyInventory` with `productIds`) over the configured shop's Admin API adapter (no outbox opened).
 */
import * as TE from 'fp-ts/lib/TaskEither.js';
import type { ChannelError } from '../application/channel-sync.ts';
import type { ShopifyError } from '../application/shopify-inventory.ts';
import type { StoreError } from '../application/store-error.ts';
import { verifyInventory, type VerifyReport } from '../application/verify-inventory.ts';
import type { Config } from './config.ts';
import { shopifyAdapterOf, systemClock, type OpenedStore } from './live.ts';

/** Why a live read could not be made: no `shopify` section, or the channel, the store or Shopify failed. */
export type LiveDriftError =
  | { readonly _tag: 'ShopifyNotConfigured'; readonly reason: string; readonly retriable: false }
  | ChannelError
  | StoreError
  | ShopifyError;

/**
 * Reads Shopify's `available` of the named products mapped in the channel of `facilityGroupId` (one per-item read)
 * and compares it with their online ATP now: the verify report of those products (an unmapped one is not checked).
 */
export const liveDrift = (
  config: Config,
  store: OpenedStore,
  facilityGroupId: string,
  productIds: ReadonlyArray<string>,
): TE.TaskEither<LiveDriftError, VerifyReport> => {
  const shopify = config.shopify;
  if (shopify === undefined)
    return TE.left({
      _tag: 'ShopifyNotConfigured',
      reason: 'the configuration has no shopify section (shop, apiVersion): Shopify cannot be read',
      retriable: false,
    });
  return verifyInventory({ facilityGroupId, sample: null, pageSize: Math.max(1, productIds.length), productIds })({
    ...store,
    ...shopifyAdapterOf(config, shopify),
    ...systemClock,
  });
};
