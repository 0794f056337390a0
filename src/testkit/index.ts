/**
 * fast-check arbitraries of the domain types, for property-testing ATP rules built on this library.
 * Needs `fast-check` (an optional peer dependency) installed next to it.
 */
import fc from 'fast-check';
import {
  CHANNEL_FAC_GROUP,
  QUANTITY_SCALE,
  type ChannelFacilityGroup,
  type FacilityStock,
  type InventoryPosition,
  type ItemQuantity,
  type PositionQuantity,
  type ProductInventory,
  type SnapshotRow,
  type StockLevel,
} from '../domain/index.ts';

/** Bounds of a generated quantity, in units. */
export interface QuantityRange {
  readonly min?: number;
  readonly max?: number;
}

/** Identifiers from a small alphabet, so that generated data repeats ids and hits the duplicate paths. */
export const identifier = (prefix = ''): fc.Arbitrary<string> =>
  fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,7}$/).map((s) => `${prefix}${s}`);

/** A valid decimal quantity (at most five fractional digits) in `[min, max]`, default `[0, 1000]`. */
export const quantity = ({ min = 0, max = 1000 }: QuantityRange = {}): fc.Arbitrary<number> =>
  fc
    .integer({ min: Math.ceil(min * QUANTITY_SCALE), max: Math.floor(max * QUANTITY_SCALE) })
    .map((scaled) => scaled / QUANTITY_SCALE);

/** A whole quantity in `[min, max]`, default `[0, 1000]`. */
export const wholeQuantity = ({ min = 0, max = 1000 }: QuantityRange = {}): fc.Arbitrary<number> =>
  fc.integer({ min, max });

/** A quantity that is whole most of the time and decimal otherwise, as NetSuite exports look. */
export const realisticQuantity = (range: QuantityRange = {}): fc.Arbitrary<number> =>
  fc.oneof({ arbitrary: wholeQuantity(range), weight: 3 }, { arbitrary: quantity(range), weight: 1 });

/** One facility's stock of a product; quantity on hand may go below zero, as OMS records can. */
export const facilityStock = (facilityId: fc.Arbitrary<string> = identifier('F')): fc.Arbitrary<FacilityStock> =>
  fc.record({
    facilityId,
    quantityOnHand: realisticQuantity({ min: -20, max: 500 }),
    reservedQuantity: realisticQuantity({ max: 200 }),
    safetyStock: realisticQuantity({ max: 50 }),
  });

/** An inventory position of a product at a facility. */
export const inventoryPosition = (
  productId: fc.Arbitrary<string> = identifier('P'),
  facilityId: fc.Arbitrary<string> = identifier('F'),
): fc.Arbitrary<InventoryPosition> =>
  fc.tuple(productId, facilityStock(facilityId)).map(([id, stock]) => ({ productId: id, ...stock }));

/** A channel facility group over some of the given facility ids. */
export const channelFacilityGroup = (facilityIds: ReadonlyArray<string>): fc.Arbitrary<ChannelFacilityGroup> =>
  fc.record({
    facilityGroupId: identifier('G'),
    facilityGroupTypeId: fc.constant(CHANNEL_FAC_GROUP),
    facilityIds: fc.subarray([...facilityIds]),
  });

/** A product's inventory over distinct facilities drawn from `facilityIds`. */
export const productInventory = (facilityIds: ReadonlyArray<string>): fc.Arbitrary<ProductInventory> =>
  fc.record({
    productId: identifier('P'),
    positions: fc
      .shuffledSubarray([...facilityIds])
      .chain((ids) => fc.tuple(...ids.map((id) => facilityStock(fc.constant(id))))),
    threshold: realisticQuantity({ max: 50 }),
    brokeringQueue: realisticQuantity({ max: 50 }),
  });

/** A product, its facilities and a channel group over some of them: the input of `onlineAtp`. */
export const atpScenario = (): fc.Arbitrary<{ group: ChannelFacilityGroup; product: ProductInventory }> =>
  fc
    .uniqueArray(identifier('F'), { minLength: 1, maxLength: 8 })
    .chain((ids) => fc.record({ group: channelFacilityGroup(ids), product: productInventory(ids) }));

/** Quantities of distinct positions over a small id space (so that two states overlap). */
export const positionQuantities = (range: QuantityRange = { min: -50, max: 500 }): fc.Arbitrary<PositionQuantity[]> =>
  fc.uniqueArray(
    fc.record({
      productId: identifier('P'),
      facilityId: fc.constantFrom('F1', 'F2', 'F3'),
      quantity: realisticQuantity(range),
    }),
    { selector: (p) => `${p.productId}|${p.facilityId}`, maxLength: 40 },
  );

/** A snapshot of rows numbered by line, possibly with repeated positions. */
export const snapshotRows = (range: QuantityRange = { min: 0, max: 500 }): fc.Arbitrary<SnapshotRow[]> =>
  fc
    .array(
      fc.record({
        productId: identifier('P'),
        facilityId: fc.constantFrom('F1', 'F2', 'F3'),
        quantity: realisticQuantity(range),
      }),
      { maxLength: 40 },
    )
    .map((rows) => rows.map((row, i) => ({ ...row, line: i + 2 })));

/** Whole quantities of distinct (inventory item, location) pairs, as the push ledger holds them. */
export const itemQuantities = (range: QuantityRange = { min: 0, max: 500 }): fc.Arbitrary<ItemQuantity[]> =>
  fc.uniqueArray(
    fc.record({
      inventoryItemId: identifier('gid://shopify/InventoryItem/'),
      locationId: fc.constantFrom('gid://shopify/Location/1', 'gid://shopify/Location/2'),
      quantity: wholeQuantity(range),
    }),
    { selector: (q) => `${q.inventoryItemId}|${q.locationId}`, maxLength: 40 },
  );

/** OMS stock (QOH and ATP) of distinct positions over a small id space; ATP may exceed QOH or go below zero. */
export const stockLevels = (): fc.Arbitrary<StockLevel[]> =>
  fc.uniqueArray(
    fc.record({
      productId: identifier('P'),
      facilityId: fc.constantFrom('F1', 'F2', 'F3'),
      quantityOnHand: realisticQuantity({ min: -20, max: 500 }),
      availableToPromise: realisticQuantity({ min: -20, max: 500 }),
    }),
    { selector: (s) => `${s.productId}|${s.facilityId}`, maxLength: 40 },
  );
export * from './shopify-admin-server.ts';
