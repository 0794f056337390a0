/**
 * `oms-inventory-sync/composition`: the validated configuration and the composition root, for runners that want the
 * live adapters built from a settings object (as the `oms-inventory-sync` command does) rather than by hand.
 */
export {
  ConfigFile,
  DEFAULT_DATA_DIR,
  loadConfig,
  type Config,
  type ConfigError,
  type InboxConfig,
  type OutboxConfig,
  type ShopifyConfig,
  type StoreConfig,
} from './config.ts';
export {
  importEventsJobOn,
  importJobOn,
  openImportJob,
  openInbox,
  openInventoryStore,
  openShopifyJobs,
  shopifyJobsOn,
  systemClock,
  type EventsImportJob,
  type ImportJob,
  type OpenedStore,
  type ShopifyJobs,
  type StartupError,
} from './live.ts';
export {
  newRunId,
  openLiveStore,
  runJob,
  runJobOn,
  validateRequest,
  workerName,
  type JobError,
  type JobOutcome,
  type JobRequest,
  type LiveStore,
  type RunContext,
} from './jobs.ts';
export {
  formatJobReport,
  JOB_NAMES,
  JOBS,
  jobDefinition,
  jobNeedsAttention,
  type JobAdapters,
  type JobDefinition,
  type JobName,
  type JobReport,
  type JobReports,
  type JobRunContext,
  type LocalJobName,
} from './job-catalogue.ts';
export {
  jobControl,
  PRESET_NAMES,
  SCHEDULE_PRESETS,
  SLOW_JOBS,
  type JobCard,
  type JobControl,
  type JobControlDeps,
  type JobControlProblem,
  type JobSchedule,
  type PipelineFilter,
  type PipelinePage,
  type RunDetail,
  type RunStarted,
  type ScheduleInput,
  type ScheduleKey,
  type SchedulePreset,
} from './job-control.ts';
export type { JobQueue, QueuedRun, QueueError, QueueSchedule, RunOrigin } from './job-queue.ts';
export { notifyRunEnded, type Notify, type RunEnded } from './notifications.ts';
