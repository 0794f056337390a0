import fc from 'fast-check';
import { isLeft, isRight } from 'fp-ts/lib/Either.js';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  applyInventoryEvents,
  CHANNEL_FAC_GROUP,
  canonicalPayload,
  emptyLedgerState,
  eventOfPayload,
  fromScaled,
  INVENTORY_EVENT_TYPES,
  InventoryEvent,
  type LedgerContext,
  type LedgerState,
  onlineAtp,
  pairKey,
  projectLedger,
  seedEvents,
  seedFaults,
  toScaled,
  touchedKeys,
  withEarlierRefusals,
  duplicateIds,
  isRefusalReason,
  type EventOutcome,
} from '../../src/domain/index.ts';
import { inventoryEvents } from '../arbitraries.ts';
import {
  ALL_EFFECTS,
  ALL_REFUSALS,
  CASE_FACILITIES,
  CASE_PRODUCTS,
  EFFECTS,
  EFFECTS_RESULT,
  REFUSAL_SETUP,
  REFUSALS,
} from '../support/ledger-cases.ts';

const PRODUCTS = ['P1', 'P2'];
const FACILITIES = ['WH1', 'WH2', 'STORE'];
const CONTEXT: LedgerContext = {
  knownProducts: new Set(PRODUCTS),
  knownFacilities: new Set(FACILITIES),
  recorded: new Map(),
};
const events = fc.array(inventoryEvents(PRODUCTS, FACILITIES), { maxLength: 40 });
// Without `reset`, the one event that may take QOH below zero (the system of record's quantity).
const eventsWithoutReset = fc.array(
  inventoryEvents(PRODUCTS, FACILITIES).filter((e) => e.type !== 'reset'),
  { maxLength: 40 },
);
const base = { productId: 'P1', facilityId: 'WH1', occurredAt: '2026-12-01T10:00:00Z', source: 'test' } as const;

const codec = suite('InventoryEvent (codec)');

codec('decodes an event; facilityId, toFacilityId and reason are optional', () => {
  assert.ok(isRight(InventoryEvent.decode({ ...base, eventId: 'E1', type: 'received', quantity: 1 })));
  assert.ok(
    isRight(
      InventoryEvent.decode({
        eventId: 'E2',
        type: 'threshold-set',
        productId: 'P1',
        quantity: 2,
        occurredAt: '2026-12-01T10:00:00+01:00',
        source: 's',
      }),
    ),
  );
});

codec('refuses an unknown type, an instant without an offset, a blank id, a quantity that is not a number', () => {
  for (const bad of [
    { ...base, eventId: 'E1', type: 'stolen', quantity: 1 },
    { ...base, eventId: 'E1', type: 'received', quantity: 1, occurredAt: '2026-12-01T10:00:00' },
    { ...base, eventId: 'E1', type: 'received', quantity: 1, occurredAt: '2026-13-45T10:00:00Z' },
    { ...base, eventId: '', type: 'received', quantity: 1 },
    { ...base, eventId: 'E1', type: 'received', quantity: '1' },
  ])
    assert.ok(isLeft(InventoryEvent.decode(bad)), JSON.stringify(bad));
});

codec('canonicalPayload: the same event written otherwise is equal; eventOfPayload reads it back', () => {
  const e = { ...base, eventId: 'E1', type: 'received' as const, quantity: 1.5 };
  assert.is(canonicalPayload(e), canonicalPayload({ ...e, occurredAt: '2026-12-01T11:00:00.000+01:00' }));
  assert.is.not(canonicalPayload(e), canonicalPayload({ ...e, quantity: 1.50001 }));
  assert.is(canonicalPayload(e), canonicalPayload({ ...e, quantity: 1.2 + 0.3 }), 'float noise is the same quantity');
  // A quantity finer than the domain keeps is another payload, not a rounding of it: the same id is a conflict.
  assert.is.not(canonicalPayload(e), canonicalPayload({ ...e, quantity: 1.500001 }));
  assert.is.not(canonicalPayload({ ...e, quantity: 1.500004 }), canonicalPayload({ ...e, quantity: 1.500001 }));
  const back = eventOfPayload(canonicalPayload(e));
  assert.ok(isRight(back) && back.right.occurredAt === '2026-12-01T10:00:00.000Z' && back.right.quantity === 1.5);
});

const fold = suite('applyInventoryEvents');

fold('the worked example: received 10, reserved 4, shipped 1 -> QOH 9, reserved 3; the before and after', () => {
  const { state, outcomes } = applyInventoryEvents(
    emptyLedgerState(),
    [
      { ...base, eventId: 'E1', type: 'received', quantity: 10 },
      { ...base, eventId: 'E2', type: 'reserved', quantity: 4 },
      { ...base, eventId: 'E3', type: 'shipped', quantity: 1 },
    ],
    CONTEXT,
  );
  assert.equal(
    outcomes.map((o) => o.outcome),
    ['applied', 'applied', 'applied'],
  );
  assert.equal(outcomes[2], {
    outcome: 'applied',
    eventId: 'E3',
    changes: [
      {
        kind: 'position',
        productId: 'P1',
        facilityId: 'WH1',
        before: { quantityOnHand: 10, reservedQuantity: 4 },
        after: { quantityOnHand: 9, reservedQuantity: 3 },
      },
    ],
  });
  assert.equal(state.positions.get(pairKey('P1', 'WH1')), { quantityOnHand: 900_000, reserved: 300_000 }, 'scaled');
  assert.equal(
    touchedKeys([{ ...base, eventId: 'x', type: 'transferred', toFacilityId: 'WH2', quantity: 1 }]).positions,
    [
      ['P1', 'WH1'],
      ['P1', 'WH2'],
    ],
  );
  // In key order, product then facility by code unit (a database's order of the rows it locks), not by length.
  const at = (productId: string, facilityId: string, eventId: string): InventoryEvent => ({
    ...base,
    eventId,
    productId,
    facilityId,
    type: 'received',
    quantity: 1,
  });
  assert.equal(
    touchedKeys([at('B', 'WH1', 'a'), at('AB', 'WH2', 'b'), at('AB', 'WH10', 'c'), at('AB', 'WH1', 'd')]).positions,
    [
      ['AB', 'WH1'],
      ['AB', 'WH10'],
      ['AB', 'WH2'],
      ['B', 'WH1'],
    ],
  );
});

fold('refusals carry their reason; a recorded id is a duplicate or a conflict', () => {
  const recorded = new Map([['E1', canonicalPayload({ ...base, eventId: 'E1', type: 'received', quantity: 10 })]]);
  const { outcomes } = applyInventoryEvents(
    emptyLedgerState(),
    [
      { ...base, eventId: 'E1', type: 'received', quantity: 10 },
      { ...base, eventId: 'E1', type: 'received', quantity: 11 },
      { ...base, eventId: 'E2', type: 'shipped', quantity: 1 },
      { ...base, eventId: 'E3', type: 'reserved', quantity: 2 },
      { ...base, eventId: 'E4', type: 'shipped', quantity: 1 },
      { ...base, eventId: 'E5', type: 'counted', quantity: 0 },
      { ...base, eventId: 'E6', type: 'adjusted', quantity: -1, reason: 'damaged' },
    ],
    { ...CONTEXT, recorded },
  );
  assert.equal(
    outcomes.map((o) => (o.outcome === 'refused' ? o.reason : o.outcome)),
    [
      'duplicate',
      'conflict',
      'ship-exceeds-reserved',
      'applied',
      'quantity-on-hand-below-zero',
      'applied',
      'quantity-on-hand-below-zero',
    ],
  );
});

const CASES_CONTEXT: LedgerContext = {
  knownProducts: new Set(CASE_PRODUCTS),
  knownFacilities: new Set(CASE_FACILITIES),
  recorded: new Map(),
};

fold('every refusal reason, each with its exact detail; the state stays as it was', () => {
  assert.is(Object.keys(REFUSALS).length, 21, 'the 21 reasons of RefusalReason');
  assert.ok(Object.values(REFUSALS).every((cases) => cases.length > 0));
  const setup = applyInventoryEvents(emptyLedgerState(), REFUSAL_SETUP, CASES_CONTEXT);
  assert.ok(setup.outcomes.every((o) => o.outcome === 'applied'));
  const recorded = new Map(REFUSAL_SETUP.map((e) => [e.eventId, canonicalPayload(e)]));
  const { state, outcomes } = applyInventoryEvents(
    setup.state,
    ALL_REFUSALS.map((c) => c.event),
    { ...CASES_CONTEXT, recorded },
  );
  assert.equal(
    outcomes,
    ALL_REFUSALS.map((c) => ({ outcome: 'refused', eventId: c.event.eventId, reason: c.reason, detail: c.detail })),
  );
  assert.equal(state, setup.state, 'nothing of a refused event applied');
});

fold('every event type, with exactly what it changed before and after, and where the sequence ends', () => {
  assert.equal(Object.keys(EFFECTS).sort(), [...INVENTORY_EVENT_TYPES].sort(), 'the 12 event types');
  const { state, outcomes } = applyInventoryEvents(
    emptyLedgerState(),
    ALL_EFFECTS.map((c) => c.event),
    CASES_CONTEXT,
  );
  assert.equal(
    outcomes,
    ALL_EFFECTS.map((c) => ({ outcome: 'applied', eventId: c.event.eventId, changes: c.changes })),
  );
  for (const [productId, expected] of Object.entries(EFFECTS_RESULT)) {
    for (const [facilityId, p] of Object.entries(expected.positions)) {
      const key = pairKey(productId, facilityId);
      assert.equal(
        [
          fromScaled(state.positions.get(key)?.quantityOnHand ?? Number.NaN),
          fromScaled(state.positions.get(key)?.reserved ?? Number.NaN),
          fromScaled(state.safetyStock.get(key) ?? 0),
        ],
        [p.quantityOnHand, p.reservedQuantity, p.safetyStock],
        key,
      );
    }
    assert.equal(
      [fromScaled(state.thresholds.get(productId) ?? 0), fromScaled(state.brokeringQueue.get(productId) ?? 0)],
      [expected.threshold, expected.brokeringQueue],
      productId,
    );
  }
});

fold('property: pure; the state it was given stays as it was', () =>
  fc.assert(
    fc.property(events, (es) => {
      const first = applyInventoryEvents(emptyLedgerState(), es, CONTEXT).state;
      const snapshot = JSON.stringify([...first.positions]);
      applyInventoryEvents(first, es, CONTEXT);
      assert.is(JSON.stringify([...first.positions]), snapshot);
    }),
  ),
);

const reachableOk = (state: LedgerState) => {
  for (const [, p] of state.positions) {
    assert.ok(p.quantityOnHand >= 0, 'QOH never below zero from an empty start');
    assert.ok(p.reserved >= 0, 'reserved never below zero');
  }
  for (const m of [state.safetyStock, state.thresholds, state.brokeringQueue])
    for (const [, v] of m) assert.ok(v >= 0, 'no negative term');
};

fold(
  'property: from empty, without resets, every reachable state has QOH, reserved and every term at zero or above',
  () =>
    fc.assert(
      fc.property(eventsWithoutReset, (es) => reachableOk(applyInventoryEvents(emptyLedgerState(), es, CONTEXT).state)),
    ),
);

fold('a reset applies below zero; the other events then only raise that QOH', () => {
  const at = (quantity: number, type: InventoryEvent['type'], eventId: string): InventoryEvent => ({
    eventId,
    type,
    productId: 'P1',
    facilityId: 'WH1',
    quantity,
    occurredAt: '2026-12-01T10:00:00Z',
    source: 'test',
    ...(type === 'adjusted' ? { reason: 'found' } : {}),
  });
  const { state, outcomes } = applyInventoryEvents(
    emptyLedgerState(),
    [at(-3, 'reset', 'r1'), at(-1, 'adjusted', 'a1'), at(1, 'adjusted', 'a2')],
    CONTEXT,
  );
  assert.equal(
    outcomes.map((o) => (o.outcome === 'refused' ? o.reason : o.outcome)),
    ['applied', 'quantity-on-hand-below-zero', 'applied'],
  );
  assert.is(state.positions.get(pairKey('P1', 'WH1'))?.quantityOnHand, toScaled(-2));
});

fold('property: a refused event changes nothing: the state is the fold of the applied ones alone', () =>
  fc.assert(
    fc.property(events, (es) => {
      const all = applyInventoryEvents(emptyLedgerState(), es, CONTEXT);
      const appliedOnly = es.filter((_, i) => all.outcomes[i]!.outcome === 'applied');
      const again = applyInventoryEvents(emptyLedgerState(), appliedOnly, CONTEXT);
      assert.equal(again.state, all.state);
      assert.ok(again.outcomes.every((o) => o.outcome === 'applied'));
    }),
  ),
);

fold('property: replaying every event is all duplicates (or conflicts), and changes nothing', () =>
  fc.assert(
    fc.property(events, (es) => {
      const first = applyInventoryEvents(emptyLedgerState(), es, CONTEXT);
      const recorded = new Map(
        es.filter((_, i) => first.outcomes[i]!.outcome === 'applied').map((e) => [e.eventId, canonicalPayload(e)]),
      );
      const applied = es.filter((_, i) => first.outcomes[i]!.outcome === 'applied');
      const replay = applyInventoryEvents(first.state, applied, { ...CONTEXT, recorded });
      assert.ok(replay.outcomes.every((o) => o.outcome === 'duplicate'));
      assert.equal(replay.state, first.state);
    }),
  ),
);

fold('property: the projection of the applied changes is the state', () =>
  fc.assert(
    fc.property(events, (es) => {
      const { state, outcomes } = applyInventoryEvents(emptyLedgerState(), es, CONTEXT);
      const projected = projectLedger(outcomes.flatMap((o) => (o.outcome === 'applied' ? o.changes : [])));
      assert.equal(projected, state);
    }),
  ),
);

fold('property: online ATP of every reachable state is whole, never negative, never above the group QOH', () =>
  fc.assert(
    fc.property(eventsWithoutReset, (es) => {
      const { state } = applyInventoryEvents(emptyLedgerState(), es, CONTEXT);
      const group = {
        facilityGroupId: 'G',
        facilityGroupTypeId: CHANNEL_FAC_GROUP,
        facilityIds: ['WH1', 'WH2'],
      } as const;
      for (const productId of PRODUCTS) {
        const positions = FACILITIES.map((facilityId) => {
          const p = state.positions.get(pairKey(productId, facilityId));
          return {
            facilityId,
            quantityOnHand: fromScaled(p?.quantityOnHand ?? 0),
            reservedQuantity: fromScaled(p?.reserved ?? 0),
            safetyStock: fromScaled(state.safetyStock.get(pairKey(productId, facilityId)) ?? 0),
          };
        });
        const atp = onlineAtp(group, {
          productId,
          positions,
          threshold: fromScaled(state.thresholds.get(productId) ?? 0),
          brokeringQueue: fromScaled(state.brokeringQueue.get(productId) ?? 0),
        });
        const groupQoh = positions.filter((p) => p.facilityId !== 'STORE').reduce((s, p) => s + p.quantityOnHand, 0);
        assert.ok(Number.isInteger(atp) && atp >= 0 && atp <= groupQoh, `${atp} of ${groupQoh}`);
      }
    }),
  ),
);

const seeds = suite('seedEvents and seedFaults: the setters as events');

seeds('absolute values become the events that reach them; equal values none; a negative QOH a reset', () => {
  const stamp = { idPrefix: 'seed:t', source: 'channel-seed', occurredAt: '2026-12-01T10:00:00Z' };
  const target = { productId: 'P1', facilityId: 'WH1', quantityOnHand: 5, reservedQuantity: 2, safetyStock: 1 };
  const fromEmpty = seedEvents(
    emptyLedgerState(),
    { positions: [target], thresholds: [{ productId: 'P1', threshold: 0 }] },
    stamp,
  );
  assert.equal(
    fromEmpty.map((e) => [e.eventId, e.type, e.quantity]),
    [
      ['seed:t:0', 'counted', 5],
      ['seed:t:1', 'reserved', 2],
      ['seed:t:2', 'safety-stock-set', 1],
      ['seed:t:3', 'threshold-set', 0],
    ],
  );
  const { state } = applyInventoryEvents(emptyLedgerState(), fromEmpty, CONTEXT);
  assert.equal(seedEvents(state, { positions: [target], thresholds: [{ productId: 'P1', threshold: 0 }] }, stamp), []);
  assert.equal(
    seedEvents(
      state,
      {
        positions: [{ ...target, quantityOnHand: -1, reservedQuantity: 0 }],
        brokeringQueue: [{ productId: 'P1', quantity: 2 }],
      },
      stamp,
    ).map((e) => [e.type, e.quantity]),
    [
      ['reset', -6],
      ['released', 2],
      ['brokering-queue-changed', 2],
    ],
  );
});

seeds('a seed naming an unknown product or facility, or with a refused event, is refused whole', () => {
  const known = { knownProducts: new Set(['P1']), knownFacilities: new Set(['WH1']) };
  const targets = {
    positions: [{ productId: 'P9', facilityId: 'NOWHERE', quantityOnHand: 1, reservedQuantity: 0, safetyStock: 0 }],
    thresholds: [{ productId: 'P8', threshold: 1 }],
  };
  assert.equal(seedFaults(targets, [], known), [
    'unknown product P9',
    'unknown facility NOWHERE',
    'unknown product P8',
  ]);
  assert.equal(
    seedFaults({}, [{ outcome: 'refused', eventId: 'e', reason: 'negative-count', detail: 'counted -1' }], known),
    ['negative-count: counted -1'],
  );
  assert.equal(seedFaults({ thresholds: [{ productId: 'P1', threshold: 1 }] }, [], known), []);
});

const replays = suite('withEarlierRefusals, duplicateIds, isRefusalReason');

replays('a duplicate of a refused event carries that refusal; nothing else changes', () => {
  const refusal = { reason: 'release-exceeds-reserved', detail: 'releasing 5 at WH1, where 2 is reserved' } as const;
  const outcomes: ReadonlyArray<EventOutcome> = [
    { outcome: 'duplicate', eventId: 'A' },
    { outcome: 'duplicate', eventId: 'B' },
    { outcome: 'applied', eventId: 'C', changes: [] },
    { outcome: 'conflict', eventId: 'A', detail: 'another payload' },
    { outcome: 'duplicate', eventId: 'A' },
  ];
  assert.equal(withEarlierRefusals(outcomes, new Map([['A', refusal]])), [
    { outcome: 'duplicate', eventId: 'A', refused: refusal },
    { outcome: 'duplicate', eventId: 'B' },
    { outcome: 'applied', eventId: 'C', changes: [] },
    { outcome: 'conflict', eventId: 'A', detail: 'another payload' },
    { outcome: 'duplicate', eventId: 'A', refused: refusal },
  ]);
  assert.equal(duplicateIds(outcomes), ['A', 'B']);
  assert.ok(isRefusalReason('ship-exceeds-reserved'));
  assert.not.ok(isRefusalReason('stolen'));
});

codec.run();
fold.run();
replays.run();
seeds.run();
