import { fromScaled, toScaled } from './quantity.ts';
import { stringInterner } from './string-interner.ts';

/** How to read a pair of ids and a quantity out of a row of type R. */
export interface KeyedColumns<R> {
  readonly first: (row: R) => string;
  readonly second: (row: R) => string;
  readonly quantity: (row: R) => number;
}

/** The columns of an incoming row, with the line it came from for reports (given the row and its index). */
export interface IncomingColumns<R> extends KeyedColumns<R> {
  readonly line: (row: R, index: number) => number;
}

/** A pair whose quantity differs between the current and the incoming state. */
export interface KeyedChange {
  readonly first: string;
  readonly second: string;
  /** The current quantity, or null when the pair has none. */
  readonly previous: number | null;
  readonly next: number;
  readonly delta: number;
  /** The incoming line that set it, or null when it comes from the missing-pair policy. */
  readonly line: number | null;
  /** The index in the current state of the row the previous quantity came from, or null when there is none. */
  readonly currentIndex: number | null;
}

/** Why an incoming row was not applied. */
export type KeyedRejectionReason = 'conflicting-duplicate' | 'invalid-quantity';

/** Incoming rows of one pair that were not applied, with every line involved. */
export interface KeyedRejection {
  readonly first: string;
  readonly second: string;
  readonly reason: KeyedRejectionReason;
  readonly quantities: ReadonlyArray<number>;
  readonly lines: ReadonlyArray<number>;
}

/** The outcome of comparing an incoming state with the current one. */
export interface KeyedDiff {
  readonly changes: ReadonlyArray<KeyedChange>;
  readonly rejected: ReadonlyArray<KeyedRejection>;
  /** Pairs named by the incoming state whose quantity already matches. */
  readonly unchanged: number;
  /** Incoming rows that repeated a pair with the same quantity and were merged into it. */
  readonly duplicatesMerged: number;
}

/** What to do with a pair that the current state has and the incoming state does not mention. */
export type MissingPairPolicy = 'leave' | 'zero';

/** How `diffKeyed` treats what it is given. */
export interface KeyedDiffOptions {
  readonly missing: MissingPairPolicy;
  /** True: a pair the current state lacks counts as 0 (no change to 0). False: it is unknown (any value changes it). */
  readonly absentIsZero: boolean;
  /** Whether an incoming quantity may be applied at all. */
  readonly accepts: (quantity: number) => boolean;
}

/**
 * An unambiguous key for a pair of arbitrary strings: the length prefix says where the first id ends, so no two
 * different pairs share a key whatever characters the ids contain.
 */
export const pairKey = (first: string, second: string): string => `${first.length}:${first}${second}`;

// Second ids (facilities, locations) are few: a Map, which reuses the hash V8 keeps in each string, is fastest there.
// First ids (products, inventory items) are many: a Map of them spends its time rehashing as it grows, so they go
// to a table sized once (see string-interner.ts). Measured in bench/domain.bench.ts.
const fewStrings = (): { intern: (s: string) => number; strings: ReadonlyArray<string> } => {
  const numbers = new Map<string, number>();
  const strings: string[] = [];
  const intern = (s: string): number => {
    let number = numbers.get(s);
    if (number === undefined) {
      number = strings.length;
      numbers.set(s, number);
      strings.push(s);
    }
    return number;
  };
  return { intern, strings };
};

// The pair -> slot table. Ids are numbered (no key strings are built), and a pair's cell is first * width + second:
// the slot itself when that table is dense enough, else a Map of numbers to compact slots (many facilities of which
// each product uses few).
interface Slots {
  readonly count: number;
  readonly slotOf: (row: number) => number;
  readonly firstOf: (slot: number) => string;
  readonly secondOf: (slot: number) => string;
}

const numberPairs = <C, I>(
  current: ArrayLike<C>,
  currentColumns: KeyedColumns<C>,
  incoming: ArrayLike<I>,
  incomingColumns: KeyedColumns<I>,
): Slots => {
  const rows = current.length + incoming.length;
  const firsts = stringInterner();
  const seconds = fewStrings();
  const rowFirst = new Int32Array(rows);
  const rowSecond = new Int32Array(rows);
  for (let i = 0; i < current.length; i++) {
    rowFirst[i] = firsts.intern(currentColumns.first(current[i]!));
    rowSecond[i] = seconds.intern(currentColumns.second(current[i]!));
  }
  for (let i = 0; i < incoming.length; i++) {
    rowFirst[current.length + i] = firsts.intern(incomingColumns.first(incoming[i]!));
    rowSecond[current.length + i] = seconds.intern(incomingColumns.second(incoming[i]!));
  }
  const firstIds = firsts.strings;
  const secondIds = seconds.strings;
  const width = secondIds.length;
  const cells = firstIds.length * width;
  if (cells <= Math.max(1024, 2 * rows)) {
    return {
      count: cells,
      slotOf: (row) => rowFirst[row]! * width + rowSecond[row]!,
      firstOf: (slot) => firstIds[Math.floor(slot / width)]!,
      secondOf: (slot) => secondIds[slot % width]!,
    };
  }
  const slotOfCell = new Map<number, number>();
  const slotFirst = new Int32Array(rows);
  const slotSecond = new Int32Array(rows);
  const rowSlot = new Int32Array(rows);
  for (let row = 0; row < rows; row++) {
    const cell = rowFirst[row]! * width + rowSecond[row]!;
    let slot = slotOfCell.get(cell);
    if (slot === undefined) {
      slot = slotOfCell.size;
      slotOfCell.set(cell, slot);
      slotFirst[slot] = rowFirst[row]!;
      slotSecond[slot] = rowSecond[row]!;
    }
    rowSlot[row] = slot;
  }
  return {
    count: slotOfCell.size,
    slotOf: (row) => rowSlot[row]!,
    firstOf: (slot) => firstIds[slotFirst[slot]!]!,
    secondOf: (slot) => secondIds[slotSecond[slot]!]!,
  };
};

interface Rejection {
  reason: KeyedRejectionReason;
  readonly quantities: number[];
  readonly lines: number[];
}

/**
 * Compares an incoming state with the current one, exactly (on scaled integers), in one pass over each.
 * Repeated current pairs: the last wins. Repeated incoming pairs: merged when equal, rejected together when not.
 * Invalid incoming quantities (per `accepts`) are rejected, with every other row of their pair. Changes come out in
 * the incoming order of first sight, then (policy `zero`) the unmentioned current pairs in current order.
 */
export const diffKeyed = <C, I>(
  current: ArrayLike<C>,
  currentColumns: KeyedColumns<C>,
  incoming: ArrayLike<I>,
  incomingColumns: IncomingColumns<I>,
  options: KeyedDiffOptions,
): KeyedDiff => {
  const changes: KeyedChange[] = [];
  const rest = diffKeyedEach(current, currentColumns, incoming, incomingColumns, options, (change) => {
    changes.push({ ...change });
  });
  return { changes, ...rest };
};

/**
 * One change as `diffKeyedEach` hands it over: a record the diff reuses for the next change (copy what you keep), so
 * a million changes cost no million objects.
 */
export interface KeyedChangeCursor {
  first: string;
  second: string;
  previous: number | null;
  next: number;
  delta: number;
  line: number | null;
  currentIndex: number | null;
}

/** `diffKeyed`, handing each change to `each` (in the same order) instead of collecting them. */
export const diffKeyedEach = <C, I>(
  current: ArrayLike<C>,
  currentColumns: KeyedColumns<C>,
  incoming: ArrayLike<I>,
  incomingColumns: IncomingColumns<I>,
  options: KeyedDiffOptions,
  each: (change: Readonly<KeyedChangeCursor>) => void,
): Omit<KeyedDiff, 'changes'> => {
  const { missing, absentIsZero, accepts } = options;
  const slots = numberPairs(current, currentColumns, incoming, incomingColumns);
  const currentScaled = new Float64Array(slots.count).fill(Number.NaN);
  const incomingScaled = new Float64Array(slots.count).fill(Number.NaN);
  const incomingLine = new Float64Array(slots.count).fill(Number.NaN);
  const currentRow = new Int32Array(slots.count).fill(-1);
  const order = new Int32Array(incoming.length);
  let ordered = 0;
  const rejections = new Map<number, Rejection>();
  let duplicatesMerged = 0;

  for (let i = 0; i < current.length; i++) {
    const slot = slots.slotOf(i);
    currentScaled[slot] = toScaled(currentColumns.quantity(current[i]!));
    currentRow[slot] = i;
  }

  for (let i = 0; i < incoming.length; i++) {
    const row = incoming[i]!;
    const slot = slots.slotOf(current.length + i);
    const quantity = incomingColumns.quantity(row);
    const line = incomingColumns.line(row, i);
    const valid = accepts(quantity);
    const rejection = rejections.get(slot);
    if (rejection !== undefined) {
      rejection.quantities.push(quantity);
      rejection.lines.push(line);
      if (!valid) rejection.reason = 'invalid-quantity';
    } else if (Number.isNaN(incomingLine[slot]!)) {
      order[ordered++] = slot;
      incomingLine[slot] = line;
      if (valid) incomingScaled[slot] = toScaled(quantity);
      else rejections.set(slot, { reason: 'invalid-quantity', quantities: [quantity], lines: [line] });
    } else if (valid && incomingScaled[slot] === toScaled(quantity)) {
      duplicatesMerged++;
    } else {
      rejections.set(slot, {
        reason: valid ? 'conflicting-duplicate' : 'invalid-quantity',
        quantities: [fromScaled(incomingScaled[slot]!), quantity],
        lines: [incomingLine[slot]!, line],
      });
    }
  }

  const change: KeyedChangeCursor = {
    first: '',
    second: '',
    previous: null,
    next: 0,
    delta: 0,
    line: null,
    currentIndex: null,
  };
  const rejected: KeyedRejection[] = [];
  let unchanged = 0;
  for (let o = 0; o < ordered; o++) {
    const slot = order[o]!;
    const rejection = rejections.get(slot);
    if (rejection !== undefined) {
      rejected.push({ first: slots.firstOf(slot), second: slots.secondOf(slot), ...rejection });
      continue;
    }
    const before = currentScaled[slot]!;
    const after = incomingScaled[slot]!;
    const known = !Number.isNaN(before);
    if (before === after || (!known && absentIsZero && after === 0)) {
      unchanged++;
      continue;
    }
    change.first = slots.firstOf(slot);
    change.second = slots.secondOf(slot);
    change.previous = known ? fromScaled(before) : null;
    change.next = fromScaled(after);
    change.delta = fromScaled(after - (known ? before : 0));
    change.line = incomingLine[slot]!;
    change.currentIndex = known ? currentRow[slot]! : null;
    each(change);
  }
  if (missing === 'zero') {
    for (let i = 0; i < current.length; i++) {
      const slot = slots.slotOf(i);
      const before = currentScaled[slot]!;
      if (!Number.isNaN(incomingLine[slot]!) || before === 0) continue;
      incomingLine[slot] = Number.POSITIVE_INFINITY; // zeroed once, however often the current state repeats the pair
      change.first = slots.firstOf(slot);
      change.second = slots.secondOf(slot);
      change.previous = fromScaled(before);
      change.next = 0;
      change.delta = fromScaled(-before);
      change.line = null;
      change.currentIndex = currentRow[slot]!;
      each(change);
    }
  }
  return { rejected, unchanged, duplicatesMerged };
};
