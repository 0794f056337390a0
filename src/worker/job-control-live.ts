/**
 * The console's job control, live: over the process's store and, on PostgreSQL, a pg-boss queue of its own (which
 * fires no schedule and supervises nothing: the workers do). For the edge that starts the console (the CLI command),
 * which hands it to the console; the console itself never loads pg-boss.
 */
import type { Either } from 'fp-ts/lib/Either.js';
import { type JobControl, jobControl } from '../composition/job-control.ts';
import type { QueueError } from '../composition/job-queue.ts';
import { type LiveStore, workerName } from '../composition/jobs.ts';
import type { Logger } from '../composition/log.ts';
import { openBossQueue } from './boss-queue.ts';

/** Job control over `live`: with the workers' queue on PostgreSQL, running jobs in this process on SQLite. */
export const openJobControl = async (
  live: LiveStore,
  options: { readonly log?: Logger; readonly name?: string; readonly now?: () => Date } = {},
): Promise<Either<QueueError, JobControl>> => {
  const log: Logger = options.log ?? (() => undefined);
  const name = options.name ?? `console:${workerName()}`;
  const base = { live, log, worker: name, ...(options.now === undefined ? {} : { now: options.now }) };
  if (live.config.inventoryStore.kind !== 'postgres')
    return { _tag: 'Right', right: jobControl({ ...base, queue: null }) };
  const queue = await openBossQueue(live.config, name, log);
  if (queue._tag === 'Left') return queue;
  return { _tag: 'Right', right: jobControl({ ...base, queue: queue.right }) };
};
