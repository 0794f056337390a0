import {
  diffKeyedEach,
  pairKey,
  type KeyedChangeCursor,
  type KeyedRejectionReason,
  type MissingPairPolicy,
} from './keyed-diff.ts';
import { isQuantity, fromScaled, toScaled } from './quantity.ts';

/**
 * One quantity of one position. Which quantity it is (quantity on hand, ATP, NetSuite's available) is the caller's
 * choice: the reset diff is the same arithmetic for each.
 */
export interface PositionQuantity {
  readonly productId: string;
  readonly facilityId: string;
  readonly quantity: number;
}

/** A row of the source system's snapshot, with the line it came from (a CSV line, or its index) for reports. */
export interface SnapshotRow extends PositionQuantity {
  readonly line: number;
}

/** A change the reset makes to one position. `delta = next - previous`, exactly. */
export interface Variance {
  readonly productId: string;
  readonly facilityId: string;
  /** The current quantity; 0 when the OMS has no such position yet (`created`). */
  readonly previous: number;
  readonly next: number;
  readonly delta: number;
  readonly created: boolean;
  /** The snapshot line that set it, or null for a position zeroed because the snapshot does not mention it. */
  readonly line: number | null;
  /** The index in `current` of the position's row, or null for a created position. */
  readonly currentIndex: number | null;
}

/** Snapshot rows of one position that were not applied; the position keeps its current quantity. */
export interface SnapshotRejection {
  readonly productId: string;
  readonly facilityId: string;
  readonly reason: KeyedRejectionReason;
  readonly quantities: ReadonlyArray<number>;
  readonly lines: ReadonlyArray<number>;
}

/**
 * What to do with a position the OMS has and the snapshot does not mention. `leave` (the default) keeps it: a saved
 * search often filters rows (only synced locations, only items with stock), and a snapshot split over several files
 * names each position in one file only. `zero` sets it to 0, for a snapshot known to be complete for its scope.
 */
export type MissingPositionPolicy = MissingPairPolicy;

/** Options of `resetDiff`. */
export interface ResetDiffOptions {
  readonly missing?: MissingPositionPolicy;
}

/** The reset: the variances to apply and the rows held back, with counts for the run report. */
export interface ResetDiff {
  readonly variances: ReadonlyArray<Variance>;
  readonly rejected: ReadonlyArray<SnapshotRejection>;
  /** Positions the snapshot names whose quantity already matches. */
  readonly unchanged: number;
  /** Snapshot rows that repeated a position with the same quantity (merged, applied once). */
  readonly duplicatesMerged: number;
}

/** How to read a position's ids and the quantity being reset out of a current-state row of type C. */
export interface PositionColumns<C> {
  readonly productId: (row: C) => string;
  readonly facilityId: (row: C) => string;
  readonly quantity: (row: C) => number;
}

/** The columns of a snapshot row of type S, with its line. */
export interface SnapshotColumns<S> extends PositionColumns<S> {
  readonly line: (row: S) => number;
}

const positionColumns: PositionColumns<PositionQuantity> = {
  productId: (p) => p.productId,
  facilityId: (p) => p.facilityId,
  quantity: (p) => p.quantity,
};
const snapshotColumns: SnapshotColumns<SnapshotRow> = { ...positionColumns, line: (r) => r.line };

/**
 * The variances that make the current quantities equal to the snapshot, compared exactly.
 * Duplicate rows of one position: equal quantities are merged; different quantities are all rejected (which one is
 * true cannot be known) and the position is left as it is. Rows whose quantity is not a valid `Quantity` are
 * rejected. Positions not in the snapshot follow `options.missing` (default `leave`). A position the OMS lacks counts
 * as 0, so a snapshot row of 0 for it is no change.
 */
export const resetDiff = (
  current: ReadonlyArray<PositionQuantity>,
  snapshot: ReadonlyArray<SnapshotRow>,
  options: ResetDiffOptions = {},
): ResetDiff => resetDiffBy(current, positionColumns, snapshot, snapshotColumns, options);

/**
 * `resetDiff` over rows of any shape, read through column functions: what lets a caller diff its own records
 * (stock levels with two quantities, decoded CSV rows) at a million rows without copying them into new objects.
 */
export const resetDiffBy = <C, S>(
  current: ArrayLike<C>,
  currentColumns: PositionColumns<C>,
  snapshot: ArrayLike<S>,
  snapshotColumns: SnapshotColumns<S>,
  options: ResetDiffOptions = {},
): ResetDiff => {
  const variances: Variance[] = [];
  const rest = resetDiffEach(current, currentColumns, snapshot, snapshotColumns, options, (c) => {
    variances.push({
      productId: c.first,
      facilityId: c.second,
      previous: c.previous ?? 0,
      next: c.next,
      delta: c.delta,
      created: c.previous === null,
      line: c.line,
      currentIndex: c.currentIndex,
    });
  });
  return { variances, ...rest };
};

/**
 * `resetDiffBy`, handing each change to `each` in the same order, as the keyed diff's reused record (`first` is the
 * product, `second` the facility, `previous` null for a created position): no object per variance.
 */
export const resetDiffEach = <C, S>(
  current: ArrayLike<C>,
  currentColumns: PositionColumns<C>,
  snapshot: ArrayLike<S>,
  snapshotColumns: SnapshotColumns<S>,
  options: ResetDiffOptions,
  each: (change: Readonly<KeyedChangeCursor>) => void,
): Omit<ResetDiff, 'variances'> => {
  const diff = diffKeyedEach(
    current,
    { first: currentColumns.productId, second: currentColumns.facilityId, quantity: currentColumns.quantity },
    snapshot,
    {
      first: snapshotColumns.productId,
      second: snapshotColumns.facilityId,
      quantity: snapshotColumns.quantity,
      line: snapshotColumns.line,
    },
    {
      missing: options.missing ?? 'leave',
      absentIsZero: true,
      accepts: isQuantity,
    },
    each,
  );
  return {
    rejected: diff.rejected.map((r) => ({
      productId: r.first,
      facilityId: r.second,
      reason: r.reason,
      quantities: r.quantities,
      lines: r.lines,
    })),
    unchanged: diff.unchanged,
    duplicatesMerged: diff.duplicatesMerged,
  };
};

/**
 * Applies variances to a state: each variance adds its delta to its position (creating it at 0 when absent).
 * The result lists the state's positions in their order, then the created ones.
 */
export const applyVariances = (
  current: ReadonlyArray<PositionQuantity>,
  variances: ReadonlyArray<Pick<Variance, 'productId' | 'facilityId' | 'delta'>>,
): ReadonlyArray<PositionQuantity> => {
  const scaled = new Map<string, { productId: string; facilityId: string; scaled: number }>();
  for (const p of current) {
    scaled.set(pairKey(p.productId, p.facilityId), {
      productId: p.productId,
      facilityId: p.facilityId,
      scaled: toScaled(p.quantity),
    });
  }
  for (const v of variances) {
    const key = pairKey(v.productId, v.facilityId);
    const position = scaled.get(key) ?? { productId: v.productId, facilityId: v.facilityId, scaled: 0 };
    scaled.set(key, { ...position, scaled: position.scaled + toScaled(v.delta) });
  }
  return Array.from(scaled.values(), (p) => ({
    productId: p.productId,
    facilityId: p.facilityId,
    quantity: fromScaled(p.scaled),
  }));
};
