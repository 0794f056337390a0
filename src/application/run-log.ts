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
  /** What started it (a schedule, the console, the CLI, ...), or null when not recorded. */
  readonly trigger: RunTrigger | null;
  /** The latest progress of the run (a running run's live progress; an ended run's last), or null. */
  readonly progress: RunProgress | null;
}

/**
 * What started a run: `schedule` (an occurrence of a schedule), `console` (Run now or Re-run), `cli` (a command),
 * `worker` (queued by a worker: a follow-up, the inbox watch).
 */
export type RunTrigger = 'schedule' | 'console' | 'cli' | 'worker';

/** The latest progress a run reported, and when. */
export interface RunProgress {
  readonly step: string;
  readonly done: number;
  readonly total: number | null;
  readonly at: Date;
}

/** How many rejected rows and refused lines a stored report keeps (the error report in error/ has them all). */
export const REPORT_SAMPLE = 100;

/** One file a run handled, as its stored report keeps it. */
export interface RunReportFile {
  readonly name: string;
  readonly outcome: string;
  /** Why it was held back or failed, when it was. */
  readonly reason?: string;
  readonly rowsRead?: number;
  readonly applied?: number;
  readonly rejected?: number;
  /** The error report of this file in the inbox's error/ folder (a plain file name), when one was written. */
  readonly errorFile?: string;
}

/** A run's report as the run log stores it: bounded whatever the run's size. */
export interface RunReport {
  readonly counts: Readonly<Record<string, number>>;
  readonly files: ReadonlyArray<RunReportFile>;
  /** The first REPORT_SAMPLE rejected rows (file, line, field, reason); `rejectedRowsTotal` counts them all. */
  readonly rejectedRows: ReadonlyArray<{
    readonly file: string;
    readonly line: number;
    readonly field: string;
    readonly reason: string;
  }>;
  readonly rejectedRowsTotal: number;
  /** The first REPORT_SAMPLE Shopify lines refused, with Shopify's codes; `refusedLinesTotal` counts them all. */
  readonly refusedLines: ReadonlyArray<{
    readonly feed: string;
    readonly line: number;
    readonly productId: string;
    readonly inventoryItemId: string;
    readonly code: string;
    readonly message: string;
  }>;
  readonly refusedLinesTotal: number;
  /** True when the run left something for a person (the command's exit code 3). */
  readonly attention: boolean;
  /** The report as text (as the CLI prints it), cut at REPORT_TEXT_MAX characters. */
  readonly text: string;
}

/** The longest report text stored. */
export const REPORT_TEXT_MAX = 20_000;

/** Which runs to list: newest first. */
export interface RunFilter {
  readonly job?: JobName;
  /** `ended`: every run but the running ones (succeeded, failed, skipped, abandoned). */
  readonly outcome?: RunOutcome | 'ended';
  /** Only runs older than this one in the listing's order (start, then run id, both descending): the keyset page. */
  readonly before?: RunCursor;
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

/** A place in the run listing: the last run of a page. */
export interface RunCursor {
  readonly startedAt: Date;
  readonly runId: string;
}

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
    readonly trigger?: RunTrigger;
  }) => TaskEither<StoreError, void>;
  /** Records a running run's latest progress (a no-op for an ended run); callers throttle it. */
  readonly progressRun: (runId: string, progress: RunProgress) => TaskEither<StoreError, void>;
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
      readonly report?: RunReport;
    },
  ) => TaskEither<StoreError, void>;
  /** The runs started in the filter's window, counted per UTC day and outcome, in day then outcome order. */
  readonly runsPerDay: (filter: RunDayFilter) => TaskEither<StoreError, ReadonlyArray<RunDayCount>>;
  /** Runs, newest first. */
  readonly listRuns: (filter: RunFilter) => TaskEither<StoreError, ReadonlyArray<JobRun>>;
  /** One run (seen at `at`, as listRuns sees runs) with its stored report, or null when there is no such run. */
  readonly runReport: (
    runId: string,
    at?: Date,
  ) => TaskEither<StoreError, { readonly run: JobRun; readonly report: RunReport | null } | null>;
}
