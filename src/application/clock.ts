import type { Task } from 'fp-ts/lib/Task.js';

/** Time, as the application sees it: the only way a use case learns the time or waits. */
export interface Clock {
  readonly now: () => Date;
  readonly sleep: (ms: number) => Task<void>;
}
