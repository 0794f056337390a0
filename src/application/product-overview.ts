import { pipe } from 'fp-ts/lib/function.js';
import type * as RTE from 'fp-ts/lib/ReaderTaskEither.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import { explainOnlineAtp, isChannelFacilityGroup, type OnlineAtpExplanation } from '../domain/index.ts';
import type { InventoryLedger, InventoryLedgerEntry } from './inventory-ledger.ts';
import type { InventoryLookup, ProductInventoryRecord } from './inventory-lookup.ts';
import type { MasterData } from './master-data.ts';
import type { StoreError } from './store-error.ts';

/** A product's page: its stock, its online ATP in every channel group term by term, and its latest ledger events. */
export interface ProductOverview {
  readonly product: ProductInventoryRecord;
  /** One explanation per `CHANNEL_FAC_GROUP` group, in group id order (what `explain` prints for each). */
  readonly explanations: ReadonlyArray<OnlineAtpExplanation>;
  /** The product's last ledger events, newest first. */
  readonly events: ReadonlyArray<InventoryLedgerEntry>;
}

/**
 * The product whose id or SKU is `productIdOrSku` (the id wins), with the explanation of its online ATP for every
 * channel group (the domain's `explainOnlineAtp`, as the `explain` command) and its last `events` ledger events,
 * newest first (one newest-first read); null when there is no such product.
 */
export const productOverview = (
  productIdOrSku: string,
  events: number,
): RTE.ReaderTaskEither<
  Pick<InventoryLookup, 'productInventory'> &
    Pick<MasterData, 'facilityGroups'> &
    Pick<InventoryLedger, 'ledgerEntries'>,
  StoreError,
  ProductOverview | null
> => {
  return (store) =>
    pipe(
      store.productInventory(productIdOrSku),
      TE.chain((product) =>
        product === null
          ? TE.right(null)
          : pipe(
              TE.Do,
              TE.apS('groups', store.facilityGroups()),
              TE.apS(
                'events',
                events <= 0
                  ? TE.right([])
                  : store.ledgerEntries(null, Math.floor(events), { productId: product.productId }, 'newest-first'),
              ),
              TE.map(
                ({ groups, events: entries }): ProductOverview => ({
                  product,
                  explanations: groups
                    .filter(isChannelFacilityGroup)
                    .map((group) => explainOnlineAtp(group, product.inventory)),
                  events: entries,
                }),
              ),
            ),
      ),
    );
};
