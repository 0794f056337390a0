// Files that cannot be processed, for any reason, go aside and the files after them are imported in the same run;
// names of any length; links and names with a backslash reported; what killed runs left removed. For the NetSuite
// import and the event feeds, on the local folder inbox and the memory store (the CLI tests run PostgreSQL and SFTP).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as TE from 'fp-ts/lib/TaskEither.js';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { localLineReader } from '../../src/adapters/local-files/line-reader.ts';
import { localRowSpools } from '../../src/adapters/local-files/row-spool.ts';
import { memoryInventoryStore } from '../../src/adapters/memory/memory-inventory-store.ts';
import { stockLevelsOf } from '../../src/application/columnar.ts';
import { MAX_NAME_BYTES, nameBytes } from '../../src/application/file-name-limit.ts';
import { defaultImportEventsConfig, type ImportEventsDeps, importEvents } from '../../src/application/import-events.ts';
import { defaultImportConfig, type ImportConfig, importInventory } from '../../src/application/import-inventory.ts';
import type { LineReader } from '../../src/application/line-reader.ts';
import { localFileStore } from '../../src/adapters/local-files/local-file-store.ts';
import { event } from '../support/event-feeds.ts';
import { exportCsv, scenario, testClock, type Store } from '../support/import-scenario.ts';
import { run } from '../support/run.ts';

const config = (overrides: Partial<ImportConfig> = {}): ImportConfig => ({
  ...defaultImportConfig('run-1', 'worker-a'),
  settleMs: 10,
  ...overrides,
});
const stockOf = async (store: Store) =>
  stockLevelsOf(await run(store.stockLevels()))
    .map((l) => `${l.productId}@${l.facilityId}=${l.availableToPromise}`)
    .sort();

const GOOD = exportCsv(['ITEM-1,101,85,9001']);
const LATER = exportCsv(['ITEM-2,101,7,9002']);
// A pid no process has: one that just ended.
const deadPid = (): number => spawnSync(process.execPath, ['-e', '0']).pid!;

const job = suite('importInventory: a file that cannot be processed goes aside, the run goes on');

job(
  'an exception while reading one file: it is set aside as failed with its reason, the files after it apply',
  async () => {
    const store = memoryInventoryStore();
    const s = await scenario(store, [
      ['inventory-20261122T010000Z.csv', GOOD],
      ['inventory-20261122T020000Z.csv', GOOD],
      ['inventory-20261122T030000Z.csv', LATER],
    ]);
    const throwing = {
      ...s.deps,
      readExport: ((path, name, options) =>
        name === 'inventory-20261122T020000Z.csv'
          ? () => Promise.reject(new RangeError('Invalid string length'))
          : s.deps.readExport(path, name, options)) as typeof s.deps.readExport,
    };
    const report = await run(importInventory(config())(throwing));
    assert.equal(
      report.files.map((f) => [f.name, f.outcome]),
      [
        ['inventory-20261122T010000Z.csv', 'applied'],
        ['inventory-20261122T020000Z.csv', 'failed'],
        ['inventory-20261122T030000Z.csv', 'applied'],
      ],
    );
    assert.match(report.files[1]!.heldBackBecause!, /could not be processed: RangeError: Invalid string length/);
    assert.equal(s.folder('error'), ['inventory-20261122T020000Z.csv', 'inventory-20261122T020000Z.csv.errors.csv']);
    assert.match(
      readFileSync(join(s.root, 'error', 'inventory-20261122T020000Z.csv.errors.csv'), 'utf8'),
      /file held back: the file could not be processed: RangeError: Invalid string length/,
    );
    assert.equal(s.folder('archive'), ['inventory-20261122T010000Z.csv', 'inventory-20261122T030000Z.csv']);
    assert.equal(s.folder(''), []);
    assert.ok((await stockOf(store)).includes('SKU-2@WAREHOUSE=7'), 'the file after the failed one applied');
    // A rerun finds nothing left to do.
    const again = await run(importInventory(config({ runId: 'run-2' }))(s.deps));
    assert.equal(again.files, []);
    s.dispose();
  },
);

job('a file that cannot be downloaded (a non-retriable fetch failure) goes aside without a copy', async () => {
  const store = memoryInventoryStore();
  const s = await scenario(store, [
    ['inventory-20261122T010000Z.csv', GOOD],
    ['inventory-20261122T030000Z.csv', LATER],
  ]);
  const failing = {
    ...s.deps,
    fetch: (folder: string, name: string) =>
      name === 'inventory-20261122T010000Z.csv'
        ? TE.left({
            _tag: 'FileStoreFailed' as const,
            store: 'test',
            operation: 'fetch',
            path: name,
            reason: 'EACCES: permission denied',
            retriable: false,
          })
        : s.deps.fetch(folder, name),
  };
  const report = await run(importInventory(config())(failing));
  assert.equal(
    report.files.map((f) => [f.name, f.outcome]),
    [
      ['inventory-20261122T010000Z.csv', 'failed'],
      ['inventory-20261122T030000Z.csv', 'applied'],
    ],
  );
  assert.match(report.files[0]!.heldBackBecause!, /EACCES: permission denied/);
  assert.equal(s.folder('error'), ['inventory-20261122T010000Z.csv', 'inventory-20261122T010000Z.csv.errors.csv']);
  s.dispose();
});

job('a failure that may pass (retriable) stops the run and leaves the file for the rerun', async () => {
  const store = memoryInventoryStore();
  const s = await scenario(store, [['inventory-20261122T010000Z.csv', GOOD]]);
  const away = {
    ...s.deps,
    fetch: () =>
      TE.left({
        _tag: 'FileStoreUnavailable' as const,
        store: 'test',
        reason: 'connection lost',
        retriable: true as const,
      }),
  };
  const error = await importInventory(config())(away)();
  assert.ok(error._tag === 'Left' && error.left._tag === 'FileStoreUnavailable');
  assert.equal(s.folder(''), ['inventory-20261122T010000Z.csv']);
  assert.equal(s.folder('error'), []);
  s.dispose();
});

job('a name of 250 bytes: imported, its rejected rows reported under a name within the limit', async () => {
  const store = memoryInventoryStore();
  const name = `inventory-20261122T010000Z-${'x'.repeat(219)}.csv`;
  assert.is(nameBytes(name), 250);
  const s = await scenario(store, [[name, exportCsv(['ITEM-1,101,85,9001', 'ITEM-9,101,1,9999'])]]);
  const report = await run(importInventory(config({ maxRejectedShare: 0.9 }))(s.deps));
  assert.equal(
    report.files.map((f) => [f.outcome, f.rejected]),
    [['applied', 1]],
  );
  const errors = s.folder('error');
  assert.is(errors.length, 1);
  assert.ok(nameBytes(errors[0]!) <= MAX_NAME_BYTES);
  assert.match(errors[0]!, /^inventory-20261122T010000Z-x+~[0-9a-f]{16}\.csv\.rejected-rows\.csv$/);
  assert.equal(s.folder('archive'), [name]);
  s.dispose();
});

job('a symlinked .csv and a name with a backslash are reported as passed over, left where they are', async () => {
  const store = memoryInventoryStore();
  const s = await scenario(store, [
    ['inventory-20261122T010000Z.csv', GOOD],
    ['back\\slash.csv', GOOD],
  ]);
  writeFileSync(join(s.root, '..', `${s.root.split('/').pop()}-target.csv`), GOOD);
  symlinkSync(join(s.root, '..', `${s.root.split('/').pop()}-target.csv`), join(s.root, 'linked.csv'));
  symlinkSync('/etc/passwd', join(s.root, 'notes.txt'));
  const report = await run(importInventory(config())(s.deps));
  assert.equal(report.files.map((f) => [f.name, f.outcome]).sort(), [
    ['back\\slash.csv', 'passed-over'],
    ['inventory-20261122T010000Z.csv', 'applied'],
    ['linked.csv', 'passed-over'],
  ]);
  assert.match(report.files.find((f) => f.name === 'linked.csv')!.heldBackBecause!, /symbolic link/);
  assert.match(report.files.find((f) => f.name === 'back\\slash.csv')!.heldBackBecause!, /backslash/);
  assert.ok(existsSync(join(s.root, 'linked.csv')) && existsSync(join(s.root, 'back\\slash.csv')));
  s.dispose();
});

job('a symlinked error/ stops the run with an error naming it; nothing is written through the link', async () => {
  const store = memoryInventoryStore();
  const s = await scenario(store, [['inventory-20261122T010000Z.csv', exportCsv(['ITEM-9,101,1,9999'])]]);
  const elsewhere = `${s.root}-elsewhere`;
  mkdirSync(elsewhere);
  symlinkSync(elsewhere, join(s.root, 'error'));
  const result = await importInventory(config())(s.deps)();
  assert.ok(result._tag === 'Left', 'the run fails');
  const error = result.left;
  assert.ok(error._tag === 'FileStoreFailed' && error.path === join(s.root, 'error'), JSON.stringify(error));
  assert.ok(error._tag === 'FileStoreFailed' && /symbolic link/.test(error.reason));
  assert.equal(readdirSync(elsewhere), []);
  assert.equal(s.folder(''), ['inventory-20261122T010000Z.csv'], 'the file stays for a run once error/ is fixed');
  s.dispose();
});

job('hidden temp reports left by a killed run are removed at the start of the next', async () => {
  const store = memoryInventoryStore();
  const s = await scenario(store, []);
  mkdirSync(join(s.root, 'error'));
  const left = `.a.csv.errors.csv.p${deadPid()}-0123456789ab.part`;
  const live = `.b.csv.errors.csv.p${process.pid}-0123456789ab.part`;
  writeFileSync(join(s.root, 'error', left), 'half');
  writeFileSync(join(s.root, 'error', live), 'being written');
  await run(importInventory(config())(s.deps));
  assert.equal(s.folder('error'), [live].sort());
  s.dispose();
});

job('ids are not trimmed: a padded id is refused as it is, with its reason', async () => {
  const store = memoryInventoryStore();
  const s = await scenario(store, [
    [
      'inventory-20261122T010000Z.csv',
      exportCsv(['ITEM-1,101,85,9001', 'ITEM-2,101,3," 9002 "', 'ITEM-2,101,3,9002 ']),
    ],
  ]);
  const report = await run(importInventory(config({ maxRejectedShare: 0.9 }))(s.deps));
  assert.equal(
    report.files[0]!.rejectedRows.map((r) => [r.line, r.field]),
    [
      [3, 'idValue'],
      [4, 'idValue'],
    ],
  );
  assert.ok(report.files[0]!.rejectedRows.every((r) => /not a usable id/.test(r.reason)));
  assert.ok((await stockOf(store)).includes('SKU-2@WAREHOUSE=20'), 'SKU-2 keeps its stock: no padded id matched it');
  s.dispose();
});

job('a CR-only file and UTF-16 without a BOM are held back with a short reason, not the file echoed', async () => {
  const store = memoryInventoryStore();
  const crOnly = `Item,externalFacilityId,availableQty,idValue\r${'ITEM-1,101,85,9001\r'.repeat(2000)}`;
  const utf16 = Buffer.from(exportCsv(['ITEM-1,101,85,9001']), 'utf16le');
  const s = await scenario(store, [
    ['inventory-20261122T010000Z.csv', crOnly],
    ['inventory-20261122T020000Z.csv', utf16],
  ]);
  const report = await run(importInventory(config())(s.deps));
  assert.equal(
    report.files.map((f) => f.outcome),
    ['held-back', 'held-back'],
  );
  assert.match(report.files[0]!.heldBackBecause!, /CR alone/);
  assert.match(report.files[1]!.heldBackBecause!, /UTF-16/);
  for (const f of report.files) {
    assert.ok(f.heldBackBecause!.length < 200, f.heldBackBecause);
    assert.not.ok(/[\0\r]/.test(f.heldBackBecause!));
  }
  s.dispose();
});

job(
  'a 250-byte name over maxBytes by its listing: set aside undownloaded, twice, every name within the limit',
  async () => {
    const store = memoryInventoryStore();
    const name = `inventory-20261122T010000Z-${'x'.repeat(219)}.csv`;
    const s = await scenario(store, [[name, GOOD]]);
    const fetched: string[] = [];
    const counting = {
      ...s.deps,
      fetch: ((folder, file) => {
        fetched.push(file);
        return s.deps.fetch(folder, file);
      }) as typeof s.deps.fetch,
    };
    const first = await run(importInventory(config({ maxBytes: 10 }))(counting));
    assert.equal(
      first.files.map((f) => [f.name, f.outcome]),
      [[name, 'held-back']],
    );
    assert.match(first.files[0]!.heldBackBecause!, /\(as listed\), more than the 10 allowed: not downloaded/);
    // The same name again, other bytes: beside the first, never over it.
    writeFileSync(join(s.root, name), LATER);
    const second = await run(importInventory(config({ maxBytes: 10, runId: 'run-2' }))(counting));
    assert.equal(
      second.files.map((f) => f.outcome),
      ['held-back'],
    );
    assert.ok(second.files[0]!.errorAs !== undefined && second.files[0]!.errorAs !== name);
    assert.equal(fetched, [], 'nothing was downloaded');
    const errors = s.folder('error');
    assert.is(errors.length, 4, errors.join('\n'));
    for (const n of errors) assert.ok(nameBytes(n) <= MAX_NAME_BYTES, n);
    assert.ok(errors.includes(name));
    assert.ok(errors.includes(second.files[0]!.errorAs!));
    assert.equal(s.folder(''), []);
    s.dispose();
  },
);

job('an exception after rows were spooled: the file is set aside as failed, the next one applies', async () => {
  const store = memoryInventoryStore();
  const s = await scenario(store, [
    ['inventory-20261122T010000Z.csv', exportCsv(['ITEM-9,101,1,9999'])],
    ['inventory-20261122T020000Z.csv', LATER],
  ]);
  const throwing = {
    ...s.deps,
    readExport: ((path, name, options) =>
      name === 'inventory-20261122T010000Z.csv'
        ? async () => {
            options.onProblem?.({
              line: 2,
              field: 'Item',
              reason: 'a rejected row before the exception',
              raw: 'ITEM-9,101,1,9999',
            });
            throw new RangeError('Invalid string length');
          }
        : s.deps.readExport(path, name, options)) as typeof s.deps.readExport,
  };
  const report = await run(importInventory(config())(throwing));
  assert.equal(
    report.files.map((f) => [f.name, f.outcome]),
    [
      ['inventory-20261122T010000Z.csv', 'failed'],
      ['inventory-20261122T020000Z.csv', 'applied'],
    ],
  );
  assert.match(report.files[0]!.heldBackBecause!, /RangeError: Invalid string length/);
  assert.equal(s.folder('error'), ['inventory-20261122T010000Z.csv', 'inventory-20261122T010000Z.csv.errors.csv']);
  assert.equal(s.folder('archive'), ['inventory-20261122T020000Z.csv']);
  assert.ok((await stockOf(store)).includes('SKU-2@WAREHOUSE=7'));
  s.dispose();
});

job.run();

const events = suite('importEvents: a feed that cannot be processed goes aside, the run goes on');

const EVENT = (id: string, quantity: number) =>
  event(id, 'received', quantity, { productId: 'SKU-1', facilityId: 'WAREHOUSE' });

events(
  'an exception mid-feed: the feed goes to error/ as failed with its reason, the next feed is archived',
  async () => {
    const store = memoryInventoryStore();
    const s = await scenario(store, [
      ['a.jsonl', `${EVENT('e-1', 1)}\n`],
      ['b.jsonl', `${EVENT('e-2', 2)}\n`],
    ]);
    const reader = localLineReader();
    const throwing: LineReader = {
      readLines: (copy, options) =>
        copy.name === 'a.jsonl' ? () => Promise.reject(new TypeError('boom')) : reader.readLines(copy, options),
    };
    const deps: ImportEventsDeps = {
      ...localFileStore({ root: s.root }),
      ...throwing,
      ...localRowSpools(),
      ...store,
      ...testClock(),
    };
    const report = await run(importEvents({ ...defaultImportEventsConfig('run-1', 'worker-a'), settleMs: 10 })(deps));
    assert.equal(
      report.files.map((f) => [f.name, f.outcome, f.applied]),
      [
        ['a.jsonl', 'failed', 0],
        ['b.jsonl', 'archived', 1],
      ],
    );
    assert.match(report.files[0]!.heldBackBecause!, /could not be processed: TypeError: boom/);
    assert.equal(s.folder('archive'), ['b.jsonl']);
    assert.ok(s.folder('error').includes('a.jsonl'));
    assert.ok(readFileSync(join(s.root, 'error', report.files[0]!.errorReport!), 'utf8').includes('TypeError: boom'));
    s.dispose();
  },
);

events('a symlinked feed is reported as passed over; leftover temp files go first', async () => {
  const store = memoryInventoryStore();
  const s = await scenario(store, [['b.jsonl', `${EVENT('e-2', 2)}\n`]]);
  symlinkSync('/etc/hostname', join(s.root, 'a.jsonl'));
  mkdirSync(join(s.root, 'error'));
  const old = new Date(Date.now() - 2 * 60 * 60 * 1000);
  writeFileSync(join(s.root, 'error', '.x.jsonl.0123456789ab.part'), 'half');
  utimesSync(join(s.root, 'error', '.x.jsonl.0123456789ab.part'), old, old);
  const deps: ImportEventsDeps = {
    ...localFileStore({ root: s.root }),
    ...localLineReader(),
    ...localRowSpools(),
    ...store,
    ...testClock(),
  };
  const report = await run(importEvents({ ...defaultImportEventsConfig('run-1', 'worker-a'), settleMs: 10 })(deps));
  assert.equal(
    report.files.map((f) => [f.name, f.outcome]),
    [
      ['b.jsonl', 'archived'],
      ['a.jsonl', 'passed-over'],
    ],
  );
  assert.equal(s.folder('error'), []);
  s.dispose();
});

events.run();
