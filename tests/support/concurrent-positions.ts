/** The positions the ledger's concurrency test shares between its writers: 5 products at 2 facilities. */
export const CONCURRENT_PRODUCTS: ReadonlyArray<string> = ['P0', 'P1', 'P2', 'P3', 'P4'];
export const CONCURRENT_FACILITIES: ReadonlyArray<string> = ['WH1', 'WH2'];
