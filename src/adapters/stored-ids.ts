// The stores' one id rule at their write ports (the domain's `unstorableId`: what PostgreSQL's columns would refuse),
// applied by the memory store and the SQL store alike, PostgreSQL and SQLite, before anything is written.
import { type StockLevel, unstorableId } from '../domain/index.ts';

/** An id with the field it is. */
export type KeyedId = readonly [field: string, id: string | undefined];
type Ids = Iterable<KeyedId>;

/** Throws (inside a store operation, which turns it into its typed error) when an id of `ids` no store holds. */
export const storableOnly = (ids: Ids): void => {
  const problem = unstorableId(ids);
  if (problem !== null) throw new Error(`an id no store holds: ${problem}`);
};

/** The ids of facilities being saved, with their fields. */
export function* facilityIdsOf(list: Iterable<{ facilityId: string; externalId: string }>): Generator<KeyedId> {
  for (const f of list) {
    yield ['facilityId', f.facilityId];
    yield ['externalId', f.externalId];
  }
}

/** The ids of products being saved, with their fields. */
export function* productIdsOf(list: Iterable<{ productId: string; externalId: string }>): Generator<KeyedId> {
  for (const p of list) {
    yield ['productId', p.productId];
    yield ['externalId', p.externalId];
  }
}

/** The ids of stock positions being saved, with their fields. */
export function* positionIdsOf(levels: Iterable<StockLevel>): Generator<KeyedId> {
  for (const l of levels) {
    yield ['productId', l.productId];
    yield ['facilityId', l.facilityId];
  }
}

/** The ids of a facility group being saved (the group, its type and its members), with their fields. */
export function* groupIdsOf(group: {
  facilityGroupId: string;
  facilityGroupTypeId: string;
  facilityIds: ReadonlyArray<string>;
}): Generator<KeyedId> {
  yield ['facilityGroupId', group.facilityGroupId];
  yield ['facilityGroupTypeId', group.facilityGroupTypeId];
  for (const facilityId of group.facilityIds) yield ['facilityId', facilityId];
}

/** The ids of a sales channel being saved, with their fields. */
export function* channelIdsOf(channel: {
  facilityGroupId: string;
  shop: string;
  locationId: string;
}): Generator<KeyedId> {
  yield ['facilityGroupId', channel.facilityGroupId];
  yield ['shop', channel.shop];
  yield ['locationId', channel.locationId];
}

/** The ids of products' SKUs being set (a cleared SKU has none), with their fields. */
export function* skuIdsOf(list: Iterable<{ productId: string; sku: string | null }>): Generator<KeyedId> {
  for (const s of list) {
    yield ['productId', s.productId];
    yield ['sku', s.sku ?? undefined];
  }
}

/** The ids of a shop's product mappings being saved (ambiguous candidates included), with their fields. */
export function* mappingIdsOf(
  shop: string,
  list: Iterable<{ productId: string; sku: string; inventoryItemId?: string; candidates?: ReadonlyArray<string> }>,
): Generator<KeyedId> {
  yield ['shop', shop];
  for (const m of list) {
    yield ['productId', m.productId];
    yield ['sku', m.sku];
    yield ['inventoryItemId', m.inventoryItemId];
    for (const candidate of m.candidates ?? []) yield ['candidates', candidate];
  }
}
