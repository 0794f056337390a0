// Regressions found while writing the same-name tests: a use case's task run twice runs twice from the start, and an
// inventory item that two products claim is left out whichever pages the two products are read on.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { mapProducts } from '../../src/application/map-products.ts';
import { pushRecentChanges } from '../../src/application/push-recent-changes.ts';
import { verifyInventory } from '../../src/application/verify-inventory.ts';
import {
  GROUP,
  SHOP,
  channelStore,
  item,
  memoryOutbox,
  shopifyStandIn,
  steppingClock,
  type ProductSpec,
} from '../support/channel-world.ts';
import { run } from '../support/run.ts';

// P1 and P2 both map to item 1 (their SKUs are not unique in the shop); P3 maps to item 3.
const SHARED: ReadonlyArray<ProductSpec> = [
  { productId: 'P1', quantityOnHand: 5, inventoryItemId: item(1) },
  { productId: 'P2', quantityOnHand: 7, inventoryItemId: item(1) },
  { productId: 'P3', quantityOnHand: 9, inventoryItemId: item(3) },
];

const runs = suite('use cases: one run per task run, shared items at any page size');

runs('verify: the same report at any page size; an item two products claim is left out', async () => {
  const reports = [];
  for (const pageSize of [1, 2, 100]) {
    const store = await channelStore(SHARED);
    const shopify = shopifyStandIn();
    shopify.stock(item(1), 5);
    shopify.stock(item(3), 9);
    const report = await run(
      verifyInventory({ facilityGroupId: GROUP, sample: null, pageSize })({ ...store, ...shopify, ...steppingClock() }),
    );
    reports.push({ checked: report.checked, drifted: report.drifted });
  }
  assert.equal(reports, [
    { checked: 1, drifted: [] },
    { checked: 1, drifted: [] },
    { checked: 1, drifted: [] },
  ]);
});

runs('verify: a task run twice samples twice', async () => {
  const store = await channelStore([
    { productId: 'P1', quantityOnHand: 1, inventoryItemId: item(1) },
    { productId: 'P2', quantityOnHand: 2, inventoryItemId: item(2) },
    { productId: 'P3', quantityOnHand: 3, inventoryItemId: item(3) },
  ]);
  const task = verifyInventory({ facilityGroupId: GROUP, sample: 2, pageSize: 100 })({
    ...store,
    ...shopifyStandIn(),
    ...steppingClock(),
  });
  assert.equal([(await run(task)).checked, (await run(task)).checked], [2, 2]);
});

runs('map products: a task run twice counts each run once', async () => {
  const store = await channelStore([{ productId: 'P1', quantityOnHand: 1, inventoryItemId: null }]);
  await run(store.saveProductSkus([{ productId: 'P1', sku: 'SKU-1' }]));
  const shopify = shopifyStandIn();
  shopify.sku('SKU-1', [item(1)]);
  // A full remap, so that the second run looks the mapped product up again (by default it would skip it).
  const task = mapProducts({ shop: SHOP, pageSize: 100, all: true })({ ...store, ...shopify, ...steppingClock() });
  const [first, second] = [await run(task), await run(task)];
  assert.equal([first.products, first.mapped, second.products, second.mapped], [1, 1, 1, 1]);
});

runs('push changes: an item two changed products claim on different pages is not pushed, and is reported', async () => {
  for (const pageSize of [1, 100]) {
    const store = await channelStore(SHARED);
    const report = await run(
      pushRecentChanges({ facilityGroupId: GROUP, runId: `r${pageSize}`, pageSize })({
        ...store,
        outbox: memoryOutbox(),
        ...steppingClock(),
      }),
    );
    assert.equal(
      [report.lines, report.sharedInventoryItems.map((s) => [s.inventoryItemId, [...s.productIds].sort()])],
      [1, [[item(1), ['P1', 'P2']]]],
      `page size ${pageSize}`,
    );
  }
});

runs.run();
