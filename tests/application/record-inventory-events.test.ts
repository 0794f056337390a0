import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { memoryInventoryStore } from '../../src/adapters/memory/memory-inventory-store.ts';
import { recordInventoryEvents } from '../../src/application/index.ts';
import { run } from '../support/run.ts';

const test = suite('recordInventoryEvents');

const seeded = async () => {
  const store = memoryInventoryStore();
  await run(store.saveProducts([{ productId: 'P1', externalId: '1' }]));
  await run(store.saveFacilities([{ facilityId: 'WH1', externalId: '1' }]));
  return store;
};
const good = {
  eventId: 'E1',
  type: 'received',
  productId: 'P1',
  facilityId: 'WH1',
  quantity: 3,
  occurredAt: '2026-12-01T10:00:00Z',
  source: 'pos',
};

test('decodes the inputs, reports the undecodable ones with every field and reason, records the rest, in input order', async () => {
  const store = await seeded();
  const report = await run(
    recordInventoryEvents([
      good,
      { ...good, eventId: 'E2', type: 'stolen', quantity: 'many' },
      'not an event',
      { ...good, eventId: 'E3', type: 'shipped' },
      good,
    ])(store),
  );
  assert.equal(
    report.outcomes.map((o) => [o.index, o.outcome]),
    [
      [0, 'applied'],
      [1, 'undecodable'],
      [2, 'undecodable'],
      [3, 'refused'],
      [4, 'duplicate'],
    ],
  );
  const bad = report.outcomes[1]!;
  assert.ok(bad.outcome === 'undecodable');
  if (bad.outcome === 'undecodable') {
    assert.is(bad.eventId, 'E2');
    assert.equal(
      bad.errors.map((e) => e.field),
      ['type', 'quantity'],
    );
    assert.ok(bad.errors.every((e) => e.reason.length > 0));
  }
  const notAnEvent = report.outcomes[2]!;
  assert.ok(notAnEvent.outcome === 'undecodable' && notAnEvent.eventId === null);
  const refused = report.outcomes[3]!;
  assert.ok(refused.outcome === 'refused' && refused.reason === 'ship-exceeds-reserved');
  assert.equal(report.counts, { applied: 1, refused: 1, duplicate: 1, conflict: 0, undecodable: 2 });
  assert.is((await run(store.productInventory('P1')))?.inventory.positions[0]?.quantityOnHand, 3);
});

test('nothing decodable: the ledger is not called', async () => {
  const store = await seeded();
  let called = false;
  const report = await run(
    recordInventoryEvents([{}])({
      ...store,
      recordEvents: (events) => {
        called = true;
        return store.recordEvents(events);
      },
    }),
  );
  assert.is(called, false);
  assert.is(report.counts.undecodable, 1);
});

test('lazy: nothing is recorded before the task runs', async () => {
  const store = await seeded();
  const task = recordInventoryEvents([good])(store);
  assert.equal(await run(store.ledgerEntries(null, 10)), []);
  await run(task);
  assert.is((await run(store.ledgerEntries(null, 10))).length, 1);
});

test.run();
