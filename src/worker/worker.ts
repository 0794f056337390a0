/**
 * The worker: runs the jobs on their schedules, and many workers on the same PostgreSQL share the work through
 * pg-boss (in its own schema, `oms_inventory_sync_boss`).
 *
 * - One queue a job, `oms-inventory-sync.<job>`. A job's runs carry the shop as their singleton key (the same
 *   `<job>:<shop>` the run's store lease in runJob is taken on), so pg-boss hands at most one run of a job per shop
 *   to all the workers together; the lease is the second guard. The jobs with a facility group (hard-sync,
 *   push-changes, verify) have the `singleton` policy: one run active, every queued run kept (the runs of two
 *   facility groups of one shop wait for each other instead of one being dropped). The others (import,
 *   import-events, process-uploads, map-products) are `stately`: one active and one queued, a further request is dropped, since
 *   the queued run will do its work anyway (process-uploads sent after every sync coalesces this way).
 * - A run that fails retriably (`JobError.retriable`, or the lease held elsewhere) is retried with exponential
 *   backoff (retryDelaySeconds doubling, with jitter, up to retryDelayMaxSeconds, retryLimit times). A
 *   non-retriable failure is failed terminally at once: the handler settles it as pg-boss's `deadletter`, which
 *   skips the remaining retries.
 * - A running job sends pg-boss heartbeats; when its worker dies they stop and after heartbeatSeconds another
 *   worker takes the run over. The store lease the run holds lasts half of that, so it has lapsed by then.
 *   expireInSeconds bounds a run that is alive but stuck.
 * - After a successful hard-sync or push-changes, process-uploads is queued. After an import that adjusted stock or
 *   an event feed import that applied an event, the delta push of every scheduled group is queued at once.
 * - The inbox watch (worker.inboxPollSeconds, src/worker/inbox-watch.ts) queues the import, or the event feed
 *   import, as soon as a file waits in its inbox: with the delta push after it, an export reaches Shopify in seconds.
 * - The schedules live in the database (pg-boss's schedule table, read by every worker's cron monitor, and the
 *   store's ScheduleBook for paused ones and skip-once marks): a worker starting only seeds the settings' schedules
 *   where the database has none (src/composition/job-queue.ts seedSchedules), so the console changes them for every
 *   worker without a restart. A scheduled occurrence marked skip once is recorded as skipped instead of run. Each
 *   run records what started it (a schedule, the console, this worker); a failure that pg-boss will retry is
 *   announced (notifications) only once its retries are spent.
 */
import { isLeft, type Either } from 'fp-ts/lib/Either.js';
import { PgBoss, type JobResult, type JobWithMetadata } from 'pg-boss';
import {
  defaultSchedules,
  WORKER_BOSS_SCHEMA,
  WORKER_DEFAULTS,
  type Config,
  type WorkerConfig,
  type WorkerSchedule,
} from '../composition/config.ts';
import {
  JOB_NAMES,
  newRunId,
  openLiveStore,
  runJobOn,
  validateRequest,
  workerName,
  type JobError,
  type JobName,
  type JobOutcome,
  type JobRequest,
  type RunContext,
} from '../composition/jobs.ts';
import { cronEntryProblem, timezoneProblem } from '../composition/cron.ts';
import { originOf, parametersOf, seedSchedules, type JobQueue } from '../composition/job-queue.ts';
import { configuredLogger, type Logger } from '../composition/log.ts';
import { notifyRunEnded } from '../composition/notifications.ts';
import { openInbox } from '../composition/live.ts';
import { startInboxWatch, watchedInboxes, type InboxWatch, type InboxWatchOptions } from './inbox-watch.ts';
import { bossOptions, bossQueue, ensureQueues, QUEUE_POLICY, queueName, singletonKeyOf } from './boss-queue.ts';

export { QUEUE_POLICY, queueName, singletonKeyOf };

/** Runs one job; runJob unless a test hands in another. */
export type RunJob = (
  config: Config,
  request: JobRequest,
  context: RunContext,
) => Promise<Either<JobError, JobOutcome>>;

/** Why the worker could not start or queue a job. */
export type WorkerError =
  | { readonly _tag: 'WorkerConfigInvalid'; readonly problems: ReadonlyArray<string> }
  | { readonly _tag: 'WorkerStartFailed'; readonly reason: string; readonly cause: unknown }
  | { readonly _tag: 'WorkerEnqueueFailed'; readonly job: JobName; readonly reason: string; readonly cause: unknown };

/** pg-boss's timings that tests shorten; production keeps the defaults. */
export interface WorkerTuning {
  /** How often an idle worker looks for a job (pg-boss default 2 s; at least 0.5). */
  readonly pollingIntervalSeconds?: number;
  /** How often expired and heartbeat-less runs are looked for (pg-boss default 60 s). */
  readonly superviseIntervalSeconds?: number;
  /**
   * How often the cron monitor looks for due schedules (pg-boss default 30 s, 1 to 45) and how often the queued
   * occurrences are forwarded to the job queues (default 5 s, 1 to 45): tests shorten both to see schedules fire.
   */
  readonly cronMonitorIntervalSeconds?: number;
  readonly cronWorkerIntervalSeconds?: number;
}

/** What startWorker needs: the configuration (PostgreSQL store), and optionally who it is and what it runs. */
export interface StartWorkerOptions {
  readonly config: Config;
  /** The lease owner and run log worker; workerName() by default. */
  readonly worker?: string;
  /**
   * The schedules that seed the database (added where it has none for their job and key); the configuration's
   * (config.worker) by default.
   */
  readonly schedules?: ReadonlyArray<WorkerSchedule>;
  readonly run?: RunJob;
  /** JSON lines on stderr by default; secrets are redacted either way. */
  readonly logger?: Logger;
  readonly tuning?: WorkerTuning;
  /** How the inbox watch opens an inbox: the composition's openInbox unless a test hands in another. */
  readonly openInbox?: InboxWatchOptions['open'];
}

/** A started worker. */
export interface Worker {
  readonly name: string;
  /** Queues a run of a job now, as a schedule would: its id, or null when the queue already holds one (stately). */
  readonly enqueue: (
    request: JobRequest,
  ) => Promise<Either<Extract<WorkerError, { _tag: 'WorkerEnqueueFailed' }>, string | null>>;
  /**
   * Stops taking jobs and waits up to stopTimeoutSeconds for the running ones; any still running then is failed
   * back to the queue (to be retried by another worker) and its lease lapses on its own. Safe to call twice.
   */
  readonly stop: () => Promise<void>;
}

/** The jobs after whose success process-uploads is queued. */
const FOLLOWED_BY_UPLOADS: ReadonlyArray<JobName> = ['hard-sync', 'push-changes'];

/**
 * The facility groups whose delta push is queued at once when a run changed stock (an import that adjusted
 * positions): every group the worker pushes on a schedule. A NetSuite snapshot then reaches Shopify in seconds, not
 * at the next 15-minute slot.
 */
export const pushedGroupsOf = (schedules: ReadonlyArray<WorkerSchedule>): ReadonlyArray<string> => [
  ...new Set(
    schedules.flatMap((s) =>
      s.job === 'push-changes' && (s.parameters.facilityGroupId ?? '') !== '' ? [s.parameters.facilityGroupId!] : [],
    ),
  ),
];

/** True when a finished run changed stock that the delta push must look at: an import adjusted, a feed applied. */
export const changedStock = (job: JobName, counts: Readonly<Record<string, number>>): boolean =>
  (job === 'import' && (counts.adjusted ?? 0) > 0) || (job === 'import-events' && (counts.applied ?? 0) > 0);

/** The store lease of a run: half the heartbeat window, so a dead worker's lease has lapsed when its run is taken over. */
export const leaseMsOf = (worker: WorkerConfig): number => worker.heartbeatSeconds * 500;

const left = <E>(e: E): Either<E, never> => ({ _tag: 'Left', left: e });
const right = <A>(a: A): Either<never, A> => ({ _tag: 'Right', right: a });
const message = (e: unknown): string =>
  e instanceof Error ? e.message : typeof e === 'string' ? e : JSON.stringify(e);

/**
 * Starts a worker: connects pg-boss, creates the queues, seeds the schedules from the settings where the database has
 * none (seedSchedules: the database is the truth, shared by every worker) and works every queue.
 */
export const startWorker = async (options: StartWorkerOptions): Promise<Either<WorkerError, Worker>> => {
  const { config } = options;
  if (config.inventoryStore.kind !== 'postgres')
    return left({
      _tag: 'WorkerConfigInvalid',
      problems: [
        `inventoryStore: the worker needs the PostgreSQL store (inventoryStore: { "postgres": {} } and DATABASE_URL); pg-boss keeps its queues there, in the schema ${WORKER_BOSS_SCHEMA}`,
      ],
    });
  const settings: WorkerConfig = config.worker ?? { ...WORKER_DEFAULTS, schedules: defaultSchedules() };
  const schedules = options.schedules ?? settings.schedules;
  // The configuration's own check (src/composition/cron.ts), for schedules handed in past it: nothing is registered
  // unless pg-boss takes every one.
  const zoneRefused = timezoneProblem(settings.timezone);
  const refused = [
    ...(zoneRefused === null ? [] : [`worker.timezone: ${zoneRefused}`]),
    ...schedules.flatMap((s, i) => cronEntryProblem(`schedules[${i}]`, s.cron, settings.timezone) ?? []),
  ];
  if (refused.length > 0) return left({ _tag: 'WorkerConfigInvalid', problems: refused });
  const name = options.worker ?? workerName();
  // The process's one store, opened (and migrated) once and shared by every run. It also keeps the schedules' own
  // state (ScheduleBook: paused schedules, skip-once marks), so it is opened even when a test hands in its runner.
  const live = await openLiveStore(config)();
  if (isLeft(live))
    return left(
      live.left.misconfigured === true
        ? { _tag: 'WorkerConfigInvalid', problems: [`${live.left.component}: ${live.left.reason}`] }
        : { _tag: 'WorkerStartFailed', reason: `${live.left.component}: ${live.left.reason}`, cause: live.left },
    );
  const liveStore = live.right;
  const book = liveStore.store;
  const log = configuredLogger(config, options.logger);
  const run: RunJob = options.run ?? ((_config, request, context) => runJobOn(liveStore, request, context));
  const closeStore = async (): Promise<void> => {
    await liveStore.close().catch(() => undefined);
  };
  const tuning = options.tuning ?? {};
  const boss = new PgBoss({
    ...bossOptions({ ...config, inventoryStore: config.inventoryStore }, `worker ${name}`),
    instanceName: name,
    ...(tuning.superviseIntervalSeconds === undefined
      ? {}
      : {
          superviseIntervalSeconds: tuning.superviseIntervalSeconds,
          monitorIntervalSeconds: tuning.superviseIntervalSeconds,
        }),
    ...(tuning.cronMonitorIntervalSeconds === undefined
      ? {}
      : { cronMonitorIntervalSeconds: tuning.cronMonitorIntervalSeconds }),
    ...(tuning.cronWorkerIntervalSeconds === undefined
      ? {}
      : { cronWorkerIntervalSeconds: tuning.cronWorkerIntervalSeconds }),
  });
  boss.on('error', (e) => log('error', 'pg-boss error', { worker: name, error: message(e) }));
  boss.on('warning', (w) => log('warn', `pg-boss: ${w.message}`, { worker: name }));

  // This worker's pg-boss worker of each queue: woken when a run is queued here, so it fetches the run at once
  // instead of at its next poll (up to pollingIntervalSeconds later).
  const localWorkers = new Map<JobName, string>();
  const queue: JobQueue = bossQueue(boss, config, (job) => {
    const local = localWorkers.get(job);
    if (local !== undefined) boss.notifyWorker(local);
  });
  const send = async (
    request: JobRequest,
  ): Promise<Either<Extract<WorkerError, { _tag: 'WorkerEnqueueFailed' }>, string | null>> => {
    const sent = await queue.send(request);
    return isLeft(sent)
      ? left({ _tag: 'WorkerEnqueueFailed', job: request.job, reason: sent.left.reason, cause: sent.left.cause })
      : sent;
  };
  // The groups whose delta push follows a stock change: those of the active push-changes schedules in the database
  // (what every worker fires), read when needed, so a schedule set in the console counts at once.
  const pushedGroups = async (): Promise<ReadonlyArray<string>> => {
    const active = await queue.schedules();
    return isLeft(active)
      ? pushedGroupsOf(schedules)
      : pushedGroupsOf(active.right.map((s) => ({ job: s.job, cron: s.cron, parameters: s.parameters })));
  };

  // The runs of each job this worker is running now (the inbox watch queues no second one behind them).
  const running = new Map<JobName, number>();
  const handle =
    (job: JobName) =>
    async (jobs: JobWithMetadata<unknown>[]): Promise<JobResult[]> =>
      Promise.all(
        jobs.map(async (j): Promise<JobResult> => {
          const attempt = j.retryCount + 1;
          const base = { job, worker: name, bossJobId: j.id, attempt };
          const parameters = parametersOf(j.data);
          const request = validateRequest(job, parameters);
          if (isLeft(request)) {
            log('error', 'job refused: bad parameters; not retried', {
              ...base,
              parameters,
              problems: request.left.problems,
            });
            return { id: j.id, status: 'deadletter', output: { error: request.left.problems.join('; ') } };
          }
          const runId = newRunId(job);
          const origin = originOf(j.data);
          // A schedule's occurrence marked to be skipped (skip once): recorded as skipped, not run. The mark is taken
          // in one statement, so of the occurrences two workers may hold, exactly one is skipped.
          if (origin?.trigger === 'schedule') {
            const skip = await book.takeSkip(job, origin.key, new Date(j.createdOn))();
            if (isLeft(skip))
              log('error', 'the skip-once mark could not be read; the run goes ahead', {
                ...base,
                runId,
                error: skip.left.reason,
              });
            else if (skip.right) {
              const at = new Date();
              await book.startRun({ runId, job, parameters, worker: name, startedAt: at, trigger: 'schedule' })();
              await book.finishRun(runId, {
                finishedAt: at,
                outcome: 'skipped',
                counts: {},
                error: 'skipped once, as asked: this scheduled occurrence did not run',
              })();
              log('info', 'scheduled run skipped once, as asked', { ...base, runId });
              return { id: j.id, status: 'completed', output: { runId, skipped: 'once' } };
            }
          }
          // pg-boss aborts the signal when the run's claim is gone (expired, heartbeat lost, worker stopping), and
          // also once a handler has returned: only the first case is news.
          let held = true;
          const lost = () => {
            if (held)
              log(
                'warn',
                'run no longer held by this worker (expired, or the worker is stopping); it goes on until it ends',
                { ...base, runId },
              );
          };
          j.signal.addEventListener('abort', lost, { once: true });
          log('info', 'job started', { ...base, runId, parameters });
          const started = Date.now();
          running.set(job, (running.get(job) ?? 0) + 1);
          const result = await run(config, request.right, {
            worker: name,
            runId,
            leaseMs: leaseMsOf(settings),
            trigger: origin?.trigger ?? 'worker',
            log,
            // A failure pg-boss will retry is announced once the retries are spent (or it is not retriable).
            notify: (c, event, l) =>
              event.outcome === 'failed' && event.retriable && j.retryCount < j.retryLimit
                ? Promise.resolve()
                : notifyRunEnded(c, event, l),
          })
            .catch(
              (e: unknown): Either<JobError, JobOutcome> =>
                left({ _tag: 'JobFailed', job, runId, reason: message(e), retriable: true, error: e }),
            )
            .finally(() => running.set(job, (running.get(job) ?? 1) - 1));
          held = false;
          j.signal.removeEventListener('abort', lost);
          const ms = Date.now() - started;
          const retriesLeft = j.retryCount < j.retryLimit;
          if (isLeft(result)) {
            const e = result.left;
            const reason = e._tag === 'JobParametersInvalid' ? e.problems.join('; ') : e.reason;
            if (!e.retriable) {
              log('error', 'job failed; not retriable, not retried', { ...base, runId, ms, error: reason });
              return { id: j.id, status: 'deadletter', output: { runId, error: reason, retriable: false } };
            }
            log(
              retriesLeft ? 'warn' : 'error',
              retriesLeft ? 'job failed; retried later' : 'job failed; no retries left',
              { ...base, runId, ms, error: reason },
            );
            return { id: j.id, status: 'failed', output: { runId, error: reason, retriable: true } };
          }
          const outcome = result.right;
          if (outcome.status === 'skipped') {
            // Another process holds the job's lease for this shop (a CLI run, or a dead worker's lease not yet lapsed).
            log(
              retriesLeft ? 'warn' : 'error',
              retriesLeft
                ? 'job skipped: another worker holds its lease; retried later'
                : 'job skipped: another worker holds its lease; no retries left',
              { ...base, runId, ms },
            );
            return { id: j.id, status: 'failed', output: { runId, skipped: true } };
          }
          log('info', 'job finished', { ...base, runId: outcome.runId, ms, counts: outcome.counts });
          if (changedStock(job, outcome.counts))
            for (const facilityGroupId of await pushedGroups()) {
              const queued = await send({ job: 'push-changes', parameters: { facilityGroupId } });
              log(
                isLeft(queued) ? 'error' : 'info',
                isLeft(queued)
                  ? 'the delta push could not be queued after the stock changed; its schedule runs it'
                  : queued.right === null
                    ? 'delta push already queued'
                    : 'delta push queued: the stock changed',
                {
                  ...base,
                  runId: outcome.runId,
                  facilityGroupId,
                  ...(isLeft(queued) ? { error: queued.left.reason } : { queuedJobId: queued.right }),
                },
              );
            }
          if (FOLLOWED_BY_UPLOADS.includes(job)) {
            const queued = await send({ job: 'process-uploads', parameters: {} });
            if (isLeft(queued))
              log('error', 'process-uploads could not be queued; the next sync queues it again', {
                ...base,
                runId: outcome.runId,
                error: queued.left.reason,
              });
            else
              log('info', queued.right === null ? 'process-uploads already queued' : 'process-uploads queued', {
                ...base,
                runId: outcome.runId,
                queuedJobId: queued.right,
              });
          }
          return { id: j.id, status: 'completed', output: { runId: outcome.runId, counts: outcome.counts } };
        }),
      );

  try {
    await boss.start();
    await ensureQueues(boss, settings, log, name);
    const seeded = await seedSchedules(queue, book, schedules, settings.timezone, new Date(), log, name);
    if (isLeft(seeded)) throw seeded.left.cause ?? new Error(seeded.left.reason);
    for (const job of JOB_NAMES) {
      const id = await boss.work(
        queueName(job),
        {
          batchSize: 1,
          includeMetadata: true,
          perJobResults: true,
          ...(tuning.pollingIntervalSeconds === undefined
            ? {}
            : { pollingIntervalSeconds: tuning.pollingIntervalSeconds }),
        },
        handle(job),
      );
      localWorkers.set(job, id);
    }
  } catch (cause) {
    await boss.stop({ graceful: false }).catch(() => undefined);
    await closeStore();
    log('error', 'worker could not start', { worker: name, error: message(cause) });
    return left({ _tag: 'WorkerStartFailed', reason: message(cause), cause });
  }
  // The schedules in force: the database's (seeded from the settings), shared by every worker.
  const inForce = await queue.schedules();
  const active = isLeft(inForce)
    ? schedules
    : inForce.right.map((s) => ({ job: s.job, cron: s.cron, parameters: s.parameters }));
  const watched = settings.inboxPollSeconds === 0 ? [] : watchedInboxes(config, [...schedules, ...active]);
  const watch: InboxWatch | undefined =
    watched.length === 0
      ? undefined
      : startInboxWatch({
          inboxes: watched,
          periodMs: settings.inboxPollSeconds * 1000,
          open: options.openInbox ?? openInbox,
          pending: async (job) =>
            (running.get(job) ?? 0) > 0 || (await boss.findJobs(queueName(job), { queued: true, limit: 1 })).length > 0,
          queue: async (job) => {
            const queued = await send({ job, parameters: {} });
            return isLeft(queued) ? left({ reason: queued.left.reason }) : queued;
          },
          log,
          worker: name,
        });
  log('info', 'worker started', {
    worker: name,
    schedules: active.map((s) => ({ job: s.job, cron: s.cron, ...s.parameters })),
    timezone: settings.timezone,
    inboxPollSeconds: settings.inboxPollSeconds,
    inboxWatch: watched.map((w) => w.job),
  });

  let stopping: Promise<void> | undefined;
  return right({
    name,
    enqueue: send,
    stop: () => {
      stopping ??= (async () => {
        log('info', 'worker stopping: waiting for running jobs', {
          worker: name,
          timeoutSeconds: settings.stopTimeoutSeconds,
        });
        await watch?.stop();
        await boss
          .stop({ graceful: true, timeout: settings.stopTimeoutSeconds * 1000 })
          .catch((e: unknown) => log('error', 'pg-boss did not stop cleanly', { worker: name, error: message(e) }));
        await closeStore();
        log('info', 'worker stopped', { worker: name });
      })();
      return stopping;
    },
  });
};

/** How the worker command ended. */
export interface WorkerStopped {
  readonly signal: 'SIGTERM' | 'SIGINT';
}

/**
 * The CLI's `worker` command: starts a worker on the configuration (its `worker` section; the PostgreSQL store),
 * named by OMS_WORKER_ID or host:pid, and stops it gracefully on SIGTERM or SIGINT. Resolves once stopped.
 */
export const workerCommand = async (
  config: Config,
  env: Readonly<Record<string, string | undefined>> = process.env,
  io: {
    readonly signals?: NodeJS.EventEmitter;
    readonly logger?: Logger;
    readonly run?: RunJob;
    readonly tuning?: WorkerTuning;
  } = {},
): Promise<Either<WorkerError, WorkerStopped>> => {
  const signals = io.signals ?? process;
  // Listening before the worker starts: a signal that lands while it starts stops it as soon as it has started.
  let unlisten = (): void => undefined;
  const stopSignal = new Promise<WorkerStopped['signal']>((resolve) => {
    const on = (s: WorkerStopped['signal']) => () => {
      unlisten();
      resolve(s);
    };
    const onTerm = on('SIGTERM');
    const onInt = on('SIGINT');
    unlisten = () => {
      signals.off('SIGTERM', onTerm);
      signals.off('SIGINT', onInt);
    };
    signals.on('SIGTERM', onTerm);
    signals.on('SIGINT', onInt);
  });
  const started = await startWorker({
    config,
    worker: workerName(env),
    ...(io.logger === undefined ? {} : { logger: io.logger }),
    ...(io.run === undefined ? {} : { run: io.run }),
    ...(io.tuning === undefined ? {} : { tuning: io.tuning }),
  });
  if (isLeft(started)) {
    unlisten();
    return started;
  }
  const signal = await stopSignal;
  // A second signal while stopping is acknowledged rather than killing the process mid-release.
  const again = () =>
    configuredLogger(config, io.logger)('warn', 'worker already stopping; waiting for running jobs', {
      worker: started.right.name,
    });
  signals.on('SIGTERM', again);
  signals.on('SIGINT', again);
  try {
    await started.right.stop();
  } finally {
    signals.off('SIGTERM', again);
    signals.off('SIGINT', again);
  }
  return right({ signal });
};
