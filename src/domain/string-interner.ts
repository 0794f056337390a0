/**
 * Numbers distinct strings 0, 1, 2, ... in order of first sight: the hot loop of the diffs, where a JS Map of
 * half a million ids spends most of its time rehashing strings while it grows. This table keeps each string's hash
 * beside its number, so growing it moves integers only and a probe touches a string only when the hashes agree.
 * It hashes the length, the first 8 and the last 16 characters; ids that share those still compare whole, so the
 * numbering is exact whatever the ids are, and only the speed depends on the hash. Measured in bench/.
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
  const head = Math.min(n, 8);
  for (let i = 0; i < head; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  for (let i = Math.max(n - 16, head); i < n; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h ^ (h >>> 15);
};

/** A new, empty interner. */
export const stringInterner = (): StringInterner => {
  let size = 1 << 12;
  let mask = size - 1;
  let table = new Int32Array(size).fill(-1);
  let hashes = new Int32Array(size >> 1);
  const strings: string[] = [];

  // Doubles the table once it is half full; the stored hashes place every number again without reading a string.
  const grow = (): void => {
    size *= 2;
    mask = size - 1;
    table = new Int32Array(size).fill(-1);
    const more = new Int32Array(size >> 1);
    more.set(hashes);
    hashes = more;
    for (let number = 0; number < strings.length; number++) {
      let at = hashes[number]! & mask;
      while (table[at] !== -1) at = (at + 1) & mask;
      table[at] = number;
    }
  };

  const find = (s: string): number => {
    const hash = hashOf(s);
    let at = hash & mask;
    for (;;) {
      const number = table[at]!;
      if (number === -1) break;
      if (hashes[number] === hash && strings[number] === s) return number;
      at = (at + 1) & mask;
    }
    const number = strings.length;
    strings.push(s);
    hashes[number] = hash;
    table[at] = number;
    if (strings.length >= size >> 1) grow();
    return number;
  };

  // Inputs repeat the same id in runs (a product on each of its facilities' rows): those skip the hash.
  let lastString = '';
  let lastNumber = -1;
  const intern = (s: string): number => {
    if (lastNumber !== -1 && s === lastString) return lastNumber;
    lastString = s;
    lastNumber = find(s);
    return lastNumber;
  };
  return { intern, strings };
};
