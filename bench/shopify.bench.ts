/**
 * Shopify push benchmark (OMS -> Shopify): a Hard Sync of 100,000 items and a delta push of 10,000 changes, from
 * PostgreSQL through the Admin GraphQL adapter to the test kit's local Shopify server with a plan's real bucket
 * (Standard: 2,000 points, 100 points/s restore). For each, the theoretical minimum time the bucket allows for the
 * same calls (points spent beyond what the bucket held at the start, divided by the restore rate) and the ratio
 * (goal: within 1.1x, zero items failed, zero throttled requests). The legacy path, REST `inventory_levels/set` at
 * 2 requests/s and one item per request, is computed for the same counts.
 *
 * First a Hard Sync where only a share of the catalogue differs from Shopify (BENCH_CHANGED_SHARE, default 0.05): its
 * calls against ceil(changed / 250), what it must cost whatever the catalogue size.
 *
 *   npm run bench:shopify            (BENCH_ITEMS=20000 for a shorter run; BENCH_PLAN=plus for another bucket)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { localFeedReader } from '../src/adapters/local-files/feed-reader.ts';
import { localFileStore } from '../src/adapters/local-files/local-file-store.ts';
import { openPostgresInventoryStore } from '../src/adapters/persistence/postgres-inventory-store.ts';
import { availableAt, minimumSeconds } from '../src/adapters/shopify/leaky-bucket.ts';
import { shopifyInventory } from '../src/adapters/shopify/shopify-inventory.ts';
import { hardSync } from '../src/application/hard-sync.ts';
import { defaultProcessUploadsConfig, processUploads } from '../src/application/process-uploads.ts';
import { pushRecentChanges } from '../src/application/push-recent-changes.ts';
import { systemClock } from '../src/composition/live.ts';
import { CHANNEL_FAC_GROUP } from '../src/domain/index.ts';
import { SHOPIFY_PLANS, startShopifyAdminServer } from '../src/testkit/index.ts';
import { freshPostgresDatabase } from '../tests/support/postgres.ts';
import { run } from '../tests/support/run.ts';

const ITEMS = Number(process.env.BENCH_ITEMS ?? 100_000);
const CHANGES = Math.min(ITEMS, Number(process.env.BENCH_CHANGES ?? 10_000));
const CHANGED_SHARE = Number(process.env.BENCH_CHANGED_SHARE ?? 0.05);
const PLAN = (process.env.BENCH_PLAN ?? 'standard') as keyof typeof SHOPIFY_PLANS;
const TOKEN = 'shpat_bench';
const LEGACY_REQUESTS_PER_SECOND = 2;

const database = await freshPostgresDatabase();
const server = await startShopifyAdminServer({ accessToken: TOKEN, plan: SHOPIFY_PLANS[PLAN] });
const outboxDir = mkdtempSync(join(tmpdir(), 'oms-inventory-sync-shopify-bench-'));
try {
  const store = await openPostgresInventoryStore({ url: database.url });
  await store.migrate();
  const location = server.addLocation('Web warehouse');
  const itemIds: string[] = [];
  // Shopify starts equal to online ATP but for one item in every 1 / CHANGED_SHARE.
  const atp = (i: number) => Math.max(0, 20 + (i % 50) - (i % 3) - 1);
  const changedEvery = Math.max(1, Math.round(1 / CHANGED_SHARE));
  for (let i = 0; i < ITEMS; i++) {
    const id = server.addInventoryItem({ sku: `SKU-${i}` });
    server.stock(id, location, i % changedEvery === 0 ? i % 7 : atp(i));
    itemIds.push(id);
  }
  const pid = (i: number) => `P${String(i).padStart(7, '0')}`;
  await run(
    store.saveFacilities([
      { facilityId: 'WEB_WH', externalId: '101' },
      { facilityId: 'STORE_1', externalId: '102' },
    ]),
  );
  await run(
    store.saveProducts(
      Array.from({ length: ITEMS }, (_, i) => ({ productId: pid(i), externalId: String(100000 + i) })),
    ),
  );
  await run(
    store.saveFacilityGroup({
      facilityGroupId: 'SHOPIFY_US',
      facilityGroupTypeId: CHANNEL_FAC_GROUP,
      facilityIds: ['WEB_WH'],
    }),
  );
  await run(store.saveSalesChannel({ facilityGroupId: 'SHOPIFY_US', shop: server.shopDomain, locationId: location }));
  await run(
    store.savePositions(
      Array.from({ length: ITEMS }, (_, i) => ({
        productId: pid(i),
        facilityId: 'WEB_WH',
        quantityOnHand: 20 + (i % 50),
        reservedQuantity: i % 3,
        safetyStock: 1,
      })),
    ),
  );
  await run(
    store.saveMappings(
      server.shopDomain,
      Array.from({ length: ITEMS }, (_, i) => ({
        productId: pid(i),
        sku: `SKU-${i}`,
        status: 'mapped' as const,
        inventoryItemId: itemIds[i]!,
      })),
    ),
  );

  const outbox = localFileStore({ root: outboxDir });
  // The call path (inventorySetQuantities, 250 a call) for the ratio against the bucket; the bulk path is below.
  const shopify = shopifyInventory({
    shop: server.shopDomain,
    accessToken: TOKEN,
    adminUrl: server.url,
    bulkPollMs: 50,
    bulkThreshold: Number.POSITIVE_INFINITY,
  });
  const deps = { ...store, ...shopify, ...localFeedReader(), outbox, ...systemClock };
  const plan = SHOPIFY_PLANS[PLAN];

  const measure = async (
    label: string,
    job: () => Promise<{ applied: number; failed: number; lines: number; uploadSeconds: number; readSeconds: number }>,
  ) => {
    const before = shopify.stats();
    const bucket = shopify.bucket();
    const startAvailable = bucket === null ? plan.maximumAvailable : availableAt(bucket, performance.now());
    const start = performance.now();
    const result = await job();
    const seconds = (performance.now() - start) / 1000;
    const after = shopify.stats();
    const points = after.pointsRequested - before.pointsRequested;
    const minimum = minimumSeconds(points, startAvailable, plan.restoreRate);
    const legacy = result.lines / LEGACY_REQUESTS_PER_SECOND;
    console.log(
      `${label}: ${result.lines.toLocaleString('en')} lines, ${result.applied.toLocaleString('en')} applied, ${result.failed} failed in ${seconds.toFixed(1)} s (${Math.round(result.applied / seconds).toLocaleString('en')} items/s)`,
    );
    console.log(
      `  ${after.requests - before.requests} requests, ${points} points, throttled ${after.throttled - before.throttled}, retries ${after.retries - before.retries}; bucket held ${Math.round(startAvailable)} at the start`,
    );
    console.log(
      `  theoretical minimum ${minimum.toFixed(1)} s -> ratio ${minimum > 0 ? (seconds / minimum).toFixed(3) : 'n/a (the bucket held it all)'}x end to end (goal <= 1.1x); Process uploads alone ${result.uploadSeconds.toFixed(1)} s = ${minimum > 0 ? (result.uploadSeconds / minimum).toFixed(3) : 'n/a'}x`,
    );
    if (result.readSeconds > 0) {
      // The calls cannot start before Shopify has answered the bulk read of its levels (their basis), which spends no
      // bucket and whose time is Shopify's (here: the local server's, in this process).
      const afterRead = result.readSeconds + minimum;
      console.log(
        `  with Shopify's bulk read first (${result.readSeconds.toFixed(1)} s, not bucket-bound): minimum ${afterRead.toFixed(1)} s -> ratio ${(seconds / afterRead).toFixed(3)}x`,
      );
    }
    console.log(
      `  legacy REST inventory_levels/set at ${LEGACY_REQUESTS_PER_SECOND} req/s: ${(legacy / 3600).toFixed(1)} h for these items (${(1_000_000 / LEGACY_REQUESTS_PER_SECOND / 86400).toFixed(1)} days for 1M)`,
    );
  };

  console.log(
    `node ${process.version}; plan ${PLAN}: bucket ${plan.maximumAvailable} points, restore ${plan.restoreRate}/s; ${ITEMS.toLocaleString('en')} items`,
  );
  const changedSync = async (label: string, runId: string) => {
    const calls = server.stats.setCalls;
    await measure(label, async () => {
      const sync = await run(hardSync({ facilityGroupId: 'SHOPIFY_US', runId, pageSize: 10_000 })(deps));
      console.log(
        `  (Hard Sync wrote its feed of ${sync.lines} lines in ${(sync.durationMs / 1000).toFixed(1)} s, of which ${(sync.shopifyReadMs / 1000).toFixed(1)} s reading Shopify's levels by bulk query)`,
      );
      const changed = sync.lines - sync.alreadyEqual;
      const applied = await run(processUploads(defaultProcessUploadsConfig(`${runId}-upload`))(deps));
      const sent = server.stats.setCalls - calls;
      console.log(
        `  ${changed.toLocaleString('en')} of ${sync.lines.toLocaleString('en')} lines changed: ${sent} inventorySetQuantities calls at the server (report: ${applied.calls}), ceil(changed / 250) = ${Math.ceil(changed / 250)} -> ${(sent / Math.max(1, Math.ceil(changed / 250))).toFixed(2)}x`,
      );
      return {
        applied: applied.applied + sync.alreadyEqual,
        failed: applied.failed,
        lines: sync.lines,
        uploadSeconds: applied.durationMs / 1000,
        readSeconds: sync.shopifyReadMs / 1000,
      };
    });
  };
  await changedSync(`Hard Sync + Process uploads, ${CHANGED_SHARE * 100}% changed`, 'bench-hard-share');
  // Every item moves by one unit on Shopify's side: the next Hard Sync sets them all.
  for (let i = 0; i < ITEMS; i++)
    server.stock(itemIds[i]!, location, (server.available(itemIds[i]!, location) ?? 0) + 1);
  await changedSync('Hard Sync + Process uploads, all changed', 'bench-hard');
  let wrong = 0;
  for (let i = 0; i < ITEMS; i += 997) if (server.available(itemIds[i]!, location) !== atp(i)) wrong++;
  console.log(`  spot check of Shopify against online ATP: ${wrong} wrong of ${Math.ceil(ITEMS / 997)}`);

  // 10,000 sales: one more unit reserved on each of CHANGES products, right after the Hard Sync drained the bucket.
  await run(
    store.savePositions(
      Array.from({ length: CHANGES }, (_, k) => {
        const i = Math.floor((k * ITEMS) / CHANGES);
        return {
          productId: pid(i),
          facilityId: 'WEB_WH',
          quantityOnHand: 20 + (i % 50),
          reservedQuantity: (i % 3) + 1,
          safetyStock: 1,
        };
      }),
    ),
  );
  await measure('Upload recent inventory changes + Process uploads', async () => {
    const push = await run(
      pushRecentChanges({ facilityGroupId: 'SHOPIFY_US', runId: 'bench-push', pageSize: 10_000 })(deps),
    );
    const applied = await run(processUploads(defaultProcessUploadsConfig('bench-upload-2'))(deps));
    return {
      applied: applied.applied,
      failed: applied.failed,
      lines: push.lines,
      uploadSeconds: applied.durationMs / 1000,
      readSeconds: 0,
    };
  });

  // The bulk path, as a Hard Sync of this size takes by default (bulkThreshold 50,000): Shopify moved every item by
  // one unit since, so every line is set again. Bulk work spends no bucket; the local server runs its lines at once,
  // so this measures our side of the path (staging, polling, reading results), not Shopify's processing time.
  for (let i = 0; i < ITEMS; i++)
    server.stock(itemIds[i]!, location, (server.available(itemIds[i]!, location) ?? 0) + 1);
  const bulk = shopifyInventory({ shop: server.shopDomain, accessToken: TOKEN, adminUrl: server.url, bulkPollMs: 50 });
  const bulkDeps = { ...deps, ...bulk };
  const bulkStart = performance.now();
  const bulkSync = await run(
    hardSync({ facilityGroupId: 'SHOPIFY_US', runId: 'bench-hard-bulk', pageSize: 10_000 })(bulkDeps),
  );
  const bulkApplied = await run(processUploads(defaultProcessUploadsConfig('bench-upload-3'))(bulkDeps));
  const bulkSeconds = (performance.now() - bulkStart) / 1000;
  const callMinimum = minimumSeconds((bulkSync.lines / 250) * 10, plan.maximumAvailable, plan.restoreRate);
  console.log(
    `Hard Sync + Process uploads through a bulk mutation: ${bulkSync.lines.toLocaleString('en')} lines, ${bulkApplied.applied.toLocaleString('en')} applied, ${bulkApplied.failed} failed in ${bulkSeconds.toFixed(1)} s; ${bulkApplied.feeds[0]?.bulkOperations ?? 0} bulk operation(s), ${bulk.stats().pointsRequested} points`,
  );
  console.log(
    `  ${(bulkSeconds / callMinimum).toFixed(3)}x the call path's theoretical minimum (${callMinimum.toFixed(1)} s, full bucket at the start)`,
  );
  await store.close();
} finally {
  await server.close();
  await database.drop();
  rmSync(outboxDir, { recursive: true, force: true });
}
