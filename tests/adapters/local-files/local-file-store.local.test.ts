// What the local file store does beyond the FileStore contract (tests/adapters/file-store.contract.ts, run by
// local-file-store.test.ts): it hands out the file itself, resolves its root, and cleans up after a failed write.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { localFileStore } from '../../../src/adapters/local-files/local-file-store.ts';
import { run, runLeft } from '../../support/run.ts';

const local = suite('localFileStore: the local disk');
let root = '';
local.before.each(() => {
  root = mkdtempSync(join(tmpdir(), 'oms-inventory-sync-local-only-'));
});
local.after.each(() => rmSync(root, { recursive: true, force: true }));

local('fetch hands out the file itself, hashed; its release leaves the file where it is', async () => {
  writeFileSync(join(root, 'inventory-1.csv'), 'a,b\n1,2\n');
  const copy = await run(localFileStore({ root }).fetch('', 'inventory-1.csv'));
  assert.equal([copy.name, copy.path, copy.bytes], ['inventory-1.csv', join(root, 'inventory-1.csv'), 8]);
  assert.is(copy.sha256, createHash('sha256').update('a,b\n1,2\n').digest('hex'));
  await copy.release();
  assert.ok(existsSync(join(root, 'inventory-1.csv')));
});

local(
  'a relative root resolves against the working directory; errors name the store by its absolute root',
  async () => {
    writeFileSync(join(root, 'a.csv'), 'x');
    const store = localFileStore({ root: relative(process.cwd(), root) });
    assert.equal(
      (await run(store.list(''))).map((f) => f.name),
      ['a.csv'],
    );
    const missing = await runLeft(store.fetch('', 'nope.csv'));
    assert.equal(missing, {
      _tag: 'FileNotFound',
      store: `local-files:${root}`,
      path: join(root, 'nope.csv'),
      retriable: false,
    });
  },
);

local('a write that fails leaves no temporary file behind and is not retriable', async () => {
  mkdirSync(join(root, 'feed.jsonl'));
  writeFileSync(join(root, 'feed.jsonl', 'inside'), 'x');
  const error = await runLeft(localFileStore({ root }).write('', 'feed.jsonl', '{"format":"x"}\n'));
  assert.is(error._tag, 'FileStoreFailed');
  assert.equal(
    [(error as { operation: string }).operation, error.retriable, (error as { path: string }).path],
    ['write', false, join(root, 'feed.jsonl')],
  );
  assert.equal(readdirSync(root), ['feed.jsonl'], 'no .feed.jsonl.*.part left');
});

local('write leaves no temporary file after success either', async () => {
  const store = localFileStore({ root });
  await run(store.write('outbox', 'a.jsonl', 'one\n'));
  await run(store.write('outbox', 'a.jsonl', 'two\n'));
  assert.equal(readdirSync(join(root, 'outbox')), ['a.jsonl']);
});

local('a move into a folder that is a file fails as FileStoreFailed and keeps the file', async () => {
  writeFileSync(join(root, 'a.csv'), 'x');
  writeFileSync(join(root, 'archive'), 'not a folder');
  const error = await runLeft(localFileStore({ root }).move('', 'archive', 'a.csv'));
  assert.equal([error._tag, (error as { operation: string }).operation], ['FileStoreFailed', 'move']);
  assert.ok(existsSync(join(root, 'a.csv')));
});

local('a root that does not exist: list is FileNotFound, write creates the folders it needs', async () => {
  const store = localFileStore({ root: join(root, 'not', 'yet') });
  assert.is((await runLeft(store.list('')))._tag, 'FileNotFound');
  await run(store.write('', 'a.txt', 'x'));
  assert.equal(readdirSync(join(root, 'not', 'yet')), ['a.txt']);
});

local.run();
