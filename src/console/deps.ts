/**
 * What the console runs on, built once by the `console` command from the composition root: the configuration, the
 * store opened once for the process, the job control, a clock and the log (secrets redacted).
 */
import type { Config } from '../composition/config.ts';
import type { JobControl } from '../composition/job-control.ts';
import type { LiveStore } from '../composition/jobs.ts';
import type { Logger } from '../composition/log.ts';

/** The console's dependencies; pages use only these (never SQL or an adapter directly). */
export interface ConsoleDeps {
  readonly config: Config;
  /** The process's store, opened once (composition/jobs.ts). */
  readonly live: LiveStore;
  /** Schedules, Run now, the pipeline and the runs' reports (composition/job-control.ts). */
  readonly jobs: JobControl;
  readonly now: () => Date;
  readonly log: Logger;
}
