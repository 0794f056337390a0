import * as E from 'fp-ts/lib/Either.js';
import type * as RTE from 'fp-ts/lib/ReaderTaskEither.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import { pipe } from 'fp-ts/lib/function.js';
import type * as t from 'io-ts';
import { type EventOutcome, InventoryEvent } from '../domain/index.ts';
import type { InventoryLedger } from './inventory-ledger.ts';
import { lazily } from './lazily.ts';
import type { StoreError } from './store-error.ts';

/** A field of an input that is not an event, and why. */
export interface EventFieldError {
  /** The path of the field (`quantity`, `type`), empty for the input as a whole. */
  readonly field: string;
  readonly reason: string;
}

/** What became of one input: the ledger's outcome, or `undecodable` with every field's fault. */
export type RecordedEventOutcome =
  | (EventOutcome & { readonly index: number })
  | {
      readonly outcome: 'undecodable';
      readonly index: number;
      /** The input's `eventId` when it has a string one, for the report. */
      readonly eventId: string | null;
      readonly errors: ReadonlyArray<EventFieldError>;
    };

/** Every input's outcome in input order, and the counts. */
export interface RecordEventsReport {
  readonly outcomes: ReadonlyArray<RecordedEventOutcome>;
  readonly counts: Readonly<Record<RecordedEventOutcome['outcome'], number>>;
}

const fieldErrors = (errors: t.Errors): EventFieldError[] => {
  const seen = new Map<string, string>();
  for (const error of errors) {
    const path = error.context
      .map((c) => c.key)
      .filter((k) => k !== '' && !/^\d+$/.test(k))
      .join('.');
    const last = error.context[error.context.length - 1];
    const expected = last?.type.name ?? 'a value';
    if (!seen.has(path))
      seen.set(path, error.message ?? `expected ${expected}, got ${JSON.stringify(error.value) ?? 'undefined'}`);
  }
  return [...seen].map(([field, reason]) => ({ field, reason }));
};

const eventIdOf = (u: unknown): string | null => {
  const id = typeof u === 'object' && u !== null ? (u as { eventId?: unknown }).eventId : undefined;
  return typeof id === 'string' ? id : null;
};

/**
 * Records untrusted inputs (parsed JSON lines, CSV records) as inventory events: each is decoded with the
 * `InventoryEvent` codec, the undecodable ones are reported with every field's fault, and the rest go to the ledger
 * in one call (one transaction), where each is applied, refused, a duplicate or a conflict.
 */
export const recordInventoryEvents = (
  inputs: ReadonlyArray<unknown>,
): RTE.ReaderTaskEither<InventoryLedger, StoreError, RecordEventsReport> =>
  lazily((ledger) => {
    const decoded = inputs.map((u) => InventoryEvent.decode(u));
    const events = decoded.flatMap((d) => (E.isRight(d) ? [d.right] : []));
    return pipe(
      events.length === 0 ? TE.right([]) : ledger.recordEvents(events),
      TE.map((recorded) => {
        let next = 0;
        const outcomes = decoded.map((d, index): RecordedEventOutcome => {
          if (E.isLeft(d))
            return { outcome: 'undecodable', index, eventId: eventIdOf(inputs[index]), errors: fieldErrors(d.left) };
          return { ...recorded[next++]!, index };
        });
        const counts = { applied: 0, refused: 0, duplicate: 0, conflict: 0, undecodable: 0 };
        for (const o of outcomes) counts[o.outcome]++;
        return { outcomes, counts };
      }),
    );
  });
