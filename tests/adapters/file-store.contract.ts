// The FileStore contract: one suite, run against every adapter (local files, SFTP against a real sshd).
import { createHash, randomBytes } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { basename, dirname, isAbsolute, join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { TaskEither } from 'fp-ts/lib/TaskEither.js';
import type { FileStore, FileStoreError, InboxUpkeep } from '../../src/application/file-store.ts';
import { run, runLeft } from '../support/run.ts';

/** A store under test: `root` is the folder on this machine that holds the store's files, for arranging and checking. */
export interface FileStoreUnderTest {
  readonly store: FileStore & InboxUpkeep;
  readonly root: string;
  readonly teardown: () => Promise<void>;
}

/** Work done once around the suite, such as starting a server. */
export interface ContractHooks {
  readonly before?: () => Promise<void>;
  readonly after?: () => Promise<void>;
}

const sha256 = (bytes: Buffer | string) => createHash('sha256').update(bytes).digest('hex');
const fixedTime = new Date('2026-11-21T10:00:00.000Z');

const put = (root: string, path: string, content: Buffer | string, modifiedAt = fixedTime) => {
  const file = join(root, path);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, content);
  utimesSync(file, modifiedAt, modifiedAt);
  return file;
};

const tagOf = (error: FileStoreError) => error._tag;

/** Registers and runs the contract suite for one adapter; `setup` gives a fresh, empty store for each test. */
export const fileStoreContract = (
  adapter: string,
  setup: () => Promise<FileStoreUnderTest>,
  hooks: ContractHooks = {},
): void => {
  const test = suite(`FileStore contract: ${adapter}`);
  let subject: FileStoreUnderTest;
  if (hooks.before !== undefined) test.before(hooks.before);
  if (hooks.after !== undefined) test.after(hooks.after);
  test.before.each(async () => {
    subject = await setup();
  });
  test.after.each(async () => {
    await subject.teardown();
  });

  test('list gives the regular files of a folder with sizes and times, nothing else', async () => {
    const { store, root } = subject;
    put(root, 'inventory-1.csv', 'a,b\n1,2\n');
    put(root, 'empty.csv', '', new Date('2026-11-20T23:59:59.000Z'));
    put(root, 'archive/old.csv', 'old');
    mkdirSync(join(root, 'error'));
    symlinkSync(join(root, 'inventory-1.csv'), join(root, 'link-inside.csv'));
    symlinkSync('/etc/passwd', join(root, 'link-outside.csv'));
    symlinkSync(join(root, 'archive'), join(root, 'link-to-folder'));
    const files = [...(await run(store.list('')))].sort((a, b) => a.name.localeCompare(b.name));
    assert.equal(
      files.map((f) => ({ name: f.name, size: f.size, modifiedAt: f.modifiedAt.toISOString() })),
      [
        { name: 'empty.csv', size: 0, modifiedAt: '2026-11-20T23:59:59.000Z' },
        { name: 'inventory-1.csv', size: 8, modifiedAt: fixedTime.toISOString() },
      ],
    );
    assert.ok(files.every((f) => f.modifiedAt instanceof Date));
    assert.equal(
      (await run(store.list('archive'))).map((f) => f.name),
      ['old.csv'],
    );
    assert.equal(await run(store.list('error')), []);
  });

  test('list skips names that are not plain file names', async () => {
    const { store, root } = subject;
    put(root, 'good.csv', 'x');
    put(root, 'back\\slash.csv', 'x');
    put(root, '..hidden..csv', 'x');
    assert.equal([...(await run(store.list('')))].map((f) => f.name).sort(), ['..hidden..csv', 'good.csv']);
  });

  test('list of a missing folder is FileNotFound', async () => {
    const error = await runLeft(subject.store.list('no-such-folder'));
    assert.is(error._tag, 'FileNotFound');
    assert.is(error.retriable, false);
  });

  test('fetch gives a local copy of a multi-MB file with its bytes and SHA-256', async () => {
    const { store, root } = subject;
    const content = randomBytes(6 * 1024 * 1024 + 123);
    put(root, 'big.csv', content);
    const copy = await run(store.fetch('', 'big.csv'));
    assert.is(copy.name, 'big.csv');
    assert.is(copy.bytes, content.length);
    assert.is(copy.sha256, sha256(content));
    assert.ok(isAbsolute(copy.path));
    assert.ok(readFileSync(copy.path).equals(content), 'the local copy has the same bytes');
    await copy.release();
    await copy.release(); // releasing twice is harmless
    assert.ok(readFileSync(join(root, 'big.csv')).equals(content), 'the stored file is untouched');
    assert.equal(
      (await run(store.list(''))).map((f) => f.name),
      ['big.csv'],
    );
  });

  test('fetch of an empty file and of a file in a sub-folder', async () => {
    const { store, root } = subject;
    put(root, 'empty.csv', '');
    put(root, 'archive/2026/a.csv', 'ÄÖ,é\n');
    const empty = await run(store.fetch('', 'empty.csv'));
    assert.equal([empty.bytes, empty.sha256], [0, sha256('')]);
    await empty.release();
    const nested = await run(store.fetch('archive/2026', 'a.csv'));
    assert.equal(
      [nested.bytes, nested.sha256, readFileSync(nested.path, 'utf8')],
      [Buffer.byteLength('ÄÖ,é\n'), sha256('ÄÖ,é\n'), 'ÄÖ,é\n'],
    );
    await nested.release();
  });

  test('fetch of a missing file is FileNotFound; a folder or a link is refused', async () => {
    const { store, root } = subject;
    mkdirSync(join(root, 'folder.csv'));
    symlinkSync('/etc/passwd', join(root, 'link.csv'));
    const missing = await runLeft(store.fetch('', 'missing.csv'));
    assert.equal([missing._tag, missing.retriable], ['FileNotFound', false]);
    assert.equal([tagOf(await runLeft(store.fetch('no-such-folder', 'a.csv')))], ['FileNotFound']);
    for (const name of ['folder.csv', 'link.csv']) {
      const refused = await runLeft(store.fetch('', name));
      assert.equal([refused._tag, refused.retriable], ['FileStoreFailed', false], name);
    }
  });

  test('move takes a file into archive/, creating the folder, keeping its bytes', async () => {
    const { store, root } = subject;
    put(root, 'a.csv', 'content of a');
    await run(store.move('', 'archive', 'a.csv'));
    assert.not.ok(existsSync(join(root, 'a.csv')));
    assert.is(readFileSync(join(root, 'archive', 'a.csv'), 'utf8'), 'content of a');
    assert.equal(await run(store.list('')), []);
    assert.equal(
      (await run(store.list('archive'))).map((f) => f.name),
      ['a.csv'],
    );
    put(root, 'error/b.csv', 'b');
    await run(store.move('error', 'archive/2026/11', 'b.csv'));
    assert.is(readFileSync(join(root, 'archive', '2026', '11', 'b.csv'), 'utf8'), 'b');
  });

  test('move replaces a file of the same name in the target folder', async () => {
    const { store, root } = subject;
    put(root, 'archive/a.csv', 'yesterday');
    put(root, 'a.csv', 'today');
    await run(store.move('', 'archive', 'a.csv'));
    assert.is(readFileSync(join(root, 'archive', 'a.csv'), 'utf8'), 'today');
    assert.equal(readdirSync(join(root, 'archive')), ['a.csv']);
    assert.not.ok(existsSync(join(root, 'a.csv')));
  });

  test('move under another name keeps the file already there beside it; an unsafe new name is refused', async () => {
    const { store, root } = subject;
    put(root, 'archive/a.csv', 'yesterday');
    put(root, 'a.csv', 'today');
    await run(store.move('', 'archive', 'a.csv', 'a.0123abcd.csv'));
    assert.is(readFileSync(join(root, 'archive', 'a.csv'), 'utf8'), 'yesterday');
    assert.is(readFileSync(join(root, 'archive', 'a.0123abcd.csv'), 'utf8'), 'today');
    assert.not.ok(existsSync(join(root, 'a.csv')));
    put(root, 'b.csv', 'b');
    assert.is((await runLeft(store.move('', 'archive', 'b.csv', '../b.csv')))._tag, 'UnsafeFileName');
    assert.ok(existsSync(join(root, 'b.csv')));
  });

  test('move of a missing file is FileNotFound and creates nothing', async () => {
    const { store, root } = subject;
    const error = await runLeft(store.move('', 'archive', 'missing.csv'));
    assert.equal([error._tag, error.retriable], ['FileNotFound', false]);
    assert.not.ok(existsSync(join(root, 'archive', 'missing.csv')));
  });

  test('write creates the folder and the file with exactly the content, and replaces an older file', async () => {
    const { store, root } = subject;
    const report = 'file,line,field,reason\nä.csv,2,qty,"not a number: ""x"""\n';
    await run(store.write('error', 'a.csv.errors.csv', report));
    assert.is(readFileSync(join(root, 'error', 'a.csv.errors.csv'), 'utf8'), report);
    await run(store.write('error', 'a.csv.errors.csv', 'second\n'));
    assert.is(readFileSync(join(root, 'error', 'a.csv.errors.csv'), 'utf8'), 'second\n');
    await run(store.write('', 'empty.txt', ''));
    assert.is(readFileSync(join(root, 'empty.txt'), 'utf8'), '');
    assert.equal(readdirSync(join(root, 'error')), ['a.csv.errors.csv'], 'no temp file is left behind');
    assert.equal(
      [...(await run(store.list('')))].map((f) => f.name),
      ['empty.txt'],
    );
  });

  test('write streams content given in pieces; a failure while they are made leaves the old file and no other', async () => {
    const { store, root } = subject;
    let made = 0;
    async function* pieces(fail: boolean): AsyncIterable<string> {
      for (let i = 0; i < 2_000; i++) {
        made++;
        if (fail && i === 1_000) throw new Error('the report could not be made');
        yield `line ${i} é\n`;
      }
    }
    await run(store.write('error', 'report.csv', pieces(false)));
    const whole = Array.from({ length: 2_000 }, (_, i) => `line ${i} é\n`).join('');
    assert.is(readFileSync(join(root, 'error', 'report.csv'), 'utf8'), whole);
    assert.is(made, 2_000);
    const failed = await runLeft(store.write('error', 'report.csv', pieces(true)));
    assert.is(failed._tag, 'FileStoreFailed');
    assert.is(readFileSync(join(root, 'error', 'report.csv'), 'utf8'), whole, 'the old file stands');
    assert.equal(readdirSync(join(root, 'error')), ['report.csv'], 'no temp file left');
  });

  test('write is atomic: a reader sees the old file or the whole new one, never a part', async () => {
    const { store, root } = subject;
    const size = 2 * 1024 * 1024;
    const versions = ['a', 'b', 'c', 'd'].map((c) => c.repeat(size));
    await run(store.write('error', 'big.txt', versions[0]!));
    const file = join(root, 'error', 'big.txt');
    let writing = true;
    let reads = 0;
    const reader = (async () => {
      while (writing) {
        const seen = readFileSync(file, 'utf8');
        assert.ok(
          versions.includes(seen),
          `a reader saw ${seen.length} bytes starting '${seen.slice(0, 1)}' and ending '${seen.slice(-1)}'`,
        );
        reads += 1;
        await new Promise((resolve) => setImmediate(resolve));
      }
    })();
    for (const version of versions.slice(1)) await run(store.write('error', 'big.txt', version));
    writing = false;
    await reader;
    assert.ok(reads > 0);
    assert.is(readFileSync(file, 'utf8'), versions[3]);
    assert.equal(readdirSync(join(root, 'error')), ['big.txt']);
  });

  test('unsafe names and folders are refused with UnsafeFileName, and nothing outside the root is touched', async () => {
    const { store, root } = subject;
    put(root, 'a.csv', 'a');
    const names = ['', '.', '..', 'a/b', '../a.csv', '/etc/passwd', 'a\\b', '..\\a.csv', 'a\0b'];
    const folders = ['..', '../x', '/etc', '/', 'a//b', 'archive/', 'archive/..', 'archive/../..', '.', '\\', 'a\0b'];
    for (const name of names) {
      const tasks: ReadonlyArray<TaskEither<FileStoreError, unknown>> = [
        store.fetch('', name),
        store.move('', 'archive', name),
        store.write('', name, 'x'),
      ];
      for (const task of tasks) {
        const error = await runLeft(task);
        assert.equal([error._tag, error.retriable], ['UnsafeFileName', false], JSON.stringify(name));
        assert.ok(error._tag === 'UnsafeFileName' && error.name === name);
      }
    }
    for (const folder of folders) {
      const tasks: ReadonlyArray<TaskEither<FileStoreError, unknown>> = [
        store.list(folder),
        store.fetch(folder, 'a.csv'),
        store.move(folder, 'archive', 'a.csv'),
        store.move('', folder, 'a.csv'),
        store.write(folder, 'x.csv', 'x'),
      ];
      for (const task of tasks) {
        assert.is(tagOf(await runLeft(task)), 'UnsafeFileName', JSON.stringify(folder));
      }
    }
    assert.equal(readdirSync(root), ['a.csv']);
    assert.not.ok(existsSync(join(dirname(root), 'x.csv')));
  });

  test('a folder below the root that is a link is refused with its path by every call, and nothing goes through it', async () => {
    const { store, root } = subject;
    const outside = `${root}-outside`;
    mkdirSync(outside, { recursive: true });
    try {
      put(root, 'a.csv', 'a');
      put(root, 'archive/old.csv', 'old');
      writeFileSync(join(outside, 'x.csv'), 'outside');
      symlinkSync(outside, join(root, 'error'));
      const tasks: ReadonlyArray<TaskEither<FileStoreError, unknown>> = [
        store.list('error'),
        store.passedOver('error'),
        store.fetch('error', 'x.csv'),
        store.move('', 'error', 'a.csv'),
        store.move('error', 'archive', 'x.csv'),
        store.write('error', 'a.csv.errors.csv', 'report'),
        store.write('error/deeper', 'a.csv.errors.csv', 'report'),
        store.removeLeftovers(['error']),
      ];
      for (const task of tasks) {
        const error = await runLeft(task);
        assert.is(error._tag, 'FileStoreFailed');
        assert.ok(error._tag === 'FileStoreFailed' && error.path.endsWith('/error'), JSON.stringify(error));
        assert.ok(error._tag === 'FileStoreFailed' && /symbolic link/.test(error.reason), error._tag);
        assert.is(error.retriable, false);
      }
      assert.equal(readdirSync(outside), ['x.csv'], 'nothing was written into the folder the link points to');
      assert.ok(existsSync(join(root, 'a.csv')), 'the file stays in the inbox');
      assert.equal(readdirSync(join(root, 'archive')), ['old.csv']);
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });

  test('passedOver names the links and the names with a backslash that list leaves out, not the folders', async () => {
    const { store, root } = subject;
    put(root, 'good.csv', 'x');
    put(root, 'back\\slash.csv', 'x');
    mkdirSync(join(root, 'archive'));
    symlinkSync(join(root, 'good.csv'), join(root, 'link.csv'));
    symlinkSync(join(root, 'archive'), join(root, 'link-to-folder'));
    const passed = [...(await run(store.passedOver('')))].sort((a, b) => a.name.localeCompare(b.name));
    assert.equal(
      passed.map((p) => p.name),
      ['back\\slash.csv', 'link-to-folder', 'link.csv'],
    );
    assert.match(passed[0]!.reason, /backslash/);
    assert.match(passed[1]!.reason, /symbolic link/);
    assert.equal(await run(store.passedOver('archive')), []);
  });

  test('a name of 255 bytes is fetched, moved and written: no derived local name exceeds the limit', async () => {
    const { store, root } = subject;
    const name = `${'é'.repeat(125)}.csv`; // 254 bytes
    put(root, name, 'a,b\n');
    const copy = await run(store.fetch('', name));
    assert.is(readFileSync(copy.path, 'utf8'), 'a,b\n');
    assert.ok(Buffer.byteLength(basename(copy.path)) <= 255, basename(copy.path));
    await copy.release();
    await run(store.write('error', name, 'report'));
    assert.is(readFileSync(join(root, 'error', name), 'utf8'), 'report');
    await run(store.move('', 'archive', name));
    assert.equal(readdirSync(join(root, 'archive')), [name]);
  });

  test('removeLeftovers removes temp files of write that no one owns any more, nothing else', async () => {
    const { store, root } = subject;
    const hourAndMore = new Date(Date.now() - 2 * 60 * 60 * 1000);
    put(root, 'error/.a.csv.errors.csv.0123456789ab.part', 'old', hourAndMore);
    put(root, 'error/.b.csv.errors.csv.0123456789ab.part', 'fresh', new Date());
    put(root, 'error/a.csv.errors.csv', 'report', hourAndMore);
    put(root, 'error/.hidden-by-a-person.part', 'theirs', hourAndMore);
    put(root, '.c.csv.0123456789ab.part', 'in the inbox', hourAndMore);
    const removed = await run(store.removeLeftovers(['error', 'no-such-folder']));
    assert.equal(removed, ['error/.a.csv.errors.csv.0123456789ab.part']);
    assert.equal(readdirSync(join(root, 'error')).sort(), [
      '.b.csv.errors.csv.0123456789ab.part',
      '.hidden-by-a-person.part',
      'a.csv.errors.csv',
    ]);
    assert.ok(existsSync(join(root, '.c.csv.0123456789ab.part')), 'a folder not named is left alone');
  });

  test.run();
};
