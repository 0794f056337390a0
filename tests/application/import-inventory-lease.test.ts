// The import's lease during a long file: renewed on a timer while the file is read (a rival never gets it), and a
// lease lost mid-file (the store could not renew it) stops the run before its commit with a retriable JobLockLost.
import * as TE from 'fp-ts/lib/TaskEither.js';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { memoryInventoryStore } from '../../src/adapters/memory/memory-inventory-store.ts';
import {
  defaultImportConfig,
  importInventory,
  RESET_INVENTORY,
  type ImportDeps,
} from '../../src/application/import-inventory.ts';
import { exportCsv, scenario } from '../support/import-scenario.ts';
import { run, runLeft } from '../support/run.ts';

const FILE = exportCsv(['ITEM-1,101,85,9001']);
const LEASE_MS = 60;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// A file that takes `ms` to look at (its record is read slowly), far longer than the lease.
const slowFile = (deps: ImportDeps, ms: number): ImportDeps => ({
  ...deps,
  importedFile: (name, sha256) => async () => {
    await sleep(ms);
    return deps.importedFile(name, sha256)();
  },
});

const lease = suite('importInventory: the lease during a long file');

lease('renewed on a timer while one file takes many leases: a rival never takes it, the file is applied', async () => {
  const store = memoryInventoryStore();
  const s = await scenario(store, [['a.csv', FILE]]);
  // The clock runs for real here: a lease the run stopped renewing would lapse.
  const deps: ImportDeps = { ...slowFile(s.deps, LEASE_MS * 8), now: () => new Date() };
  const rival: boolean[] = [];
  const probing = setInterval(() => {
    const now = new Date();
    void store
      .acquireJobLock(RESET_INVENTORY, 'rival', new Date(now.getTime() + 1), now)()
      .then((r) => void rival.push(r._tag === 'Right' && r.right));
  }, LEASE_MS / 2);
  try {
    const report = await run(
      importInventory({ ...defaultImportConfig('run-1', 'me'), settleMs: 0, lockLeaseMs: LEASE_MS })(deps),
    );
    assert.equal(
      report.files.map((f) => f.outcome),
      ['applied'],
    );
  } finally {
    clearInterval(probing);
  }
  assert.ok(rival.length >= 6, `probed ${rival.length} times`);
  assert.not.ok(rival.includes(true), 'the rival never got the lease during the file');
  s.dispose();
});

lease(
  'a lease lost mid-file stops the run before its commit: JobLockLost, retriable; the rerun applies it',
  async () => {
    const store = memoryInventoryStore();
    const s = await scenario(store, [['a.csv', FILE]]);
    let takes = 0;
    let commits = 0;
    const deps: ImportDeps = {
      ...slowFile(s.deps, LEASE_MS * 4),
      now: () => new Date(),
      // The first take succeeds; every renewal after it fails (the store is away for the lease).
      acquireJobLock: (...args) =>
        ++takes === 1
          ? s.deps.acquireJobLock(...args)
          : TE.left({ _tag: 'InventoryStoreUnavailable', reason: 'acquireJobLock: away', retriable: true }),
      commitImport: (commit) => {
        commits++;
        return s.deps.commitImport(commit);
      },
    };
    const lost = await runLeft(
      importInventory({ ...defaultImportConfig('run-1', 'me'), settleMs: 0, lockLeaseMs: LEASE_MS })(deps),
    );
    assert.equal([lost._tag, (lost as { retriable?: boolean }).retriable], ['JobLockLost', true]);
    assert.match(
      (lost as { reason?: string }).reason ?? '',
      /could not be renewed \(InventoryStoreUnavailable: acquireJobLock: away\)/,
    );
    assert.is(commits, 0, 'nothing committed after the lease was lost');
    assert.equal(s.folder(''), ['a.csv'], 'the file waits in the inbox');
    const rerun = await run(importInventory({ ...defaultImportConfig('run-2', 'me'), settleMs: 0 })(s.deps));
    assert.equal(
      rerun.files.map((f) => f.outcome),
      ['applied'],
    );
    s.dispose();
  },
);

lease.run();
