// Columnar tables for the million-row paths: a few typed arrays and one table of distinct strings, instead of a
// million objects. Rows are read by index through functions, which the domain's diffs take as column readers.

/** One string per distinct value, numbered in order of first sight. */
const stringTable = () => {
  const numbers = new Map<string, number>();
  const strings: string[] = [];
  const numberOf = (s: string): number => {
    const known = numbers.get(s);
    if (known !== undefined) return known;
    // A fresh copy: a field cut from a line may still point into the megabyte of text it came from, and keeping it
    // would keep that whole chunk alive as long as the table lives.
    // (' ' + s) is flattened into a new string of its own before slice cuts the space off.
    const own = s.length < 13 ? s : ` ${s}`.slice(1);
    numbers.set(own, strings.length);
    strings.push(own);
    return strings.length - 1;
  };
  return { numberOf, strings };
};

const grown = <T extends Int32Array | Float64Array>(array: T, size: number): T => {
  if (size <= array.length) return array;
  const bigger = new (array.constructor as new (n: number) => T)(Math.max(size, array.length * 2));
  bigger.set(array);
  return bigger;
};

/** The decoded rows of an export, column by column. */
export interface ExportRows {
  readonly length: number;
  readonly line: (i: number) => number;
  readonly item: (i: number) => string;
  readonly itemInternalId: (i: number) => string;
  readonly location: (i: number) => string;
  readonly quantity: (i: number) => number;
}

/** A row of an export, as an object (for small data and tests; the tables hold a million without them). */
export interface ExportRowObject {
  readonly line: number;
  readonly item: string;
  readonly itemInternalId: string;
  readonly location: string;
  readonly quantity: number;
}

// A column of numbers that grows in blocks of 16 Ki entries: no copy when it grows, and no slack beyond one block. A
// doubled array held up to three times the rows at its peak (the old array and the new, half empty): 150 MB for the
// 2.45M rows of a 524 MB export, where the rows take 60 MB.
const BLOCK_BITS = 14;
const BLOCK = 1 << BLOCK_BITS;
const blockColumn = (make: (n: number) => Int32Array | Float64Array) => {
  const blocks: Array<Int32Array | Float64Array> = [];
  return {
    set: (i: number, value: number): void => {
      const b = i >>> BLOCK_BITS;
      if (b === blocks.length) blocks.push(make(BLOCK));
      blocks[b]![i & (BLOCK - 1)] = value;
    },
    get: (i: number): number => blocks[i >>> BLOCK_BITS]![i & (BLOCK - 1)]!,
  };
};

/**
 * Collects export rows into an `ExportRows` table (it grows as rows come; `capacity` is kept for callers). Without
 * `itemNames` the table keeps no item name (`item` answers ''): 200-character names of 245,000 items are 60 MB.
 */
export const exportRowsBuilder = (_capacity = 1024, { itemNames = true }: { readonly itemNames?: boolean } = {}) => {
  const strings = stringTable();
  const line = blockColumn((n) => new Int32Array(n));
  const item = blockColumn((n) => new Int32Array(n));
  const internal = blockColumn((n) => new Int32Array(n));
  const location = blockColumn((n) => new Int32Array(n));
  const quantity = blockColumn((n) => new Float64Array(n));
  let n = 0;
  // An export lists an item's locations together, in the same order item after item: the item id of the row before
  // and the location that followed this row's predecessor last time are compared before any lookup.
  let lastInternal: string | null = null;
  let lastInternalNumber = -1;
  let lastLocation = -1;
  const nextLocation: number[] = [];
  const locationNumber = (s: string): number => {
    const predicted = lastLocation === -1 ? undefined : nextLocation[lastLocation];
    if (predicted !== undefined && strings.strings[predicted] === s) return predicted;
    const number = strings.numberOf(s);
    if (lastLocation !== -1) nextLocation[lastLocation] = number;
    return number;
  };
  return {
    add: (row: ExportRowObject): void => {
      line.set(n, row.line);
      if (itemNames) item.set(n, strings.numberOf(row.item));
      if (row.itemInternalId !== lastInternal) {
        lastInternal = row.itemInternalId;
        lastInternalNumber = strings.numberOf(row.itemInternalId);
      }
      internal.set(n, lastInternalNumber);
      lastLocation = locationNumber(row.location);
      location.set(n, lastLocation);
      quantity.set(n, row.quantity);
      n++;
    },
    build: (): ExportRows => {
      const names = strings.strings;
      return {
        length: n,
        line: line.get,
        item: itemNames ? (i) => names[item.get(i)]! : () => '',
        itemInternalId: (i) => names[internal.get(i)]!,
        location: (i) => names[location.get(i)]!,
        quantity: quantity.get,
      };
    },
  };
};

/** Export rows as objects. */
export const exportRowsToArray = (rows: ExportRows): ExportRowObject[] =>
  Array.from({ length: rows.length }, (_, i) => ({
    line: rows.line(i),
    item: rows.item(i),
    itemInternalId: rows.itemInternalId(i),
    location: rows.location(i),
    quantity: rows.quantity(i),
  }));

/** QOH and ATP of every position, column by column. */
export interface StockTable {
  readonly length: number;
  readonly productId: (i: number) => string;
  readonly facilityId: (i: number) => string;
  readonly quantityOnHand: (i: number) => number;
  readonly availableToPromise: (i: number) => number;
}

/** One position's stock as an object. */
export interface StockLevelObject {
  readonly productId: string;
  readonly facilityId: string;
  readonly quantityOnHand: number;
  readonly availableToPromise: number;
}

/** Collects stock levels into a `StockTable`; `capacity` is a guess of the row count (it grows past it). */
export const stockTableBuilder = (capacity = 1024) => {
  const strings = stringTable();
  const size = Math.max(16, Math.ceil(capacity));
  let product = new Int32Array(size);
  let facility = new Int32Array(size);
  let qoh = new Float64Array(size);
  let atp = new Float64Array(size);
  let n = 0;
  const addNumbered = (
    productNumber: number,
    facilityNumber: number,
    quantityOnHand: number,
    availableToPromise: number,
  ): void => {
    if (n === product.length) {
      product = grown(product, n + 1);
      facility = grown(facility, n + 1);
      qoh = grown(qoh, n + 1);
      atp = grown(atp, n + 1);
    }
    product[n] = productNumber;
    facility[n] = facilityNumber;
    qoh[n] = quantityOnHand;
    atp[n] = availableToPromise;
    n++;
  };
  return {
    add: (productId: string, facilityId: string, quantityOnHand: number, availableToPromise: number): void =>
      addNumbered(strings.numberOf(productId), strings.numberOf(facilityId), quantityOnHand, availableToPromise),
    /** The number `add` files an id under (the same for the same text), for `addNumbered`. */
    numberOf: strings.numberOf,
    /** `add` with the ids given by their numbers (`numberOf`): a reader that knows a repeated id skips its lookup. */
    addNumbered,
    build: (): StockTable => {
      const names = strings.strings;
      return {
        length: n,
        productId: (i) => names[product[i]!]!,
        facilityId: (i) => names[facility[i]!]!,
        quantityOnHand: (i) => qoh[i]!,
        availableToPromise: (i) => atp[i]!,
      };
    },
  };
};

/** A stock table from objects. */
export const stockTableOf = (levels: Iterable<StockLevelObject>): StockTable => {
  const builder = stockTableBuilder();
  for (const l of levels) builder.add(l.productId, l.facilityId, l.quantityOnHand, l.availableToPromise);
  return builder.build();
};

/** A stock table as objects. */
export const stockLevelsOf = (table: StockTable): StockLevelObject[] =>
  Array.from({ length: table.length }, (_, i) => ({
    productId: table.productId(i),
    facilityId: table.facilityId(i),
    quantityOnHand: table.quantityOnHand(i),
    availableToPromise: table.availableToPromise(i),
  }));

/** The indices 0 .. n-1 of a table, as the row handles a diff reads through the table's columns. */
export const rowIndices = (n: number): Int32Array => {
  const indices = new Int32Array(n);
  for (let i = 0; i < n; i++) indices[i] = i;
  return indices;
};
