/**
 * `oms-inventory-sync/worker`: the pg-boss worker that runs the jobs on their schedules. An entry point of its own, so
 * that `oms-inventory-sync/composition` never loads pg-boss.
 */
export { startWorker, workerCommand, type Worker, type WorkerError } from './worker.ts';
