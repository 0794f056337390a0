import { CHANNEL_FAC_GROUP, type ChannelFacilityGroup, type InventoryPosition, type ItemQuantity, type SnapshotRow } from '../domain/index.ts';

/** The bundled example the `demo` command runs: a small retailer with one online channel. */
export const demoChannelGroup: ChannelFacilityGroup = {
  facilityGroupId: 'SHOPIFY_US',
  facilityGroupTypeId: CHANNEL_FAC_GROUP,
  facilityIds: ['WAREHOUSE_NJ', 'STORE_BROOKLYN'],
};

/** The Shopify location the channel group sells through, and the inventory item of each product. */
export const demoShopifyLocationId = 'gid://shopify/Location/1001';
export const demoInventoryItems: ReadonlyMap<string, string> = new Map([
  ['SKU-100', 'gid://shopify/InventoryItem/5001'],
  ['SKU-200', 'gid://shopify/InventoryItem/5002'],
  ['SKU-300', 'gid://shopify/InventoryItem/5003'],
]);

/** The OMS before tonight's NetSuite import. */
export const demoPositions: ReadonlyArray<InventoryPosition> = [
  { productId: 'SKU-100', facilityId: 'WAREHOUSE_NJ', quantityOnHand: 90, reservedQuantity: 5, safetyStock: 5 },
  { productId: 'SKU-100', facilityId: 'STORE_OUTLET', quantityOnHand: 5, reservedQuantity: 0, safetyStock: 0 },
  { productId: 'SKU-200', facilityId: 'WAREHOUSE_NJ', quantityOnHand: 12, reservedQuantity: 15, safetyStock: 0 },
  { productId: 'SKU-200', facilityId: 'STORE_BROOKLYN', quantityOnHand: 8, reservedQuantity: 1, safetyStock: 2 },
  { productId: 'SKU-300', facilityId: 'WAREHOUSE_NJ', quantityOnHand: 40.5, reservedQuantity: 0.25, safetyStock: 0 },
];

/** Per-product thresholds and the units waiting in the brokering queue. */
export const demoThresholds = [{ productId: 'SKU-100', threshold: 5 }];
export const demoBrokeringQueue = [{ productId: 'SKU-100', quantity: 5 }, { productId: 'SKU-300', quantity: 3 }];

/** Tonight's NetSuite export of quantities, one row per item and location (line numbers as in the CSV). */
export const demoSnapshot: ReadonlyArray<SnapshotRow> = [
  { productId: 'SKU-100', facilityId: 'WAREHOUSE_NJ', quantity: 95, line: 2 },
  { productId: 'SKU-100', facilityId: 'STORE_OUTLET', quantity: 5, line: 3 },
  { productId: 'SKU-200', facilityId: 'WAREHOUSE_NJ', quantity: 10, line: 4 },
  { productId: 'SKU-200', facilityId: 'STORE_BROOKLYN', quantity: 8, line: 5 },
  { productId: 'SKU-300', facilityId: 'WAREHOUSE_NJ', quantity: 38.75, line: 6 },
  { productId: 'SKU-300', facilityId: 'WAREHOUSE_NJ', quantity: 39, line: 7 },
];

/** What the last sync pushed to Shopify. */
export const demoLastPushed: ReadonlyArray<ItemQuantity> = [
  { inventoryItemId: 'gid://shopify/InventoryItem/5001', locationId: demoShopifyLocationId, quantity: 70 },
  { inventoryItemId: 'gid://shopify/InventoryItem/5002', locationId: demoShopifyLocationId, quantity: 5 },
  { inventoryItemId: 'gid://shopify/InventoryItem/5003', locationId: demoShopifyLocationId, quantity: 37 },
];
