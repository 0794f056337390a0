// The run log in SQL both databases understand, through the ORM's connection: a handful of small statements per
// run, so the ORM's parameter binding serves and one implementation covers PostgreSQL and SQLite.
import type { JobName, JobRun, RunLog, RunOutcome } from '../../application/run-log.ts';
import { attempt, type StoreOrm } from './orm.ts';

type Row = Record<string, unknown>;

const COLUMNS = '"run_id", "job", "parameters", "worker", "started_at", "finished_at", "outcome", "counts", "error"';

/** A `job_run` row as a run. */
const jobRunOf = (r: Row): JobRun => ({
  runId: String(r.run_id),
  job: String(r.job) as JobName,
  parameters: JSON.parse(String(r.parameters)) as Record<string, string>,
  worker: String(r.worker),
  startedAt: new Date(Number(r.started_at)),
  finishedAt: r.finished_at === null || r.finished_at === undefined ? null : new Date(Number(r.finished_at)),
  outcome: String(r.outcome) as RunOutcome,
  counts: JSON.parse(String(r.counts)) as Record<string, number>,
  error: r.error === null || r.error === undefined ? null : String(r.error),
});

/** The run log on the store's database (table `job_run`); finishing a run never started fails. */
export const sqlRunLog = (orm: StoreOrm): RunLog => {
  const connection = () => orm.em().getConnection();
  return {
    startRun: (run) =>
      attempt('startRun', async () => {
        await connection().execute(
          `insert into "job_run" (${COLUMNS}) values (?, ?, ?, ?, ?, null, 'running', '{}', null)`,
          [run.runId, run.job, JSON.stringify(run.parameters), run.worker, run.startedAt.getTime()],
          'run',
        );
      }),
    finishRun: (runId, end) =>
      attempt('finishRun', async () => {
        const result = await connection().execute<{ affectedRows: number }>(
          'update "job_run" set "finished_at" = ?, "outcome" = ?, "counts" = ?, "error" = ? where "run_id" = ?',
          [end.finishedAt.getTime(), end.outcome, JSON.stringify(end.counts), end.error, runId],
          'run',
        );
        if (Number(result.affectedRows) === 0) throw new Error(`no such run: ${runId}`);
      }),
    listRuns: (filter) =>
      attempt('listRuns', async () => {
        if (filter.limit <= 0) return [];
        const where: string[] = [];
        const params: unknown[] = [];
        if (filter.job !== undefined) {
          where.push('"job" = ?');
          params.push(filter.job);
        }
        if (filter.outcome !== undefined) {
          where.push('"outcome" = ?');
          params.push(filter.outcome);
        }
        const rows = (await connection().execute<Row[]>(
          `select ${COLUMNS} from "job_run" ${where.length === 0 ? '' : `where ${where.join(' and ')}`} order by "started_at" desc, "run_id" desc limit ?`,
          [...params, Math.floor(filter.limit)],
        )) as Row[];
        return rows.map(jobRunOf);
      }),
  };
};
