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

/** How a run ended (or that it has not yet). */
export type RunOutcome = 'running' | 'succeeded' | 'failed';

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
}

/** The record of every run. */
export interface RunLog {
  /** Records a run as started (outcome `running`). */
  readonly startRun: (run: {
    readonly runId: string;
    readonly job: JobName;
    readonly parameters: Readonly<Record<string, string>>;
    readonly worker: string;
    readonly startedAt: Date;
  }) => TaskEither<StoreError, void>;
  /** Records how a started run ended. */
  readonly finishRun: (
    runId: string,
    end: {
      readonly finishedAt: Date;
      readonly outcome: 'succeeded' | 'failed';
      readonly counts: Readonly<Record<string, number>>;
      readonly error: string | null;
    },
  ) => TaskEither<StoreError, void>;
  /** Runs, newest first. */
  readonly listRuns: (filter: RunFilter) => TaskEither<StoreError, ReadonlyArray<JobRun>>;
}
