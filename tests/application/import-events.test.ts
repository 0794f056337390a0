// The event feed import on real parts: a temporary inbox folder (local-files adapter), the local line reader, and
// each store (memory, PostgreSQL, SQLite); a crash mid-feed (the store failing, the move failing) and a rerun.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { localFileStore } from '../../src/adapters/local-files/local-file-store.ts';
import { localLineReader } from '../../src/adapters/local-files/line-reader.ts';
import { localRowSpools } from '../../src/adapters/local-files/row-spool.ts';
import { stockLevelsOf } from '../../src/application/columnar.ts';
import {
  defaultImportEventsConfig,
  eventErrorReportName,
  eventFeedFormat,
  importEvents,
  type ImportEventsDeps,
  parseErrorReportLine,
  readyFeeds,
} from '../../src/application/import-events.ts';
import type { FileStore, InboxUpkeep } from '../../src/application/file-store.ts';
import type { StoreError } from '../../src/application/store-error.ts';
import { memoryInventoryStore, type MemoryInventoryStore } from '../../src/adapters/memory/memory-inventory-store.ts';
import { testClock } from '../support/import-scenario.ts';
import { run, runLeft } from '../support/run.ts';
import { STORE_ADAPTERS } from '../support/stores.ts';
import {
  event,
  MIXED_CSV,
  MIXED_CSV_REJECTIONS,
  MIXED_JSONL,
  MIXED_JSONL_REJECTIONS,
  seedFeedWorld as seed,
} from '../support/event-feeds.ts';
import { createHash } from 'node:crypto';

type Store = MemoryInventoryStore;

const folderOf = (root: string, folder: string): string[] => {
  try {
    return readdirSync(join(root, folder), { withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => e.name)
      .sort();
  } catch {
    return [];
  }
};

const inboxWith = (files: ReadonlyArray<[string, string | Buffer]>): string => {
  const root = mkdtempSync(join(tmpdir(), 'oms-inventory-sync-events-inbox-'));
  for (const [name, content] of files) writeFileSync(join(root, name), content);
  return root;
};

const depsOf = (
  store: Store,
  root: string,
  fileStore: FileStore & InboxUpkeep = localFileStore({ root }),
): ImportEventsDeps => ({
  ...fileStore,
  ...localLineReader(),
  ...localRowSpools(),
  ...store,
  ...testClock(),
});

const config = (runId: string, batchSize = 1_000) => ({
  ...defaultImportEventsConfig(runId, 'test-worker'),
  settleMs: 0,
  maxLineBytes: 256,
  batchSize,
});

// What a run leaves behind: the ledger, the positions, the folders and the error reports' text.
const stateOf = async (store: Store, root: string) => ({
  ledger: (await run(store.ledgerEntries(null, 10_000))).map((e) => ({ event: e.event, changes: e.changes })),
  stock: stockLevelsOf(await run(store.stockLevels()))
    .map((l) => `${l.productId}|${l.facilityId}|${l.quantityOnHand}|${l.availableToPromise}`)
    .sort(),
  inbox: folderOf(root, ''),
  archive: folderOf(root, 'archive'),
  error: folderOf(root, 'error'),
  reports: folderOf(root, 'error')
    .filter((n) => n.endsWith('.rejected-lines.csv'))
    .map((n) => readFileSync(join(root, 'error', n), 'utf8')),
});

const sha = (content: string | Buffer) => createHash('sha256').update(content).digest('hex');

const rejectionsMatch = (
  rows: ReadonlyArray<{ line: number; field: string; reason: string }>,
  expected: ReadonlyArray<readonly [number, string, RegExp]>,
) => {
  assert.equal(
    rows.map((r) => [r.line, r.field]),
    expected.map(([line, field]) => [line, field]),
  );
  rows.forEach((r, i) => {
    assert.match(r.reason, expected[i]![2], `line ${r.line}: ${r.reason}`);
  });
};

// A store whose `n`th recordEvents call fails (nothing of it applied), as a database gone away mid-feed would.
const failingOnCall = (store: Store, n: number): Store => {
  let calls = 0;
  return {
    ...store,
    recordEvents: (events) => () => {
      calls++;
      if (calls === n)
        return Promise.resolve({
          _tag: 'Left',
          left: { _tag: 'InventoryStoreUnavailable', reason: 'connection lost', retriable: true } as StoreError,
        });
      return store.recordEvents(events)();
    },
  };
};

const names = suite('event feed names and listings');

names('a feed is a .jsonl or .csv file that is not a temporary name', () => {
  assert.equal(
    ['a.jsonl', 'B.CSV', 'c.JSONL', '.hidden.jsonl', '~lock.csv', 'd.json', 'e.csv.part', 'f.txt'].map(eventFeedFormat),
    ['jsonl', 'csv', 'jsonl', null, null, null, null, null],
  );
});

names('ready feeds are the settled ones, in name order', () => {
  const at = new Date(0);
  const f = (name: string, size = 1, modifiedAt = at) => ({ name, size, modifiedAt });
  const { ready, changing } = readyFeeds(
    [f('b.jsonl'), f('a.csv'), f('c.jsonl', 1), f('x.txt')],
    [f('b.jsonl'), f('a.csv'), f('c.jsonl', 2), f('d.csv'), f('x.txt')],
  );
  assert.equal(
    ready.map((r) => r.name),
    ['a.csv', 'b.jsonl'],
  );
  assert.equal(
    changing.map((r) => r.name),
    ['c.jsonl', 'd.csv'],
  );
});

names('an error report line reads back as the row it was written from', () => {
  assert.equal(parseErrorReportLine('f.jsonl,12,quantity,"refused (x): a, b ""c"""'), {
    line: 12,
    field: 'quantity',
    reason: 'refused (x): a, b "c"',
  });
  assert.is(parseErrorReportLine('file,line,field,reason'), null);
  assert.is(parseErrorReportLine('f.jsonl,,,file held back: x'), null);
});

for (const [adapter, open] of STORE_ADAPTERS) {
  const test = suite(`importEvents (${adapter} store, local inbox)`);

  test('JSON Lines and CSV feeds: every line applied or reported by file, line, field and reason; archived', async () => {
    const { store, dispose } = await open();
    const root = inboxWith([
      ['b-pos.csv', MIXED_CSV],
      ['a-wms.jsonl', MIXED_JSONL],
    ]);
    try {
      await seed(store);
      const report = await run(importEvents(config('first'))(depsOf(store, root)));
      assert.is(report.lockAcquired, true);
      assert.is(report.filesSeen, 2);
      assert.equal(
        report.files.map((f) => [f.name, f.format, f.outcome]),
        [
          ['a-wms.jsonl', 'jsonl', 'archived'],
          ['b-pos.csv', 'csv', 'archived'],
        ],
      );
      const [jsonl, csv] = report.files as [(typeof report.files)[0], (typeof report.files)[0]];
      assert.equal(
        [jsonl.lines, jsonl.applied, jsonl.duplicate, jsonl.refused, jsonl.conflict, jsonl.rejected],
        [13, 3, 1, 2, 1, 6],
      );
      rejectionsMatch(jsonl.rejectedLines, MIXED_JSONL_REJECTIONS);
      assert.equal(
        [csv.lines, csv.applied, csv.duplicate, csv.refused, csv.conflict, csv.rejected],
        [9, 4, 0, 1, 0, 4],
      );
      rejectionsMatch(csv.rejectedLines, MIXED_CSV_REJECTIONS);
      assert.equal([report.lines, report.applied, report.refused, report.conflict, report.rejected], [22, 7, 3, 1, 10]);

      // P1 at WH: +10 received, 4 reserved, 2 shipped. P2: +7 at WH, 3 moved to STORE, 1 damaged there.
      const inventory = await run(store.productInventory('P1'));
      const p1 = inventory!.inventory.positions.find((p) => p.facilityId === 'WH')!;
      assert.equal([p1.quantityOnHand, p1.reservedQuantity], [8, 2]);
      const p2 = (await run(store.productInventory('P2')))!.inventory;
      assert.equal(p2.positions.map((p) => [p.facilityId, p.quantityOnHand]).sort(), [
        ['STORE', 2],
        ['WH', 4],
      ]);
      assert.is(p2.threshold, 2);
      const entries = await run(store.ledgerEntries(null, 100));
      assert.equal(
        entries.map((e) => e.event.eventId),
        ['j1', 'j2', 'j9', 'c1', 'c2', 'c3', 'c7'],
        'applied in file order, the files in name order',
      );

      assert.equal(folderOf(root, ''), []);
      assert.equal(folderOf(root, 'archive'), ['a-wms.jsonl', 'b-pos.csv']);
      const jsonlReport = eventErrorReportName('a-wms.jsonl', sha(MIXED_JSONL));
      assert.is(jsonl.errorReport, jsonlReport);
      assert.equal(folderOf(root, 'error'), [eventErrorReportName('b-pos.csv', sha(MIXED_CSV)), jsonlReport].sort());
      const text = readFileSync(join(root, 'error', jsonlReport), 'utf8')
        .trimEnd()
        .split('\n');
      assert.is(text[0], 'file,line,field,reason');
      assert.is(text.length, 1 + MIXED_JSONL_REJECTIONS.length);
      assert.ok(text.slice(1).every((l) => l.startsWith('a-wms.jsonl,')));
      rejectionsMatch(
        text.slice(1).map((l) => parseErrorReportLine(l)!),
        MIXED_JSONL_REJECTIONS,
      );
    } finally {
      rmSync(root, { recursive: true, force: true });
      await dispose();
    }
  });

  test('the same feeds dropped again: every event a duplicate, nothing changes, the same error reports', async () => {
    const { store, dispose } = await open();
    const root = inboxWith([
      ['a-wms.jsonl', MIXED_JSONL],
      ['b-pos.csv', MIXED_CSV],
    ]);
    try {
      await seed(store);
      await run(importEvents(config('first'))(depsOf(store, root)));
      const first = await stateOf(store, root);
      writeFileSync(join(root, 'a-wms.jsonl'), MIXED_JSONL);
      writeFileSync(join(root, 'b-pos.csv'), MIXED_CSV);
      const again = await run(importEvents(config('again'))(depsOf(store, root)));
      assert.equal(
        again.files.map((f) => [f.applied, f.refused, f.conflict, f.duplicate, f.rejected]),
        [
          [0, 0, 1, 6, 6],
          [0, 0, 0, 5, 4],
        ],
      );
      assert.equal(
        again.files.map((f) => f.movedAs),
        [`a-wms.${sha(MIXED_JSONL).slice(0, 8)}.jsonl`, `b-pos.${sha(MIXED_CSV).slice(0, 8)}.csv`],
        'archived beside the first copy, never over it',
      );
      rejectionsMatch(again.files[0]!.rejectedLines, MIXED_JSONL_REJECTIONS);
      const state = await stateOf(store, root);
      assert.equal(state.ledger, first.ledger);
      assert.equal(state.stock, first.stock);
      assert.equal(state.reports, first.reports, 'the refusals of the first reading are reported again');
    } finally {
      rmSync(root, { recursive: true, force: true });
      await dispose();
    }
  });

  test('a store failing mid-feed (3rd call), then a rerun: the state of one clean run', async () => {
    const clean = await open();
    const crashed = await open();
    const cleanRoot = inboxWith([['a-wms.jsonl', MIXED_JSONL]]);
    const root = inboxWith([['a-wms.jsonl', MIXED_JSONL]]);
    try {
      await seed(clean.store);
      await seed(crashed.store);
      await run(importEvents(config('clean', 3))(depsOf(clean.store, cleanRoot)));
      const expected = await stateOf(clean.store, cleanRoot);

      // Calls of 3 lines: lines 1-3 (j1 applied, j2 applied, j1 a duplicate), 4-6 (j3 refused, j1 a conflict), 7-9
      // (no event: no call), 10-12: this call fails.
      const failed = await runLeft(importEvents(config('crash', 3))(depsOf(failingOnCall(crashed.store, 3), root)));
      assert.is(failed._tag, 'InventoryStoreUnavailable');
      assert.equal(folderOf(root, ''), ['a-wms.jsonl'], 'the feed stays in the inbox');
      assert.equal(
        (await run(crashed.store.ledgerEntries(null, 100))).map((e) => e.event.eventId),
        ['j1', 'j2'],
        'the first two calls committed',
      );
      assert.equal(folderOf(root, 'error'), [eventErrorReportName('a-wms.jsonl', sha(MIXED_JSONL))], 'kept so far');
      const rerun = await run(importEvents(config('rerun', 3))(depsOf(crashed.store, root)));
      assert.is(rerun.files[0]!.duplicate, 4, 'the events of the committed calls are duplicates now (j3 too)');
      rejectionsMatch(rerun.files[0]!.rejectedLines, MIXED_JSONL_REJECTIONS);
      assert.equal(await stateOf(crashed.store, root), { ...expected });
    } finally {
      rmSync(cleanRoot, { recursive: true, force: true });
      rmSync(root, { recursive: true, force: true });
      await clean.dispose();
      await crashed.dispose();
    }
  });

  test('the move to archive/ failing, then a rerun: the state of one clean run', async () => {
    const clean = await open();
    const crashed = await open();
    const cleanRoot = inboxWith([['a-wms.jsonl', MIXED_JSONL]]);
    const root = inboxWith([['a-wms.jsonl', MIXED_JSONL]]);
    try {
      await seed(clean.store);
      await seed(crashed.store);
      await run(importEvents(config('clean'))(depsOf(clean.store, cleanRoot)));
      const expected = await stateOf(clean.store, cleanRoot);
      const files = localFileStore({ root });
      const failingMove: FileStore & InboxUpkeep = {
        ...files,
        move: (from, to, name, as) =>
          to === 'archive'
            ? () =>
                Promise.resolve({
                  _tag: 'Left',
                  left: {
                    _tag: 'FileStoreUnavailable',
                    store: 'test',
                    reason: 'connection reset',
                    retriable: true,
                  },
                })
            : files.move(from, to, name, as),
      };
      const failed = await runLeft(importEvents(config('crash'))(depsOf(crashed.store, root, failingMove)));
      assert.is(failed._tag, 'FileStoreUnavailable');
      await run(importEvents(config('rerun'))(depsOf(crashed.store, root)));
      assert.equal(await stateOf(crashed.store, root), expected);
    } finally {
      rmSync(cleanRoot, { recursive: true, force: true });
      rmSync(root, { recursive: true, force: true });
      await clean.dispose();
      await crashed.dispose();
    }
  });

  test('a CSV feed whose header names no events is held back whole; the other feeds go on', async () => {
    const { store, dispose } = await open();
    const bad = `eventId,kind,productId,quantity,occurredAt,source\r\nx1,received,P1,1,2026-12-01T10:00:00Z,pos\r\n`;
    const root = inboxWith([
      ['a-bad.csv', bad],
      ['b-good.jsonl', `${event('g1', 'received', 5)}\n`],
    ]);
    try {
      await seed(store);
      const report = await run(importEvents(config('held'))(depsOf(store, root)));
      const [held, good] = report.files;
      assert.is(held!.outcome, 'held-back');
      assert.match(held!.heldBackBecause!, /^line 1: unknown column\(s\) "kind" in the header/);
      assert.is(held!.applied, 0);
      assert.equal([good!.outcome, good!.applied], ['archived', 1]);
      assert.equal(folderOf(root, 'error'), ['a-bad.csv', eventErrorReportName('a-bad.csv', sha(bad))]);
      assert.match(
        readFileSync(join(root, 'error', eventErrorReportName('a-bad.csv', sha(bad))), 'utf8'),
        /^file,line,field,reason\na-bad\.csv,,,"?file held back: line 1: unknown column/,
      );
      assert.equal(folderOf(root, 'archive'), ['b-good.jsonl']);
    } finally {
      rmSync(root, { recursive: true, force: true });
      await dispose();
    }
  });

  test('nothing to do: an empty inbox; and another worker holding the job: nothing done', async () => {
    const { store, dispose } = await open();
    const root = inboxWith([]);
    mkdirSync(join(root, 'archive'));
    try {
      await seed(store);
      const empty = await run(importEvents(config('empty'))(depsOf(store, root)));
      assert.equal([empty.lockAcquired, empty.filesSeen, empty.files, empty.applied], [true, 0, [], 0]);
      writeFileSync(join(root, 'a.jsonl'), `${event('e1', 'received', 1)}\n`);
      const now = new Date();
      assert.ok(
        await run(store.acquireJobLock('IMPORT_EVENTS', 'someone-else', new Date(now.getTime() + 60_000), now)),
      );
      const busy = await run(importEvents(config('busy'))({ ...depsOf(store, root), now: () => now }));
      assert.equal([busy.lockAcquired, busy.files], [false, []]);
      assert.equal(folderOf(root, ''), ['a.jsonl']);
    } finally {
      rmSync(root, { recursive: true, force: true });
      await dispose();
    }
  });

  test.run();
}

names.run();

const examples = suite('the example feeds (examples/event-feeds)');

examples('every line of the example feeds is an event that applies', async () => {
  const dir = fileURLToPath(new URL('../../examples/event-feeds/', import.meta.url));
  const root = inboxWith(readdirSync(dir).map((name) => [name, readFileSync(join(dir, name))]));
  const store = memoryInventoryStore();
  try {
    await run(
      store.saveFacilities([
        { facilityId: 'WAREHOUSE_NJ', externalId: '101' },
        { facilityId: 'STORE_NYC', externalId: '102' },
      ]),
    );
    await run(
      store.saveProducts([
        { productId: 'SKU-100', externalId: '9001' },
        { productId: 'SKU-200', externalId: '9002' },
      ]),
    );
    const report = await run(importEvents(config('examples'))(depsOf(store, root)));
    assert.equal(
      report.files.map((f) => [f.format, f.lines, f.applied, f.rejectedLines]),
      [
        ['jsonl', 4, 4, []],
        ['csv', 5, 5, []],
      ],
      'the feeds in name order: the transfer into STORE_NYC before its sale',
    );
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

examples.run();

const lease = suite('importEvents and its lease');

lease('a lease lost mid-feed stops the run before its next call; a rerun completes the feed', async () => {
  const store = memoryInventoryStore();
  const root = inboxWith([['a-wms.jsonl', MIXED_JSONL]]);
  try {
    await seed(store);
    let acquired = 0;
    const calls: number[] = [];
    const deps: ImportEventsDeps = {
      ...depsOf(store, root),
      now: () => new Date(),
      // The first take succeeds; the renewals find another owner holding the job.
      acquireJobLock: (job, owner, until, now) => () => {
        acquired++;
        return acquired === 1
          ? store.acquireJobLock(job, owner, until, now)()
          : Promise.resolve({ _tag: 'Right', right: false });
      },
      recordEvents: (events) => async () => {
        calls.push(events.length);
        await new Promise((r) => setTimeout(r, 60));
        return store.recordEvents(events)();
      },
    };
    const lost = await runLeft(importEvents({ ...config('lost', 3), lockLeaseMs: 30 })(deps));
    assert.is(lost._tag, 'JobLockLost');
    assert.is(calls.length, 1, 'no call after the lease was lost');
    assert.equal(folderOf(root, ''), ['a-wms.jsonl']);
    const rerun = await run(importEvents(config('rerun', 3))(depsOf(store, root)));
    assert.equal([rerun.files[0]!.outcome, rerun.files[0]!.duplicate], ['archived', 3]);
    rejectionsMatch(rerun.files[0]!.rejectedLines, MIXED_JSONL_REJECTIONS);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

lease.run();

const edges = suite('importEvents: empty feeds, feeds still being written');

edges('an empty feed is archived with nothing to apply; a feed still changing waits for the next run', async () => {
  const store = memoryInventoryStore();
  const root = inboxWith([
    ['a-empty.jsonl', ''],
    ['b-empty.csv', '\r\n\r\n'],
    ['c-growing.jsonl', `${event('g1', 'received', 1)}\n`],
  ]);
  try {
    await seed(store);
    const files = localFileStore({ root });
    let listings = 0;
    // The second listing sees c-growing.jsonl larger: an uploader is still writing it.
    const growing: FileStore & InboxUpkeep = {
      ...files,
      list: (folder) => async () => {
        const listed = await files.list(folder)();
        if (folder !== '' || listed._tag === 'Left') return listed;
        listings++;
        return {
          _tag: 'Right',
          right: listed.right.map((f) =>
            f.name === 'c-growing.jsonl' && listings === 2 ? { ...f, size: f.size + 10 } : f,
          ),
        };
      },
    };
    const report = await run(importEvents(config('edges'))(depsOf(store, root, growing)));
    assert.equal(
      report.files.map((f) => [f.name, f.outcome, f.lines, f.applied]),
      [
        ['a-empty.jsonl', 'archived', 0, 0],
        ['b-empty.csv', 'archived', 0, 0],
        ['c-growing.jsonl', 'in-progress', 0, 0],
      ],
    );
    assert.equal(folderOf(root, ''), ['c-growing.jsonl']);
    assert.equal(folderOf(root, 'archive'), ['a-empty.jsonl', 'b-empty.csv']);
    assert.equal(folderOf(root, 'error'), []);
    const next = await run(importEvents(config('next'))(depsOf(store, root)));
    assert.equal(
      next.files.map((f) => [f.name, f.outcome, f.applied]),
      [['c-growing.jsonl', 'archived', 1]],
    );
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

edges('a feed taken away between the listing and its fetch is skipped; the others go on', async () => {
  const store = memoryInventoryStore();
  const root = inboxWith([
    ['a-gone.jsonl', `${event('x1', 'received', 1)}\n`],
    ['b.jsonl', `${event('b1', 'received', 1)}\n`],
  ]);
  try {
    await seed(store);
    const files = localFileStore({ root });
    const vanishing: FileStore & InboxUpkeep = {
      ...files,
      fetch: (folder, name) =>
        name === 'a-gone.jsonl'
          ? () => {
              rmSync(join(root, name));
              return files.fetch(folder, name)();
            }
          : files.fetch(folder, name),
    };
    const report = await run(importEvents(config('gone'))(depsOf(store, root, vanishing)));
    assert.equal(
      report.files.map((f) => [f.name, f.outcome, f.applied]),
      [['b.jsonl', 'archived', 1]],
    );
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

edges.run();
