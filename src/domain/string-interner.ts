/**
 * Numbers distinct strings 0, 1, 2, ... in order of first sight: the hot loop of the diffs, where a JS Map of
 * half a million ids spends most of its time rehashing while it grows. This table is sized once for the number of
 * strings it may see, probes linearly, and hashes the length, the first 8 and the last 16 characters (ids that share
 * those still compare whole, so the numbering is exact whatever the ids are; only the speed depends on the hash).
 */
export interface StringInterner {
  /** The number of a string, assigning the next one on first sight. */
  readonly intern: (s: string) => number;
  /** The strings, indexed by their number. */
  readonly strings: ReadonlyArray<string>;
}

const hashOf = (s: string): number => {
  const n = s.length;
  let h = Math.imul(0x811c9dc5 ^ n, 0x01000193);
  const head = n < 8 ? n : 8;
  for (let i = 0; i < head; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  for (let i = n - 16 > head ? n - 16 : head; i < n; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h ^ (h >>> 15);
};

/** An interner for at most `capacity` distinct strings (more still work, by falling back to a Map). */
export const stringInterner = (capacity: number): StringInterner => {
  let size = 16;
  while (size < capacity * 2) size *= 2;
  const mask = size - 1;
  const table = new Int32Array(size).fill(-1);
  const strings: string[] = [];
  const overflow = new Map<string, number>();
  // Inputs repeat the same id in runs (a product on each of its facilities' rows): skip the hash for those.
  let lastString = '';
  let lastNumber = -1;
  const intern = (s: string): number => {
    if (s === lastString && lastNumber !== -1) return lastNumber;
    lastString = s;
    lastNumber = find(s);
    return lastNumber;
  };
  const find = (s: string): number => {
    if (strings.length >= capacity) {
      const known = overflow.get(s);
      if (known !== undefined) return known;
    }
    let at = hashOf(s) & mask;
    for (;;) {
      const number = table[at]!;
      if (number === -1) break;
      if (strings[number] === s) return number;
      at = (at + 1) & mask;
    }
    const number = strings.length;
    strings.push(s);
    // Past capacity the table would fill up and probe forever; new strings go to the Map instead.
    if (number < capacity) table[at] = number;
    else overflow.set(s, number);
    return number;
  };
  return { intern, strings };
};
