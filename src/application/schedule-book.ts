import type { TaskEither } from 'fp-ts/lib/TaskEither.js';
import type { JobName } from './run-log.ts';
import type { StoreError } from './store-error.ts';

/**
 * A schedule as the store keeps it beside pg-boss's: the state pg-boss has no place for. An active schedule is also
 * in pg-boss's schedule table (which every worker's cron monitor reads); a paused one is only here, with its cron.
 */
export interface StoredSchedule {
  readonly job: JobName;
  /** The facility group for the channel jobs, '' for the others. */
  readonly key: string;
  readonly cron: string;
  readonly timezone: string;
  readonly parameters: Readonly<Record<string, string>>;
  readonly paused: boolean;
  /** Skip once: the first scheduled run of this schedule queued after this time is skipped; null when none is. */
  readonly skipAfter: Date | null;
  /** Who last changed it ('settings' when seeded from the settings file) and when. */
  readonly changedBy: string;
  readonly changedAt: Date;
}

/** The schedules' own state (see StoredSchedule). */
export interface ScheduleBook {
  /** Every stored schedule, by job then key. */
  readonly storedSchedules: () => TaskEither<StoreError, ReadonlyArray<StoredSchedule>>;
  /** Adds a schedule or replaces the one of its job and key. */
  readonly saveSchedule: (schedule: StoredSchedule) => TaskEither<StoreError, void>;
  /** Removes the schedule of a job and key (nothing when there is none). */
  readonly removeSchedule: (job: JobName, key: string) => TaskEither<StoreError, void>;
  /**
   * Whether a scheduled run queued at `queuedAt` is the occurrence to skip: true (and the mark cleared, atomically,
   * so exactly one run is skipped) when the schedule has a skip mark set at or before `queuedAt`.
   */
  readonly takeSkip: (job: JobName, key: string, queuedAt: Date) => TaskEither<StoreError, boolean>;
}
