// The import's snapshot order and its folders on real parts: a local-folder inbox on every store (memory, SQLite,
// PostgreSQL), then an SFTP inbox on a real sshd (tests/support/sshd.ts). Files of one listing apply in export-time
// order whatever their names and arrival; archive/ and error/ never lose a file to a later one of the same name.
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { netsuiteExportReader } from '../../src/adapters/csv/netsuite-export-reader.ts';
import { localRowSpools } from '../../src/adapters/local-files/row-spool.ts';
import { memoryInventoryStore } from '../../src/adapters/memory/memory-inventory-store.ts';
import { sftpFileStore } from '../../src/adapters/sftp/sftp-file-store.ts';
import { stockLevelsOf } from '../../src/application/columnar.ts';
import {
  defaultImportConfig,
  importInventory,
  type ImportConfig,
  type ImportDeps,
} from '../../src/application/import-inventory.ts';
import { exportCsv, FACILITIES, PRODUCTS, STOCK, scenario, testClock, type Store } from '../support/import-scenario.ts';
import { run } from '../support/run.ts';
import { startSshd, type SshServer } from '../support/sshd.ts';
import { STORE_ADAPTERS } from '../support/stores.ts';

const config = (runId: string, overrides: Partial<ImportConfig> = {}): ImportConfig => ({
  ...defaultImportConfig(runId, 'worker-a'),
  settleMs: 10,
  ...overrides,
});
const at = (name: string, content: string, root: string, second: number) => {
  writeFileSync(join(root, name), content);
  const time = new Date(Date.UTC(2026, 11, 3, 3, 0, second));
  utimesSync(join(root, name), time, time);
};
const level = async (store: Store, productId: string, facilityId: string) =>
  stockLevelsOf(await run(store.stockLevels())).find((l) => l.productId === productId && l.facilityId === facilityId);
const sha8 = (content: string) => createHash('sha256').update(content).digest('hex').slice(0, 8);

const LAST_APPLIED = 'inventory-20261201T010000Z.csv';

for (const [adapter, open] of STORE_ADAPTERS) {
  const test = suite(`importInventory, a local-folder inbox: ${adapter}`);

  test('one listing in export-time order, whatever the names and arrival; older than applied held back', async () => {
    const { store, dispose } = await open();
    const s = await scenario(store, [[LAST_APPLIED, exportCsv(['ITEM-1,101,50,9001'])]]);
    try {
      assert.equal(
        (await run(importInventory(config('run-1'))(s.deps))).files.map((f) => f.outcome),
        ['applied'],
      );
      const appliedAt = '2026-11-22T02:00:00.010Z';
      // Arriving together, in this order; by name too the newer export comes before the older one (another prefix).
      at('manual.csv', exportCsv(['ITEM-1,101,70,9001']), s.root, 0);
      at('inventory-20261203T010000Z.csv', exportCsv(['ITEM-1,101,40,9001', 'ITEM-2,101,15,9002']), s.root, 1);
      at(
        'stock-20261202T010000Z.csv',
        exportCsv(['ITEM-1,101,30,9001', 'ITEM-2,101,11,9002', 'ITEM-3,102,3,9003']),
        s.root,
        2,
      );
      at('inventory-20261130T010000Z.csv', exportCsv(['ITEM-1,101,99,9001']), s.root, 3);
      const report = await run(importInventory(config('run-2'))(s.deps));
      assert.equal(
        report.files.map((f) => [f.name, f.outcome, f.heldBackBecause, f.snapshotOrder]),
        [
          [
            'inventory-20261130T010000Z.csv',
            'held-back',
            `older than the snapshot of ${LAST_APPLIED} applied at ${appliedAt} (this export: 2026-11-30T01:00:00.000Z, that one: 2026-12-01T01:00:00.000Z)`,
            undefined,
          ],
          ['stock-20261202T010000Z.csv', 'applied', undefined, undefined],
          ['inventory-20261203T010000Z.csv', 'applied', undefined, undefined],
          ['manual.csv', 'applied', undefined, 'arrival'],
        ],
      );
      // The history: each file on top of the one before it, in that order.
      const atp = async (file: string) =>
        (await run(store.variances(file)))
          .filter((v) => v.productId === 'SKU-1')
          .map((v) => [v.availableToPromiseBefore, v.availableToPromiseAfter]);
      assert.equal(await atp('stock-20261202T010000Z.csv'), [[50, 30]]);
      assert.equal(await atp('inventory-20261203T010000Z.csv'), [[30, 40]]);
      assert.equal(await atp('manual.csv'), [[40, 70]]);
      assert.equal(await atp('inventory-20261130T010000Z.csv'), []);
      assert.equal(await level(store, 'SKU-1', 'WAREHOUSE'), {
        productId: 'SKU-1',
        facilityId: 'WAREHOUSE',
        quantityOnHand: 80,
        availableToPromise: 70,
      });
      assert.equal(await level(store, 'SKU-2', 'WAREHOUSE'), {
        productId: 'SKU-2',
        facilityId: 'WAREHOUSE',
        quantityOnHand: 15,
        availableToPromise: 15,
      });
      assert.equal(
        (await level(store, 'SKU-3', 'STORE'))?.availableToPromise,
        3,
        'the older export of the two applied too',
      );
      assert.equal(s.folder('error'), ['inventory-20261130T010000Z.csv', 'inventory-20261130T010000Z.csv.errors.csv']);
      assert.match(
        readFileSync(join(s.root, 'error', 'inventory-20261130T010000Z.csv.errors.csv'), 'utf8'),
        /file held back: older than the snapshot of inventory-20261201T010000Z\.csv applied at 2026-11-22T02:00:00\.010Z/,
      );
      assert.equal(s.folder('archive'), [
        LAST_APPLIED,
        'inventory-20261203T010000Z.csv',
        'manual.csv',
        'stock-20261202T010000Z.csv',
      ]);
    } finally {
      s.dispose();
      await dispose();
    }
  });

  test('error/ and archive/: a later file of a taken name lands beside, never over', async () => {
    const { store, dispose } = await open();
    const s = await scenario(store, [['inventory.csv', exportCsv([])]]);
    try {
      await run(importInventory(config('run-1'))(s.deps));
      const second = exportCsv(['ITEM-1,101,85,9001', 'ITEM-X,101,1,9999', 'ITEM-Y,101,1,9998']);
      writeFileSync(join(s.root, 'inventory.csv'), second);
      const report = (await run(importInventory(config('run-2'))(s.deps))).files[0]!;
      const beside = `inventory.${sha8(second)}.csv`;
      assert.equal([report.outcome, report.errorAs], ['held-back', beside]);
      assert.equal(
        s.folder('error'),
        ['inventory.csv', 'inventory.csv.errors.csv', beside, `${beside}.errors.csv`].sort(),
      );
      assert.is(readFileSync(join(s.root, 'error', 'inventory.csv'), 'utf8'), exportCsv([]));
      assert.is(readFileSync(join(s.root, 'error', beside), 'utf8'), second);
    } finally {
      s.dispose();
      await dispose();
    }
  });

  test("each reset in the ledger: its source the file and the row's line, an unchanged row none", async () => {
    const { store, dispose } = await open();
    const name = 'inventory-20261203T010000Z.csv';
    // Line 2 leaves SKU-2 as it is; lines 3 and 4 change SKU-1 (ATP 90 -> 50) and SKU-3 (ATP 5 -> 7).
    const s = await scenario(store, [
      [name, exportCsv(['ITEM-2,101,20,9002', 'ITEM-1,101,50,9001', 'ITEM-3,102,7,9003'])],
    ]);
    try {
      const head = await run(store.ledgerHead());
      assert.equal(
        (await run(importInventory(config('run-1'))(s.deps))).files.map((f) => f.outcome),
        ['applied'],
      );
      assert.equal(
        (await run(store.ledgerEntries(head, 10))).map((e) => [
          e.event.type,
          e.event.productId,
          e.event.facilityId,
          e.event.quantity,
          e.event.source,
        ]),
        [
          ['reset', 'SKU-1', 'WAREHOUSE', -40, `${name}:3`],
          ['reset', 'SKU-3', 'STORE', 2, `${name}:4`],
        ],
      );
    } finally {
      s.dispose();
      await dispose();
    }
  });

  test.run();
}

const sftp = suite('importInventory, an SFTP inbox (OpenSSH sshd), memory store');
let sshd: SshServer;
sftp.before(async () => {
  sshd = await startSshd();
});
sftp.after(async () => {
  await sshd.stop();
});

const sftpScenario = async () => {
  const root = mkdtempSync(join(sshd.root, 'inbox-'));
  const tempDir = mkdtempSync(join(tmpdir(), 'oms-inventory-sync-sftp-import-'));
  const store = memoryInventoryStore();
  await run(store.saveFacilities(FACILITIES));
  await run(store.saveProducts(PRODUCTS));
  await run(store.saveStockLevels(STOCK));
  const files = sftpFileStore({
    host: sshd.host,
    port: sshd.port,
    username: sshd.username,
    privateKey: sshd.privateKey,
    hostKeySha256: sshd.hostKeySha256,
    remoteRoot: root,
    tempDir,
  });
  const deps: ImportDeps = { ...files, ...netsuiteExportReader(), ...localRowSpools(), ...store, ...testClock() };
  const folder = (name: string) => {
    try {
      return readdirSync(join(root, name)).sort();
    } catch {
      return [];
    }
  };
  const close = async () => {
    await files.close();
    rmSync(tempDir, { recursive: true, force: true });
    rmSync(root, { recursive: true, force: true });
  };
  return { root, store, deps, folder, close };
};

sftp('two exports of one listing apply oldest first; error/ and archive/ keep the earlier file of a name', async () => {
  const s = await sftpScenario();
  try {
    at('inventory-20261203T010000Z.csv', exportCsv(['ITEM-1,101,40,9001']), s.root, 0);
    at('stock-20261202T010000Z.csv', exportCsv(['ITEM-1,101,30,9001']), s.root, 1);
    at('broken.csv', exportCsv([]), s.root, 2);
    const first = await run(importInventory(config('run-1'))(s.deps));
    assert.equal(
      first.files.map((f) => [f.name, f.outcome]),
      [
        ['stock-20261202T010000Z.csv', 'applied'],
        ['inventory-20261203T010000Z.csv', 'applied'],
        ['broken.csv', 'held-back'],
      ],
    );
    assert.is((await level(s.store, 'SKU-1', 'WAREHOUSE'))?.availableToPromise, 40);
    // The same names again, with other bytes.
    const broken = exportCsv(['ITEM-1,101,x,9001']);
    const again = exportCsv(['ITEM-1,101,41,9001']);
    at('broken.csv', broken, s.root, 3);
    at('inventory-20261203T010000Z.csv', again, s.root, 4);
    const second = await run(importInventory(config('run-2'))(s.deps));
    const brokenBeside = `broken.${sha8(broken)}.csv`;
    const archivedBeside = `inventory-20261203T010000Z.${sha8(again)}.csv`;
    assert.equal(
      second.files.map((f) => [f.name, f.outcome, f.errorAs, f.archivedAs]),
      [
        ['inventory-20261203T010000Z.csv', 'applied', undefined, archivedBeside],
        ['broken.csv', 'held-back', brokenBeside, undefined],
      ],
    );
    assert.equal(
      s.folder('error'),
      ['broken.csv', 'broken.csv.errors.csv', brokenBeside, `${brokenBeside}.errors.csv`].sort(),
    );
    assert.is(readFileSync(join(s.root, 'error', 'broken.csv'), 'utf8'), exportCsv([]));
    assert.match(readFileSync(join(s.root, 'error', 'broken.csv.errors.csv'), 'utf8'), /a header and no rows/);
    assert.is(readFileSync(join(s.root, 'error', brokenBeside), 'utf8'), broken);
    assert.match(readFileSync(join(s.root, 'error', `${brokenBeside}.errors.csv`), 'utf8'), /1 of 1 rows rejected/);
    assert.equal(
      s.folder('archive'),
      ['inventory-20261203T010000Z.csv', archivedBeside, 'stock-20261202T010000Z.csv'].sort(),
    );
    assert.equal(s.folder(''), ['archive', 'error']);
  } finally {
    await s.close();
  }
});

sftp.run();
