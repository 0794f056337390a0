/**
 * Console page benchmark: PostgreSQL holding 100,000 runs (60 days of every job, mixed outcomes), 1,000,000
 * positions (100,000 products x 10 facilities) with safety stock, thresholds and the brokering queue, 1,000,000
 * ledger rows (a first import's resets), two channel groups and a sales channel; each page of the data side rendered
 * through the real console (Fastify `inject`, signed in, the page modules registered as the `console` command does),
 * p50 and p95 over N renders after a warm-up. Baseline, measured in the same run on the same database: the page's
 * main query alone, sent with `pg` (no decoding, no HTML). Goal: every page under 200 ms.
 *
 *   npm run bench:console        (BENCH_RENDERS=100 renders per page; BENCH_PRODUCTS, BENCH_RUNS to scale)
 */
import pg from 'pg';
import { loadConfig } from '../src/composition/config.ts';
import { openLiveStore } from '../src/composition/jobs.ts';
import { credentialsFromEnv } from '../src/console/auth.ts';
import type { ConsoleDeps } from '../src/console/deps.ts';
import { buildConsole, PAGES } from '../src/console/server.ts';
import { QUANTITY_SCALE } from '../src/domain/index.ts';
import { startShopifyAdminServer } from '../src/testkit/shopify-admin-server.ts';
import { openJobControl } from '../src/worker/job-control-live.ts';
import { prefixedDatabase } from '../tests/support/console.ts';

const PRODUCTS = Number(process.env.BENCH_PRODUCTS ?? 100_000);
const FACILITIES = 10;
const RUNS = Number(process.env.BENCH_RUNS ?? 100_000);
const RENDERS = Number(process.env.BENCH_RENDERS ?? 100);
const WARMUP = 10;
const S = QUANTITY_SCALE;
const DAY = 86_400_000;
const PASSWORD = 'bench password';
const pid = (i: number) => `P${String(i).padStart(7, '0')}`;
// The product the product pages show (mapped to the shop's one item), and the last one (a search of one match).
const MID = Math.floor(PRODUCTS / 2);
const LAST = PRODUCTS;

const seconds = (since: number) => `${((performance.now() - since) / 1000).toFixed(1)} s`;

const fill = async (client: pg.Client, shop: string, location: string, item: string, now: number) => {
  const step = async (what: string, statement: string, values: unknown[] = []) => {
    const t = performance.now();
    await client.query(statement, values);
    console.log(`  ${what}: ${seconds(t)}`);
  };
  await step(
    `${FACILITIES} facilities`,
    `insert into "facility" select 'F' || lpad(i::text, 2, '0'), (100 + i)::text, 'Facility ' || i from generate_series(0, ${FACILITIES - 1}) i`,
  );
  await step(
    `${PRODUCTS.toLocaleString('en')} products`,
    `insert into "product" select 'P' || lpad(i::text, 7, '0'), (1000000 + i)::text, 'SKU-' || i from generate_series(1, ${PRODUCTS}) i`,
  );
  await step(
    `${(PRODUCTS * FACILITIES).toLocaleString('en')} positions`,
    `insert into "inventory_position" select p."product_id", f."facility_id", 100 * ${S}, 90 * ${S}, ${now}
       from "product" p cross join "facility" f`,
  );
  await step(
    'safety stock at F00, thresholds, brokering queue',
    `insert into "product_facility" select "product_id", 'F00', 5 * ${S} from "product";
     insert into "product_threshold" select "product_id", 5 * ${S} from "product";
     insert into "brokering_queue" select "product_id", 2 * ${S} from "product"`,
  );
  await step(
    'groups, members, sales channel, one mapped product',
    `insert into "facility_group" values ('WEB', 'CHANNEL_FAC_GROUP'), ('STORES', 'CHANNEL_FAC_GROUP'), ('PICK', 'PICKING');
     insert into "facility_group_member" select 'WEB', 'F' || lpad(i::text, 2, '0') from generate_series(0, 7) i;
     insert into "facility_group_member" values ('STORES', 'F08'), ('STORES', 'F09'), ('PICK', 'F09');
     insert into "sales_channel" values ('WEB', '${shop}', '${location}');
     insert into "shopify_inventory_item" values ('${shop}', '${pid(MID)}', 'SKU-${MID}', 'mapped', '${item}', null)`,
  );
  await step(
    `${(PRODUCTS * FACILITIES).toLocaleString('en')} ledger rows (a first import's resets)`,
    `insert into "inventory_event" ("sequence", "event_id", "type", "product_id", "facility_id", "payload", "changes",
       "recorded_at", "source_file", "run_id", "line", "quantity_on_hand_before_scaled", "quantity_on_hand_after_scaled",
       "available_to_promise_before_scaled", "available_to_promise_after_scaled", "file_quantity_scaled", "created")
     select row_number() over (order by p."product_id", f."facility_id"), 'reset:bench:' || p."product_id" || ':' || f."facility_id",
       'reset', p."product_id", f."facility_id", '', '', ${now - 30 * DAY}, 'inventory_20261101.csv', 'import-bench', 2,
       0, 100 * ${S}, 0, 90 * ${S}, 100 * ${S}, true
     from "product" p cross join "facility" f;
     update "ledger_head" set "sequence" = ${PRODUCTS * FACILITIES};
     insert into "ledger_head" ("id", "sequence") select 1, ${PRODUCTS * FACILITIES} where not exists (select 1 from "ledger_head")`,
  );
  // 60 days of runs, newest now: every job, 3% failed, 1% skipped; counts as each job reports them.
  await step(
    `${RUNS.toLocaleString('en')} runs`,
    `insert into "job_run" ("run_id", "job", "parameters", "worker", "started_at", "finished_at", "outcome", "counts", "error", "lease_until")
     select 'run-' || lpad(i::text, 7, '0'), j.job,
       case when j.job in ('hard-sync', 'push-changes', 'verify') then '{"facilityGroupId":"WEB"}' else '{}' end,
       'bench', s.at, s.at + 5000,
       case when i % 33 = 0 then 'failed' when i % 101 = 0 then 'skipped' else 'succeeded' end,
       case j.job
         when 'import' then '{"filesSeen":1,"files":1,"rowsRead":1000000,"adjusted":' || (40000 + i % 20000) || ',"unchanged":950000,"rejected":' || (i % 7) || '}'
         when 'hard-sync' then '{"products":100000,"lines":' || (i % 5000) || ',"alreadyEqual":95000,"notStocked":0,"sharedInventoryItems":0}'
         when 'push-changes' then '{"changedProducts":' || (i % 900) || ',"mappedProducts":' || (i % 900) || ',"lines":' || (i % 900) || ',"unchanged":0,"rejected":0}'
         when 'verify' then '{"checked":500,"equal":' || (500 - i % 4) || ',"drifted":' || (i % 4) || '}'
         else '{}' end,
       case when i % 33 = 0 then 'ShopifyUnavailable: 502' else null end, null
     from generate_series(1, ${RUNS}) i
     cross join lateral (select (array['import','import-events','hard-sync','push-changes','process-uploads','map-products','verify'])[1 + i % 7] as job) j
     cross join lateral (select ${now} - (${RUNS} - i)::bigint * ${Math.floor((60 * DAY) / RUNS)} as at) s`,
  );
  await step('analyze', 'analyze');
};

const percentile = (sorted: ReadonlyArray<number>, p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;

const time = async (work: () => Promise<void>): Promise<{ p50: number; p95: number }> => {
  for (let i = 0; i < WARMUP; i++) await work();
  const samples: number[] = [];
  for (let i = 0; i < RENDERS; i++) {
    const t = performance.now();
    await work();
    samples.push(performance.now() - t);
  }
  samples.sort((a, b) => a - b);
  return { p50: percentile(samples, 50), p95: percentile(samples, 95) };
};

const main = async () => {
  const database = await prefixedDatabase('h_cd_bench_');
  const shopify = await startShopifyAdminServer();
  const location = shopify.addLocation('Web warehouse');
  const item = shopify.addInventoryItem({ sku: `SKU-${MID}` });
  shopify.stock(item, location, 700);
  const env = { DATABASE_URL: database.url, SHOPIFY_ACCESS_TOKEN: shopify.accessToken, CONSOLE_PASSWORD: PASSWORD };
  const config = loadConfig(
    {
      inventoryStore: { postgres: {} },
      shopify: { shop: shopify.shopDomain, adminUrl: shopify.url, timeoutMs: 10_000 },
    },
    env,
  );
  if (config._tag === 'Left') throw new Error(config.left.problems.join('; '));
  const live = await openLiveStore(config.right)();
  if (live._tag === 'Left') throw new Error(live.left.reason);
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  let closeJobs = async () => undefined as unknown;
  try {
    const now = Date.now();
    console.log(`filling PostgreSQL (${database.url.replace(/\/\/[^@]*@/, '//')}):`);
    const filling = performance.now();
    await fill(client, shopify.shopDomain, location, item, now);
    console.log(`  filled in ${seconds(filling)}`);

    const credentials = credentialsFromEnv(env);
    if (!credentials.ok) throw new Error(credentials.message);
    // The live job control (pg-boss on PostgreSQL), as the `console` command opens it: the Jobs and Pipeline pages too.
    const jobs = await openJobControl(live.right);
    if (jobs._tag === 'Left') throw new Error(`job control: ${jobs.left.reason}`);
    closeJobs = () => jobs.right.close();
    const deps: ConsoleDeps = {
      config: config.right,
      live: live.right,
      jobs: jobs.right,
      now: () => new Date(),
      log: () => undefined,
    };
    const app = await buildConsole(deps, { credentials: credentials.credentials, sessionSecret: 'bench' }, PAGES);
    // Signed in as a browser would: the sign-in form's CSRF token and cookie, then the session cookie.
    const form = await app.inject({ method: 'GET', url: '/sign-in' });
    const csrf = /name="_csrf" value="([^"]+)"/.exec(form.body)?.[1] ?? '';
    const csrfCookie = form.cookies.find((c) => c.name === '_csrf')?.value ?? '';
    const signIn = await app.inject({
      method: 'POST',
      url: '/sign-in',
      payload: new URLSearchParams({ user: 'operator', password: PASSWORD, _csrf: csrf, next: '/' }).toString(),
      headers: { cookie: `_csrf=${csrfCookie}`, 'content-type': 'application/x-www-form-urlencoded' },
    });
    const session = signIn.cookies.find((c) => c.name === 'oms_console_session')?.value;
    if (session === undefined) throw new Error(`sign-in failed: ${signIn.statusCode}`);
    const cookie = `oms_console_session=${session}; _csrf=${csrfCookie}`;

    const since = now - 13 * DAY - (now % DAY);
    const pages: ReadonlyArray<{
      readonly name: string;
      readonly url: string;
      readonly expect: string;
      readonly baseline: { readonly sql: string; readonly values?: unknown[] };
    }> = [
      {
        name: 'dashboard',
        url: '/',
        expect: 'runs-per-day',
        baseline: {
          sql: `select "started_at" / 86400000 as "day", "outcome", count(*) from "job_run" where "started_at" >= ${since} group by 1, 2`,
        },
      },
      {
        name: 'facilities',
        url: '/facilities',
        expect: 'F09',
        baseline: { sql: 'select * from "facility" order by "facility_id"' },
      },
      {
        name: 'facility F05',
        url: '/facilities/F05',
        expect: 'sell-online-WEB',
        baseline: {
          sql: `select g."facility_group_id", g."facility_group_type_id", m."facility_id" from "facility_group" g
            left join "facility_group_member" m on m."facility_group_id" = g."facility_group_id" order by 1, 3`,
        },
      },
      {
        name: 'groups',
        url: '/groups',
        expect: 'group-WEB',
        baseline: {
          sql: `select g."facility_group_id", m."facility_id", c."shop" from "facility_group" g
            left join "facility_group_member" m on m."facility_group_id" = g."facility_group_id"
            left join "sales_channel" c on c."facility_group_id" = g."facility_group_id" order by 1, 2`,
        },
      },
      {
        name: 'products, browse',
        url: '/products',
        expect: 'P0000050',
        baseline: { sql: 'select * from "product" order by "product_id" limit 51' },
      },
      {
        name: 'products, search SKU-5 (many matches)',
        url: '/products?q=SKU-5',
        expect: 'rel="next"',
        baseline: {
          sql: `select * from "product" where "sku" >= $1 and "sku" < $2 order by "sku", "product_id" limit 51`,
          values: ['SKU-5', 'SKU-6'],
        },
      },
      {
        name: `products, search SKU-${LAST} (1 match)`,
        url: `/products?q=SKU-${LAST}`,
        expect: pid(LAST),
        baseline: {
          sql: `select * from "product" where "sku" >= $1 and "sku" < $2 order by "sku", "product_id" limit 51`,
          values: [
            `SKU-${LAST}`,
            `SKU-${String(LAST).slice(0, -1)}${String.fromCharCode(String(LAST).charCodeAt(String(LAST).length - 1) + 1)}`,
          ],
        },
      },
      {
        name: `product ${pid(MID)}`,
        url: `/products/${pid(MID)}`,
        expect: 'data-online-atp',
        baseline: {
          sql: `select * from "inventory_position" where "product_id" = $1 order by "facility_id"`,
          values: [pid(MID)],
        },
      },
      {
        name: "product's live Shopify (htmx)",
        url: `/products/${pid(MID)}/shopify?group=WEB`,
        expect: 'data-shopify-available',
        baseline: {
          sql: `select * from "shopify_inventory_item" where "shop" = $1 and "product_id" = $2`,
          values: [shopify.shopDomain, pid(MID)],
        },
      },
      {
        name: 'jobs (CORE)',
        url: '/jobs',
        expect: 'Hard Sync',
        baseline: { sql: 'select * from "job_schedule" order by "job", "key"' },
      },
      {
        name: 'pipeline (CORE)',
        url: '/pipeline',
        expect: 'run-',
        baseline: { sql: 'select * from "job_run" order by "started_at" desc, "run_id" desc limit 50' },
      },
      {
        name: 'a run (CORE)',
        url: `/runs/run-${String(RUNS).padStart(7, '0')}`,
        expect: `run-${String(RUNS).padStart(7, '0')}`,
        baseline: {
          sql: 'select * from "job_run" where "run_id" = $1',
          values: [`run-${String(RUNS).padStart(7, '0')}`],
        },
      },
      {
        name: 'drift',
        url: '/drift?group=WEB',
        expect: 'last-verify',
        baseline: {
          sql: `select * from "job_run" where "job" = 'verify' order by "started_at" desc, "run_id" desc limit 200`,
        },
      },
    ];
    const rows: string[] = [];
    let slowest = 0;
    for (const page of pages) {
      const first = await app.inject({ method: 'GET', url: page.url, headers: { cookie, 'hx-request': 'true' } });
      if (first.statusCode !== 200 || !first.body.includes(page.expect))
        throw new Error(`${page.url}: ${first.statusCode} without ${page.expect}: ${first.body.slice(0, 300)}`);
      const rendered = await time(async () => {
        const r = await app.inject({ method: 'GET', url: page.url, headers: { cookie } });
        if (r.statusCode !== 200) throw new Error(`${page.url}: ${r.statusCode}`);
      });
      const baseline = await time(async () => {
        await client.query(page.baseline.sql, page.baseline.values ?? []);
      });
      slowest = Math.max(slowest, rendered.p95);
      rows.push(
        `| ${page.name.padEnd(40)} | ${rendered.p50.toFixed(1).padStart(7)} | ${rendered.p95.toFixed(1).padStart(7)} | ${baseline.p50.toFixed(2).padStart(8)} | ${baseline.p95.toFixed(2).padStart(8)} | ${(rendered.p50 / baseline.p50).toFixed(1).padStart(6)}x |`,
      );
    }
    console.log(
      `\n${RENDERS} renders a page (after ${WARMUP}), ${RUNS.toLocaleString('en')} runs, ${(PRODUCTS * FACILITIES).toLocaleString('en')} positions; times in ms\n`,
    );
    console.log(
      `| ${'page'.padEnd(40)} | ${'p50'.padStart(7)} | ${'p95'.padStart(7)} | ${'base p50'.padStart(8)} | ${'base p95'.padStart(8)} | ${'ratio'.padStart(7)} |`,
    );
    console.log(
      `| ${'-'.repeat(40)} | ${'-'.repeat(7)} | ${'-'.repeat(7)} | ${'-'.repeat(8)} | ${'-'.repeat(8)} | ${'-'.repeat(7)} |`,
    );
    for (const row of rows) console.log(row);
    console.log(
      `\ngoal: every page under 200 ms: ${slowest < 200 ? 'met' : 'NOT met'} (slowest p95 ${slowest.toFixed(1)} ms)`,
    );
    await app.close();
  } finally {
    await closeJobs();
    await client.end();
    await live.right.close();
    await shopify.close();
    await database.drop();
  }
};

await main();
