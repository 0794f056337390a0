// The SFTP file store against a real OpenSSH sshd (tests/support/sshd.ts): the FileStore contract, then what only SFTP
// has: the pinned host key, credentials kept out of errors, one reused connection, and a connection dropped mid-download.
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  hostKeyFingerprint,
  ssh2SftpClient,
  sftpFileStore,
  type SftpClient,
} from '../../../src/adapters/sftp/sftp-file-store.ts';
import { droppingSftpClient } from '../../support/dropping-sftp-client.ts';
import { run, runLeft } from '../../support/run.ts';
import { startSshd, type SshServer } from '../../support/sshd.ts';
import { fileStoreContract } from '../file-store.contract.ts';

const sha256 = (bytes: Buffer | string) => createHash('sha256').update(bytes).digest('hex');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// What a test changes about a store; everything else logs in to `server` with its client key.
interface Overrides {
  readonly port?: number;
  readonly password?: string;
  readonly hostKeySha256?: string;
  readonly createClient?: () => SftpClient;
}

// A store on a fresh folder of the server, with its own temp dir, and a check that no downloaded copy outlives a test.
const openStore = (server: SshServer, overrides: Overrides = {}) => {
  const root = mkdtempSync(join(server.root, 'store-'));
  const tempDir = mkdtempSync(join(tmpdir(), 'oms-inventory-sync-sftp-copies-'));
  const store = sftpFileStore({
    host: server.host,
    port: overrides.port ?? server.port,
    username: server.username,
    ...(overrides.password === undefined ? { privateKey: server.privateKey } : { password: overrides.password }),
    hostKeySha256: overrides.hostKeySha256 ?? server.hostKeySha256,
    remoteRoot: root,
    tempDir,
    ...(overrides.createClient === undefined ? {} : { createClient: overrides.createClient }),
  });
  return {
    store,
    root,
    tempDir,
    teardown: async () => {
      await store.close();
      const left = readdirSync(tempDir);
      rmSync(tempDir, { recursive: true, force: true });
      rmSync(root, { recursive: true, force: true });
      assert.equal(left, [], 'every downloaded copy was removed');
    },
  };
};

let contractServer: SshServer;
fileStoreContract('SFTP (OpenSSH sshd)', async () => openStore(contractServer), {
  before: async () => {
    contractServer = await startSshd();
  },
  after: async () => {
    await contractServer.stop();
  },
});

const test = suite('sftpFileStore');
let server: SshServer;
let opened: Array<{ teardown: () => Promise<void> }> = [];
const open = (overrides: Overrides = {}) => {
  const subject = openStore(server, overrides);
  opened.push(subject);
  return subject;
};
test.before(async () => {
  server = await startSshd();
});
test.after(async () => {
  await server.stop();
});
test.after.each(async () => {
  const subjects = opened;
  opened = [];
  for (const subject of subjects) await subject.teardown();
});

test('hostKeyFingerprint of the raw host key is what ssh-keygen -lf prints', () => {
  const blob = Buffer.from(server.hostPublicKey.split(' ')[1]!, 'base64');
  assert.match(server.hostKeySha256, /^SHA256:[A-Za-z0-9+/]{43}$/);
  assert.is(hostKeyFingerprint(blob), server.hostKeySha256);
});

test('a server with another host key is refused with HostKeyMismatch, and no secret is in the error', async () => {
  const pinned = hostKeyFingerprint(Buffer.from('some other key'));
  const { store } = open({ hostKeySha256: pinned });
  const error = await runLeft(store.list(''));
  assert.equal(error, {
    _tag: 'HostKeyMismatch',
    store: error.store,
    expected: pinned,
    actual: server.hostKeySha256,
    retriable: false,
  });
  const keyBody = server.privateKey.split('\n')[1]!;
  for (const text of [JSON.stringify(error), String(error), error.store]) {
    assert.not.ok(text.includes(keyBody), 'the private key is not in the error');
    assert.not.ok(text.includes('PRIVATE KEY'), 'the private key is not in the error');
  }
  const password = 'correct-horse-battery-staple';
  const withPassword = open({ hostKeySha256: pinned, password });
  const second = await runLeft(withPassword.store.list(''));
  assert.is(second._tag, 'HostKeyMismatch');
  assert.not.ok(JSON.stringify(second).includes(password));
});

test('a failed login is a non-retriable FileStoreFailed without the password', async () => {
  const password = 'wrong-password-never-shown';
  const { store } = open({ password });
  const error = await runLeft(store.list(''));
  assert.equal([error._tag, error.retriable], ['FileStoreFailed', false]);
  assert.not.ok(JSON.stringify(error, (k, v) => (k === 'cause' ? String(v) : v)).includes(password));
});

test('a pinned fingerprint that is not one is refused before connecting', async () => {
  let clients = 0;
  const { store } = open({
    hostKeySha256: 'insecure-accept-any',
    createClient: () => {
      clients += 1;
      return ssh2SftpClient();
    },
  });
  const error = await runLeft(store.list(''));
  assert.equal([error._tag, error.retriable], ['FileStoreFailed', false]);
  assert.is(clients, 0);
});

test('a server that is not there is a retriable FileStoreUnavailable', async () => {
  const { store } = open({ port: 1 });
  const error = await runLeft(store.list(''));
  assert.equal([error._tag, error.retriable], ['FileStoreUnavailable', true]);
});

test('one connection serves every call until close; a connection dropped while idle is replaced', async () => {
  let clients = 0;
  const { store, root } = open({
    createClient: () => {
      clients += 1;
      return ssh2SftpClient();
    },
  });
  writeFileSync(join(root, 'a.csv'), 'a');
  await run(store.list(''));
  const copy = await run(store.fetch('', 'a.csv'));
  await copy.release();
  await run(store.write('error', 'a.csv.errors.csv', 'report'));
  await run(store.move('', 'archive', 'a.csv'));
  assert.is(clients, 1, 'one connection for four calls');
  await store.close();
  assert.equal(
    (await run(store.list('archive'))).map((f) => f.name),
    ['a.csv'],
  );
  assert.is(clients, 2, 'a call after close connects again');
  await server.dropConnections();
  await sleep(200);
  assert.equal(
    (await run(store.list('error'))).map((f) => f.name),
    ['a.csv.errors.csv'],
  );
  assert.is(clients, 3, 'a dropped connection is replaced');
});

test('a connection dropped mid-download is retriable, leaves no temp file, and the next fetch succeeds', async () => {
  // The real client, dropping the server's sessions once 8 MB have arrived.
  const { createClient, droppedAfter } = droppingSftpClient(server, 8 * 1024 * 1024);
  const { store, root, tempDir } = open({ createClient });
  const content = randomBytes(50 * 1024 * 1024);
  writeFileSync(join(root, 'big.csv'), content);

  const error = await runLeft(store.fetch('', 'big.csv'));
  assert.ok(droppedAfter() > 0 && droppedAfter() < content.length, 'the connection dropped mid-transfer');
  assert.is(error.retriable, true);
  assert.is(error._tag, 'FileStoreUnavailable');
  assert.equal(readdirSync(tempDir), [], 'the partial download is gone');

  const copy = await run(store.fetch('', 'big.csv'));
  assert.equal([copy.bytes, copy.sha256], [content.length, sha256(content)]);
  assert.equal(readdirSync(tempDir).length, 1);
  await copy.release();
  assert.equal(readdirSync(tempDir), []);
});

test('release deletes the downloaded copy', async () => {
  const { store, root, tempDir } = open();
  writeFileSync(join(root, 'a.csv'), 'a');
  const copy = await run(store.fetch('', 'a.csv'));
  assert.ok(copy.path.startsWith(tempDir));
  assert.equal(readdirSync(tempDir).length, 1);
  await copy.release();
  assert.equal(readdirSync(tempDir), []);
});

test.run();
