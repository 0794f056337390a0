/**
 * Running a job from the catalogue (`job-catalogue.ts`) the same way for the CLI and the worker: over the process's
 * one store, with the job's lease (`<job>:<shop>` for the Shopify jobs, through `withLease`; the import holds its
 * own), recorded in the run log (job, parameters, start, end, counts, outcome), its use case run and its adapters
 * closed again.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { isLeft, type Either } from 'fp-ts/lib/Either.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import { pipe } from 'fp-ts/lib/function.js';
import { type JobLease, withLease } from '../application/job-lease.ts';
import type { ProgressEvent } from '../application/progress.ts';
import type { RunReport, RunTrigger } from '../application/run-log.ts';
import { stopsWhenAborted } from '../application/store.ts';
import type { Config } from './config.ts';
import {
  JOB_NAMES,
  jobDefinition,
  runReportOf,
  type JobAdapters,
  type JobName,
  type JobReport,
} from './job-catalogue.ts';
import type { Logger } from './log.ts';
import { notifyRunEnded, type Notify } from './notifications.ts';
import {
  importEventsJobOn,
  importJobOn,
  openInventoryStore,
  shopifyJobsOn,
  systemClock,
  type OpenedStore,
  type StartupError,
} from './live.ts';

export { JOB_NAMES, type JobName, type JobReport };

/** A job to run and its parameters (`facilityGroupId` for the channel jobs, `sample` for verify). */
export interface JobRequest {
  readonly job: JobName;
  readonly parameters: Readonly<Record<string, string>>;
}

/** A run that happened: its id, its report and the counts the run log keeps. */
export interface JobOutcome {
  readonly runId: string;
  readonly job: JobName;
  readonly parameters: Readonly<Record<string, string>>;
  /** 'skipped' when another process held the job's lease: nothing ran (an import's report says so too). */
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
      /** False when the configuration names what is not there (a database that does not exist). */
      readonly retriable: boolean;
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
  /**
   * How long the run's lease lasts without renewal (renewed at a third of it while the run goes on), the imports'
   * included; by default the job's own (30 s; the imports' configured `lockLeaseMs`).
   */
  readonly leaseMs?: number;
  /** Progress of the run's long steps (rows, lines), for a progress bar. */
  readonly progress?: (event: ProgressEvent) => void;
  /** What started the run, recorded in the run log (a schedule, the console, the CLI, a worker). */
  readonly trigger?: RunTrigger;
  /** Where a failed notification is logged (secrets redacted); nowhere by default. */
  readonly log?: Logger;
  /** How a finished run that failed or needs a person is announced: notifyRunEnded (the configured webhook) by default. */
  readonly notify?: Notify;
}

/** How often a run's progress is written to the run log at most (the console polls it). */
export const PROGRESS_WRITE_MS = 1_000;

/** The worker name of this process: `OMS_WORKER_ID`, else host:pid. */
export const workerName = (env: Readonly<Record<string, string | undefined>> = process.env): string =>
  env.OMS_WORKER_ID ?? `${hostname()}:${process.pid}`;

/** A new run id: job, time, and random bits. */
export const newRunId = (job: string, at = new Date()): string =>
  `${job}-${at.toISOString().replace(/[-:.]/g, '')}-${randomBytes(3).toString('hex')}`;

/** Checks a request against the job's catalogue entry: a known job, its required parameters given, no other parameter; `sample` a whole number. */
export const validateRequest = (
  job: string,
  parameters: Readonly<Record<string, string>>,
): Either<Extract<JobError, { _tag: 'JobParametersInvalid' }>, JobRequest> => {
  const invalid = (
    problems: ReadonlyArray<string>,
  ): Either<Extract<JobError, { _tag: 'JobParametersInvalid' }>, never> => ({
    _tag: 'Left',
    left: { _tag: 'JobParametersInvalid', job, problems, retriable: false },
  });
  if (!(JOB_NAMES as ReadonlyArray<string>).includes(job))
    return invalid([`unknown job '${job}' (jobs: ${JOB_NAMES.join(', ')})`]);
  const { required, optional } = jobDefinition(job as JobName).parameters;
  const problems: string[] = [];
  for (const name of required) if ((parameters[name] ?? '') === '') problems.push(`${job} needs the parameter ${name}`);
  if (parameters.sample !== undefined && !/^[1-9]\d*$/.test(parameters.sample))
    problems.push(`sample must be a whole number from 1, got '${parameters.sample}'`);
  const allowed = new Set([...required, ...optional]);
  for (const key of Object.keys(parameters)) if (!allowed.has(key)) problems.push(`${job} takes no parameter '${key}'`);
  return problems.length > 0 ? invalid(problems) : { _tag: 'Right', right: { job: job as JobName, parameters } };
};

const describe = (e: unknown): string =>
  typeof e === 'object' && e !== null && '_tag' in e
    ? `${String((e as { _tag: unknown })._tag)}${'reason' in e ? `: ${String((e as { reason: unknown }).reason)}` : ''}`
    : String(e);

const retriable = (e: unknown): boolean =>
  typeof e === 'object' && e !== null && (e as { retriable?: unknown }).retriable === true;

// The run log is a record, not a gate: a failure to write it never fails or repeats the job itself.
const record = async (step: () => Promise<Either<unknown, void>>): Promise<void> => {
  await step().catch(() => undefined);
};

// A live dependency that could not be started, as the run's error: worth retrying (a server may be back), unless
// the configuration names what is not there.
const startFailed = (job: JobName, e: StartupError): JobError => ({
  _tag: 'JobStartFailed',
  job,
  component: e.component,
  reason: e.reason,
  retriable: e.misconfigured !== true,
});

/** Why a run that succeeded needs a person, in a line: its files held back or failed, rows rejected, lines refused. */
export const attentionReason = (report: RunReport): string => {
  const byOutcome = new Map<string, number>();
  for (const f of report.files)
    if (f.outcome === 'held-back' || f.outcome === 'failed' || f.outcome === 'passed-over')
      byOutcome.set(f.outcome, (byOutcome.get(f.outcome) ?? 0) + 1);
  const parts = [
    ...[...byOutcome].map(([outcome, n]) => `${n} file(s) ${outcome}`),
    ...(report.rejectedRowsTotal > 0 ? [`${report.rejectedRowsTotal} row(s) rejected`] : []),
    ...(report.refusedLinesTotal > 0 ? [`${report.refusedLinesTotal} line(s) refused by Shopify`] : []),
  ];
  return parts.length > 0 ? parts.join(', ') : (report.text.split('\n')[0] ?? 'the run needs a person');
};

/** The process's live store: opened (and its schema brought up to date) once, shared by every run. */
export interface LiveStore {
  readonly config: Config;
  readonly store: OpenedStore;
  readonly close: () => Promise<void>;
}

/** Opens the configured store once for a process (a CLI command, a worker): every run of `runJobOn` shares it. */
export const openLiveStore = (config: Config): TE.TaskEither<StartupError, LiveStore> =>
  TE.map((store: OpenedStore): LiveStore => ({ config, store, close: () => store.close() }))(
    openInventoryStore(config.inventoryStore),
  );

const adaptersOf = <K extends JobName>(live: LiveStore, job: K): TE.TaskEither<StartupError, JobAdapters<K>> =>
  (job === 'import'
    ? importJobOn(live.config, live.store)
    : job === 'import-events'
      ? importEventsJobOn(live.config, live.store)
      : shopifyJobsOn(live.config, live.store)) as TE.TaskEither<StartupError, JobAdapters<K>>;

/**
 * Runs one job over the process's store: opens the job's adapters, takes its lease (`<job>:<shop>` for the Shopify
 * jobs, renewed on a timer; a lost lease stops the run at its next store call), records the run, runs the use case,
 * records the outcome and closes the adapters (not the store). Every take and renewal of the lease (the imports'
 * own too) is recorded as the run's heartbeat; a run that finds the lease held is `skipped`, in the outcome and the
 * run log. Resolves to the outcome or a typed error; never rejects.
 */
export const runJobOn = async (
  live: LiveStore,
  request: JobRequest,
  context: RunContext,
): Promise<Either<JobError, JobOutcome>> => {
  const runId = context.runId ?? newRunId(request.job);
  const definition = jobDefinition(request.job);
  const opened = await adaptersOf(live, request.job)().catch(
    (cause: unknown): Either<StartupError, never> => ({
      _tag: 'Left',
      left: { _tag: 'StartupFailed', component: request.job, reason: String(cause) },
    }),
  );
  if (isLeft(opened)) return { _tag: 'Left', left: startFailed(request.job, opened.left) };
  const adapters = opened.right;
  const { store } = live;
  const leaseMs = context.leaseMs ?? definition.leaseMs(adapters as never);
  // Every take and renewal of the run's lease is its heartbeat in the run log: a run whose heartbeat lapsed without
  // an end is shown as abandoned.
  const heartbeat = <L extends JobLease>(lease: L): L => ({
    ...lease,
    acquireJobLock: (job, owner, until, now) =>
      pipe(
        lease.acquireJobLock(job, owner, until, now),
        TE.chainFirst((held) =>
          held ? TE.fromTask(() => record(() => store.renewRun(runId, until)())) : TE.right(undefined),
        ),
      ),
  });
  const start = (): Promise<void> => {
    const startedAt = new Date();
    return record(() =>
      store.startRun({
        runId,
        job: request.job,
        parameters: request.parameters,
        worker: context.worker,
        startedAt,
        leaseUntil: new Date(startedAt.getTime() + leaseMs),
        ...(context.trigger === undefined ? {} : { trigger: context.trigger }),
      })(),
    );
  };
  const outcome = (
    status: JobOutcome['status'],
    report: JobReport | null,
    counts: Readonly<Record<string, number>>,
  ): JobOutcome => ({ runId, job: request.job, parameters: request.parameters, status, report, counts });
  // Another owner held the job's lease: nothing ran, and the run log says so.
  const skipped = async (report: JobReport | null): Promise<JobOutcome> => {
    await record(() =>
      store.finishRun(runId, {
        finishedAt: new Date(),
        outcome: 'skipped',
        counts: {},
        error: "another run holds the job's lease; nothing done",
      })(),
    );
    return outcome('skipped', report, {});
  };
  // The latest progress goes to the run log at most once every PROGRESS_WRITE_MS, for the console's live view.
  let progressWritten = 0;
  const progress = (event: ProgressEvent): void => {
    context.progress?.(event);
    const now = Date.now();
    if (now - progressWritten < PROGRESS_WRITE_MS) return;
    progressWritten = now;
    void record(() =>
      store.progressRun(runId, { step: event.step, done: event.done, total: event.total, at: new Date(now) })(),
    );
  };
  // A failed run, or one that left something for a person, is announced (never failing or delaying the run's end
  // beyond the webhook's timeout).
  const announce = async (
    outcome: 'failed' | 'needs-attention',
    reason: string,
    report: RunReport | null,
    mayRetry = false,
  ): Promise<void> => {
    await (context.notify ?? notifyRunEnded)(
      live.config,
      {
        runId,
        job: request.job,
        parameters: request.parameters,
        outcome,
        reason,
        report,
        retriable: mayRetry,
      },
      context.log,
    ).catch(() => undefined);
  };
  const failed = (error: unknown): JobError => ({
    _tag: 'JobFailed',
    job: request.job,
    runId,
    reason: describe(error),
    retriable: retriable(error),
    error,
  });
  // One run: recorded as started (a Shopify job's once its lease is taken), run (an exception is a failure like any
  // other), recorded as finished.
  const run =
    (signal: AbortSignal): TE.TaskEither<JobError, JobOutcome> =>
    async () => {
      if (!definition.shopify) await start();
      // A Shopify job's store stops answering once its lease is lost (the imports check their own leases, each take
      // and renewal of which is the run's heartbeat).
      const leased = definition.shopify
        ? { ...adapters, deps: stopsWhenAborted((adapters as JobAdapters<'hard-sync'>).deps, signal) }
        : { ...adapters, deps: heartbeat((adapters as JobAdapters<'import'>).deps) };
      const result = await definition
        .run(leased as never, {
          runId,
          owner: context.worker,
          parameters: request.parameters,
          signal,
          leaseMs,
          progress,
        })
        .catch((error: unknown): Either<unknown, JobReport> => ({ _tag: 'Left', left: error }));
      if (isLeft(result)) {
        await record(() =>
          store.finishRun(runId, {
            finishedAt: new Date(),
            outcome: 'failed',
            counts: {},
            error: describe(result.left),
          })(),
        );
        await announce('failed', describe(result.left), null, retriable(result.left));
        return { _tag: 'Left', left: failed(result.left) };
      }
      if (definition.busy(result.right as never)) return { _tag: 'Right', right: await skipped(result.right) };
      const counts = definition.counts(result.right as never);
      const report = runReportOf(request.job, result.right as never);
      await record(() =>
        store.finishRun(runId, { finishedAt: new Date(), outcome: 'succeeded', counts, error: null, report })(),
      );
      if (report.attention) await announce('needs-attention', attentionReason(report), report);
      return { _tag: 'Right', right: outcome('succeeded', result.right, counts) };
    };
  try {
    // The imports hold their own leases (RESET_INVENTORY, IMPORT_EVENTS) inside the use case, as for a runner of the library.
    if (!definition.shopify) return await run(new AbortController().signal)();
    const shop = (adapters as JobAdapters<'hard-sync'>).shop;
    const leased = await withLease(
      { ...heartbeat(store), ...systemClock },
      { job: `${request.job}:${shop}`, owner: context.worker, ms: leaseMs },
      (signal) => async () => {
        await start();
        return run(signal)();
      },
    )();
    if (isLeft(leased)) {
      if (leased.left._tag === 'JobFailed') return { _tag: 'Left', left: leased.left };
      await announce('failed', describe(leased.left), null, retriable(leased.left));
      return { _tag: 'Left', left: failed(leased.left) };
    }
    if (leased.right._tag === 'ran') return { _tag: 'Right', right: leased.right.value };
    await start();
    return { _tag: 'Right', right: await skipped(null) };
  } finally {
    await adapters.close().catch(() => undefined);
  }
};

/**
 * Runs one job in a store of its own: opens the store, runs the job as `runJobOn` does and closes the store. For a
 * single run (a test, a script); a process that runs many jobs opens its store once (`openLiveStore`).
 */
export const runJob = async (
  config: Config,
  request: JobRequest,
  context: RunContext,
): Promise<Either<JobError, JobOutcome>> => {
  const live = await openLiveStore(config)();
  if (isLeft(live)) return { _tag: 'Left', left: startFailed(request.job, live.left) };
  try {
    return await runJobOn(live.right, request, context);
  } finally {
    await live.right.close().catch(() => undefined);
  }
};
