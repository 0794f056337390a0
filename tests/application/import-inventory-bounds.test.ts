// The import on bad input, in bounded memory: rejected rows stream into the error report (the run report keeps their
// count and the first rows), and a file too large by its listing is held back before a byte of it is downloaded
// (over SFTP: OpenSSH's sshd).
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { netsuiteExportReader } from '../../src/adapters/csv/netsuite-export-reader.ts';
import { localRowSpools } from '../../src/adapters/local-files/row-spool.ts';
import { memoryInventoryStore } from '../../src/adapters/memory/memory-inventory-store.ts';
import { sftpFileStore, ssh2SftpClient, type SftpClient } from '../../src/adapters/sftp/sftp-file-store.ts';
import {
  defaultImportConfig,
  importInventory,
  type ImportConfig,
  type ImportDeps,
} from '../../src/application/import-inventory.ts';
import { REJECTED_ROWS_SAMPLE } from '../../src/application/rejected-rows.ts';
import { exportCsv, scenario } from '../support/import-scenario.ts';
import { run } from '../support/run.ts';
import { startSshd, type SshServer } from '../support/sshd.ts';

const config = (overrides: Partial<ImportConfig> = {}): ImportConfig => ({
  ...defaultImportConfig('bounds', 'bounds-worker'),
  settleMs: 0,
  ...overrides,
});

// Line numbers of an error report's rows (its header and a held-back line excluded).
const reportLines = (text: string): number[] =>
  text
    .trimEnd()
    .split('\n')
    .slice(1)
    .map((l) => /^[^,]*,(\d*),/.exec(l)![1]!)
    .filter((l) => l !== '')
    .map(Number);

const rejections = suite('rejected rows of an import');

rejections(
  'many bad rows: every one in the error report, in line order; the run report counts them and keeps 20',
  async () => {
    // 30,000 rows: a good row, a bad quantity, an unknown item, a line over the limit, a good row; then a conflicting
    // duplicate pair at the end. 40% rejected: the file applies.
    const rows: string[] = [];
    const bad: number[] = [];
    for (let i = 0; i < 6_000; i++) {
      const line = rows.length + 2;
      rows.push(`ITEM-1,101,${i % 50},9001`.replace('9001', i % 2 === 0 ? '9001' : '9002'));
      rows.push(`ITEM-X,101,lots,9001`);
      rows.push(`ITEM-U,101,5,U${i}`);
      rows.push(`ITEM-L,101,5,9003,${'z'.repeat(2_000)}`);
      rows.push(`ITEM-3,102,${i % 9},9003`);
      bad.push(line + 1, line + 2, line + 3);
    }
    const file = 'inventory-20261122T010000Z.csv';
    const s = await scenario(memoryInventoryStore(), [[file, exportCsv(rows)]]);
    try {
      const report = await run(importInventory(config({ maxLineBytes: 1_024 }))(s.deps));
      const f = report.files[0]!;
      // Each of ITEM-1/ITEM-2/ITEM-3's positions is named 3,000-6,000 times with different quantities: conflicting
      // duplicates, every line of them rejected too.
      assert.is(f.outcome, 'held-back', f.heldBackBecause);
      assert.is(f.rejected, rows.length, 'every row: the bad ones and the conflicting duplicates');
      assert.is(f.rejectedRows.length, REJECTED_ROWS_SAMPLE);
      assert.equal(
        f.rejectedRows.map((r) => r.line),
        Array.from({ length: REJECTED_ROWS_SAMPLE }, (_, i) => i + 2),
      );
      assert.equal(
        f.rejectedRows.slice(1, 4).map((r) => [r.line, r.field, r.reason]),
        [
          [3, 'availableQty', "not a number: 'lots'"],
          [4, 'idValue', "unknown item: no OMS product has NetSuite internal id 'U0' (item 'ITEM-U')"],
          [5, '(row)', 'line too long: 2018 bytes, more than the 1024 allowed'],
        ],
      );
      const text = readFileSync(join(s.root, 'error', `${file}.errors.csv`), 'utf8');
      const lines = reportLines(text);
      assert.is(lines.length, rows.length);
      assert.equal(
        lines,
        Array.from({ length: rows.length }, (_, i) => i + 2),
        'every line, once, in line order',
      );
      assert.match(text, /conflicting duplicate: product SKU-1 at facility WAREHOUSE has quantities .*\(\d+ in all\)/);
    } finally {
      s.dispose();
    }
  },
);

rejections('bad rows under the share: the file applies and error/<file>.rejected-rows.csv lists each', async () => {
  const rows: string[] = [];
  for (let i = 0; i < 20_000; i++)
    rows.push(i % 3 === 0 ? `ITEM-${i},101,${i % 4 === 0 ? '-1' : 'x'},9001` : `ITEM-${i},101,5,N${i}`);
  rows.push('ITEM-1,101,85,9001');
  const file = 'inventory-20261122T010000Z.csv';
  const s = await scenario(memoryInventoryStore(), [[file, exportCsv(rows)]]);
  try {
    const report = await run(importInventory(config({ maxRejectedShare: 1 }))(s.deps));
    const f = report.files[0]!;
    assert.equal([f.outcome, f.rowsRead, f.rejected, f.adjusted], ['applied', 20_001, 20_000, 1]);
    assert.is(f.rejectedRows.length, REJECTED_ROWS_SAMPLE);
    const lines = reportLines(readFileSync(join(s.root, 'error', `${file}.rejected-rows.csv`), 'utf8'));
    assert.equal(
      lines,
      Array.from({ length: 20_000 }, (_, i) => i + 2),
    );
    assert.equal(s.folder('archive'), [file]);
  } finally {
    s.dispose();
  }
});

rejections.run();

const bySize = suite('a file too large by its listing');
let sshd: SshServer;
const work = mkdtempSync(join(tmpdir(), 'oms-inventory-sync-bounds-'));
bySize.before(async () => {
  sshd = await startSshd();
});
bySize.after(async () => {
  await sshd.stop();
  rmSync(work, { recursive: true, force: true });
});

const GOOD = exportCsv(['ITEM-1,101,85,9001']);
const BIG = exportCsv(Array.from({ length: 500 }, (_, i) => `ITEM-${i},101,5,9001`));

bySize(
  'on SFTP: held back with its report, never downloaded (no read, no temp copy); the next file imports',
  async () => {
    const big = 'inventory-20261122T010000Z.csv';
    const next = 'inventory-20261122T020000Z.csv';
    writeFileSync(join(sshd.root, big), BIG);
    writeFileSync(join(sshd.root, next), GOOD);
    const downloads: string[] = [];
    const createClient = (): SftpClient => {
      const client = ssh2SftpClient();
      const fastGet = client.fastGet.bind(client);
      client.fastGet = (remote, local, options) => {
        downloads.push(remote);
        return fastGet(remote, local, options);
      };
      return client;
    };
    const tempDir = join(work, 'sftp-tmp');
    mkdirSync(tempDir, { recursive: true });
    const inbox = sftpFileStore({
      host: sshd.host,
      port: sshd.port,
      username: sshd.username,
      privateKey: sshd.privateKey,
      hostKeySha256: sshd.hostKeySha256,
      remoteRoot: sshd.root,
      tempDir,
      createClient,
    });
    const store = memoryInventoryStore();
    const seeded = await scenario(store);
    seeded.dispose();
    const deps: ImportDeps = { ...inbox, ...netsuiteExportReader(), ...localRowSpools(), ...store, ...seeded.clock };
    try {
      const maxBytes = Buffer.byteLength(BIG) - 1;
      const report = await run(importInventory(config({ maxBytes }))(deps));
      assert.equal(
        report.files.map((f) => [f.name, f.outcome, f.heldBackBecause ?? '']),
        [
          [
            big,
            'held-back',
            `the file has ${Buffer.byteLength(BIG)} bytes (as listed), more than the ${maxBytes} allowed: not downloaded`,
          ],
          [next, 'applied', ''],
        ],
      );
      assert.equal(downloads, [join(sshd.root, next)], 'only the file within the limit was downloaded');
      assert.equal(readdirSync(tempDir), [], 'no temp copy left');
      assert.equal(readdirSync(join(sshd.root, 'error')).sort(), [big, `${big}.errors.csv`]);
      assert.match(
        readFileSync(join(sshd.root, 'error', `${big}.errors.csv`), 'utf8'),
        /^file,line,field,reason\ninventory-20261122T010000Z\.csv,,,"file held back: the file has \d+ bytes \(as listed\)/,
      );
      assert.equal(readdirSync(join(sshd.root, 'archive')), [next]);
      // Another too large file of the same name goes beside it.
      writeFileSync(join(sshd.root, big), `${BIG}ITEM-9,101,5,9001\r\n`);
      const again = await run(importInventory(config({ maxBytes, runId: 'again' }))(deps));
      assert.equal(
        again.files.map((f) => [
          f.outcome,
          f.errorAs !== undefined && /^inventory-20261122T010000Z\.[0-9a-f]{8}\.csv$/.test(f.errorAs),
        ]),
        [['held-back', true]],
      );
      assert.is(downloads.length, 1);
    } finally {
      await inbox.close();
    }
  },
);

bySize('on a local inbox: held back without a fetch', async () => {
  const big = 'inventory-20261122T010000Z.csv';
  const s = await scenario(memoryInventoryStore(), [[big, BIG]]);
  const fetched: string[] = [];
  const deps: ImportDeps = {
    ...s.deps,
    fetch: (folder, name) => {
      fetched.push(name);
      return s.deps.fetch(folder, name);
    },
  };
  try {
    const report = await run(importInventory(config({ maxBytes: 100 }))(deps));
    assert.equal([report.files[0]!.outcome, fetched], ['held-back', []]);
    assert.equal(s.folder('error'), [big, `${big}.errors.csv`]);
  } finally {
    s.dispose();
  }
});

bySize.run();
