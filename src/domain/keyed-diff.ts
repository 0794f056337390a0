import { fromScaled, toScaled } from './quantity.ts';

/** A quantity read for a pair of ids, optionally with the line of the input it came from. */
export interface KeyedRow {
  readonly first: string;
  readonly second: string;
  readonly quantity: number;
  readonly line: number;
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

/**
 * Compares an incoming state with the current one, exactly (on scaled integers), in one pass over each.
 * Repeated current pairs: the last wins. Repeated incoming pairs: merged when equal, rejected together when not.
 * Invalid incoming quantities (per `accepts`) are rejected. Changes come out in the incoming order of first sight,
 * then (policy `zero`) the unmentioned current pairs in current order.
 */
export const diffKeyed = (
  current: ReadonlyArray<KeyedRow>,
  incoming: ReadonlyArray<KeyedRow>,
  options: KeyedDiffOptions,
): KeyedDiff => {
  const { missing, absentIsZero, accepts } = options;
  const slotOf = new Map<string, number>();
  const firsts: string[] = [];
  const seconds: string[] = [];
  const currentScaled: number[] = [];
  const incomingScaled: number[] = [];
  const incomingLine: number[] = [];
  const order: number[] = [];
  // Slots whose incoming rows were rejected, with every quantity and line seen for them.
  const rejectedSlots = new Map<number, { reason: KeyedRejectionReason; quantities: number[]; lines: number[] }>();
  let duplicatesMerged = 0;

  for (const row of current) {
    const key = pairKey(row.first, row.second);
    const slot = slotOf.get(key);
    if (slot !== undefined) {
      currentScaled[slot] = toScaled(row.quantity);
      continue;
    }
    slotOf.set(key, firsts.length);
    firsts.push(row.first);
    seconds.push(row.second);
    currentScaled.push(toScaled(row.quantity));
    incomingScaled.push(Number.NaN);
    incomingLine.push(-1);
  }

  for (const row of incoming) {
    const key = pairKey(row.first, row.second);
    let slot = slotOf.get(key);
    if (slot === undefined) {
      slot = firsts.length;
      slotOf.set(key, slot);
      firsts.push(row.first);
      seconds.push(row.second);
      currentScaled.push(Number.NaN);
      incomingScaled.push(Number.NaN);
      incomingLine.push(-1);
    }
    const valid = accepts(row.quantity);
    const scaled = valid ? toScaled(row.quantity) : Number.NaN;
    const rejection = rejectedSlots.get(slot);
    if (rejection !== undefined) {
      rejection.quantities.push(row.quantity);
      rejection.lines.push(row.line);
      if (!valid) rejection.reason = 'invalid-quantity';
      continue;
    }
    const seen = incomingLine[slot]!;
    if (seen === -1) {
      order.push(slot);
      incomingLine[slot] = row.line;
      if (valid) incomingScaled[slot] = scaled;
      else rejectedSlots.set(slot, { reason: 'invalid-quantity', quantities: [row.quantity], lines: [row.line] });
    } else if (valid && incomingScaled[slot] === scaled) {
      duplicatesMerged++;
    } else {
      rejectedSlots.set(slot, {
        reason: valid ? 'conflicting-duplicate' : 'invalid-quantity',
        quantities: [fromScaled(incomingScaled[slot]!), row.quantity],
        lines: [seen, row.line],
      });
    }
  }

  const changes: KeyedChange[] = [];
  const rejected: KeyedRejection[] = [];
  let unchanged = 0;
  for (const slot of order) {
    const rejection = rejectedSlots.get(slot);
    if (rejection !== undefined) {
      rejected.push({ first: firsts[slot]!, second: seconds[slot]!, ...rejection });
      continue;
    }
    const before = currentScaled[slot]!;
    const after = incomingScaled[slot]!;
    const known = !Number.isNaN(before);
    if (before === after || (!known && absentIsZero && after === 0)) {
      unchanged++;
      continue;
    }
    changes.push({
      first: firsts[slot]!,
      second: seconds[slot]!,
      previous: known ? fromScaled(before) : null,
      next: fromScaled(after),
      delta: fromScaled(after - (known ? before : 0)),
      line: incomingLine[slot]!,
    });
  }
  if (missing === 'zero') {
    for (let slot = 0; slot < firsts.length; slot++) {
      const before = currentScaled[slot]!;
      if (incomingLine[slot] !== -1 || Number.isNaN(before) || before === 0) continue;
      changes.push({
        first: firsts[slot]!,
        second: seconds[slot]!,
        previous: fromScaled(before),
        next: 0,
        delta: fromScaled(-before),
        line: null,
      });
    }
  }
  return { changes, rejected, unchanged, duplicatesMerged };
};
