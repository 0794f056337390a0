// A job control held in memory, for the page tests that check what the pages render and send (the browser tests
// run the real one): cards from schedules it keeps, runs it is given, every call recorded.
import { Readable } from 'node:stream';
import { JOB_NAMES, jobDefinition } from '../../src/composition/job-catalogue.ts';
import {
  SCHEDULE_PRESETS,
  type JobCard,
  type JobControl,
  type JobSchedule,
  type RunDetail,
  type SchedulePreset,
} from '../../src/composition/job-control.ts';

const SLOW = new Set(['hard-sync', 'verify', 'map-products']);

/** The double and what it was asked. */
export interface JobControlDouble extends JobControl {
  readonly calls: Array<{ readonly method: string; readonly args: ReadonlyArray<unknown> }>;
  readonly runs: Map<string, RunDetail>;
  readonly errorFiles: Map<string, string>;
}

/** A job control over `runs`, with facility groups `groups`, sharing schedules or not (PostgreSQL or SQLite). */
export const jobControlDouble = (options: {
  readonly groups: ReadonlyArray<string>;
  readonly schedulesShared: boolean;
  readonly now: Date;
}): JobControlDouble => {
  const calls: Array<{ method: string; args: ReadonlyArray<unknown> }> = [];
  const schedules = new Map<string, JobSchedule>();
  const runs = new Map<string, RunDetail>();
  const errorFiles = new Map<string, string>();
  const call = (method: string, ...args: ReadonlyArray<unknown>) => calls.push({ method, args });
  const next = (n: number): Date[] =>
    Array.from({ length: 3 }, (_, i) => new Date(options.now.getTime() + (i + 1) * n * 60_000));
  const notFound = { _tag: 'Left', left: { _tag: 'ScheduleNotFound', message: 'no such schedule' } } as const;
  const update = (job: string, key: string, change: (s: JobSchedule) => JobSchedule) => {
    const s = schedules.get(`${job}|${key}`);
    if (s === undefined) return notFound;
    schedules.set(`${job}|${key}`, change(s));
    return { _tag: 'Right', right: undefined } as const;
  };
  const cards = (): JobCard[] =>
    JOB_NAMES.map((job) => {
      const mine = [...schedules.values()].filter((s) => s.job === job);
      const slow = SLOW.has(job);
      return {
        job,
        title: jobDefinition(job).title,
        state: mine.length === 0 ? 'not-configured' : mine.some((s) => s.state === 'active') ? 'active' : 'paused',
        schedules: mine,
        parameters: jobDefinition(job).parameters,
        facilityGroups: options.groups,
        slow,
        presets: (Object.keys(SCHEDULE_PRESETS) as SchedulePreset[]).filter(
          (p) => !slow || ['hourly', 'every-6-hours', 'daily'].includes(p),
        ),
        lastRun: [...runs.values()].find((r) => r.run.job === job)?.run ?? null,
      };
    });
  return {
    calls,
    runs,
    errorFiles,
    schedulesShared: options.schedulesShared,
    cards: async () => ({ _tag: 'Right', right: cards() }),
    setSchedule: async (input) => {
      call('setSchedule', input);
      const cron = 'preset' in input.schedule ? SCHEDULE_PRESETS[input.schedule.preset] : input.schedule.cron;
      if (!/^\S+ \S+ \S+ \S+ \S+$/.test(cron))
        return { _tag: 'Left', left: { _tag: 'CronInvalid', message: `'${cron}' is not a cron expression` } };
      const required = jobDefinition(input.job).parameters.required.filter((p) => !(p in input.parameters));
      if (required.length > 0)
        return {
          _tag: 'Left',
          left: { _tag: 'ParametersInvalid', message: `needs ${required.join(', ')}`, problems: required },
        };
      const key = input.parameters.facilityGroupId ?? '';
      const minutes = cron.startsWith('*/') ? Number(cron.slice(2).split(' ')[0]) : 60;
      const schedule: JobSchedule = {
        job: input.job,
        key,
        cron,
        preset: 'preset' in input.schedule ? input.schedule.preset : null,
        timezone: 'UTC',
        parameters: input.parameters,
        state: 'active',
        skipNext: false,
        nextRuns: next(minutes),
        changedBy: input.by,
        changedAt: options.now,
      };
      schedules.set(`${input.job}|${key}`, schedule);
      return { _tag: 'Right', right: schedule };
    },
    removeSchedule: async (k, by) => {
      call('removeSchedule', k, by);
      return schedules.delete(`${k.job}|${k.key}`) ? { _tag: 'Right', right: undefined } : notFound;
    },
    pause: async (k, by) => {
      call('pause', k, by);
      return update(k.job, k.key, (s) => ({ ...s, state: 'paused', nextRuns: [] }));
    },
    resume: async (k, by) => {
      call('resume', k, by);
      return update(k.job, k.key, (s) => ({ ...s, state: 'active', nextRuns: next(15) }));
    },
    skipOnce: async (k, by, skip = true) => {
      call('skipOnce', k, by, skip);
      return update(k.job, k.key, (s) => ({ ...s, skipNext: skip }));
    },
    resetSchedules: async (by) => {
      call('resetSchedules', by);
      schedules.clear();
      return { _tag: 'Right', right: undefined };
    },
    preview: (_job, cron) =>
      /^\S+ \S+ \S+ \S+ \S+$/.test(cron)
        ? { _tag: 'Right', right: next(15) }
        : { _tag: 'Left', left: { _tag: 'CronInvalid', message: `'${cron}' is not a cron expression` } },
    runNow: async (request) => {
      call('runNow', request);
      return options.schedulesShared
        ? { _tag: 'Right', right: { kind: 'queued', job: request.job, queuedId: 'q-1' } }
        : { _tag: 'Right', right: { kind: 'started', job: request.job, runId: `${request.job}-run-1` } };
    },
    rerun: async (runId, by) => {
      call('rerun', runId, by);
      const d = runs.get(runId);
      if (d === undefined) return { _tag: 'Left', left: { _tag: 'RunNotFound', message: 'no such run' } };
      return { _tag: 'Right', right: { kind: 'queued', job: d.run.job, queuedId: 'q-2' } };
    },
    cancel: async (job, queuedId, by) => {
      call('cancel', job, queuedId, by);
      return { _tag: 'Right', right: undefined };
    },
    pipeline: async (filter) => {
      call('pipeline', filter);
      const all = [...runs.values()].map((d) => d.run).filter((r) => filter.job === undefined || r.job === filter.job);
      return {
        _tag: 'Right',
        right: {
          pending: [...schedules.values()].flatMap((s) =>
            s.nextRuns.slice(0, 1).map((at) => ({
              kind: 'scheduled' as const,
              job: s.job,
              key: s.key,
              parameters: s.parameters,
              at,
              cron: s.cron,
              skip: s.skipNext,
            })),
          ),
          running: all.filter((r) => r.outcome === 'running'),
          history: all.filter(
            (r) => r.outcome !== 'running' && (filter.status === undefined || r.outcome === filter.status),
          ),
          next: null,
        },
      };
    },
    run: async (runId) => ({ _tag: 'Right', right: runs.get(runId) ?? null }),
    errorFile: async (runId, file) => {
      const text = errorFiles.get(`${runId}|${file}`);
      return { _tag: 'Right', right: text === undefined ? null : Readable.from([text]) };
    },
    close: async () => undefined,
  };
};
