import { CHANNEL_FAC_GROUP, type ChannelFacilityGroup, type InventoryPosition } from '../domain/index.ts';

/** The bundled example the `demo` command runs: a small retailer with one online channel. */
export const demoChannelGroup: ChannelFacilityGroup = {
  facilityGroupId: 'SHOPIFY_US',
  facilityGroupTypeId: CHANNEL_FAC_GROUP,
  facilityIds: ['WAREHOUSE_NJ', 'STORE_BROOKLYN'],
};

/** OMS facilities and the NetSuite locations they are (NetSuite location internal ids). */
export const demoFacilities = [
  { facilityId: 'WAREHOUSE_NJ', externalId: '101' },
  { facilityId: 'STORE_BROOKLYN', externalId: '102' },
  { facilityId: 'STORE_OUTLET', externalId: '103' },
];

/**
 * OMS products, the NetSuite items they are (item internal ids, names as NetSuite prints them), their SKU (what maps
 * them to a Shopify inventory item) and the `available` quantity the shop shows before the OMS first syncs it.
 */
export const demoProducts = [
  { productId: 'SKU-100', externalId: '5100', item: 'SKU-100 Classic Tee', sku: 'SKU-100', shopifyAvailable: 70 },
  { productId: 'SKU-200', externalId: '5200', item: 'SKU-200 Canvas Tote', sku: 'SKU-200', shopifyAvailable: 5 },
  { productId: 'SKU-300', externalId: '5300', item: 'SKU-300 Wool Yarn (kg)', sku: 'SKU-300', shopifyAvailable: 37 },
];

/** The name of the Shopify location the channel group sells through (the local server assigns its id). */
export const demoShopifyLocationName = 'Web warehouse (NJ)';

/** The OMS before tonight's NetSuite import: ATP is QOH less what is reserved. */
export const demoPositions: ReadonlyArray<InventoryPosition> = [
  { productId: 'SKU-100', facilityId: 'WAREHOUSE_NJ', quantityOnHand: 90, reservedQuantity: 5, safetyStock: 5 },
  { productId: 'SKU-100', facilityId: 'STORE_OUTLET', quantityOnHand: 5, reservedQuantity: 0, safetyStock: 0 },
  { productId: 'SKU-200', facilityId: 'WAREHOUSE_NJ', quantityOnHand: 12, reservedQuantity: 15, safetyStock: 0 },
  { productId: 'SKU-200', facilityId: 'STORE_BROOKLYN', quantityOnHand: 8, reservedQuantity: 1, safetyStock: 2 },
  { productId: 'SKU-300', facilityId: 'WAREHOUSE_NJ', quantityOnHand: 40.5, reservedQuantity: 0.25, safetyStock: 0 },
];

/** Per-product thresholds and the units waiting in the brokering queue. */
export const demoThresholds = [{ productId: 'SKU-100', threshold: 5 }];
export const demoBrokeringQueue = [
  { productId: 'SKU-100', quantity: 5 },
  { productId: 'SKU-300', quantity: 3 },
];

/** The file name NetSuite's export script gives tonight's export. */
export const demoExportName = 'inventory-20261122T010000Z.csv';

/**
 * Tonight's NetSuite export, as the saved search writes it (NetSuite's *available* quantity per item and location).
 * It names SKU-300 at the warehouse twice with different quantities: the import reports both lines and applies neither.
 */
export const demoExport = `${[
  'Item,externalFacilityId,availableQty,idValue',
  'SKU-100 Classic Tee,101,90,5100',
  'SKU-100 Classic Tee,103,5,5100',
  'SKU-200 Canvas Tote,102,5,5200',
  '"SKU-300 Wool Yarn (kg)",101,38.75,5300',
  '"SKU-300 Wool Yarn (kg)",101,39,5300',
].join('\r\n')}\r\n`;

/** The OMS event after the Hard Sync: an order reserves units of one product at one facility. */
export const demoSale = { productId: 'SKU-300', facilityId: 'WAREHOUSE_NJ', units: 2 };

/** The SKU whose online ATP the demo explains at the end: the worked example, 75. */
export const demoExplainedSku = 'SKU-100';
