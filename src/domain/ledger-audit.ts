import type { LedgerChange } from './inventory-event.ts';
import { pairKey } from './keyed-diff.ts';
import type { ProductInventory } from './online-atp.ts';
import { fromScaled, toScaled } from './quantity.ts';

// The positions and terms are a projection of the inventory ledger. The audit rebuilds that projection from the
// ledger alone and compares it with what the store holds:
// - The fold applies each change's delta (after - before) in sequence order, from an empty state (an absent value
//   is 0). It folds the changes, not the events: a change says everything it moved (a `reset` can move reserved too),
//   an event's payload does not.
// - Continuity: each change's `before` must equal the value the fold has reached for that key. A mismatch means
//   something wrote the key outside the ledger before that entry (a discontinuity at its sequence number).
// - The comparison: a key the fold and the store both hold with other values differs; one only the fold holds (not 0)
//   is missing from the store; one only the store holds (not 0) is not in the ledger. A value of 0 and no value agree.

/** A position's two quantities, in units. */
export interface PositionQuantities {
  readonly quantityOnHand: number;
  readonly reservedQuantity: number;
}

/** A term of online ATP besides the positions, as a store holds it, in units. */
export type StockTerm =
  | {
      readonly kind: 'safety-stock';
      readonly productId: string;
      readonly facilityId: string;
      readonly quantity: number;
    }
  | { readonly kind: 'threshold' | 'brokering-queue'; readonly productId: string; readonly quantity: number };

/** One value a store holds, to compare with the fold: a position, or a term. */
export type HeldValue =
  | ({ readonly kind: 'position'; readonly productId: string; readonly facilityId: string } & PositionQuantities)
  | StockTerm;

/** What is wrong with one key. */
export type LedgerProblem = 'differs' | 'missing' | 'not-in-ledger' | 'discontinuity';

/**
 * One key where the ledger and the store disagree. `folded` is what the ledger explains (null: the ledger never
 * touched the key), `actual` what the store holds (null: no row). For a discontinuity, `folded` is the value the
 * fold had reached and `actual` the `before` that the entry at `sequence` recorded; `sequence` is null otherwise.
 */
export type LedgerDisagreement =
  | {
      readonly kind: 'position';
      readonly productId: string;
      readonly facilityId: string;
      readonly problem: LedgerProblem;
      readonly sequence: number | null;
      readonly folded: PositionQuantities | null;
      readonly actual: PositionQuantities | null;
    }
  | {
      readonly kind: 'safety-stock';
      readonly productId: string;
      readonly facilityId: string;
      readonly problem: LedgerProblem;
      readonly sequence: number | null;
      readonly folded: number | null;
      readonly actual: number | null;
    }
  | {
      readonly kind: 'threshold' | 'brokering-queue';
      readonly productId: string;
      readonly problem: LedgerProblem;
      readonly sequence: number | null;
      readonly folded: number | null;
      readonly actual: number | null;
    };

/** How many disagreements of each problem were found (the list may hold fewer: see `maxReported`). */
export type LedgerProblemCounts = Readonly<Record<LedgerProblem, number>>;

/** A folded position: its ids and its quantities, scaled (`toScaled`). */
export interface FoldedPosition {
  readonly productId: string;
  readonly facilityId: string;
  readonly quantityOnHand: number;
  readonly reserved: number;
}

/** A folded safety stock: its ids and its quantity, scaled. */
export interface FoldedSafetyStock {
  readonly productId: string;
  readonly facilityId: string;
  readonly quantity: number;
}

/**
 * The state the ledger's changes add up to (scaled integers), with the keys it touched: positions and safety stock
 * keyed by `pairKey(productId, facilityId)`, thresholds and the brokering queue by product id.
 */
export interface LedgerFold {
  readonly positions: ReadonlyMap<string, FoldedPosition>;
  readonly safetyStock: ReadonlyMap<string, FoldedSafetyStock>;
  readonly thresholds: ReadonlyMap<string, number>;
  readonly brokeringQueue: ReadonlyMap<string, number>;
  /** The entries folded, and the highest sequence among them (null: none). */
  readonly entries: number;
  readonly lastSequence: number | null;
  /** The first `maxReported` discontinuities, in sequence order, and how many there were. */
  readonly discontinuities: ReadonlyArray<LedgerDisagreement>;
  readonly discontinuityCount: number;
}

/** A ledger entry as the fold reads it: its sequence number and its changes. */
export interface FoldableEntry {
  readonly sequence: number;
  readonly changes: ReadonlyArray<LedgerChange>;
}

/** How many disagreements a fold or a comparison lists; the counts count them all. */
export const DEFAULT_MAX_REPORTED = 1000;

const units = (p: { readonly quantityOnHand: number; readonly reserved: number }): PositionQuantities => ({
  quantityOnHand: fromScaled(p.quantityOnHand),
  reservedQuantity: fromScaled(p.reserved),
});

/**
 * A fold of ledger entries that takes them a page at a time, so a ledger of any length is read in bounded pages: the
 * memory it keeps grows with the keys the ledger touched, not with its length. Give entries in sequence order.
 */
export const ledgerFolder = (
  options: { readonly maxReported?: number } = {},
): {
  /** Folds the next entries. */
  readonly add: (entries: Iterable<FoldableEntry>) => void;
  /** The fold so far; its maps are the folder's own (they move on with the next `add`). */
  readonly result: () => LedgerFold;
} => {
  const maxReported = options.maxReported ?? DEFAULT_MAX_REPORTED;
  const positions = new Map<string, FoldedPosition>();
  const safetyStock = new Map<string, FoldedSafetyStock>();
  const thresholds = new Map<string, number>();
  const brokeringQueue = new Map<string, number>();
  const discontinuities: LedgerDisagreement[] = [];
  let discontinuityCount = 0;
  let entries = 0;
  let lastSequence: number | null = null;
  const broken = (d: LedgerDisagreement) => {
    discontinuityCount++;
    if (discontinuities.length < maxReported) discontinuities.push(d);
  };
  const apply = (sequence: number, c: LedgerChange) => {
    if (c.kind === 'position') {
      const key = pairKey(c.productId, c.facilityId);
      const at = positions.get(key) ?? {
        productId: c.productId,
        facilityId: c.facilityId,
        quantityOnHand: 0,
        reserved: 0,
      };
      const before = {
        quantityOnHand: toScaled(c.before.quantityOnHand),
        reserved: toScaled(c.before.reservedQuantity),
      };
      if (before.quantityOnHand !== at.quantityOnHand || before.reserved !== at.reserved)
        broken({
          kind: 'position',
          productId: c.productId,
          facilityId: c.facilityId,
          problem: 'discontinuity',
          sequence,
          folded: units(at),
          actual: units(before),
        });
      positions.set(key, {
        productId: c.productId,
        facilityId: c.facilityId,
        quantityOnHand: at.quantityOnHand + toScaled(c.after.quantityOnHand) - before.quantityOnHand,
        reserved: at.reserved + toScaled(c.after.reservedQuantity) - before.reserved,
      });
      return;
    }
    const before = toScaled(c.before);
    const delta = toScaled(c.after) - before;
    const check = (running: number) => {
      if (before === running) return;
      const found = { problem: 'discontinuity' as const, sequence, folded: fromScaled(running), actual: c.before };
      broken(
        c.kind === 'safety-stock'
          ? { kind: c.kind, productId: c.productId, facilityId: c.facilityId, ...found }
          : { kind: c.kind, productId: c.productId, ...found },
      );
    };
    if (c.kind === 'safety-stock') {
      const key = pairKey(c.productId, c.facilityId);
      const running = safetyStock.get(key)?.quantity ?? 0;
      check(running);
      safetyStock.set(key, { productId: c.productId, facilityId: c.facilityId, quantity: running + delta });
    } else {
      const into = c.kind === 'threshold' ? thresholds : brokeringQueue;
      const running = into.get(c.productId) ?? 0;
      check(running);
      into.set(c.productId, running + delta);
    }
  };
  return {
    add: (page) => {
      for (const entry of page) {
        entries++;
        lastSequence = lastSequence === null ? entry.sequence : Math.max(lastSequence, entry.sequence);
        for (const c of entry.changes) apply(entry.sequence, c);
      }
    },
    result: () => ({
      positions,
      safetyStock,
      thresholds,
      brokeringQueue,
      entries,
      lastSequence,
      discontinuities: [...discontinuities],
      discontinuityCount,
    }),
  };
};

/** The fold of entries given in sequence order, from an empty state: see `ledgerFolder`. */
export const foldLedger = (
  entries: Iterable<FoldableEntry>,
  options: { readonly maxReported?: number } = {},
): LedgerFold => {
  const folder = ledgerFolder(options);
  folder.add(entries);
  return folder.result();
};

/**
 * A comparison of a fold with what a store holds, fed a page at a time (`check`), each key at most once; `finish`
 * then adds the keys the fold holds that no page had. Lists the first `maxReported` disagreements (the fold's
 * discontinuities first) and counts them all.
 */
export const ledgerComparison = (
  fold: LedgerFold,
  options: { readonly maxReported?: number } = {},
): {
  readonly check: (held: Iterable<HeldValue>) => void;
  readonly finish: () => {
    readonly disagreements: ReadonlyArray<LedgerDisagreement>;
    readonly counts: LedgerProblemCounts;
    /** The values the store held that were compared, by kind. */
    readonly checked: Readonly<Record<HeldValue['kind'], number>>;
  };
} => {
  const maxReported = options.maxReported ?? DEFAULT_MAX_REPORTED;
  const disagreements: LedgerDisagreement[] = fold.discontinuities.slice(0, maxReported);
  const counts: Record<LedgerProblem, number> = {
    differs: 0,
    missing: 0,
    'not-in-ledger': 0,
    discontinuity: fold.discontinuityCount,
  };
  const checked: Record<HeldValue['kind'], number> = {
    position: 0,
    'safety-stock': 0,
    threshold: 0,
    'brokering-queue': 0,
  };
  const seen = {
    positions: new Set<string>(),
    safetyStock: new Set<string>(),
    thresholds: new Set<string>(),
    brokeringQueue: new Set<string>(),
  };
  const report = (d: LedgerDisagreement) => {
    counts[d.problem]++;
    if (disagreements.length < maxReported) disagreements.push(d);
  };
  const problemOf = (
    folded: boolean,
    foldedZero: boolean,
    actual: boolean,
    actualZero: boolean,
    equal: boolean,
  ): LedgerProblem | null => {
    if (folded && actual) return equal ? null : 'differs';
    if (folded) return foldedZero ? null : 'missing';
    if (actual) return actualZero ? null : 'not-in-ledger';
    return null;
  };
  const compareScalar = (
    key:
      | { readonly kind: 'safety-stock'; readonly productId: string; readonly facilityId: string }
      | { readonly kind: 'threshold' | 'brokering-queue'; readonly productId: string },
    folded: number | undefined,
    actual: number | undefined,
  ) => {
    const problem = problemOf(
      folded !== undefined,
      folded === 0,
      actual !== undefined,
      actual === 0,
      folded === actual,
    );
    if (problem !== null)
      report({
        ...key,
        problem,
        sequence: null,
        folded: folded === undefined ? null : fromScaled(folded),
        actual: actual === undefined ? null : fromScaled(actual),
      } as LedgerDisagreement);
  };
  const comparePosition = (
    productId: string,
    facilityId: string,
    folded: FoldedPosition | undefined,
    actual: { quantityOnHand: number; reserved: number } | undefined,
  ) => {
    const zero = (p: { quantityOnHand: number; reserved: number } | undefined) =>
      p !== undefined && p.quantityOnHand === 0 && p.reserved === 0;
    const problem = problemOf(
      folded !== undefined,
      zero(folded),
      actual !== undefined,
      zero(actual),
      folded !== undefined &&
        actual !== undefined &&
        folded.quantityOnHand === actual.quantityOnHand &&
        folded.reserved === actual.reserved,
    );
    if (problem !== null)
      report({
        kind: 'position',
        productId,
        facilityId,
        problem,
        sequence: null,
        folded: folded === undefined ? null : units(folded),
        actual: actual === undefined ? null : units(actual),
      });
  };
  return {
    check: (held) => {
      for (const h of held) {
        checked[h.kind]++;
        if (h.kind === 'position') {
          const key = pairKey(h.productId, h.facilityId);
          seen.positions.add(key);
          comparePosition(h.productId, h.facilityId, fold.positions.get(key), {
            quantityOnHand: toScaled(h.quantityOnHand),
            reserved: toScaled(h.reservedQuantity),
          });
        } else if (h.kind === 'safety-stock') {
          const key = pairKey(h.productId, h.facilityId);
          seen.safetyStock.add(key);
          compareScalar(h, fold.safetyStock.get(key)?.quantity, toScaled(h.quantity));
        } else {
          const [folded, into] =
            h.kind === 'threshold' ? [fold.thresholds, seen.thresholds] : [fold.brokeringQueue, seen.brokeringQueue];
          into.add(h.productId);
          compareScalar({ kind: h.kind, productId: h.productId }, folded.get(h.productId), toScaled(h.quantity));
        }
      }
    },
    finish: () => {
      for (const [key, p] of fold.positions)
        if (!seen.positions.has(key)) comparePosition(p.productId, p.facilityId, p, undefined);
      for (const [key, s] of fold.safetyStock)
        if (!seen.safetyStock.has(key))
          compareScalar(
            { kind: 'safety-stock', productId: s.productId, facilityId: s.facilityId },
            s.quantity,
            undefined,
          );
      for (const [productId, v] of fold.thresholds)
        if (!seen.thresholds.has(productId)) compareScalar({ kind: 'threshold', productId }, v, undefined);
      for (const [productId, v] of fold.brokeringQueue)
        if (!seen.brokeringQueue.has(productId)) compareScalar({ kind: 'brokering-queue', productId }, v, undefined);
      return { disagreements: [...disagreements], counts: { ...counts }, checked: { ...checked } };
    },
  };
};

/** Every disagreement between a fold and the values a store holds (each key at most once): see `ledgerComparison`. */
export const ledgerDisagreements = (
  fold: LedgerFold,
  held: Iterable<HeldValue>,
  options: { readonly maxReported?: number } = {},
): ReadonlyArray<LedgerDisagreement> => {
  const comparison = ledgerComparison(fold, options);
  comparison.check(held);
  return comparison.finish().disagreements;
};

/**
 * The products of a fold as online ATP reads them: each product the fold touched, with a position (in units) at every
 * facility where it folded a position or a safety stock, its threshold and its brokering queue; in first-touched
 * order, facilities in id order.
 */
export const foldedProductInventories = (fold: LedgerFold): ReadonlyArray<ProductInventory> => {
  const byProduct = new Map<string, Map<string, { quantityOnHand: number; reserved: number; safety: number }>>();
  const facilities = (productId: string) => {
    let m = byProduct.get(productId);
    if (m === undefined) byProduct.set(productId, (m = new Map()));
    return m;
  };
  for (const p of fold.positions.values())
    facilities(p.productId).set(p.facilityId, { quantityOnHand: p.quantityOnHand, reserved: p.reserved, safety: 0 });
  for (const s of fold.safetyStock.values()) {
    const m = facilities(s.productId);
    const at = m.get(s.facilityId) ?? { quantityOnHand: 0, reserved: 0, safety: 0 };
    m.set(s.facilityId, { ...at, safety: s.quantity });
  }
  for (const id of [...fold.thresholds.keys(), ...fold.brokeringQueue.keys()]) facilities(id);
  return Array.from(byProduct, ([productId, m]) => ({
    productId,
    positions: [...m]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([facilityId, q]) => ({
        facilityId,
        quantityOnHand: fromScaled(q.quantityOnHand),
        reservedQuantity: fromScaled(q.reserved),
        safetyStock: fromScaled(q.safety),
      })),
    threshold: fromScaled(fold.thresholds.get(productId) ?? 0),
    brokeringQueue: fromScaled(fold.brokeringQueue.get(productId) ?? 0),
  }));
};
