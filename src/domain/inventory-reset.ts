import { pairKey } from './keyed-diff.ts';
import { fromScaled, toScaled } from './quantity.ts';
import {
  resetDiffBy,
  resetDiffEach,
  type MissingPositionPolicy,
  type PositionColumns,
  type SnapshotColumns,
  type SnapshotRejection,
  type SnapshotRow,
  type Variance,
} from './reset-diff.ts';

/**
 * How a NetSuite snapshot resets OMS stock, which keeps two quantities per position: quantity on hand (QOH) and
 * available to promise (ATP, what is left after reservations). HotWax's import documents the three:
 * - `exact-atp`: ATP becomes the file's quantity; the same delta (file - ATP) moves QOH, so reservations stay.
 *   The default, because NetSuite's `availableQty` is NetSuite's *available* quantity: on hand less committed,
 *   which is what the OMS calls ATP.
 * - `exact-qoh`: QOH becomes the file's quantity; the same delta (file - QOH) moves ATP. For a feed of on-hand counts.
 * - `cycle-count`: both become the file's quantity (a physical count that supersedes every reservation).
 * The plan is made against the stock as read; the import then applies each adjustment as its delta (after - before)
 * on top of the position at commit time, so whatever was reserved, shipped or counted in between stays on top of the
 * file's change (a `cycle-count` supersedes the reservations it saw, not one made after its read).
 */
export type ResetMethod = 'exact-atp' | 'exact-qoh' | 'cycle-count';

/** The reset methods, default first. */
export const RESET_METHODS: ReadonlyArray<ResetMethod> = ['exact-atp', 'exact-qoh', 'cycle-count'];

/** The two stock quantities the OMS keeps for one position. */
export interface StockLevel {
  readonly productId: string;
  readonly facilityId: string;
  readonly quantityOnHand: number;
  readonly availableToPromise: number;
}

/** What a reset does to one position: both quantities before and after, the file's quantity and its line. */
export interface StockAdjustment {
  readonly productId: string;
  readonly facilityId: string;
  readonly quantityOnHandBefore: number;
  readonly quantityOnHandAfter: number;
  readonly availableToPromiseBefore: number;
  readonly availableToPromiseAfter: number;
  readonly fileQuantity: number;
  /** True when the OMS had no such position (both quantities were 0). */
  readonly created: boolean;
  readonly line: number | null;
}

/** The reset of one snapshot: adjustments to write, rows held back, counts for the report. */
export interface ResetPlan {
  readonly adjustments: ReadonlyArray<StockAdjustment>;
  readonly rejected: ReadonlyArray<SnapshotRejection>;
  /** Positions the snapshot names that already match (no adjustment). */
  readonly unchanged: number;
  readonly duplicatesMerged: number;
}

/** Options of `planInventoryReset`; `missing` as in `resetDiff` (default `leave`). */
export interface ResetPlanOptions {
  readonly missing?: MissingPositionPolicy;
}

const named = (changes: ReadonlyArray<{ line: number | null }>): number =>
  changes.filter((c) => c.line !== null).length;

const plus = (a: number, b: number): number => fromScaled(toScaled(a) + toScaled(b));

/**
 * The adjustments that reset OMS stock to a snapshot by `method`, exactly: each is the domain's reset diff of the
 * quantity the method resets, with the same delta carried to the other quantity (or, for `cycle-count`, both set).
 * Duplicates, invalid quantities and unmentioned positions follow `resetDiff`. Applying the adjustments and
 * planning again yields no adjustment.
 */
export const planInventoryReset = (
  method: ResetMethod,
  current: ReadonlyArray<StockLevel>,
  snapshot: ReadonlyArray<SnapshotRow>,
  options: ResetPlanOptions = {},
): ResetPlan => planInventoryResetBy(method, current, STOCK_COLUMNS, snapshot, SNAPSHOT_COLUMNS, options);

/** How to read a position's ids and its two quantities out of a stock row of type C. */
export interface StockColumns<C> {
  readonly productId: (row: C) => string;
  readonly facilityId: (row: C) => string;
  readonly quantityOnHand: (row: C) => number;
  readonly availableToPromise: (row: C) => number;
}

const STOCK_COLUMNS: StockColumns<StockLevel> = {
  productId: (s) => s.productId,
  facilityId: (s) => s.facilityId,
  quantityOnHand: (s) => s.quantityOnHand,
  availableToPromise: (s) => s.availableToPromise,
};

const SNAPSHOT_COLUMNS: SnapshotColumns<SnapshotRow> = {
  productId: (r) => r.productId,
  facilityId: (r) => r.facilityId,
  quantity: (r) => r.quantity,
  line: (r) => r.line,
};
/**
 * `planInventoryReset` over stock and snapshot rows of any shape (objects, or indices into columnar tables), read
 * through column functions (see `resetDiffBy`).
 */
export const planInventoryResetBy = <C, S>(
  method: ResetMethod,
  current: ArrayLike<C>,
  stockColumns: StockColumns<C>,
  snapshot: ArrayLike<S>,
  columns: SnapshotColumns<S>,
  options: ResetPlanOptions = {},
): ResetPlan => {
  const atpColumns: PositionColumns<C> = {
    productId: stockColumns.productId,
    facilityId: stockColumns.facilityId,
    quantity: stockColumns.availableToPromise,
  };
  const qohColumns: PositionColumns<C> = { ...atpColumns, quantity: stockColumns.quantityOnHand };
  const byAtpDiff = () => resetDiffBy(current, atpColumns, snapshot, columns, options);
  const byQohDiff = () => resetDiffBy(current, qohColumns, snapshot, columns, options);

  if (method === 'exact-atp' || method === 'exact-qoh') {
    const diff = method === 'exact-atp' ? byAtpDiff() : byQohDiff();
    const adjustments = diff.variances.map((v): StockAdjustment => {
      // The other quantity of the position, read from the row the diff compared against.
      const row = v.currentIndex === null ? undefined : current[v.currentIndex];
      const otherBefore =
        row === undefined
          ? 0
          : method === 'exact-atp'
            ? stockColumns.quantityOnHand(row)
            : stockColumns.availableToPromise(row);
      const otherAfter = plus(otherBefore, v.delta);
      return method === 'exact-atp'
        ? adjustment(v, otherBefore, otherAfter, v.previous, v.next)
        : adjustment(v, v.previous, v.next, otherBefore, otherAfter);
    });
    return { adjustments, rejected: diff.rejected, unchanged: diff.unchanged, duplicatesMerged: diff.duplicatesMerged };
  }

  // cycle-count: a position changes when either quantity differs from the file.
  const byAtp = byAtpDiff();
  const byQoh = byQohDiff();
  const qohVariance = new Map(byQoh.variances.map((v) => [pairKey(v.productId, v.facilityId), v]));
  const adjustments: StockAdjustment[] = [];
  for (const v of byAtp.variances) {
    const key = pairKey(v.productId, v.facilityId);
    const q = qohVariance.get(key);
    qohVariance.delete(key);
    // No QOH variance means QOH already equals the file's quantity.
    adjustments.push(adjustment(v, q?.previous ?? v.next, v.next, v.previous, v.next));
  }
  for (const q of qohVariance.values()) adjustments.push(adjustment(q, q.previous, q.next, q.next, q.next));
  return {
    adjustments,
    rejected: byAtp.rejected,
    // Named positions (not rejected) are either unchanged or adjusted, in both diffs alike.
    unchanged: byAtp.unchanged + named(byAtp.variances) - named(adjustments),
    duplicatesMerged: byAtp.duplicatesMerged,
  };
};

/**
 * Adjustments column by column (a million of them are a few typed arrays, not a million objects), read by index or
 * iterated as `StockAdjustment`s made on demand.
 */
export interface StockAdjustmentTable extends Iterable<StockAdjustment> {
  readonly length: number;
  readonly at: (i: number) => StockAdjustment;
  /** The same rows field by field, read by index without an object per row. */
  readonly columns: StockAdjustmentColumns;
}

/** The fields of adjustments, each read by the adjustment's index. */
export type StockAdjustmentColumns = {
  readonly [K in keyof StockAdjustment]: (i: number) => StockAdjustment[K];
};

/** Column readers over adjustments read by index (an array, or anything with `at`): one object read per field. */
export const stockAdjustmentColumnsOf = (adjustments: {
  readonly at: (i: number) => StockAdjustment | undefined;
}): StockAdjustmentColumns => {
  const row = (i: number) => adjustments.at(i)!;
  return {
    productId: (i) => row(i).productId,
    facilityId: (i) => row(i).facilityId,
    quantityOnHandBefore: (i) => row(i).quantityOnHandBefore,
    quantityOnHandAfter: (i) => row(i).quantityOnHandAfter,
    availableToPromiseBefore: (i) => row(i).availableToPromiseBefore,
    availableToPromiseAfter: (i) => row(i).availableToPromiseAfter,
    fileQuantity: (i) => row(i).fileQuantity,
    created: (i) => row(i).created,
    line: (i) => row(i).line,
  };
};

/** A plan whose adjustments are a table (see `planInventoryResetTable`). */
export interface ResetPlanTable extends Omit<ResetPlan, 'adjustments'> {
  readonly adjustments: StockAdjustmentTable;
}

// The table grows in blocks of 16 Ki rows: no copy when it grows (grown by push, a million entries left as much
// again in copies for the old generation's collector), and no room beyond one block (sized for every row of the
// file, the 50,000 adjustments of a 5% change held 48 MB of numbers for a million).
const BLOCK_BITS = 14;
const BLOCK = 1 << BLOCK_BITS;
const FIELDS = 6;
interface AdjustmentBlock {
  readonly product: string[];
  readonly facility: string[];
  readonly numbers: Float64Array;
  readonly created: Uint8Array;
}

/** Collects adjustments into a `StockAdjustmentTable`. */
const adjustmentTableBuilder = () => {
  const blocks: AdjustmentBlock[] = [];
  let n = 0;
  const add = (
    productId: string,
    facilityId: string,
    qohBefore: number,
    qohAfter: number,
    atpBefore: number,
    atpAfter: number,
    fileQuantity: number,
    isCreated: boolean,
    line: number | null,
  ): void => {
    const b = n >>> BLOCK_BITS;
    if (b === blocks.length)
      blocks.push({
        product: new Array<string>(BLOCK),
        facility: new Array<string>(BLOCK),
        numbers: new Float64Array(BLOCK * FIELDS),
        created: new Uint8Array(BLOCK),
      });
    const block = blocks[b]!;
    const k = n & (BLOCK - 1);
    block.product[k] = productId;
    block.facility[k] = facilityId;
    const o = k * FIELDS;
    block.numbers[o] = qohBefore;
    block.numbers[o + 1] = qohAfter;
    block.numbers[o + 2] = atpBefore;
    block.numbers[o + 3] = atpAfter;
    block.numbers[o + 4] = fileQuantity;
    block.numbers[o + 5] = line === null ? Number.NaN : line;
    block.created[k] = isCreated ? 1 : 0;
    n++;
  };
  const build = (): StockAdjustmentTable => {
    const length = n;
    const blockOf = (i: number) => blocks[i >>> BLOCK_BITS]!;
    const number = (field: number) => (i: number) => blockOf(i).numbers[(i & (BLOCK - 1)) * FIELDS + field]!;
    const columns: StockAdjustmentColumns = {
      productId: (i) => blockOf(i).product[i & (BLOCK - 1)]!,
      facilityId: (i) => blockOf(i).facility[i & (BLOCK - 1)]!,
      quantityOnHandBefore: number(0),
      quantityOnHandAfter: number(1),
      availableToPromiseBefore: number(2),
      availableToPromiseAfter: number(3),
      fileQuantity: number(4),
      created: (i) => blockOf(i).created[i & (BLOCK - 1)] === 1,
      line: (i) => {
        const line = blockOf(i).numbers[(i & (BLOCK - 1)) * FIELDS + 5]!;
        return Number.isNaN(line) ? null : line;
      },
    };
    const at = (i: number): StockAdjustment => ({
      productId: columns.productId(i),
      facilityId: columns.facilityId(i),
      quantityOnHandBefore: columns.quantityOnHandBefore(i),
      quantityOnHandAfter: columns.quantityOnHandAfter(i),
      availableToPromiseBefore: columns.availableToPromiseBefore(i),
      availableToPromiseAfter: columns.availableToPromiseAfter(i),
      fileQuantity: columns.fileQuantity(i),
      created: columns.created(i),
      line: columns.line(i),
    });
    return {
      length,
      at,
      columns,
      [Symbol.iterator]: function* () {
        for (let i = 0; i < length; i++) yield at(i);
      },
    };
  };
  return { add, build };
};

/** Adjustments as a table. */
export const stockAdjustmentTableOf = (adjustments: ReadonlyArray<StockAdjustment>): StockAdjustmentTable => {
  const builder = adjustmentTableBuilder();
  for (const a of adjustments)
    builder.add(
      a.productId,
      a.facilityId,
      a.quantityOnHandBefore,
      a.quantityOnHandAfter,
      a.availableToPromiseBefore,
      a.availableToPromiseAfter,
      a.fileQuantity,
      a.created,
      a.line,
    );
  return builder.build();
};

/**
 * `planInventoryResetBy` with the adjustments as a table, the same ones in the same order: for a million rows, no
 * object per variance or adjustment (`exact-atp`, `exact-qoh`; a `cycle-count` plan is made as objects, then tabled).
 */
export const planInventoryResetTable = <C, S>(
  method: ResetMethod,
  current: ArrayLike<C>,
  stockColumns: StockColumns<C>,
  snapshot: ArrayLike<S>,
  columns: SnapshotColumns<S>,
  options: ResetPlanOptions = {},
): ResetPlanTable => {
  if (method === 'cycle-count') {
    const plan = planInventoryResetBy(method, current, stockColumns, snapshot, columns, options);
    return { ...plan, adjustments: stockAdjustmentTableOf(plan.adjustments) };
  }
  const atp = method === 'exact-atp';
  const builder = adjustmentTableBuilder();
  const diff = resetDiffEach(
    current,
    {
      productId: stockColumns.productId,
      facilityId: stockColumns.facilityId,
      quantity: atp ? stockColumns.availableToPromise : stockColumns.quantityOnHand,
    },
    snapshot,
    columns,
    options,
    (c) => {
      const row = c.currentIndex === null ? undefined : current[c.currentIndex];
      const otherBefore =
        row === undefined ? 0 : atp ? stockColumns.quantityOnHand(row) : stockColumns.availableToPromise(row);
      const otherAfter = plus(otherBefore, c.delta);
      const previous = c.previous ?? 0;
      if (atp)
        builder.add(c.first, c.second, otherBefore, otherAfter, previous, c.next, c.next, c.previous === null, c.line);
      else
        builder.add(c.first, c.second, previous, c.next, otherBefore, otherAfter, c.next, c.previous === null, c.line);
    },
  );
  return {
    adjustments: builder.build(),
    rejected: diff.rejected,
    unchanged: diff.unchanged,
    duplicatesMerged: diff.duplicatesMerged,
  };
};

const adjustment = (
  v: Variance,
  qohBefore: number,
  qohAfter: number,
  atpBefore: number,
  atpAfter: number,
): StockAdjustment => ({
  productId: v.productId,
  facilityId: v.facilityId,
  quantityOnHandBefore: qohBefore,
  quantityOnHandAfter: qohAfter,
  availableToPromiseBefore: atpBefore,
  availableToPromiseAfter: atpAfter,
  fileQuantity: v.next,
  created: v.created,
  line: v.line,
});

/** Applies adjustments to stock levels (creating positions as needed): the state the store holds after a reset. */
export const applyStockAdjustments = (
  current: ReadonlyArray<StockLevel>,
  adjustments: ReadonlyArray<StockAdjustment>,
): ReadonlyArray<StockLevel> => {
  const levels = new Map(current.map((s) => [pairKey(s.productId, s.facilityId), s]));
  for (const a of adjustments) {
    levels.set(pairKey(a.productId, a.facilityId), {
      productId: a.productId,
      facilityId: a.facilityId,
      quantityOnHand: a.quantityOnHandAfter,
      availableToPromise: a.availableToPromiseAfter,
    });
  }
  return Array.from(levels.values());
};
