/**
 * Shopify push benchmark (OMS -> Shopify): a Hard Sync of 100,000 items and a delta push of 10,000 changes, from
 * PostgreSQL through the Admin GraphQL adapter to the test kit's local Shopify server with a plan's real bucket
 * (Standard: 2,000 points, 100 points/s restore). For each, the theoretical minimum time the bucket allows for the
 * same calls (points spent beyond what the bucket held at the start, divided by the restore rate) and the ratio
 * (goal: within 1.1x, zero items failed, zero throttled requests). The server runs in a child process of its own
 * (`shopify-server-child.ts`; `BENCH_SERVER=in-process` for the bench's own process, as before): what it does is
 * Shopify's work, and in this process its bulk query held the measured side's event loop. The legacy path, REST
 * `inventory_levels/set` at 2 requests/s and one item per request, is computed for the same counts.
 *
 * First a Hard Sync where only a share of the catalogue differs from Shopify (BENCH_CHANGED_SHARE, default 0.05): its
 * calls against ceil(changed / 250), what it must cost whatever the catalogue size; with the bucket held full that
 * costs no wait, so `share-drained` runs the same feed's Process uploads with the bucket emptied first, against the
 * bucket's minimum for the changed lines' calls.
 *
 * Then, for the same two cases, Process uploads killed (SIGKILL) halfway through its calls and run again, against a
 * clean run of the same feed, both in a child process (`process-uploads-child.ts`; goal within 1.2x, nothing applied
 * twice), and the all-changed feed through a bulk mutation killed as soon as Shopify created it (`kill-bulk`); another client of the app spending 50% and 90% of the restore rate during a run (zero failed; minimum at
 * the restore rate left); the Plus bucket with 150 ms of latency on every answer, the bucket emptied first so that the
 * restore rate bounds the run (goal within 1.2x), against one call at a time. The million-line feeds through the
 * bulk path are `feed-rss.bench.ts`, the second half of `npm run bench:shopify`.
 *
 *   npm run bench:shopify            (BENCH_ITEMS=20000 for a shorter run; BENCH_PLAN=plus for another bucket;
 *   BENCH_CASES=share,all,share-drained,kill-share,kill-all,kill-bulk,compete,push,bulk,plus,plus-single for some cases only, default all of them;
 *   BENCH_TIMELINE=1 prints a timeline summary of each Process uploads run: see timeline.ts)
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { localFeedReader } from '../src/adapters/local-files/feed-reader.ts';
import { localFileStore } from '../src/adapters/local-files/local-file-store.ts';
import { openPostgresInventoryStore } from '../src/adapters/persistence/postgres-inventory-store.ts';
import { availableAt, minimumSeconds } from '../src/adapters/shopify/leaky-bucket.ts';
import { autoInFlight, shopifyInventory } from '../src/adapters/shopify/shopify-inventory.ts';
import { hardSync } from '../src/application/hard-sync.ts';
import { defaultProcessUploadsConfig, processUploads } from '../src/application/process-uploads.ts';
import { pushRecentChanges } from '../src/application/push-recent-changes.ts';
import { systemClock } from '../src/composition/live.ts';
import { CHANNEL_FAC_GROUP } from '../src/domain/index.ts';
import { SHOPIFY_PLANS } from '../src/testkit/index.ts';
import { freshPostgresDatabase } from '../tests/support/postgres.ts';
import { run } from '../tests/support/run.ts';
import { benchShopifyServer, type RemoteShopifyServer } from './shopify-server-child.ts';
import { timeline } from './timeline.ts';

const ITEMS = Number(process.env.BENCH_ITEMS ?? 100_000);
const CHANGES = Math.min(ITEMS, Number(process.env.BENCH_CHANGES ?? 10_000));
const CHANGED_SHARE = Number(process.env.BENCH_CHANGED_SHARE ?? 0.05);
const PLAN = (process.env.BENCH_PLAN ?? 'standard') as keyof typeof SHOPIFY_PLANS;
const TOKEN = 'shpat_bench';
const LEGACY_REQUESTS_PER_SECOND = 2;
const CASES = new Set(
  (
    process.env.BENCH_CASES ??
    'share,all,share-drained,kill-share,kill-all,kill-bulk,compete,push,bulk,plus,plus-single'
  )
    .split(',')
    .map((c) => c.trim()),
);
const TIMELINE = process.env.BENCH_TIMELINE === '1';

const database = await freshPostgresDatabase();
const server = await benchShopifyServer({ accessToken: TOKEN, plan: PLAN });
const outboxDir = mkdtempSync(join(tmpdir(), 'oms-inventory-sync-shopify-bench-'));
try {
  const store = await openPostgresInventoryStore({ url: database.url });
  await store.migrate();
  // Shopify starts equal to online ATP but for one item in every 1 / CHANGED_SHARE.
  const atp = (i: number) => Math.max(0, 20 + (i % 50) - (i % 3) - 1);
  const changedEvery = Math.max(1, Math.round(1 / CHANGED_SHARE));
  const { location, items: itemIds } = await server.catalogue('Web warehouse', ITEMS);
  await server.stockAll(Array.from({ length: ITEMS }, (_, i) => (i % changedEvery === 0 ? i % 7 : atp(i))));
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
    const calls = await server.setCalls();
    const line = timeline();
    const traced = TIMELINE ? line.wrap(deps) : deps;
    await measure(label, async () => {
      const sync = await run(hardSync({ facilityGroupId: 'SHOPIFY_US', runId, pageSize: 10_000 })(traced));
      console.log(
        `  (Hard Sync wrote its feed of ${sync.lines} lines in ${(sync.durationMs / 1000).toFixed(1)} s, of which ${(sync.shopifyReadMs / 1000).toFixed(1)} s reading Shopify's levels by bulk query)`,
      );
      const changed = sync.lines - sync.alreadyEqual;
      const applied = await run(processUploads(defaultProcessUploadsConfig(`${runId}-upload`))(traced));
      if (TIMELINE) console.log(line.summary('  Hard Sync + Process uploads'));
      const sent = (await server.setCalls()) - calls;
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
  if (CASES.has('share'))
    await changedSync(`Hard Sync + Process uploads, ${CHANGED_SHARE * 100}% changed`, 'bench-hard-share');
  if (CASES.has('all')) {
    // Every item one unit above online ATP on Shopify's side: the next Hard Sync sets them all.
    await server.stockAll(Array.from({ length: ITEMS }, (_, i) => atp(i) + 1));
    await changedSync('Hard Sync + Process uploads, all changed', 'bench-hard');
    let wrong = 0;
    for (const [k, q] of (await server.availableAll(997)).entries()) if (q !== atp(k * 997)) wrong++;
    console.log(`  spot check of Shopify against online ATP: ${wrong} wrong of ${Math.ceil(ITEMS / 997)}`);
  }

  // Shopify moved away from online ATP on a share of the items (all of them at 1): the next Hard Sync sets them.
  let drift = 0;
  const moveShopify = (share: number) => {
    drift++;
    return server.stockAll(
      Array.from({ length: ITEMS }, (_, i) =>
        share >= 1 || i % changedEvery === 0 ? atp(i) + 1 + (drift % 3) : atp(i),
      ),
    );
  };
  const wrongItems = async () => {
    let n = 0;
    for (const [i, q] of (await server.availableAll(1)).entries()) if (q !== atp(i)) n++;
    return n;
  };
  const fullBucket = () => new Promise((r) => setTimeout(r, (plan.maximumAvailable / plan.restoreRate) * 1000 + 500));
  // Process uploads in a child process of its own: its time from the run's start (module loading left out), or, with
  // `killAtCalls`, killed with SIGKILL once the server has taken that many more calls (its time until then). `bulk`:
  // the feed goes as a bulk mutation (the default from bulkThreshold lines), and `killAtCalls` counts bulk operations.
  const child = async (killAtCalls?: number, bulk = false) => {
    const base = bulk ? await server.bulkOperations() : await server.setCalls();
    return new Promise<{ seconds: number; applied: number; failed: number; calls: number; killed: boolean }>(
      (resolve, reject) => {
        const proc = spawn(process.execPath, [join(import.meta.dirname, 'process-uploads-child.ts')], {
          env: {
            ...process.env,
            BENCH_DB_URL: database.url,
            BENCH_ADMIN_URL: server.url,
            BENCH_SHOP: server.shopDomain,
            BENCH_TOKEN: TOKEN,
            BENCH_OUTBOX: outboxDir,
            ...(bulk ? {} : { BENCH_BULK_THRESHOLD: 'Infinity' }),
            BENCH_TIMELINE: TIMELINE ? '1' : '',
          },
          stdio: ['ignore', 'pipe', 'inherit'],
        });
        let started = 0;
        let last = '';
        createInterface({ input: proc.stdout! }).on('line', (line) => {
          last = line;
          if (line.includes('"started"')) {
            started = performance.now();
            if (killAtCalls !== undefined)
              void (bulk ? server.killAtBulk : server.killAt)(proc.pid!, base + killAtCalls).then((seen) => {
                if (TIMELINE)
                  console.log(
                    `  killed run: calls seen at ${seen.map((ms) => (ms / 1000).toFixed(2)).join(', ')} s, killed at ${((performance.now() - started) / 1000).toFixed(2)} s`,
                  );
              });
          }
        });
        proc.on('exit', async (code, signal) => {
          if (signal === 'SIGKILL')
            return resolve({
              seconds: (performance.now() - started) / 1000,
              applied: 0,
              failed: 0,
              calls: bulk ? 0 : (await server.setCalls()) - base,
              killed: true,
            });
          if (code !== 0) return reject(new Error(`Process uploads child exited ${code}`));
          const r = JSON.parse(last) as { seconds: number; applied: number; failed: number; calls: number };
          resolve({ ...r, killed: false });
        });
      },
    );
  };
  let syncs = 0;
  const syncFeed = async (share: number) => {
    await moveShopify(share);
    const sync = await run(
      hardSync({ facilityGroupId: 'SHOPIFY_US', runId: `bench-kill-${++syncs}`, pageSize: 10_000 })(deps),
    );
    return sync.lines - sync.alreadyEqual;
  };
  // Another client empties the bucket; the adapter reads it with one query: the points it holds after.
  const emptyBucket = async (on: RemoteShopifyServer, adapter: ReturnType<typeof shopifyInventory>) => {
    const stop = await on.compete(1_000_000);
    await new Promise((r) => setTimeout(r, 200));
    await stop();
    await run(adapter.locations());
    const bucket = adapter.bucket();
    return bucket === null ? 0 : Math.max(0, availableAt(bucket, performance.now()));
  };
  // share-drained: the 5%-changed feed's Process uploads with the bucket emptied first (another client spends it), so
  // that its calls are bound by the restore rate: their time against the bucket's minimum for the changed lines.
  if (CASES.has('share-drained')) {
    const changed = await syncFeed(CHANGED_SHARE);
    const calls = await server.setCalls();
    const startAvailable = await emptyBucket(server, shopify);
    const before = shopify.stats();
    const start = performance.now();
    const line = timeline();
    const applied = await run(
      processUploads(defaultProcessUploadsConfig('bench-share-drained'))(TIMELINE ? line.wrap(deps) : deps),
    );
    const seconds = (performance.now() - start) / 1000;
    if (TIMELINE) console.log(line.summary('  Process uploads'));
    const points = shopify.stats().pointsRequested - before.pointsRequested;
    const minimum = minimumSeconds(points, startAvailable, plan.restoreRate);
    const sent = (await server.setCalls()) - calls;
    console.log(
      `Process uploads, ${CHANGED_SHARE * 100}% changed, bucket emptied first: ${changed.toLocaleString('en')} lines to set, ${applied.applied.toLocaleString('en')} applied, ${applied.failed} failed in ${seconds.toFixed(2)} s; ${sent} calls (ceil(changed / 250) = ${Math.ceil(changed / 250)}), ${points} points; bucket held ${Math.round(startAvailable)} at the start`,
    );
    console.log(`  bucket minimum ${minimum.toFixed(2)} s -> ${(seconds / minimum).toFixed(3)}x (goal <= 1.1x)`);
  }

  // kill-bulk: all changed through a bulk mutation, killed as soon as Shopify created the operation (while it runs
  // and Process uploads polls it).
  for (const [share, bulk] of [
    [CHANGED_SHARE, false],
    [1, false],
    [1, true],
  ] as const) {
    if (!CASES.has(bulk ? 'kill-bulk' : share >= 1 ? 'kill-all' : 'kill-share')) continue;
    const label = bulk ? 'all changed, bulk mutation' : share >= 1 ? 'all changed' : `${share * 100}% changed`;
    const changed = await syncFeed(share);
    await fullBucket();
    const clean = await child(undefined, bulk);
    const cleanWrong = await wrongItems();
    const changedAgain = await syncFeed(share);
    await fullBucket();
    const adjustmentsBefore = await server.adjustmentCount();
    const expectedCalls = bulk ? 1 : Math.ceil(changedAgain / 250);
    const killed = await child(bulk ? 1 : Math.max(1, Math.floor(expectedCalls / 2)), bulk);
    const rerun = await child(undefined, bulk);
    const applied = (await server.adjustmentCount()) - adjustmentsBefore;
    const killedWrong = await wrongItems();
    const total = killed.seconds + rerun.seconds;
    // A clean run again after: the store's tables grow with every run (dead rows of the ledger's updates), so the
    // killed run and its rerun are compared with the mean of a clean run before them and one after.
    const changedLast = await syncFeed(share);
    await fullBucket();
    const cleanAfter = await child(undefined, bulk);
    const baseline = (clean.seconds + cleanAfter.seconds) / 2;
    console.log(
      `Process uploads killed mid-run, ${label} (${changedAgain.toLocaleString('en')} lines to set): killed after ${killed.calls} of ${expectedCalls} calls at ${killed.seconds.toFixed(1)} s, rerun ${rerun.seconds.toFixed(1)} s (${rerun.calls} calls, ${rerun.failed} failed) = ${total.toFixed(1)} s`,
    );
    console.log(
      `  clean runs of the same feed (${changed.toLocaleString('en')} and ${changedLast.toLocaleString('en')} lines), before and after: ${clean.seconds.toFixed(1)} s and ${cleanAfter.seconds.toFixed(1)} s, ${clean.calls} and ${cleanAfter.calls} calls, ${clean.failed + cleanAfter.failed} failed -> ${(total / baseline).toFixed(3)}x their mean (goal <= 1.2x); ${applied.toLocaleString('en')} quantity changes at Shopify for ${changedAgain.toLocaleString('en')} lines (each applied once: ${applied === changedAgain ? 'yes' : 'NO'}); wrong after: ${cleanWrong} clean, ${killedWrong} killed + rerun, ${await wrongItems()} clean after`,
    );
  }

  // Another client of the same app spends a share of the restore rate while a Hard Sync's feed is applied.
  for (const share of CASES.has('compete') ? [0.5, 0.9] : []) {
    await syncFeed(1);
    await fullBucket();
    const stop = await server.compete(plan.restoreRate * share);
    const before = shopify.stats();
    const bucket = shopify.bucket();
    const startAvailable = bucket === null ? plan.maximumAvailable : availableAt(bucket, performance.now());
    const start = performance.now();
    const applied = await run(processUploads(defaultProcessUploadsConfig(`bench-compete-${share}`))(deps));
    const seconds = (performance.now() - start) / 1000;
    await stop();
    const after = shopify.stats();
    const points = after.pointsRequested - before.pointsRequested;
    const minimum = minimumSeconds(points, startAvailable, plan.restoreRate * (1 - share));
    console.log(
      `A competing client at ${share * 100}% of the restore rate: ${applied.applied.toLocaleString('en')} applied, ${applied.failed} failed in ${seconds.toFixed(1)} s; ${after.requests - before.requests} requests, throttled ${after.throttled - before.throttled} (waited ${((after.throttleWaitedMs - before.throttleWaitedMs) / 1000).toFixed(1)} s), retries ${after.retries - before.retries}`,
    );
    console.log(
      `  minimum at the ${Math.round(plan.restoreRate * (1 - share))} points/s left: ${minimum.toFixed(1)} s -> ${(seconds / minimum).toFixed(3)}x; ${await wrongItems()} items wrong after`,
    );
  }

  if (CASES.has('push')) {
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
  }

  if (CASES.has('bulk')) {
    // The bulk path, as a Hard Sync of this size takes by default (bulkThreshold 50,000): Shopify moved every item by
    // one unit since, so every line is set again. Bulk work spends no bucket; the local server runs its lines at once,
    // so this measures our side of the path (staging, polling, reading results), not Shopify's processing time.
    await server.bumpAll(1);
    const bulk = shopifyInventory({
      shop: server.shopDomain,
      accessToken: TOKEN,
      adminUrl: server.url,
      bulkPollMs: 50,
    });
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
  }
  if (CASES.has('plus')) {
    // The Plus bucket (20,000 points, 1,000 a second) with 150 ms on every answer: the same shop on a server of its own
    // (the same ids), the bucket emptied before Process uploads so that its restore rate bounds the run.
    const plus = await benchShopifyServer({ accessToken: TOKEN, plan: 'plus', latencyMs: 150 });
    try {
      await plus.catalogue('Web warehouse', ITEMS);
      const plusRun = async (maxInFlight: number | 'auto', label: string) => {
        await plus.stockAll(Array.from({ length: ITEMS }, (_, i) => atp(i) + 1 + (i % 2)));
        const plusShopify = shopifyInventory({
          shop: plus.shopDomain,
          accessToken: TOKEN,
          adminUrl: plus.url,
          bulkPollMs: 50,
          bulkThreshold: Number.POSITIVE_INFINITY,
          maxInFlight,
        });
        const plusDeps = { ...deps, ...plusShopify };
        const sync = await run(
          hardSync({ facilityGroupId: 'SHOPIFY_US', runId: `bench-plus-${label}`, pageSize: 10_000 })(plusDeps),
        );
        const startAvailable = await emptyBucket(plus, plusShopify);
        const before = plusShopify.stats();
        const start = performance.now();
        const line = timeline();
        const applied = await run(
          processUploads(defaultProcessUploadsConfig(`bench-plus-upload-${label}`))(
            TIMELINE ? line.wrap(plusDeps) : plusDeps,
          ),
        );
        const seconds = (performance.now() - start) / 1000;
        if (TIMELINE) console.log(line.summary('  Process uploads'));
        const after = plusShopify.stats();
        const points = after.pointsRequested - before.pointsRequested;
        const minimum = minimumSeconds(points, startAvailable, SHOPIFY_PLANS.plus.restoreRate);
        console.log(
          `Plus bucket, 150 ms latency, ${label}: ${sync.lines - sync.alreadyEqual} lines to set, ${applied.applied.toLocaleString('en')} applied, ${applied.failed} failed in ${seconds.toFixed(1)} s; ${after.requests - before.requests} requests, ${points} points, throttled ${after.throttled - before.throttled}; bucket held ${Math.round(startAvailable)} at the start`,
        );
        console.log(
          `  bucket minimum ${minimum.toFixed(1)} s -> ${(seconds / minimum).toFixed(3)}x (goal <= 1.2x); ${Math.round(points / seconds)} points/s of 1,000`,
        );
        return seconds;
      };
      const pipelined = await plusRun('auto', `maxInFlight auto (${autoInFlight(SHOPIFY_PLANS.plus.restoreRate)})`);
      // One call at a time, for comparison (BENCH_CASES without plus-single leaves it out: it takes some 110 s).
      if (CASES.has('plus-single')) {
        const single = await plusRun(1, 'maxInFlight 1');
        console.log(`  pipelined ${(single / pipelined).toFixed(1)}x faster than one call at a time`);
      }
    } finally {
      await plus.close();
    }
  }
  await store.close();
} finally {
  await server.close();
  await database.drop();
  rmSync(outboxDir, { recursive: true, force: true });
}
