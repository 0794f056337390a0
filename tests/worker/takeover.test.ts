// Two real worker processes on pg-boss: the first is killed (SIGKILL) mid-import, and the second takes the run over
// and really imports the file (not a no-op marked completed): the dead run's lease has lapsed by then, and the dead
// run shows as abandoned in the run log.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { openPostgresInventoryStore } from '../../src/adapters/persistence/postgres-inventory-store.ts';
import { queueName } from '../../src/worker/worker.ts';
import { exportCsv, FACILITIES, PRODUCTS, STOCK } from '../support/import-scenario.ts';
import { bossReader } from '../support/boss-reader.ts';
import { freshPostgresDatabase } from '../support/postgres.ts';
import { run } from '../support/run.ts';
import { until } from '../support/wait.ts';

const importWorker = fileURLToPath(new URL('./support/import-worker.ts', import.meta.url));
const FILE = 'inventory-20261122T010000Z.csv';

const takeover = suite('worker takeover of an import');
const children: ChildProcess[] = [];
takeover.after.each(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
});

takeover('a worker killed mid-import: the second worker takes the run over and imports the file', async () => {
  const database = await freshPostgresDatabase();
  const store = await openPostgresInventoryStore({ url: database.url });
  const dir = mkdtempSync(join(tmpdir(), 'oms-inventory-sync-takeover-'));
  const output: Record<string, string> = {};
  try {
    await store.migrate();
    await run(store.saveFacilities(FACILITIES));
    await run(store.saveProducts(PRODUCTS));
    await run(store.saveStockLevels(STOCK));
    const inbox = join(dir, 'inbox');
    mkdirSync(inbox);
    writeFileSync(join(inbox, FILE), exportCsv(['A,101,42,9001']));
    // A run settles for 6 s: the first worker is killed while it holds the run (and its lease). pg-boss hands the
    // run on once 10 s pass without a heartbeat; the run's lease is half that.
    const settings = {
      inventoryStore: { postgres: {} },
      inbox: { local: { root: inbox } },
      import: { settleMs: 6_000 },
      worker: {
        heartbeatSeconds: 10,
        expireInSeconds: 120,
        retryDelaySeconds: 1,
        stopTimeoutSeconds: 1,
        inboxPollSeconds: 0,
      },
    };
    const start = (name: string, enqueue: string) => {
      const child = spawn(process.execPath, [importWorker], {
        env: {
          ...process.env,
          DATABASE_URL: database.url,
          SETTINGS: JSON.stringify(settings),
          WORKER_NAME: name,
          ENQUEUE: enqueue,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      children.push(child);
      output[name] = '';
      child.stdout!.on('data', (d: Buffer) => void (output[name] += d.toString()));
      child.stderr!.on('data', (d: Buffer) => void (output[name] += d.toString()));
      return child;
    };
    const runs = () => run(store.listRuns({ job: 'import', limit: 10, at: new Date() }));
    const first = start('worker-a', 'import');
    const dying = await until(
      "the first worker's run to hold its lease",
      async () =>
        (await runs()).find(
          (r) =>
            r.worker === 'worker-a' &&
            r.outcome === 'running' &&
            // Renewed at least once: the run holds the lease.
            (r.leaseUntil?.getTime() ?? 0) > r.startedAt.getTime() + 5_000 + 500,
        ),
      60_000,
    ).catch((e: unknown) => {
      throw new Error(`${String(e)}\n${output['worker-a']}`);
    });
    start('worker-b', '');
    await until(
      'the second worker to start',
      async () => (output['worker-b']?.includes('ready') ? true : undefined),
      60_000,
    );
    const exited = new Promise((r) => first.once('exit', r));
    first.kill('SIGKILL');
    await exited;
    const killedAt = Date.now();

    await until(
      'the file to be imported',
      async () => (existsSync(join(inbox, 'archive', FILE)) ? true : undefined),
      90_000,
    ).catch((e: unknown) => {
      throw new Error(`${String(e)}\n${output['worker-b']}`);
    });
    const taken = Date.now() - killedAt;
    assert.not.ok(existsSync(join(inbox, FILE)), 'the file left the inbox');
    const positions = (await run(store.productInventory('SKU-1')))?.inventory.positions ?? [];
    assert.is(positions.find((p) => p.facilityId === 'WAREHOUSE')?.quantityOnHand, 52, 'ATP 90 -> 42: QOH 100 -> 52');
    const seen = await until(
      'the second run to be recorded as finished',
      async () => {
        const all = await runs();
        return all.some((r) => r.worker === 'worker-b' && r.outcome === 'succeeded' && r.counts.files === 1)
          ? all
          : undefined;
      },
      30_000,
    ).catch((e: unknown) => {
      throw new Error(`${String(e)}: the second worker imported the file itself\n${output['worker-b']}`);
    });
    // Its inbox watch may run the import again once the file is archived (nothing to do): the one that imported counts.
    const ran = seen.filter((r) => r.worker === 'worker-b' && r.outcome === 'succeeded');
    assert.is(ran.filter((r) => r.counts.files === 1).length, 1, 'the second worker imported the file, once');
    assert.ok(ran.every((r) => (r.counts.files ?? 0) <= 1));
    assert.is(seen.find((r) => r.runId === dying.runId)?.outcome, 'abandoned');
    assert.ok(taken < 60_000, `taken over ${taken} ms after the kill`);
    // pg-boss completed the run it handed on: the retry that imported, not a no-op.
    const boss = await bossReader(database.url);
    try {
      const job = await until(
        'pg-boss to complete the job',
        async () => {
          const [j] = await boss.findJobs(queueName('import'));
          return j?.state === 'completed' ? j : undefined;
        },
        15_000,
      );
      assert.ok(job.retryCount >= 1, `completed on a retry (retryCount ${job.retryCount})`);
    } finally {
      await boss.stop({ graceful: false });
    }
  } finally {
    for (const child of children.splice(0)) child.kill('SIGKILL');
    await store.close();
    await database.drop();
    rmSync(dir, { recursive: true, force: true });
  }
});

takeover.run();
