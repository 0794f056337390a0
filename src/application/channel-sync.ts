import * as TE from 'fp-ts/lib/TaskEither.js';
import { pipe } from 'fp-ts/lib/function.js';
import { CHANNEL_FAC_GROUP, onlineAtpFor, type ItemQuantity } from '../domain/index.ts';
import type { Catalogue, MappedProductInventory, SalesChannel } from './catalogue.ts';
import type { ChangeLog, ProductChange } from './change-log.ts';
import type { StoreError } from './store-error.ts';

/** A facility group the Shopify jobs cannot sell through. */
export type ChannelError =
  | { readonly _tag: 'FacilityGroupNotFound'; readonly facilityGroupId: string; readonly retriable: false }
  | {
      readonly _tag: 'NotAChannelFacilityGroup';
      readonly facilityGroupId: string;
      readonly facilityGroupTypeId: string;
      readonly retriable: false;
    }
  | { readonly _tag: 'NoShopifyLocation'; readonly facilityGroupId: string; readonly retriable: false };

/** The channel of a facility group, or why it has none. */
export const channelOf = (
  store: Pick<Catalogue, 'salesChannel' | 'facilityGroup'>,
  facilityGroupId: string,
): TE.TaskEither<ChannelError | StoreError, SalesChannel> =>
  pipe(
    store.salesChannel(facilityGroupId),
    TE.chainW((channel) =>
      channel !== null
        ? TE.right(channel)
        : pipe(
            store.facilityGroup(facilityGroupId),
            TE.chainW(
              (group): TE.TaskEither<ChannelError, never> =>
                TE.left(
                  group === null
                    ? { _tag: 'FacilityGroupNotFound', facilityGroupId, retriable: false }
                    : group.facilityGroupTypeId !== CHANNEL_FAC_GROUP
                      ? {
                          _tag: 'NotAChannelFacilityGroup',
                          facilityGroupId,
                          facilityGroupTypeId: group.facilityGroupTypeId,
                          retriable: false,
                        }
                      : { _tag: 'NoShopifyLocation', facilityGroupId, retriable: false },
                ),
            ),
          ),
    ),
  );

/** A product's online ATP as the quantity its inventory item should show at the channel's location. */
export type Target = ItemQuantity & { readonly productId: string };

/** Two or more products mapped to one inventory item: their quantities would overwrite each other, so none is pushed. */
export interface SharedInventoryItem {
  readonly inventoryItemId: string;
  readonly productIds: ReadonlyArray<string>;
}

/**
 * The targets of mapped products: online ATP over the channel facility group. An inventory item that more than one
 * product maps to is left out and reported, with every product that claims it (across all `products` given).
 */
export const targetsOf = (
  channel: SalesChannel,
  products: ReadonlyArray<MappedProductInventory>,
): { readonly targets: ReadonlyArray<Target>; readonly shared: ReadonlyArray<SharedInventoryItem> } => {
  const atp = onlineAtpFor(channel.facilityGroup);
  const byItem = new Map<string, MappedProductInventory[]>();
  for (const p of products) {
    const list = byItem.get(p.inventoryItemId);
    if (list === undefined) byItem.set(p.inventoryItemId, [p]);
    else list.push(p);
  }
  const targets: Target[] = [];
  const shared: SharedInventoryItem[] = [];
  for (const p of products) {
    const claimants = byItem.get(p.inventoryItemId)!;
    if (claimants.length === 1)
      targets.push({
        productId: p.productId,
        inventoryItemId: p.inventoryItemId,
        locationId: channel.locationId,
        quantity: atp(p),
      });
    else if (claimants[0] === p)
      shared.push({ inventoryItemId: p.inventoryItemId, productIds: claimants.map((c) => c.productId) });
  }
  return { targets, shared };
};

/** Targets without the inventory items that more than one product claims, and those items with their claimants. */
export const withoutSharedItems = (
  targets: ReadonlyArray<Target>,
): { readonly targets: ReadonlyArray<Target>; readonly shared: ReadonlyArray<SharedInventoryItem> } => {
  const claims = new Map<string, string[]>();
  for (const t of targets) {
    const list = claims.get(t.inventoryItemId);
    if (list === undefined) claims.set(t.inventoryItemId, [t.productId]);
    else list.push(t.productId);
  }
  const shared: SharedInventoryItem[] = [];
  for (const [inventoryItemId, productIds] of claims)
    if (productIds.length > 1) shared.push({ inventoryItemId, productIds });
  return shared.length === 0
    ? { targets, shared }
    : { targets: targets.filter((t) => claims.get(t.inventoryItemId)!.length === 1), shared };
};

/** Pages through a keyset-paged read until a short page, folding each page into a state. */
export const foldPages = <E, A, S>(
  page: (after: string | null) => TE.TaskEither<E, ReadonlyArray<A>>,
  keyOf: (a: A) => string,
  limit: number,
  initial: S,
  step: (state: S, items: ReadonlyArray<A>) => TE.TaskEither<E, S>,
): TE.TaskEither<E, S> => {
  const from = (after: string | null, state: S): TE.TaskEither<E, S> =>
    pipe(
      page(after),
      TE.chain((items) =>
        items.length === 0
          ? TE.right(state)
          : pipe(
              step(state, items),
              TE.chain((next) => (items.length < limit ? TE.right(next) : from(keyOf(items[items.length - 1]!), next))),
            ),
      ),
    );
  return from(null, initial);
};

/** Every pending change of a consumer (all pages). */
export const pendingChanges = (
  store: Pick<ChangeLog, 'changedProducts'>,
  consumer: string,
  pageSize: number,
): TE.TaskEither<StoreError, ReadonlyArray<ProductChange>> =>
  foldPages(
    (after) => store.changedProducts(consumer, after, pageSize),
    (c) => c.productId,
    pageSize,
    [] as ProductChange[],
    (all, page) => {
      for (const c of page) all.push(c);
      return TE.right(all);
    },
  );

/** The change consumer of the delta push of a facility group: Hard Sync takes the same changes. */
export const deltaConsumer = (facilityGroupId: string): string => `push-changes:${facilityGroupId}`;
