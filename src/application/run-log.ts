import type { TaskEither } from 'fp-ts/lib/TaskEither.js';
import type { StoreError } from './store-error.ts';

/** The jobs a runner runs, by the names the CLI and the worker use. */
export const JOB_NAMES = [
  'import',
  'import-events',
  'hard-sync',
  'push-changes',
  'process-uploads',
  'map-products',
  'verify',
] as const;
export type JobName = (typeof JOB_NAMES)[number];

/**
 * How a run ended, or that it has not yet: `skipped` when another owner held the job's lease (nothing ran),
 * `abandoned` when it is still `running` in the log but its lease lapsed (its process died without an end).
 */
export type RunOutcome = 'running' | 'succeeded' | 'failed' | 'skipped' | 'abandoned';

/**
 * A recorded outcome as seen at `at`: a `running` run whose heartbeat (`leaseUntil`) lapsed by then is `abandoned`;
 * a run without a heartbeat, or seen at no particular time, is as recorded.
 */
export const outcomeSeenAt = (outcome: RunOutcome, leaseUntil: Date | null, at: Date | undefined): RunOutcome =>
  outcome === 'running' && leaseUntil !== null && at !== undefined && leaseUntil.getTime() <= at.getTime()
    ? 'abandoned'
    : outcome;

/** How a run can end, as `finishRun` records it. */
export type RunEnd = 'succeeded' | 'failed' | 'skipped';

/** One run of a job, as the run log keeps it: the pending and completed pipeline of the OMS's job manager. */
export interface JobRun {
  readonly runId: string;
  readonly job: JobName;
  /** The job's parameters, e.g. `{ facilityGroupId: 'SHOPIFY_US' }`. */
  readonly parameters: Readonly<Record<string, string>>;
  /** Who ran it: `OMS_WORKER_ID`, or host:pid. */
  readonly worker: string;
  readonly startedAt: Date;
  readonly finishedAt: Date | null;
  readonly outcome: RunOutcome;
  /** Until when the run's lease was last renewed (its heartbeat); null for a run recorded without one. */
  readonly leaseUntil: Date | null;
  /** The report's counts (rows read, lines applied, ...). */
  readonly counts: Readonly<Record<string, number>>;
  /** Why it failed (a typed error's tag and reason, never a secret), or null. */
  readonly error: string | null;
}

/** Which runs to list: newest first. */
export interface RunFilter {
  readonly job?: JobName;
  readonly outcome?: RunOutcome;
  readonly limit: number;
  /**
   * The time the runs are seen at: a `running` run whose lease lapsed before it is `abandoned`. Without it no run is
   * judged abandoned.
   */
  readonly at?: Date;
}

/** How many runs of one outcome started on one day (UTC). */
export interface RunDayCount {
  /** The day, `YYYY-MM-DD` in UTC. */
  readonly day: string;
  readonly outcome: RunOutcome;
  readonly runs: number;
}

/** Which runs `runsPerDay` counts: those started in [from, to), seen at `at` (see `RunFilter.at`). */
export interface RunDayFilter {
  readonly from: Date;
  readonly to: Date;
  readonly at?: Date;
}

/** The UTC day (`YYYY-MM-DD`) of a time given in epoch milliseconds' whole days. */
export const dayOfEpochDay = (epochDay: number): string => new Date(epochDay * 86_400_000).toISOString().slice(0, 10);

/** The record of every run. */
export interface RunLog {
  /** Records a run as started (outcome `running`), with its lease's first expiry when it keeps a heartbeat. */
  readonly startRun: (run: {
    readonly runId: string;
    readonly job: JobName;
    readonly parameters: Readonly<Record<string, string>>;
    readonly worker: string;
    readonly startedAt: Date;
    readonly leaseUntil?: Date;
  }) => TaskEither<StoreError, void>;
  /** Records a running run's heartbeat: its lease was renewed until `leaseUntil` (a no-op for an ended run). */
  readonly renewRun: (runId: string, leaseUntil: Date) => TaskEither<StoreError, void>;
  /** Records how a started run ended. */
  readonly finishRun: (
    runId: string,
    end: {
      readonly finishedAt: Date;
      readonly outcome: RunEnd;
      readonly counts: Readonly<Record<string, number>>;
      readonly error: string | null;
    },
  ) => TaskEither<StoreError, void>;
  /** The runs started in the filter's window, counted per UTC day and outcome, in day then outcome order. */
  readonly runsPerDay: (filter: RunDayFilter) => TaskEither<StoreError, ReadonlyArray<RunDayCount>>;
  /** Runs, newest first. */
  readonly listRuns: (filter: RunFilter) => TaskEither<StoreError, ReadonlyArray<JobRun>>;
}
