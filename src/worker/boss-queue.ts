/**
 * The shared job queue (src/composition/job-queue.ts) over pg-boss, in its schema `oms_inventory_sync_boss`: one
 * queue a job, each with its policy, runs sent with the job's singleton key, schedules keyed by facility group. The
 * worker queues through it (schedules, follow-ups, the inbox watch) and so does the console (Run now), so both queue
 * a run the same way. `openBossQueue` starts a pg-boss of its own for a process that runs no worker (the console):
 * it neither fires schedules nor supervises, which the workers do.
 */
import type { Either } from 'fp-ts/lib/Either.js';
import { PgBoss, type QueuePolicy } from 'pg-boss';
import { WORKER_BOSS_SCHEMA, WORKER_DEFAULTS, type Config, type WorkerConfig } from '../composition/config.ts';
import { JOB_NAMES, type JobName } from '../composition/jobs.ts';
import {
  MARK_KEY,
  originOf,
  parametersOf,
  runData,
  type JobQueue,
  type QueueError,
  type QueuedRun,
  type QueueSchedule,
} from '../composition/job-queue.ts';
import type { Logger } from '../composition/log.ts';

/** The pg-boss queue of a job. */
export const queueName = (job: JobName): string => `oms-inventory-sync.${job}`;

const jobOfQueue = (name: string): JobName | null => {
  const job = name.startsWith('oms-inventory-sync.') ? name.slice('oms-inventory-sync.'.length) : '';
  return (JOB_NAMES as ReadonlyArray<string>).includes(job) ? (job as JobName) : null;
};

/** Each job's queue policy (see src/worker/worker.ts's file comment for why). */
export const QUEUE_POLICY: Readonly<Record<JobName, QueuePolicy>> = {
  import: 'stately',
  'import-events': 'stately',
  'hard-sync': 'singleton',
  'push-changes': 'singleton',
  verify: 'singleton',
  'process-uploads': 'stately',
  'map-products': 'stately',
};

/** The singleton key of a job's runs: the shop for the Shopify jobs, none for the imports (they have their own locks). */
export const singletonKeyOf = (config: Config, job: JobName): string | undefined =>
  job === 'import' || job === 'import-events' ? undefined : (config.shopify?.shop ?? 'no-shop');

/** The pg-boss methods the queue uses. */
export type Boss = Pick<
  PgBoss,
  | 'send'
  | 'schedule'
  | 'unschedule'
  | 'getSchedules'
  | 'findJobs'
  | 'cancel'
  | 'createQueue'
  | 'updateQueue'
  | 'getQueue'
>;

const message = (e: unknown): string =>
  e instanceof Error ? e.message : typeof e === 'string' ? e : JSON.stringify(e);

const attempt = async <A>(what: string, work: () => Promise<A>): Promise<Either<QueueError, A>> => {
  try {
    return { _tag: 'Right', right: await work() };
  } catch (cause) {
    return { _tag: 'Left', left: { _tag: 'JobQueueFailed', reason: `${what}: ${message(cause)}`, cause } };
  }
};

/** The retry, expiry and heartbeat settings of every queue, from the worker's settings. */
export const queueOptionsOf = (settings: WorkerConfig) => ({
  retryLimit: settings.retryLimit,
  retryDelay: settings.retryDelaySeconds,
  retryBackoff: true,
  retryDelayMax: settings.retryDelayMaxSeconds,
  expireInSeconds: settings.expireInSeconds,
  heartbeatSeconds: settings.heartbeatSeconds,
});

/**
 * Creates each job's queue with its policy, and (unless `update` is false: a process that runs no worker leaves the
 * workers' settings alone) brings an existing one's retry and expiry settings up to `settings` (createQueue leaves
 * an existing queue as it is); a queue with another policy is logged.
 */
export const ensureQueues = async (
  boss: Boss,
  settings: WorkerConfig,
  log: Logger,
  worker: string,
  update = true,
): Promise<void> => {
  const options = queueOptionsOf(settings);
  for (const job of JOB_NAMES) {
    const queue = queueName(job);
    await boss.createQueue(queue, { policy: QUEUE_POLICY[job], ...options });
    if (update) await boss.updateQueue(queue, options);
    const existing = await boss.getQueue(queue);
    if (existing !== null && existing.policy !== QUEUE_POLICY[job])
      log(
        'warn',
        `queue ${queue} has the policy ${existing.policy}, not ${QUEUE_POLICY[job]}; delete the queue to recreate it`,
        { job, worker },
      );
  }
};

/**
 * The job queue over `boss`. `sent` is told of each run queued (the worker wakes its own pg-boss worker of that
 * queue, so the run is fetched at once rather than at the next poll).
 */
export const bossQueue = (boss: Boss, config: Config, sent?: (job: JobName, id: string) => void): JobQueue => ({
  send: (request, origin) =>
    attempt(`queueing ${request.job}`, async () => {
      const singletonKey = singletonKeyOf(config, request.job);
      const id = await boss.send(
        queueName(request.job),
        runData(request.parameters, origin),
        singletonKey === undefined ? {} : { singletonKey },
      );
      if (id !== null) sent?.(request.job, id);
      return id;
    }),
  schedule: (s) =>
    attempt(`scheduling ${s.job}`, async () => {
      const singletonKey = singletonKeyOf(config, s.job);
      // A missed occurrence (every worker down at 02:00) is sent once when a worker is back.
      await boss.schedule(queueName(s.job), s.cron, runData(s.parameters, { trigger: 'schedule', key: s.key }), {
        tz: s.timezone,
        key: s.key,
        missed: 'once',
        ...(singletonKey === undefined ? {} : { singletonKey }),
      });
    }),
  unschedule: (job, key) => attempt(`unscheduling ${job}`, () => boss.unschedule(queueName(job), key)),
  schedules: () =>
    attempt('reading the schedules', async () => {
      const all: QueueSchedule[] = [];
      for (const job of JOB_NAMES)
        for (const s of await boss.getSchedules(queueName(job)))
          all.push({
            job,
            key: s.key,
            cron: s.cron,
            timezone: s.timezone,
            parameters: parametersOf(s.data),
            marked: typeof s.data === 'object' && s.data !== null && MARK_KEY in s.data,
          });
      return all;
    }),
  queued: (limit) =>
    attempt('reading the queued runs', async () => {
      const all: QueuedRun[] = [];
      for (const job of JOB_NAMES) {
        // `queued` finds the runs not yet active; the active ones are in the run log (with their progress).
        for (const j of await boss.findJobs(queueName(job), { queued: true, limit })) {
          if (jobOfQueue(j.name) === null) continue;
          all.push({
            id: j.id,
            job,
            parameters: parametersOf(j.data),
            origin: originOf(j.data),
            state: j.state === 'retry' ? 'retry' : j.state === 'active' ? 'active' : 'created',
            createdAt: new Date(j.createdOn),
            startAfter: new Date(j.startAfter),
            retryCount: j.retryCount,
          });
        }
      }
      return all.sort((a, b) => a.startAfter.getTime() - b.startAfter.getTime());
    }),
  cancel: (job, id) =>
    attempt(`cancelling a run of ${job}`, async () => {
      const [waiting] = await boss.findJobs(queueName(job), { id, queued: true, limit: 1 });
      if (waiting === undefined) return false;
      const result = await boss.cancel(queueName(job), id);
      return ((result as { affected?: number }).affected ?? 0) > 0;
    }),
});

/** pg-boss's connection options of a process on `config` named `name` (the worker's, the console's). */
export const bossOptions = (config: Config & { inventoryStore: { kind: 'postgres'; url: string } }, name: string) => ({
  connectionString: config.inventoryStore.url,
  schema: WORKER_BOSS_SCHEMA,
  application_name: `oms-inventory-sync ${name}`.slice(0, 63),
  instanceName: name,
});

/** A job queue of its own for a process that runs no worker (the console): it fires no schedule, supervises nothing. */
export const openBossQueue = async (
  config: Config,
  name: string,
  log: Logger,
): Promise<Either<QueueError, JobQueue & { readonly close: () => Promise<void> }>> => {
  const store = config.inventoryStore;
  if (store.kind !== 'postgres')
    return { _tag: 'Left', left: { _tag: 'JobQueueFailed', reason: 'the job queue needs the PostgreSQL store' } };
  const boss = new PgBoss({
    ...bossOptions({ ...config, inventoryStore: store }, name),
    schedule: false,
    supervise: false,
  });
  boss.on('error', (e) => log('error', 'pg-boss error', { error: message(e) }));
  const started = await attempt('starting pg-boss', async () => {
    await boss.start();
    await ensureQueues(boss, config.worker ?? { ...WORKER_DEFAULTS, schedules: [] }, log, name, false);
  });
  if (started._tag === 'Left') {
    await boss.stop({ graceful: false }).catch(() => undefined);
    return started;
  }
  return {
    _tag: 'Right',
    right: { ...bossQueue(boss, config), close: () => boss.stop({ graceful: false }).catch(() => undefined) },
  };
};
