import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { memoryInventoryStore } from '../../src/adapters/memory/memory-inventory-store.ts';
import { stopsWhenAborted } from '../../src/application/store.ts';
import { run } from '../support/run.ts';

const guard = suite('stopsWhenAborted: the store as a leased run sees it');

guard('until the signal fires, every method is the store’s own', async () => {
  const store = memoryInventoryStore();
  const controller = new AbortController();
  const leased = stopsWhenAborted(store, controller.signal);
  await run(leased.saveFacilities([{ facilityId: 'F1', externalId: '101' }]));
  assert.equal([...(await run(store.facilityIdsByExternalId())).entries()], [['101', 'F1']]);
});

guard('after it fires, data methods answer a retriable error without touching the store', async () => {
  const store = memoryInventoryStore();
  const controller = new AbortController();
  const leased = stopsWhenAborted(store, controller.signal);
  // Built before the abort, run after it: the check happens when the task runs.
  const write = leased.saveProducts([{ productId: 'P1', externalId: '9001' }]);
  controller.abort();
  const refused = await write();
  assert.is(refused._tag, 'Left');
  if (refused._tag === 'Left') {
    assert.is(refused.left._tag, 'InventoryStoreUnavailable');
    assert.is(refused.left.retriable, true);
    assert.match(refused.left.reason, /saveProducts: not called, the run's job lease was lost/);
  }
  assert.equal([...(await run(store.productIdsByExternalId())).entries()], [], 'nothing was written');
  const read = await leased.stockLevels()();
  assert.is(read._tag, 'Left');
});

guard('the lease and the run log stay usable after the abort: the run can still release and record', async () => {
  const store = memoryInventoryStore();
  const controller = new AbortController();
  const leased = stopsWhenAborted(store, controller.signal);
  const now = new Date(0);
  assert.ok(await run(leased.acquireJobLock('job', 'me', new Date(60_000), now)));
  controller.abort();
  await run(leased.releaseJobLock('job', 'me'));
  assert.ok(await run(store.acquireJobLock('job', 'other', new Date(60_000), now)), 'released');
  await run(leased.startRun({ runId: 'r1', job: 'import', parameters: {}, worker: 'me', startedAt: now }));
  assert.equal(
    (await run(store.listRuns({ limit: 5 }))).map((r) => r.runId),
    ['r1'],
  );
});

guard.run();
