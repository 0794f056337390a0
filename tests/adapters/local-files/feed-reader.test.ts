import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { localFeedReader } from '../../../src/adapters/local-files/feed-reader.ts';
import { localFileStore } from '../../../src/adapters/local-files/local-file-store.ts';
import type { LocalCopy } from '../../../src/application/file-store.ts';
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

reader('reads the whole text of a local copy as UTF-8, line breaks and all', async () => {
  const text = '{"format":"oms-inventory-sync/feed@1"}\n{"productId":"Größe-✓"}\n';
  writeFileSync(join(dir, 'feed.jsonl'), text);
  assert.is(await run(localFeedReader().readFeedText(copyOf(join(dir, 'feed.jsonl')))), text);
});

reader('reads the copy a file store hands out', async () => {
  writeFileSync(join(dir, 'feed.jsonl'), 'line\n');
  const copy = await run(localFileStore({ root: dir }).fetch('', 'feed.jsonl'));
  assert.is(await run(localFeedReader().readFeedText(copy)), 'line\n');
  await copy.release();
});

reader('a copy that is gone is FileStoreFailed, not retriable, naming the path and the operation', async () => {
  const path = join(dir, 'gone.jsonl');
  const error = await runLeft(localFeedReader().readFeedText(copyOf(path)));
  assert.equal(
    { ...error, reason: 'reason', cause: undefined },
    {
      _tag: 'FileStoreFailed',
      store: 'local',
      operation: 'readFeedText',
      path,
      reason: 'reason',
      retriable: false,
      cause: undefined,
    },
  );
  assert.match((error as { reason: string }).reason, /ENOENT/);
});

reader('a folder in place of the copy is an error too, never a rejection', async () => {
  const error = await runLeft(localFeedReader().readFeedText(copyOf(dir)));
  assert.is(error._tag, 'FileStoreFailed');
});

reader('reads nothing until the task runs', async () => {
  const path = join(dir, 'later.jsonl');
  const task = localFeedReader().readFeedText(copyOf(path));
  writeFileSync(path, 'written after the task was built');
  assert.is(await run(task), 'written after the task was built');
});

reader.run();
