// The InventoryStore contract: one suite, run against every adapter (memory, PostgreSQL, SQLite).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type {
  ImportCommit,
  InventoryHistory,
  InventorySeed,
  InventoryStore,
  JobLease,
} from '../../../src/application/index.ts';
import type { StockAdjustment } from '../../../src/domain/index.ts';
import { stockLevelsOf } from '../../../src/application/columnar.ts';
import { run } from '../../support/run.ts';

/** A store under test and how to dispose of it. */
export interface StoreUnderTest {
  readonly store: InventoryStore & InventoryHistory & InventorySeed & JobLease;
  readonly dispose: () => Promise<void>;
}

const adjustment = (
  productId: string,
  facilityId: string,
  qoh: [number, number],
  atp: [number, number],
  line: number,
): StockAdjustment => ({
  productId,
  facilityId,
  quantityOnHandBefore: qoh[0],
  quantityOnHandAfter: qoh[1],
  availableToPromiseBefore: atp[0],
  availableToPromiseAfter: atp[1],
  fileQuantity: atp[1],
  created: qoh[0] === 0 && atp[0] === 0,
  line,
});

const commit = (
  name: string,
  sha256: string,
  adjustments: ReadonlyArray<StockAdjustment>,
  outcome: 'applied' | 'held-back' = 'applied',
): ImportCommit => ({
  runId: 'run-1',
  file: { name, sha256, bytes: 123 },
  outcome,
  method: 'exact-atp',
  adjustments,
  counts: { rowsRead: adjustments.length + 1, adjusted: adjustments.length, unchanged: 1, rejected: 0 },
  at: new Date('2026-11-22T01:00:00.000Z'),
});

const byKey = <A extends { productId: string; facilityId: string }>(xs: ReadonlyArray<A>) =>
  [...xs].sort((a, b) => `${a.productId}|${a.facilityId}`.localeCompare(`${b.productId}|${b.facilityId}`));

/** Registers and runs the contract suite for one adapter. */
export const inventoryStoreContract = (adapter: string, open: () => Promise<StoreUnderTest>): void => {
  const test = suite(`InventoryStore contract: ${adapter}`);
  let subject: StoreUnderTest;
  test.before.each(async () => {
    subject = await open();
  });
  test.after.each(async () => {
    await subject.dispose();
  });

  test('an empty store has nothing', async () => {
    const { store } = subject;
    assert.equal([...(await run(store.facilityIdsByExternalId()))], []);
    assert.equal(stockLevelsOf(await run(store.stockLevels())), []);
    assert.is(await run(store.importedFile('a.csv', 'f'.repeat(64))), null);
    assert.equal(await run(store.changedProductIds()), []);
  });

  test('master data and stock round-trip exactly, odd characters and decimals included', async () => {
    const { store } = subject;
    await run(
      store.saveFacilities([
        { facilityId: 'WH\\1', externalId: '101' },
        { facilityId: "STORE 'Ø'", externalId: '102' },
      ]),
    );
    await run(store.saveProducts([{ productId: 'P"1', externalId: '9001' }]));
    await run(
      store.saveStockLevels([
        { productId: 'P"1', facilityId: 'WH\\1', quantityOnHand: 0.1, availableToPromise: -2.5 },
        { productId: 'P"1', facilityId: "STORE 'Ø'", quantityOnHand: 1_000_000_000, availableToPromise: 0.00001 },
      ]),
    );
    assert.equal([...(await run(store.facilityIdsByExternalId()))].sort(), [
      ['101', 'WH\\1'],
      ['102', "STORE 'Ø'"],
    ]);
    assert.equal([...(await run(store.productIdsByExternalId()))], [['9001', 'P"1']]);
    assert.equal(
      byKey(stockLevelsOf(await run(store.stockLevels()))),
      byKey([
        { productId: 'P"1', facilityId: 'WH\\1', quantityOnHand: 0.1, availableToPromise: -2.5 },
        { productId: 'P"1', facilityId: "STORE 'Ø'", quantityOnHand: 1_000_000_000, availableToPromise: 0.00001 },
      ]),
    );
  });

  test('commitImport writes positions, history and changed products together, exactly once per file', async () => {
    const { store } = subject;
    await run(
      store.saveStockLevels([{ productId: 'P1', facilityId: 'F1', quantityOnHand: 10, availableToPromise: 8 }]),
    );
    const adjustments = [adjustment('P1', 'F1', [10, 7.5], [8, 5.5], 2), adjustment('P2', 'F1', [0, 3], [0, 3], 3)];
    assert.is(await run(store.commitImport(commit('inv.csv', 'a'.repeat(64), adjustments))), 'committed');
    assert.equal(byKey(stockLevelsOf(await run(store.stockLevels()))), [
      { productId: 'P1', facilityId: 'F1', quantityOnHand: 7.5, availableToPromise: 5.5 },
      { productId: 'P2', facilityId: 'F1', quantityOnHand: 3, availableToPromise: 3 },
    ]);
    const history = await run(store.variances('inv.csv'));
    assert.equal(
      history.map(({ sourceFile, runId, recordedAt, ...a }) => a),
      adjustments,
    );
    assert.equal(
      history.map((h) => [h.sourceFile, h.runId, h.recordedAt.toISOString()]),
      [
        ['inv.csv', 'run-1', '2026-11-22T01:00:00.000Z'],
        ['inv.csv', 'run-1', '2026-11-22T01:00:00.000Z'],
      ],
    );
    assert.equal(await run(store.changedProductIds()), ['P1', 'P2']);
    const recorded = await run(store.importedFile('inv.csv', 'a'.repeat(64)));
    assert.equal(recorded && [recorded.outcome, recorded.runId, recorded.importedAt.toISOString()], [
      'applied',
      'run-1',
      '2026-11-22T01:00:00.000Z',
    ]);

    // The same file again writes nothing.
    assert.is(
      await run(store.commitImport(commit('inv.csv', 'a'.repeat(64), [adjustment('P1', 'F1', [7.5, 1], [5.5, 1], 2)]))),
      'already-imported',
    );
    assert.is((await run(store.variances('inv.csv'))).length, 2);
    assert.equal(byKey(stockLevelsOf(await run(store.stockLevels())))[0], {
      productId: 'P1',
      facilityId: 'F1',
      quantityOnHand: 7.5,
      availableToPromise: 5.5,
    });
    // The same name with other content is another file.
    assert.is(await run(store.commitImport(commit('inv.csv', 'b'.repeat(64), []))), 'committed');
  });

  test('commitImport applies each adjustment as a delta on top of the position at commit; history has the true before', async () => {
    const { store } = subject;
    // The plan read QOH 10, ATP 8 and resets ATP to 20 (exact-atp: +12 on both). Before its commit, 3 more units
    // were reserved (ATP 5) and 1 shipped (QOH 9); a position the plan thought missing was created (4, 4).
    await run(
      store.saveStockLevels([
        { productId: 'P1', facilityId: 'F1', quantityOnHand: 9, availableToPromise: 5 },
        { productId: 'P2', facilityId: 'F1', quantityOnHand: 4, availableToPromise: 4 },
      ]),
    );
    const adjustments = [adjustment('P1', 'F1', [10, 22], [8, 20], 2), adjustment('P2', 'F1', [0, 3], [0, 3], 3)];
    assert.is(await run(store.commitImport(commit('delta.csv', 'd'.repeat(64), adjustments))), 'committed');
    assert.equal(
      byKey(stockLevelsOf(await run(store.stockLevels()))),
      byKey([
        { productId: 'P1', facilityId: 'F1', quantityOnHand: 21, availableToPromise: 17 },
        { productId: 'P2', facilityId: 'F1', quantityOnHand: 7, availableToPromise: 7 },
      ]),
    );
    const history = byKey(await run(store.variances('delta.csv')));
    assert.equal(
      history.map((v) => [
        v.productId,
        v.quantityOnHandBefore,
        v.quantityOnHandAfter,
        v.availableToPromiseBefore,
        v.availableToPromiseAfter,
        v.fileQuantity,
        v.created,
      ]),
      [
        ['P1', 9, 21, 5, 17, 20, false],
        ['P2', 4, 7, 4, 7, 3, false],
      ],
    );
  });

  test('commitImport of positions that are all new (a first load), in the plan order; one created meanwhile is moved by its delta', async () => {
    const { store } = subject;
    const load = [
      adjustment('P3', 'F1', [0, 5], [0, 5], 2),
      adjustment('P1', 'F2', [0, 2.5], [0, 2.5], 3),
      adjustment('P1', 'F1', [0, 1], [0, 1], 4),
    ];
    assert.is(await run(store.commitImport(commit('first.csv', 'f'.repeat(64), load))), 'committed');
    assert.equal(byKey(stockLevelsOf(await run(store.stockLevels()))), [
      { productId: 'P1', facilityId: 'F1', quantityOnHand: 1, availableToPromise: 1 },
      { productId: 'P1', facilityId: 'F2', quantityOnHand: 2.5, availableToPromise: 2.5 },
      { productId: 'P3', facilityId: 'F1', quantityOnHand: 5, availableToPromise: 5 },
    ]);
    assert.equal(
      (await run(store.variances('first.csv'))).map(({ sourceFile, runId, recordedAt, ...a }) => a),
      load,
    );
    assert.equal(await run(store.changedProductIds()), ['P1', 'P3']);
    // All new again, for P1 (marked by the first load already) and P6: P6 is marked too.
    const more = [adjustment('P1', 'F3', [0, 7], [0, 7], 2), adjustment('P6', 'F1', [0, 1], [0, 1], 3)];
    assert.is(await run(store.commitImport(commit('more.csv', 'm'.repeat(64), more))), 'committed');
    assert.equal(await run(store.changedProductIds()), ['P1', 'P3', 'P6']);
    assert.equal(
      (await run(store.variances('more.csv'))).map((v) => [v.productId, v.created]),
      [
        ['P1', true],
        ['P6', true],
      ],
    );
    // The plan found P5 missing; another writer created it before the commit: it moves by the file's change.
    await run(store.saveStockLevels([{ productId: 'P5', facilityId: 'F1', quantityOnHand: 2, availableToPromise: 1 }]));
    const next = [adjustment('P4', 'F1', [0, 3], [0, 3], 2), adjustment('P5', 'F1', [0, 4], [0, 4], 3)];
    assert.is(await run(store.commitImport(commit('next.csv', 'n'.repeat(64), next))), 'committed');
    assert.equal(byKey(stockLevelsOf(await run(store.stockLevels()))).slice(4, 6), [
      { productId: 'P4', facilityId: 'F1', quantityOnHand: 3, availableToPromise: 3 },
      { productId: 'P5', facilityId: 'F1', quantityOnHand: 6, availableToPromise: 5 },
    ]);
    assert.equal(
      (await run(store.variances('next.csv'))).map((v) => [
        v.productId,
        v.quantityOnHandBefore,
        v.quantityOnHandAfter,
        v.availableToPromiseBefore,
        v.availableToPromiseAfter,
        v.created,
      ]),
      [
        ['P4', 0, 3, 0, 3, true],
        ['P5', 2, 6, 1, 5, false],
      ],
    );
  });

  test('a held-back file is recorded without touching stock', async () => {
    const { store } = subject;
    assert.is(await run(store.commitImport(commit('bad.csv', 'c'.repeat(64), [], 'held-back'))), 'committed');
    assert.is((await run(store.importedFile('bad.csv', 'c'.repeat(64))))?.outcome, 'held-back');
    assert.equal(stockLevelsOf(await run(store.stockLevels())), []);
    assert.equal(await run(store.appliedFiles()), [], 'a held-back file is no applied snapshot');
    await run(store.commitImport(commit('good.csv', 'e'.repeat(64), [])));
    assert.equal(
      (await run(store.appliedFiles())).map((f) => [f.name, f.sha256, f.outcome, f.runId, f.importedAt.toISOString()]),
      [['good.csv', 'e'.repeat(64), 'applied', 'run-1', '2026-11-22T01:00:00.000Z']],
    );
  });

  test('job lock: one owner at a time; renewable; free after its lease or its release', async () => {
    const { store } = subject;
    const t = (s: number) => new Date(Date.UTC(2026, 10, 22, 1, 0, s));
    assert.ok(await run(store.acquireJobLock('RESET_INVENTORY', 'worker-a', t(30), t(0))));
    assert.not.ok(await run(store.acquireJobLock('RESET_INVENTORY', 'worker-b', t(40), t(10))));
    assert.ok(await run(store.acquireJobLock('RESET_INVENTORY', 'worker-a', t(60), t(20))), 'renewed by its owner');
    assert.not.ok(
      await run(store.acquireJobLock('RESET_INVENTORY', 'worker-b', t(70), t(40))),
      'the renewed lease still runs',
    );
    assert.ok(
      await run(store.acquireJobLock('RESET_INVENTORY', 'worker-b', t(90), t(60))),
      'taken over once it ran out',
    );
    await run(store.releaseJobLock('RESET_INVENTORY', 'worker-a'));
    assert.not.ok(
      await run(store.acquireJobLock('RESET_INVENTORY', 'worker-a', t(95), t(61))),
      "a non-owner's release changes nothing",
    );
    await run(store.releaseJobLock('RESET_INVENTORY', 'worker-b'));
    assert.ok(await run(store.acquireJobLock('RESET_INVENTORY', 'worker-a', t(95), t(62))));
    assert.ok(await run(store.acquireJobLock('OTHER_JOB', 'worker-b', t(95), t(62))), 'jobs lock separately');
  });

  test.run();
};
