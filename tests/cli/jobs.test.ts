import { execFile, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { openSqliteInventoryStore } from '../../src/adapters/persistence/sqlite-inventory-store.ts';
import { freshPostgresDatabase } from '../support/postgres.ts';
import { shopifyScenario, TOKEN } from '../support/shopify-scenario.ts';

const main = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));

// The CLI runs in a child process while the local Shopify server answers from this one: spawn asynchronously.
const cli = (env: Record<string, string>, ...args: string[]) =>
  new Promise<{ status: number; stdout: string; stderr: string }>((resolve) => {
    execFile('node', [main, ...args], { encoding: 'utf8', env: { ...process.env, ...env } }, (error, stdout, stderr) =>
      resolve({ status: error === null ? 0 : typeof error.code === 'number' ? error.code : 1, stdout, stderr }),
    );
  });

const jobs = suite('oms-inventory-sync job commands against a store and the local Shopify server');

jobs('map-products, hard-sync, process-uploads, verify, explain and runs, end to end', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'oms-inventory-sync-cli-jobs-'));
  const file = join(dir, 'inventory.sqlite');
  const store = await openSqliteInventoryStore({ file });
  await store.migrate();
  const s = await shopifyScenario(store);
  await store.close();
  try {
    mkdirSync(join(dir, 'inbox'));
    const config = join(dir, 'config.json');
    writeFileSync(
      config,
      JSON.stringify({
        inventoryStore: { sqlite: { file } },
        inbox: { local: { root: join(dir, 'inbox') } },
        outbox: { local: { root: join(dir, 'outbox') } },
        shopify: { shop: s.server.shopDomain, adminUrl: s.server.url },
      }),
    );
    const env = { SHOPIFY_ACCESS_TOKEN: TOKEN, OMS_WORKER_ID: 'cli-test' };

    const mapped = await cli(env, 'map-products', '--config', config);
    assert.is(mapped.status, 0, mapped.stderr);
    assert.match(mapped.stdout, /3 products, 3 mapped, 0 unmatched, 0 ambiguous/);
    const again = await cli(env, 'map-products', '--config', config);
    assert.match(again.stdout, /0 products, 0 mapped/, 'every product is mapped under its SKU: nothing to look up');
    const all = await cli(env, 'map-products', '--config', config, '--all');
    assert.match(all.stdout, /3 products, 3 mapped/, '--all looks every product up again');

    const missing = await cli(env, 'hard-sync', '--config', config);
    assert.is(missing.status, 2);
    assert.match(
      missing.stderr,
      /hard-sync: needs --facility-group ID\nusage: oms-inventory-sync hard-sync --facility-group ID/,
    );

    const sync = await cli(env, 'hard-sync', '--config', config, '--facility-group', 'SHOPIFY_US', '--json');
    assert.is(sync.status, 0, sync.stderr);
    const report = JSON.parse(sync.stdout) as { lines: number; feed: string };
    assert.is(report.lines, 3);
    assert.equal(
      readdirSync(join(dir, 'outbox')).filter((f) => f.endsWith('.jsonl')),
      [report.feed],
    );
    assert.match(sync.stderr, /"msg":"job finished"/, 'a structured log line on stderr');

    const uploads = await cli(env, 'process-uploads', '--config', config);
    assert.is(uploads.status, 0, uploads.stderr);
    assert.match(uploads.stdout, /3 applied, 0 failed/);
    assert.is(s.server.available(s.items.P1, s.location), 75);

    const clean = await cli(env, 'verify', '--config', config, '--facility-group', 'SHOPIFY_US');
    assert.is(clean.status, 0, clean.stdout);
    assert.match(clean.stdout, /3 checked, 3 equal, 0 drifted/);
    s.server.sell(s.items.P2, s.location, 4);
    const drift = await cli(env, 'verify', '--config', config, '--facility-group', 'SHOPIFY_US', '--sample', '2');
    assert.is(drift.status, 3, 'drift needs a person');
    assert.match(drift.stdout, /2 checked, 1 equal, 1 drifted/);
    assert.match(drift.stdout, /P2 \(gid:\/\/shopify\/InventoryItem\/\d+\): OMS 10, Shopify 6/);

    const explain = await cli(env, 'explain', 'SKU-P1', '--config', config, '--facility-group', 'SHOPIFY_US');
    assert.is(explain.status, 0, explain.stderr);
    assert.ok(
      explain.stdout.includes(
        "Online ATP 75 = QOH 100 - (reserved 5 + safety stock 5 + threshold 5 + brokering queue 5 + excluded facilities' ATP 5)",
      ),
      explain.stdout,
    );
    const unknown = await cli(env, 'explain', 'NOPE', '--config', config, '--facility-group', 'SHOPIFY_US');
    assert.is(unknown.status, 2);

    const runs = await cli(env, 'runs', '--config', config, '--json');
    assert.is(runs.status, 0, runs.stderr);
    const listed = JSON.parse(runs.stdout) as {
      job: string;
      outcome: string;
      worker: string;
      counts: Record<string, number>;
    }[];
    assert.equal(
      listed.map((r) => [r.job, r.outcome]),
      [
        ['verify', 'succeeded'],
        ['verify', 'succeeded'],
        ['process-uploads', 'succeeded'],
        ['hard-sync', 'succeeded'],
        ['map-products', 'succeeded'],
        ['map-products', 'succeeded'],
        ['map-products', 'succeeded'],
      ],
    );
    assert.ok(listed.every((r) => r.worker === 'cli-test'));
    assert.is(listed[2]!.counts.applied, 3);
    const text = await cli(env, 'runs', '--config', config, '--job', 'hard-sync');
    assert.match(text.stdout, /hard-sync\s+succeeded/);

    const refused = await cli(
      { ...env, SHOPIFY_ACCESS_TOKEN: 'shpat_wrong_secret_value' },
      'verify',
      '--config',
      config,
      '--facility-group',
      'SHOPIFY_US',
    );
    // A refused token is for a person to fix: a rerun would be refused the same way (exit 2), said as a sentence.
    assert.is(refused.status, 2);
    assert.match(refused.stderr, /Shopify refused the access token \(SHOPIFY_ACCESS_TOKEN\)/);
    assert.not.match(refused.stderr, /ShopifyUnauthorized|_tag/);
    assert.not.match(refused.stderr + refused.stdout, /shpat_wrong_secret_value/, 'the token never reaches the output');
    const noToken = await cli(
      { OMS_WORKER_ID: 'cli-test', SHOPIFY_ACCESS_TOKEN: '' },
      'process-uploads',
      '--config',
      config,
    );
    assert.is(noToken.status, 2);
    assert.match(noToken.stderr, /SHOPIFY_ACCESS_TOKEN/);
    // A command that never talks to Shopify needs no Shopify token, though the settings have a shopify section.
    const runsOnly = await cli({ OMS_WORKER_ID: 'cli-test', SHOPIFY_ACCESS_TOKEN: '' }, 'runs', '--config', config);
    assert.is(runsOnly.status, 0, runsOnly.stderr);
    assert.match(runsOnly.stdout, /hard-sync\s+succeeded/);
  } finally {
    await s.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
});

jobs(
  'worker: refuses a store other than PostgreSQL; on PostgreSQL it starts, schedules, and stops on SIGTERM with exit 0',
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'oms-inventory-sync-cli-worker-'));
    const database = await freshPostgresDatabase();
    try {
      writeFileSync(
        join(dir, 'sqlite.json'),
        JSON.stringify({
          inventoryStore: { sqlite: { file: join(dir, 'db.sqlite') } },
          worker: { schedules: [{ job: 'import', cron: '0 2 * * *' }] },
        }),
      );
      const refused = await cli({}, 'worker', '--config', join(dir, 'sqlite.json'));
      assert.is(refused.status, 2);
      assert.match(refused.stderr, /worker/);
      writeFileSync(
        join(dir, 'pg.json'),
        JSON.stringify({
          inventoryStore: { postgres: {} },
          inbox: { local: { root: join(dir, 'inbox') } },
          worker: { schedules: [{ job: 'import', cron: '0 2 * * *' }] },
        }),
      );
      const child = spawn('node', [main, 'worker', '--config', join(dir, 'pg.json')], {
        env: { ...process.env, DATABASE_URL: database.url, OMS_WORKER_ID: 'cli-worker' },
      });
      let stderr = '';
      let signalled = false;
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        if (!signalled && stderr.includes('"worker started"')) {
          signalled = true;
          child.kill('SIGTERM');
        }
      });
      const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
      assert.is(code, 0, stderr);
      assert.match(stderr, /"msg":"worker stopped"/);
      assert.not.match(
        stderr,
        new RegExp(database.url.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')),
        'the database URL is never logged',
      );
    } finally {
      await database.drop();
      rmSync(dir, { recursive: true, force: true });
    }
  },
);

jobs.run();
