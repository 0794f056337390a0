// The import's lease and run log through the real command line on PostgreSQL: a run that finds the lease held
// (exit 4, `skipped`), a run killed with SIGKILL with and without OMS_WORKER_ID (`abandoned` once its heartbeat
// lapsed, then the rerun imports), an exception mid-run, in-process and through the command line (the lease released at once), and a mistyped database name
// (exit 2, nothing created).
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  openPostgresInventoryStore,
  type PostgresInventoryStore,
} from '../../src/adapters/persistence/postgres-inventory-store.ts';
import { RESET_INVENTORY } from '../../src/application/import-inventory.ts';
import type { JobRun } from '../../src/application/run-log.ts';
import { loadConfig } from '../../src/composition/config.ts';
import { openLiveStore, runJobOn } from '../../src/composition/jobs.ts';
import { exportCsv, FACILITIES, PRODUCTS, STOCK } from '../support/import-scenario.ts';
import { DATABASE_URL, freshPostgresDatabase } from '../support/postgres.ts';
import { run } from '../support/run.ts';
import { sleep, until } from '../support/wait.ts';

const main = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));
const FILE = 'inventory-20261122T010000Z.csv';
// SKU-1 at WAREHOUSE: ATP 90 -> 42, so QOH 100 -> 52.
const EXPORT = exportCsv(['A,101,42,9001', 'B,101,20,9002']);

const cli = (env: Record<string, string>, ...args: string[]) =>
  new Promise<{ status: number; stdout: string; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      [main, ...args],
      { encoding: 'utf8', env: { ...process.env, ...env } },
      (error, stdout, stderr) =>
        resolve({ status: error === null ? 0 : typeof error.code === 'number' ? error.code : 1, stdout, stderr }),
    );
  });

// A fresh database with the master data and last night's stock, an inbox with tonight's export, and config files.
const world = async (name: string, importSettings: Record<string, unknown>) => {
  const database = await freshPostgresDatabase();
  const store = await openPostgresInventoryStore({ url: database.url });
  await store.migrate();
  await run(store.saveFacilities(FACILITIES));
  await run(store.saveProducts(PRODUCTS));
  await run(store.saveStockLevels(STOCK));
  const dir = mkdtempSync(join(tmpdir(), `oms-inventory-sync-leases-${name}-`));
  const inbox = join(dir, 'inbox');
  mkdirSync(inbox);
  writeFileSync(join(inbox, FILE), EXPORT);
  const configFile = (file: string, settings: Record<string, unknown>) => {
    const path = join(dir, file);
    writeFileSync(
      path,
      JSON.stringify({ inventoryStore: { postgres: {} }, inbox: { local: { root: inbox } }, import: settings }),
    );
    return path;
  };
  const config = configFile('config.json', importSettings);
  // The same store and lease, no settling: the rerun.
  const quick = configFile('quick.json', { ...importSettings, settleMs: 0 });
  return {
    url: database.url,
    store,
    inbox,
    config,
    quick,
    settings: { inventoryStore: { postgres: {} }, inbox: { local: { root: inbox } }, import: importSettings },
    imported: () => existsSync(join(inbox, 'archive', FILE)) && !existsSync(join(inbox, FILE)),
    runs: async (at = new Date()): Promise<ReadonlyArray<JobRun>> =>
      run(store.listRuns({ job: 'import', limit: 10, at })),
    dispose: async () => {
      await store.close();
      await database.drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
};

const skuOneAtWarehouse = async (store: PostgresInventoryStore): Promise<number | undefined> => {
  const levels = await run(store.productInventory('SKU-1'));
  return levels?.inventory.positions.find((p) => p.facilityId === 'WAREHOUSE')?.quantityOnHand;
};

const leases = suite('the import lease and the run log through the command line, on PostgreSQL');

leases('a run that finds the lease held exits 4, imports nothing and is recorded as skipped', async () => {
  const w = await world('held', { settleMs: 0 });
  try {
    const now = new Date();
    assert.ok(await run(w.store.acquireJobLock(RESET_INVENTORY, 'another-run', new Date(now.getTime() + 60_000), now)));
    const held = await cli({ DATABASE_URL: w.url }, 'import', '--config', w.config);
    assert.is(held.status, 4, held.stderr);
    assert.match(held.stdout, /another worker holds the job, nothing done/);
    assert.not.ok(w.imported(), 'the file waits in the inbox');
    const [skipped] = await w.runs();
    assert.equal([skipped?.outcome, skipped?.finishedAt === null], ['skipped', false]);
    const listed = await cli({ DATABASE_URL: w.url }, 'runs', '--config', w.config);
    assert.match(listed.stdout, /import +skipped/);
    const json = await cli({ DATABASE_URL: w.url }, 'import', '--config', w.config, '--json');
    assert.is(json.status, 4);
    assert.is((JSON.parse(json.stdout) as { lockAcquired: boolean }).lockAcquired, false);
    // Once the other run gives the lease up, the next run imports.
    await run(w.store.releaseJobLock(RESET_INVENTORY, 'another-run'));
    const next = await cli({ DATABASE_URL: w.url }, 'import', '--config', w.config);
    assert.is(next.status, 0, next.stderr);
    assert.ok(w.imported());
    assert.is(await skuOneAtWarehouse(w.store), 52);
    assert.equal(
      (await w.runs()).map((r) => r.outcome),
      ['succeeded', 'skipped', 'skipped'],
    );
  } finally {
    await w.dispose();
  }
});

for (const workerId of [undefined, 'worker-1']) {
  leases(
    `killed with SIGKILL mid-run ${workerId === undefined ? 'without OMS_WORKER_ID (host:pid)' : 'with OMS_WORKER_ID'}: abandoned once its heartbeat lapses, and the rerun imports`,
    async () => {
      // A short lease; a long settle keeps the run busy (holding its lease) until it is killed.
      const leaseMs = 2_000;
      const w = await world('killed', { settleMs: 60_000, lockLeaseMs: leaseMs });
      try {
        const env = { DATABASE_URL: w.url, ...(workerId === undefined ? {} : { OMS_WORKER_ID: workerId }) };
        const child = spawn(process.execPath, [main, 'import', '--config', w.config], {
          env: { ...process.env, ...env },
          stdio: ['ignore', 'ignore', 'pipe'],
        });
        let stderr = '';
        child.stderr!.on('data', (d: Buffer) => void (stderr += d.toString()));
        const exited = new Promise((resolve) => child.once('exit', resolve));
        // The run is recorded, and its lease taken (renewed every third of it since).
        const killed = await until(
          'the run to start',
          async () => (await w.runs()).find((r) => r.outcome === 'running'),
          30_000,
        );
        // Its lease is taken and renewed: the heartbeat moves past the first expiry startRun recorded.
        await until(
          'the lease to be renewed',
          async () => {
            const seen = (await w.runs()).find((r) => r.runId === killed.runId);
            return (seen?.leaseUntil?.getTime() ?? 0) > killed.startedAt.getTime() + leaseMs + leaseMs / 6
              ? true
              : undefined;
          },
          30_000,
        ).catch((e: unknown) => {
          throw new Error(`${String(e)}: ${stderr}`);
        });
        await sleep(leaseMs);
        assert.is((await w.runs()).find((r) => r.runId === killed.runId)?.outcome, 'running', 'renewed while alive');
        child.kill('SIGKILL');
        await exited;
        const killedAt = Date.now();
        // Its heartbeat stops: within one lease it is abandoned, and its lease free.
        await until(
          'the killed run to show as abandoned',
          async () =>
            (await w.runs()).find((r) => r.runId === killed.runId)?.outcome === 'abandoned' ? true : undefined,
          leaseMs + 5_000,
        );
        assert.ok(Date.now() - killedAt <= leaseMs + 5_000);
        const listed = await cli(env, 'runs', '--config', w.config);
        assert.match(
          listed.stdout,
          new RegExp(`import +abandoned .*${killed.runId}`),
          `${listed.stdout}${listed.stderr}`,
        );
        const rerun = await cli(env, 'import', '--config', w.quick);
        assert.is(rerun.status, 0, rerun.stderr);
        assert.ok(w.imported(), 'the rerun imported the file');
        assert.is(await skuOneAtWarehouse(w.store), 52);
        assert.equal(
          (await w.runs()).map((r) => [r.outcome, r.runId === killed.runId]),
          [
            ['succeeded', false],
            ['abandoned', true],
          ],
        );
      } finally {
        await w.dispose();
      }
    },
  );
}

leases('an exception mid-run fails the run and releases the lease at once: the next run imports', async () => {
  // A lease far longer than the test: only its release lets the next run in.
  const w = await world('exception', { settleMs: 0, lockLeaseMs: 10 * 60_000 });
  try {
    const config = loadConfig(w.settings, { DATABASE_URL: w.url });
    if (config._tag === 'Left') throw new Error(config.left.problems.join('; '));
    const live = await run(openLiveStore(config.right));
    try {
      // The store throws (not a typed error) once the run holds its lease and looks at the file.
      const throwing = {
        ...live,
        store: {
          ...live.store,
          importedFile: () => () => {
            throw new TypeError('an unexpected exception');
          },
        },
      };
      const failed = await runJobOn(throwing, { job: 'import', parameters: {} }, { worker: 'in-process' });
      assert.ok(failed._tag === 'Left' && failed.left._tag === 'JobFailed', JSON.stringify(failed));
      assert.match(failed._tag === 'Left' && failed.left._tag === 'JobFailed' ? failed.left.reason : '', /unexpected/);
    } finally {
      await live.close();
    }
    assert.equal(
      (await w.runs()).map((r) => r.outcome),
      ['failed'],
    );
    const rerun = await cli({ DATABASE_URL: w.url }, 'import', '--config', w.config);
    assert.is(rerun.status, 0, rerun.stderr);
    assert.ok(w.imported());
    assert.is(await skuOneAtWarehouse(w.store), 52);
  } finally {
    await w.dispose();
  }
});

const THROW_MID_IMPORT = fileURLToPath(new URL('../support/throw-mid-import.ts', import.meta.url));

leases(
  'through the command line, an exception mid-run exits 2 (a rerun would repeat it), is recorded failed and releases the lease at once',
  async () => {
    // A lease far longer than the test: only its release lets the next run in.
    const w = await world('cli-exception', { settleMs: 0, lockLeaseMs: 10 * 60_000 });
    try {
      const failed = await new Promise<{ status: number; stdout: string; stderr: string }>((resolve) => {
        execFile(
          process.execPath,
          ['--import', THROW_MID_IMPORT, main, 'import', '--config', w.config],
          { encoding: 'utf8', env: { ...process.env, DATABASE_URL: w.url } },
          (error, stdout, stderr) =>
            resolve({ status: error === null ? 0 : typeof error.code === 'number' ? error.code : 1, stdout, stderr }),
        );
      });
      assert.is(failed.status, 2, failed.stdout + failed.stderr);
      assert.match(failed.stderr + failed.stdout, /unexpected exception in the middle of the run/);
      assert.not.match(failed.stderr + failed.stdout, /at .*\.ts:\d+/, 'a sentence, not a stack trace');
      assert.not.ok(w.imported(), 'the file waits in the inbox for the rerun');
      const [recorded] = await w.runs();
      assert.equal([recorded?.outcome, recorded?.finishedAt === null], ['failed', false]);
      assert.match(recorded?.error ?? '', /unexpected exception/);
      // The lease was released on the way out: the next run (no exception) imports at once, not in 10 minutes.
      const rerun = await cli({ DATABASE_URL: w.url }, 'import', '--config', w.config);
      assert.is(rerun.status, 0, rerun.stderr);
      assert.ok(w.imported());
      assert.is(await skuOneAtWarehouse(w.store), 52);
    } finally {
      await w.dispose();
    }
  },
);

const databaseExists = async (name: string): Promise<boolean> => {
  const client = new pg.Client({ connectionString: DATABASE_URL });
  await client.connect();
  try {
    return (await client.query('select 1 from pg_database where datname = $1', [name])).rowCount === 1;
  } finally {
    await client.end();
  }
};

leases('a mistyped database name is a configuration error (exit 2) naming it, and no database is made', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'oms-inventory-sync-leases-typo-'));
  const name = `oms_inventory_sync_typo_${process.pid}`;
  const url = new URL(DATABASE_URL);
  url.pathname = `/${name}`;
  url.password = 'not-a-real-secret-42';
  const settings = (createDatabase?: boolean) =>
    JSON.stringify({
      inventoryStore: { postgres: createDatabase === undefined ? {} : { createDatabase } },
      inbox: { local: { root: join(dir, 'inbox') } },
      import: { settleMs: 0 },
    });
  writeFileSync(join(dir, 'config.json'), settings());
  writeFileSync(join(dir, 'create.json'), settings(true));
  const env = { DATABASE_URL: url.toString() };
  try {
    for (const command of ['import', 'runs']) {
      const typo = await cli(env, command, '--config', join(dir, 'config.json'));
      assert.is(typo.status, 2, `${command}: ${typo.stderr}`);
      assert.match(typo.stderr, new RegExp(`the database "${name}" does not exist on 127\\.0\\.0\\.1:5432`));
      assert.match(typo.stderr, /createDatabase: true/);
      assert.not.ok(`${typo.stdout}${typo.stderr}`.includes('not-a-real-secret-42'), 'no password in any output');
      assert.not.ok(await databaseExists(name), `${command} made no database`);
    }
    // Asked for, it is made (and migrated) on first use.
    const created = await cli(env, 'import', '--config', join(dir, 'create.json'));
    assert.is(created.status, 0, created.stderr);
    assert.ok(await databaseExists(name));
    const again = await cli(env, 'runs', '--config', join(dir, 'config.json'));
    assert.is(again.status, 0, again.stderr);
    assert.match(again.stdout, /import +succeeded/);
  } finally {
    const admin = new pg.Client({ connectionString: DATABASE_URL });
    await admin.connect();
    await admin.query(`drop database if exists "${name}" with (force)`);
    await admin.end();
    rmSync(dir, { recursive: true, force: true });
  }
});

leases.run();
