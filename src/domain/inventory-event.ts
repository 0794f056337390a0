import * as t from 'io-ts';
import { Identifier } from './identifiers.ts';
import { pairKey } from './keyed-diff.ts';
import { fromScaled, MAX_QUANTITY, QUANTITY_SCALE, toScaled } from './quantity.ts';

// The OMS inventory ledger's events and the one fold that applies them. Every store applies this same fold to the
// rows it has locked, so the stores agree by construction.
//
// The rules, stated once:
// - Position events (`received`, `adjusted`, `counted`, `reserved`, `released`, `shipped`, `returned`,
//   `transferred`, `reset`, `safety-stock-set`) need a `facilityId`; product events (`threshold-set`,
//   `brokering-queue-changed`) are per product and must not carry one. Only `transferred` carries `toFacilityId`.
// - Quantities are finite, at most five decimals, at most a billion units in magnitude.
// - QOH going below zero: an event that lowers QOH (`adjusted` below zero, `shipped`, `transferred` out of its
//   facility) is refused when it would leave QOH below zero; an event that raises QOH is always applied. `counted`
//   sets QOH to a quantity that must not be negative. The one exception is `reset`: the system of record's quantity
//   (NetSuite can hold a negative on-hand), applied as it is, as the import applies its variances. So only a reset
//   makes QOH negative, and a negative position can then only be raised by the other events.
// - Reserved never goes below zero: releasing or shipping more than is reserved is refused. Reserving more than is
//   on hand is allowed (a backorder): the facility is over-reserved and online ATP counts it as zero.
// - Safety stock, threshold and the brokering queue's total are never negative.
// - A refused event is recorded as refused (nothing of it applied): its `eventId` is decided once, like an applied
//   one's, so a rerun after a crash decides every event as the first run did. To try again, send a new `eventId`.
// - A replayed `eventId` (applied or refused before) with the same payload is a duplicate (nothing changes); with
//   another payload, a conflict.

/**
 * The kinds of inventory event, and what each does with `quantity`:
 * - `received`, `returned`: QOH up by it (above 0).
 * - `adjusted`: QOH changed by it, signed and not 0, with a `reason` (damaged, shrinkage, found, ...).
 * - `counted`: a physical count: QOH becomes it (0 or more); reserved stays.
 * - `reserved` / `released`: reserved up / down by it (above 0; no more than is reserved is released).
 * - `shipped`: QOH and reserved down by it together (above 0; no more than is reserved).
 * - `transferred`: QOH down by it at `facilityId` and up by it at `toFacilityId`, in one event.
 * - `reset`: the NetSuite import's variance, a signed QOH delta (so stock moved during the import is kept), applied
 *   even below zero; `source` says the file and line.
 * - `safety-stock-set`: the position's safety stock becomes it (0 or more).
 * - `threshold-set`: the product's threshold becomes it (0 or more); per product.
 * - `brokering-queue-changed`: the product's brokering queue changed by it, signed and not 0; per product.
 */
export const INVENTORY_EVENT_TYPES = [
  'received',
  'adjusted',
  'counted',
  'reserved',
  'released',
  'shipped',
  'returned',
  'transferred',
  'safety-stock-set',
  'threshold-set',
  'brokering-queue-changed',
  'reset',
] as const;
export type InventoryEventType = (typeof INVENTORY_EVENT_TYPES)[number];

/** The event types that are per product: they carry no facility. */
export const PRODUCT_EVENT_TYPES: ReadonlySet<InventoryEventType> = new Set([
  'threshold-set',
  'brokering-queue-changed',
]);

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/** True when `s` is an ISO 8601 instant with its offset (`2026-12-01T10:00:00Z`, `...+01:00`). */
export const isOccurredAt = (s: string): boolean => ISO_INSTANT.test(s) && Number.isFinite(Date.parse(s));

/**
 * When the event happened, as an ISO 8601 string with an explicit offset: events arrive as JSON and CSV lines, and
 * the ledger keeps the instant the source stated (compared by instant: `...00Z` and `...00.000Z` are the same).
 */
export const OccurredAt = new t.Type<string, string, unknown>(
  'OccurredAt',
  (u): u is string => typeof u === 'string' && isOccurredAt(u),
  (u, c) => (typeof u === 'string' && isOccurredAt(u) ? t.success(u) : t.failure(u, c)),
  t.identity,
);

/**
 * One change to the OMS's stock, identified by `eventId` (the idempotency key). `quantity` is any number here: the
 * fold refuses the ones that are not finite, too precise or too large, with the reason. `source` says where the event
 * came from (a system, or a file and line); `reason` says why (`adjusted` needs one: damaged, shrinkage, found, ...).
 */
export const InventoryEvent = t.readonly(
  t.intersection([
    t.type({
      eventId: Identifier,
      type: t.keyof(
        Object.fromEntries(INVENTORY_EVENT_TYPES.map((k) => [k, null])) as Record<InventoryEventType, null>,
      ),
      productId: Identifier,
      quantity: t.number,
      occurredAt: OccurredAt,
      source: Identifier,
    }),
    t.partial({ facilityId: Identifier, toFacilityId: Identifier, reason: Identifier }),
  ]),
  'InventoryEvent',
);
export type InventoryEvent = t.TypeOf<typeof InventoryEvent>;

/** QOH and reserved of one position, as scaled integers (`toScaled`). */
export interface ScaledPosition {
  readonly quantityOnHand: number;
  readonly reserved: number;
}

/**
 * What the fold reads and writes, as scaled integers (`toScaled`); a key that is absent is 0. Positions and safety
 * stock are keyed by `pairKey(productId, facilityId)`, thresholds and the brokering queue by product id.
 */
export interface LedgerState {
  readonly positions: ReadonlyMap<string, ScaledPosition>;
  readonly safetyStock: ReadonlyMap<string, number>;
  readonly thresholds: ReadonlyMap<string, number>;
  readonly brokeringQueue: ReadonlyMap<string, number>;
}

/** An empty state: no positions, every term 0. */
export const emptyLedgerState = (): LedgerState => ({
  positions: new Map(),
  safetyStock: new Map(),
  thresholds: new Map(),
  brokeringQueue: new Map(),
});

/** What an applied event changed, before and after, in units. */
export type LedgerChange =
  | {
      readonly kind: 'position';
      readonly productId: string;
      readonly facilityId: string;
      readonly before: { readonly quantityOnHand: number; readonly reservedQuantity: number };
      readonly after: { readonly quantityOnHand: number; readonly reservedQuantity: number };
    }
  | {
      readonly kind: 'safety-stock';
      readonly productId: string;
      readonly facilityId: string;
      readonly before: number;
      readonly after: number;
    }
  | { readonly kind: 'threshold'; readonly productId: string; readonly before: number; readonly after: number }
  | { readonly kind: 'brokering-queue'; readonly productId: string; readonly before: number; readonly after: number };

/** Why an event was refused. */
export const REFUSAL_REASONS = [
  'unknown-product',
  'unknown-facility',
  'unknown-to-facility',
  'missing-facility',
  'facility-not-applicable',
  'missing-to-facility',
  'to-facility-not-applicable',
  'same-facility',
  'missing-reason',
  'quantity-not-finite',
  'quantity-too-precise',
  'quantity-too-large',
  'quantity-not-positive',
  'quantity-zero',
  'negative-count',
  'negative-safety-stock',
  'negative-threshold',
  'negative-brokering-queue',
  'release-exceeds-reserved',
  'ship-exceeds-reserved',
  'quantity-on-hand-below-zero',
] as const;
export type RefusalReason = (typeof REFUSAL_REASONS)[number];

const refusalReasons: ReadonlySet<string> = new Set(REFUSAL_REASONS);
/** Whether a stored string is one of the refusal reasons. */
export const isRefusalReason = (s: string): s is RefusalReason => refusalReasons.has(s);

/** What became of one event. */
export type EventOutcome =
  | { readonly outcome: 'applied'; readonly eventId: string; readonly changes: ReadonlyArray<LedgerChange> }
  | { readonly outcome: 'refused'; readonly eventId: string; readonly reason: RefusalReason; readonly detail: string }
  | {
      readonly outcome: 'duplicate';
      readonly eventId: string;
      /** When the event was refused as it was first decided: that refusal, as it was given then. */
      readonly refused?: EarlierRefusal;
    }
  | { readonly outcome: 'conflict'; readonly eventId: string; readonly detail: string };

/** The refusal an event met when it was first decided, which the ledger keeps with its id. */
export interface EarlierRefusal {
  readonly reason: RefusalReason;
  readonly detail: string;
}

/**
 * The outcomes with each duplicate of a refused event carrying its earlier refusal (`refusals`, by `eventId`): what
 * lets a rerun after a crash report the refusals of a call whose outcomes never reached its report.
 */
export const withEarlierRefusals = (
  outcomes: ReadonlyArray<EventOutcome>,
  refusals: ReadonlyMap<string, EarlierRefusal>,
): ReadonlyArray<EventOutcome> =>
  outcomes.map((o) => {
    const refused = o.outcome === 'duplicate' ? refusals.get(o.eventId) : undefined;
    return refused === undefined ? o : { ...o, refused };
  });

/** The event ids of the duplicates among `outcomes`: those a store looks up earlier refusals for. */
export const duplicateIds = (outcomes: ReadonlyArray<EventOutcome>): ReadonlyArray<string> => [
  ...new Set(outcomes.flatMap((o) => (o.outcome === 'duplicate' ? [o.eventId] : []))),
];

/** What the fold needs beside the state: the ids that exist, and the payloads of the events recorded before. */
export interface LedgerContext {
  readonly knownProducts: ReadonlySet<string>;
  readonly knownFacilities: ReadonlySet<string>;
  /** `eventId` -> `canonicalPayload` of every event already decided, applied or refused (at least the batch's ids). */
  readonly recorded: ReadonlyMap<string, string>;
  /** The events' `canonicalPayload`s, in order, when they were made before (a store makes them while it reads). */
  readonly payloads?: ReadonlyArray<string>;
}

/** A time as its ISO instant, parsed once; a text that is no time stays as it is. */
const instant = (text: string): string => {
  // The events of one call mostly share their time: the last text parsed is kept.
  if (text === lastInstant[0]) return lastInstant[1];
  const time = new Date(text);
  const iso = Number.isFinite(time.getTime()) ? time.toISOString() : text;
  lastInstant = [text, iso];
  return iso;
};
let lastInstant: readonly [text: string, iso: string] = ['', ''];

/**
 * The event as one canonical string: equal for two events exactly when they are the same event (the instant
 * compared as an instant, the quantity as its scaled integer, or as written when it is finer than that). What the
 * ledger keeps and compares for conflicts.
 */
export const canonicalPayload = (e: InventoryEvent): string =>
  JSON.stringify({
    eventId: e.eventId,
    type: e.type,
    productId: e.productId,
    facilityId: e.facilityId ?? null,
    toFacilityId: e.toFacilityId ?? null,
    // Finer than the domain keeps, the quantity is kept as written: rounded, it would equal another payload's.
    quantity:
      !Number.isFinite(e.quantity) || quantityFault(e.quantity)?.reason === 'quantity-too-precise'
        ? String(e.quantity)
        : fromScaled(toScaled(e.quantity)),
    occurredAt: instant(e.occurredAt),
    source: e.source,
    reason: e.reason ?? null,
  });

/** The event a `canonicalPayload` stands for (its nulls are the absent fields), or the decoder's errors. */
export const eventOfPayload = (payload: string): t.Validation<InventoryEvent> => {
  let parsed: unknown;
  try {
    parsed = JSON.parse(payload);
  } catch {
    parsed = payload;
  }
  const fields =
    typeof parsed === 'object' && parsed !== null
      ? Object.fromEntries(Object.entries(parsed).filter(([, v]) => v !== null))
      : parsed;
  return InventoryEvent.decode(fields);
};

/** The positions, safety stock and product keys an event reads and writes: what a store must lock before folding. */
export const touchedKeys = (
  events: ReadonlyArray<InventoryEvent>,
): {
  readonly positions: ReadonlyArray<readonly [productId: string, facilityId: string]>;
  readonly safetyStock: ReadonlyArray<readonly [productId: string, facilityId: string]>;
  readonly thresholds: ReadonlyArray<string>;
  readonly brokeringQueue: ReadonlyArray<string>;
} => {
  const positions = new Map<string, readonly [string, string]>();
  const safety = new Map<string, readonly [string, string]>();
  const thresholds = new Set<string>();
  const queue = new Set<string>();
  for (const e of events) {
    if (e.type === 'threshold-set') thresholds.add(e.productId);
    else if (e.type === 'brokering-queue-changed') queue.add(e.productId);
    else if (e.facilityId !== undefined) {
      const into = e.type === 'safety-stock-set' ? safety : positions;
      into.set(pairKey(e.productId, e.facilityId), [e.productId, e.facilityId]);
      if (e.type === 'transferred' && e.toFacilityId !== undefined)
        positions.set(pairKey(e.productId, e.toFacilityId), [e.productId, e.toFacilityId]);
    }
  }
  // By product, then facility (code unit order): the order of a database that orders text by code point.
  const byIds = (m: Map<string, readonly [string, string]>) =>
    [...m.values()].sort(([p1, f1], [p2, f2]) => (p1 !== p2 ? (p1 < p2 ? -1 : 1) : f1 === f2 ? 0 : f1 < f2 ? -1 : 1));
  return {
    positions: byIds(positions),
    safetyStock: byIds(safety),
    thresholds: [...thresholds].sort(),
    brokeringQueue: [...queue].sort(),
  };
};

/** The quantity's own faults, whatever the event: not finite, more than five decimals, over a billion units. */
const quantityFault = (q: number): { reason: RefusalReason; detail: string } | null => {
  if (!Number.isFinite(q)) return { reason: 'quantity-not-finite', detail: `quantity ${q} is not a finite number` };
  if (Math.abs(q) > MAX_QUANTITY)
    return { reason: 'quantity-too-large', detail: `quantity ${q} is over ${MAX_QUANTITY} units` };
  const scaled = q * QUANTITY_SCALE;
  if (Math.abs(scaled - Math.round(scaled)) > Math.max(1e-6, Math.abs(scaled) * 1e-15))
    return { reason: 'quantity-too-precise', detail: `quantity ${q} has more than 5 decimals` };
  return null;
};

type Refusal = { readonly reason: RefusalReason; readonly detail: string };
const refuse = (reason: RefusalReason, detail: string): Refusal => ({ reason, detail });

/** The fold's working state: mutable copies of the maps it was given. */
interface Working {
  positions: Map<string, ScaledPosition>;
  safetyStock: Map<string, number>;
  thresholds: Map<string, number>;
  brokeringQueue: Map<string, number>;
}

const units = (p: ScaledPosition) => ({
  quantityOnHand: fromScaled(p.quantityOnHand),
  reservedQuantity: fromScaled(p.reserved),
});
const ZERO: ScaledPosition = { quantityOnHand: 0, reserved: 0 };

/** Checks one event against the state and returns its changes (not yet written), or why it is refused. */
const decide = (
  w: Working,
  e: InventoryEvent,
  context: LedgerContext,
): { readonly refused: Refusal } | { readonly writes: ReadonlyArray<() => LedgerChange> } => {
  const fail = (reason: RefusalReason, detail: string) => ({ refused: refuse(reason, detail) });
  if (!context.knownProducts.has(e.productId)) return fail('unknown-product', `no such product: ${e.productId}`);
  const perProduct = PRODUCT_EVENT_TYPES.has(e.type);
  if (perProduct && e.facilityId !== undefined)
    return fail('facility-not-applicable', `${e.type} is per product and takes no facilityId`);
  if (!perProduct && e.facilityId === undefined) return fail('missing-facility', `${e.type} needs a facilityId`);
  if (e.facilityId !== undefined && !context.knownFacilities.has(e.facilityId))
    return fail('unknown-facility', `no such facility: ${e.facilityId}`);
  if (e.type === 'transferred') {
    if (e.toFacilityId === undefined) return fail('missing-to-facility', 'transferred needs a toFacilityId');
    if (!context.knownFacilities.has(e.toFacilityId))
      return fail('unknown-to-facility', `no such facility: ${e.toFacilityId}`);
    if (e.toFacilityId === e.facilityId) return fail('same-facility', `transferred from ${e.facilityId} into itself`);
  } else if (e.toFacilityId !== undefined)
    return fail('to-facility-not-applicable', `${e.type} takes no toFacilityId (only transferred does)`);
  const fault = quantityFault(e.quantity);
  if (fault !== null) return { refused: fault };
  const q = toScaled(e.quantity);

  const productId = e.productId;
  const positive = () => (q > 0 ? null : refuse('quantity-not-positive', `${e.type} needs a quantity above 0`));
  const positionKey = (facilityId: string) => pairKey(productId, facilityId);
  const setPosition = (facilityId: string, next: ScaledPosition) => () => {
    const key = positionKey(facilityId);
    const before = w.positions.get(key) ?? ZERO;
    w.positions.set(key, next);
    return { kind: 'position' as const, productId, facilityId, before: units(before), after: units(next) };
  };
  const facilityId = e.facilityId ?? '';
  const at = w.positions.get(positionKey(facilityId)) ?? ZERO;
  const lowered = (next: number): Refusal | null =>
    next < 0 && next < at.quantityOnHand
      ? refuse(
          'quantity-on-hand-below-zero',
          `${e.type} of ${e.quantity} would take QOH at ${facilityId} from ${fromScaled(at.quantityOnHand)} to ${fromScaled(next)}`,
        )
      : null;
  const move = (dQoh: number, dReserved: number) =>
    setPosition(facilityId, {
      quantityOnHand: at.quantityOnHand + dQoh,
      reserved: at.reserved + dReserved,
    });
  const check = (...refusals: ReadonlyArray<Refusal | null>) => refusals.find((r) => r !== null) ?? null;
  const outcome = (refusal: Refusal | null, writes: ReadonlyArray<() => LedgerChange>) =>
    refusal === null ? { writes } : { refused: refusal };

  switch (e.type) {
    case 'received':
    case 'returned':
      return outcome(positive(), [move(q, 0)]);
    case 'adjusted':
    case 'reset': {
      const missingReason =
        e.type === 'adjusted' && e.reason === undefined
          ? refuse('missing-reason', 'adjusted needs a reason (damaged, shrinkage, found, ...)')
          : null;
      const zero = q === 0 ? refuse('quantity-zero', `${e.type} of 0 changes nothing`) : null;
      const below = e.type === 'reset' ? null : lowered(at.quantityOnHand + q);
      return outcome(check(missingReason, zero, below), [move(q, 0)]);
    }
    case 'counted':
      return outcome(q < 0 ? refuse('negative-count', `counted ${e.quantity}: a count is never negative`) : null, [
        setPosition(facilityId, { quantityOnHand: q, reserved: at.reserved }),
      ]);
    case 'reserved':
      return outcome(positive(), [move(0, q)]);
    case 'released':
      return outcome(
        check(
          positive(),
          q > at.reserved
            ? refuse(
                'release-exceeds-reserved',
                `releasing ${e.quantity} at ${facilityId}, where ${fromScaled(at.reserved)} is reserved`,
              )
            : null,
        ),
        [move(0, -q)],
      );
    case 'shipped':
      return outcome(
        check(
          positive(),
          q > at.reserved
            ? refuse(
                'ship-exceeds-reserved',
                `shipping ${e.quantity} at ${facilityId}, where ${fromScaled(at.reserved)} is reserved`,
              )
            : null,
          lowered(at.quantityOnHand - q),
        ),
        [move(-q, -q)],
      );
    case 'transferred': {
      const to = e.toFacilityId ?? '';
      const into = w.positions.get(positionKey(to)) ?? ZERO;
      return outcome(check(positive(), lowered(at.quantityOnHand - q)), [
        move(-q, 0),
        setPosition(to, { quantityOnHand: into.quantityOnHand + q, reserved: into.reserved }),
      ]);
    }
    case 'safety-stock-set': {
      const key = positionKey(facilityId);
      return outcome(q < 0 ? refuse('negative-safety-stock', `safety stock ${e.quantity} is below zero`) : null, [
        () => {
          const before = w.safetyStock.get(key) ?? 0;
          w.safetyStock.set(key, q);
          return { kind: 'safety-stock', productId, facilityId, before: fromScaled(before), after: fromScaled(q) };
        },
      ]);
    }
    case 'threshold-set':
      return outcome(q < 0 ? refuse('negative-threshold', `threshold ${e.quantity} is below zero`) : null, [
        () => {
          const before = w.thresholds.get(productId) ?? 0;
          w.thresholds.set(productId, q);
          return { kind: 'threshold', productId, before: fromScaled(before), after: fromScaled(q) };
        },
      ]);
    case 'brokering-queue-changed': {
      const before = w.brokeringQueue.get(productId) ?? 0;
      return outcome(
        check(
          q === 0 ? refuse('quantity-zero', 'brokering-queue-changed of 0 changes nothing') : null,
          before + q < 0
            ? refuse(
                'negative-brokering-queue',
                `the brokering queue of ${productId} would go from ${fromScaled(before)} to ${fromScaled(before + q)}`,
              )
            : null,
        ),
        [
          () => {
            w.brokeringQueue.set(productId, before + q);
            return { kind: 'brokering-queue', productId, before: fromScaled(before), after: fromScaled(before + q) };
          },
        ],
      );
    }
  }
};

/**
 * Applies events in order to `state`: each one is applied (with the before and after of everything it changed),
 * refused (with the reason; nothing of it applied), a duplicate (its `eventId` was decided before, or earlier in the
 * batch, with the same payload) or a conflict (the same `eventId` with another payload). Pure: returns the new
 * state and leaves `state` as it was. The rules are stated at the top of this module.
 */
export const applyInventoryEvents = (
  state: LedgerState,
  events: ReadonlyArray<InventoryEvent>,
  context: LedgerContext,
): {
  readonly state: LedgerState;
  readonly outcomes: ReadonlyArray<EventOutcome>;
  /** Each event's `canonicalPayload`, in order: what a store keeps beside its outcome. */
  readonly payloads: ReadonlyArray<string>;
} => {
  const w: Working = {
    positions: new Map(state.positions),
    safetyStock: new Map(state.safetyStock),
    thresholds: new Map(state.thresholds),
    brokeringQueue: new Map(state.brokeringQueue),
  };
  const seen = new Map(context.recorded);
  const payloads =
    context.payloads !== undefined && context.payloads.length === events.length
      ? context.payloads
      : events.map(canonicalPayload);
  const outcomes = events.map((e, i): EventOutcome => {
    const payload = payloads[i]!;
    const earlier = seen.get(e.eventId);
    if (earlier !== undefined)
      return earlier === payload
        ? { outcome: 'duplicate', eventId: e.eventId }
        : {
            outcome: 'conflict',
            eventId: e.eventId,
            detail: `event ${e.eventId} was recorded with another payload: ${earlier}`,
          };
    const decision = decide(w, e, context);
    seen.set(e.eventId, payload);
    if ('refused' in decision) return { outcome: 'refused', eventId: e.eventId, ...decision.refused };
    return { outcome: 'applied', eventId: e.eventId, changes: decision.writes.map((write) => write()) };
  });
  return { state: w, outcomes, payloads };
};

/**
 * The state an ordered list of applied changes leaves (each change's `after`, the last one of a key winning): the
 * projection the ledger rebuilds, for checking the positions against it.
 */
export const projectLedger = (changes: Iterable<LedgerChange>): LedgerState => {
  const w: Working = { positions: new Map(), safetyStock: new Map(), thresholds: new Map(), brokeringQueue: new Map() };
  for (const c of changes) {
    if (c.kind === 'position')
      w.positions.set(pairKey(c.productId, c.facilityId), {
        quantityOnHand: toScaled(c.after.quantityOnHand),
        reserved: toScaled(c.after.reservedQuantity),
      });
    else if (c.kind === 'safety-stock') w.safetyStock.set(pairKey(c.productId, c.facilityId), toScaled(c.after));
    else if (c.kind === 'threshold') w.thresholds.set(c.productId, toScaled(c.after));
    else w.brokeringQueue.set(c.productId, toScaled(c.after));
  }
  return w;
};

/** One position's change by a NetSuite reset, as the import's commit recorded it (both quantities, in units). */
export interface ResetRecord {
  readonly productId: string;
  readonly facilityId: string;
  readonly quantityOnHandBefore: number;
  readonly quantityOnHandAfter: number;
  readonly availableToPromiseBefore: number;
  readonly availableToPromiseAfter: number;
  readonly sourceFile: string;
  readonly line: number | null;
  readonly recordedAt: Date;
}

/**
 * A reset as a ledger event and its change: `quantity` is the QOH delta, `source` the file and line. The change holds
 * the true before and after of QOH and reserved (a cycle count moves reserved too, which the quantity does not say).
 */
export const resetOfRecord = (
  eventId: string,
  r: ResetRecord,
): { readonly event: InventoryEvent; readonly changes: ReadonlyArray<LedgerChange> } => {
  const reserved = (qoh: number, atp: number) => fromScaled(toScaled(qoh) - toScaled(atp));
  return {
    event: {
      eventId,
      type: 'reset',
      productId: r.productId,
      facilityId: r.facilityId,
      quantity: fromScaled(toScaled(r.quantityOnHandAfter) - toScaled(r.quantityOnHandBefore)),
      occurredAt: r.recordedAt.toISOString(),
      source: r.line === null ? r.sourceFile : `${r.sourceFile}:${r.line}`,
    },
    changes: [
      {
        kind: 'position',
        productId: r.productId,
        facilityId: r.facilityId,
        before: {
          quantityOnHand: r.quantityOnHandBefore,
          reservedQuantity: reserved(r.quantityOnHandBefore, r.availableToPromiseBefore),
        },
        after: {
          quantityOnHand: r.quantityOnHandAfter,
          reservedQuantity: reserved(r.quantityOnHandAfter, r.availableToPromiseAfter),
        },
      },
    ],
  };
};

/** FNV-1a (32 bits) of a string's UTF-16 code units, as 8 hex digits: a short, stable tag of a name. */
const nameTag = (name: string): string => {
  let hash = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) hash = Math.imul(hash ^ name.charCodeAt(i), 0x01000193) >>> 0;
  return hash.toString(16).padStart(8, '0');
};

/** What the ids of a commit's reset events start with: the run, the file's content and a tag of its name. */
export const resetEventIdPrefix = (runId: string, sha256: string, fileName: string): string =>
  `reset:${runId}:${sha256.slice(0, 12)}:${nameTag(fileName)}:`;

/** The id of the ledger event of a reset: the run, the file and the adjustment's place in the commit. */
export const resetEventId = (runId: string, sha256: string, fileName: string, ordinal: number): string =>
  `${resetEventIdPrefix(runId, sha256, fileName)}${ordinal}`;

/** Absolute values a seed (ChannelSeed's setters) wants, in units: the last entry of a key wins. */
export interface SeedTargets {
  readonly positions?: ReadonlyArray<{
    readonly productId: string;
    readonly facilityId: string;
    readonly quantityOnHand: number;
    readonly reservedQuantity: number;
    readonly safetyStock: number;
  }>;
  readonly thresholds?: ReadonlyArray<{ readonly productId: string; readonly threshold: number }>;
  readonly brokeringQueue?: ReadonlyArray<{ readonly productId: string; readonly quantity: number }>;
}

/** What a seed's events are stamped with: an id prefix (unique per call), the source and the instant. */
export interface SeedStamp {
  readonly idPrefix: string;
  readonly source: string;
  readonly occurredAt: string;
}

/** The keys a seed reads and writes, in the shape of `touchedKeys`. */
export const seedKeys = (targets: SeedTargets): ReturnType<typeof touchedKeys> => {
  const byKey = <A>(m: Map<string, A>) => [...m].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, v]) => v);
  const positions = new Map(
    (targets.positions ?? []).map((p) => [pairKey(p.productId, p.facilityId), [p.productId, p.facilityId] as const]),
  );
  return {
    positions: byKey(positions),
    safetyStock: byKey(positions),
    thresholds: [...new Set((targets.thresholds ?? []).map((t) => t.productId))].sort(),
    brokeringQueue: [...new Set((targets.brokeringQueue ?? []).map((q) => q.productId))].sort(),
  };
};

/**
 * The events that take `state` (the locked values of the seed's keys) to the seed's absolute values: `counted` for
 * QOH (also for a position that does not exist yet, so it is created; a `reset` by the difference for a negative
 * QOH), `reserved`/`released` for the difference in
 * reserved, `safety-stock-set`, `threshold-set` (also when absent), `brokering-queue-changed` for the difference. A
 * value already equal gives no event. The ledger's rules then apply to each, as to any event.
 */
export const seedEvents = (state: LedgerState, targets: SeedTargets, stamp: SeedStamp): InventoryEvent[] => {
  const events: InventoryEvent[] = [];
  const push = (e: Omit<InventoryEvent, 'eventId' | 'occurredAt' | 'source'>) =>
    events.push({
      ...e,
      eventId: `${stamp.idPrefix}:${events.length}`,
      occurredAt: stamp.occurredAt,
      source: stamp.source,
    });
  const last = <A>(list: ReadonlyArray<A> | undefined, key: (a: A) => string) => [
    ...new Map((list ?? []).map((a) => [key(a), a])).values(),
  ];
  for (const p of last(targets.positions, (p) => pairKey(p.productId, p.facilityId))) {
    const key = pairKey(p.productId, p.facilityId);
    const at = state.positions.get(key);
    const where = { productId: p.productId, facilityId: p.facilityId };
    // QOH: counted to it (0 or more), or reset by the difference to a negative one (a seed may hold what NetSuite does).
    const qoh = toScaled(p.quantityOnHand);
    if (qoh >= 0 && (at === undefined || at.quantityOnHand !== qoh))
      push({ ...where, type: 'counted', quantity: p.quantityOnHand });
    else if (qoh < 0 && qoh !== (at?.quantityOnHand ?? 0))
      push({ ...where, type: 'reset', quantity: fromScaled(qoh - (at?.quantityOnHand ?? 0)) });
    const reserved = toScaled(p.reservedQuantity) - (at?.reserved ?? 0);
    if (reserved !== 0)
      push({ ...where, type: reserved > 0 ? 'reserved' : 'released', quantity: fromScaled(Math.abs(reserved)) });
    const safety = state.safetyStock.get(key);
    if (safety === undefined || safety !== toScaled(p.safetyStock))
      push({ ...where, type: 'safety-stock-set', quantity: p.safetyStock });
  }
  for (const t of last(targets.thresholds, (t) => t.productId)) {
    const at = state.thresholds.get(t.productId);
    if (at === undefined || at !== toScaled(t.threshold))
      push({ productId: t.productId, type: 'threshold-set', quantity: t.threshold });
  }
  for (const q of last(targets.brokeringQueue, (q) => q.productId)) {
    const delta = toScaled(q.quantity) - (state.brokeringQueue.get(q.productId) ?? 0);
    if (delta !== 0) push({ productId: q.productId, type: 'brokering-queue-changed', quantity: fromScaled(delta) });
  }
  return events;
};

/**
 * Why a seed is refused whole, or an empty list: an unknown product or facility it names, and the reason of every
 * event of it the fold refused (the setters write all of a call or nothing).
 */
export const seedFaults = (
  targets: SeedTargets,
  outcomes: ReadonlyArray<EventOutcome>,
  known: Pick<LedgerContext, 'knownProducts' | 'knownFacilities'>,
): ReadonlyArray<string> => {
  const unknown = [
    ...(targets.positions ?? []).flatMap((p) => [
      ...(known.knownProducts.has(p.productId) ? [] : [`unknown product ${p.productId}`]),
      ...(known.knownFacilities.has(p.facilityId) ? [] : [`unknown facility ${p.facilityId}`]),
    ]),
    ...[...(targets.thresholds ?? []), ...(targets.brokeringQueue ?? [])].flatMap((t) =>
      known.knownProducts.has(t.productId) ? [] : [`unknown product ${t.productId}`],
    ),
  ];
  const refused = outcomes.flatMap((o) => (o.outcome === 'refused' ? [`${o.reason}: ${o.detail}`] : []));
  return [...new Set([...unknown, ...refused])];
};
