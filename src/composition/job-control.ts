/**
 * The console's job control, as types: what the Jobs, Pipeline and Run pages read and do. `job-control.ts` builds it
 * over the live store (and pg-boss on PostgreSQL). Every method resolves (never rejects): a refusal is a `Left` with
 * a problem whose `message` is fit for a page (never a secret).
 */
import type { Readable } from 'node:stream';
import type { Either } from 'fp-ts/lib/Either.js';
import type { JobName, JobRun, RunOutcome, RunReport } from '../application/run-log.ts';

export type { JobName, JobRun, RunOutcome, RunReport };

/** The frequency presets of the Jobs page, as the cron expressions they stand for. */
export const SCHEDULE_PRESETS = {
  'every-5-minutes': '*/5 * * * *',
  'every-15-minutes': '*/15 * * * *',
  'every-30-minutes': '*/30 * * * *',
  hourly: '0 * * * *',
  'every-6-hours': '0 */6 * * *',
  daily: '0 3 * * *',
} as const;

/** A preset's name. */
export type SchedulePreset = keyof typeof SCHEDULE_PRESETS;

/** The presets in the order a page offers them. */
export const PRESET_NAMES: ReadonlyArray<SchedulePreset> = Object.keys(SCHEDULE_PRESETS) as SchedulePreset[];

/** One schedule of a job: the job and its key (the facility group for the channel jobs, '' for the others). */
export interface ScheduleKey {
  readonly job: JobName;
  readonly key: string;
}

/** A schedule as the console shows it. */
export interface JobSchedule extends ScheduleKey {
  readonly cron: string;
  /** The preset the cron is, or null for a custom cron. */
  readonly preset: SchedulePreset | null;
  readonly timezone: string;
  readonly parameters: Readonly<Record<string, string>>;
  /** `paused`: kept with its cron, fired by no worker until resumed. */
  readonly state: 'active' | 'paused';
  /** True when the next occurrence is to be skipped (recorded in the history as skipped, not run). */
  readonly skipNext: boolean;
  /** The next occurrences (up to 5), none when paused; the first is the one skipped when skipNext. */
  readonly nextRuns: ReadonlyArray<Date>;
  /** Who last changed it ('settings' when seeded from the settings file) and when; null when unknown. */
  readonly changedBy: string | null;
  readonly changedAt: Date | null;
}

/** A job's card on the Jobs page. */
export interface JobCard {
  readonly job: JobName;
  readonly title: string;
  /** active: at least one active schedule; paused: schedules, all paused; not-configured: no schedule. */
  readonly state: 'active' | 'paused' | 'not-configured';
  readonly schedules: ReadonlyArray<JobSchedule>;
  readonly parameters: { readonly required: ReadonlyArray<string>; readonly optional: ReadonlyArray<string> };
  /** The `CHANNEL_FAC_GROUP` groups a `facilityGroupId` parameter is chosen among (for every job, for simplicity). */
  readonly facilityGroups: ReadonlyArray<string>;
  /** True for the slow jobs, which may run hourly or less often (see SLOW_JOBS). */
  readonly slow: boolean;
  /** The presets this job may take (the slow jobs: hourly and slower). */
  readonly presets: ReadonlyArray<SchedulePreset>;
  /** The latest run, or null. */
  readonly lastRun: JobRun | null;
}

/** A schedule to save (added, or replacing the one of the same job and key). */
export interface ScheduleInput {
  readonly job: JobName;
  /** The job's parameters: its key is `facilityGroupId` when given, else ''. */
  readonly parameters: Readonly<Record<string, string>>;
  readonly schedule: { readonly preset: SchedulePreset } | { readonly cron: string };
  /** Who asks (the console user), recorded beside the schedule. */
  readonly by: string;
}

/** Why job control refused or could not do something; `message` is for the page. */
export type JobControlProblem =
  | { readonly _tag: 'SchedulesNeedPostgres'; readonly message: string }
  | { readonly _tag: 'ParametersInvalid'; readonly message: string; readonly problems: ReadonlyArray<string> }
  | { readonly _tag: 'CronInvalid'; readonly message: string }
  | { readonly _tag: 'TooFrequent'; readonly message: string }
  | { readonly _tag: 'ScheduleNotFound'; readonly message: string }
  | { readonly _tag: 'RunNotFound'; readonly message: string }
  | { readonly _tag: 'NotRerunnable'; readonly message: string }
  | { readonly _tag: 'QueuedRunNotFound'; readonly message: string }
  | { readonly _tag: 'JobControlFailed'; readonly message: string };

/** A run asked for now. */
export interface RunRequest {
  readonly job: JobName;
  readonly parameters: Readonly<Record<string, string>>;
  readonly by: string;
}

/**
 * What Run now did: on PostgreSQL queued for the workers (`queuedId` null when the queue already holds a run of
 * the job that will do the work: the stately queues keep one), on SQLite started in this process (it goes on in
 * the background; the pipeline shows it running).
 */
export type RunStarted =
  | { readonly kind: 'queued'; readonly job: JobName; readonly queuedId: string | null }
  | { readonly kind: 'started'; readonly job: JobName; readonly runId: string };

/** How a history row is filtered. `abandoned`: running in the log, its heartbeat lapsed. */
export type HistoryStatus = Exclude<RunOutcome, 'running'>;

/** Which part of the pipeline to show. */
export interface PipelineFilter {
  readonly job?: JobName;
  readonly status?: HistoryStatus;
  /** The `next` cursor of the page before (opaque). */
  readonly before?: string;
  /** History rows per page (1 to 200; 50 by default). */
  readonly limit?: number;
}

/** A run waiting: queued in pg-boss, or the next occurrence of a schedule. */
export type PendingRun =
  | {
      readonly kind: 'queued';
      readonly queuedId: string;
      readonly job: JobName;
      readonly parameters: Readonly<Record<string, string>>;
      /** When it may start (later than now for a retry waiting its backoff). */
      readonly startAfter: Date;
      readonly createdAt: Date;
      readonly retryCount: number;
      /** True when a schedule queued it, false for a Run now or a follow-up. */
      readonly scheduled: boolean;
    }
  | {
      readonly kind: 'scheduled';
      readonly job: JobName;
      readonly key: string;
      readonly parameters: Readonly<Record<string, string>>;
      readonly at: Date;
      readonly cron: string;
      /** This occurrence will be skipped (skip once). */
      readonly skip: boolean;
    };

/** A page of the pipeline. */
export interface PipelinePage {
  readonly pending: ReadonlyArray<PendingRun>;
  /** Running runs (with their worker, start and latest progress), newest first. */
  readonly running: ReadonlyArray<JobRun>;
  /** Ended runs (and abandoned ones), newest first, filtered. */
  readonly history: ReadonlyArray<JobRun>;
  /** The cursor of the next (older) page, or null at the end. */
  readonly next: string | null;
}

/** A run with its stored report. */
export interface RunDetail {
  readonly run: JobRun;
  readonly report: RunReport | null;
  /** True when Re-run is offered: a failed or abandoned run. */
  readonly rerunnable: boolean;
}

/** The console's job control (see the file comment). */
export interface JobControl {
  /** True on PostgreSQL (schedules in pg-boss, shared by every worker); false on SQLite. */
  readonly schedulesShared: boolean;
  /** One card per job, in catalogue order. */
  readonly cards: () => Promise<Either<JobControlProblem, ReadonlyArray<JobCard>>>;
  /** Adds or replaces a schedule: a preset or a cron validated as the worker validates it; slow jobs hourly or slower. */
  readonly setSchedule: (input: ScheduleInput) => Promise<Either<JobControlProblem, JobSchedule>>;
  /** Removes a schedule (the job is not configured when it has no other). */
  readonly removeSchedule: (key: ScheduleKey, by: string) => Promise<Either<JobControlProblem, void>>;
  /** Pauses a schedule: kept with its cron, fired by no worker. */
  readonly pause: (key: ScheduleKey, by: string) => Promise<Either<JobControlProblem, void>>;
  /** Resumes a paused schedule. */
  readonly resume: (key: ScheduleKey, by: string) => Promise<Either<JobControlProblem, void>>;
  /** Marks the next occurrence to be skipped (recorded as skipped); called again, it takes the mark back. */
  readonly skipOnce: (key: ScheduleKey, by: string, skip?: boolean) => Promise<Either<JobControlProblem, void>>;
  /** Replaces every schedule with the settings file's (the seed), as a fresh database would have them. */
  readonly resetSchedules: (by: string) => Promise<Either<JobControlProblem, void>>;
  /** The next occurrences of a cron in the schedules' time zone (for a form's preview), or the problem with it. */
  readonly preview: (job: JobName, cron: string, count?: number) => Either<JobControlProblem, ReadonlyArray<Date>>;
  /** Runs a job now: queued for the workers on PostgreSQL, in this process on SQLite. Parameters validated. */
  readonly runNow: (request: RunRequest) => Promise<Either<JobControlProblem, RunStarted>>;
  /** Runs a failed (or abandoned) run again with its parameters. */
  readonly rerun: (runId: string, by: string) => Promise<Either<JobControlProblem, RunStarted>>;
  /** Cancels a queued run (PostgreSQL) that has not started. */
  readonly cancel: (job: JobName, queuedId: string, by: string) => Promise<Either<JobControlProblem, void>>;
  /** Pending, running and a page of history. */
  readonly pipeline: (filter: PipelineFilter) => Promise<Either<JobControlProblem, PipelinePage>>;
  /** A run and its report, or null when there is no such run. */
  readonly run: (runId: string) => Promise<Either<JobControlProblem, RunDetail | null>>;
  /**
   * The error report `file` of a run (a name its report lists), read from the inbox's error/ folder; null when the
   * run lists no such file or it is gone. The name never leaves the folder.
   */
  readonly errorFile: (runId: string, file: string) => Promise<Either<JobControlProblem, Readable | null>>;
  /** Stops what job control opened (pg-boss's connection); the live store is the caller's. */
  readonly close: () => Promise<void>;
}
