// The InventoryLedger contract: one suite, run against every adapter (memory, PostgreSQL, SQLite). Every event type
// with its exact before and after, every refusal reason with its detail (the cases in tests/support/ledger-cases.ts),
// duplicates, conflicts, replays.
import fc from 'fast-check';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { Store } from '../../../src/application/index.ts';
import {
  applyInventoryEvents,
  canonicalPayload,
  type EarlierRefusal,
  emptyLedgerState,
  type EventOutcome,
  type InventoryEvent,
  pairKey,
  projectLedger,
  toScaled,
  withEarlierRefusals,
} from '../../../src/domain/index.ts';
import { inventoryEvents } from '../../arbitraries.ts';
import { ALL_EFFECTS, ALL_REFUSALS, EFFECTS_RESULT, REFUSAL_SETUP } from '../../support/ledger-cases.ts';
import { run } from '../../support/run.ts';

/** A store under test and how to dispose of it. */
export interface InventoryLedgerUnderTest {
  readonly store: Store;
  readonly dispose: () => Promise<void>;
}

const AT = '2026-12-01T10:00:00Z';
let counter = 0;
/** An event with defaults: P1 at WH1, 1 unit, a fresh id. */
export const event = (type: InventoryEvent['type'], fields: Partial<InventoryEvent> = {}): InventoryEvent => ({
  eventId: `E${++counter}`,
  type,
  productId: 'P1',
  ...(type === 'threshold-set' || type === 'brokering-queue-changed' ? {} : { facilityId: 'WH1' }),
  quantity: 1,
  occurredAt: AT,
  source: 'contract',
  ...(type === 'adjusted' ? { reason: 'damaged' } : {}),
  ...(type === 'transferred' ? { toFacilityId: 'WH2' } : {}),
  ...fields,
});

/** Seeds the products P1, P2 and the facilities WH1, WH2, STORE. */
export const seedCatalogue = async (
  store: Store,
  products: ReadonlyArray<string> = ['P1', 'P2'],
  facilities: ReadonlyArray<string> = ['WH1', 'WH2', 'STORE'],
) => {
  await run(store.saveProducts(products.map((productId) => ({ productId, externalId: `x-${productId}` }))));
  await run(store.saveFacilities(facilities.map((facilityId) => ({ facilityId, externalId: `x-${facilityId}` }))));
};

/** What the store holds of the products: each position's QOH and reserved, safety stock, threshold and queue. */
export const holdings = async (store: Store, productIds: ReadonlyArray<string>) => {
  const out: Record<string, unknown> = {};
  for (const productId of productIds) {
    const record = await run(store.productInventory(productId));
    if (record === null) continue;
    out[productId] = record.inventory;
  }
  return out;
};

/** The store's state as the fold's state (scaled), from its positions and terms. */
export const storeState = async (store: Store, productIds: ReadonlyArray<string>) => {
  const positions = new Map<string, { quantityOnHand: number; reserved: number }>();
  const safetyStock = new Map<string, number>();
  const thresholds = new Map<string, number>();
  const brokeringQueue = new Map<string, number>();
  for (const productId of productIds) {
    const record = await run(store.productInventory(productId));
    if (record === null) continue;
    const { inventory } = record;
    for (const p of inventory.positions) {
      positions.set(pairKey(productId, p.facilityId), {
        quantityOnHand: toScaled(p.quantityOnHand),
        reserved: toScaled(p.reservedQuantity),
      });
      if (p.safetyStock !== 0) safetyStock.set(pairKey(productId, p.facilityId), toScaled(p.safetyStock));
    }
    if (inventory.threshold !== 0) thresholds.set(productId, toScaled(inventory.threshold));
    if (inventory.brokeringQueue !== 0) brokeringQueue.set(productId, toScaled(inventory.brokeringQueue));
  }
  return { positions, safetyStock, thresholds, brokeringQueue };
};

/** The ledger's projection, with the zero terms dropped as the store's reads drop them. */
export const ledgerProjection = async (store: Store) => {
  const entries = await run(store.ledgerEntries(null, 1_000_000));
  const projected = projectLedger(entries.flatMap((e) => e.changes));
  const nonZero = (m: ReadonlyMap<string, number>) => new Map([...m].filter(([, v]) => v !== 0));
  return {
    positions: new Map(projected.positions),
    // Safety stock of a facility without a position is not read back (the lookup lists positions).
    safetyStock: nonZero(new Map([...projected.safetyStock].filter(([k]) => projected.positions.has(k)))),
    thresholds: nonZero(projected.thresholds),
    brokeringQueue: nonZero(projected.brokeringQueue),
  };
};

const reasons = (outcomes: ReadonlyArray<EventOutcome>) =>
  outcomes.map((o) => (o.outcome === 'refused' ? `refused:${o.reason}` : o.outcome));

/** Registers and runs the contract suite for one adapter. */
export const inventoryLedgerContract = (adapter: string, open: () => Promise<InventoryLedgerUnderTest>): void => {
  const test = suite(`InventoryLedger contract: ${adapter}`);
  let subject: InventoryLedgerUnderTest;
  test.before.each(async () => {
    subject = await open();
    await seedCatalogue(subject.store);
  });
  test.after.each(async () => {
    await subject.dispose();
  });
  const record = (events: ReadonlyArray<InventoryEvent>) => run(subject.store.recordEvents(events));
  const position = async (productId: string, facilityId: string) => {
    const p = (await run(subject.store.productInventory(productId)))?.inventory.positions.find(
      (x) => x.facilityId === facilityId,
    );
    return p === undefined ? null : { qoh: p.quantityOnHand, reserved: p.reservedQuantity, safety: p.safetyStock };
  };

  test('every event type applies: its outcome, its ledger entry and the store hold exactly its before and after', async () => {
    const outcomes = await record(ALL_EFFECTS.map((c) => c.event));
    assert.equal(
      outcomes,
      ALL_EFFECTS.map((c): EventOutcome => ({ outcome: 'applied', eventId: c.event.eventId, changes: c.changes })),
    );
    const entries = await run(subject.store.ledgerEntries(null, 100));
    assert.equal(
      entries.map((e) => [e.event.eventId, e.changes]),
      ALL_EFFECTS.map((c) => [c.event.eventId, c.changes]),
      'the ledger holds each event with what it changed',
    );
    for (const [productId, expected] of Object.entries(EFFECTS_RESULT)) {
      const inventory = (await run(subject.store.productInventory(productId)))!.inventory;
      assert.equal(
        Object.fromEntries(
          inventory.positions.map((p) => [
            p.facilityId,
            { quantityOnHand: p.quantityOnHand, reservedQuantity: p.reservedQuantity, safetyStock: p.safetyStock },
          ]),
        ),
        expected.positions,
        productId,
      );
      assert.equal([inventory.threshold, inventory.brokeringQueue], [expected.threshold, expected.brokeringQueue]);
    }
    assert.ok((await run(subject.store.changedProductIds())).includes('P1'), 'the product is marked changed');
  });

  test('the ledger: sequence numbers in order, the events as recorded, filters by product and facility', async () => {
    const first = event('received', { quantity: 5, occurredAt: '2026-12-01T11:00:00+01:00' });
    await record([
      first,
      event('transferred', { quantity: 2 }),
      event('received', { productId: 'P2', facilityId: 'STORE' }),
    ]);
    const all = await run(subject.store.ledgerEntries(null, 100));
    assert.equal(
      all.map((e) => e.event.type),
      ['received', 'transferred', 'received'],
    );
    assert.ok(all[0]!.sequence < all[1]!.sequence && all[1]!.sequence < all[2]!.sequence);
    assert.equal(all[0]!.event, { ...first, occurredAt: '2026-12-01T10:00:00.000Z' }, 'the instant, canonical');
    assert.equal(
      (await run(subject.store.ledgerEntries(all[0]!.sequence, 100))).map((e) => e.sequence),
      [all[1]!.sequence, all[2]!.sequence],
    );
    assert.equal((await run(subject.store.ledgerEntries(null, 1))).length, 1);
    assert.equal((await run(subject.store.ledgerEntries(null, 0))).length, 0);
    assert.equal(
      (await run(subject.store.ledgerEntries(null, 100, { productId: 'P2' }))).map((e) => e.event.productId),
      ['P2'],
    );
    assert.equal(
      (await run(subject.store.ledgerEntries(null, 100, { facilityId: 'WH2' }))).map((e) => e.event.type),
      ['transferred'],
      'a transfer is listed under its destination too',
    );
    assert.equal(
      (await run(subject.store.ledgerEntries(null, 100, { productId: 'P1', facilityId: 'STORE' }))).length,
      0,
    );
  });

  test('newest-first: the last entries of a filter in descending sequence, above `after`, at most `limit`', async () => {
    await record([
      event('received', { quantity: 10 }),
      event('received', { productId: 'P2', facilityId: 'STORE' }),
      event('reserved', { quantity: 4 }),
      event('released', { quantity: 9 }), // refused: never listed
      event('transferred', { quantity: 2 }),
      event('threshold-set', { quantity: 3 }),
      event('shipped', { quantity: 1 }),
    ]);
    const all = await run(subject.store.ledgerEntries(null, 100));
    const newest = (after: number | null, limit: number, filter?: { productId?: string; facilityId?: string }) =>
      run(subject.store.ledgerEntries(after, limit, filter, 'newest-first'));
    assert.equal(await newest(null, 100), all.toReversed(), 'everything, newest first');
    const ofP1 = all.filter((e) => e.event.productId === 'P1');
    assert.equal(await newest(null, 2, { productId: 'P1' }), ofP1.slice(-2).toReversed());
    assert.equal(
      (await newest(null, 3, { productId: 'P1', facilityId: 'WH2' })).map((e) => e.event.type),
      ['transferred'],
      'a transfer is listed under its destination too',
    );
    assert.equal(
      (await newest(null, 100, { facilityId: 'WH1' })).map((e) => e.event.type),
      ['shipped', 'transferred', 'reserved', 'received'],
    );
    assert.equal(await newest(ofP1[2]!.sequence, 100, { productId: 'P1' }), ofP1.slice(3).toReversed(), 'above after');
    assert.equal(await newest(null, 0, { productId: 'P1' }), []);
    assert.equal(await newest(null, 5, { productId: 'NOPE' }), []);
    assert.equal(
      await run(subject.store.ledgerEntries(null, 2, { productId: 'P1' }, 'oldest-first')),
      ofP1.slice(0, 2),
      'oldest-first is the default order',
    );
  });

  test('every refusal has its reason and detail, and nothing of a refused event is applied', async () => {
    await record(REFUSAL_SETUP);
    const before = await holdings(subject.store, ['P1', 'P2', 'NOPE']);
    const entriesBefore = await run(subject.store.ledgerEntries(null, 100));
    const outcomes = await record(ALL_REFUSALS.map((c) => c.event));
    assert.equal(
      outcomes,
      ALL_REFUSALS.map(
        (c): EventOutcome => ({ outcome: 'refused', eventId: c.event.eventId, reason: c.reason, detail: c.detail }),
      ),
    );
    assert.equal(await holdings(subject.store, ['P1', 'P2', 'NOPE']), before, 'nothing changed');
    assert.equal(await run(subject.store.ledgerEntries(null, 100)), entriesBefore, 'nothing in the ledger');
    assert.is(await position('P1', 'WH2'), null, 'no position made for a refused event');
    assert.is(await position('P1', 'STORE'), null);
    // A refused event's id is decided: sent again, even once it could apply, it is a duplicate; a new id applies.
    const ship = ALL_REFUSALS.find((c) => c.event.eventId === 'R-ship')!.event;
    await record([event('reserved', { quantity: 2 })]);
    assert.equal(reasons(await record([ship])), ['duplicate']);
    assert.equal(
      await record(ALL_REFUSALS.map((c) => c.event)),
      ALL_REFUSALS.map(
        (c): EventOutcome => ({
          outcome: 'duplicate',
          eventId: c.event.eventId,
          refused: { reason: c.reason, detail: c.detail },
        }),
      ),
      'every replayed refusal says how it was refused, word for word',
    );
    assert.equal(reasons(await record([{ ...ship, quantity: 4 }])), ['conflict']);
    assert.equal(reasons(await record([{ ...ship, eventId: `${ship.eventId}-again` }])), ['applied']);
  });

  test('a replayed event is a duplicate, the same id with another payload a conflict; neither changes anything', async () => {
    const received = event('received', { quantity: 5 });
    assert.equal(reasons(await record([received, received])), ['applied', 'duplicate'], 'within one call');
    const before = await holdings(subject.store, ['P1']);
    assert.equal(reasons(await record([received])), ['duplicate'], 'in a later call');
    assert.equal(
      reasons(await record([{ ...received, occurredAt: '2026-12-01T10:00:00.000Z', quantity: 5.0 }])),
      ['duplicate'],
      'the same instant written otherwise is the same event',
    );
    assert.equal(
      reasons(await record([{ ...received, quantity: 5.000001 }])),
      ['conflict'],
      'a quantity finer than the domain keeps is another payload, not the same one rounded',
    );
    const conflict = await record([{ ...received, quantity: 6 }]);
    assert.is(conflict[0]!.outcome, 'conflict');
    assert.ok(conflict[0]!.outcome === 'conflict' && conflict[0]!.detail.includes(received.eventId));
    assert.equal(await holdings(subject.store, ['P1']), before);
    assert.is((await run(subject.store.ledgerEntries(null, 100))).length, 1);
  });

  test('replaying everything: all duplicates, nothing changes', async () => {
    const events = [
      event('received', { quantity: 8 }),
      event('reserved', { quantity: 3 }),
      event('transferred', { quantity: 1 }),
      event('threshold-set', { quantity: 2 }),
      event('shipped', { quantity: 1, productId: 'P2' }), // refused: nothing reserved
    ];
    const first = await record(events);
    const before = await holdings(subject.store, ['P1', 'P2']);
    const changed = await run(subject.store.changedProducts('replay', null, 100));
    const again = await record(events.slice(0, 4));
    assert.equal(reasons(again), Array(4).fill('duplicate'));
    assert.equal(reasons(first).slice(0, 4), Array(4).fill('applied'));
    assert.equal(await holdings(subject.store, ['P1', 'P2']), before);
    assert.equal(await run(subject.store.changedProducts('replay', null, 100)), changed, 'no product marked again');
  });

  test('an empty call records nothing', async () => {
    assert.equal(await record([]), []);
  });

  test('QOH below zero: a position made negative by an absolute write can be raised, not lowered', async () => {
    await run(
      subject.store.savePositions([
        { productId: 'P1', facilityId: 'WH1', quantityOnHand: -5, reservedQuantity: 0, safetyStock: 0 },
      ]),
    );
    assert.equal(reasons(await record([event('adjusted', { quantity: -1 }), event('received', { quantity: 2 })])), [
      'refused:quantity-on-hand-below-zero',
      'applied',
    ]);
    assert.equal(await position('P1', 'WH1'), { qoh: -3, reserved: 0, safety: 0 });
  });

  test('property: for random event sequences, folding the ledger from empty equals the positions', () =>
    fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(inventoryEvents(['P1', 'P2'], ['WH1', 'WH2', 'STORE']), { maxLength: 6 }), { maxLength: 4 }),
        async (calls) => {
          const fresh = await open();
          try {
            await seedCatalogue(fresh.store);
            const known = { knownProducts: new Set(['P1', 'P2']), knownFacilities: new Set(['WH1', 'WH2', 'STORE']) };
            let expected = emptyLedgerState();
            let recorded = new Map<string, string>();
            const refusals = new Map<string, EarlierRefusal>();
            for (const events of calls) {
              const outcomes = await run(fresh.store.recordEvents(events));
              const folded = applyInventoryEvents(expected, events, { ...known, recorded });
              // Every event decided (applied or refused) is recorded; duplicates and conflicts add nothing.
              recorded = new Map(recorded);
              events.forEach((e, i) => {
                const o = folded.outcomes[i]!;
                if (o.outcome === 'applied' || o.outcome === 'refused') recorded.set(e.eventId, canonicalPayload(e));
                if (o.outcome === 'refused') refusals.set(e.eventId, { reason: o.reason, detail: o.detail });
              });
              assert.equal(
                outcomes,
                withEarlierRefusals(folded.outcomes, refusals),
                'the store decides as the fold does; a duplicate of a refused event carries its refusal',
              );
              expected = folded.state;
            }
            const ids = ['P1', 'P2'];
            assert.equal(await ledgerProjection(fresh.store), await storeState(fresh.store, ids));
          } finally {
            await fresh.dispose();
          }
        },
      ),
      { numRuns: adapter === 'memory' ? 60 : 12 },
    ));

  test.run();
};
