// The one rule the inbox runs (the NetSuite import, the event feeds) apply when a file fails: which failures stop the
// run (the file stays in the inbox for a rerun) and which set the file aside in error/ so that the files after it
// are still processed; and the words a report gives for either.
import * as E from 'fp-ts/lib/Either.js';
import type { Task } from 'fp-ts/lib/Task.js';
import type { TaskEither } from 'fp-ts/lib/TaskEither.js';

/** A task that threw or rejected instead of answering an Either: a defect, caught per file. */
export interface FileDefect {
  readonly _tag: 'FileDefect';
  readonly reason: string;
  readonly retriable: false;
  readonly cause: unknown;
}

/** The longest reason a report repeats from an error (an exception's message may carry a whole line of a file). */
export const MAX_REASON_LENGTH = 500;

const capped = (text: string): string =>
  text.length > MAX_REASON_LENGTH ? `${text.slice(0, MAX_REASON_LENGTH)}... (${text.length} characters)` : text;

/** `task`, with an exception or a rejection turned into a `FileDefect`: a TaskEither that never rejects. */
export const settled =
  <Err, A>(task: TaskEither<Err, A>): Task<E.Either<Err | FileDefect, A>> =>
  async () => {
    try {
      return await task();
    } catch (error) {
      const reason =
        error instanceof Error ? `${error.name}: ${error.message}` : `a non-error was thrown: ${String(error)}`;
      return E.left({ _tag: 'FileDefect', reason: capped(reason), retriable: false, cause: error });
    }
  };

/** What a file failure looks like to this rule: any tagged error with its retriability. */
export interface TaggedFailure {
  readonly _tag: string;
  readonly retriable: boolean;
  readonly operation?: string;
}

/**
 * Whether a failure while processing one file stops the run rather than setting the file aside: whatever may pass
 * (a store or server away, a lost lease: a rerun takes the file up) and a failure to write or move into the folders
 * of the store (every later file would meet it too). Anything else (an exception, a file that cannot be read or
 * downloaded, a store refusing what the file holds) is the file's own: it is set aside and the run goes on.
 */
export const stopsTheRun = (e: TaggedFailure): boolean =>
  e.retriable || (e._tag === 'FileStoreFailed' && e.operation !== 'fetch') || e._tag === 'UnsafeFileName';

/** `stopsTheRun` for a failure that may be a defect (which never stops the run: it is the file's own). */
export const stopping = <Err extends TaggedFailure>(e: Err | FileDefect): e is Err =>
  e._tag !== 'FileDefect' && stopsTheRun(e);

/** Why a file was set aside, in a report's words, from the failure that stopped its processing. */
export const failureReason = (e: TaggedFailure & { readonly reason?: string; readonly path?: string }): string =>
  capped(
    e._tag === 'FileDefect'
      ? `the file could not be processed: ${e.reason}`
      : `the file could not be processed: ${e._tag}${e.operation === undefined ? '' : ` in ${e.operation}`}${e.path === undefined ? '' : ` of ${e.path}`}${e.reason === undefined ? '' : `: ${e.reason}`}`,
  );
