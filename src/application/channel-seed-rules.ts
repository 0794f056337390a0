import * as E from 'fp-ts/lib/Either.js';
import type * as TE from 'fp-ts/lib/TaskEither.js';
import * as t from 'io-ts';
import { NonNegativeQuantity, Quantity } from '../domain/index.ts';
import type { StoreError } from './store-error.ts';

// The quantities `ChannelSeed`'s absolute setters accept, checked with the domain's codecs before a store writes
// anything: a position's QOH is a `Quantity` (it may be negative: NetSuite can hold that), its reserved quantity and
// safety stock, a threshold and a brokering queue are `NonNegativeQuantity`s (finite, at most five decimals, at most a
// billion units). The stores then write them through the ledger, which refuses unknown products and facilities.
const SEEDS = {
  savePositions: t.type({
    quantityOnHand: Quantity,
    reservedQuantity: NonNegativeQuantity,
    safetyStock: NonNegativeQuantity,
  }),
  saveThresholds: t.type({ threshold: NonNegativeQuantity }),
  saveBrokeringQueue: t.type({ quantity: NonNegativeQuantity }),
} as const;

/** The setters whose entries are checked. */
export type SeedOperation = keyof typeof SEEDS;

const described = (errors: t.Errors): string =>
  [
    ...new Set(
      errors.map((e) => {
        const field = e.context
          .map((c) => c.key)
          .filter((k) => k !== '')
          .join('.');
        const expected = e.context[e.context.length - 1]?.type.name ?? 'value';
        return `${field === '' ? 'the entry' : field} ${String(e.value)} is not a ${expected}`;
      }),
    ),
  ].join(', ');

/**
 * The error that refuses a setter's whole call when an entry's quantities are not valid (each fault named with the
 * entry's index and product), or null when every entry is valid.
 */
export const invalidSeed = (operation: SeedOperation, entries: unknown): StoreError | null => {
  if (!Array.isArray(entries))
    return { _tag: 'InventoryStoreFailed', operation, reason: 'refused: not a list of entries', retriable: false };
  const codec: t.Decoder<unknown, unknown> = SEEDS[operation];
  const faults: string[] = [];
  entries.forEach((entry: unknown, index) => {
    const decoded = codec.decode(entry);
    if (E.isLeft(decoded)) {
      const productId = (entry as { productId?: unknown } | null)?.productId;
      faults.push(`entry ${index} (${String(productId)}): ${described(decoded.left)}`);
    }
  });
  return faults.length === 0
    ? null
    : {
        _tag: 'InventoryStoreFailed',
        operation,
        reason: `refused, nothing written: ${faults.join('; ')}`,
        retriable: false,
      };
};

/** `write`, run only when `entries` pass `invalidSeed`; checked when the task runs, never when it is built. */
export const validSeed =
  <A>(operation: SeedOperation, entries: unknown, write: TE.TaskEither<StoreError, A>): TE.TaskEither<StoreError, A> =>
  () => {
    const refused = invalidSeed(operation, entries);
    return refused === null ? write() : Promise.resolve(E.left(refused));
  };
