import { isLeft } from 'fp-ts/lib/Either.js';
import type { TaskEither } from 'fp-ts/lib/TaskEither.js';

/** Runs a TaskEither in a test: its value, or a thrown error showing the Left (which fails the test). */
export const run = async <E, A>(task: TaskEither<E, A>): Promise<A> => {
  const result = await task();
  if (isLeft(result))
    throw new Error(
      `expected Right, got Left: ${JSON.stringify(result.left, (k, v) => (k === 'cause' ? String(v) : v))}`,
    );
  return result.right;
};

/** Runs a TaskEither that must fail, and returns its Left. */
export const runLeft = async <E, A>(task: TaskEither<E, A>): Promise<E> => {
  const result = await task();
  if (!isLeft(result)) throw new Error(`expected Left, got Right: ${JSON.stringify(result.right)}`);
  return result.left;
};
