import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { recentLedgerEntries } from '../../src/application/index.ts';
import type { InventoryLedger } from '../../src/application/index.ts';
import type { InventoryEvent } from '../../src/domain/index.ts';
import { run } from '../support/run.ts';
import { STORE_ADAPTERS } from '../support/stores.ts';

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

/** The ledger with every `ledgerEntries` call and the rows it answered counted. */
const spied = (ledger: Pick<InventoryLedger, 'ledgerEntries'>) => {
  const seen = { calls: 0, rows: 0 };
  const spy: Pick<InventoryLedger, 'ledgerEntries'> = {
    ledgerEntries:
      (...args) =>
      async () => {
        seen.calls++;
        const answer = await ledger.ledgerEntries(...args)();
        if (answer._tag === 'Right') seen.rows += answer.right.length;
        return answer;
      },
  };
  return { spy, seen };
};

const recent = suite('recentLedgerEntries');

for (const [adapter, open] of STORE_ADAPTERS) {
  recent(`${adapter}: the last N entries of a filter, oldest first`, async () => {
    const { store, dispose } = await open();
    try {
      await run(store.saveProducts(['P1', 'P2'].map((productId) => ({ productId, externalId: `x-${productId}` }))));
      await run(
        store.saveFacilities(['WH1', 'WH2'].map((facilityId) => ({ facilityId, externalId: `x-${facilityId}` }))),
      );
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
      assert.equal(await run(recentLedgerEntries({ productId: 'P1' }, 3)(store)), all.slice(-3));
      assert.equal(await run(recentLedgerEntries({ productId: 'P1' }, 10)(store)), all);
      assert.equal(await run(recentLedgerEntries({ productId: 'P1' }, 0)(store)), []);
      assert.equal(
        (await run(recentLedgerEntries({ productId: 'P1', facilityId: 'WH2' }, 5)(store))).map((e) => e.event.type),
        ['transferred'],
      );
    } finally {
      await dispose();
    }
  });

  recent(`${adapter}: a long history: one read of N rows, whatever its length`, async () => {
    const { store, dispose } = await open();
    try {
      await run(store.saveProducts(['P1', 'P2'].map((productId) => ({ productId, externalId: `x-${productId}` }))));
      await run(store.saveFacilities([{ facilityId: 'WH1', externalId: 'x-WH1' }]));
      // 3,000 entries of P1 between 1,000 of P2, in calls of 1,000.
      for (let call = 0; call < 4; call++)
        await run(
          store.recordEvents(
            Array.from({ length: 1_000 }, () => event('received', { productId: call === 2 ? 'P2' : 'P1' })),
          ),
        );
      const { spy, seen } = spied(store);
      const last = await run(recentLedgerEntries({ productId: 'P1' }, 5)(spy));
      assert.equal(seen, { calls: 1, rows: 5 }, 'one call answering 5 rows');
      const ids = last.map((e) => e.event.eventId);
      assert.equal(ids, [`R${counter - 4}`, `R${counter - 3}`, `R${counter - 2}`, `R${counter - 1}`, `R${counter}`]);
      assert.ok(
        last.every((e, i) => i === 0 || e.sequence > last[i - 1]!.sequence),
        'oldest first',
      );
      const { spy: spy2, seen: seen2 } = spied(store);
      const ofP2 = await run(recentLedgerEntries({ productId: 'P2' }, 2)(spy2));
      assert.equal(seen2, { calls: 1, rows: 2 });
      assert.ok(ofP2.every((e) => e.event.productId === 'P2'));
    } finally {
      await dispose();
    }
  });
}

recent.run();
