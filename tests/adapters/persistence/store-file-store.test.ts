// The store's file store (the feeds' outbox in the database), on PostgreSQL and SQLite: the FileStore semantics the
// outbox needs (list, fetch, move, write), streamed writes, atomic replacement, and refusals.
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { openStore, type SqlStore } from '../../../src/adapters/persistence/store.ts';
import type { TaskEither } from 'fp-ts/lib/TaskEither.js';
import type { FileStore, FileStoreError } from '../../../src/application/file-store.ts';
import { run, runLeft } from '../../support/run.ts';
import { FRESH_DATABASES, type FreshDatabase } from '../../support/stores.ts';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

for (const [name, fresh] of FRESH_DATABASES) {
  const test = suite(`storeFileStore (${name})`);
  let database: FreshDatabase;
  let store: SqlStore;
  let files: FileStore;
  let temp = '';
  test.before(async () => {
    database = await fresh();
    store = await openStore(database.location);
    await store.migrate();
  });
  test.after(async () => {
    await store.close();
    await database.drop();
  });
  test.before.each(() => {
    temp = mkdtempSync(join(tmpdir(), 'oms-inventory-sync-store-files-'));
    files = store.fileStore({ tempDir: temp });
  });
  test.after.each(() => rmSync(temp, { recursive: true, force: true }));

  const read = async (folder: string, file: string) => {
    const copy = await run(files.fetch(folder, file));
    const text = readFileSync(copy.path, 'utf8');
    await copy.release();
    return { text, copy };
  };

  test('write then list and fetch: the same bytes, size and SHA-256, in a local copy that release deletes', async () => {
    const text = '{"format":"oms-inventory-sync/feed@1"}\n{"productId":"Größe-✓"}\n';
    await run(files.write('', 'a.jsonl', text));
    const listed = await run(files.list(''));
    assert.equal(
      listed.map((f) => [f.name, f.size]),
      [['a.jsonl', Buffer.byteLength(text)]],
    );
    assert.ok(listed[0]!.modifiedAt.getTime() > Date.now() - 60_000);
    const { text: back, copy } = await read('', 'a.jsonl');
    assert.is(back, text);
    assert.equal([copy.bytes, copy.sha256], [Buffer.byteLength(text), sha256(text)]);
    assert.not.ok(existsSync(copy.path), 'released');
    assert.equal(await run(files.list('archive')), [], 'other folders are empty');
    await run(files.move('', 'archive', 'a.jsonl'));
  });

  test('a write given in pieces is streamed into several rows and read back whole, in order', async () => {
    const line = (i: number) => `{"productId":"P${i}","quantity":${i}}\n`;
    async function* lines() {
      for (let i = 0; i < 40_000; i++) yield line(i);
    }
    await run(files.write('', 'big.jsonl', lines()));
    let expected = '';
    for (let i = 0; i < 40_000; i++) expected += line(i);
    const { text, copy } = await read('', 'big.jsonl');
    assert.ok(expected.length > 3 * 256 * 1024, 'more than three pieces');
    assert.is(text, expected);
    assert.is(copy.sha256, sha256(expected));
    await run(files.move('', 'archive', 'big.jsonl'));
  });

  test('write replaces a file of the same name; a failure while the pieces are made leaves the old one', async () => {
    await run(files.write('', 'r.jsonl', 'old\n'));
    await run(files.write('', 'r.jsonl', 'new\n'));
    assert.is((await read('', 'r.jsonl')).text, 'new\n');
    async function* failing() {
      yield 'half';
      throw new Error('the producer failed');
    }
    const error = await runLeft(files.write('', 'r.jsonl', failing()));
    assert.is(error._tag, 'FileStoreUnavailable');
    assert.is((await read('', 'r.jsonl')).text, 'new\n');
    await runLeft(files.write('', 'other.jsonl', failing()));
    assert.equal(
      (await run(files.list(''))).map((f) => f.name),
      ['r.jsonl'],
      'nothing left under the name of a failed write',
    );
    await run(files.move('', 'archive', 'r.jsonl'));
  });

  test('a file being written is not listed until the write ends', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    async function* slow() {
      yield 'first\n';
      await gate;
      yield 'second\n';
    }
    const writing = files.write('', 'slow.jsonl', slow())();
    await new Promise((r) => setTimeout(r, 50));
    // SQLite's one connection is the writer's until it ends: the listing waits for it instead.
    if (name === 'PostgreSQL') assert.equal(await run(files.list('')), []);
    release();
    assert.ok((await writing)._tag === 'Right');
    assert.is((await read('', 'slow.jsonl')).text, 'first\nsecond\n');
    await run(files.move('', 'archive', 'slow.jsonl'));
  });

  test('move goes to another folder (replacing a file there), under another name, or fails FileNotFound', async () => {
    await run(files.write('', 'm.jsonl', 'one\n'));
    await run(files.write('archive', 'm.jsonl', 'older\n'));
    await run(files.move('', 'archive', 'm.jsonl'));
    assert.equal(await run(files.list('')), []);
    assert.is((await read('archive', 'm.jsonl')).text, 'one\n');
    await run(files.move('archive', 'error', 'm.jsonl', 'm-2.jsonl'));
    assert.equal(
      (await run(files.list('error'))).map((f) => f.name),
      ['m-2.jsonl'],
    );
    const missing = await runLeft(files.move('', 'archive', 'm.jsonl'));
    assert.equal(missing, { _tag: 'FileNotFound', store: 'store-outbox', path: 'm.jsonl', retriable: false });
    assert.is((await runLeft(files.fetch('', 'gone.jsonl')))._tag, 'FileNotFound');
    assert.equal(readdirSync(temp), [], 'no copy left by a failed fetch');
  });

  test('two moves of one file race: one wins, the other is FileNotFound; the file is in one folder once', async () => {
    await run(files.write('', 'race.jsonl', 'x\n'));
    const [a, b] = await Promise.all([
      files.move('', 'archive', 'race.jsonl')(),
      store.fileStore({ tempDir: temp }).move('', 'error', 'race.jsonl')(),
    ]);
    assert.equal([a._tag, b._tag].sort(), ['Left', 'Right']);
    const where = [...(await run(files.list('archive'))), ...(await run(files.list('error')))].filter(
      (f) => f.name === 'race.jsonl',
    );
    assert.is(where.length, 1);
  });

  test('unsafe names and folders are refused with UnsafeFileName', async () => {
    const tasks: ReadonlyArray<TaskEither<FileStoreError, unknown>> = [
      files.write('', '../x', 'a'),
      files.write('../up', 'x', 'a'),
      files.fetch('', 'a/b'),
      files.move('', 'archive', 'a', '..'),
      files.list('/abs'),
    ];
    for (const task of tasks) assert.is((await runLeft(task))._tag, 'UnsafeFileName');
  });

  test.run();
}
