/**
 * Pipeline benchmark: the console's history queries (JobControl.pipeline and run) over a run log of 100,000 runs on
 * PostgreSQL (7 jobs; 90% succeeded, 6% failed with a stored report, 3% skipped, 1% running with a lapsed heartbeat,
 * i.e. abandoned), seeded by one INSERT ... SELECT from generate_series. Each query is timed 30 times
 * after 3 warm-ups (median and p95): the first page, the page 50 pages deep through the keyset cursor, by job, by
 * status (failed, abandoned), by job and status, and one run with its report.
 * Baseline, measured in the same run on a copy of the database (`create database ... template`) without the
 * console's indexes (job_run_started_at_run_id_index, job_run_outcome_started_at_index,
 * job_run_job_outcome_started_at_index): the same queries over the indexes the run log had before. Then the same on
 * SQLite (a migrated file seeded by one recursive INSERT, and a copy without those indexes; BENCH_SQLITE=0 skips it).
 *
 *   npm run bench:pipeline       (BENCH_RUNS=10000 for a quick run)
 */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { loadConfig } from '../src/composition/config.ts';
import { jobControl, type PipelineFilter } from '../src/composition/job-control.ts';
import { openLiveStore } from '../src/composition/jobs.ts';
import { DATABASE_URL, freshPostgresDatabase } from '../tests/support/postgres.ts';

const RUNS = Number(process.env.BENCH_RUNS ?? 100_000);
const REPEAT = 30;
const WARM = 3;

const CONSOLE_INDEXES = [
  'job_run_started_at_run_id_index',
  'job_run_outcome_started_at_index',
  'job_run_job_outcome_started_at_index',
];

const JOBS = ['import', 'import-events', 'hard-sync', 'push-changes', 'process-uploads', 'map-products', 'verify'];

const REPORT = JSON.stringify({
  counts: { rowsRead: 1000, rejected: 3 },
  files: [
    {
      name: 'inventory.csv',
      outcome: 'applied',
      rowsRead: 1000,
      rejected: 3,
      errorFile: 'inventory.csv.rejected-rows.csv',
    },
  ],
  rejectedRows: Array.from({ length: 3 }, (_, i) => ({
    file: 'inventory.csv',
    line: i + 2,
    field: 'availableQty',
    reason: 'not a number',
  })),
  rejectedRowsTotal: 3,
  refusedLines: [],
  refusedLinesTotal: 0,
  attention: false,
  text: 'Import inventory ...',
});

const seed = async (url: string): Promise<void> => {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const start = Date.UTC(2026, 0, 1);
  // One run a minute or so, 100,000 back from now; outcome by the run's number.
  await client.query(
    `insert into job_run (run_id, job, parameters, worker, started_at, finished_at, outcome, counts, error, lease_until, trigger, progress, report)
     select 'run-' || lpad(i::text, 7, '0'),
            ($2::text[])[1 + i % 7],
            '{"facilityGroupId":"SHOPIFY_US"}',
            'worker-' || (i % 3),
            $3::bigint + i::bigint * 60000,
            case when i % 100 = 99 then null else $3::bigint + i::bigint * 60000 + 30000 end,
            case when i % 100 = 99 then 'running' when i % 100 < 6 then 'failed' when i % 100 < 9 then 'skipped' else 'succeeded' end,
            '{"lines":100}',
            case when i % 100 < 6 then 'ShopifyUnavailable: 503' else null end,
            $3::bigint + i::bigint * 60000 + 60000,
            case when i % 2 = 0 then 'schedule' else 'console' end,
            null,
            case when i % 100 < 6 then $4 else null end
       from generate_series(0, $1::int - 1) as i`,
    [RUNS, JOBS, start - RUNS * 60_000 + Date.now() - start, REPORT],
  );
  await client.query('analyze job_run');
  await client.end();
};

const median = (xs: number[]): number => xs.toSorted((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const p95 = (xs: number[]): number => xs.toSorted((a, b) => a - b)[Math.floor(xs.length * 0.95)]!;

const measure = async (settings: unknown, env: Record<string, string> = {}) => {
  const config = loadConfig(settings, env);
  if (config._tag === 'Left') throw new Error(config.left.problems.join('; '));
  const live = await openLiveStore(config.right)();
  if (live._tag === 'Left') throw new Error(live.left.reason);
  const control = jobControl({ live: live.right, queue: null });
  const page = async (filter: PipelineFilter) => {
    const r = await control.pipeline(filter);
    if (r._tag === 'Left') throw new Error(r.left.message);
    return r.right;
  };
  // The cursor 50 pages deep, found once.
  let cursor: string | null = null;
  for (let i = 0; i < 50; i++) cursor = (await page(cursor === null ? {} : { before: cursor })).next;
  const cases: Array<[string, () => Promise<unknown>]> = [
    ['first page (50)', () => page({})],
    ['page 51 by cursor', () => page({ before: cursor! })],
    ['job hard-sync', () => page({ job: 'hard-sync' })],
    ['status failed', () => page({ status: 'failed' })],
    ['status abandoned', () => page({ status: 'abandoned' })],
    ['job verify, failed', () => page({ job: 'verify', status: 'failed' })],
    ['one run with report', () => control.run('run-0050000')],
  ];
  const results: Record<string, { median: number; p95: number }> = {};
  for (const [name, query] of cases) {
    for (let i = 0; i < WARM; i++) await query();
    const times: number[] = [];
    for (let i = 0; i < REPEAT; i++) {
      const t = performance.now();
      await query();
      times.push(performance.now() - t);
    }
    results[name] = { median: median(times), p95: p95(times) };
  }
  const first = await page({});
  await control.close();
  await live.right.close();
  return { results, firstPage: first.history.length, running: first.running.length };
};

type Measured = Awaited<ReturnType<typeof measure>>;

const print = (store: string, withIndexes: Measured, without: Measured): void => {
  console.log(`${store}: first page ${withIndexes.firstPage} runs of history, ${withIndexes.running} running`);
  console.log('query                     indexed median / p95 (ms)    baseline median / p95 (ms)    ratio (median)');
  for (const name of Object.keys(withIndexes.results)) {
    const a = withIndexes.results[name]!;
    const b = without.results[name]!;
    console.log(
      `${name.padEnd(25)} ${a.median.toFixed(2).padStart(8)} / ${a.p95.toFixed(2).padStart(7)}          ${b.median.toFixed(2).padStart(8)} / ${b.p95.toFixed(2).padStart(7)}          ${(b.median / a.median).toFixed(1)}x`,
    );
  }
};

// The same on SQLite: a file migrated by the store, seeded by one recursive statement, and a copy of it without
// the console's indexes.
const sqlite = async (): Promise<void> => {
  const { DatabaseSync } = await import('node:sqlite');
  const dir = mkdtempSync(join(tmpdir(), 'oms-inventory-sync-pipeline-bench-'));
  try {
    const file = join(dir, 'runs.sqlite');
    const settings = (f: string) => ({ inventoryStore: { sqlite: { file: f } } });
    const config = loadConfig(settings(file), {});
    if (config._tag === 'Left') throw new Error(config.left.problems.join('; '));
    const opened = await openLiveStore(config.right)();
    if (opened._tag === 'Left') throw new Error(opened.left.reason);
    await opened.right.close();
    const db = new DatabaseSync(file);
    const start = Date.now() - RUNS * 60_000;
    const t = performance.now();
    db.prepare(
      `with recursive n(i) as (select 0 union all select i + 1 from n where i + 1 < ?)
       insert into job_run (run_id, job, parameters, worker, started_at, finished_at, outcome, counts, error, lease_until, trigger, progress, report)
       select 'run-' || substr('0000000' || i, -7, 7),
              json_extract(?, '$[' || (i % 7) || ']'),
              '{"facilityGroupId":"SHOPIFY_US"}',
              'worker-' || (i % 3),
              ? + i * 60000,
              case when i % 100 = 99 then null else ? + i * 60000 + 30000 end,
              case when i % 100 = 99 then 'running' when i % 100 < 6 then 'failed' when i % 100 < 9 then 'skipped' else 'succeeded' end,
              '{"lines":100}',
              case when i % 100 < 6 then 'ShopifyUnavailable: 503' else null end,
              ? + i * 60000 + 60000,
              case when i % 2 = 0 then 'schedule' else 'console' end,
              null,
              case when i % 100 < 6 then ? else null end
         from n`,
    ).run(RUNS, JSON.stringify(JOBS), start, start, start, REPORT);
    db.exec('analyze');
    db.close();
    console.log(`SQLite: seeded ${RUNS.toLocaleString('en')} runs in ${Math.round(performance.now() - t)} ms`);
    const baseline = join(dir, 'baseline.sqlite');
    copyFileSync(file, baseline);
    const b = new DatabaseSync(baseline);
    for (const index of CONSOLE_INDEXES) b.exec(`drop index ${index}`);
    b.exec('analyze');
    b.close();
    print('SQLite', await measure(settings(file)), await measure(settings(baseline)));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};

// A database of its own name (BENCH_DB_PREFIX), so no test suite's clean-up of its databases reaches it.
const freshDatabase = () => freshPostgresDatabase(process.env.BENCH_DB_PREFIX ?? 'oms_inventory_sync_bench_');
const database = await freshDatabase();
const baselineName = `${new URL(database.url).pathname.slice(1)}_baseline`;
try {
  const config = loadConfig({ inventoryStore: { postgres: {} } }, { DATABASE_URL: database.url });
  if (config._tag === 'Left') throw new Error(config.left.problems.join('; '));
  const opened = await openLiveStore(config.right)();
  if (opened._tag === 'Left') throw new Error(opened.left.reason);
  await opened.right.close();
  const t = performance.now();
  await seed(database.url);
  console.log(`seeded ${RUNS.toLocaleString('en')} runs in ${Math.round(performance.now() - t)} ms`);
  const admin = new pg.Client({ connectionString: DATABASE_URL });
  await admin.connect();
  await admin.query(`create database "${baselineName}" template "${new URL(database.url).pathname.slice(1)}"`);
  await admin.end();
  const baselineUrl = new URL(database.url);
  baselineUrl.pathname = `/${baselineName}`;
  const base = new pg.Client({ connectionString: baselineUrl.toString() });
  await base.connect();
  for (const index of [
    'job_run_started_at_run_id_index',
    'job_run_outcome_started_at_index',
    'job_run_job_outcome_started_at_index',
  ])
    await base.query(`drop index ${index}`);
  await base.query('analyze job_run');
  await base.end();

  const postgres = { inventoryStore: { postgres: {} } };
  const withIndexes = await measure(postgres, { DATABASE_URL: database.url });
  const without = await measure(postgres, { DATABASE_URL: baselineUrl.toString() });
  print('PostgreSQL', withIndexes, without);
  if (process.env.BENCH_SQLITE !== '0') await sqlite();
} finally {
  const admin = new pg.Client({ connectionString: DATABASE_URL });
  await admin.connect();
  await admin.query(`drop database if exists "${baselineName}" with (force)`);
  await admin.end();
  await database.drop();
}
