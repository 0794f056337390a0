/**
 * Process uploads' peak memory against the feed's length (part of `npm run bench:shopify`): feeds of 100,000 and
 * 1,000,000 lines are applied by a Process uploads run in a child process of its own (`process-uploads-child.ts`,
 * PostgreSQL store, the test kit's Shopify server in this process), and the child's peak RSS is printed. Feeds are
 * read line by line, so the peak must stay flat in the number of lines: 1% of the lines changed (calls), then a
 * million lines all changed through the bulk path (bulk mutations of `bulkBatch` quantities; goal under 300 MB).
 *
 *   node bench/feed-rss.bench.ts      (BENCH_RSS_LINES=100000,1000000 to choose the sizes; BENCH_RSS_BULK_ONLY=1 for
 *   the bulk path alone; BENCH_CHILD_NODE_OPTIONS=--expose-gc samples the live heap after a collection each second)
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { localFileStore } from '../src/adapters/local-files/local-file-store.ts';
import { openPostgresInventoryStore } from '../src/adapters/persistence/postgres-inventory-store.ts';
import { feedFileName, feedPieces } from '../src/application/feed-file.ts';
import type { FeedLine } from '../src/domain/index.ts';
import { SHOPIFY_PLANS, startShopifyAdminServer } from '../src/testkit/index.ts';
import { freshPostgresDatabase } from '../tests/support/postgres.ts';
import { run } from '../tests/support/run.ts';

// The node flags of the shipped command's launcher (src/cli/bin.ts's first line, `#!/usr/bin/env -S node <flags>`).
const SHIPPED_NODE_FLAGS: ReadonlyArray<string> = (
  /^#!.*\bnode((?: --[^\s]+)*)/.exec(readFileSync(join(import.meta.dirname, '../src/cli/bin.ts'), 'utf8'))?.[1] ?? ''
)
  .trim()
  .split(/\s+/)
  .filter((f) => f !== '');

const SIZES = (process.env.BENCH_RSS_LINES ?? '100000,1000000').split(',').map(Number);
const TOKEN = 'shpat_bench';
const largest = Math.max(...SIZES);

const database = await freshPostgresDatabase();
const server = await startShopifyAdminServer({ accessToken: TOKEN, plan: SHOPIFY_PLANS.standard });
const outboxDir = mkdtempSync(join(tmpdir(), 'oms-inventory-sync-feed-rss-'));
try {
  const store = await openPostgresInventoryStore({ url: database.url });
  await store.migrate();
  await store.close();
  const location = server.addLocation('Web warehouse');
  const ids: string[] = [];
  for (let i = 0; i < largest; i++) {
    const id = server.addInventoryItem({ sku: `SKU-${i}` });
    server.stock(id, location, i % 40);
    ids.push(id);
  }
  const outbox = localFileStore({ root: outboxDir });
  let feeds = 0;
  // What each item should hold once every feed so far is applied: the last feed's quantity.
  const expected = new Int32Array(largest).map((_, i) => i % 40);
  // A Hard Sync feed of `lines` lines, each with Shopify's level as its basis; `changed(i)` lines ask one unit more.
  const writeFeed = async (lines: number, changed: (i: number) => boolean): Promise<number> => {
    const feedLines: FeedLine[] = Array.from({ length: lines }, (_, i) => {
      const basis = server.available(ids[i]!, location)!;
      return {
        productId: `P${i}`,
        inventoryItemId: ids[i]!,
        locationId: location,
        quantity: changed(i) ? basis + 1 : basis,
        basis,
      };
    });
    const createdAt = new Date(Date.now() + feeds++);
    const header = {
      job: 'hard-sync' as const,
      runId: `rss-${feeds}`,
      facilityGroupId: 'SHOPIFY_US',
      shop: server.shopDomain,
      locationId: location,
      createdAt: createdAt.toISOString(),
    };
    const name = feedFileName('hard-sync', 'SHOPIFY_US', header.runId, createdAt);
    await run(
      outbox.write(
        '',
        name,
        (async function* () {
          yield* feedPieces(header, feedLines);
        })(),
      ),
    );
    for (const [i, l] of feedLines.entries()) expected[i] = l.quantity;
    return feedLines.filter((l) => l.quantity !== l.basis).length;
  };
  // The child runs while this process serves its requests: never a synchronous spawn here. It runs with the V8
  // flags of the shipped command (its launcher's `#!/usr/bin/env -S node ...` line), as a user's run would.
  const child = async (extra: Record<string, string> = {}) => {
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      [...SHIPPED_NODE_FLAGS, join(import.meta.dirname, 'process-uploads-child.ts')],
      {
        env: {
          ...process.env,
          BENCH_DB_URL: database.url,
          BENCH_ADMIN_URL: server.url,
          BENCH_SHOP: server.shopDomain,
          BENCH_TOKEN: TOKEN,
          BENCH_OUTBOX: outboxDir,
          ...extra,
        },
        encoding: 'utf8',
        maxBuffer: 16 * 1024 * 1024,
      },
    );
    process.stderr.write(stderr);
    return JSON.parse(stdout.trim().split('\n').at(-1)!) as {
      lines: number;
      applied: number;
      alreadyEqual: number;
      failed: number;
      calls: number;
      bulkOperations: number;
      seconds: number;
      maxRssMb: number;
      heapMb: number;
      externalMb: number;
      live: boolean;
    };
  };
  console.log(`node ${process.version}; Process uploads in a child process, peak RSS by feed length`);
  const peaks: number[] = [];
  for (const size of process.env.BENCH_RSS_BULK_ONLY === undefined ? SIZES : []) {
    const changed = await writeFeed(size, (i) => i % 100 === 0);
    const r = await child(
      process.env.BENCH_CHILD_NODE_OPTIONS ? { NODE_OPTIONS: process.env.BENCH_CHILD_NODE_OPTIONS } : {},
    );
    peaks.push(r.maxRssMb);
    console.log(
      `  ${size.toLocaleString('en')} lines, ${changed.toLocaleString('en')} changed: ${r.applied.toLocaleString('en')} applied, ${r.alreadyEqual.toLocaleString('en')} already equal, ${r.failed} failed, ${r.calls} calls in ${r.seconds.toFixed(1)} s; peak RSS ${r.maxRssMb.toFixed(0)} MB (${r.live ? 'live ' : ''}heap ${r.heapMb.toFixed(0)} MB, buffers ${r.externalMb.toFixed(0)} MB)`,
    );
  }
  if (peaks.length > 1)
    console.log(
      `  peak RSS ${(peaks.at(-1)! / peaks[0]!).toFixed(2)}x for ${(SIZES.at(-1)! / SIZES[0]!).toFixed(0)}x the lines (flat: near 1x)`,
    );
  const all = await writeFeed(largest, () => true);
  const bulk = await child({
    ...(process.env.BENCH_BULK_BATCH ? { BENCH_BULK_BATCH: process.env.BENCH_BULK_BATCH } : {}),
    ...(process.env.BENCH_CHILD_NODE_OPTIONS ? { NODE_OPTIONS: process.env.BENCH_CHILD_NODE_OPTIONS } : {}),
  });
  let wrong = 0;
  for (let i = 0; i < largest; i += 997) if (server.available(ids[i]!, location) !== expected[i]) wrong++;
  console.log(
    `  ${largest.toLocaleString('en')} lines all changed (${all.toLocaleString('en')}) through the bulk path: ${bulk.applied.toLocaleString('en')} applied, ${bulk.failed} failed, ${bulk.bulkOperations} bulk operations, ${bulk.calls} calls in ${bulk.seconds.toFixed(1)} s; peak RSS ${bulk.maxRssMb.toFixed(0)} MB (${bulk.live ? 'live ' : ''}heap ${bulk.heapMb.toFixed(0)} MB, buffers ${bulk.externalMb.toFixed(0)} MB; goal under 300 MB); spot check ${wrong} wrong of ${Math.ceil(largest / 997)}`,
  );
} finally {
  await server.close();
  await database.drop();
  rmSync(outboxDir, { recursive: true, force: true });
}
