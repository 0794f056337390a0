// How an OMS service uses the domain: compute what Shopify should show for a product, say why, and find what to push.
// Run it with `npm run build && node examples/explain-online-atp.ts`; the test suite runs it too.
import {
  CHANNEL_FAC_GROUP,
  batchesOf,
  BatchSize,
  detectChanges,
  explainOnlineAtp,
  formatOnlineAtpExplanation,
  type ChannelFacilityGroup,
  type ProductInventory,
} from 'oms-inventory-sync';
import { isRight } from 'fp-ts/lib/Either.js';

const shopifyUs: ChannelFacilityGroup = {
  facilityGroupId: 'SHOPIFY_US',
  facilityGroupTypeId: CHANNEL_FAC_GROUP,
  facilityIds: ['WAREHOUSE_NJ'],
};

const product: ProductInventory = {
  productId: 'SKU-100',
  positions: [
    { facilityId: 'WAREHOUSE_NJ', quantityOnHand: 95, reservedQuantity: 5, safetyStock: 5 },
    { facilityId: 'STORE_OUTLET', quantityOnHand: 5, reservedQuantity: 0, safetyStock: 0 },
  ],
  threshold: 5,
  brokeringQueue: 5,
};

const explanation = explainOnlineAtp(shopifyUs, product);
console.log(formatOnlineAtpExplanation(explanation));

const { changes } = detectChanges(
  [{ inventoryItemId: 'gid://shopify/InventoryItem/5001', locationId: 'gid://shopify/Location/1001', quantity: 70 }],
  [
    {
      inventoryItemId: 'gid://shopify/InventoryItem/5001',
      locationId: 'gid://shopify/Location/1001',
      quantity: explanation.onlineAtp,
    },
  ],
);
const size = BatchSize.decode(250);
if (isRight(size)) console.log(`${changes.length} change(s) in ${batchesOf(changes, size.right).length} batch(es)`);
