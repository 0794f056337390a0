/**
 * The console's job control, as types: what the Jobs, Pipeline and Run pages read and do. `job-control.ts` builds it
 * over the live store (and pg-boss on PostgreSQL). Every method resolves (never rejects): a refusal is a `Left` with
 * a problem whose `message` is fit for a page (never a secret).
 */
import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { CronExpressionParser } from 'cron-parser';
import { isLeft, type Either } from 'fp-ts/lib/Either.js';
import { ERROR_FOLDER } from '../application/import-inventory.ts';
import { redactor } from '../application/redaction.ts';
import {
  JOB_NAMES,
  type JobName,
  type JobRun,
  type RunCursor,
  type RunOutcome,
  type RunReport,
} from '../application/run-log.ts';
import type { StoredSchedule } from '../application/schedule-book.ts';
import { CHANNEL_FAC_GROUP, isChannelFacilityGroup } from '../domain/index.ts';
import type { Config } from './config.ts';
import { cronProblem, normalizeCron } from './cron.ts';
import { jobDefinition } from './job-catalogue.ts';
import { type JobQueue, resetSchedules, scheduleKeyOf } from './job-queue.ts';
import { type JobRequest, type LiveStore, newRunId, runJobOn, validateRequest, workerName } from './jobs.ts';
import { openInbox } from './live.ts';
import { type Logger, secretsOf } from './log.ts';

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

/** The jobs that may run hourly or less often: each reads or writes every product against Shopify. */
export const SLOW_JOBS: ReadonlySet<JobName> = new Set<JobName>(['hard-sync', 'verify', 'map-products']);

/** The shortest gap between two runs of a slow job's schedule. */
export const SLOW_JOB_MIN_GAP_MS = 3_600_000;

/** What job control is built over. */
export interface JobControlDeps {
  /** The process's one store (the console's): runs, reports, the schedule book, the facility groups. */
  readonly live: LiveStore;
  /** The workers' shared queue (PostgreSQL), or null (SQLite: runs in this process, no schedules). */
  readonly queue: (JobQueue & { readonly close?: () => Promise<void> }) | null;
  readonly now?: () => Date;
  readonly log?: Logger;
  /** The run log's worker name of runs started in this process (SQLite); `console:<host:pid>` by default. */
  readonly worker?: string;
  /** Opens the inbox an error report is read from; the composition's openInbox by default. */
  readonly openInbox?: typeof openInbox;
}

const HISTORY_DEFAULT = 50;
const HISTORY_MAX = 200;
const PENDING_MAX = 100;
const NEXT_RUNS = 5;

const problem = <T extends JobControlProblem['_tag']>(
  tag: T,
  message: string,
): Either<Extract<JobControlProblem, { _tag: T }>, never> => ({ _tag: 'Left', left: { _tag: tag, message } }) as never;
const ok = <A>(a: A): Either<never, A> => ({ _tag: 'Right', right: a });

const reasonOf = (e: unknown): string =>
  typeof e === 'object' && e !== null && 'reason' in e ? String((e as { reason: unknown }).reason) : String(e);

// A failure of the store or the queue, for the page: its reason, redacted of the configuration's secrets.
const failedWith =
  (config: Config) =>
  (what: string, e: unknown): Either<JobControlProblem, never> =>
    problem('JobControlFailed', redactor(secretsOf(config))(`${what}: ${reasonOf(e)}`));

/** The next `count` occurrences of `cron` in `timezone` after `from` (cron-parser, as pg-boss evaluates them). */
export const nextOccurrences = (cron: string, timezone: string, from: Date, count: number): Date[] => {
  const interval = CronExpressionParser.parse(cron, { tz: timezone, strict: false, currentDate: from });
  return Array.from({ length: count }, () => interval.next().toDate());
};

/**
 * Why `cron` is too frequent for `job`, or null: a slow job's occurrences (the next 48 from `from`) must be at
 * least an hour apart.
 */
export const frequencyProblem = (job: JobName, cron: string, timezone: string, from: Date): string | null => {
  if (!SLOW_JOBS.has(job)) return null;
  const next = nextOccurrences(cron, timezone, from, 48);
  for (let i = 1; i < next.length; i++)
    if (next[i]!.getTime() - next[i - 1]!.getTime() < SLOW_JOB_MIN_GAP_MS)
      return `${job} is a slow job (it reads or writes every product against Shopify): it may run hourly or less often, and ${JSON.stringify(cron)} runs it ${Math.round((next[i]!.getTime() - next[i - 1]!.getTime()) / 60_000)} minutes apart`;
  return null;
};

const presetOf = (cron: string): SchedulePreset | null =>
  PRESET_NAMES.find((p) => SCHEDULE_PRESETS[p] === normalizeCron(cron)) ?? null;

/** The presets a job may take. */
export const presetsOf = (job: JobName, from: Date = new Date()): ReadonlyArray<SchedulePreset> =>
  PRESET_NAMES.filter((p) => frequencyProblem(job, SCHEDULE_PRESETS[p], 'UTC', from) === null);

const encodeCursor = (run: JobRun): string =>
  Buffer.from(JSON.stringify([run.startedAt.getTime(), run.runId])).toString('base64url');

const decodeCursor = (cursor: string): RunCursor | null => {
  try {
    const [t, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
    return typeof t === 'number' && Number.isSafeInteger(t) && typeof id === 'string'
      ? { startedAt: new Date(t), runId: id }
      : null;
  } catch {
    return null;
  }
};

// A plain file name: what an error report in error/ is called (never a path, never hidden, never `..`).
const PLAIN_NAME = /^[^/\\\0]+$/;
const isPlainName = (name: string): boolean =>
  PLAIN_NAME.test(name) && name !== '.' && name !== '..' && !name.startsWith('.') && name.length <= 1024;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Job control over the live store and, on PostgreSQL, the workers' queue (see JobControl). Schedules, Run now and
 * cancel go through the queue exactly as the worker queues; on SQLite (no queue) Run now runs the job here, in the
 * background, through runJobOn, and schedules are refused (`SchedulesNeedPostgres`).
 */
export const jobControl = (deps: JobControlDeps): JobControl => {
  const { live, queue } = deps;
  const { config, store } = live;
  const now = deps.now ?? (() => new Date());
  const log: Logger = deps.log ?? (() => undefined);
  const worker = deps.worker ?? `console:${workerName()}`;
  const failed = failedWith(config);
  const timezone = config.worker?.timezone ?? 'UTC';
  const settingsSchedules = config.worker?.schedules ?? [];
  // Runs started in this process (SQLite): close waits for them.
  const inProcess = new Set<Promise<unknown>>();

  const needsQueue = (): Either<JobControlProblem, JobQueue> =>
    queue === null
      ? problem(
          'SchedulesNeedPostgres',
          'schedules and the queue need the PostgreSQL store (inventoryStore: { "postgres": {} }) and a worker; on SQLite, Run now runs the job in the console',
        )
      : ok(queue);

  const channelGroups = async (): Promise<Either<JobControlProblem, ReadonlyArray<string>>> => {
    const groups = await store.facilityGroups()();
    return isLeft(groups)
      ? failed('reading the facility groups', groups.left)
      : ok(groups.right.filter(isChannelFacilityGroup).map((g) => g.facilityGroupId));
  };

  // The job's parameters as the worker checks them, and a facility group among the channel groups.
  const checkParameters = async (
    job: JobName,
    parameters: Readonly<Record<string, string>>,
  ): Promise<Either<JobControlProblem, JobRequest>> => {
    const request = validateRequest(job, parameters);
    if (isLeft(request))
      return {
        _tag: 'Left',
        left: { _tag: 'ParametersInvalid', message: request.left.problems.join('; '), problems: request.left.problems },
      };
    const group = parameters.facilityGroupId;
    if (group === undefined) return request;
    const groups = await channelGroups();
    if (isLeft(groups)) return groups;
    if (!groups.right.includes(group)) {
      const why = `facilityGroupId: ${JSON.stringify(group)} is not a ${CHANNEL_FAC_GROUP} group (groups: ${groups.right.join(', ') || 'none'})`;
      return { _tag: 'Left', left: { _tag: 'ParametersInvalid', message: why, problems: [why] } };
    }
    return request;
  };

  const cronFor = (job: JobName, schedule: ScheduleInput['schedule']): Either<JobControlProblem, string> => {
    const cron = 'preset' in schedule ? SCHEDULE_PRESETS[schedule.preset] : normalizeCron(String(schedule.cron));
    if (cron === undefined) return problem('CronInvalid', 'unknown preset');
    const why = cronProblem(cron, timezone, now());
    if (why !== null) return problem('CronInvalid', `${JSON.stringify(cron)} is not a cron expression: ${why}`);
    const often = frequencyProblem(job, cron, timezone, now());
    return often === null ? ok(cron) : problem('TooFrequent', often);
  };

  // The schedules as the console shows them: the queue's active ones with the book's state, and the book's paused.
  const schedules = async (): Promise<Either<JobControlProblem, JobSchedule[]>> => {
    if (queue === null) return ok([]);
    const active = await queue.schedules();
    if (isLeft(active)) return failed('reading the schedules', active.left);
    const kept = await store.storedSchedules()();
    if (isLeft(kept)) return failed('reading the stored schedules', kept.left);
    const book = new Map(kept.right.map((s) => [`${s.job}\n${s.key}`, s]));
    const at = now();
    const shown = (
      s: { job: JobName; key: string; cron: string; timezone: string; parameters: Readonly<Record<string, string>> },
      state: JobSchedule['state'],
      stored: StoredSchedule | undefined,
    ): JobSchedule => {
      let nextRuns: Date[] = [];
      try {
        nextRuns = state === 'active' ? nextOccurrences(s.cron, s.timezone, at, NEXT_RUNS) : [];
      } catch {
        // A cron pg-boss holds that cron-parser cannot walk shows no next runs (pg-boss warns of it).
      }
      return {
        job: s.job,
        key: s.key,
        cron: s.cron,
        preset: presetOf(s.cron),
        timezone: s.timezone,
        parameters: s.parameters,
        state,
        skipNext: state === 'active' && stored?.skipAfter !== null && stored?.skipAfter !== undefined,
        nextRuns,
        changedBy: stored?.changedBy ?? null,
        changedAt: stored?.changedAt ?? null,
      };
    };
    const activeKeys = new Set(active.right.map((s) => `${s.job}\n${s.key}`));
    return ok([
      ...active.right.map((s) => shown(s, 'active', book.get(`${s.job}\n${s.key}`))),
      ...kept.right.filter((s) => s.paused && !activeKeys.has(`${s.job}\n${s.key}`)).map((s) => shown(s, 'paused', s)),
    ]);
  };

  const scheduleOf = async (key: ScheduleKey): Promise<Either<JobControlProblem, JobSchedule>> => {
    const all = await schedules();
    if (isLeft(all)) return all;
    const found = all.right.find((s) => s.job === key.job && s.key === key.key);
    return found === undefined
      ? problem('ScheduleNotFound', `${key.job} has no schedule${key.key === '' ? '' : ` for ${key.key}`}`)
      : ok(found);
  };

  const record = (s: JobSchedule, over: Partial<StoredSchedule>, by: string, stored?: StoredSchedule) =>
    store.saveSchedule({
      job: s.job,
      key: s.key,
      cron: s.cron,
      timezone: s.timezone,
      parameters: s.parameters,
      paused: s.state === 'paused',
      skipAfter: stored?.skipAfter ?? null,
      changedBy: by,
      changedAt: now(),
      ...over,
    })();

  const storedOf = async (key: ScheduleKey): Promise<StoredSchedule | undefined> => {
    const kept = await store.storedSchedules()();
    return isLeft(kept) ? undefined : kept.right.find((s) => s.job === key.job && s.key === key.key);
  };

  const startHere = (request: JobRequest): RunStarted => {
    const runId = newRunId(request.job);
    const running = runJobOn(live, request, { worker, runId, trigger: 'console', log })
      .then((result) => {
        if (isLeft(result)) log('warn', 'run failed', { job: request.job, runId, error: reasonOf(result.left) });
      })
      .catch(() => undefined)
      .finally(() => inProcess.delete(running));
    inProcess.add(running);
    return { kind: 'started', job: request.job, runId };
  };

  const runNow: JobControl['runNow'] = async ({ job, parameters, by }) => {
    const request = await checkParameters(job, parameters);
    if (isLeft(request)) return request;
    if (queue === null) return ok(startHere(request.right));
    const sent = await queue.send(request.right, { trigger: 'console', by });
    if (isLeft(sent)) return failed(`queueing ${job}`, sent.left);
    log('info', 'run queued from the console', { job, by, queuedId: sent.right });
    return ok({ kind: 'queued', job, queuedId: sent.right });
  };

  return {
    schedulesShared: queue !== null,

    cards: async () => {
      const all = await schedules();
      if (isLeft(all)) return all;
      const groups = await channelGroups();
      if (isLeft(groups)) return groups;
      const cards: JobCard[] = [];
      for (const job of JOB_NAMES) {
        const last = await store.listRuns({ job, limit: 1, at: now() })();
        if (isLeft(last)) return failed('reading the run log', last.left);
        const own = all.right.filter((s) => s.job === job);
        const definition = jobDefinition(job);
        cards.push({
          job,
          title: definition.title,
          state: own.length === 0 ? 'not-configured' : own.some((s) => s.state === 'active') ? 'active' : 'paused',
          schedules: own,
          parameters: definition.parameters,
          facilityGroups: groups.right,
          slow: SLOW_JOBS.has(job),
          presets: presetsOf(job, now()),
          lastRun: last.right[0] ?? null,
        });
      }
      return ok(cards);
    },

    setSchedule: async (input) => {
      const q = needsQueue();
      if (isLeft(q)) return q;
      const request = await checkParameters(input.job, input.parameters);
      if (isLeft(request)) return request;
      const cron = cronFor(input.job, input.schedule);
      if (isLeft(cron)) return cron;
      const key = scheduleKeyOf(input.parameters);
      const stored = await storedOf({ job: input.job, key });
      // A paused schedule stays paused with its new cron; Resume puts it in force.
      const paused = stored?.paused === true;
      const saved = await store.saveSchedule({
        job: input.job,
        key,
        cron: cron.right,
        timezone,
        parameters: input.parameters,
        paused,
        skipAfter: stored?.skipAfter ?? null,
        changedBy: input.by,
        changedAt: now(),
      })();
      if (isLeft(saved)) return failed('saving the schedule', saved.left);
      if (!paused) {
        const scheduled = await q.right.schedule({
          job: input.job,
          key,
          cron: cron.right,
          timezone,
          parameters: input.parameters,
        });
        if (isLeft(scheduled)) return failed('scheduling', scheduled.left);
      }
      log('info', 'schedule set from the console', { job: input.job, key, cron: cron.right, by: input.by });
      return scheduleOf({ job: input.job, key });
    },

    removeSchedule: async (key, by) => {
      const q = needsQueue();
      if (isLeft(q)) return q;
      const found = await scheduleOf(key);
      if (isLeft(found)) return found;
      const removed = await q.right.unschedule(key.job, key.key);
      if (isLeft(removed)) return failed('unscheduling', removed.left);
      const forgotten = await store.removeSchedule(key.job, key.key)();
      if (isLeft(forgotten)) return failed('removing the schedule', forgotten.left);
      log('info', 'schedule removed from the console', { ...key, by });
      return ok(undefined);
    },

    pause: async (key, by) => {
      const q = needsQueue();
      if (isLeft(q)) return q;
      const found = await scheduleOf(key);
      if (isLeft(found)) return found;
      if (found.right.state === 'paused') return ok(undefined);
      // Recorded first: a schedule is never neither in force nor kept.
      const kept = await record(found.right, { paused: true, skipAfter: null }, by);
      if (isLeft(kept)) return failed('pausing', kept.left);
      const removed = await q.right.unschedule(key.job, key.key);
      if (isLeft(removed)) return failed('pausing', removed.left);
      log('info', 'schedule paused from the console', { ...key, by });
      return ok(undefined);
    },

    resume: async (key, by) => {
      const q = needsQueue();
      if (isLeft(q)) return q;
      const found = await scheduleOf(key);
      if (isLeft(found)) return found;
      if (found.right.state === 'active') return ok(undefined);
      const s = found.right;
      const scheduled = await q.right.schedule({
        job: s.job,
        key: s.key,
        cron: s.cron,
        timezone: s.timezone,
        parameters: s.parameters,
      });
      if (isLeft(scheduled)) return failed('resuming', scheduled.left);
      const kept = await record(s, { paused: false, skipAfter: null }, by);
      if (isLeft(kept)) return failed('resuming', kept.left);
      log('info', 'schedule resumed from the console', { ...key, by });
      return ok(undefined);
    },

    skipOnce: async (key, by, skip = true) => {
      const q = needsQueue();
      if (isLeft(q)) return q;
      const found = await scheduleOf(key);
      if (isLeft(found)) return found;
      if (found.right.state !== 'active')
        return problem('ScheduleNotFound', `${key.job}'s schedule is paused: nothing to skip`);
      // The first scheduled run queued from now on is the one skipped (see ScheduleBook.takeSkip).
      const kept = await record(found.right, { skipAfter: skip ? now() : null }, by);
      if (isLeft(kept)) return failed('marking skip once', kept.left);
      log('info', skip ? 'next occurrence to be skipped (console)' : 'skip once taken back (console)', {
        ...key,
        by,
      });
      return ok(undefined);
    },

    resetSchedules: async (by) => {
      const q = needsQueue();
      if (isLeft(q)) return q;
      const reset = await resetSchedules(q.right, store, settingsSchedules, timezone, now(), by);
      if (isLeft(reset)) return failed('resetting the schedules', reset.left);
      log('info', 'schedules reset to the settings from the console', { by });
      return ok(undefined);
    },

    preview: (job, cron, count = NEXT_RUNS) => {
      const checked = cronFor(job, { cron });
      if (isLeft(checked)) return checked;
      return ok(nextOccurrences(checked.right, timezone, now(), Math.max(1, Math.min(50, Math.floor(count)))));
    },

    runNow,

    rerun: async (runId, by) => {
      const found = await store.runReport(runId, now())();
      if (isLeft(found)) return failed('reading the run', found.left);
      if (found.right === null) return problem('RunNotFound', 'no such run');
      const { run } = found.right;
      if (run.outcome !== 'failed' && run.outcome !== 'abandoned')
        return problem('NotRerunnable', `only a failed or abandoned run is run again; this one ${run.outcome}`);
      return runNow({ job: run.job, parameters: run.parameters, by });
    },

    cancel: async (job, queuedId, by) => {
      const q = needsQueue();
      if (isLeft(q)) return q;
      if (!UUID.test(queuedId)) return problem('QueuedRunNotFound', 'no such queued run');
      const cancelled = await q.right.cancel(job, queuedId);
      if (isLeft(cancelled)) return failed('cancelling', cancelled.left);
      if (!cancelled.right) return problem('QueuedRunNotFound', 'no such queued run (it may have started)');
      log('info', 'queued run cancelled from the console', { job, queuedId, by });
      return ok(undefined);
    },

    pipeline: async (filter) => {
      const at = now();
      const limit = Math.max(1, Math.min(HISTORY_MAX, Math.floor(filter.limit ?? HISTORY_DEFAULT)));
      const before = filter.before === undefined ? undefined : decodeCursor(filter.before);
      if (before === null)
        return {
          _tag: 'Left',
          left: { _tag: 'ParametersInvalid', message: 'not a page of the history', problems: ['before'] },
        };
      const pending: PendingRun[] = [];
      if (queue !== null) {
        const queued = await queue.queued(PENDING_MAX);
        if (isLeft(queued)) return failed('reading the queue', queued.left);
        for (const q of queued.right)
          if (filter.job === undefined || q.job === filter.job)
            pending.push({
              kind: 'queued',
              queuedId: q.id,
              job: q.job,
              parameters: q.parameters,
              startAfter: q.startAfter,
              createdAt: q.createdAt,
              retryCount: q.retryCount,
              scheduled: q.origin?.trigger === 'schedule',
            });
        const all = await schedules();
        if (isLeft(all)) return all;
        for (const s of all.right)
          if (s.state === 'active' && s.nextRuns[0] !== undefined && (filter.job === undefined || s.job === filter.job))
            pending.push({
              kind: 'scheduled',
              job: s.job,
              key: s.key,
              parameters: s.parameters,
              at: s.nextRuns[0],
              cron: s.cron,
              skip: s.skipNext,
            });
      }
      const running = await store.listRuns({
        outcome: 'running',
        ...(filter.job === undefined ? {} : { job: filter.job }),
        at,
        limit: PENDING_MAX,
      })();
      if (isLeft(running)) return failed('reading the run log', running.left);
      const history = await store.listRuns({
        outcome: filter.status ?? 'ended',
        ...(filter.job === undefined ? {} : { job: filter.job }),
        ...(before === undefined ? {} : { before }),
        at,
        limit: limit + 1,
      })();
      if (isLeft(history)) return failed('reading the run log', history.left);
      const page = history.right.slice(0, limit);
      const last = page[page.length - 1];
      return ok({
        pending: pending.sort(
          (a, b) =>
            (a.kind === 'queued' ? a.startAfter : a.at).getTime() -
            (b.kind === 'queued' ? b.startAfter : b.at).getTime(),
        ),
        running: running.right,
        history: page,
        next: history.right.length > limit && last !== undefined ? encodeCursor(last) : null,
      });
    },

    run: async (runId) => {
      const found = await store.runReport(runId, now())();
      if (isLeft(found)) return failed('reading the run', found.left);
      if (found.right === null) return ok(null);
      const { run, report } = found.right;
      return ok({ run, report, rerunnable: run.outcome === 'failed' || run.outcome === 'abandoned' });
    },

    errorFile: async (runId, file) => {
      if (!isPlainName(file)) return ok(null);
      const found = await store.runReport(runId)();
      if (isLeft(found)) return failed('reading the run', found.left);
      const listed = found.right?.report?.files.some((f) => f.errorFile === file) === true;
      if (found.right === null || !listed) return ok(null);
      const inbox = found.right.run.job === 'import-events' ? config.importEvents.inbox : config.inbox;
      const opened = await (deps.openInbox ?? openInbox)(inbox)();
      if (isLeft(opened)) return failed('opening the inbox', opened.left);
      const copy = await opened.right.fetch(ERROR_FOLDER, file)();
      if (isLeft(copy)) {
        await opened.right.close();
        return copy.left._tag === 'FileNotFound' ? ok(null) : failed('reading the error report', copy.left);
      }
      const stream = createReadStream(copy.right.path);
      const release = () => {
        void copy.right
          .release()
          .finally(() => opened.right.close())
          .catch(() => undefined);
      };
      stream.once('close', release);
      return ok(stream);
    },

    close: async () => {
      await Promise.allSettled([...inProcess]);
      await queue?.close?.();
    },
  };
};
