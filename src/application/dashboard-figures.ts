import { pipe } from 'fp-ts/lib/function.js';
import type * as RTE from 'fp-ts/lib/ReaderTaskEither.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import { dayOfEpochDay, type JobName, type JobRun, type RunLog, type RunOutcome } from './run-log.ts';
import type { StoreError } from './store-error.ts';

const DAY_MS = 86_400_000;

/** Every outcome a run can show, in the order the dashboard stacks them. */
export const RUN_OUTCOMES: ReadonlyArray<RunOutcome> = ['succeeded', 'failed', 'abandoned', 'skipped', 'running'];

/** The runs of one UTC day, per outcome (zero for an outcome without runs). */
export interface RunDay {
  readonly day: string;
  readonly runs: Readonly<Record<RunOutcome, number>>;
}

/** One run as a point of a series: when it started and the figures of its counts the chart shows. */
export interface RunPoint {
  readonly runId: string;
  readonly job: JobName;
  readonly startedAt: Date;
  readonly values: Readonly<Record<string, number>>;
}

/** What the dashboard draws. Series are oldest first. */
export interface DashboardFigures {
  /** The last `days` UTC days up to `at`'s, every day present. */
  readonly runsPerDay: ReadonlyArray<RunDay>;
  /** Lines each Hard Sync and delta push put in its feed (`lines`). */
  readonly linesPerPush: ReadonlyArray<RunPoint>;
  /** Rows read, variances (`adjusted`) and rejected rows of each finished NetSuite import. */
  readonly imports: ReadonlyArray<RunPoint>;
  /** Items checked and drifted of each finished verification. */
  readonly drift: ReadonlyArray<RunPoint>;
}

/** What the dashboard covers: its days of runs, and how many runs of each series. */
export interface DashboardWindow {
  readonly at: Date;
  readonly days: number;
  readonly runs: number;
}

const pointsOf = (runs: ReadonlyArray<JobRun>, keys: ReadonlyArray<string>): RunPoint[] =>
  runs
    .map((r) => ({
      runId: r.runId,
      job: r.job,
      startedAt: r.startedAt,
      values: Object.fromEntries(keys.map((k) => [k, r.counts[k] ?? 0])),
    }))
    .toReversed();

/**
 * The dashboard's figures from the run log: runs per day by outcome (one aggregate over the window, however many
 * runs), and the counts of the last `runs` pushes, imports and verifications (each one keyset read of a job's newest
 * runs).
 */
export const dashboardFigures = (
  window: DashboardWindow,
): RTE.ReaderTaskEither<Pick<RunLog, 'runsPerDay' | 'listRuns'>, StoreError, DashboardFigures> => {
  return (store) => {
    const days = Math.max(1, Math.floor(window.days));
    const limit = Math.max(1, Math.floor(window.runs));
    const today = Math.floor(window.at.getTime() / DAY_MS);
    const first = today - days + 1;
    const ended = (job: JobName) => store.listRuns({ job, outcome: 'succeeded', limit, at: window.at });
    return pipe(
      TE.Do,
      TE.apS(
        'counts',
        store.runsPerDay({ from: new Date(first * DAY_MS), to: new Date((today + 1) * DAY_MS), at: window.at }),
      ),
      TE.apS('hardSyncs', ended('hard-sync')),
      TE.apS('pushes', ended('push-changes')),
      TE.apS('imports', ended('import')),
      TE.apS('verifications', ended('verify')),
      TE.map(({ counts, hardSyncs, pushes, imports, verifications }) => {
        const byDay = new Map<string, Record<RunOutcome, number>>();
        for (let d = first; d <= today; d++)
          byDay.set(
            dayOfEpochDay(d),
            Object.fromEntries(RUN_OUTCOMES.map((o) => [o, 0])) as Record<RunOutcome, number>,
          );
        for (const c of counts) {
          const day = byDay.get(c.day);
          if (day !== undefined) day[c.outcome] += c.runs;
        }
        const newestPushes = [...hardSyncs, ...pushes]
          .sort((a, b) => b.startedAt.getTime() - a.startedAt.getTime())
          .slice(0, limit);
        return {
          runsPerDay: [...byDay].map(([day, runs]) => ({ day, runs })),
          linesPerPush: pointsOf(newestPushes, ['lines']),
          imports: pointsOf(imports, ['rowsRead', 'adjusted', 'rejected']),
          drift: pointsOf(verifications, ['checked', 'drifted']),
        };
      }),
    );
  };
};
