/**
 * The dashboard: pictures of what the jobs did, from the run log: runs per day by outcome, lines pushed per run,
 * rows and variances per nightly import, drift over time; each chart with its numbers in a table beside it.
 */
import type { FastifyInstance } from 'fastify';
import { dashboardFigures, RUN_OUTCOMES, type RunPoint } from '../../application/dashboard-figures.ts';
import type { RunOutcome } from '../../application/run-log.ts';
import { lineChart, stackedBarChart } from '../charts.ts';
import type { ConsoleDeps } from '../deps.ts';
import { html, type Html } from '../html.ts';
import { sendPage } from '../http.ts';
import { readValue } from '../store-reads.ts';

const DAYS = 14;
const RUNS = 30;

/** The colour of each outcome in the charts (the badges' colours). */
export const OUTCOME_COLORS: Readonly<Record<RunOutcome, string>> = {
  succeeded: '#1f7a3d',
  failed: '#b42318',
  abandoned: '#7a1f5c',
  skipped: '#9a6700',
  running: '#1f5fbf',
};

const when = (p: RunPoint): string => p.startedAt.toISOString().slice(5, 16).replace('T', ' ');

// The numbers of a chart, for whoever would rather read them.
const numbers = (headers: ReadonlyArray<string>, rows: ReadonlyArray<ReadonlyArray<string | number>>): Html =>
  html`<details><summary>The numbers</summary><table><thead><tr>${headers.map((h) => html`<th>${h}</th>`)}</tr></thead><tbody>${rows.map(
    (r) => html`<tr>${r.map((c) => html`<td${typeof c === 'number' ? html` class="num"` : ''}>${c}</td>`)}</tr>`,
  )}</tbody></table></details>`;

const empty = (what: string): Html => html`<p class="muted">No ${what} recorded yet.</p>`;

/** Registers / (the dashboard) and /api/dashboard (its figures). */
export const registerDashboardPages = (app: FastifyInstance, deps: ConsoleDeps): void => {
  app.get('/api/dashboard', async (_request, reply) =>
    reply.send(await readValue(dashboardFigures({ at: deps.now(), days: DAYS, runs: RUNS })(deps.live.store))),
  );
  app.get('/', async (request, reply) => {
    const figures = await readValue(dashboardFigures({ at: deps.now(), days: DAYS, runs: RUNS })(deps.live.store));
    const days = figures.runsPerDay;
    return sendPage(request, reply, {
      title: 'Dashboard',
      nav: 'dashboard',
      body: html`<div class="cards charts">
<section class="card"><h2>Runs per day</h2>${stackedBarChart({
        id: 'runs-per-day',
        title: `Runs per day, last ${DAYS} days`,
        description: `Runs of every job started each day (UTC), stacked by outcome: ${RUN_OUTCOMES.join(', ')}.`,
        categories: days.map((d) => d.day.slice(5)),
        series: RUN_OUTCOMES.map((o) => ({ name: o, color: OUTCOME_COLORS[o], values: days.map((d) => d.runs[o]) })),
      })}${numbers(
        ['Day', ...RUN_OUTCOMES],
        days.map((d) => [d.day, ...RUN_OUTCOMES.map((o) => d.runs[o])]),
      )}</section>
<section class="card"><h2>Lines pushed per run</h2>${
        figures.linesPerPush.length === 0
          ? empty('Hard Sync or delta push')
          : html`${stackedBarChart({
              id: 'lines-per-push',
              title: `Lines pushed per run, last ${figures.linesPerPush.length} runs`,
              description:
                'Lines each Hard Sync and Upload recent inventory changes run put in its feed, oldest first.',
              categories: figures.linesPerPush.map(when),
              series: [
                {
                  name: 'Hard Sync',
                  color: '#1f5fbf',
                  values: figures.linesPerPush.map((p) => (p.job === 'hard-sync' ? (p.values.lines ?? 0) : 0)),
                },
                {
                  name: 'delta push',
                  color: '#1f7a3d',
                  values: figures.linesPerPush.map((p) => (p.job === 'push-changes' ? (p.values.lines ?? 0) : 0)),
                },
              ],
            })}${numbers(
              ['Started', 'Job', 'Lines'],
              figures.linesPerPush.map((p) => [when(p), p.job, p.values.lines ?? 0]),
            )}`
      }</section>
<section class="card"><h2>Nightly imports</h2>${
        figures.imports.length === 0
          ? empty('NetSuite import')
          : html`${stackedBarChart({
              id: 'import-rows',
              title: 'Rows read per import',
              description: 'Rows each NetSuite import read, oldest first.',
              categories: figures.imports.map(when),
              series: [
                { name: 'rows read', color: '#1f5fbf', values: figures.imports.map((p) => p.values.rowsRead ?? 0) },
              ],
              height: 200,
            })}${stackedBarChart({
              id: 'import-variances',
              title: 'Variances and rejected rows per import',
              description: 'Positions each import changed (variances) and the rows it rejected, oldest first.',
              categories: figures.imports.map(when),
              series: [
                { name: 'variances', color: '#9a6700', values: figures.imports.map((p) => p.values.adjusted ?? 0) },
                { name: 'rejected', color: '#b42318', values: figures.imports.map((p) => p.values.rejected ?? 0) },
              ],
              height: 200,
            })}${numbers(
              ['Started', 'Rows read', 'Variances', 'Rejected'],
              figures.imports.map((p) => [
                when(p),
                p.values.rowsRead ?? 0,
                p.values.adjusted ?? 0,
                p.values.rejected ?? 0,
              ]),
            )}`
      }</section>
<section class="card"><h2>Drift over time</h2>${
        figures.drift.length === 0
          ? empty('verification')
          : html`${lineChart({
              id: 'drift',
              title: 'Items drifted per verification',
              description: 'Items whose Shopify available differed from online ATP at each verification, oldest first.',
              categories: figures.drift.map(when),
              series: [{ name: 'drifted', color: '#b42318', values: figures.drift.map((p) => p.values.drifted ?? 0) }],
            })}${numbers(
              ['Started', 'Checked', 'Drifted'],
              figures.drift.map((p) => [when(p), p.values.checked ?? 0, p.values.drifted ?? 0]),
            )}`
      }</section>
</div>`,
    });
  });
};
