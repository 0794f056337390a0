import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { localFeedReader } from '../../../src/adapters/local-files/feed-reader.ts';
import { localFileStore } from '../../../src/adapters/local-files/local-file-store.ts';
import { FEED_MAX_LINE_BYTES } from '../../../src/application/feed-file.ts';
import type { LocalCopy } from '../../../src/application/file-store.ts';
import type { LineCursor, TextLine } from '../../../src/application/line-reader.ts';
import { run, runLeft } from '../../support/run.ts';

const reader = suite('localFeedReader');
let dir = '';
reader.before.each(() => {
  dir = mkdtempSync(join(tmpdir(), 'oms-inventory-sync-feed-reader-'));
});
reader.after.each(() => rmSync(dir, { recursive: true, force: true }));

const copyOf = (path: string): LocalCopy => ({
  name: 'feed.jsonl',
  path,
  bytes: 0,
  sha256: '',
  release: async () => undefined,
});

const all = async (cursor: LineCursor): Promise<TextLine[]> => {
  const out: TextLine[] = [];
  for (;;) {
    const rows = await run(cursor.next(2));
    if (rows.length === 0) break;
    out.push(...rows);
  }
  await cursor.close();
  return out;
};

reader('reads a local copy line by line as UTF-8, a few lines at a time', async () => {
  const text = '{"format":"oms-inventory-sync/feed@1"}\n{"productId":"Größe-✓"}\n{"x":1}\n';
  writeFileSync(join(dir, 'feed.jsonl'), text);
  const lines = await all(await run(localFeedReader().readFeedLines(copyOf(join(dir, 'feed.jsonl')))));
  assert.equal(lines, [
    { line: 1, text: '{"format":"oms-inventory-sync/feed@1"}' },
    { line: 2, text: '{"productId":"Größe-✓"}' },
    { line: 3, text: '{"x":1}' },
  ]);
});

reader('reads the copy a file store hands out', async () => {
  writeFileSync(join(dir, 'feed.jsonl'), 'line\n');
  const copy = await run(localFileStore({ root: dir }).fetch('', 'feed.jsonl'));
  assert.equal(await all(await run(localFeedReader().readFeedLines(copy))), [{ line: 1, text: 'line' }]);
  await copy.release();
});

reader('a line longer than FEED_MAX_LINE_BYTES is never held: it is answered too-long', async () => {
  writeFileSync(join(dir, 'feed.jsonl'), `${'x'.repeat(FEED_MAX_LINE_BYTES + 1)}\nshort\n`);
  const lines = await all(await run(localFeedReader().readFeedLines(copyOf(join(dir, 'feed.jsonl')))));
  assert.equal(lines, [
    { line: 1, unreadable: 'too-long', bytes: FEED_MAX_LINE_BYTES + 1 },
    { line: 2, text: 'short' },
  ]);
});

reader('a copy that is gone is FileStoreFailed, not retriable, naming the path, never a rejection', async () => {
  const path = join(dir, 'gone.jsonl');
  const cursor = await run(localFeedReader().readFeedLines(copyOf(path)));
  const error = await runLeft(cursor.next(1));
  await cursor.close();
  assert.equal(
    { ...error, reason: 'reason', cause: undefined },
    {
      _tag: 'FileStoreFailed',
      store: 'local',
      operation: 'readLines',
      path,
      reason: 'reason',
      retriable: false,
      cause: undefined,
    },
  );
  assert.match((error as { reason: string }).reason, /ENOENT/);
});

reader('reads nothing until the task runs', async () => {
  const path = join(dir, 'later.jsonl');
  const task = localFeedReader().readFeedLines(copyOf(path));
  writeFileSync(path, 'written after the task was built\n');
  assert.equal(await all(await run(task)), [{ line: 1, text: 'written after the task was built' }]);
});

reader.run();
