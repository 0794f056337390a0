/**
 * `oms-inventory-sync/worker`: the pg-boss worker that runs the jobs on their schedules, and the console's job
 * control over the same queue. An entry point of its own, so that `oms-inventory-sync/composition` never loads pg-boss.
 */
export { startWorker, workerCommand, type Worker, type WorkerError } from './worker.ts';
export { openJobControl } from './job-control-live.ts';
