/**
 * The job queue the workers share on PostgreSQL, as a port: queued runs and the schedules every worker's cron
 * monitor fires. pg-boss implements it (src/worker/boss-queue.ts: the composition never loads pg-boss); the worker
 * and the console's job control both use it, so a run queued from the console is queued exactly as the worker queues
 * one (its queue policy, its singleton key).
 *
 * Where the schedules live: pg-boss's schedule table holds the active ones (what fires); the store's ScheduleBook
 * holds what pg-boss has no place for (a paused schedule's cron, the skip-once mark, who changed it). The settings
 * file only seeds them: `seedSchedules` adds a configured schedule where the database has none for its job and key,
 * and `resetSchedules` puts the settings' back (the console's "reset to the settings").
 */
import { isLeft, type Either } from 'fp-ts/lib/Either.js';
import type { ScheduleBook, StoredSchedule } from '../application/schedule-book.ts';
import type { WorkerSchedule } from './config.ts';
import type { JobName, JobRequest } from './jobs.ts';
import type { Logger } from './log.ts';

/** Why the queue could not do what was asked. */
export interface QueueError {
  readonly _tag: 'JobQueueFailed';
  readonly reason: string;
  readonly cause?: unknown;
}

/**
 * Who put a run on the queue, carried in the run's data under MARK_KEY (an object, so the parameters, which are
 * strings, never include it): a schedule (with its key), the console (with who asked); none for the worker's own.
 */
export type RunOrigin =
  | { readonly trigger: 'schedule'; readonly key: string }
  | { readonly trigger: 'console'; readonly by: string };

/** The data key a run's origin travels under. */
export const MARK_KEY = '_oms';

/** A run's data on the queue: its parameters and, under MARK_KEY, its origin. */
export const runData = (parameters: Readonly<Record<string, string>>, origin?: RunOrigin): Record<string, unknown> =>
  origin === undefined ? { ...parameters } : { ...parameters, [MARK_KEY]: origin };

/** The origin a queued run's data carries, or null (the worker's own runs, or a schedule of an older release). */
export const originOf = (data: unknown): RunOrigin | null => {
  if (typeof data !== 'object' || data === null) return null;
  const mark = (data as Record<string, unknown>)[MARK_KEY];
  if (typeof mark !== 'object' || mark === null) return null;
  const m = mark as Record<string, unknown>;
  if (m.trigger === 'schedule' && typeof m.key === 'string') return { trigger: 'schedule', key: m.key };
  if (m.trigger === 'console' && typeof m.by === 'string') return { trigger: 'console', by: m.by };
  return null;
};

/** The parameters of a queued run's data: its string values (the origin mark and anything else left out). */
export const parametersOf = (data: unknown): Record<string, string> =>
  typeof data === 'object' && data !== null && !Array.isArray(data)
    ? Object.fromEntries(Object.entries(data).filter((e): e is [string, string] => typeof e[1] === 'string'))
    : {};

/** A schedule as the queue fires it. */
export interface QueueSchedule {
  readonly job: JobName;
  readonly key: string;
  readonly cron: string;
  readonly timezone: string;
  readonly parameters: Readonly<Record<string, string>>;
  /** False for a schedule written without the origin mark (by an older release): its runs look unscheduled. */
  readonly marked: boolean;
}

/** A run waiting on the queue, or being run. */
export interface QueuedRun {
  readonly id: string;
  readonly job: JobName;
  readonly parameters: Readonly<Record<string, string>>;
  readonly origin: RunOrigin | null;
  readonly state: 'created' | 'retry' | 'active';
  readonly createdAt: Date;
  readonly startAfter: Date;
  readonly retryCount: number;
}

/** The shared job queue (see the file comment). Every method resolves, never rejects. */
export interface JobQueue {
  /** Queues a run: its id, or null when the queue already holds one that will do the work (a stately queue). */
  readonly send: (request: JobRequest, origin?: RunOrigin) => Promise<Either<QueueError, string | null>>;
  /** Adds or replaces the schedule of a job and key (its runs carry the schedule's origin mark). */
  readonly schedule: (schedule: Omit<QueueSchedule, 'marked'>) => Promise<Either<QueueError, void>>;
  /** Removes the schedule of a job and key (nothing when there is none). */
  readonly unschedule: (job: JobName, key: string) => Promise<Either<QueueError, void>>;
  /** Every schedule of the jobs' queues. */
  readonly schedules: () => Promise<Either<QueueError, ReadonlyArray<QueueSchedule>>>;
  /** The runs waiting or running, oldest first, at most `limit` per job. */
  readonly queued: (limit: number) => Promise<Either<QueueError, ReadonlyArray<QueuedRun>>>;
  /** Cancels a waiting run: false when there is no such waiting run. */
  readonly cancel: (job: JobName, id: string) => Promise<Either<QueueError, boolean>>;
}

/** The key of a schedule of `parameters`: its facility group, or ''. */
export const scheduleKeyOf = (parameters: Readonly<Record<string, string>>): string => parameters.facilityGroupId ?? '';

const pair = (job: string, key: string): string => `${job}\n${key}`;

const fail = (reason: string, cause?: unknown): Either<QueueError, never> => ({
  _tag: 'Left',
  left: { _tag: 'JobQueueFailed', reason, cause },
});
const ok = <A>(a: A): Either<never, A> => ({ _tag: 'Right', right: a });

const stored = async <A>(task: () => Promise<Either<unknown, A>>, what: string): Promise<Either<QueueError, A>> => {
  const result = await task();
  return isLeft(result) ? fail(`${what}: ${describe(result.left)}`, result.left) : ok(result.right);
};

const describe = (e: unknown): string =>
  typeof e === 'object' && e !== null && 'reason' in e ? String((e as { reason: unknown }).reason) : String(e);

/**
 * Seeds the queue's schedules from the settings: a configured schedule is added (and recorded as the settings') only
 * where the database has none for its job and key, active or paused, so a schedule changed in the console stays as
 * it was changed. A schedule an older release registered without the origin mark is registered again with it (same
 * cron), so its runs are told apart from Run now. Nothing is removed.
 */
export const seedSchedules = async (
  queue: JobQueue,
  book: Pick<ScheduleBook, 'storedSchedules' | 'saveSchedule'>,
  schedules: ReadonlyArray<WorkerSchedule>,
  timezone: string,
  now: Date,
  log: Logger,
  worker: string,
): Promise<Either<QueueError, void>> => {
  const active = await queue.schedules();
  if (isLeft(active)) return active;
  const kept = await stored(() => book.storedSchedules()(), 'the stored schedules');
  if (isLeft(kept)) return kept;
  const known = new Set([...active.right, ...kept.right].map((s) => pair(s.job, s.key)));
  for (const s of active.right.filter((x) => !x.marked)) {
    const again = await queue.schedule({
      job: s.job,
      key: s.key,
      cron: s.cron,
      timezone: s.timezone,
      parameters: s.parameters,
    });
    if (isLeft(again)) return again;
  }
  for (const s of schedules) {
    const key = scheduleKeyOf(s.parameters);
    if (known.has(pair(s.job, key))) continue;
    known.add(pair(s.job, key));
    const added = await queue.schedule({ job: s.job, key, cron: s.cron, timezone, parameters: s.parameters });
    if (isLeft(added)) return added;
    const recorded = await stored(
      () => book.saveSchedule(settingsSchedule(s, timezone, now))(),
      'recording a seeded schedule',
    );
    if (isLeft(recorded)) return recorded;
    log('info', 'schedule seeded from the settings', { job: s.job, key, cron: s.cron, worker });
  }
  return ok(undefined);
};

/** A configured schedule as the schedule book records it when seeded. */
export const settingsSchedule = (s: WorkerSchedule, timezone: string, now: Date): StoredSchedule => ({
  job: s.job,
  key: scheduleKeyOf(s.parameters),
  cron: s.cron,
  timezone,
  parameters: s.parameters,
  paused: false,
  skipAfter: null,
  changedBy: 'settings',
  changedAt: now,
});

/** Replaces every schedule (active and paused) with the settings': what a fresh database is seeded with. */
export const resetSchedules = async (
  queue: JobQueue,
  book: Pick<ScheduleBook, 'storedSchedules' | 'saveSchedule' | 'removeSchedule'>,
  schedules: ReadonlyArray<WorkerSchedule>,
  timezone: string,
  now: Date,
  by: string,
): Promise<Either<QueueError, void>> => {
  const active = await queue.schedules();
  if (isLeft(active)) return active;
  const kept = await stored(() => book.storedSchedules()(), 'the stored schedules');
  if (isLeft(kept)) return kept;
  for (const s of active.right) {
    const removed = await queue.unschedule(s.job, s.key);
    if (isLeft(removed)) return removed;
  }
  for (const s of kept.right) {
    const removed = await stored(() => book.removeSchedule(s.job, s.key)(), 'removing a stored schedule');
    if (isLeft(removed)) return removed;
  }
  for (const s of schedules) {
    const key = scheduleKeyOf(s.parameters);
    const added = await queue.schedule({ job: s.job, key, cron: s.cron, timezone, parameters: s.parameters });
    if (isLeft(added)) return added;
    const recorded = await stored(
      () => book.saveSchedule({ ...settingsSchedule(s, timezone, now), changedBy: `${by} (reset to the settings)` })(),
      'recording a schedule',
    );
    if (isLeft(recorded)) return recorded;
  }
  return ok(undefined);
};
