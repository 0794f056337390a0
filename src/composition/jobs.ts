/**
 * The job catalogue: every job by name, run the same way by the CLI and by the worker. A run opens the live adapters
 * from the configuration, holds the job's lease (one run of a job per shop at a time, across processes), records
 * itself in the run log (job, parameters, start, end, counts, outcome), runs its use case and closes everything.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { isLeft, type Either } from 'fp-ts/lib/Either.js';
import { hardSync, type HardSyncReport } from '../application/hard-sync.ts';
import { importInventory, type ImportReport } from '../application/import-inventory.ts';
import { mapProducts, type MapProductsReport } from '../application/map-products.ts';
import { processUploads, type ProcessUploadsReport } from '../application/process-uploads.ts';
import { pushRecentChanges, type PushChangesReport } from '../application/push-recent-changes.ts';
import { JOB_NAMES, type JobName } from '../application/run-log.ts';
import { verifyInventory, type VerifyReport } from '../application/verify-inventory.ts';
import type { ProgressEvent } from '../application/progress.ts';
import { openImportJob, openShopifyJobs, type OpenedStore } from './live.ts';
import type { Config } from './config.ts';

export { JOB_NAMES, type JobName };

/** A job to run and its parameters (`facilityGroupId` for the channel jobs, `sample` for verify). */
export interface JobRequest {
  readonly job: JobName;
  readonly parameters: Readonly<Record<string, string>>;
}

/** The report of each job. */
export type JobReport =
  | ImportReport
  | HardSyncReport
  | PushChangesReport
  | ProcessUploadsReport
  | MapProductsReport
  | VerifyReport;

/** A run that happened: its id, its report and the counts the run log keeps. */
export interface JobOutcome {
  readonly runId: string;
  readonly job: JobName;
  readonly parameters: Readonly<Record<string, string>>;
  /** 'skipped' when another process held the job's lease: nothing ran. */
  readonly status: 'succeeded' | 'skipped';
  readonly report: JobReport | null;
  readonly counts: Readonly<Record<string, number>>;
}

/** Why a job did not run or did not finish. `retriable` says whether running it again may succeed. */
export type JobError =
  | {
      readonly _tag: 'JobParametersInvalid';
      readonly job: string;
      readonly problems: ReadonlyArray<string>;
      readonly retriable: false;
    }
  | {
      readonly _tag: 'JobStartFailed';
      readonly job: JobName;
      readonly component: string;
      readonly reason: string;
      readonly retriable: true;
    }
  | {
      readonly _tag: 'JobFailed';
      readonly job: JobName;
      readonly runId: string;
      readonly reason: string;
      readonly retriable: boolean;
      readonly error: unknown;
    };

/** Who runs the job and how: the worker name (lease owner, run log) and an optional run id. */
export interface RunContext {
  readonly worker: string;
  readonly runId?: string;
  /** How long a lease lasts without renewal; renewed at a third of it while the run goes on. */
  readonly leaseMs?: number;
  /** Progress of the run's long steps (rows, lines), for a progress bar. */
  readonly progress?: (event: ProgressEvent) => void;
}

/** The worker name of this process: `OMS_WORKER_ID`, else host:pid. */
export const workerName = (env: Readonly<Record<string, string | undefined>> = process.env): string =>
  env.OMS_WORKER_ID ?? `${hostname()}:${process.pid}`;

/** A new run id: job, time, and random bits. */
export const newRunId = (job: string, at = new Date()): string =>
  `${job}-${at.toISOString().replace(/[-:.]/g, '')}-${randomBytes(3).toString('hex')}`;

/** Checks a request's parameters: the channel jobs need `facilityGroupId`; verify takes `sample` (a whole number). */
export const validateRequest = (
  job: string,
  parameters: Readonly<Record<string, string>>,
): Either<Extract<JobError, { _tag: 'JobParametersInvalid' }>, JobRequest> => {
  const problems: string[] = [];
  if (!(JOB_NAMES as ReadonlyArray<string>).includes(job))
    problems.push(`unknown job '${job}' (jobs: ${JOB_NAMES.join(', ')})`);
  const needsGroup = ['hard-sync', 'push-changes', 'verify'].includes(job);
  if (needsGroup && (parameters.facilityGroupId ?? '') === '')
    problems.push(`${job} needs the parameter facilityGroupId`);
  if (parameters.sample !== undefined && !/^[1-9]\d*$/.test(parameters.sample))
    problems.push(`sample must be a whole number from 1, got '${parameters.sample}'`);
  const allowed = new Set(needsGroup ? ['facilityGroupId', ...(job === 'verify' ? ['sample'] : [])] : []);
  for (const key of Object.keys(parameters)) if (!allowed.has(key)) problems.push(`${job} takes no parameter '${key}'`);
  return problems.length > 0
    ? { _tag: 'Left', left: { _tag: 'JobParametersInvalid', job, problems, retriable: false } }
    : { _tag: 'Right', right: { job: job as JobName, parameters } };
};

const describe = (e: unknown): string =>
  typeof e === 'object' && e !== null && '_tag' in e
    ? `${String((e as { _tag: unknown })._tag)}${'reason' in e ? `: ${String((e as { reason: unknown }).reason)}` : ''}`
    : String(e);

const retriable = (e: unknown): boolean =>
  typeof e === 'object' && e !== null && (e as { retriable?: unknown }).retriable === true;

const countsOf = (job: JobName, r: JobReport): Record<string, number> => {
  switch (job) {
    case 'import': {
      const i = r as ImportReport;
      return {
        filesSeen: i.filesSeen,
        files: i.files.length,
        rowsRead: i.rowsRead,
        adjusted: i.adjusted,
        unchanged: i.unchanged,
        rejected: i.rejected,
      };
    }
    case 'hard-sync': {
      const h = r as HardSyncReport;
      return {
        products: h.products,
        lines: h.lines,
        alreadyEqual: h.alreadyEqual,
        notStocked: h.notStocked.length,
        sharedInventoryItems: h.sharedInventoryItems.length,
      };
    }
    case 'push-changes': {
      const p = r as PushChangesReport;
      return {
        changedProducts: p.changedProducts,
        mappedProducts: p.mappedProducts,
        lines: p.lines,
        unchanged: p.unchanged,
        rejected: p.rejected.length,
      };
    }
    case 'process-uploads': {
      const u = r as ProcessUploadsReport;
      return { feeds: u.feeds.length, applied: u.applied, failed: u.failed, calls: u.calls };
    }
    case 'map-products': {
      const m = r as MapProductsReport;
      return { products: m.products, mapped: m.mapped, unmatched: m.unmatched.length, ambiguous: m.ambiguous.length };
    }
    case 'verify': {
      const v = r as VerifyReport;
      return { checked: v.checked, equal: v.equal, drifted: v.drifted.length };
    }
  }
};

type Opened = {
  readonly store: OpenedStore;
  readonly shop: string | null;
  readonly run: (runId: string, owner: string) => Promise<Either<unknown, JobReport>>;
  readonly close: () => Promise<void>;
};

const open = async (
  config: Config,
  request: JobRequest,
  progress: RunContext['progress'],
): Promise<Either<JobError, Opened>> => {
  const listener = progress === undefined ? {} : { progress };
  const failed = (e: { component: string; reason: string }): Either<JobError, Opened> => ({
    _tag: 'Left',
    left: { _tag: 'JobStartFailed', job: request.job, component: e.component, reason: e.reason, retriable: true },
  });
  const group = request.parameters.facilityGroupId ?? '';
  if (request.job === 'import') {
    const job = await openImportJob(config)();
    if (isLeft(job)) return failed(job.left);
    return {
      _tag: 'Right',
      right: {
        store: job.right.store,
        shop: null,
        run: (runId, owner) =>
          importInventory(job.right.importConfig(runId, owner))({ ...job.right.deps, ...listener })(),
        close: job.right.close,
      },
    };
  }
  const jobs = await openShopifyJobs(config)();
  if (isLeft(jobs)) return failed(jobs.left);
  const deps = { ...jobs.right.deps, ...listener };
  const { shop } = jobs.right;
  const pageSize = 10_000;
  const run = (runId: string): Promise<Either<unknown, JobReport>> => {
    switch (request.job) {
      case 'hard-sync':
        return hardSync({ facilityGroupId: group, runId, pageSize })(deps)();
      case 'push-changes':
        return pushRecentChanges({ facilityGroupId: group, runId, pageSize })(deps)();
      case 'process-uploads':
        return processUploads(jobs.right.processUploadsConfig(runId))(deps)();
      case 'map-products':
        return mapProducts({ shop, pageSize: 1_000 })(deps)();
      default:
        return verifyInventory({
          facilityGroupId: group,
          sample: request.parameters.sample === undefined ? null : Number(request.parameters.sample),
          pageSize,
        })(deps)();
    }
  };
  return { _tag: 'Right', right: { store: deps, shop, run, close: jobs.right.close } };
};

// The run log is a record, not a gate: a failure to write it never fails or repeats the job itself.
const record = async (step: () => Promise<Either<unknown, void>>): Promise<void> => {
  await step().catch(() => undefined);
};

/**
 * Runs one job to its end: opens its adapters, takes its lease (`<job>:<shop>` for the Shopify jobs; the import has
 * its own lock), records the run, runs the use case, records the outcome and closes. Resolves to the outcome or a
 * typed error; never rejects.
 */
export const runJob = async (
  config: Config,
  request: JobRequest,
  context: RunContext,
): Promise<Either<JobError, JobOutcome>> => {
  const runId = context.runId ?? newRunId(request.job);
  const opened = await open(config, request, context.progress);
  if (isLeft(opened)) return opened;
  const { store, shop, run, close } = opened.right;
  const leaseMs = context.leaseMs ?? 10 * 60_000;
  const lock = shop === null ? null : `${request.job}:${shop}`;
  let renew: ReturnType<typeof setInterval> | undefined;
  try {
    if (lock !== null) {
      const now = new Date();
      const held = await store.acquireJobLock(lock, context.worker, new Date(now.getTime() + leaseMs), now)();
      if (isLeft(held))
        return {
          _tag: 'Left',
          left: {
            _tag: 'JobFailed',
            job: request.job,
            runId,
            reason: describe(held.left),
            retriable: true,
            error: held.left,
          },
        };
      if (!held.right)
        return {
          _tag: 'Right',
          right: {
            runId,
            job: request.job,
            parameters: request.parameters,
            status: 'skipped',
            report: null,
            counts: {},
          },
        };
      renew = setInterval(
        () => {
          const at = new Date();
          void store.acquireJobLock(lock, context.worker, new Date(at.getTime() + leaseMs), at)();
        },
        Math.max(1_000, Math.floor(leaseMs / 3)),
      );
      renew.unref();
    }
    await record(() =>
      store.startRun({
        runId,
        job: request.job,
        parameters: request.parameters,
        worker: context.worker,
        startedAt: new Date(),
      })(),
    );
    const result = await run(runId, context.worker).catch(
      (error: unknown): Either<unknown, JobReport> => ({ _tag: 'Left', left: error }),
    );
    if (isLeft(result)) {
      await record(() =>
        store.finishRun(runId, {
          finishedAt: new Date(),
          outcome: 'failed',
          counts: {},
          error: describe(result.left),
        })(),
      );
      return {
        _tag: 'Left',
        left: {
          _tag: 'JobFailed',
          job: request.job,
          runId,
          reason: describe(result.left),
          retriable: retriable(result.left),
          error: result.left,
        },
      };
    }
    const counts = countsOf(request.job, result.right);
    await record(() => store.finishRun(runId, { finishedAt: new Date(), outcome: 'succeeded', counts, error: null })());
    return {
      _tag: 'Right',
      right: {
        runId,
        job: request.job,
        parameters: request.parameters,
        status: 'succeeded',
        report: result.right,
        counts,
      },
    };
  } finally {
    if (renew !== undefined) clearInterval(renew);
    if (lock !== null)
      await store
        .releaseJobLock(lock, context.worker)()
        .catch(() => undefined);
    await close().catch(() => undefined);
  }
};
