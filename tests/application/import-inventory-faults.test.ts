// Fault tests of the import on real parts: an SFTP connection dropped mid-download (real sshd), PostgreSQL
// unreachable mid-import (a proxy cut during the commit), and the process killed mid-import (SIGKILL at several
// moments). Each is followed by a rerun, which must leave exactly the state of one clean run.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { netsuiteExportReader } from '../../src/adapters/csv/netsuite-export-reader.ts';
import { localRowSpools } from '../../src/adapters/local-files/row-spool.ts';
import { localFileStore } from '../../src/adapters/local-files/local-file-store.ts';
import {
  openPostgresInventoryStore,
  type PostgresInventoryStore,
} from '../../src/adapters/persistence/postgres-inventory-store.ts';
import { sftpFileStore } from '../../src/adapters/sftp/sftp-file-store.ts';
import { stockLevelsOf } from '../../src/application/columnar.ts';
import { defaultImportConfig, importInventory, type ImportDeps } from '../../src/application/import-inventory.ts';
import { systemClock } from '../../src/composition/live.ts';
import { droppingSftpClient } from '../support/dropping-sftp-client.ts';
import { freshPostgresDatabase } from '../support/postgres.ts';
import { run, runLeft } from '../support/run.ts';
import { startSshd, type SshServer } from '../support/sshd.ts';
import { startTcpProxy } from '../support/tcp-proxy.ts';

const ITEMS = 20_000;
const LOCATIONS = 5;
const FILE = 'inventory-20261122T010000Z.csv';
const quantity = (i: number, l: number) => ((i * 7 + l * 13) % 300) + ((i + l) % 9 === 0 ? 0.25 : 0);
const exportText = (): string => {
  const lines = ['Item,externalFacilityId,availableQty,idValue'];
  for (let i = 0; i < ITEMS; i++)
    for (let l = 0; l < LOCATIONS; l++) lines.push(`ITEM-${i},${201 + l},${quantity(i, l)},${70000 + i}`);
  return `${lines.join('\r\n')}\r\n`;
};
const EXPORT = exportText();

// Last night's stock: a tenth of the positions differ from tonight's file.
const seed = async (store: PostgresInventoryStore) => {
  await run(
    store.saveFacilities(
      Array.from({ length: LOCATIONS }, (_, l) => ({ facilityId: `FAC-${l}`, externalId: String(201 + l) })),
    ),
  );
  await run(
    store.saveProducts(
      Array.from({ length: ITEMS }, (_, i) => ({ productId: `PROD-${i}`, externalId: String(70000 + i) })),
    ),
  );
  const levels = [];
  for (let i = 0; i < ITEMS; i++)
    for (let l = 0; l < LOCATIONS; l++)
      levels.push({
        productId: `PROD-${i}`,
        facilityId: `FAC-${l}`,
        quantityOnHand: quantity(i, l) + 4,
        availableToPromise: quantity(i, l) + ((i + l) % 10 === 3 ? 2 : 0),
      });
  await run(store.saveStockLevels(levels));
};

// What a run leaves behind, without the run ids and times that differ from run to run.
const stateOf = async (store: PostgresInventoryStore, inbox: string) => ({
  stock: stockLevelsOf(await run(store.stockLevels()))
    .map((l) => `${l.productId}|${l.facilityId}|${l.quantityOnHand}|${l.availableToPromise}`)
    .sort(),
  history: (await run(store.variances(FILE)))
    .map(
      (v) =>
        `${v.productId}|${v.facilityId}|${v.quantityOnHandBefore}|${v.quantityOnHandAfter}|${v.availableToPromiseBefore}|${v.availableToPromiseAfter}|${v.line}`,
    )
    .sort(),
  changed: await run(store.changedProductIds()),
  inbox: readdirSync(inbox).filter((n) => n.endsWith('.csv')),
  archive: readdirSync(join(inbox, 'archive')),
});

const faults = suite('import faults, then a rerun: the state of one clean run');
let clean: Awaited<ReturnType<typeof stateOf>>;
let sshd: SshServer;
const work = mkdtempSync(join(tmpdir(), 'oms-inventory-sync-faults-'));

const withDatabase = async (body: (url: string, store: PostgresInventoryStore) => Promise<void>) => {
  const database = await freshPostgresDatabase();
  const store = await openPostgresInventoryStore({ url: database.url });
  try {
    await store.migrate();
    await seed(store);
    await body(database.url, store);
  } finally {
    await store.close();
    await database.drop();
  }
};

const localInbox = (name: string) => {
  const root = join(work, name);
  mkdirSync(root, { recursive: true });
  writeFileSync(join(root, FILE), EXPORT);
  return root;
};
const config = (runId: string) => ({ ...defaultImportConfig(runId, 'fault-worker'), settleMs: 0 });

faults.before(async () => {
  sshd = await startSshd();
  await withDatabase(async (_, store) => {
    const inbox = localInbox('clean');
    const report = await run(
      importInventory(config('clean'))({
        ...localFileStore({ root: inbox }),
        ...netsuiteExportReader(),
        ...localRowSpools(),
        ...store,
        ...systemClock,
      }),
    );
    assert.equal([report.rowsRead, report.rejected], [ITEMS * LOCATIONS, 0]);
    assert.ok(report.adjusted > 0);
    clean = await stateOf(store, inbox);
  });
});

faults.after(async () => {
  await sshd.stop();
  rmSync(work, { recursive: true, force: true });
});

faults('the SFTP connection dropped mid-download', async () => {
  await withDatabase(async (_, store) => {
    rmSync(join(sshd.root, 'archive'), { recursive: true, force: true });
    writeFileSync(join(sshd.root, FILE), EXPORT);
    const { createClient } = droppingSftpClient(sshd, 256 * 1024);
    const inbox = sftpFileStore({
      host: sshd.host,
      port: sshd.port,
      username: sshd.username,
      privateKey: sshd.privateKey,
      hostKeySha256: sshd.hostKeySha256,
      remoteRoot: sshd.root,
      tempDir: join(work, 'sftp-tmp'),
      createClient,
    });
    const deps: ImportDeps = { ...inbox, ...netsuiteExportReader(), ...localRowSpools(), ...store, ...systemClock };
    const failure = await runLeft(importInventory(config('dropped'))(deps));
    assert.equal([failure._tag, failure.retriable], ['FileStoreUnavailable', true]);
    assert.equal(readdirSync(join(work, 'sftp-tmp')), [], 'no partial download left');
    await run(importInventory(config('rerun'))(deps));
    await inbox.close();
    assert.equal(await stateOf(store, sshd.root), clean);
  });
});

faults('PostgreSQL unreachable during the commit', async () => {
  const database = await freshPostgresDatabase();
  const url = new URL(database.url);
  const proxy = await startTcpProxy({ host: url.hostname, port: Number(url.port || 5432) });
  const viaProxy = new URL(database.url);
  viaProxy.port = String(proxy.port);
  const direct = await openPostgresInventoryStore({ url: database.url });
  try {
    await direct.migrate();
    await seed(direct);
    const inbox = localInbox('unreachable');
    const store = await openPostgresInventoryStore({ url: viaProxy.toString() });
    const files = {
      ...localFileStore({ root: inbox }),
      ...netsuiteExportReader(),
      ...localRowSpools(),
      ...systemClock,
    };
    // The connection goes away a few milliseconds into the commit, while its COPY and statements run.
    const cutting: ImportDeps = {
      ...files,
      ...store,
      commitImport: (commit) => () => {
        setTimeout(proxy.cut, 5);
        return store.commitImport(commit)();
      },
    };
    const failure = await runLeft(importInventory(config('unreachable'))(cutting));
    assert.equal(
      [failure._tag, failure.retriable],
      ['InventoryStoreUnavailable', true],
      'reason' in failure ? failure.reason : failure._tag,
    );
    await store.close().catch(() => undefined);
    assert.equal(await run(direct.variances(FILE)), [], 'nothing of the cut transaction was committed');
    proxy.restore();
    const again = await openPostgresInventoryStore({ url: viaProxy.toString() });
    await run(importInventory(config('rerun'))({ ...files, ...again }));
    await again.close();
    assert.equal(await stateOf(direct, inbox), clean);
  } finally {
    await direct.close();
    await proxy.close();
    await database.drop();
  }
});

const cli = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));
faults('the process killed mid-import, at several moments, then run again', async () => {
  // How long a whole run takes here, to spread the kills over it.
  let duration = 0;
  await withDatabase(async (url) => {
    const inbox = localInbox('timing');
    const configFile = join(work, 'timing.json');
    writeFileSync(
      configFile,
      JSON.stringify({ inventoryStore: { postgres: {} }, inbox: { local: { root: inbox } }, import: { settleMs: 0 } }),
    );
    const started = Date.now();
    const result = spawnSync(process.execPath, [cli, 'import', '--config', configFile], {
      env: { ...process.env, DATABASE_URL: url },
      encoding: 'utf8',
      timeout: 120_000,
    });
    assert.is(result.status, 0, result.stderr);
    duration = Date.now() - started;
  });
  for (const share of [0.3, 0.5, 0.65, 0.8, 0.9]) {
    await withDatabase(async (url, store) => {
      const inbox = localInbox(`kill-${share}`);
      const configFile = join(work, `kill-${share}.json`);
      writeFileSync(
        configFile,
        JSON.stringify({
          inventoryStore: { postgres: {} },
          inbox: { local: { root: inbox } },
          import: { settleMs: 0 },
        }),
      );
      // A supervised worker: the same OMS_WORKER_ID before and after the kill, so the rerun takes its lease back.
      const env = { ...process.env, DATABASE_URL: url, OMS_WORKER_ID: 'worker-1' };
      const child = spawn(process.execPath, [cli, 'import', '--config', configFile], { env, stdio: 'ignore' });
      // Listened for from the start: a child that ends before the kill must not leave the test waiting forever.
      const exited = new Promise((resolve) => child.once('exit', resolve));
      await new Promise((resolve) => setTimeout(resolve, Math.round(duration * share)));
      child.kill('SIGKILL');
      await exited;
      // The restarted worker finishes the job.
      const rerun = spawnSync(process.execPath, [cli, 'import', '--config', configFile], {
        env,
        encoding: 'utf8',
        timeout: 120_000,
      });
      assert.is(rerun.status, 0, `${share}: ${rerun.stderr}`);
      assert.equal(await stateOf(store, inbox), clean, `killed at ${Math.round(share * 100)}% of a run`);
    });
  }
});

faults('two workers started at once: one imports, the other does nothing; the state of one clean run', async () => {
  await withDatabase(async (url, store) => {
    const inbox = localInbox('two-workers');
    const configFile = join(work, 'two-workers.json');
    // A second of settling keeps the first run busy while the second starts.
    writeFileSync(
      configFile,
      JSON.stringify({
        inventoryStore: { postgres: {} },
        inbox: { local: { root: inbox } },
        import: { settleMs: 1000 },
      }),
    );
    // Two processes with default worker ids (host:pid): distinct lock owners.
    const worker = () =>
      new Promise<{ code: number | null; report: { lockAcquired: boolean; files: { outcome: string }[] } }>(
        (resolve) => {
          const child = spawn(process.execPath, [cli, 'import', '--config', configFile, '--json'], {
            env: { ...process.env, DATABASE_URL: url },
          });
          let out = '';
          child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
          child.once('exit', (code) =>
            resolve({ code, report: JSON.parse(out) as { lockAcquired: boolean; files: { outcome: string }[] } }),
          );
        },
      );
    const [a, b] = await Promise.all([worker(), worker()]);
    // The one that found the lease held did nothing and says so with its own exit code.
    assert.equal([a.code, b.code].sort(), [0, 4]);
    const outcomes = [a.report, b.report].flatMap((r) => r.files.map((f) => f.outcome));
    assert.equal(outcomes, ['applied'], 'the file was imported by exactly one worker');
    assert.equal([a.report.lockAcquired, b.report.lockAcquired].sort(), [false, true]);
    assert.equal(await stateOf(store, inbox), clean);
  });
});

faults.run();
