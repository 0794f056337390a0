import * as t from 'io-ts';

interface BatchSizeBrand {
  readonly BatchSize: unique symbol;
}

/** A whole number of items per batch, at least 1. */
export const BatchSize = t.brand(t.Int, (n): n is t.Branded<t.Int, BatchSizeBrand> => n >= 1, 'BatchSize');
export type BatchSize = t.TypeOf<typeof BatchSize>;

/**
 * Splits items into consecutive batches of at most `size`, keeping their order: every item lands in exactly one
 * batch, every batch but the last is full, and no batch is empty. The same input always gives the same batches, which
 * is what lets a retried batch carry the same idempotency key.
 */
export const batchesOf = <A>(items: ReadonlyArray<A>, size: BatchSize): ReadonlyArray<ReadonlyArray<A>> => {
  const batches: A[][] = [];
  for (let start = 0; start < items.length; start += size) batches.push(items.slice(start, start + size));
  return batches;
};
