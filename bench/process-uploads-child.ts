/**
 * One Process uploads run in a process of its own, for `shopify.bench.ts`: its peak RSS is this process's alone (the
 * test kit server and the database live elsewhere). Prints one JSON line: the run's counts, its time and `maxRssMb`.
 *
 *   BENCH_DB_URL, BENCH_ADMIN_URL, BENCH_SHOP, BENCH_TOKEN, BENCH_OUTBOX (a folder holding the feed) [, BENCH_BULK_THRESHOLD,
 *   BENCH_TIMELINE=1: a timeline summary on stderr]
 */
import { localFeedReader } from '../src/adapters/local-files/feed-reader.ts';
import { localFileStore } from '../src/adapters/local-files/local-file-store.ts';
import { openPostgresInventoryStore } from '../src/adapters/persistence/postgres-inventory-store.ts';
import { shopifyInventory } from '../src/adapters/shopify/shopify-inventory.ts';
import { defaultProcessUploadsConfig, processUploads } from '../src/application/process-uploads.ts';
import { systemClock } from '../src/composition/live.ts';
import { run } from '../tests/support/run.ts';
import { timeline } from './timeline.ts';

const env = (name: string): string => {
  const value = process.env[name];
  if (value === undefined) throw new Error(`${name} is not set`);
  return value;
};

const store = await openPostgresInventoryStore({ url: env('BENCH_DB_URL') });
const shopify = shopifyInventory({
  shop: env('BENCH_SHOP'),
  accessToken: env('BENCH_TOKEN'),
  adminUrl: env('BENCH_ADMIN_URL'),
  bulkPollMs: 50,
  ...(process.env.BENCH_BULK_THRESHOLD === undefined
    ? {}
    : { bulkThreshold: Number(process.env.BENCH_BULK_THRESHOLD) }),
  ...(process.env.BENCH_BULK_BATCH === undefined ? {} : { bulkBatch: Number(process.env.BENCH_BULK_BATCH) }),
});
const outbox = localFileStore({ root: env('BENCH_OUTBOX') });
// The largest heap and external memory seen (sampled), beside the peak RSS the kernel reports.
// With --expose-gc, every sample is taken after a full collection: the live heap, what the run holds.
const peak = { heapMb: 0, externalMb: 0 };
const collect = (globalThis as { gc?: () => void }).gc;
const sampler = setInterval(
  () => {
    collect?.();
    const m = process.memoryUsage();
    peak.heapMb = Math.max(peak.heapMb, m.heapUsed / 2 ** 20);
    peak.externalMb = Math.max(peak.externalMb, (m.external + m.arrayBuffers) / 2 ** 20);
  },
  collect === undefined ? 100 : 1000,
);
// The parent times a killed run from here (module loading left out, as for a run that finishes).
console.log(JSON.stringify({ started: true }));
const start = performance.now();
const deps = { ...store, ...shopify, ...localFeedReader(), outbox, ...systemClock };
// BENCH_TIMELINE=1: the run's timeline summary on stderr (see timeline.ts).
const line = timeline();
const report = await run(
  processUploads(defaultProcessUploadsConfig(`rss-${process.pid}`))(
    process.env.BENCH_TIMELINE === '1' ? line.wrap(deps) : deps,
  ),
);
const seconds = (performance.now() - start) / 1000;
if (process.env.BENCH_TIMELINE === '1') console.error(line.summary('  child Process uploads'));
clearInterval(sampler);
await store.close();
console.log(
  JSON.stringify({
    lines: report.feeds.reduce((n, f) => n + f.lines, 0),
    applied: report.applied,
    alreadyEqual: report.feeds.reduce((n, f) => n + f.alreadyEqual, 0),
    failed: report.failed,
    calls: report.calls,
    bulkOperations: report.feeds.reduce((n, f) => n + f.bulkOperations, 0),
    seconds,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
    ...peak,
    live: collect !== undefined,
  }),
);
