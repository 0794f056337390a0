import fc from 'fast-check';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  applyInventoryEvents,
  CHANNEL_FAC_GROUP,
  emptyLedgerState,
  foldedProductInventories,
  foldLedger,
  fromScaled,
  type HeldValue,
  type LedgerChange,
  type LedgerContext,
  ledgerComparison,
  ledgerDisagreements,
  ledgerFolder,
  onlineAtp,
  type ProductInventory,
  productInventories,
} from '../../src/domain/index.ts';
import { plausibleInventoryEvents } from '../arbitraries.ts';

const position = (
  facilityId: string,
  before: [number, number],
  after: [number, number],
  productId = 'P1',
): LedgerChange => ({
  kind: 'position',
  productId,
  facilityId,
  before: { quantityOnHand: before[0], reservedQuantity: before[1] },
  after: { quantityOnHand: after[0], reservedQuantity: after[1] },
});

const fold = suite('foldLedger');

fold('applies each change as its delta from empty, in sequence order, with the keys it touched', () => {
  const folded = foldLedger([
    { sequence: 1, changes: [position('WH1', [0, 0], [10, 0])] },
    { sequence: 2, changes: [position('WH1', [10, 0], [10, 4])] },
    { sequence: 3, changes: [position('WH1', [10, 4], [7.5, 4]), position('WH2', [0, 0], [2.5, 0])] },
    {
      sequence: 5,
      changes: [
        { kind: 'safety-stock', productId: 'P1', facilityId: 'WH1', before: 0, after: 1.5 },
        { kind: 'threshold', productId: 'P1', before: 0, after: 3 },
        { kind: 'brokering-queue', productId: 'P1', before: 0, after: 2 },
      ],
    },
    // A reset that moves reserved too (a cycle count): the change says so, the event's quantity would not.
    { sequence: 6, changes: [position('WH1', [7.5, 4], [6, 1])] },
  ]);
  assert.is(folded.entries, 5);
  assert.is(folded.lastSequence, 6);
  assert.equal(folded.discontinuities, []);
  assert.equal(
    [...folded.positions.values()].map((p) => [p.facilityId, fromScaled(p.quantityOnHand), fromScaled(p.reserved)]),
    [
      ['WH1', 6, 1],
      ['WH2', 2.5, 0],
    ],
  );
  assert.equal(
    [...folded.safetyStock.values()].map((s) => fromScaled(s.quantity)),
    [1.5],
  );
  assert.is(fromScaled(folded.thresholds.get('P1')!), 3);
  assert.is(fromScaled(folded.brokeringQueue.get('P1')!), 2);
});

fold('a change that does not start where the ledger left the key is a discontinuity at its sequence', () => {
  const folded = foldLedger([
    { sequence: 1, changes: [position('WH1', [0, 0], [10, 0])] },
    // Something set QOH to 15 outside the ledger; this entry then received 1.
    { sequence: 2, changes: [position('WH1', [15, 0], [16, 0])] },
    { sequence: 3, changes: [{ kind: 'threshold', productId: 'P1', before: 4, after: 5 }] },
  ]);
  assert.equal(folded.discontinuities, [
    {
      kind: 'position',
      productId: 'P1',
      facilityId: 'WH1',
      problem: 'discontinuity',
      sequence: 2,
      folded: { quantityOnHand: 10, reservedQuantity: 0 },
      actual: { quantityOnHand: 15, reservedQuantity: 0 },
    },
    { kind: 'threshold', productId: 'P1', problem: 'discontinuity', sequence: 3, folded: 0, actual: 4 },
  ]);
  assert.is(folded.discontinuityCount, 2);
  // The deltas still count: what the ledger alone explains.
  assert.is(fromScaled(folded.positions.values().next().value!.quantityOnHand), 11);
  assert.is(fromScaled(folded.thresholds.get('P1')!), 1);
});

fold('a page at a time gives the fold of the whole; maxReported caps the list, not the count', () => {
  const entries = Array.from({ length: 30 }, (_, i) => ({
    sequence: i + 1,
    changes: [position('WH1', [i * 2, 0], [i * 2 + 1, 0])],
  }));
  const folder = ledgerFolder({ maxReported: 3 });
  for (let i = 0; i < entries.length; i += 7) folder.add(entries.slice(i, i + 7));
  const paged = folder.result();
  const whole = foldLedger(entries, { maxReported: 3 });
  assert.equal(paged, whole);
  assert.is(paged.discontinuityCount, 29);
  assert.equal(
    paged.discontinuities.map((d) => d.sequence),
    [2, 3, 4],
  );
});

const compare = suite('ledgerDisagreements');

const P = (facilityId: string, quantityOnHand: number, reservedQuantity: number, productId = 'P1'): HeldValue => ({
  kind: 'position',
  productId,
  facilityId,
  quantityOnHand,
  reservedQuantity,
});

compare('agreeing state: none; a zero and no value agree', () => {
  const folded = foldLedger([
    { sequence: 1, changes: [position('WH1', [0, 0], [10, 2]), position('WH2', [0, 0], [0, 0])] },
    { sequence: 2, changes: [{ kind: 'threshold', productId: 'P1', before: 0, after: 0 }] },
  ]);
  assert.equal(
    ledgerDisagreements(folded, [
      P('WH1', 10, 2),
      P('STORE', 0, 0),
      { kind: 'safety-stock', productId: 'P1', facilityId: 'WH1', quantity: 0 },
      { kind: 'brokering-queue', productId: 'P1', quantity: 0 },
    ]),
    [],
  );
});

compare('differs, missing, not in the ledger: each with the ledger value and the store value', () => {
  const folded = foldLedger([
    { sequence: 1, changes: [position('WH1', [0, 0], [10, 2]), position('WH2', [0, 0], [4, 0])] },
    { sequence: 2, changes: [{ kind: 'safety-stock', productId: 'P1', facilityId: 'WH1', before: 0, after: 1 }] },
    { sequence: 3, changes: [{ kind: 'brokering-queue', productId: 'P2', before: 0, after: 2 }] },
  ]);
  const comparison = ledgerComparison(folded);
  comparison.check([P('WH1', 13, 2), P('STORE', 5, 1)]);
  comparison.check([
    { kind: 'safety-stock', productId: 'P1', facilityId: 'WH1', quantity: 1 },
    { kind: 'threshold', productId: 'P2', quantity: 7 },
  ]);
  const { disagreements, counts, checked } = comparison.finish();
  assert.equal(disagreements, [
    {
      kind: 'position',
      productId: 'P1',
      facilityId: 'WH1',
      problem: 'differs',
      sequence: null,
      folded: { quantityOnHand: 10, reservedQuantity: 2 },
      actual: { quantityOnHand: 13, reservedQuantity: 2 },
    },
    {
      kind: 'position',
      productId: 'P1',
      facilityId: 'STORE',
      problem: 'not-in-ledger',
      sequence: null,
      folded: null,
      actual: { quantityOnHand: 5, reservedQuantity: 1 },
    },
    { kind: 'threshold', productId: 'P2', problem: 'not-in-ledger', sequence: null, folded: null, actual: 7 },
    {
      kind: 'position',
      productId: 'P1',
      facilityId: 'WH2',
      problem: 'missing',
      sequence: null,
      folded: { quantityOnHand: 4, reservedQuantity: 0 },
      actual: null,
    },
    { kind: 'brokering-queue', productId: 'P2', problem: 'missing', sequence: null, folded: 2, actual: null },
  ]);
  assert.equal(counts, { differs: 1, missing: 2, 'not-in-ledger': 2, discontinuity: 0 });
  assert.equal(checked, { position: 2, 'safety-stock': 1, threshold: 1, 'brokering-queue': 0 });
});

compare('the fold’s discontinuities come first; maxReported caps the list', () => {
  const folded = foldLedger([
    { sequence: 1, changes: [position('WH1', [0, 0], [1, 0])] },
    { sequence: 2, changes: [position('WH1', [5, 0], [6, 0])] },
  ]);
  const all = ledgerDisagreements(folded, [P('WH1', 6, 0), P('WH2', 1, 0), P('WH3', 1, 0)]);
  assert.equal(
    all.map((d) => `${d.problem}:${d.kind === 'position' ? d.facilityId : ''}`),
    ['discontinuity:WH1', 'differs:WH1', 'not-in-ledger:WH2', 'not-in-ledger:WH3'],
  );
  const comparison = ledgerComparison(folded, { maxReported: 2 });
  comparison.check([P('WH1', 6, 0), P('WH2', 1, 0), P('WH3', 1, 0)]);
  const capped = comparison.finish();
  assert.is(capped.disagreements.length, 2);
  assert.equal(capped.counts, { differs: 1, missing: 0, 'not-in-ledger': 2, discontinuity: 1 });
});

const inventories = suite('foldedProductInventories');

inventories(
  'each product with its positions (safety stock joined, facilities in id order), threshold and queue',
  () => {
    const folded = foldLedger([
      { sequence: 1, changes: [position('WH2', [0, 0], [10, 2]), position('WH1', [0, 0], [3, 0])] },
      { sequence: 2, changes: [{ kind: 'safety-stock', productId: 'P1', facilityId: 'STORE', before: 0, after: 1 }] },
      { sequence: 3, changes: [{ kind: 'safety-stock', productId: 'P1', facilityId: 'WH2', before: 0, after: 0.5 }] },
      { sequence: 4, changes: [{ kind: 'threshold', productId: 'P2', before: 0, after: 4 }] },
    ]);
    assert.equal(foldedProductInventories(folded), [
      {
        productId: 'P1',
        positions: [
          { facilityId: 'STORE', quantityOnHand: 0, reservedQuantity: 0, safetyStock: 1 },
          { facilityId: 'WH1', quantityOnHand: 3, reservedQuantity: 0, safetyStock: 0 },
          { facilityId: 'WH2', quantityOnHand: 10, reservedQuantity: 2, safetyStock: 0.5 },
        ],
        threshold: 0,
        brokeringQueue: 0,
      },
      { productId: 'P2', positions: [], threshold: 4, brokeringQueue: 0 },
    ] satisfies ReadonlyArray<ProductInventory>);
  },
);

// ---- Against the ledger's own fold: the audit of what `applyInventoryEvents` wrote always agrees. ----

const PRODUCTS = ['P1', 'P2'];
const FACILITIES = ['WH1', 'WH2', 'STORE'];
const CONTEXT: LedgerContext = {
  knownProducts: new Set(PRODUCTS),
  knownFacilities: new Set(FACILITIES),
  recorded: new Map(),
};
const GROUP = { facilityGroupId: 'G', facilityGroupTypeId: CHANNEL_FAC_GROUP, facilityIds: ['WH1', 'WH2'] } as const;

const heldOf = (state: ReturnType<typeof applyInventoryEvents>['state']): HeldValue[] => {
  const ids = (key: string) => {
    const colon = key.indexOf(':');
    const end = colon + 1 + Number(key.slice(0, colon));
    return { productId: key.slice(colon + 1, end), facilityId: key.slice(end) };
  };
  return [
    ...[...state.positions].map(
      ([k, p]): HeldValue => ({
        kind: 'position',
        ...ids(k),
        quantityOnHand: fromScaled(p.quantityOnHand),
        reservedQuantity: fromScaled(p.reserved),
      }),
    ),
    ...[...state.safetyStock].map(
      ([k, q]): HeldValue => ({ kind: 'safety-stock', ...ids(k), quantity: fromScaled(q) }),
    ),
    ...[...state.thresholds].map(
      ([productId, q]): HeldValue => ({ kind: 'threshold', productId, quantity: fromScaled(q) }),
    ),
    ...[...state.brokeringQueue].map(
      ([productId, q]): HeldValue => ({ kind: 'brokering-queue', productId, quantity: fromScaled(q) }),
    ),
  ];
};

const property = suite('ledger audit (property)');

property('for random events, the fold of the applied changes has no discontinuity and agrees with the state', () =>
  fc.assert(
    fc.property(fc.array(plausibleInventoryEvents(PRODUCTS, FACILITIES), { minLength: 5, maxLength: 40 }), (es) => {
      const { state, outcomes } = applyInventoryEvents(emptyLedgerState(), es, CONTEXT);
      const entries = outcomes.flatMap((o, i) =>
        o.outcome === 'applied' ? [{ sequence: i + 1, changes: o.changes }] : [],
      );
      const folded = foldLedger(entries);
      assert.equal(folded.discontinuities, []);
      assert.equal(ledgerDisagreements(folded, heldOf(state)), []);
      // The folded products' online ATP is that of the state, grouped by the domain's own `productInventories`.
      const held = heldOf(state);
      const safety = new Map(
        held.flatMap((h) =>
          h.kind === 'safety-stock' ? [[`${h.productId}/${h.facilityId}`, h.quantity] as const] : [],
        ),
      );
      const fromState = productInventories(
        held.flatMap((h) =>
          h.kind === 'position' ? [{ ...h, safetyStock: safety.get(`${h.productId}/${h.facilityId}`) ?? 0 }] : [],
        ),
        held.flatMap((h) => (h.kind === 'threshold' ? [{ productId: h.productId, threshold: h.quantity }] : [])),
        held.flatMap((h) => (h.kind === 'brokering-queue' ? [{ productId: h.productId, quantity: h.quantity }] : [])),
      );
      const atpOf = (products: ReadonlyArray<ProductInventory>) =>
        new Map(products.map((p) => [p.productId, onlineAtp(GROUP, p)]));
      const expected = atpOf(fromState);
      for (const [productId, atp] of atpOf(foldedProductInventories(folded)))
        assert.is(atp, expected.get(productId) ?? 0, productId);
    }),
  ),
);

property('a write outside the ledger is found: changed, the key differs; written then moved, a discontinuity too', () =>
  fc.assert(
    fc.property(
      fc.array(plausibleInventoryEvents(PRODUCTS, FACILITIES), { maxLength: 30 }),
      fc.integer({ min: 1, max: 5 }),
      (es, bump) => {
        const { state, outcomes } = applyInventoryEvents(emptyLedgerState(), es, CONTEXT);
        const entries = outcomes.flatMap((o, i) =>
          o.outcome === 'applied' ? [{ sequence: i + 1, changes: o.changes }] : [],
        );
        const held = heldOf(state);
        const target = held.findIndex((h) => h.kind === 'position');
        fc.pre(target !== -1);
        const tampered = held.map((h, i) =>
          i === target && h.kind === 'position' ? { ...h, quantityOnHand: h.quantityOnHand + bump } : h,
        );
        const found = ledgerDisagreements(foldLedger(entries), tampered);
        const t = held[target]!;
        assert.equal(
          found.map((d) => [d.problem, d.kind, d.productId, d.kind === 'position' ? d.facilityId : null]),
          [['differs', 'position', t.productId, t.kind === 'position' ? t.facilityId : null]],
        );
      },
    ),
  ),
);

fold.run();
compare.run();
inventories.run();
property.run();
