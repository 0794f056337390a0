import type { TaskEither } from 'fp-ts/lib/TaskEither.js';
import type { Clock } from './clock.ts';
import type { StoreError } from './store-error.ts';

/** A lease on a job, shared by every process on one store: one holder at a time, lapsing when not renewed. */
export interface JobLease {
  /** Takes or renews the lease of a job for `owner` until `until`; false while another owner's lease runs. */
  readonly acquireJobLock: (job: string, owner: string, until: Date, now: Date) => TaskEither<StoreError, boolean>;
  /** Gives the lease up (a no-op when `owner` does not hold it). */
  readonly releaseJobLock: (job: string, owner: string) => TaskEither<StoreError, void>;
}

/**
 * How long a job's lease lasts without renewal unless configured otherwise: 30 seconds, renewed every 10 while the
 * run goes on. The lease is the run's heartbeat: a run whose process died is taken over once it lapses.
 */
export const DEFAULT_LEASE_MS = 30_000;

/** Which lease, for whom, and for how long without renewal. */
export interface LeaseOptions {
  readonly job: string;
  readonly owner: string;
  /** How long the lease lasts without renewal; it is renewed every third of it while the run goes on. */
  readonly ms: number;
}

/** The lease went to another owner, or could not be renewed in time: the run stopped at its next safe point. */
export interface LeaseLost {
  readonly _tag: 'JobLockLost';
  readonly job: string;
  readonly owner: string;
  /** What ended the lease: another owner took it, or the store could not renew it. */
  readonly reason: string;
  readonly retriable: true;
}

/** A leased run: it ran (with its result), or another owner held the lease and nothing ran. */
export type Leased<A> = { readonly _tag: 'ran'; readonly value: A } | { readonly _tag: 'busy' };

/** True when the signal handed to a leased run has fired: the run must stop before its next step. */
export const leaseLostReason = (signal: AbortSignal | undefined): LeaseLost | null =>
  signal?.aborted === true && isLeaseLost(signal.reason) ? signal.reason : null;

const isLeaseLost = (value: unknown): value is LeaseLost =>
  typeof value === 'object' && value !== null && (value as { _tag?: unknown })._tag === 'JobLockLost';

const describe = (e: StoreError): string => `${e._tag}: ${e.reason}`;

/**
 * Runs `run` under the lease of `options.job` for `options.owner`: takes the lease (answers `busy`, running nothing,
 * while another owner holds it), renews it on a timer every third of `options.ms`, and aborts the signal handed to
 * `run` when a renewal fails or finds the lease gone. The lease is released on every path out, a rejected task
 * included (which is rethrown after the release). A run that fails after its lease was lost fails with `LeaseLost`.
 */
export const withLease =
  <E, A>(
    deps: JobLease & Pick<Clock, 'now'>,
    options: LeaseOptions,
    run: (signal: AbortSignal) => TaskEither<E, A>,
  ): TaskEither<E | StoreError | LeaseLost, Leased<A>> =>
  async () => {
    // One clock read per take: the lease runs exactly `ms` from the moment it is taken.
    const take = () => {
      const now = deps.now();
      return deps.acquireJobLock(options.job, options.owner, new Date(now.getTime() + options.ms), now);
    };
    const taken = await take()();
    if (taken._tag === 'Left') return taken;
    if (!taken.right) return { _tag: 'Right', right: { _tag: 'busy' } };
    const controller = new AbortController();
    const lose = (reason: string): void => {
      if (controller.signal.aborted) return;
      const lost: LeaseLost = { _tag: 'JobLockLost', job: options.job, owner: options.owner, reason, retriable: true };
      controller.abort(lost);
    };
    let renewing: Promise<void> = Promise.resolve();
    const renew = (): void => {
      // One renewal at a time: a slow store never has two in flight, and the release waits for the last one.
      renewing = renewing.then(async () => {
        if (controller.signal.aborted) return;
        const renewed = await take()().catch((cause: unknown) => ({ _tag: 'Left' as const, left: String(cause) }));
        if (renewed._tag === 'Left')
          lose(
            `the lease could not be renewed (${typeof renewed.left === 'string' ? renewed.left : describe(renewed.left)})`,
          );
        else if (!renewed.right) lose('another owner holds the lease now');
      });
    };
    const timer = setInterval(renew, Math.max(10, Math.floor(options.ms / 3)));
    // The timer alone never keeps a process alive.
    timer.unref?.();
    try {
      const result = await run(controller.signal)();
      const lost = leaseLostReason(controller.signal);
      if (result._tag === 'Left') return lost === null ? result : { _tag: 'Left', left: lost };
      return { _tag: 'Right', right: { _tag: 'ran', value: result.right } };
    } finally {
      clearInterval(timer);
      await renewing;
      // A lease that cannot be released lapses on its own; the run's outcome is what counts.
      await deps
        .releaseJobLock(options.job, options.owner)()
        .catch(() => undefined);
    }
  };
