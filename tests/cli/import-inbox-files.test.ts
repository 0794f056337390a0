// The real command line against PostgreSQL, on a local folder inbox and on the test sshd: a server file name of 250
// bytes is imported (no local name passes 255 bytes), a symlinked .csv and a name with a backslash are reported, a
// symlinked error/ is refused with its path (nothing written through it; on SFTP no `mkdir ... already exists`), and
// the temp copies a killed run left are removed at the start of the next.
import { spawn, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { openStore } from '../../src/adapters/persistence/store.ts';
import { stockLevelsOf } from '../../src/application/columnar.ts';
import { freshPostgresDatabase } from '../support/postgres.ts';
import { run } from '../support/run.ts';
import { startSshd, type SshServer } from '../support/sshd.ts';

const main = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));

// The command, run to its end; spawn (not spawnSync) so that the sshd of this process keeps serving meanwhile.
const cli = (env: Record<string, string>, ...args: string[]) =>
  new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn('node', [main, ...args], { env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString('utf8');
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString('utf8');
    });
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });

const HEADER = 'Item,externalFacilityId,availableQty,idValue';
const csv = (...rows: string[]) => `${[HEADER, ...rows].join('\n')}\n`;
// 250 bytes: with the 36 bytes of a download's temp prefix, or `.errors.csv`, a name past the file system's 255.
const LONG = `inventory-20261122T010000Z-${'x'.repeat(219)}.csv`;
const LATER = 'inventory-20261122T020000Z.csv';
const deadPid = (): number => spawnSync(process.execPath, ['-e', '0']).pid!;

interface FileReport {
  readonly name: string;
  readonly outcome: string;
  readonly rejected: number;
  readonly heldBackBecause?: string;
}

const test = suite('oms-inventory-sync import: odd names and links, PostgreSQL');
let server: SshServer;
let database: { url: string; drop: () => Promise<void> };
let dir: string;

test.before(async () => {
  server = await startSshd();
});
test.after(async () => {
  await server.stop();
});
test.before.each(async () => {
  database = await freshPostgresDatabase();
  const store = await openStore({ postgresUrl: database.url });
  try {
    await store.migrate();
    await run(store.saveFacilities([{ facilityId: 'WH', externalId: '101' }]));
    await run(
      store.saveProducts([
        { productId: 'P1', externalId: '9001' },
        { productId: 'P2', externalId: '9002' },
      ]),
    );
  } finally {
    await store.close();
  }
  dir = mkdtempSync(join(tmpdir(), 'oms-inventory-sync-cli-inbox-files-'));
});
test.after.each(async () => {
  rmSync(dir, { recursive: true, force: true });
  await database.drop();
});

const stock = async (): Promise<string[]> => {
  const store = await openStore({ postgresUrl: database.url });
  try {
    return stockLevelsOf(await run(store.stockLevels()))
      .map((l) => `${l.productId}@${l.facilityId}=${l.availableToPromise}`)
      .sort();
  } finally {
    await store.close();
  }
};

const localConfig = (root: string) => {
  const file = join(dir, 'config.json');
  writeFileSync(
    file,
    JSON.stringify({ inventoryStore: { postgres: {} }, inbox: { local: { root } }, import: { settleMs: 0 } }),
  );
  return file;
};

const sftpConfig = (remoteRoot: string, tempDir: string, importSettings: Record<string, unknown> = {}) => {
  const file = join(dir, 'config.json');
  writeFileSync(
    file,
    JSON.stringify({
      inventoryStore: { postgres: {} },
      inbox: {
        sftp: {
          host: server.host,
          port: server.port,
          username: server.username,
          remoteRoot,
          hostKeySha256: server.hostKeySha256,
          tempDir,
        },
      },
      import: { settleMs: 0, ...importSettings },
    }),
  );
  return file;
};

const env = () => ({ DATABASE_URL: database.url, SFTP_PRIVATE_KEY: server.privateKey });

test('local inbox: a 250-byte name imports; a symlinked .csv and a backslash name are reported (exit 3)', async () => {
  const inbox = join(dir, 'inbox');
  mkdirSync(inbox);
  writeFileSync(join(inbox, LONG), csv('A,101,5,9001', 'B,101,1,9999'));
  writeFileSync(join(inbox, LATER), csv('C,101,7,9002'));
  writeFileSync(join(dir, 'elsewhere.csv'), csv('D,101,1000,9001'));
  symlinkSync(join(dir, 'elsewhere.csv'), join(inbox, 'linked.csv'));
  writeFileSync(join(inbox, 'back\\slash.csv'), csv('E,101,1000,9001'));
  // A hidden temp report a killed run left (its process is gone).
  mkdirSync(join(inbox, 'error'));
  writeFileSync(join(inbox, 'error', `.x.csv.errors.csv.p${deadPid()}-0123456789ab.part`), 'half');
  const { status, stdout, stderr } = await cli(env(), 'import', '--config', localConfig(inbox), '--json');
  assert.is(status, 3, stderr);
  const files = (JSON.parse(stdout) as { files: FileReport[] }).files;
  assert.equal(
    files.slice(0, 2).map((f) => [f.name, f.outcome]),
    [
      [LONG, 'applied'],
      [LATER, 'applied'],
    ],
  );
  assert.equal(
    files
      .slice(2)
      .map((f) => [f.name, f.outcome])
      .sort(),
    [
      ['back\\slash.csv', 'passed-over'],
      ['linked.csv', 'passed-over'],
    ],
  );
  assert.equal(await stock(), ['P1@WH=5', 'P2@WH=7']);
  assert.equal(readdirSync(join(inbox, 'archive')).sort(), [LATER, LONG].sort());
  const errors = readdirSync(join(inbox, 'error'));
  assert.is(errors.length, 1, 'the rejected-rows report, and no leftover temp file');
  assert.ok(Buffer.byteLength(errors[0]!) <= 255, errors[0]);
  assert.match(readFileSync(join(inbox, 'error', errors[0]!), 'utf8'), /unknown item/);
  // The text report prints each name on its own line, passed-over files with their reason.
  const text = await cli(env(), 'import', '--config', localConfig(inbox));
  assert.is(text.status, 3);
  assert.match(text.stdout, /linked\.csv: passed-over \(a symbolic link: links are never followed/);
});

test('local inbox: a symlinked error/ is refused with its path; nothing is written through it', async () => {
  const inbox = join(dir, 'inbox');
  const target = join(dir, 'target');
  mkdirSync(inbox);
  mkdirSync(target);
  writeFileSync(join(inbox, LATER), csv('C,101,7,9002', 'B,101,1,9999'));
  symlinkSync(target, join(inbox, 'error'));
  const { status, stderr } = await cli(env(), 'import', '--config', localConfig(inbox));
  assert.is(status, 2, stderr); // a linked folder is for a person to fix: exit 2
  assert.ok(stderr.includes(join(inbox, 'error')), stderr);
  assert.match(stderr, /symbolic link where a folder should be/);
  assert.equal(readdirSync(target), []);
  assert.ok(existsSync(join(inbox, LATER)), 'the file waits for error/ to be fixed');
});

test('SFTP inbox: a 250-byte name imports, and the temp copies a killed run left are removed first', async () => {
  const remote = mkdtempSync(join(server.root, 'inbox-'));
  const tempDir = join(dir, 'copies');
  mkdirSync(tempDir);
  writeFileSync(join(remote, LONG), csv('A,101,5,9001', 'B,101,1,9999'));
  writeFileSync(join(remote, LATER), csv('C,101,7,9002'));
  const leftover = `oms-inventory-sync-p${deadPid()}-0123456789abcdef-${LATER}`;
  writeFileSync(join(tempDir, leftover), 'a half download');
  const old = new Date(Date.now() - 60_000);
  utimesSync(join(tempDir, leftover), old, old);
  symlinkSync('/etc/hostname', join(remote, 'linked.csv'));
  const { status, stdout, stderr } = await cli(env(), 'import', '--config', sftpConfig(remote, tempDir), '--json');
  assert.is(status, 3, stderr);
  const files = (JSON.parse(stdout) as { files: FileReport[] }).files;
  assert.equal(
    files.map((f) => [f.name, f.outcome]),
    [
      [LONG, 'applied'],
      [LATER, 'applied'],
      ['linked.csv', 'passed-over'],
    ],
  );
  assert.equal(await stock(), ['P1@WH=5', 'P2@WH=7']);
  assert.equal(readdirSync(tempDir), [], 'the leftover copy is gone and no copy of this run stayed');
  assert.equal(readdirSync(join(remote, 'archive')).sort(), [LATER, LONG].sort());
  assert.ok(readdirSync(join(remote, 'error')).every((n) => Buffer.byteLength(n) <= 255));
});

test('SFTP inbox: a file over maxBytes by its listing is set aside undownloaded; the file after it imports', async () => {
  const remote = mkdtempSync(join(server.root, 'inbox-'));
  const tempDir = join(dir, 'copies');
  mkdirSync(tempDir);
  const big = 'inventory-20261122T010000Z.csv';
  // 64 KiB of rows against a 4 KiB limit; the later, small file still imports in the same run.
  writeFileSync(join(remote, big), csv(...Array.from({ length: 3_000 }, (_, i) => `A,101,${i},9001`)));
  writeFileSync(join(remote, LATER), csv('C,101,7,9002'));
  const config = sftpConfig(remote, tempDir, { maxBytes: 4_096 });
  const { status, stdout, stderr } = await cli(env(), 'import', '--config', config, '--json');
  assert.is(status, 3, stderr);
  const files = (JSON.parse(stdout) as { files: FileReport[] }).files;
  assert.equal(
    files.map((f) => [f.name, f.outcome]),
    [
      [big, 'held-back'],
      [LATER, 'applied'],
    ],
  );
  assert.equal(await stock(), ['P2@WH=7']);
  assert.equal(readdirSync(tempDir), [], 'no copy of the big file was made');
  assert.ok(readdirSync(join(remote, 'error')).includes(big), 'the big file is in error/');
  assert.equal(readdirSync(join(remote, 'archive')), [LATER]);
});

test('SFTP inbox: a symlinked error/ is a clear error naming its path, not "mkdir ... already exists"', async () => {
  const remote = mkdtempSync(join(server.root, 'inbox-'));
  const target = mkdtempSync(join(server.root, 'target-'));
  writeFileSync(join(remote, LATER), csv('C,101,7,9002', 'B,101,1,9999'));
  symlinkSync(target, join(remote, 'error'));
  const { status, stderr } = await cli(env(), 'import', '--config', sftpConfig(remote, join(dir, 'copies')));
  assert.is(status, 2, stderr); // a linked folder is for a person to fix: exit 2
  assert.ok(stderr.includes(join(remote, 'error')), stderr);
  assert.match(stderr, /symbolic link where a folder should be/);
  assert.not.match(stderr, /already exists/);
  assert.equal(readdirSync(target), []);
  assert.ok(existsSync(join(remote, LATER)));
});

test.run();
