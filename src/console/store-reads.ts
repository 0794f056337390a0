/**
 * What the data pages share: a store task's value (a Left becomes an exception, which the console's error handler
 * answers with a 500 page naming an error id, never the store's message), ids from URLs checked by the store's own
 * rule, and a redacted sentence for an error that a page shows.
 */
import { isLeft } from 'fp-ts/lib/Either.js';
import type { TaskEither } from 'fp-ts/lib/TaskEither.js';
import { redact } from '../application/redaction.ts';
import type { Config } from '../composition/config.ts';
import { secretsOf } from '../composition/log.ts';
import { isIdentifier } from '../domain/index.ts';

/** A failed read, carrying the error's tag (the console logs the message, the page shows an error id). */
export class ReadFailed extends Error {
  override readonly name = 'ReadFailed';
}

/** The task's value; a Left is thrown as a `ReadFailed` naming its tag and reason. */
export const readValue = async <A>(task: TaskEither<unknown, A>): Promise<A> => {
  const result = await task();
  if (isLeft(result)) throw new ReadFailed(describeError(result.left));
  return result.right;
};

/** A typed error as a sentence: its tag and reason (or its message). */
export const describeError = (error: unknown): string => {
  if (typeof error === 'object' && error !== null) {
    const e = error as { _tag?: unknown; reason?: unknown; message?: unknown };
    const reason = typeof e.reason === 'string' ? e.reason : typeof e.message === 'string' ? e.message : '';
    return typeof e._tag === 'string' ? `${e._tag}${reason === '' ? '' : `: ${reason}`}` : reason || String(error);
  }
  return String(error);
};

/** `describeError` with every secret of the configuration redacted: for a sentence shown on a page. */
export const shownError = (config: Config, error: unknown): string => redact(describeError(error), secretsOf(config));

/**
 * A product or facility id as a URL or form carries it, when it is one the stores can hold (the domain's identifier
 * rule: 1 to 255 characters, no control characters, no surrounding blanks); else null.
 */
export const storeId = (value: unknown): string | null =>
  typeof value === 'string' && isIdentifier(value) ? value : null;

/** An id as a URL path segment. */
export const pathId = (id: string): string => encodeURIComponent(id);
