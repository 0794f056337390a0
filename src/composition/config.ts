import * as E from 'fp-ts/lib/Either.js';
import { pipe } from 'fp-ts/lib/function.js';
import { resolve } from 'node:path';
import * as t from 'io-ts';
import { defaultImportEventsConfig, type ImportEventsConfig } from '../application/import-events.ts';
import { defaultImportConfig, exportTimePatternProblem, type ImportConfig } from '../application/import-inventory.ts';
import { defaultProcessUploadsConfig } from '../application/process-uploads.ts';
import { RESET_METHODS, type ResetMethod } from '../domain/index.ts';
import { SFTP_DEFAULT_PORT } from '../adapters/sftp/sftp-file-store.ts';
import { SHOPIFY_API_VERSION } from '../adapters/shopify/api-version.ts';
import {
  SHOPIFY_DEFAULT_BULK_BATCH,
  SHOPIFY_DEFAULT_BULK_READ_THRESHOLD,
  SHOPIFY_DEFAULT_BULK_SKU_THRESHOLD,
  SHOPIFY_DEFAULT_BULK_THRESHOLD,
  SHOPIFY_DEFAULT_BULK_WAIT_MS,
  SHOPIFY_DEFAULT_THROTTLE_WAIT_MS,
  SHOPIFY_DEFAULT_TIMEOUT_MS,
  SHOPIFY_MAX_QUANTITIES_PER_CALL,
} from '../adapters/shopify/shopify-inventory.ts';
import { JOB_NAMES, type JobName } from '../application/run-log.ts';
import { cronEntryProblem, normalizeCron, timezoneProblem } from './cron.ts';

// Every default of a setting is defined once, where the setting is used, and taken from there: the import's in
// defaultImportConfig, Process uploads' in defaultProcessUploadsConfig, Shopify's limits and version in its adapter,
// the worker's in WORKER_DEFAULTS below.
const IMPORT_DEFAULTS = defaultImportConfig('', '');
const IMPORT_EVENTS_DEFAULTS = defaultImportEventsConfig('', '');
const PROCESS_UPLOADS_DEFAULTS = defaultProcessUploadsConfig('');

// The longest line a job reads (bytes): 1 KiB to 16 MiB.
const LineBytes = t.refinement(
  t.number,
  (n) => Number.isSafeInteger(n) && n >= 1_024 && n <= 16 * 1024 * 1024,
  'LineBytesFrom1KiBTo16MiB',
);

const ResetMethodCodec = t.keyof(
  Object.fromEntries(RESET_METHODS.map((m) => [m, null])) as Record<ResetMethod, null>,
  'ResetMethod',
);

const PositiveInt = t.refinement(t.number, (n) => Number.isSafeInteger(n) && n > 0, 'PositiveInteger');
const Share = t.refinement(t.number, (n) => n >= 0 && n <= 1, 'ShareBetween0And1');
const NonEmpty = t.refinement(t.string, (s) => s.length > 0, 'NonEmptyString');
const isHttpUrl = (s: string): boolean => {
  try {
    const u = new URL(s);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
};
const HttpUrl = t.refinement(t.string, isHttpUrl, 'HttpUrl');

// Where files arrive or wait: a local folder or an SFTP server (the NetSuite inbox, the event feeds' inbox, the outbox).
const InboxCodec = t.union([
  t.exact(t.type({ local: t.exact(t.type({ root: NonEmpty })) })),
  t.exact(
    t.type({
      sftp: t.exact(
        t.intersection([
          t.type({
            host: NonEmpty,
            username: NonEmpty,
            remoteRoot: NonEmpty,
            hostKeySha256: t.refinement(t.string, (s) => /^SHA256:[A-Za-z0-9+/]{43}$/.test(s), 'HostKeyFingerprint'),
          }),
          t.partial({ port: PositiveInt, privateKeyFile: NonEmpty, tempDir: NonEmpty }),
        ]),
      ),
    }),
  ),
]);

/** The file of settings; secrets never go here (they come from the environment). Every key is optional. */
export const ConfigFile = t.exact(
  t.partial({
    inventoryStore: t.union([
      t.exact(t.type({ sqlite: t.exact(t.type({ file: NonEmpty })) })),
      t.exact(t.type({ postgres: t.exact(t.partial({ createDatabase: t.boolean })) })),
    ]),
    inbox: InboxCodec,
    outbox: t.union([InboxCodec, t.exact(t.type({ store: t.exact(t.partial({ tempDir: NonEmpty })) }))]),
    shopify: t.exact(
      t.intersection([
        t.type({
          shop: t.refinement(t.string, (s) => /^[a-z0-9][a-z0-9-]*\.myshopify\.com$/.test(s), 'MyshopifyDomain'),
        }),
        t.partial({
          apiVersion: t.refinement(t.string, (s) => /^\d{4}-(01|04|07|10)$|^unstable$/.test(s), 'ApiVersion'),
          adminUrl: t.refinement(t.string, (s) => /^https?:\/\/[^\s/]+\/?$/.test(s), 'Origin'),
          batchSize: t.refinement(
            t.number,
            (n) => Number.isSafeInteger(n) && n >= 1 && n <= SHOPIFY_MAX_QUANTITIES_PER_CALL,
            `BatchSizeUpTo${SHOPIFY_MAX_QUANTITIES_PER_CALL}`,
          ),
          reason: NonEmpty,
          staleRounds: PositiveInt,
          timeoutMs: PositiveInt,
          throttleWaitMs: PositiveInt,
          bulkWaitMs: PositiveInt,
          bulkThreshold: PositiveInt,
          bulkBatch: PositiveInt,
          bulkReadThreshold: PositiveInt,
          bulkSkuThreshold: PositiveInt,
          maxInFlight: t.union([PositiveInt, t.literal('auto')]),
        }),
      ]),
    ),
    import: t.exact(
      t.partial({
        method: ResetMethodCodec,
        columns: t.exact(
          t.partial({ item: NonEmpty, location: NonEmpty, quantity: NonEmpty, itemInternalId: NonEmpty }),
        ),
        maxBytes: PositiveInt,
        maxLineBytes: LineBytes,
        maxRejectedShare: Share,
        settleMs: t.refinement(t.number, (n) => Number.isSafeInteger(n) && n >= 0, 'NonNegativeInteger'),
        // A regular expression with the named groups year, month, day, hour, minute (and second).
        exportTimePattern: t.refinement(t.string, (s) => exportTimePatternProblem(s) === null, 'ExportTimePattern'),
        lockLeaseMs: PositiveInt,
      }),
    ),
    importEvents: t.exact(
      t.partial({
        inbox: InboxCodec,
        batchSize: t.refinement(
          t.number,
          (n) => Number.isSafeInteger(n) && n >= 1 && n <= 10_000,
          'BatchSizeUpTo10000',
        ),
        maxLineBytes: LineBytes,
        settleMs: t.refinement(t.number, (n) => Number.isSafeInteger(n) && n >= 0, 'NonNegativeInteger'),
        lockLeaseMs: PositiveInt,
      }),
    ),
    // Checked by workerSettings below, which names a bad schedule by its index.
    worker: t.unknown,
    notifications: t.exact(
      t.partial({
        // A webhook whose URL holds no secret; a Slack URL does (its path is the token): give it in
        // NOTIFY_WEBHOOK_URL instead.
        webhookUrl: HttpUrl,
        consoleUrl: HttpUrl,
        timeoutMs: PositiveInt,
      }),
    ),
  }),
  'ConfigFile',
);
export type ConfigFile = t.TypeOf<typeof ConfigFile>;

/** Where the inventory store lives. */
export type StoreConfig =
  | { readonly kind: 'sqlite'; readonly file: string }
  | {
      readonly kind: 'postgres';
      readonly url: string;
      /** Create the database when it does not exist; otherwise (the default) a missing one is a configuration error. */
      readonly createDatabase?: boolean;
    };

/** Where files arrive (the NetSuite exports, the event feeds). Secrets are read from the environment, never from the file. */
export type InboxConfig =
  | { readonly kind: 'local'; readonly root: string }
  | {
      readonly kind: 'sftp';
      readonly host: string;
      readonly port: number;
      readonly username: string;
      readonly remoteRoot: string;
      readonly hostKeySha256: string;
      readonly privateKey?: { readonly file: string } | { readonly pem: string };
      readonly password?: string;
      readonly passphrase?: string;
      readonly tempDir?: string;
    };

/** Where the feeds wait: a folder like an inbox, or the inventory store (`tempDir`: where fetched copies go). */
export type OutboxConfig = InboxConfig | { readonly kind: 'store'; readonly tempDir?: string };

/** The Shopify shop the push jobs write to; the access token comes from SHOPIFY_ACCESS_TOKEN, never from the file. */
export interface ShopifyConfig {
  readonly shop: string;
  readonly accessToken: string;
  /** Pinned: the version this release is tested against unless configured. */
  readonly apiVersion: string;
  /** Another origin for the Admin API (the test kit's local server); absent: https://{shop}. */
  readonly adminUrl?: string;
  readonly batchSize: number;
  readonly reason: string;
  readonly staleRounds: number;
  /** A request that has not answered after this long is abandoned and retried. */
  readonly timeoutMs: number;
  /** How long one request may wait on throttling in all before the run fails with ShopifyThrottled. */
  readonly throttleWaitMs: number;
  /** How long a bulk operation may wait for a free place (LIMIT_REACHED, a bulk query running) before the run fails. */
  readonly bulkWaitMs: number;
  /** From this many quantities on, a set request goes through a bulk mutation instead of calls. */
  readonly bulkThreshold: number;
  /** The most quantities of one bulk window (a large feed takes several). */
  readonly bulkBatch: number;
  /** From this many items on, a re-read of Shopify's levels (after a race or a crash) is one bulk query. */
  readonly bulkReadThreshold: number;
  /** From this many SKUs on, map-products looks the SKUs up by one bulk query of the shop's variants. */
  readonly bulkSkuThreshold: number;
  /** Calls in flight at once: `auto` (by the bucket's restore rate: one on Standard) or a number. */
  readonly maxInFlight: number | 'auto';
}

/** The validated configuration of the jobs. */
export interface Config {
  readonly inventoryStore: StoreConfig;
  readonly inbox: InboxConfig;
  /**
   * Where feed files wait for Process uploads: the inventory store's database (`store`, the default with the
   * PostgreSQL store: every worker on the store reaches it), a local folder (one machine; the default with SQLite), or
   * an SFTP server any worker reaches (its credential is the inbox's, from the environment; needed by the Shopify jobs).
   */
  readonly outbox: OutboxConfig;
  /** Absent when the file has no `shopify` section: the Shopify jobs then refuse to start. */
  readonly shopify?: ShopifyConfig;
  /** The import's settings (defaultImportConfig's defaults where the file has none); the run names its run and owner. */
  readonly import: Omit<ImportConfig, 'runId' | 'owner'>;
  /**
   * The event feed import's inbox (never the NetSuite inbox: each job reads its own) and settings
   * (defaultImportEventsConfig's defaults where the file has none).
   */
  readonly importEvents: {
    /** True when the file has an `importEvents` section: the worker's inbox watch then lists its inbox too. */
    readonly configured?: boolean;
    readonly inbox: InboxConfig;
    readonly settings: Omit<ImportEventsConfig, 'runId' | 'owner'>;
  };
  /** How the `worker` command runs the jobs; loadConfig always fills it in (the defaults without a `worker` section). */
  readonly worker?: WorkerConfig;
  /** Where failed runs and runs that need a person are announced; absent: nowhere. */
  readonly notifications?: NotificationsConfig;
}

/**
 * The webhook called (Slack-compatible JSON `{"text": ...}`) when a run fails or needs a person. The URL comes from
 * NOTIFY_WEBHOOK_URL (which wins) or the file's `notifications.webhookUrl`; it is treated as a secret either way.
 */
export interface NotificationsConfig {
  /** Null: no webhook (the console link base may still be set). */
  readonly webhookUrl: string | null;
  /** The console's base URL, for the run's link in a message (`<consoleUrl>/runs/<runId>`); null: no link. */
  readonly consoleUrl: string | null;
  /** How long the webhook may take before it is given up (logged, never failing the run). */
  readonly timeoutMs: number;
}

/** How long a webhook call may take by default. */
export const NOTIFY_TIMEOUT_MS = 5_000;

/** A job the worker runs on a cron schedule, with the job's parameters (`facilityGroupId`, `sample`). */
export interface WorkerSchedule {
  readonly job: JobName;
  readonly cron: string;
  readonly parameters: Readonly<Record<string, string>>;
}

/** The worker's schedules and how it retries, expires and stops runs (see WORKER_DEFAULTS for why the defaults). */
export interface WorkerConfig {
  readonly schedules: ReadonlyArray<WorkerSchedule>;
  /** IANA zone the cron expressions are read in. */
  readonly timezone: string;
  /** Retries of a run that failed retriably (0: none); a non-retriable failure is never retried. */
  readonly retryLimit: number;
  /** First retry delay; doubled (with jitter) for each further retry, up to retryDelayMaxSeconds. */
  readonly retryDelaySeconds: number;
  readonly retryDelayMaxSeconds: number;
  /** The longest a run may take: past it the attempt is failed and retried. */
  readonly expireInSeconds: number;
  /** A run whose worker stopped sending heartbeats for this long is taken over by another worker. */
  readonly heartbeatSeconds: number;
  /** How long a stopping worker waits for its running jobs before releasing them to the other workers. */
  readonly stopTimeoutSeconds: number;
  /**
   * The inbox watch: every this many seconds the worker lists the NetSuite inbox (and the event feeds inbox) and
   * queues the import when a file waits there, so an export is imported in seconds, not at the next schedule. 0: off.
   */
  readonly inboxPollSeconds: number;
}

/** A configuration that cannot be used, with every bad key named. */
export interface ConfigError {
  readonly _tag: 'ConfigInvalid';
  readonly problems: ReadonlyArray<string>;
}

/** The folder the embedded defaults keep their data in, relative to the working directory. */
export const DEFAULT_DATA_DIR = '.oms-inventory-sync';

// Every key the settings file may have: a misspelt key is an error, not a setting silently ignored.
type KeyTree = { readonly [key: string]: KeyTree | null };
const INBOX_KEYS: KeyTree = {
  local: { root: null },
  sftp: {
    host: null,
    port: null,
    username: null,
    remoteRoot: null,
    hostKeySha256: null,
    privateKeyFile: null,
    tempDir: null,
  },
};
const KNOWN_KEYS: KeyTree = {
  inventoryStore: { sqlite: { file: null }, postgres: { createDatabase: null } },
  outbox: { ...INBOX_KEYS, store: { tempDir: null } },
  shopify: {
    shop: null,
    apiVersion: null,
    adminUrl: null,
    batchSize: null,
    reason: null,
    staleRounds: null,
    timeoutMs: null,
    throttleWaitMs: null,
    bulkWaitMs: null,
    bulkThreshold: null,
    bulkBatch: null,
    bulkReadThreshold: null,
    bulkSkuThreshold: null,
    maxInFlight: null,
  },
  inbox: INBOX_KEYS,
  import: {
    method: null,
    columns: { item: null, location: null, quantity: null, itemInternalId: null },
    maxBytes: null,
    maxLineBytes: null,
    maxRejectedShare: null,
    settleMs: null,
    exportTimePattern: null,
    lockLeaseMs: null,
  },
  importEvents: {
    inbox: INBOX_KEYS,
    batchSize: null,
    maxLineBytes: null,
    settleMs: null,
    lockLeaseMs: null,
  },
  // Its keys (and each schedule's) are checked by workerSettings.
  worker: null,
  notifications: { webhookUrl: null, consoleUrl: null, timeoutMs: null },
};

const unknownKeys = (value: unknown, known: KeyTree, path: string): ReadonlyArray<string> => {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [];
  return Object.entries(value).flatMap(([key, inner]) => {
    const at = path === '' ? key : `${path}.${key}`;
    if (!Object.hasOwn(known, key))
      return [`${at}: unknown key (known here: ${Object.keys(known).join(', ') || 'none'})`];
    const below = known[key];
    return below === null || below === undefined ? [] : unknownKeys(inner, below, at);
  });
};

const describe = (errors: t.Errors): ReadonlyArray<string> =>
  Array.from(
    new Set(
      errors.map((e) => {
        const path = e.context
          .map((c) => c.key)
          .filter((k) => k !== '' && !/^\d+$/.test(k))
          .join('.');
        const expected = e.context[e.context.length - 1]?.type.name ?? 'a valid value';
        return `${path || '(root)'}: expected ${expected}, got ${JSON.stringify(e.value)}`;
      }),
    ),
  );

/** The schema of the database in which pg-boss keeps the worker's queues, jobs and schedules. */
export const WORKER_BOSS_SCHEMA = 'oms_inventory_sync_boss';

/**
 * The worker's defaults. Retries: 5, from 30 s doubling (with jitter) to at most 15 min, so a failure that may pass
 * (Shopify or the SFTP server away, a lease held) is tried again over roughly half an hour. Expiry: an hour, the
 * longest a run may take (raise it for a slow Hard Sync; at most 24 h). Heartbeat: 60 s, so the run of a killed
 * worker is taken over by another within about two minutes. Stop: 25 s, inside the 30 s a container gets between
 * SIGTERM and SIGKILL. Inbox watch: every 15 s, one listing of each inbox a worker (a directory read, or one
 * request on a kept SFTP connection), so an export waits at most about 15 s plus the import's settle time.
 */
export const WORKER_DEFAULTS = {
  timezone: 'UTC',
  retryLimit: 5,
  retryDelaySeconds: 30,
  retryDelayMaxSeconds: 900,
  expireInSeconds: 3600,
  heartbeatSeconds: 60,
  stopTimeoutSeconds: 25,
  inboxPollSeconds: 15,
} as const;

/** The default schedules: the import nightly at 02:00; with a facility group, also a Hard Sync daily at 03:00 and a delta push every 15 minutes. */
export const defaultSchedules = (facilityGroupId?: string): ReadonlyArray<WorkerSchedule> => [
  { job: 'import', cron: '0 2 * * *', parameters: {} },
  ...(facilityGroupId === undefined
    ? []
    : [
        { job: 'hard-sync' as const, cron: '0 3 * * *', parameters: { facilityGroupId } },
        { job: 'push-changes' as const, cron: '*/15 * * * *', parameters: { facilityGroupId } },
      ]),
];

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const SHOPIFY_JOBS: ReadonlyArray<JobName> = ['hard-sync', 'push-changes', 'process-uploads', 'map-products', 'verify'];
const GROUP_JOBS: ReadonlyArray<JobName> = ['hard-sync', 'push-changes', 'verify'];
// pg-boss keys schedules by name and key and accepts these characters only.
const SCHEDULE_KEY = /^[\w.\-/]+$/;
const WORKER_KEYS = [
  'schedules',
  'facilityGroupId',
  'timezone',
  'retryLimit',
  'retryDelaySeconds',
  'retryDelayMaxSeconds',
  'expireInSeconds',
  'heartbeatSeconds',
  'stopTimeoutSeconds',
  'inboxPollSeconds',
];
const SCHEDULE_KEYS = ['job', 'cron', 'facilityGroupId', 'sample'];

/**
 * The `worker` section checked and completed with WORKER_DEFAULTS, every problem naming its key (a schedule by its
 * index: `worker.schedules[1].cron`). A section needs the PostgreSQL store, and schedules of Shopify jobs the
 * `shopify` section. Without a section: the defaults, whatever the store (the `worker` command checks it then).
 */
export const workerSettings = (
  section: unknown,
  store: StoreConfig,
  hasShopify: boolean,
): { readonly problems: ReadonlyArray<string>; readonly worker: WorkerConfig } => {
  const problems: string[] = [];
  const given = section === undefined ? {} : section;
  if (!isRecord(given))
    return {
      problems: [`worker: expected an object, got ${JSON.stringify(section)}`],
      worker: { ...WORKER_DEFAULTS, schedules: defaultSchedules() },
    };
  if (section !== undefined && store.kind !== 'postgres')
    problems.push(
      `worker: the worker needs the PostgreSQL store (inventoryStore: { "postgres": {} } and DATABASE_URL): pg-boss keeps its queues there, in the schema ${WORKER_BOSS_SCHEMA}`,
    );
  for (const key of Object.keys(given))
    if (!WORKER_KEYS.includes(key)) problems.push(`worker.${key}: unknown key (known here: ${WORKER_KEYS.join(', ')})`);
  const whole = (key: string, min: number, max: number, fallback: number): number => {
    const v = given[key];
    if (v === undefined) return fallback;
    if (typeof v === 'number' && Number.isSafeInteger(v) && v >= min && v <= max) return v;
    problems.push(`worker.${key}: expected a whole number from ${min} to ${max}, got ${JSON.stringify(v)}`);
    return fallback;
  };
  const retryLimit = whole('retryLimit', 0, 1_000, WORKER_DEFAULTS.retryLimit);
  const retryDelaySeconds = whole('retryDelaySeconds', 0, 86_400, WORKER_DEFAULTS.retryDelaySeconds);
  const retryDelayMaxSeconds = whole(
    'retryDelayMaxSeconds',
    1,
    86_400,
    Math.max(WORKER_DEFAULTS.retryDelayMaxSeconds, retryDelaySeconds),
  );
  if (retryDelayMaxSeconds < retryDelaySeconds)
    problems.push(
      `worker.retryDelayMaxSeconds: ${retryDelayMaxSeconds} is below worker.retryDelaySeconds (${retryDelaySeconds})`,
    );
  const expireInSeconds = whole('expireInSeconds', 1, 86_400, WORKER_DEFAULTS.expireInSeconds);
  const heartbeatSeconds = whole(
    'heartbeatSeconds',
    10,
    86_400,
    Math.min(WORKER_DEFAULTS.heartbeatSeconds, Math.max(10, expireInSeconds)),
  );
  if (heartbeatSeconds > expireInSeconds)
    problems.push(
      `worker.heartbeatSeconds: ${heartbeatSeconds} is above worker.expireInSeconds (${expireInSeconds}); a run's lease lasts half the heartbeat and must end before the run expires`,
    );
  const stopTimeoutSeconds = whole('stopTimeoutSeconds', 1, 3_600, WORKER_DEFAULTS.stopTimeoutSeconds);
  let inboxPollSeconds: number = WORKER_DEFAULTS.inboxPollSeconds;
  if (given.inboxPollSeconds !== undefined) {
    const v = given.inboxPollSeconds;
    if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 && v <= 3_600) inboxPollSeconds = v;
    else
      problems.push(
        `worker.inboxPollSeconds: expected a whole number of seconds from 1 to 3600, or 0 (no inbox watch), got ${JSON.stringify(v)}`,
      );
  }
  let timezone: string = WORKER_DEFAULTS.timezone;
  if (given.timezone !== undefined) {
    if (typeof given.timezone === 'string' && timezoneProblem(given.timezone) === null) timezone = given.timezone;
    else
      problems.push(
        `worker.timezone: expected an IANA time zone such as 'UTC' or 'America/New_York', got ${JSON.stringify(given.timezone)}`,
      );
  }
  const group = given.facilityGroupId;
  if (group !== undefined && (typeof group !== 'string' || !SCHEDULE_KEY.test(group)))
    problems.push(
      `worker.facilityGroupId: expected a facility group id (letters, digits, _ . - /), got ${JSON.stringify(group)}`,
    );
  if (group !== undefined && given.schedules !== undefined)
    problems.push(
      'worker.facilityGroupId: only for the default schedules; with worker.schedules give each schedule its own facilityGroupId',
    );
  if (typeof group === 'string' && given.schedules === undefined && !hasShopify)
    problems.push('worker.facilityGroupId: the default Hard Sync and delta push need the shopify section');
  let schedules = defaultSchedules(typeof group === 'string' ? group : undefined);
  if (given.schedules !== undefined) {
    if (!Array.isArray(given.schedules)) {
      problems.push(
        `worker.schedules: expected a list of { job, cron, facilityGroupId? }, got ${JSON.stringify(given.schedules)}`,
      );
    } else {
      const seen = new Map<string, number>();
      schedules = given.schedules.flatMap((entry: unknown, i): WorkerSchedule[] => {
        const at = `worker.schedules[${i}]`;
        if (!isRecord(entry)) {
          problems.push(`${at}: expected an object { job, cron, facilityGroupId? }, got ${JSON.stringify(entry)}`);
          return [];
        }
        const before = problems.length;
        for (const key of Object.keys(entry))
          if (!SCHEDULE_KEYS.includes(key))
            problems.push(`${at}.${key}: unknown key (known here: ${SCHEDULE_KEYS.join(', ')})`);
        const job = entry.job;
        const known = typeof job === 'string' && (JOB_NAMES as ReadonlyArray<string>).includes(job);
        if (!known) problems.push(`${at}.job: unknown job ${JSON.stringify(job)} (jobs: ${JOB_NAMES.join(', ')})`);
        if (known && SHOPIFY_JOBS.includes(job as JobName) && !hasShopify)
          problems.push(`${at}.job: ${job} needs the shopify section`);
        const cron = entry.cron;
        const cronRefused = cronEntryProblem(at, cron, timezone);
        if (cronRefused !== null) problems.push(cronRefused);
        const parameters: Record<string, string> = {};
        const needsGroup = known && GROUP_JOBS.includes(job as JobName);
        if (entry.facilityGroupId === undefined) {
          if (needsGroup) problems.push(`${at}.facilityGroupId: missing; ${job} needs a facility group`);
        } else if (known && !needsGroup) {
          problems.push(`${at}.facilityGroupId: ${job} takes no facility group`);
        } else if (typeof entry.facilityGroupId !== 'string' || !SCHEDULE_KEY.test(entry.facilityGroupId)) {
          problems.push(
            `${at}.facilityGroupId: expected a facility group id (letters, digits, _ . - /), got ${JSON.stringify(entry.facilityGroupId)}`,
          );
        } else parameters.facilityGroupId = entry.facilityGroupId;
        if (entry.sample !== undefined) {
          if (job !== 'verify') problems.push(`${at}.sample: only verify takes a sample`);
          else if (typeof entry.sample !== 'number' || !Number.isSafeInteger(entry.sample) || entry.sample < 1)
            problems.push(`${at}.sample: expected a whole number from 1, got ${JSON.stringify(entry.sample)}`);
          else parameters.sample = String(entry.sample);
        }
        if (problems.length > before) return [];
        // One schedule per job and facility group: pg-boss keys a schedule by both, so a second would replace the first.
        const key = `${String(job)} ${parameters.facilityGroupId ?? ''}`;
        const first = seen.get(key);
        if (first !== undefined) {
          problems.push(
            `${at}: a second schedule of ${String(job)}${parameters.facilityGroupId === undefined ? '' : ` for ${parameters.facilityGroupId}`} (the first is worker.schedules[${first}]); one schedule per job and facility group`,
          );
          return [];
        }
        seen.set(key, i);
        return [{ job: job as JobName, cron: normalizeCron(cron as string), parameters }];
      });
    }
  }
  return {
    problems,
    worker: {
      schedules,
      timezone,
      retryLimit,
      retryDelaySeconds,
      retryDelayMaxSeconds,
      expireInSeconds,
      heartbeatSeconds,
      stopTimeoutSeconds,
      inboxPollSeconds,
    },
  };
};

// One inbox of the file: a local folder, or an SFTP server whose credential comes from the environment.
const inboxOf = (
  section: t.TypeOf<typeof InboxCodec> | undefined,
  fallback: string,
  at: string,
  env: Readonly<Record<string, string | undefined>>,
  problems: string[],
): InboxConfig => {
  let inbox: InboxConfig = { kind: 'local', root: fallback };
  if (section !== undefined && 'local' in section) inbox = { kind: 'local', root: section.local.root };
  if (section !== undefined && 'sftp' in section) {
    const s = section.sftp;
    const keyFile = s.privateKeyFile ?? env.SFTP_PRIVATE_KEY_FILE;
    const privateKey =
      env.SFTP_PRIVATE_KEY !== undefined
        ? { pem: env.SFTP_PRIVATE_KEY }
        : keyFile !== undefined
          ? { file: keyFile }
          : undefined;
    if (privateKey === undefined && env.SFTP_PASSWORD === undefined)
      problems.push(
        `${at}.sftp: no credential: set SFTP_PRIVATE_KEY, SFTP_PRIVATE_KEY_FILE (or privateKeyFile) or SFTP_PASSWORD`,
      );
    inbox = {
      kind: 'sftp',
      host: s.host,
      port: s.port ?? SFTP_DEFAULT_PORT,
      username: s.username,
      remoteRoot: s.remoteRoot.replaceAll('{sftp.user}', s.username),
      hostKeySha256: s.hostKeySha256,
      ...(privateKey === undefined ? {} : { privateKey }),
      ...(env.SFTP_PASSWORD === undefined ? {} : { password: env.SFTP_PASSWORD }),
      ...(env.SFTP_PASSPHRASE === undefined ? {} : { passphrase: env.SFTP_PASSPHRASE }),
      ...(s.tempDir === undefined ? {} : { tempDir: s.tempDir }),
    };
  }
  return inbox;
};

// Whether two inboxes are one folder (the same local path, or the same folder of the same SFTP server).
const sameFolder = (a: InboxConfig, b: InboxConfig): boolean =>
  a.kind === 'local' && b.kind === 'local'
    ? resolve(a.root) === resolve(b.root)
    : a.kind === 'sftp' &&
      b.kind === 'sftp' &&
      a.host === b.host &&
      a.port === b.port &&
      a.remoteRoot.replace(/\/+$/, '') === b.remoteRoot.replace(/\/+$/, '');

/** Whether `url` reads as a PostgreSQL connection URL (postgres:// or postgresql://). */
const postgresUrl = (url: string): boolean => {
  try {
    const u = new URL(url);
    return u.protocol === 'postgres:' || u.protocol === 'postgresql:';
  } catch {
    return false;
  }
};

/** The parts of the configuration whose secrets a command may need: each command asks only for its own. */
export type ConfigSection = 'store' | 'inbox' | 'importEvents' | 'shopify';
export const CONFIG_SECTIONS: ReadonlyArray<ConfigSection> = ['store', 'inbox', 'importEvents', 'shopify'];

/**
 * The configuration from a config file's parsed JSON (or undefined: none) and the environment:
 * DATABASE_URL (PostgreSQL, when the store is `postgres`), SFTP_PRIVATE_KEY or SFTP_PRIVATE_KEY_FILE, SFTP_PASSWORD,
 * SFTP_PASSPHRASE, SHOPIFY_ACCESS_TOKEN (an offline Admin API token, when there is a `shopify` section). Without a file, the embedded defaults: SQLite and a local inbox under `.oms-inventory-sync/`.
 * A missing secret is a problem only for the sections in `needs` (every section by default): a command that never
 * touches Shopify runs without SHOPIFY_ACCESS_TOKEN (its shopify settings then hold an empty token).
 */
export const loadConfig = (
  file: unknown,
  env: Readonly<Record<string, string | undefined>>,
  needs: ReadonlyArray<ConfigSection> = CONFIG_SECTIONS,
): E.Either<ConfigError, Config> =>
  pipe(
    ConfigFile.decode(file ?? {}),
    E.mapLeft(
      (errors): ConfigError => ({
        _tag: 'ConfigInvalid',
        problems: [...unknownKeys(file, KNOWN_KEYS, ''), ...describe(errors)],
      }),
    ),
    E.chain((c) => {
      const unknown = unknownKeys(file, KNOWN_KEYS, '');
      return unknown.length === 0
        ? E.right(c)
        : E.left<ConfigError, ConfigFile>({ _tag: 'ConfigInvalid', problems: unknown });
    }),
    E.chain((c) => {
      const problems: string[] = [];
      // Missing secrets, by the section that needs them; reported for the sections the command needs only.
      const secrets: Record<ConfigSection, string[]> = { store: [], inbox: [], importEvents: [], shopify: [] };
      const store: StoreConfig =
        c.inventoryStore !== undefined && 'postgres' in c.inventoryStore
          ? {
              kind: 'postgres',
              url: env.DATABASE_URL ?? '',
              createDatabase: c.inventoryStore.postgres.createDatabase ?? false,
            }
          : { kind: 'sqlite', file: c.inventoryStore?.sqlite.file ?? `${DEFAULT_DATA_DIR}/inventory.sqlite` };
      if (store.kind === 'postgres' && store.url === '')
        secrets.store.push('DATABASE_URL: the postgres store needs the database URL in the environment');
      else if (store.kind === 'postgres' && !postgresUrl(store.url))
        secrets.store.push(
          'DATABASE_URL: not a PostgreSQL URL (expected postgres://user@host:5432/database; its value is not shown)',
        );
      const inbox = inboxOf(c.inbox, `${DEFAULT_DATA_DIR}/inbox`, 'inbox', env, secrets.inbox);
      const e = c.importEvents ?? {};
      const eventsInbox = inboxOf(
        e.inbox,
        `${DEFAULT_DATA_DIR}/events-inbox`,
        'importEvents.inbox',
        env,
        secrets.importEvents,
      );
      if (sameFolder(inbox, eventsInbox))
        problems.push(
          'importEvents.inbox: the same folder as inbox (the NetSuite exports): the import would read the event feeds as exports; give the event feeds a folder of their own',
        );
      // The outbox's credential is the Shopify jobs' secret: only they write and read feeds.
      // The feeds are kept in the store by default with PostgreSQL (any worker reaches them), in a folder with SQLite.
      const outboxSection = c.outbox === undefined && store.kind === 'postgres' ? { store: {} } : c.outbox;
      const outbox: OutboxConfig =
        outboxSection !== undefined && 'store' in outboxSection
          ? {
              kind: 'store',
              ...(outboxSection.store.tempDir === undefined ? {} : { tempDir: outboxSection.store.tempDir }),
            }
          : inboxOf(outboxSection, `${DEFAULT_DATA_DIR}/outbox`, 'outbox', env, secrets.shopify);
      if (outbox.kind !== 'store' && sameFolder(outbox, inbox))
        problems.push(
          'outbox: the same folder as inbox (the NetSuite exports): the import would read the feeds as exports; give the feeds a folder of their own',
        );
      if (outbox.kind !== 'store' && sameFolder(outbox, eventsInbox))
        problems.push(
          'outbox: the same folder as importEvents.inbox: the event import would read the feeds as event feeds; give the feeds a folder of their own',
        );
      let shopify: ShopifyConfig | undefined;
      if (c.shopify !== undefined) {
        const token = env.SHOPIFY_ACCESS_TOKEN ?? '';
        if (token === '')
          secrets.shopify.push(
            'SHOPIFY_ACCESS_TOKEN: the shopify section needs an Admin API access token in the environment',
          );
        shopify = {
          shop: c.shopify.shop,
          accessToken: token,
          apiVersion: c.shopify.apiVersion ?? SHOPIFY_API_VERSION,
          ...(c.shopify.adminUrl === undefined ? {} : { adminUrl: c.shopify.adminUrl }),
          batchSize: c.shopify.batchSize ?? SHOPIFY_MAX_QUANTITIES_PER_CALL,
          reason: c.shopify.reason ?? PROCESS_UPLOADS_DEFAULTS.reason,
          staleRounds: c.shopify.staleRounds ?? PROCESS_UPLOADS_DEFAULTS.staleRounds,
          timeoutMs: c.shopify.timeoutMs ?? SHOPIFY_DEFAULT_TIMEOUT_MS,
          throttleWaitMs: c.shopify.throttleWaitMs ?? SHOPIFY_DEFAULT_THROTTLE_WAIT_MS,
          bulkWaitMs: c.shopify.bulkWaitMs ?? SHOPIFY_DEFAULT_BULK_WAIT_MS,
          bulkThreshold: c.shopify.bulkThreshold ?? SHOPIFY_DEFAULT_BULK_THRESHOLD,
          bulkBatch: c.shopify.bulkBatch ?? SHOPIFY_DEFAULT_BULK_BATCH,
          bulkReadThreshold: c.shopify.bulkReadThreshold ?? SHOPIFY_DEFAULT_BULK_READ_THRESHOLD,
          bulkSkuThreshold: c.shopify.bulkSkuThreshold ?? SHOPIFY_DEFAULT_BULK_SKU_THRESHOLD,
          maxInFlight: c.shopify.maxInFlight ?? 'auto',
        };
      }
      const i = c.import ?? {};
      const n = c.notifications ?? {};
      const webhookUrl = env.NOTIFY_WEBHOOK_URL ?? n.webhookUrl ?? null;
      if (webhookUrl !== null && !isHttpUrl(webhookUrl))
        problems.push('NOTIFY_WEBHOOK_URL: not an http(s) URL (its value is not shown)');
      const notifications: NotificationsConfig | undefined =
        webhookUrl === null && n.consoleUrl === undefined
          ? undefined
          : { webhookUrl, consoleUrl: n.consoleUrl ?? null, timeoutMs: n.timeoutMs ?? NOTIFY_TIMEOUT_MS };
      const worker = workerSettings(c.worker, store, shopify !== undefined);
      problems.push(...worker.problems);
      const config: Config = {
        inventoryStore: store,
        inbox,
        outbox,
        ...(shopify === undefined ? {} : { shopify }),
        import: {
          method: i.method ?? IMPORT_DEFAULTS.method,
          columns: { ...IMPORT_DEFAULTS.columns, ...i.columns },
          maxBytes: i.maxBytes ?? IMPORT_DEFAULTS.maxBytes,
          maxLineBytes: i.maxLineBytes ?? IMPORT_DEFAULTS.maxLineBytes,
          maxRejectedShare: i.maxRejectedShare ?? IMPORT_DEFAULTS.maxRejectedShare,
          settleMs: i.settleMs ?? IMPORT_DEFAULTS.settleMs,
          exportTimePattern: i.exportTimePattern ?? IMPORT_DEFAULTS.exportTimePattern,
          lockLeaseMs: i.lockLeaseMs ?? IMPORT_DEFAULTS.lockLeaseMs,
        },
        importEvents: {
          ...(c.importEvents === undefined ? {} : { configured: true }),
          inbox: eventsInbox,
          settings: {
            batchSize: e.batchSize ?? IMPORT_EVENTS_DEFAULTS.batchSize,
            maxLineBytes: e.maxLineBytes ?? IMPORT_EVENTS_DEFAULTS.maxLineBytes,
            settleMs: e.settleMs ?? IMPORT_EVENTS_DEFAULTS.settleMs,
            lockLeaseMs: e.lockLeaseMs ?? IMPORT_EVENTS_DEFAULTS.lockLeaseMs,
          },
        },
        worker: worker.worker,
        ...(notifications === undefined ? {} : { notifications }),
      };
      for (const section of needs) problems.push(...secrets[section]);
      return problems.length === 0 ? E.right(config) : E.left({ _tag: 'ConfigInvalid', problems });
    }),
  );
