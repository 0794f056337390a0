import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { lineCursorOf, localLineReader } from '../../../src/adapters/local-files/line-reader.ts';
import type { LineCursor, TextLine } from '../../../src/application/line-reader.ts';
import { run, runLeft } from '../../support/run.ts';

const WHERE = { store: 'test', path: 'test' };

// A stream of the bytes in chunks of `size`, counting how many chunks were pulled.
const chunked = (bytes: Buffer, size: number) => {
  const pulled = { chunks: 0 };
  async function* chunks() {
    for (let i = 0; i < bytes.length; i += size) {
      pulled.chunks++;
      yield bytes.subarray(i, i + size);
    }
  }
  return { chunks: chunks(), pulled };
};

const all = async (cursor: LineCursor, count = 2): Promise<TextLine[]> => {
  const out: TextLine[] = [];
  for (;;) {
    const lines = await run(cursor.next(count));
    if (lines.length === 0) return out;
    out.push(...lines);
  }
};

const test = suite('lineCursorOf');

test('splits at \\n across chunk boundaries, drops \\r and a leading BOM, keeps blank lines, ends without a break', async () => {
  const bytes = Buffer.from('\uFEFFfirst\r\nsecond é line\n\n\uFEFFlast', 'utf8');
  for (const size of [1, 2, 3, 7, 1024]) {
    const { chunks } = chunked(bytes, size);
    assert.equal(await all(lineCursorOf(chunks, 100, WHERE)), [
      { line: 1, text: 'first' },
      { line: 2, text: 'second é line' },
      { line: 3, text: '' },
      { line: 4, text: '\uFEFFlast' },
    ]);
  }
});

test('a final line break is no further line; an empty stream has none', async () => {
  assert.equal(await all(lineCursorOf(chunked(Buffer.from('a\nb\n'), 3).chunks, 10, WHERE)), [
    { line: 1, text: 'a' },
    { line: 2, text: 'b' },
  ]);
  assert.equal(await all(lineCursorOf(chunked(Buffer.alloc(0), 3).chunks, 10, WHERE)), []);
});

test('a line over the limit is answered as too long with its length, never held; the next lines go on', async () => {
  const bytes = Buffer.from(`ok\n${'x'.repeat(5_000)}\nfine\n${'y'.repeat(11)}`);
  const lines = await all(lineCursorOf(chunked(bytes, 64).chunks, 10, WHERE));
  assert.equal(lines, [
    { line: 1, text: 'ok' },
    { line: 2, unreadable: 'too-long', bytes: 5_000 },
    { line: 3, text: 'fine' },
    { line: 4, unreadable: 'too-long', bytes: 11 },
  ]);
});

test('a line that is not UTF-8 is answered as such; a character split across chunks is not', async () => {
  const bytes = Buffer.concat([Buffer.from('ü\n'), Buffer.from([0xc3, 0x28, 0x0a]), Buffer.from('ok')]);
  assert.equal(await all(lineCursorOf(chunked(bytes, 1).chunks, 10, WHERE)), [
    { line: 1, text: 'ü' },
    { line: 2, unreadable: 'not-utf8', bytes: 2 },
    { line: 3, text: 'ok' },
  ]);
});

test('reads only as far as the lines asked for', async () => {
  const { chunks, pulled } = chunked(Buffer.from('a\nb\nc\nd\ne\nf\n'), 2);
  const cursor = lineCursorOf(chunks, 10, WHERE);
  assert.equal(await run(cursor.next(2)), [
    { line: 1, text: 'a' },
    { line: 2, text: 'b' },
  ]);
  assert.is(pulled.chunks, 2);
  await cursor.close();
  assert.equal(await run(cursor.next(2)), [], 'a closed cursor answers no more lines');
});

test('a stream that fails is a FileStoreFailed naming the source', async () => {
  async function* failing() {
    yield Buffer.from('a\n');
    throw new Error('disk gone');
  }
  const cursor = lineCursorOf(failing(), 10, WHERE);
  const error = await runLeft(cursor.next(5));
  assert.equal([error._tag, error._tag === 'FileStoreFailed' ? error.reason : ''], ['FileStoreFailed', 'disk gone']);
});

const local = suite('localLineReader');

local('reads a local copy line by line', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'oms-inventory-sync-lines-'));
  try {
    const path = join(dir, 'feed.jsonl');
    writeFileSync(path, 'one\r\ntwo\n');
    const cursor = await run(
      localLineReader().readLines(
        { name: 'feed.jsonl', path, bytes: 9, sha256: '', release: async () => undefined },
        { maxLineBytes: 100 },
      ),
    );
    assert.equal(await all(cursor, 1), [
      { line: 1, text: 'one' },
      { line: 2, text: 'two' },
    ]);
    await cursor.close();
    const missing = await run(
      localLineReader().readLines(
        { name: 'x', path: join(dir, 'missing'), bytes: 0, sha256: '', release: async () => undefined },
        { maxLineBytes: 100 },
      ),
    );
    assert.is((await runLeft(missing.next(1)))._tag, 'FileStoreFailed');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
local.run();
