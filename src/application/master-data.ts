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

/** A product a search found: its record, and which of its keys starts with the text searched for. */
export interface ProductMatch extends ProductRecord {
  readonly matchedOn: 'productId' | 'sku';
  /** The key that matched: the product id or the SKU. */
  readonly key: string;
}

/** Where a page of `searchProducts` ends: the last match read. */
export interface ProductSearchCursor {
  readonly key: string;
  readonly productId: string;
  readonly matchedOn: 'productId' | 'sku';
}

/**
 * The string right after every string that starts with `prefix` in code-point order (the prefix with its last
 * code point raised by one; a last code point at the top of the range is dropped first), or null when none is (an
 * empty prefix, or one of top code points only): a prefix search is the range [prefix, successor).
 */
export const prefixSuccessor = (prefix: string): string | null => {
  const points = [...prefix];
  while (points.length > 0) {
    const last = points.pop()!.codePointAt(0)!;
    if (last < 0x10ffff) {
      // The surrogate range holds no characters: the next one after U+D7FF is U+E000.
      const next = last === 0xd7ff ? 0xe000 : last + 1;
      return points.join('') + String.fromCodePoint(next);
    }
  }
  return null;
};

/** Listing the master data an operator sets up: facilities, products and facility groups. */
export interface MasterData {
  /** Every facility, in facility id order (a store has hundreds, not millions). */
  readonly facilities: () => TaskEither<StoreError, ReadonlyArray<FacilityRecord>>;
  /** Up to `limit` products in product id order after `after` (null: from the start). */
  readonly productPage: (after: string | null, limit: number) => TaskEither<StoreError, ReadonlyArray<ProductRecord>>;
  /**
   * Up to `limit` products whose id or SKU starts with `prefix` (exactly, case and all), ordered by the key that
   * matched, then product id, then `productId` matches before `sku` ones, after `after` (null: from the start). A
   * product whose id and SKU both start with it is found twice, once for each. Reads only the index range of the
   * prefix, however large the catalogue.
   */
  readonly searchProducts: (
    prefix: string,
    after: ProductSearchCursor | null,
    limit: number,
  ) => TaskEither<StoreError, ReadonlyArray<ProductMatch>>;
  /** Every facility group (any type) with its members, in group id order, members in facility id order. */
  readonly facilityGroups: () => TaskEither<StoreError, ReadonlyArray<FacilityGroup>>;
}
