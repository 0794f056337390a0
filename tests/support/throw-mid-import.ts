// Loaded into the real command line with `node --import` by tests/cli/leases.test.ts: an exception (not a typed
// error) in the middle of an import run. The first sort of an inbox listing (StoredFile values, which the import
// sorts once it holds its lease and has listed the inbox) throws a TypeError; nothing else is touched.
const original = Array.prototype.toSorted;
let thrown = false;
Object.defineProperty(Array.prototype, 'toSorted', {
  configurable: true,
  writable: true,
  value: function toSorted<T>(this: T[], compare?: (a: T, b: T) => number): T[] {
    const first = this[0] as { modifiedAt?: unknown; name?: unknown } | undefined;
    if (!thrown && first !== undefined && first.modifiedAt instanceof Date && typeof first.name === 'string') {
      thrown = true;
      throw new TypeError('an unexpected exception in the middle of the run');
    }
    return original.call(this, compare) as T[];
  },
});
