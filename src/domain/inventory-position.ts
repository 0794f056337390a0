import * as t from 'io-ts';
import { Identifier } from './identifiers.ts';
import { NonNegativeQuantity, Quantity } from './quantity.ts';

/**
 * The stock of one product at one facility. There is one position per (product, facility); where a caller hands in
 * several for the same pair (lots, bins), they are summed before anything is computed from them.
 */
export const InventoryPosition = t.readonly(
  t.type({
    productId: Identifier,
    facilityId: Identifier,
    quantityOnHand: Quantity,
    reservedQuantity: NonNegativeQuantity,
    safetyStock: NonNegativeQuantity,
  }),
  'InventoryPosition',
);
export type InventoryPosition = t.TypeOf<typeof InventoryPosition>;

/** A position's stock without its product id: what `ProductInventory` lists per facility. */
export type FacilityStock = Omit<InventoryPosition, 'productId'>;
