import type * as TE from 'fp-ts/lib/TaskEither.js';

/**
 * A use case whose run starts when its task runs, not when it is built: the start time, the accumulators and every
 * read belong to one run, so a task run twice (a retry) runs twice from the start.
 */
export const lazily =
  <R, E, A>(body: (deps: R) => TE.TaskEither<E, A>): ((deps: R) => TE.TaskEither<E, A>) =>
  (deps) =>
  () =>
    body(deps)();
