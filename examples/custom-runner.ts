// An OMS service's own runner: the adapters and the use cases wired by hand, without the `oms-inventory-sync`
// command. It imports a NetSuite export into SQLite, maps products to Shopify by SKU, runs a Hard Sync and applies
// its feed to Shopify, then prints a short summary. The test kit's local Shopify server stands in for the shop, so it
// runs anywhere, offline. Run it with `npm run build && node examples/custom-runner.ts`; the test suite runs it too,
// against the packed package in a project of its own.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isLeft } from 'fp-ts/lib/Either.js';
import type { TaskEither } from 'fp-ts/lib/TaskEither.js';
import {
  localFeedReader,
  localFileStore,
  localRowSpools,
  netsuiteExportReader,
  openSqliteInventoryStore,
  shopifyInventory,
} from 'oms-inventory-sync/adapters';
import {
  defaultImportConfig,
  defaultProcessUploadsConfig,
  hardSync,
  importInventory,
  mapProducts,
  processUploads,
  type Clock,
  type HardSyncDeps,
  type ImportDeps,
  type MapProductsDeps,
  type ProcessUploadsDeps,
} from 'oms-inventory-sync/application';
import { CHANNEL_FAC_GROUP } from 'oms-inventory-sync/domain';
import { startShopifyAdminServer } from 'oms-inventory-sync/testkit/shopify';

// The one place a failed step turns into an exception: the runner's edge.
const ok = async <E, A>(step: string, task: TaskEither<E, A>): Promise<A> => {
  const result = await task();
  if (isLeft(result))
    throw new Error(
      `${step} failed: ${JSON.stringify(result.left, (key, value: unknown) => (key === 'cause' ? undefined : value))}`,
    );
  return result.right;
};

const clock: Clock = { now: () => new Date(), sleep: (ms) => () => new Promise((resolve) => setTimeout(resolve, ms)) };

// The shop: one location and an inventory item per SKU, showing what the shop had before the OMS synced it.
const shop = await startShopifyAdminServer({ accessToken: 'shpat_custom_runner' });
const webWarehouse = shop.addLocation('Web warehouse');
const items = {
  'SKU-100': shop.addInventoryItem({ sku: 'SKU-100' }),
  'SKU-200': shop.addInventoryItem({ sku: 'SKU-200' }),
};
shop.stock(items['SKU-100'], webWarehouse, 70);
shop.stock(items['SKU-200'], webWarehouse, 0);

const dir = mkdtempSync(join(tmpdir(), 'custom-runner-'));
const store = await openSqliteInventoryStore({ file: join(dir, 'inventory.sqlite') });
try {
  await store.migrate();
  mkdirSync(join(dir, 'inbox'));
  mkdirSync(join(dir, 'outbox'));
  const inbox = localFileStore({ root: join(dir, 'inbox') });
  const outbox = localFileStore({ root: join(dir, 'outbox') });
  const shopify = shopifyInventory({ shop: shop.shopDomain, accessToken: shop.accessToken, adminUrl: shop.url });

  // Each use case asks for the ports it uses; a runner hands in the adapters that implement them.
  const importDeps: ImportDeps = { ...inbox, ...netsuiteExportReader(), ...localRowSpools(), ...store, ...clock };
  const shopifyDeps: MapProductsDeps & HardSyncDeps & ProcessUploadsDeps = {
    ...store,
    ...shopify,
    ...localFeedReader(),
    outbox,
    ...clock,
  };

  // The OMS's master data and stock (in a real service, already there).
  await ok(
    'seed',
    store.saveFacilities([
      { facilityId: 'WAREHOUSE_NJ', externalId: '101' },
      { facilityId: 'STORE_OUTLET', externalId: '103' },
    ]),
  );
  await ok(
    'seed',
    store.saveProducts([
      { productId: 'SKU-100', externalId: '5100' },
      { productId: 'SKU-200', externalId: '5200' },
    ]),
  );
  await ok(
    'seed',
    store.saveProductSkus([
      { productId: 'SKU-100', sku: 'SKU-100' },
      { productId: 'SKU-200', sku: 'SKU-200' },
    ]),
  );
  await ok(
    'seed',
    store.saveFacilityGroup({
      facilityGroupId: 'SHOPIFY_US',
      facilityGroupTypeId: CHANNEL_FAC_GROUP,
      facilityIds: ['WAREHOUSE_NJ'],
    }),
  );
  await ok(
    'seed',
    store.saveSalesChannel({ facilityGroupId: 'SHOPIFY_US', shop: shop.shopDomain, locationId: webWarehouse }),
  );
  await ok(
    'seed',
    store.savePositions([
      { productId: 'SKU-100', facilityId: 'WAREHOUSE_NJ', quantityOnHand: 90, reservedQuantity: 5, safetyStock: 5 },
    ]),
  );
  await ok('seed', store.saveThresholds([{ productId: 'SKU-100', threshold: 5 }]));
  await ok('seed', store.saveBrokeringQueue([{ productId: 'SKU-100', quantity: 5 }]));

  // NetSuite's nightly export lands in the inbox; the import resets the OMS's stock to it.
  const csv =
    'Item,externalFacilityId,availableQty,idValue\nSKU-100 Classic Tee,101,90,5100\nSKU-100 Classic Tee,103,5,5100\nSKU-200 Canvas Tote,101,12,5200\n';
  await ok('drop the export', inbox.write('', 'inventory-20261122T010000Z.csv', csv));
  const imported = await ok(
    'import',
    importInventory({ ...defaultImportConfig('import-1', 'custom-runner'), settleMs: 0 })(importDeps),
  );

  const mapped = await ok('map products', mapProducts({ shop: shop.shopDomain, pageSize: 500 })(shopifyDeps));
  const synced = await ok(
    'hard sync',
    hardSync({ facilityGroupId: 'SHOPIFY_US', runId: 'hard-sync-1', pageSize: 500 })(shopifyDeps),
  );
  const uploaded = await ok('process uploads', processUploads(defaultProcessUploadsConfig('upload-1'))(shopifyDeps));

  console.log(
    `imported ${imported.files.length} file(s): ${imported.rowsRead} rows, ${imported.adjusted} adjusted, ${imported.rejected} rejected`,
  );
  console.log(`mapped ${mapped.mapped} of ${mapped.products} products by SKU`);
  console.log(
    `hard sync: ${synced.lines} line(s) for ${synced.products} product(s), ${synced.alreadyEqual} already equal`,
  );
  console.log(`process uploads: ${uploaded.applied} set in ${uploaded.calls} call(s), ${uploaded.failed} failed`);
  console.log(
    `Shopify available: SKU-100 ${shop.available(items['SKU-100'], webWarehouse)}, SKU-200 ${shop.available(items['SKU-200'], webWarehouse)}`,
  );
} finally {
  await store.close();
  await shop.close();
  rmSync(dir, { recursive: true, force: true });
}
