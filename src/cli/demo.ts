import { JOBS } from '../composition/job-catalogue.ts';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pipe } from 'fp-ts/lib/function.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import { SHOPIFY_MAX_QUANTITIES_PER_CALL } from '../adapters/shopify/shopify-inventory.ts';
import { hardSync, type HardSyncReport } from '../application/hard-sync.ts';
import { ARCHIVE_FOLDER, importInventory, type ImportReport } from '../application/import-inventory.ts';
import { mapProducts, type MapProductsReport } from '../application/map-products.ts';
import { FEED_ARCHIVE_FOLDER, processUploads, type ProcessUploadsReport } from '../application/process-uploads.ts';
import { pushRecentChanges, type PushChangesReport } from '../application/push-recent-changes.ts';
import {
  openImportJob,
  openShopifyJobs,
  type ImportJob,
  type ShopifyJobs,
  type StartupError,
} from '../composition/live.ts';
import { loadConfig, type Config } from '../composition/config.ts';
import {
  BatchSize,
  batchesOf,
  detectChanges,
  explainOnlineAtp,
  formatOnlineAtpExplanation,
  fromScaled,
  toScaled,
  type ChannelFacilityGroup,
  type DeltaResult,
  type OnlineAtpExplanation,
} from '../domain/index.ts';
import { startShopifyAdminServer, type ShopifyAdminServer } from '../testkit/shopify-admin-server.ts';
import * as demo from './demo-data.ts';

/** What Shopify showed for one product's inventory item at the channel's location, before and after each push. */
export interface DemoItemQuantities {
  readonly productId: string;
  readonly sku: string;
  readonly inventoryItemId: string;
  /** Before the OMS ever pushed: the shop's own number. */
  readonly before: number | null;
  readonly afterHardSync: number | null;
  readonly afterPush: number | null;
}

/** The OMS event between the Hard Sync and the delta push: an order reserving units at a facility. */
export interface DemoSale {
  readonly productId: string;
  readonly facilityId: string;
  readonly units: number;
  readonly reservedBefore: number;
  readonly reservedAfter: number;
}

/**
 * Everything the demo did, step by step: each use case's own report, and the numbers that tie them together.
 * (`onlineAtp`, `delta` and `batches` are the domain's view of step 4, before the Hard Sync runs.)
 */
export interface DemoReport {
  /** Where the demo's files are; null when they were in a temporary folder, removed afterwards. */
  readonly dataDir: string | null;
  /** The local Shopify server standing in for the shop. */
  readonly shopify: { readonly shop: string; readonly adminUrl: string; readonly locationId: string };
  /** Step 1: the bundled example, set up in the OMS store and the shop. */
  readonly setup: {
    readonly facilities: number;
    readonly products: number;
    readonly facilityGroup: ChannelFacilityGroup;
  };
  /** Step 2: the NetSuite export imported by the Import inventory job. */
  readonly import: ImportReport;
  /** Step 3: products mapped to Shopify inventory items by SKU. */
  readonly mapping: MapProductsReport;
  /** Step 4: online ATP of every mapped product for the channel group, from the store, with the numbers behind it. */
  readonly onlineAtp: ReadonlyArray<OnlineAtpExplanation>;
  /** Step 4: online ATP against what Shopify held before the Hard Sync: the quantities the Hard Sync has to change. */
  readonly delta: DeltaResult;
  /** Step 4: how many set calls those changes take at the demo's batch size (Shopify takes at most 250 a call). */
  readonly batches: number;
  readonly hardSync: HardSyncReport;
  readonly hardSyncUpload: ProcessUploadsReport;
  /** Step 5: the OMS change, the delta push it caused, and its upload. */
  readonly sale: DemoSale;
  readonly pushChanges: PushChangesReport;
  readonly pushUpload: ProcessUploadsReport;
  /** Shopify's `available` per product: before, after the Hard Sync, after the delta push. */
  readonly quantities: ReadonlyArray<DemoItemQuantities>;
  /** `inventorySetQuantities` calls the local Shopify server received. */
  readonly shopifySetCalls: number;
  /** Step 6: why Shopify shows what it shows for the worked example (75): the product looked up by SKU in the store. */
  readonly explanation: {
    readonly productId: string;
    readonly sku: string | null;
    readonly shopifyAvailable: number | null;
    readonly onlineAtp: OnlineAtpExplanation;
  };
  /** Files left in the data directory: the imported export and the applied feeds, archived. */
  readonly files: { readonly archivedExports: ReadonlyArray<string>; readonly archivedFeeds: ReadonlyArray<string> };
}

/** Why the demo could not run: a dependency that did not start, or the step that failed and why. */
export type DemoError = StartupError | { readonly _tag: 'DemoFailed'; readonly step: string; readonly reason: string };

const reasonOf = (e: unknown): string => {
  if (e instanceof Error) return e.message;
  if (typeof e !== 'object' || e === null) return String(e);
  const { _tag, reason, cause: _cause, ...rest } = e as { _tag?: unknown; reason?: unknown; cause?: unknown };
  const facts = reason !== undefined ? String(reason) : JSON.stringify(rest);
  return _tag === undefined ? facts : `${String(_tag)}: ${facts}`;
};

const failedAt =
  (step: string) =>
  (e: unknown): DemoError => ({ _tag: 'DemoFailed', step, reason: reasonOf(e) });

/** Runs one step; its error names the step. */
const step = <E, A>(name: string, task: TE.TaskEither<E, A>): TE.TaskEither<DemoError, A> =>
  pipe(task, TE.mapLeft(failedAt(name)));

/** Uses a resource and releases it whatever happened. */
const using = <R, A>(
  acquire: TE.TaskEither<DemoError, R>,
  release: (r: R) => Promise<void>,
  use: (r: R) => TE.TaskEither<DemoError, A>,
): TE.TaskEither<DemoError, A> => TE.bracket(acquire, use, (r) => TE.tryCatch(() => release(r), failedAt('closing')));

const DEMO_TOKEN = 'shpat_oms_inventory_sync_demo';
const PAGE_SIZE = 100;

interface DemoShop {
  readonly server: ShopifyAdminServer;
  readonly locationId: string;
  /** Inventory item per product id. */
  readonly items: ReadonlyMap<string, string>;
}

// The shop as it is before the OMS syncs it: one location, an item per SKU stocked there with the shop's own number.
const startDemoShop = (): TE.TaskEither<DemoError, DemoShop> =>
  pipe(
    TE.tryCatch(
      () => startShopifyAdminServer({ accessToken: DEMO_TOKEN }),
      (cause): DemoError => ({ _tag: 'StartupFailed', component: 'local Shopify server', reason: reasonOf(cause) }),
    ),
    TE.map((server) => {
      const locationId = server.addLocation(demo.demoShopifyLocationName);
      const items = new Map<string, string>();
      for (const p of demo.demoProducts) {
        const item = server.addInventoryItem({ sku: p.sku });
        server.stock(item, locationId, p.shopifyAvailable);
        items.set(p.productId, item);
      }
      return { server, locationId, items };
    }),
  );

// Embedded defaults under dataDir, and the local shop's settings; the token goes in through the environment only.
const demoConfig = (dataDir: string, shop: DemoShop, batchSize: number): TE.TaskEither<DemoError, Config> => {
  const config = loadConfig(
    {
      inventoryStore: { sqlite: { file: join(dataDir, 'inventory.sqlite') } },
      inbox: { local: { root: join(dataDir, 'inbox') } },
      outbox: { local: { root: join(dataDir, 'outbox') } },
      import: { settleMs: 0 },
      shopify: { shop: shop.server.shopDomain, adminUrl: shop.server.url, batchSize, timeoutMs: 10_000 },
    },
    { SHOPIFY_ACCESS_TOKEN: shop.server.accessToken },
  );
  return config._tag === 'Right'
    ? TE.right(config.right)
    : TE.left({ _tag: 'DemoFailed', step: 'configuration', reason: config.left.problems.join('; ') });
};

// Steps 1 and 2: the example in the OMS, then tonight's export dropped in the inbox and imported by the real job.
const setUpAndImport = (job: ImportJob, shop: DemoShop): TE.TaskEither<DemoError, ImportReport> => {
  const { store } = job;
  return pipe(
    step(
      'set up the example',
      pipe(
        store.saveFacilities(demo.demoFacilities),
        TE.chainW(() =>
          store.saveProducts(demo.demoProducts.map((p) => ({ productId: p.productId, externalId: p.externalId }))),
        ),
        TE.chainW(() => store.saveFacilityGroup(demo.demoChannelGroup)),
        TE.chainW(() =>
          store.saveSalesChannel({
            facilityGroupId: demo.demoChannelGroup.facilityGroupId,
            shop: shop.server.shopDomain,
            locationId: shop.locationId,
          }),
        ),
        TE.chainW(() => store.saveProductSkus(demo.demoProducts.map((p) => ({ productId: p.productId, sku: p.sku })))),
        TE.chainW(() => store.savePositions(demo.demoPositions)),
        TE.chainW(() => store.saveThresholds(demo.demoThresholds)),
        TE.chainW(() => store.saveBrokeringQueue(demo.demoBrokeringQueue)),
      ),
    ),
    TE.chainW(() => step('NetSuite export into the inbox', job.deps.write('', demo.demoExportName, demo.demoExport))),
    TE.chainW(() => step('Import inventory', importInventory(job.importConfig('demo-import', 'demo'))(job.deps))),
  );
};

const shopifyQuantities = (shop: DemoShop): ReadonlyMap<string, number | null> =>
  new Map(
    Array.from(shop.items, ([productId, item]) => [productId, shop.server.available(item, shop.locationId) ?? null]),
  );

// Steps 3 to 6, through the Shopify jobs of the composition root.
const syncShopify = (jobs: ShopifyJobs, shop: DemoShop, batchSize: BatchSize) => {
  const groupId = demo.demoChannelGroup.facilityGroupId;
  const before = shopifyQuantities(shop);
  return pipe(
    TE.Do,
    TE.bind('mapping', () => step('map products', mapProducts({ shop: jobs.shop, pageSize: PAGE_SIZE })(jobs.deps))),
    TE.bind('channel', () =>
      step(
        'sales channel',
        pipe(
          jobs.deps.salesChannel(groupId),
          TE.chainW((c) =>
            c === null ? TE.left(`facility group ${groupId} sells through no Shopify location`) : TE.right(c),
          ),
        ),
      ),
    ),
    TE.bind('products', ({ channel }) => step('online ATP', jobs.deps.mappedProductPage(channel, null, 1_000))),
    TE.let('onlineAtp', ({ channel, products }) => products.map((p) => explainOnlineAtp(channel.facilityGroup, p))),
    TE.let('delta', ({ channel, products, onlineAtp }) => {
      const held = products.flatMap((p) => {
        const quantity = shop.server.available(p.inventoryItemId, channel.locationId);
        return quantity === undefined
          ? []
          : [{ inventoryItemId: p.inventoryItemId, locationId: channel.locationId, quantity }];
      });
      return detectChanges(
        held,
        products.map((p, i) => ({
          inventoryItemId: p.inventoryItemId,
          locationId: channel.locationId,
          quantity: onlineAtp[i]!.onlineAtp,
        })),
      );
    }),
    TE.bind('hardSync', () =>
      step(
        'Hard Sync',
        hardSync({ facilityGroupId: groupId, runId: 'demo-hard-sync', pageSize: PAGE_SIZE })(jobs.deps),
      ),
    ),
    TE.bind('hardSyncUpload', () =>
      step(
        'Process uploads (Hard Sync)',
        processUploads(jobs.processUploadsConfig('demo-upload-hard-sync'))(jobs.deps),
      ),
    ),
    TE.let('afterHardSync', () => shopifyQuantities(shop)),
    // An order reserves units: the OMS writes the position, which marks the product changed for the delta push.
    TE.bind('sale', () =>
      pipe(
        step('the sale', jobs.deps.productInventory(demo.demoSale.productId)),
        TE.chain((record) => {
          const position = record?.inventory.positions.find((p) => p.facilityId === demo.demoSale.facilityId);
          if (position === undefined)
            return TE.left<DemoError>({
              _tag: 'DemoFailed',
              step: 'the sale',
              reason: `${demo.demoSale.productId} has no stock at ${demo.demoSale.facilityId}`,
            });
          const reservedAfter = fromScaled(toScaled(position.reservedQuantity) + toScaled(demo.demoSale.units));
          return pipe(
            step(
              'the sale',
              jobs.deps.savePositions([
                {
                  productId: demo.demoSale.productId,
                  facilityId: position.facilityId,
                  quantityOnHand: position.quantityOnHand,
                  reservedQuantity: reservedAfter,
                  safetyStock: position.safetyStock,
                },
              ]),
            ),
            TE.map((): DemoSale => ({ ...demo.demoSale, reservedBefore: position.reservedQuantity, reservedAfter })),
          );
        }),
      ),
    ),
    TE.bind('pushChanges', () =>
      step(
        'Upload recent inventory changes',
        pushRecentChanges({ facilityGroupId: groupId, runId: 'demo-push-changes', pageSize: PAGE_SIZE })(jobs.deps),
      ),
    ),
    TE.bind('pushUpload', () =>
      step('Process uploads (changes)', processUploads(jobs.processUploadsConfig('demo-upload-changes'))(jobs.deps)),
    ),
    TE.let('afterPush', () => shopifyQuantities(shop)),
    // The question an operator asks: the product by its SKU, from the store, explained for the channel group.
    TE.bind('explanation', ({ channel }) =>
      pipe(
        step('explain online ATP', jobs.deps.productInventory(demo.demoExplainedSku)),
        TE.chain((record) => {
          const item = record === null ? undefined : shop.items.get(record.productId);
          return record === null
            ? TE.left<DemoError>({
                _tag: 'DemoFailed',
                step: 'explain online ATP',
                reason: `no product with id or SKU ${demo.demoExplainedSku}`,
              })
            : TE.right({
                productId: record.productId,
                sku: record.sku,
                shopifyAvailable: item === undefined ? null : (shop.server.available(item, channel.locationId) ?? null),
                onlineAtp: explainOnlineAtp(channel.facilityGroup, record.inventory),
              });
        }),
      ),
    ),
    TE.map((r) => ({
      ...r,
      batches: batchesOf(r.delta.changes, batchSize).length,
      quantities: demo.demoProducts.map(
        (p): DemoItemQuantities => ({
          productId: p.productId,
          sku: p.sku,
          inventoryItemId: shop.items.get(p.productId)!,
          before: before.get(p.productId) ?? null,
          afterHardSync: r.afterHardSync.get(p.productId) ?? null,
          afterPush: r.afterPush.get(p.productId) ?? null,
        }),
      ),
    })),
  );
};

const filesIn = (folder: string): ReadonlyArray<string> => {
  try {
    return readdirSync(folder)
      .filter((name) => !name.startsWith('.'))
      .sort();
  } catch {
    return [];
  }
};

// A folder that already holds files would mix an earlier run's store, inbox and ledger into this one.
const emptyDataDir = (dataDir: string): TE.TaskEither<DemoError, void> =>
  filesIn(dataDir).length === 0
    ? TE.right(undefined)
    : TE.left({
        _tag: 'DemoFailed',
        step: 'data directory',
        reason: `${dataDir} is not empty: the demo needs a new or empty folder`,
      });

/**
 * The whole NetSuite -> OMS -> Shopify pipeline on embedded defaults, in-process and offline. In `dataDir` (new or
 * empty): an SQLite store, a local inbox and outbox; Shopify is the test kit's local server on 127.0.0.1, closed at
 * the end. (1) the bundled example is set up in the OMS and the shop; (2) a NetSuite-style export lands in the inbox
 * and the Import inventory job runs; (3) products are mapped by SKU; (4) online ATP of the channel group, Hard Sync
 * and Process uploads; (5) an order reserves units in the OMS, and Upload recent inventory changes and Process
 * uploads push that product only; (6) why Shopify shows 75 for the worked example. `batchSize` is the quantities per
 * set call (Shopify takes at most 250).
 */
export const runDemo = (dataDir: string, batchSize: BatchSize): TE.TaskEither<DemoError, DemoReport> => {
  // Shopify takes at most 250 quantities a call: a larger batch size means full calls.
  const perCall =
    BatchSize.is(SHOPIFY_MAX_QUANTITIES_PER_CALL) && batchSize > SHOPIFY_MAX_QUANTITIES_PER_CALL
      ? SHOPIFY_MAX_QUANTITIES_PER_CALL
      : batchSize;
  return pipe(
    emptyDataDir(dataDir),
    TE.chain(() =>
      using(
        startDemoShop(),
        (shop) => shop.server.close(),
        (shop) =>
          pipe(
            demoConfig(dataDir, shop, perCall),
            TE.chain((config) =>
              pipe(
                using(
                  openImportJob(config),
                  (job) => job.close(),
                  (job) => setUpAndImport(job, shop),
                ),
                TE.chain((imported) =>
                  using(
                    openShopifyJobs(config),
                    (jobs) => jobs.close(),
                    (jobs) =>
                      pipe(
                        syncShopify(jobs, shop, perCall),
                        TE.map(
                          (r): DemoReport => ({
                            dataDir,
                            shopify: {
                              shop: shop.server.shopDomain,
                              adminUrl: shop.server.url,
                              locationId: shop.locationId,
                            },
                            setup: {
                              facilities: demo.demoFacilities.length,
                              products: demo.demoProducts.length,
                              facilityGroup: demo.demoChannelGroup,
                            },
                            import: imported,
                            mapping: r.mapping,
                            onlineAtp: r.onlineAtp,
                            delta: r.delta,
                            batches: r.batches,
                            hardSync: r.hardSync,
                            hardSyncUpload: r.hardSyncUpload,
                            sale: r.sale,
                            pushChanges: r.pushChanges,
                            pushUpload: r.pushUpload,
                            quantities: r.quantities,
                            shopifySetCalls: shop.server.stats.setCalls,
                            explanation: r.explanation,
                            files: {
                              archivedExports: filesIn(
                                join(config.inbox.kind === 'local' ? config.inbox.root : dataDir, ARCHIVE_FOLDER),
                              ),
                              archivedFeeds: filesIn(
                                join(
                                  config.outbox.kind === 'local' ? config.outbox.root : dataDir,
                                  FEED_ARCHIVE_FOLDER,
                                ),
                              ),
                            },
                          }),
                        ),
                      ),
                  ),
                ),
              ),
            ),
          ),
      ),
    ),
  );
};

const formatUpload = (r: ProcessUploadsReport): string =>
  `Process uploads (run ${r.runId}): ${r.feeds.length} feed(s), ${r.applied} quantity(ies) set, ${r.feeds.reduce((n, f) => n + f.alreadyEqual, 0)} already equal, ${r.failed} failed, ${r.calls} inventorySetQuantities call(s)`;

const formatQuantity = (n: number | null): string => (n === null ? 'not stocked' : String(n));

const indent = (text: string, by = '  '): string => text.replace(/^/gm, by);

/** The demo's report as readable text: a short section per step, ending with why Shopify shows 75. */
export const formatDemoReport = (r: DemoReport): string => {
  const group = r.setup.facilityGroup;
  const out: string[] = [
    'oms-inventory-sync demo: NetSuite -> OMS -> Shopify on embedded defaults, in-process',
    r.dataDir === null
      ? '  data: a temporary folder, removed afterwards (--data-dir DIR keeps the SQLite store, inbox/ and outbox/)'
      : `  data: ${r.dataDir} (SQLite store inventory.sqlite, inbox/, outbox/)`,
    `  Shopify: the test kit's local Admin API server for ${r.shopify.shop} at ${r.shopify.adminUrl}`,
    '',
    '1. The example',
    `  OMS: ${r.setup.facilities} facilities, ${r.setup.products} products with SKUs; channel facility group ${group.facilityGroupId} (${group.facilityIds.join(', ')}) sells through ${r.shopify.locationId}`,
    `  Shopify before any sync: ${r.quantities.map((q) => `${q.sku} ${formatQuantity(q.before)}`).join(', ')}`,
    '',
    '2. NetSuite -> OMS: a NetSuite export lands in the inbox',
    ...JOBS.import
      .format(r.import)
      .split('\n')
      .map((l) => `  ${l}`),
    `  archived: ${r.files.archivedExports.map((f) => `inbox/archive/${f}`).join(', ') || 'none'}`,
    '',
    '3. Map products by SKU',
    `  ${r.mapping.products} product(s): ${r.mapping.mapped} mapped, ${r.mapping.unmatched.length} unmatched, ${r.mapping.ambiguous.length} ambiguous`,
    '',
    `4. Online ATP for ${group.facilityGroupId}, then Hard Sync`,
    ...r.onlineAtp.map((e) => indent(formatOnlineAtpExplanation(e))),
    `  against Shopify: ${r.delta.changes.length} change(s) in ${r.batches} call(s), ${r.delta.unchanged} already equal`,
    `  Hard Sync (run ${r.hardSync.runId}): ${r.hardSync.products} product(s), ${r.hardSync.lines} line(s), ${r.hardSync.alreadyEqual} already equal -> ${r.hardSync.feed ?? 'no feed'}`,
    `  ${formatUpload(r.hardSyncUpload)}`,
    `  Shopify now: ${r.quantities.map((q) => `${q.sku} ${formatQuantity(q.before)} -> ${formatQuantity(q.afterHardSync)}`).join(', ')}`,
    '',
    '5. An OMS change, then Upload recent inventory changes',
    `  an order reserves ${r.sale.units} of ${r.sale.productId} at ${r.sale.facilityId} (reserved ${r.sale.reservedBefore} -> ${r.sale.reservedAfter})`,
    `  Upload recent inventory changes (run ${r.pushChanges.runId}): ${r.pushChanges.changedProducts} changed product(s), ${r.pushChanges.lines} line(s), ${r.pushChanges.unchanged} unchanged -> ${r.pushChanges.feed ?? 'no feed'}`,
    `  ${formatUpload(r.pushUpload)}`,
    `  Shopify now: ${r.quantities.map((q) => (q.afterPush === q.afterHardSync ? `${q.sku} ${formatQuantity(q.afterPush)} (untouched)` : `${q.sku} ${formatQuantity(q.afterHardSync)} -> ${formatQuantity(q.afterPush)}`)).join(', ')}`,
    `  ${r.shopifySetCalls} inventorySetQuantities call(s) in all; feeds archived: ${r.files.archivedFeeds.map((f) => `outbox/archive/${f}`).join(', ') || 'none'}`,
    '',
    `6. Why does Shopify show ${formatQuantity(r.explanation.shopifyAvailable)} for ${r.explanation.sku ?? r.explanation.productId}?`,
    indent(formatOnlineAtpExplanation(r.explanation.onlineAtp)),
  ];
  return out.join('\n');
};
