// The ledger's rules, one case each, shared by the fold's tests (tests/domain/inventory-event.test.ts) and the
// InventoryLedger contract run on every store: every refusal reason with its exact detail, and every event type with
// the exact before and after of what it changed. The Record types make the compiler name a reason or type left out.
import type { InventoryEvent, InventoryEventType, LedgerChange, RefusalReason } from '../../src/domain/index.ts';

/** The catalogue the cases run against. */
export const CASE_PRODUCTS = ['P1', 'P2'] as const;
export const CASE_FACILITIES = ['WH1', 'WH2', 'STORE'] as const;

const AT = '2026-12-01T10:00:00Z';
const PER_PRODUCT: ReadonlySet<InventoryEventType> = new Set(['threshold-set', 'brokering-queue-changed']);

/** An event of `type` with the id given: P1 at WH1 (none for a per-product type), 1 unit, and what its type needs. */
export const caseEvent = (
  eventId: string,
  type: InventoryEventType,
  fields: Partial<Record<keyof InventoryEvent, unknown>> = {},
): InventoryEvent =>
  Object.fromEntries(
    Object.entries({
      eventId,
      type,
      productId: 'P1',
      ...(PER_PRODUCT.has(type) ? {} : { facilityId: 'WH1' }),
      quantity: 1,
      occurredAt: AT,
      source: 'cases',
      ...(type === 'adjusted' ? { reason: 'damaged' } : {}),
      ...(type === 'transferred' ? { toFacilityId: 'WH2' } : {}),
      ...fields,
    }).filter(([, v]) => v !== undefined),
  ) as InventoryEvent;

/**
 * What the refusals run on: P1 at WH1 has QOH 5 and 2 reserved; P2 at STORE has QOH 1 and 3 reserved (reserved over
 * QOH, a backorder). Nothing else exists.
 */
export const REFUSAL_SETUP: ReadonlyArray<InventoryEvent> = [
  caseEvent('setup-1', 'received', { quantity: 5 }),
  caseEvent('setup-2', 'reserved', { quantity: 2 }),
  caseEvent('setup-3', 'received', { productId: 'P2', facilityId: 'STORE', quantity: 1 }),
  caseEvent('setup-4', 'reserved', { productId: 'P2', facilityId: 'STORE', quantity: 3 }),
];

/** One refused event: the reason and the detail it is refused with. */
export interface RefusalCase {
  readonly event: InventoryEvent;
  readonly reason: RefusalReason;
  readonly detail: string;
}

const refused = (event: InventoryEvent, reason: RefusalReason, detail: string): RefusalCase => ({
  event,
  reason,
  detail,
});

/** Every refusal reason, each with at least one case (some with one per event type it applies to). */
export const REFUSALS: Readonly<Record<RefusalReason, ReadonlyArray<RefusalCase>>> = {
  'unknown-product': [
    refused(caseEvent('R-product', 'received', { productId: 'NOPE' }), 'unknown-product', 'no such product: NOPE'),
  ],
  'unknown-facility': [
    refused(
      caseEvent('R-facility', 'received', { facilityId: 'NOWHERE' }),
      'unknown-facility',
      'no such facility: NOWHERE',
    ),
  ],
  'unknown-to-facility': [
    refused(
      caseEvent('R-to-facility', 'transferred', { toFacilityId: 'NOWHERE' }),
      'unknown-to-facility',
      'no such facility: NOWHERE',
    ),
  ],
  'missing-facility': [
    refused(
      caseEvent('R-no-facility', 'received', { facilityId: undefined }),
      'missing-facility',
      'received needs a facilityId',
    ),
  ],
  'facility-not-applicable': [
    refused(
      caseEvent('R-threshold-facility', 'threshold-set', { facilityId: 'WH1' }),
      'facility-not-applicable',
      'threshold-set is per product and takes no facilityId',
    ),
    refused(
      caseEvent('R-queue-facility', 'brokering-queue-changed', { facilityId: 'WH1' }),
      'facility-not-applicable',
      'brokering-queue-changed is per product and takes no facilityId',
    ),
  ],
  'missing-to-facility': [
    refused(
      caseEvent('R-no-to-facility', 'transferred', { toFacilityId: undefined }),
      'missing-to-facility',
      'transferred needs a toFacilityId',
    ),
  ],
  'to-facility-not-applicable': [
    refused(
      caseEvent('R-to-facility-received', 'received', { toFacilityId: 'WH2' }),
      'to-facility-not-applicable',
      'received takes no toFacilityId (only transferred does)',
    ),
  ],
  'same-facility': [
    refused(
      caseEvent('R-same-facility', 'transferred', { toFacilityId: 'WH1' }),
      'same-facility',
      'transferred from WH1 into itself',
    ),
  ],
  'missing-reason': [
    refused(
      caseEvent('R-no-reason', 'adjusted', { reason: undefined }),
      'missing-reason',
      'adjusted needs a reason (damaged, shrinkage, found, ...)',
    ),
  ],
  'quantity-not-finite': [
    refused(
      caseEvent('R-nan', 'received', { quantity: Number.NaN }),
      'quantity-not-finite',
      'quantity NaN is not a finite number',
    ),
    refused(
      caseEvent('R-infinity', 'threshold-set', { quantity: Number.NEGATIVE_INFINITY }),
      'quantity-not-finite',
      'quantity -Infinity is not a finite number',
    ),
  ],
  'quantity-too-precise': [
    refused(
      caseEvent('R-precise', 'received', { quantity: 1.000001 }),
      'quantity-too-precise',
      'quantity 1.000001 has more than 5 decimals',
    ),
    refused(
      caseEvent('R-precise-safety', 'safety-stock-set', { quantity: 0.123456 }),
      'quantity-too-precise',
      'quantity 0.123456 has more than 5 decimals',
    ),
  ],
  'quantity-too-large': [
    refused(
      caseEvent('R-large', 'received', { quantity: 1_000_000_001 }),
      'quantity-too-large',
      'quantity 1000000001 is over 1000000000 units',
    ),
    refused(
      caseEvent('R-large-negative', 'adjusted', { quantity: -1_000_000_001 }),
      'quantity-too-large',
      'quantity -1000000001 is over 1000000000 units',
    ),
  ],
  'quantity-not-positive': (['received', 'returned', 'reserved', 'released', 'shipped', 'transferred'] as const).map(
    (type) =>
      refused(
        caseEvent(`R-not-positive-${type}`, type, { quantity: type === 'received' ? 0 : -1 }),
        'quantity-not-positive',
        `${type} needs a quantity above 0`,
      ),
  ),
  'quantity-zero': (['adjusted', 'reset', 'brokering-queue-changed'] as const).map((type) =>
    refused(caseEvent(`R-zero-${type}`, type, { quantity: 0 }), 'quantity-zero', `${type} of 0 changes nothing`),
  ),
  'negative-count': [
    refused(
      caseEvent('R-count', 'counted', { quantity: -1 }),
      'negative-count',
      'counted -1: a count is never negative',
    ),
  ],
  'negative-safety-stock': [
    refused(
      caseEvent('R-safety', 'safety-stock-set', { quantity: -6 }),
      'negative-safety-stock',
      'safety stock -6 is below zero',
    ),
  ],
  'negative-threshold': [
    refused(
      caseEvent('R-threshold', 'threshold-set', { quantity: -10 }),
      'negative-threshold',
      'threshold -10 is below zero',
    ),
  ],
  'negative-brokering-queue': [
    refused(
      caseEvent('R-queue', 'brokering-queue-changed', { quantity: -3 }),
      'negative-brokering-queue',
      'the brokering queue of P1 would go from 0 to -3',
    ),
  ],
  'release-exceeds-reserved': [
    refused(
      caseEvent('R-release', 'released', { quantity: 3 }),
      'release-exceeds-reserved',
      'releasing 3 at WH1, where 2 is reserved',
    ),
    refused(
      caseEvent('R-release-nothing', 'released', { facilityId: 'WH2' }),
      'release-exceeds-reserved',
      'releasing 1 at WH2, where 0 is reserved',
    ),
  ],
  'ship-exceeds-reserved': [
    refused(
      caseEvent('R-ship', 'shipped', { quantity: 3 }),
      'ship-exceeds-reserved',
      'shipping 3 at WH1, where 2 is reserved',
    ),
    refused(
      caseEvent('R-ship-nothing', 'shipped', { facilityId: 'WH2' }),
      'ship-exceeds-reserved',
      'shipping 1 at WH2, where 0 is reserved',
    ),
  ],
  'quantity-on-hand-below-zero': [
    refused(
      caseEvent('R-below-adjusted', 'adjusted', { quantity: -6 }),
      'quantity-on-hand-below-zero',
      'adjusted of -6 would take QOH at WH1 from 5 to -1',
    ),
    refused(
      caseEvent('R-below-transferred', 'transferred', { quantity: 6 }),
      'quantity-on-hand-below-zero',
      'transferred of 6 would take QOH at WH1 from 5 to -1',
    ),
    refused(
      caseEvent('R-below-shipped', 'shipped', { productId: 'P2', facilityId: 'STORE', quantity: 2 }),
      'quantity-on-hand-below-zero',
      'shipped of 2 would take QOH at STORE from 1 to -1',
    ),
  ],
};

/** Every refusal case, in one list. */
export const ALL_REFUSALS: ReadonlyArray<RefusalCase> = Object.values(REFUSALS).flat();

/** One applied event and exactly what it changed. */
export interface EffectCase {
  readonly event: InventoryEvent;
  readonly changes: ReadonlyArray<LedgerChange>;
}

const position = (
  facilityId: string,
  before: readonly [qoh: number, reserved: number],
  after: readonly [qoh: number, reserved: number],
  productId = 'P1',
): LedgerChange => ({
  kind: 'position',
  productId,
  facilityId,
  before: { quantityOnHand: before[0], reservedQuantity: before[1] },
  after: { quantityOnHand: after[0], reservedQuantity: after[1] },
});

/**
 * Every event type, in one sequence from an empty state (each type at least once, each term set twice so its
 * `before` is not 0): what each event changed, before and after. `EFFECTS_RESULT` is where it ends.
 */
export const EFFECTS: Readonly<Record<InventoryEventType, ReadonlyArray<EffectCase>>> = {
  received: [
    { event: caseEvent('T-received', 'received', { quantity: 10 }), changes: [position('WH1', [0, 0], [10, 0])] },
  ],
  reserved: [
    { event: caseEvent('T-reserved', 'reserved', { quantity: 4 }), changes: [position('WH1', [10, 0], [10, 4])] },
  ],
  shipped: [{ event: caseEvent('T-shipped', 'shipped', { quantity: 1 }), changes: [position('WH1', [10, 4], [9, 3])] }],
  released: [
    { event: caseEvent('T-released', 'released', { quantity: 1 }), changes: [position('WH1', [9, 3], [9, 2])] },
  ],
  returned: [
    { event: caseEvent('T-returned', 'returned', { quantity: 2 }), changes: [position('WH1', [9, 2], [11, 2])] },
  ],
  adjusted: [
    {
      event: caseEvent('T-adjusted-down', 'adjusted', { quantity: -0.5, reason: 'damaged' }),
      changes: [position('WH1', [11, 2], [10.5, 2])],
    },
    {
      event: caseEvent('T-adjusted-up', 'adjusted', { quantity: 0.25, reason: 'found' }),
      changes: [position('WH1', [10.5, 2], [10.75, 2])],
    },
  ],
  counted: [
    { event: caseEvent('T-counted', 'counted', { quantity: 12 }), changes: [position('WH1', [10.75, 2], [12, 2])] },
    {
      event: caseEvent('T-counted-zero', 'counted', { productId: 'P2', facilityId: 'STORE', quantity: 0 }),
      changes: [position('STORE', [0, 0], [0, 0], 'P2')],
    },
  ],
  transferred: [
    {
      event: caseEvent('T-transferred', 'transferred', { quantity: 2.25 }),
      changes: [position('WH1', [12, 2], [9.75, 2]), position('WH2', [0, 0], [2.25, 0])],
    },
  ],
  'safety-stock-set': [
    {
      event: caseEvent('T-safety', 'safety-stock-set', { quantity: 1.5 }),
      changes: [{ kind: 'safety-stock', productId: 'P1', facilityId: 'WH1', before: 0, after: 1.5 }],
    },
    {
      event: caseEvent('T-safety-again', 'safety-stock-set', { quantity: 0.5 }),
      changes: [{ kind: 'safety-stock', productId: 'P1', facilityId: 'WH1', before: 1.5, after: 0.5 }],
    },
  ],
  'threshold-set': [
    {
      event: caseEvent('T-threshold', 'threshold-set', { quantity: 3 }),
      changes: [{ kind: 'threshold', productId: 'P1', before: 0, after: 3 }],
    },
    {
      event: caseEvent('T-threshold-again', 'threshold-set', { quantity: 1 }),
      changes: [{ kind: 'threshold', productId: 'P1', before: 3, after: 1 }],
    },
  ],
  'brokering-queue-changed': [
    {
      event: caseEvent('T-queue-up', 'brokering-queue-changed', { quantity: 4 }),
      changes: [{ kind: 'brokering-queue', productId: 'P1', before: 0, after: 4 }],
    },
    {
      event: caseEvent('T-queue-down', 'brokering-queue-changed', { quantity: -1 }),
      changes: [{ kind: 'brokering-queue', productId: 'P1', before: 4, after: 3 }],
    },
  ],
  reset: [
    {
      event: caseEvent('T-reset-down', 'reset', { quantity: -0.75, source: 'inventory-20261201T100000Z.csv:2' }),
      changes: [position('WH1', [9.75, 2], [9, 2])],
    },
    {
      event: caseEvent('T-reset-up', 'reset', {
        facilityId: 'WH2',
        quantity: 1,
        source: 'inventory-20261201T100000Z.csv:3',
      }),
      changes: [position('WH2', [2.25, 0], [3.25, 0])],
    },
  ],
};

/** The cases of `EFFECTS` in the order they run (the record's order). */
export const ALL_EFFECTS: ReadonlyArray<EffectCase> = Object.values(EFFECTS).flat();

/** What the sequence leaves: per product, its positions (QOH, reserved, safety stock), threshold and queue. */
export const EFFECTS_RESULT = {
  P1: {
    positions: {
      WH1: { quantityOnHand: 9, reservedQuantity: 2, safetyStock: 0.5 },
      WH2: { quantityOnHand: 3.25, reservedQuantity: 0, safetyStock: 0 },
    },
    threshold: 1,
    brokeringQueue: 3,
  },
  P2: {
    positions: { STORE: { quantityOnHand: 0, reservedQuantity: 0, safetyStock: 0 } },
    threshold: 0,
    brokeringQueue: 0,
  },
} as const;
