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
  type ShopifyConfig,
  type StoreConfig,
} from './config.ts';
export {
  openImportJob,
  openInbox,
  openInventoryStore,
  openShopifyJobs,
  systemClock,
  type ImportJob,
  type OpenedStore,
  type ShopifyJobs,
  type StartupError,
} from './live.ts';
export {
  JOB_NAMES,
  newRunId,
  runJob,
  validateRequest,
  workerName,
  type JobError,
  type JobName,
  type JobOutcome,
  type JobReport,
  type JobRequest,
  type RunContext,
} from './jobs.ts';
