import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as TE from 'fp-ts/lib/TaskEither.js';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { memoryInventoryStore } from '../../src/adapters/memory/memory-inventory-store.ts';
import {
  defaultImportConfig,
  importInventory,
  archiveName,
  DEFAULT_EXPORT_TIME_PATTERN,
  exportTimeOf,
  errorName,
  exportTimePatternProblem,
  importOrder,
  readyFiles,
  RESET_INVENTORY,
  type ImportConfig,
  type ImportDeps,
} from '../../src/application/import-inventory.ts';
import { stockLevelsOf } from '../../src/application/columnar.ts';
import { exportFileName, partFileName } from '../../src/suitescript/export-names.ts';
import type { StockLevel } from '../../src/domain/index.ts';
import { exportCsv, scenario, type Store } from '../support/import-scenario.ts';
import { run, runLeft } from '../support/run.ts';

const config = (overrides: Partial<ImportConfig> = {}): ImportConfig => ({
  ...defaultImportConfig('run-1', 'worker-a'),
  settleMs: 10,
  ...overrides,
});
const sorted = (levels: ReadonlyArray<StockLevel>) =>
  [...levels].sort((a, b) => `${a.productId}|${a.facilityId}`.localeCompare(`${b.productId}|${b.facilityId}`));
const stockOf = async (store: Store) => sorted(stockLevelsOf(await run(store.stockLevels())));

const FILE_A = exportCsv([
  'ITEM-1,101,85,9001',
  'ITEM-2,101,20,9002',
  'ITEM-3,102,"1,234.5",9003',
  'ITEM-1,102,7,9001',
]);
const FILE_B = exportCsv(['ITEM-1,101,80,9001']);

const job = suite('importInventory');

job('imports every settled file oldest first, archives it, and writes history and changed products', async () => {
  const store = memoryInventoryStore();
  const s = await scenario(store, [
    ['inventory-2026-11-22T010000Z.csv', FILE_A],
    ['inventory-2026-11-22T013000Z.csv', FILE_B],
  ]);
  const report = await run(importInventory(config())(s.deps));
  assert.equal(
    report.files.map((f) => [f.name, f.outcome, f.rowsRead, f.adjusted, f.unchanged, f.rejected]),
    [
      ['inventory-2026-11-22T010000Z.csv', 'applied', 4, 3, 1, 0],
      ['inventory-2026-11-22T013000Z.csv', 'applied', 1, 1, 0, 0],
    ],
  );
  assert.equal(
    [report.filesSeen, report.rowsRead, report.adjusted, report.unchanged, report.rejected, report.lockAcquired],
    [2, 5, 4, 1, 0, true],
  );
  assert.equal(await stockOf(store), [
    { productId: 'SKU-1', facilityId: 'STORE', quantityOnHand: 7, availableToPromise: 7 },
    { productId: 'SKU-1', facilityId: 'WAREHOUSE', quantityOnHand: 90, availableToPromise: 80 },
    { productId: 'SKU-2', facilityId: 'WAREHOUSE', quantityOnHand: 20, availableToPromise: 20 },
    { productId: 'SKU-3', facilityId: 'STORE', quantityOnHand: 1234.5, availableToPromise: 1234.5 },
  ]);
  const history = await run(store.variances('inventory-2026-11-22T010000Z.csv'));
  assert.equal(
    history.map((v) => [
      v.productId,
      v.facilityId,
      v.availableToPromiseBefore,
      v.availableToPromiseAfter,
      v.line,
      v.runId,
    ]),
    [
      ['SKU-1', 'WAREHOUSE', 90, 85, 2, 'run-1'],
      ['SKU-3', 'STORE', 5, 1234.5, 4, 'run-1'],
      ['SKU-1', 'STORE', 0, 7, 5, 'run-1'],
    ],
  );
  assert.equal(await run(store.changedProductIds()), ['SKU-1', 'SKU-3']);
  assert.equal(s.folder(''), []);
  assert.equal(s.folder('archive'), ['inventory-2026-11-22T010000Z.csv', 'inventory-2026-11-22T013000Z.csv']);
  assert.equal(s.folder('error'), []);
  const again = await run(importInventory(config({ runId: 'run-2' }))(s.deps));
  assert.equal([again.filesSeen, again.files.length], [0, 0], 'a second run finds nothing to do');
  s.dispose();
});

job('rows that cannot be applied are reported with line, field and reason; the rest applies', async () => {
  const store = memoryInventoryStore();
  const s = await scenario(store, [
    [
      'mixed.csv',
      exportCsv([
        'ITEM-1,101,85,9001',
        'ITEM-X,101,5,9999',
        'ITEM-2,103,5,9002',
        'ITEM-2,101,abc,9002',
        'ITEM-3,102,4,9003',
        'ITEM-3,102,6,9003',
        'ITEM-2,102,3,9002',
        'ITEM-1,102,2,9001',
        'ITEM-2,101,20,9002',
        'ITEM-1,101,85,9001',
        'ITEM-1,101,85,9001',
      ]),
    ],
  ]);
  const report = await run(importInventory(config())(s.deps));
  const file = report.files[0]!;
  assert.equal([file.outcome, file.rowsRead, file.adjusted, file.unchanged, file.rejected], ['applied', 11, 3, 1, 5]);
  assert.equal(
    file.rejectedRows.map((r) => [r.line, r.field]),
    [
      [3, 'idValue'],
      [4, 'externalFacilityId'],
      [5, 'availableQty'],
      [6, 'availableQty'],
      [7, 'availableQty'],
    ],
  );
  assert.match(file.rejectedRows[0]!.reason, /unknown item/);
  assert.match(file.rejectedRows[1]!.reason, /unknown location/);
  assert.match(file.rejectedRows[3]!.reason, /conflicting duplicate.*4, 6.*lines 6, 7/);
  assert.equal(s.folder('archive'), ['mixed.csv']);
  assert.equal(s.folder('error'), ['mixed.csv.rejected-rows.csv']);
  const errors = readFileSync(join(s.root, 'error', 'mixed.csv.rejected-rows.csv'), 'utf8').split('\n');
  assert.is(errors[0], 'file,line,field,reason');
  assert.is(errors.filter((l) => l.startsWith('mixed.csv,')).length, 5);
  assert.equal(
    (await stockOf(store)).find((l) => l.productId === 'SKU-3'),
    { productId: 'SKU-3', facilityId: 'STORE', quantityOnHand: 5, availableToPromise: 5 },
    'the conflicting position is left as it was',
  );
  s.dispose();
});

job('a file where most rows are bad is held back whole: nothing applied, file and report in error/', async () => {
  const store = memoryInventoryStore();
  const s = await scenario(store, [
    ['broken.csv', exportCsv(['ITEM-1,101,85,9001', 'ITEM-1,101,x,9001b', 'ITEM-2,101,-4,9002'])],
  ]);
  const report = await run(importInventory(config())(s.deps));
  const file = report.files[0]!;
  assert.equal([file.outcome, file.rowsRead, file.adjusted, file.rejected], ['held-back', 3, 0, 2]);
  assert.match(file.heldBackBecause ?? '', /2 of 3 rows rejected, more than the 50% allowed/);
  assert.equal(s.folder('error'), ['broken.csv', 'broken.csv.errors.csv']);
  assert.match(
    readFileSync(join(s.root, 'error', 'broken.csv.errors.csv'), 'utf8'),
    /file held back: 2 of 3 rows rejected/,
  );
  assert.equal(await stockOf(store), sorted((await import('../support/import-scenario.ts')).STOCK));
  assert.is(
    (await run(store.importedFile('broken.csv', (await run(s.deps.fetch('error', 'broken.csv'))).sha256)))?.outcome,
    'held-back',
  );
  s.dispose();
});

job('files that cannot be read as an export are held back with the reason', async () => {
  const cases: ReadonlyArray<[string, string | Buffer, RegExp]> = [
    ['empty.csv', '', /empty/],
    ['header-only.csv', exportCsv([]), /header and no rows/],
    [
      'renamed-column.csv',
      exportCsv(['ITEM-1,101,85,9001'], 'Item,externalFacilityId,available,idValue'),
      /missing: availableQty/,
    ],
    [
      'latin1.csv',
      Buffer.concat([
        Buffer.from(exportCsv(['ITEM-1,101,85,9001'])),
        Buffer.from([
          0x43, 0x61, 0x66, 0xe9, 0x2c, 0x31, 0x30, 0x31, 0x2c, 0x31, 0x2c, 0x39, 0x30, 0x30, 0x32, 0x0d, 0x0a,
        ]),
      ]),
      /UTF-8/,
    ],
  ];
  for (const [name, content, reason] of cases) {
    const store = memoryInventoryStore();
    const s = await scenario(store, [[name, content]]);
    const file = (await run(importInventory(config())(s.deps))).files[0]!;
    assert.is(file.outcome, 'held-back', name);
    assert.match(file.heldBackBecause ?? '', reason, name);
    assert.equal(s.folder('error'), [name, `${name}.errors.csv`], name);
    assert.equal(await stockOf(store), sorted((await import('../support/import-scenario.ts')).STOCK), name);
    s.dispose();
  }
});

job('a file larger than the limit is held back without being read', async () => {
  const store = memoryInventoryStore();
  const s = await scenario(store, [['big.csv', exportCsv(['ITEM-1,101,85,9001'])]]);
  const file = (await run(importInventory(config({ maxBytes: 10 }))(s.deps))).files[0]!;
  assert.equal([file.outcome, file.rowsRead], ['held-back', 0]);
  assert.match(file.heldBackBecause ?? '', /more than the 10 allowed/);
  s.dispose();
});

job('temporary names are never imported, and a file still growing waits for the next run', async () => {
  const store = memoryInventoryStore();
  const s = await scenario(store, [
    ['.inventory.csv.part', FILE_A],
    ['inventory.csv.tmp', FILE_A],
    ['notes.txt', 'x'],
    ['growing.csv', FILE_B],
  ]);
  // The second listing sees growing.csv bigger: an upload in progress.
  let listings = 0;
  const deps: ImportDeps = {
    ...s.deps,
    list: (folder) => {
      listings++;
      return listings === 2
        ? TE.map((files: ReadonlyArray<{ name: string; size: number; modifiedAt: Date }>) =>
            files.map((f) => (f.name === 'growing.csv' ? { ...f, size: f.size + 100 } : f)),
          )(s.deps.list(folder))
        : s.deps.list(folder);
    },
  };
  const report = await run(importInventory(config())(deps));
  assert.equal(
    report.files.map((f) => [f.name, f.outcome]),
    [['growing.csv', 'in-progress']],
  );
  assert.equal(s.folder(''), ['.inventory.csv.part', 'growing.csv', 'inventory.csv.tmp', 'notes.txt']);
  const next = await run(importInventory(config({ runId: 'run-2' }))(s.deps));
  assert.equal(
    next.files.map((f) => [f.name, f.outcome]),
    [['growing.csv', 'applied']],
  );
  s.dispose();
});

job('readyFiles orders by time, then name, and holds back changed files', () => {
  const f = (name: string, size: number, s: number) => ({
    name,
    size,
    modifiedAt: new Date(Date.UTC(2026, 0, 1, 0, 0, s)),
  });
  const { ready, changing } = readyFiles(
    [f('b.csv', 1, 1), f('a.csv', 1, 1), f('c.csv', 1, 0), f('d.csv', 1, 0)],
    [f('b.csv', 1, 1), f('a.csv', 1, 1), f('c.csv', 1, 0), f('d.csv', 2, 0), f('e.csv', 1, 0)],
  );
  assert.equal(
    ready.map((x) => x.name),
    ['c.csv', 'a.csv', 'b.csv'],
  );
  assert.equal(
    changing.map((x) => x.name),
    ['d.csv', 'e.csv'],
  );
});

job('each reset method, as configured', async () => {
  const expected: Record<string, [number, number]> = {
    'exact-atp': [95, 85],
    'exact-qoh': [85, 75],
    'cycle-count': [85, 85],
  };
  for (const method of ['exact-atp', 'exact-qoh', 'cycle-count'] as const) {
    const store = memoryInventoryStore();
    const s = await scenario(store, [['one.csv', exportCsv(['ITEM-1,101,85,9001'])]]);
    await run(importInventory(config({ method }))(s.deps));
    const level = (await stockOf(store)).find((l) => l.productId === 'SKU-1' && l.facilityId === 'WAREHOUSE')!;
    assert.equal([level.quantityOnHand, level.availableToPromise], expected[method], method);
    s.dispose();
  }
});

const crashes = suite('importInventory: stopped anywhere, run again, same state as one clean run');

const cleanRun = async () => {
  const store = memoryInventoryStore();
  const s = await scenario(store, [
    ['a.csv', FILE_A],
    ['b.csv', FILE_B],
  ]);
  await run(importInventory(config())(s.deps));
  const state = {
    stock: await stockOf(store),
    history: [...(await run(store.variances('a.csv'))), ...(await run(store.variances('b.csv')))].map(
      ({ recordedAt, runId, ...v }) => v,
    ),
    changed: await run(store.changedProductIds()),
    archive: s.folder('archive'),
  };
  s.dispose();
  return state;
};

const failingOnce = <F extends (...args: never[]) => TE.TaskEither<unknown, unknown>>(f: F, at: number): F => {
  let calls = 0;
  return ((...args: Parameters<F>) =>
    ++calls === at
      ? TE.left({ _tag: 'FileStoreUnavailable', store: 'test', reason: 'stopped here', retriable: true })
      : f(...args)) as unknown as F;
};

for (const [where, breakDeps] of [
  ['before the first commit', (d: ImportDeps): ImportDeps => ({ ...d, commitImport: failingOnce(d.commitImport, 1) })],
  ['after the first commit, before its move', (d: ImportDeps): ImportDeps => ({ ...d, move: failingOnce(d.move, 1) })],
  ['after the second commit, before its move', (d: ImportDeps): ImportDeps => ({ ...d, move: failingOnce(d.move, 2) })],
  ['while fetching the second file', (d: ImportDeps): ImportDeps => ({ ...d, fetch: failingOnce(d.fetch, 2) })],
] as const) {
  crashes(where, async () => {
    const clean = await cleanRun();
    const store = memoryInventoryStore();
    const s = await scenario(store, [
      ['a.csv', FILE_A],
      ['b.csv', FILE_B],
    ]);
    const failure = await runLeft(importInventory(config())(breakDeps(s.deps)));
    assert.is((failure as { retriable?: boolean }).retriable, true);
    const rerun = await run(importInventory(config({ runId: 'run-2' }))(s.deps));
    assert.ok(rerun.files.every((f) => f.outcome === 'applied' || f.outcome === 'already-imported'));
    const state = {
      stock: await stockOf(store),
      history: [...(await run(store.variances('a.csv'))), ...(await run(store.variances('b.csv')))].map(
        ({ recordedAt, runId, ...v }) => v,
      ),
      changed: await run(store.changedProductIds()),
      archive: s.folder('archive'),
    };
    assert.equal(state, clean);
    assert.equal(s.folder(''), []);
    s.dispose();
  });
}

crashes('a second worker does nothing while the first holds the job', async () => {
  const store = memoryInventoryStore();
  const s = await scenario(store, [['a.csv', FILE_A]]);
  const now = s.clock.now();
  assert.ok(await run(store.acquireJobLock(RESET_INVENTORY, 'worker-b', new Date(now.getTime() + 60_000), now)));
  const report = await run(importInventory(config())(s.deps));
  assert.equal([report.lockAcquired, report.files.length], [false, 0]);
  assert.equal(s.folder(''), ['a.csv']);
  s.clock.advance(61_000);
  const later = await run(importInventory(config())(s.deps));
  assert.equal(
    [later.lockAcquired, later.files.map((f) => f.outcome)],
    [true, ['applied']],
    'the lease of a dead worker runs out',
  );
  s.dispose();
});

const archived = suite('importInventory: a name seen before with new content is archived beside the first');

archived('archiveName: the own name while free, else the stem and the first 8 hex digits of the SHA-256', () => {
  const sha = 'abcdef0123456789'.repeat(4);
  assert.is(archiveName('inventory.csv', sha, new Set()), 'inventory.csv');
  assert.is(archiveName('inventory.csv', sha, new Set(['other.csv'])), 'inventory.csv');
  assert.is(archiveName('inventory.csv', sha, new Set(['inventory.csv'])), 'inventory.abcdef01.csv');
  assert.is(archiveName('inventory.v2.CSV', sha, new Set(['inventory.v2.CSV'])), 'inventory.v2.abcdef01.CSV');
});

archived(
  'a second file under the same name with other bytes lands beside the first, which keeps its bytes',
  async () => {
    const store = memoryInventoryStore();
    const s = await scenario(store, [['inventory.csv', FILE_A]]);
    await run(importInventory(config())(s.deps));
    writeFileSync(join(s.root, 'inventory.csv'), FILE_B);
    const report = await run(importInventory(config({ runId: 'run-2' }))(s.deps));
    const file = report.files[0]!;
    const sha = createHash('sha256').update(FILE_B).digest('hex');
    assert.equal([file.outcome, file.adjusted, file.archivedAs], ['applied', 1, `inventory.${sha.slice(0, 8)}.csv`]);
    assert.equal(s.folder('archive'), ['inventory.csv', `inventory.${sha.slice(0, 8)}.csv`].sort());
    assert.is(readFileSync(join(s.root, 'archive', 'inventory.csv'), 'utf8'), FILE_A);
    assert.is(readFileSync(join(s.root, 'archive', `inventory.${sha.slice(0, 8)}.csv`), 'utf8'), FILE_B);
    assert.equal(s.folder(''), []);
    s.dispose();
  },
);

const errors = suite('importInventory: error/ is never overwritten; a name taken there goes beside it');

const sha8 = (content: string) => createHash('sha256').update(content).digest('hex').slice(0, 8);
const EMPTY_ROWS = exportCsv([]);
const BROKEN = exportCsv(['ITEM-1,101,85,9001', 'ITEM-1,101,x,9001', 'ITEM-2,101,-4,9002']);

errors(
  'errorName: the own name while it and its report are free, else beside; a report left without its file is joined',
  () => {
    const sha = 'abcdef0123456789'.repeat(4);
    const name = 'broken.csv';
    const beside = 'broken.abcdef01.csv';
    assert.is(errorName(name, sha, new Set(), '.errors.csv'), name);
    assert.is(errorName(name, sha, new Set(['other.csv', 'other.csv.errors.csv']), '.errors.csv'), name);
    assert.is(errorName(name, sha, new Set([name]), '.errors.csv'), beside, 'the file taken');
    assert.is(errorName(name, sha, new Set([`${name}.errors.csv`]), '.errors.csv'), beside, 'its report taken');
    assert.is(errorName(name, sha, new Set([`${name}.rejected-rows.csv`]), '.errors.csv'), name, 'another report');
    assert.is(errorName(name, sha, new Set([`${name}.rejected-rows.csv`]), '.rejected-rows.csv'), beside);
    assert.is(errorName(name, sha, new Set([name, `${name}.errors.csv`]), '.errors.csv', true), beside);
    assert.is(
      errorName(name, sha, new Set([name, `${name}.errors.csv`, `${beside}.errors.csv`]), '.errors.csv', true),
      beside,
      'its own report, written by a run that stopped before the move',
    );
    assert.is(errorName(name, sha, new Set([`${name}.errors.csv`]), '.errors.csv', true), name);
  },
);

errors(
  'a second held-back file of the same name lands beside the first with its report; the first keeps its bytes',
  async () => {
    const store = memoryInventoryStore();
    const s = await scenario(store, [['broken.csv', EMPTY_ROWS]]);
    const first = (await run(importInventory(config())(s.deps))).files[0]!;
    assert.equal([first.outcome, first.errorAs], ['held-back', undefined]);
    const firstReport = readFileSync(join(s.root, 'error', 'broken.csv.errors.csv'), 'utf8');
    writeFileSync(join(s.root, 'broken.csv'), BROKEN);
    const second = (await run(importInventory(config({ runId: 'run-2' }))(s.deps))).files[0]!;
    const beside = `broken.${sha8(BROKEN)}.csv`;
    assert.equal([second.outcome, second.errorAs], ['held-back', beside]);
    assert.equal(s.folder('error'), ['broken.csv', 'broken.csv.errors.csv', beside, `${beside}.errors.csv`].sort());
    assert.is(readFileSync(join(s.root, 'error', 'broken.csv'), 'utf8'), EMPTY_ROWS);
    assert.is(readFileSync(join(s.root, 'error', 'broken.csv.errors.csv'), 'utf8'), firstReport);
    assert.match(firstReport, /file held back: the file has a header and no rows/);
    assert.is(readFileSync(join(s.root, 'error', beside), 'utf8'), BROKEN);
    assert.match(
      readFileSync(join(s.root, 'error', `${beside}.errors.csv`), 'utf8'),
      /^file,line,field,reason\nbroken\.csv,,,"file held back: 2 of 3 rows rejected, /,
    );
    assert.equal(s.folder(''), []);
    s.dispose();
  },
);

errors('a rejected-rows report whose name is taken goes beside it; the earlier report stays', async () => {
  const store = memoryInventoryStore();
  const one = exportCsv(['ITEM-1,101,85,9001', 'ITEM-X,101,5,9999', 'ITEM-2,101,20,9002']);
  const two = exportCsv(['ITEM-1,101,84,9001', 'ITEM-2,103,5,9002', 'ITEM-2,101,21,9002']);
  const s = await scenario(store, [['mixed.csv', one]]);
  await run(importInventory(config())(s.deps));
  const firstReport = readFileSync(join(s.root, 'error', 'mixed.csv.rejected-rows.csv'), 'utf8');
  writeFileSync(join(s.root, 'mixed.csv'), two);
  const second = (await run(importInventory(config({ runId: 'run-2' }))(s.deps))).files[0]!;
  const beside = `mixed.${sha8(two)}.csv`;
  assert.equal([second.outcome, second.rejected, second.archivedAs, second.errorAs], ['applied', 1, beside, beside]);
  assert.equal(s.folder('error'), ['mixed.csv.rejected-rows.csv', `${beside}.rejected-rows.csv`].sort());
  assert.is(readFileSync(join(s.root, 'error', 'mixed.csv.rejected-rows.csv'), 'utf8'), firstReport);
  assert.match(firstReport, /mixed\.csv,3,idValue,unknown item/);
  assert.match(
    readFileSync(join(s.root, 'error', `${beside}.rejected-rows.csv`), 'utf8'),
    /mixed\.csv,3,externalFacilityId,unknown location/,
  );
  s.dispose();
});

errors(
  'stopped between the record and the move, a rerun moves the file beside its own report, not over the first',
  async () => {
    const store = memoryInventoryStore();
    const s = await scenario(store, [['broken.csv', EMPTY_ROWS]]);
    await run(importInventory(config())(s.deps));
    writeFileSync(join(s.root, 'broken.csv'), BROKEN);
    let moves = 0;
    const stopping: ImportDeps = {
      ...s.deps,
      move: (...args) =>
        ++moves === 1
          ? TE.left({ _tag: 'FileStoreUnavailable', store: 'test', reason: 'stopped here', retriable: true })
          : s.deps.move(...args),
    };
    await runLeft(importInventory(config({ runId: 'run-2' }))(stopping));
    const beside = `broken.${sha8(BROKEN)}.csv`;
    assert.equal(s.folder('error'), ['broken.csv', 'broken.csv.errors.csv', `${beside}.errors.csv`].sort());
    const rerun = (await run(importInventory(config({ runId: 'run-3' }))(s.deps))).files[0]!;
    assert.equal([rerun.outcome, rerun.errorAs], ['already-imported', beside]);
    assert.equal(s.folder('error'), ['broken.csv', 'broken.csv.errors.csv', beside, `${beside}.errors.csv`].sort());
    assert.is(readFileSync(join(s.root, 'error', 'broken.csv'), 'utf8'), EMPTY_ROWS);
    assert.is(readFileSync(join(s.root, 'error', beside), 'utf8'), BROKEN);
    assert.equal(s.folder(''), []);
    s.dispose();
  },
);

errors(
  'stopped between a rejected-rows report and the commit, a rerun writes its report beside, not over',
  async () => {
    const store = memoryInventoryStore();
    const content = exportCsv(['ITEM-1,101,85,9001', 'ITEM-X,101,5,9999', 'ITEM-2,101,20,9002']);
    const s = await scenario(store, [['mixed.csv', content]]);
    await runLeft(importInventory(config())({ ...s.deps, commitImport: failingOnce(s.deps.commitImport, 1) }));
    assert.equal(s.folder('error'), ['mixed.csv.rejected-rows.csv']);
    const rerun = (await run(importInventory(config({ runId: 'run-2' }))(s.deps))).files[0]!;
    const beside = `mixed.${sha8(content)}.csv`;
    assert.equal([rerun.outcome, rerun.errorAs, rerun.archivedAs], ['applied', beside, undefined]);
    assert.equal(s.folder('error'), [`${beside}.rejected-rows.csv`, 'mixed.csv.rejected-rows.csv']);
    assert.is(
      readFileSync(join(s.root, 'error', `${beside}.rejected-rows.csv`), 'utf8'),
      readFileSync(join(s.root, 'error', 'mixed.csv.rejected-rows.csv'), 'utf8'),
    );
    assert.equal(s.folder('archive'), ['mixed.csv']);
    s.dispose();
  },
);

errors('a held-back file dropped in again is recognised and goes beside its first copy, never over it', async () => {
  const store = memoryInventoryStore();
  const s = await scenario(store, [['broken.csv', BROKEN]]);
  await run(importInventory(config())(s.deps));
  writeFileSync(join(s.root, 'broken.csv'), BROKEN);
  const again = (await run(importInventory(config({ runId: 'run-2' }))(s.deps))).files[0]!;
  const beside = `broken.${sha8(BROKEN)}.csv`;
  assert.equal([again.outcome, again.errorAs], ['already-imported', beside]);
  assert.equal(s.folder('error'), ['broken.csv', 'broken.csv.errors.csv', beside].sort());
  s.dispose();
});

const order = suite('importInventory: snapshot order');

const NEWER = 'inventory-20261122T013000Z.csv';
const OLDER = 'inventory-20261115T013000Z.csv';

order('exportTimeOf reads the names the export SuiteScript writes, parts included; nothing else', () => {
  const pattern = new RegExp(DEFAULT_EXPORT_TIME_PATTERN);
  const at = new Date('2026-11-22T01:30:05.000Z');
  assert.equal(exportTimeOf(exportFileName('inventory', at), pattern), at);
  assert.equal(exportTimeOf(partFileName(exportFileName('stock_us', at), 2), pattern), at);
  for (const name of [
    'inventory.csv',
    'inventory-2026-11-22T010000Z.csv',
    'inventory-20261322T010000Z.csv',
    'inventory-20260230T010000Z.csv',
  ])
    assert.is(exportTimeOf(name, pattern), null, name);
  assert.is(exportTimePatternProblem(DEFAULT_EXPORT_TIME_PATTERN), null);
  assert.match(exportTimePatternProblem('(') ?? '', /not a regular expression/);
  assert.match(exportTimePatternProblem('(?<year>\\d{4})') ?? '', /month, day, hour, minute are missing/);
});

order(
  'an export older than the newest one applied is held back with the reason, recorded, and never retried',
  async () => {
    const store = memoryInventoryStore();
    const s = await scenario(store, [[NEWER, FILE_B]]);
    await run(importInventory(config())(s.deps));
    const stock = await stockOf(store);
    // Last week's export, dropped in under its own (older) name, with other numbers.
    const stale = exportCsv(['ITEM-1,101,10,9001', 'ITEM-2,101,1,9002']);
    writeFileSync(join(s.root, OLDER), stale);
    const report = await run(importInventory(config({ runId: 'run-2' }))(s.deps));
    const file = report.files[0]!;
    const reason = `older than the snapshot of ${NEWER} applied at 2026-11-22T02:00:00.010Z`;
    assert.equal(
      [file.name, file.outcome, file.adjusted, file.exportedAt],
      [OLDER, 'held-back', 0, new Date('2026-11-15T01:30:00.000Z')],
    );
    assert.ok(file.heldBackBecause?.startsWith(reason), file.heldBackBecause);
    assert.equal(await stockOf(store), stock, 'no stock changed');
    assert.equal(s.folder('error'), [OLDER, `${OLDER}.errors.csv`]);
    assert.match(
      readFileSync(join(s.root, 'error', `${OLDER}.errors.csv`), 'utf8'),
      new RegExp(`file held back: ${reason}`),
    );
    // Recorded: the same file dropped in again is recognised, moved to error/ and not tried again.
    writeFileSync(join(s.root, OLDER), stale);
    const again = await run(importInventory(config({ runId: 'run-3' }))(s.deps));
    assert.equal(
      again.files.map((f) => f.outcome),
      ['already-imported'],
    );
    assert.equal(await stockOf(store), stock);
    assert.equal(s.folder(''), []);
    s.dispose();
  },
);

order('importOrder: exports by the time in their names (ties: arrival), then the names without one, by arrival', () => {
  const pattern = new RegExp(DEFAULT_EXPORT_TIME_PATTERN);
  const f = (name: string) => ({ name, size: 1, modifiedAt: new Date(0) });
  // In arrival order, as readyFiles gives them.
  const arrived = [
    f('manual-fix.csv'),
    f('inventory-20261203T010000Z.csv'),
    f('stock_us-20261202T010000Z.csv'),
    f('inventory-20261203T010000Z-part002.csv'),
    f('zz-20261201T235959Z.csv'),
    f('fix-2.csv'),
    f('inventory-20261203T010000Z-part001.csv'),
  ];
  assert.equal(
    importOrder(arrived, pattern).map((x) => x.name),
    [
      'zz-20261201T235959Z.csv',
      'stock_us-20261202T010000Z.csv',
      'inventory-20261203T010000Z.csv',
      'inventory-20261203T010000Z-part002.csv',
      'inventory-20261203T010000Z-part001.csv',
      'manual-fix.csv',
      'fix-2.csv',
    ],
  );
  assert.equal(importOrder([], pattern), []);
});

order(
  'in one listing, exports apply in export-time order whatever their arrival; an older one arriving later too',
  async () => {
    const store = memoryInventoryStore();
    // Arrival (and name) order: the newer export first, then last week's under an older time, then a part of the first.
    const s = await scenario(store, [
      [NEWER, FILE_B],
      [OLDER, exportCsv(['ITEM-1,101,10,9001', 'ITEM-2,101,1,9002'])],
      ['inventory-20261122T013000Z-part002.csv', exportCsv(['ITEM-2,101,19,9002'])],
    ]);
    const report = await run(importInventory(config())(s.deps));
    assert.equal(
      report.files.map((f) => [f.name, f.outcome, f.exportedAt?.toISOString()]),
      [
        [OLDER, 'applied', '2026-11-15T01:30:00.000Z'],
        [NEWER, 'applied', '2026-11-22T01:30:00.000Z'],
        ['inventory-20261122T013000Z-part002.csv', 'applied', '2026-11-22T01:30:00.000Z'],
      ],
    );
    const levels = await stockOf(store);
    assert.equal(
      levels.filter((l) => l.facilityId === 'WAREHOUSE').map((l) => l.availableToPromise),
      [80, 19],
      'the newer export has the last word',
    );
    const [older] = await run(store.variances(OLDER));
    const [newer] = await run(store.variances(NEWER));
    assert.equal(
      [older!.availableToPromiseBefore, older!.availableToPromiseAfter],
      [90, 10],
      'the older export first, from the stock as it was',
    );
    assert.equal([newer!.availableToPromiseBefore, newer!.availableToPromiseAfter], [10, 80], 'then the newer on top');
    s.dispose();
  },
);

order('in a later listing, an export older than the one applied is still held back', async () => {
  const store = memoryInventoryStore();
  const s = await scenario(store, [[NEWER, FILE_B]]);
  await run(importInventory(config())(s.deps));
  writeFileSync(join(s.root, OLDER), exportCsv(['ITEM-1,101,10,9001']));
  writeFileSync(join(s.root, 'inventory-20261123T013000Z.csv'), exportCsv(['ITEM-1,101,60,9001']));
  const report = await run(importInventory(config({ runId: 'run-2' }))(s.deps));
  assert.equal(
    report.files.map((f) => [f.name, f.outcome, f.heldBackBecause]),
    [
      [
        OLDER,
        'held-back',
        `older than the snapshot of ${NEWER} applied at 2026-11-22T02:00:00.010Z (this export: 2026-11-15T01:30:00.000Z, that one: 2026-11-22T01:30:00.000Z)`,
      ],
      ['inventory-20261123T013000Z.csv', 'applied', undefined],
    ],
  );
  assert.is(
    (await stockOf(store)).find((l) => l.productId === 'SKU-1' && l.facilityId === 'WAREHOUSE')?.availableToPromise,
    60,
  );
  s.dispose();
});

order(
  'a name without an export time is taken after the exports of its listing, in arrival order, and the report says so',
  async () => {
    const store = memoryInventoryStore();
    const s = await scenario(store, [
      ['manual-fix.csv', exportCsv(['ITEM-1,101,70,9001'])],
      [NEWER, FILE_B],
      ['manual-fix-2.csv', exportCsv(['ITEM-2,101,7,9002'])],
    ]);
    const report = await run(importInventory(config())(s.deps));
    assert.equal(
      report.files.map((f) => [f.name, f.outcome, f.snapshotOrder]),
      [
        [NEWER, 'applied', undefined],
        ['manual-fix.csv', 'applied', 'arrival'],
        ['manual-fix-2.csv', 'applied', 'arrival'],
      ],
    );
    assert.equal(
      (await stockOf(store)).find((l) => l.productId === 'SKU-1' && l.facilityId === 'WAREHOUSE')?.availableToPromise,
      70,
    );
    s.dispose();
  },
);

order('the pattern is configurable', async () => {
  const store = memoryInventoryStore();
  const exportTimePattern = 'stock_(?<year>\\d{4})-(?<month>\\d{2})-(?<day>\\d{2})_(?<hour>\\d{2})(?<minute>\\d{2})';
  const s = await scenario(store, [
    ['stock_2026-11-22_0130.csv', FILE_B],
    ['stock_2026-11-21_2359.csv', exportCsv(['ITEM-1,101,10,9001'])],
  ]);
  const report = await run(importInventory(config({ exportTimePattern }))(s.deps));
  assert.equal(
    report.files.map((f) => [f.name, f.outcome, f.exportedAt?.toISOString()]),
    [
      ['stock_2026-11-21_2359.csv', 'applied', '2026-11-21T23:59:00.000Z'],
      ['stock_2026-11-22_0130.csv', 'applied', '2026-11-22T01:30:00.000Z'],
    ],
  );
  writeFileSync(join(s.root, 'stock_2026-11-22_0129.csv'), exportCsv(['ITEM-1,101,11,9001']));
  const later = await run(importInventory(config({ exportTimePattern, runId: 'run-2' }))(s.deps));
  assert.equal(
    later.files.map((f) => [f.outcome, f.heldBackBecause]),
    [
      [
        'held-back',
        'older than the snapshot of stock_2026-11-22_0130.csv applied at 2026-11-22T02:00:00.010Z (this export: 2026-11-22T01:29:00.000Z, that one: 2026-11-22T01:30:00.000Z)',
      ],
    ],
  );
  s.dispose();
});

const onTop = suite("importInventory: the reset is the file's change applied on top of what happened meanwhile");

// SKU-1 at WAREHOUSE: QOH 100, ATP 90 when the import reads it; the file says 85. Between that read and the commit,
// 3 units are reserved (ATP 87) and 2 reserved units ship (QOH 98, ATP 87).
for (const [method, expected] of [
  // ATP moves by the file's change (85 - 90 = -5) from 87, QOH by the same delta from 98.
  ['exact-atp', { quantityOnHand: 93, availableToPromise: 82 }],
  // QOH moves by 85 - 100 = -15 from 98, ATP by the same delta from 87.
  ['exact-qoh', { quantityOnHand: 83, availableToPromise: 72 }],
  // Both become 85 as of the read (QOH -15, ATP -5); what was reserved and shipped after it stays on top.
  ['cycle-count', { quantityOnHand: 83, availableToPromise: 82 }],
] as const) {
  onTop(method, async () => {
    const store = memoryInventoryStore();
    const s = await scenario(store, [['a.csv', exportCsv(['ITEM-1,101,85,9001'])]]);
    const report = await run(
      importInventory(config({ method }))({
        ...s.deps,
        commitImport: (commit) =>
          TE.chain(() => store.commitImport(commit))(
            store.saveStockLevels([
              { productId: 'SKU-1', facilityId: 'WAREHOUSE', quantityOnHand: 98, availableToPromise: 87 },
            ]),
          ),
      }),
    );
    assert.is(report.files[0]!.outcome, 'applied');
    const level = (await stockOf(store)).find((l) => l.productId === 'SKU-1' && l.facilityId === 'WAREHOUSE');
    assert.equal(level, { productId: 'SKU-1', facilityId: 'WAREHOUSE', ...expected });
    const [v] = await run(store.variances('a.csv'));
    assert.equal(
      [v!.quantityOnHandBefore, v!.availableToPromiseBefore, v!.quantityOnHandAfter, v!.availableToPromiseAfter],
      [98, 87, expected.quantityOnHand, expected.availableToPromise],
      'history: the true before at commit, and the after it made',
    );
    s.dispose();
  });
}

job.run();
crashes.run();
archived.run();
errors.run();
order.run();
onTop.run();
