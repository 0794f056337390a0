// The event feed import killed (SIGKILL) mid-feed, at several calls, then run again: the state of one clean run, the
// error report included. On SQLite, with the mixed JSON Lines feed in calls of 3 lines.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { localFileStore } from '../../src/adapters/local-files/local-file-store.ts';
import { localLineReader } from '../../src/adapters/local-files/line-reader.ts';
import { localRowSpools } from '../../src/adapters/local-files/row-spool.ts';
import {
  openSqliteInventoryStore,
  type SqliteInventoryStore,
} from '../../src/adapters/persistence/sqlite-inventory-store.ts';
import { defaultImportEventsConfig, importEvents } from '../../src/application/import-events.ts';
import { systemClock } from '../../src/composition/live.ts';
import { MIXED_JSONL, seedFeedWorld } from '../support/event-feeds.ts';
import { run } from '../support/run.ts';

const child = fileURLToPath(new URL('../support/import-events-child.ts', import.meta.url));
const FEED = 'a-wms.jsonl';
const work = mkdtempSync(join(tmpdir(), 'oms-inventory-sync-events-kill-'));
const test = suite('importEvents killed mid-feed, then run again');

const config = (runId: string) => ({
  ...defaultImportEventsConfig(runId, 'kill-test'),
  settleMs: 0,
  batchSize: 3,
  maxLineBytes: 256,
});

const listing = (path: string) => {
  try {
    return readdirSync(path).sort();
  } catch {
    return [];
  }
};

const stateOf = async (store: SqliteInventoryStore, root: string) => ({
  ledger: (await run(store.ledgerEntries(null, 1_000))).map((e) => ({ event: e.event, changes: e.changes })),
  inbox: listing(root).filter((n) => n.endsWith('.jsonl')),
  archive: listing(join(root, 'archive')),
  reports: listing(join(root, 'error')).map((n) => readFileSync(join(root, 'error', n), 'utf8')),
});

// A fresh SQLite store (seeded) and inbox holding the feed.
const world = async (name: string) => {
  const root = join(work, name);
  const file = join(work, `${name}.sqlite`);
  const store = await openSqliteInventoryStore({ file });
  await store.migrate();
  await seedFeedWorld(store);
  await store.close();
  mkdirSync(root, { recursive: true });
  writeFileSync(join(root, FEED), MIXED_JSONL);
  return { root, file };
};

const rerun = async (root: string, file: string) => {
  const store = await openSqliteInventoryStore({ file });
  const report = await run(
    importEvents(config('rerun'))({
      ...localFileStore({ root }),
      ...localLineReader(),
      ...localRowSpools(),
      ...store,
      ...systemClock,
    }),
  );
  // The killed run's lease is its owner's (a worker restarted under the same name): taken back at once.
  assert.ok(report.lockAcquired);
  return store;
};

let clean: Awaited<ReturnType<typeof stateOf>>;

test.before(async () => {
  const w = await world('clean');
  const store = await rerun(w.root, w.file);
  clean = await stateOf(store, w.root);
  await store.close();
  assert.ok(clean.reports.length === 1 && clean.reports[0]!.includes('release-exceeds-reserved'));
});

test.after(() => rmSync(work, { recursive: true, force: true }));

// Calls of 3 lines: 1 (lines 1-3: j1, j2, a duplicate), 2 (4-6: j3 refused, a conflict), 3 (10-12: j8 refused),
// 4 (13-14: j9). Killed as call N starts: the calls before it committed, and their refusals are in the report.
// Killed right after call N committed, before its outcomes reached the report: the rerun finds its events
// duplicates, and the refusals come back from the ledger.
const KILLS: ReadonlyArray<readonly [mode: 'hang' | 'hang-after', at: number, said: string]> = [
  ...[2, 3, 4].map((at) => ['hang', at, `calling ${at}`] as const),
  ...[1, 2, 3, 4].map((at) => ['hang-after', at, `committed ${at}`] as const),
];
for (const [mode, at, said] of KILLS) {
  test(mode === 'hang' ? `killed as ledger call ${at} starts` : `killed after ledger call ${at} commits`, async () => {
    const w = await world(`killed-${mode}-${at}`);
    const process_ = spawn(process.execPath, [child, w.root, `${mode}:${at}:${w.file}`], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let err = '';
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no "${said}" in 30 s: ${err}`)), 30_000);
      process_.stderr.on('data', (d: Buffer) => {
        err += d.toString();
        if (err.includes(said)) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    const exited = new Promise((resolve) => process_.once('exit', resolve));
    process_.kill('SIGKILL');
    await exited;
    assert.equal(
      listing(w.root).filter((n) => n.endsWith('.jsonl')),
      [FEED],
      'the feed is still in the inbox',
    );
    const store = await rerun(w.root, w.file);
    try {
      assert.equal(await stateOf(store, w.root), clean);
    } finally {
      await store.close();
    }
  });
}

test.run();
