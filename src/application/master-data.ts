import type { TaskEither } from 'fp-ts/lib/TaskEither.js';
import type { FacilityGroup } from '../domain/index.ts';
import type { StoreError } from './store-error.ts';

/** A facility as the store keeps it: its id, the NetSuite location internal id it is known by, and its name. */
export interface FacilityRecord {
  readonly facilityId: string;
  readonly externalId: string;
  readonly name: string | null;
}

/** A product as the store keeps it: its id, the NetSuite item internal id it is known by, and its SKU. */
export interface ProductRecord {
  readonly productId: string;
  readonly externalId: string;
  readonly sku: string | null;
}

/** Listing the master data an operator sets up: facilities, products and facility groups. */
export interface MasterData {
  /** Every facility, in facility id order (a store has hundreds, not millions). */
  readonly facilities: () => TaskEither<StoreError, ReadonlyArray<FacilityRecord>>;
  /** Up to `limit` products in product id order after `after` (null: from the start). */
  readonly productPage: (after: string | null, limit: number) => TaskEither<StoreError, ReadonlyArray<ProductRecord>>;
  /** Every facility group (any type) with its members, in group id order, members in facility id order. */
  readonly facilityGroups: () => TaskEither<StoreError, ReadonlyArray<FacilityGroup>>;
}
