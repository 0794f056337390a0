/**
 * The inbox watch: every `worker.inboxPollSeconds` a worker lists the NetSuite inbox (and the event feeds inbox) and,
 * when its root holds a file the job would take, queues the job, so an export is imported seconds after it lands
 * instead of at the next schedule (and, through the delta push queued after an import that adjusted stock, reaches
 * Shopify in seconds too). A file at the root is pending: the jobs move every file they took to archive/ or error/.
 *
 * - One poll at a time a worker: the next poll is timed from the end of the last, never overlapping it. Each worker
 *   polls; the queues are `stately`, so the requests of many workers coalesce into one queued run.
 * - No request while a run of the job is already waiting (queued, or in retry: its backoff is kept) or running on
 *   this worker: that run, or the next poll after it, takes the file.
 * - Each inbox is opened once and kept (a local folder; on SFTP one connection, reconnected by the adapter when it
 *   dropped); after a failed listing it is closed and opened again at the next poll; `stop` closes it.
 * - A failed listing or request is logged once when the watch starts failing and once when it works again, not at
 *   every poll.
 */
import { isLeft, type Either } from 'fp-ts/lib/Either.js';
import type { TaskEither } from 'fp-ts/lib/TaskEither.js';
import type { FileStore, FileStoreError } from '../application/file-store.ts';
import { eventFeedFormat } from '../application/import-events.ts';
import { isImportableName } from '../application/import-inventory.ts';
import type { Config, InboxConfig, WorkerSchedule } from '../composition/config.ts';
import type { StartupError } from '../composition/live.ts';
import type { Logger } from '../composition/log.ts';

/** The jobs the watch queues. */
export type WatchedJob = 'import' | 'import-events';

/** An inbox the watch lists, the job it queues and the names that job takes. */
export interface WatchedInbox {
  readonly job: WatchedJob;
  readonly inbox: InboxConfig;
  readonly takes: (name: string) => boolean;
}

/** An opened inbox (openInbox). */
export type OpenedInbox = FileStore & { readonly close: () => Promise<void> };

/**
 * The inboxes a worker watches: the NetSuite inbox (its `*.csv` exports), and the event feeds inbox (`*.jsonl`,
 * `*.csv`) when the configuration has an `importEvents` section or the worker schedules import-events.
 */
export const watchedInboxes = (
  config: Config,
  schedules: ReadonlyArray<WorkerSchedule>,
): ReadonlyArray<WatchedInbox> => [
  { job: 'import', inbox: config.inbox, takes: isImportableName },
  ...(config.importEvents.configured === true || schedules.some((s) => s.job === 'import-events')
    ? [
        {
          job: 'import-events' as const,
          inbox: config.importEvents.inbox,
          takes: (n: string) => eventFeedFormat(n) !== null,
        },
      ]
    : []),
];

/** What the watch needs from the worker. */
export interface InboxWatchOptions {
  readonly inboxes: ReadonlyArray<WatchedInbox>;
  readonly periodMs: number;
  /** Opens an inbox: the composition's openInbox. */
  readonly open: (inbox: InboxConfig) => TaskEither<StartupError, OpenedInbox>;
  /** True when a run of the job already waits in its queue (created, or in retry) or runs on this worker. */
  readonly pending: (job: WatchedJob) => Promise<boolean>;
  /** Queues a run: its id, or null when the queue coalesced it. */
  readonly queue: (job: WatchedJob) => Promise<Either<{ readonly reason: string }, string | null>>;
  readonly log: Logger;
  readonly worker: string;
}

/** A running watch. */
export interface InboxWatch {
  /** Stops the timer, ends the poll in flight (closing its inbox) and closes every inbox; safe to call twice. */
  readonly stop: () => Promise<void>;
  /** Resolves after the next poll that starts from now has ended (tests). */
  readonly polled: () => Promise<void>;
}

const describe = (e: StartupError | FileStoreError): string =>
  e._tag === 'StartupFailed'
    ? `${e.component}: ${e.reason}`
    : e._tag === 'HostKeyMismatch'
      ? `${e.store}: host key ${e.actual} is not the pinned ${e.expected}`
      : e._tag === 'UnsafeFileName'
        ? `${e.store}: unsafe name ${e.name}`
        : e._tag === 'FileNotFound'
          ? `${e.store}: ${e.path} not found`
          : e._tag === 'FileStoreUnavailable'
            ? `${e.store}: ${e.reason}`
            : `${e.store}: ${e.operation} ${e.path}: ${e.reason}`;

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

// At most this many names in a log line.
const NAMES_LOGGED = 5;

/** Starts the watch: the first poll at once, each next one periodMs after the last ended. */
export const startInboxWatch = (options: InboxWatchOptions): InboxWatch => {
  const { inboxes, log, worker } = options;
  const opened = new Map<WatchedJob, OpenedInbox>();
  // Per job: null while the watch works, else what failed (logged once when it began).
  const failing = new Map<WatchedJob, { readonly reason: string; polls: number }>();
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<void> | undefined;
  let waiters: Array<() => void> = [];

  const release = async (job: WatchedJob): Promise<void> => {
    const inbox = opened.get(job);
    opened.delete(job);
    if (inbox !== undefined) await inbox.close().catch(() => undefined);
  };

  const failed = (job: WatchedJob, reason: string): void => {
    if (stopped) return;
    const now = failing.get(job);
    if (now !== undefined) {
      now.polls += 1;
      return;
    }
    failing.set(job, { reason, polls: 1 });
    log('warn', 'inbox watch: failing; logged again when it works (the schedule still runs the job)', {
      worker,
      job,
      error: reason,
    });
  };
  const worked = (job: WatchedJob): void => {
    const was = failing.get(job);
    if (was === undefined) return;
    failing.delete(job);
    log('info', 'inbox watch: working again', { worker, job, failedPolls: was.polls, error: was.reason });
  };

  const pollOne = async (w: WatchedInbox): Promise<void> => {
    let inbox = opened.get(w.job);
    if (inbox === undefined) {
      const o = await options.open(w.inbox)();
      if (isLeft(o)) return failed(w.job, describe(o.left));
      inbox = o.right;
      opened.set(w.job, inbox);
      // Opened while stopping: stop may have closed the others already.
      if (stopped) return release(w.job);
    }
    const listed = await inbox.list('')();
    if (stopped) return;
    if (isLeft(listed)) {
      // Whatever the listing left behind is closed; the next poll opens the inbox again.
      await release(w.job);
      return failed(w.job, describe(listed.left));
    }
    const waiting = listed.right.filter((f) => w.takes(f.name));
    if (waiting.length === 0) return worked(w.job);
    try {
      if (await options.pending(w.job)) return worked(w.job);
      if (stopped) return;
      const queued = await options.queue(w.job);
      if (isLeft(queued)) return failed(w.job, `queueing ${w.job}: ${queued.left.reason}`);
      worked(w.job);
      if (queued.right !== null)
        log('info', `inbox watch: ${waiting.length} file(s) waiting; ${w.job} queued`, {
          worker,
          job: w.job,
          files: waiting.length,
          names: waiting
            .map((f) => f.name)
            .toSorted()
            .slice(0, NAMES_LOGGED),
          queuedJobId: queued.right,
        });
    } catch (e) {
      failed(w.job, `queueing ${w.job}: ${message(e)}`);
    }
  };

  const poll = async (): Promise<void> => {
    for (const w of inboxes) {
      if (stopped) break;
      await pollOne(w).catch((e: unknown) => failed(w.job, message(e)));
    }
    const done = waiters;
    waiters = [];
    for (const resolve of done) resolve();
  };

  const next = (delayMs: number): void => {
    if (stopped) return;
    timer = setTimeout(() => {
      timer = undefined;
      inFlight = poll().finally(() => {
        inFlight = undefined;
        next(options.periodMs);
      });
    }, delayMs);
  };
  next(0);

  let stopping: Promise<void> | undefined;
  return {
    polled: () =>
      new Promise<void>((resolve) => {
        // A poll already running may have passed the inbox a test just wrote to: wait for the one after it.
        if (inFlight === undefined) waiters.push(resolve);
        else
          void inFlight.then(() => {
            waiters.push(resolve);
          });
      }),
    stop: () => {
      stopping ??= (async () => {
        stopped = true;
        if (timer !== undefined) clearTimeout(timer);
        timer = undefined;
        // Closing first ends a listing stuck on a connection; then the poll in flight ends, and what it opened closes.
        await Promise.all(inboxes.map((w) => release(w.job)));
        await inFlight?.catch(() => undefined);
        await Promise.all(inboxes.map((w) => release(w.job)));
        for (const resolve of waiters) resolve();
        waiters = [];
      })();
      return stopping;
    },
  };
};
