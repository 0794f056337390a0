import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { memoryInventoryStore } from '../../src/adapters/memory/memory-inventory-store.ts';
import { recentLedgerEntries } from '../../src/application/index.ts';
import type { InventoryEvent } from '../../src/domain/index.ts';
import { run } from '../support/run.ts';

let counter = 0;
const event = (type: InventoryEvent['type'], fields: Partial<InventoryEvent> = {}): InventoryEvent => ({
  eventId: `R${++counter}`,
  type,
  productId: 'P1',
  ...(type === 'threshold-set' ? {} : { facilityId: 'WH1' }),
  quantity: 1,
  occurredAt: '2026-12-01T10:00:00Z',
  source: 'recent-test',
  ...fields,
});

const recent = suite('recentLedgerEntries');

recent('the last N entries of a filter, oldest first, read forward a page at a time', async () => {
  const store = memoryInventoryStore();
  await run(store.saveProducts(['P1', 'P2'].map((productId) => ({ productId, externalId: `x-${productId}` }))));
  await run(store.saveFacilities(['WH1', 'WH2'].map((facilityId) => ({ facilityId, externalId: `x-${facilityId}` }))));
  await run(
    store.recordEvents([
      event('received', { quantity: 10 }),
      event('received', { productId: 'P2' }),
      event('reserved', { quantity: 4 }),
      event('transferred', { quantity: 2, toFacilityId: 'WH2' }),
      event('received', { productId: 'P2' }),
      event('safety-stock-set', { quantity: 1.5 }),
      event('threshold-set', { quantity: 3 }),
      event('shipped', { quantity: 1 }),
    ]),
  );
  const all = await run(store.ledgerEntries(null, 100, { productId: 'P1' }));
  assert.is(all.length, 6);
  for (const pageSize of [1, 2, 3, 100]) {
    assert.equal(await run(recentLedgerEntries({ productId: 'P1' }, 3, pageSize)(store)), all.slice(-3));
    assert.equal(await run(recentLedgerEntries({ productId: 'P1' }, 10, pageSize)(store)), all);
  }
  assert.equal(await run(recentLedgerEntries({ productId: 'P1' }, 0)(store)), []);
  assert.equal(
    (await run(recentLedgerEntries({ productId: 'P1', facilityId: 'WH2' }, 5)(store))).map((e) => e.event.type),
    ['transferred'],
  );
});

recent.run();
