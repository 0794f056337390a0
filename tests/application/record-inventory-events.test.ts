import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { memoryInventoryStore } from '../../src/adapters/memory/memory-inventory-store.ts';
import { recordInventoryEvents } from '../../src/application/index.ts';
import { ALL_REFUSALS, CASE_FACILITIES, CASE_PRODUCTS, REFUSAL_SETUP } from '../support/ledger-cases.ts';
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
    assert.equal(bad.errors, [
      {
        field: 'type',
        reason:
          'expected "received" | "adjusted" | "counted" | "reserved" | "released" | "shipped" | "returned" | "transferred" | "safety-stock-set" | "threshold-set" | "brokering-queue-changed" | "reset", got "stolen"',
      },
      { field: 'quantity', reason: 'expected number, got "many"' },
    ]);
  }
  const notAnEvent = report.outcomes[2]!;
  assert.ok(notAnEvent.outcome === 'undecodable' && notAnEvent.eventId === null);
  const refused = report.outcomes[3]!;
  assert.equal(refused, {
    index: 3,
    outcome: 'refused',
    eventId: 'E3',
    reason: 'ship-exceeds-reserved',
    detail: 'shipping 3 at WH1, where 0 is reserved',
  });
  assert.equal(report.counts, { applied: 1, refused: 1, duplicate: 1, conflict: 0, undecodable: 2 });
  assert.is((await run(store.productInventory('P1')))?.inventory.positions[0]?.quantityOnHand, 3);
});

test('an instant without its offset is undecodable, with the field and why', async () => {
  const store = await seeded();
  const report = await run(recordInventoryEvents([{ ...good, occurredAt: '2026-12-01T10:00:00' }])(store));
  assert.equal(report.outcomes, [
    {
      outcome: 'undecodable',
      index: 0,
      eventId: 'E1',
      errors: [{ field: 'occurredAt', reason: 'expected OccurredAt, got "2026-12-01T10:00:00"' }],
    },
  ]);
});

test('every refusal reaches the caller with its reason and detail, in input order', async () => {
  const store = memoryInventoryStore();
  await run(store.saveProducts(CASE_PRODUCTS.map((productId) => ({ productId, externalId: productId }))));
  await run(store.saveFacilities(CASE_FACILITIES.map((facilityId) => ({ facilityId, externalId: facilityId }))));
  await run(recordInventoryEvents(REFUSAL_SETUP)(store));
  const report = await run(recordInventoryEvents(ALL_REFUSALS.map((c) => c.event))(store));
  assert.equal(
    report.outcomes,
    ALL_REFUSALS.map((c, index) => ({
      outcome: 'refused',
      index,
      eventId: c.event.eventId,
      reason: c.reason,
      detail: c.detail,
    })),
  );
  assert.equal(report.counts, { applied: 0, refused: ALL_REFUSALS.length, duplicate: 0, conflict: 0, undecodable: 0 });
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
