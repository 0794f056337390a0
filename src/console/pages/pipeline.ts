/**
 * The Pipeline page: pending (queued and the next scheduled occurrences, with cancel for a queued run), running
 * (worker, start, live progress) and history (status badge, duration, counts, failure reason), filtered by job and
 * status and paged by the keyset cursor job control hands out; the sections refresh every 2 s through htmx. The
 * same as JSON under /api/pipeline.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { JOB_NAMES } from '../../composition/job-catalogue.ts';
import type { HistoryStatus, JobRun, PendingRun, PipelineFilter, PipelinePage } from '../../composition/job-control.ts';
import type { JobName } from '../../composition/jobs.ts';
import type { ConsoleDeps } from '../deps.ts';
import {
  badge,
  formatCounts,
  formatDuration,
  formatRelative,
  formatTime,
  jobTitle,
  parameterChips,
  problemStatus,
} from '../format.ts';
import { csrfField, html, type Html } from '../html.ts';
import { csrfToken, isId, sendFragment, sendPage, sendProblem, wantsJson } from '../http.ts';

/** The history statuses a filter offers. */
export const HISTORY_STATUSES: ReadonlyArray<HistoryStatus> = ['succeeded', 'failed', 'skipped', 'abandoned'];

const CURSOR = /^[A-Za-z0-9_.:=+/-]{1,400}$/;

/** The filter a query string asks for, or what is wrong with it (an unknown job or status, a bad cursor or limit). */
export const pipelineFilterFrom = (
  query: Readonly<Record<string, unknown>>,
): { readonly ok: true; readonly filter: PipelineFilter } | { readonly ok: false; readonly message: string } => {
  const job = typeof query.job === 'string' && query.job !== '' ? query.job : undefined;
  const status = typeof query.status === 'string' && query.status !== '' ? query.status : undefined;
  const before = typeof query.before === 'string' && query.before !== '' ? query.before : undefined;
  const limitText = typeof query.limit === 'string' && query.limit !== '' ? query.limit : undefined;
  if (job !== undefined && !(JOB_NAMES as ReadonlyArray<string>).includes(job))
    return { ok: false, message: `unknown job '${job}'` };
  if (status !== undefined && !(HISTORY_STATUSES as ReadonlyArray<string>).includes(status))
    return { ok: false, message: `unknown status '${status}' (${HISTORY_STATUSES.join(', ')})` };
  if (before !== undefined && !CURSOR.test(before)) return { ok: false, message: 'the page cursor is not valid' };
  if (limitText !== undefined && !(/^\d{1,3}$/.test(limitText) && Number(limitText) >= 1 && Number(limitText) <= 200))
    return { ok: false, message: 'limit must be a whole number from 1 to 200' };
  return {
    ok: true,
    filter: {
      ...(job === undefined ? {} : { job: job as JobName }),
      ...(status === undefined ? {} : { status: status as HistoryStatus }),
      ...(before === undefined ? {} : { before }),
      ...(limitText === undefined ? {} : { limit: Number(limitText) }),
    },
  };
};

const queryOf = (filter: PipelineFilter, extra: Readonly<Record<string, string>> = {}): string => {
  const q = new URLSearchParams();
  if (filter.job !== undefined) q.set('job', filter.job);
  if (filter.status !== undefined) q.set('status', filter.status);
  if (filter.before !== undefined) q.set('before', filter.before);
  if (filter.limit !== undefined) q.set('limit', String(filter.limit));
  for (const [k, v] of Object.entries(extra)) q.set(k, v);
  const s = q.toString();
  return s === '' ? '' : `?${s}`;
};

const withoutCursor = ({ before: _before, ...rest }: PipelineFilter): PipelineFilter => rest;

const pendingRow = (p: PendingRun, token: string, now: Date): Html =>
  p.kind === 'queued'
    ? html`<tr class="pending queued" data-job="${p.job}">
<td>${badge('queued')}</td><td>${jobTitle(p.job)}</td><td>${parameterChips(p.parameters)}</td>
<td><time datetime="${p.startAfter.toISOString()}">${formatTime(p.startAfter)}</time> <span class="muted">${formatRelative(p.startAfter, now)}</span></td>
<td>${p.scheduled ? 'schedule' : 'Run now'}</td><td class="num">${p.retryCount}</td>
<td><form class="inline" method="post" action="/pipeline/cancel" data-confirm="${`Cancel the queued ${jobTitle(p.job)}?`}">${csrfField(token)}<input type="hidden" name="job" value="${p.job}"><input type="hidden" name="queuedId" value="${p.queuedId}"><button type="submit">Cancel</button></form></td>
</tr>`
    : html`<tr class="pending scheduled" data-job="${p.job}">
<td>${badge(p.skip ? 'skipped' : 'scheduled')}</td><td>${jobTitle(p.job)}</td><td>${parameterChips(p.parameters)}</td>
<td><time datetime="${p.at.toISOString()}">${formatTime(p.at)}</time> <span class="muted">${formatRelative(p.at, now)}</span></td>
<td><code>${p.cron}</code>${p.skip ? ' (skipped once)' : ''}</td><td class="num">-</td>
<td><form class="inline" method="post" action="/jobs/${p.job}/schedules/skip">${csrfField(token)}<input type="hidden" name="key" value="${p.key}"><input type="hidden" name="skip" value="${p.skip ? 'false' : 'true'}"><input type="hidden" name="back" value="pipeline"><button type="submit">${p.skip ? 'Do not skip' : 'Skip once'}</button></form> <a href="/jobs#job-${p.job}">Schedule</a></td>
</tr>`;

const progressText = (r: JobRun): string =>
  r.progress === null
    ? ''
    : `${r.progress.step}: ${r.progress.done}${r.progress.total === null ? '' : ` of ${r.progress.total}`}`;

const runningRow = (r: JobRun, now: Date): Html => html`<tr class="running" data-run="${r.runId}" data-job="${r.job}">
<td>${badge('running')}</td><td><a href="/runs/${r.runId}">${jobTitle(r.job)}</a></td><td>${parameterChips(r.parameters)}</td>
<td>${r.worker}</td><td><time datetime="${r.startedAt.toISOString()}">${formatTime(r.startedAt)}</time> <span class="muted">${formatDuration(now.getTime() - r.startedAt.getTime())}</span></td>
<td>${progressText(r)}${
  r.progress?.total === null || r.progress === null
    ? ''
    : html` <progress max="${r.progress.total}" value="${r.progress.done}"></progress>`
}</td>
</tr>`;

const historyRow = (
  r: JobRun,
): Html => html`<tr class="history" data-run="${r.runId}" data-job="${r.job}" data-status="${r.outcome}">
<td>${badge(r.outcome)}</td><td><a href="/runs/${r.runId}">${jobTitle(r.job)}</a></td><td>${parameterChips(r.parameters)}</td>
<td><time datetime="${r.startedAt.toISOString()}">${formatTime(r.startedAt)}</time></td>
<td class="num">${r.finishedAt === null ? '-' : formatDuration(r.finishedAt.getTime() - r.startedAt.getTime())}</td>
<td>${formatCounts(r.counts)}</td>
<td>${
  r.error === null
    ? ''
    : // Kept as it is across the 2 s refresh (hx-preserve), so a reason opened stays open.
      html`<details id="why-${r.runId}" hx-preserve><summary>Why</summary><p class="problem">${r.error}</p></details>`
}</td>
<td class="muted">${r.trigger === null ? '' : `${r.trigger} · `}${r.worker}</td>
</tr>`;

/** The three sections (pending, running, history) of a pipeline page, as polled every 2 s. */
export const pipelineSections = (page: PipelinePage, filter: PipelineFilter, token: string, now: Date): Html => html`
<div id="pipeline-sections" hx-get="/pipeline/sections${queryOf(filter)}" hx-trigger="every 2s" hx-swap="outerHTML">
<h2>Pending <span class="muted">(${page.pending.length})</span></h2>
${
  page.pending.length === 0
    ? html`<p class="muted" id="pending-empty">Nothing pending.</p>`
    : html`<table id="pending"><thead><tr><th>State</th><th>Job</th><th>Parameters</th><th>Run time</th><th>Schedule</th><th class="num">Retries</th><th></th></tr></thead>
<tbody>${page.pending.map((p) => pendingRow(p, token, now))}</tbody></table>`
}
<h2>Running <span class="muted">(${page.running.length})</span></h2>
${
  page.running.length === 0
    ? html`<p class="muted" id="running-empty">Nothing running.</p>`
    : html`<table id="running"><thead><tr><th>State</th><th>Job</th><th>Parameters</th><th>Worker</th><th>Started</th><th>Progress</th></tr></thead>
<tbody>${page.running.map((r) => runningRow(r, now))}</tbody></table>`
}
<h2>History</h2>
${
  page.history.length === 0
    ? html`<p class="muted" id="history-empty">No runs${filter.job === undefined && filter.status === undefined ? '' : ' match these filters'}.</p>`
    : html`<table id="history"><thead><tr><th>Status</th><th>Job</th><th>Parameters</th><th>Started</th><th class="num">Duration</th><th>Counts</th><th>Failure</th><th>By</th></tr></thead>
<tbody>${page.history.map(historyRow)}</tbody></table>`
}
<p class="actions">
${filter.before === undefined ? '' : html`<a href="/pipeline${queryOf(withoutCursor(filter))}">Newest</a>`}
${page.next === null ? '' : html`<a rel="next" href="/pipeline${queryOf({ ...filter, before: page.next })}">Older runs →</a>`}
</p>
</div>`;

const filtersForm = (filter: PipelineFilter): Html => html`
<form class="filters" method="get" action="/pipeline">
<label for="filter-job">Job <select id="filter-job" name="job"><option value="">Every job</option>${JOB_NAMES.map(
  (j) => html`<option value="${j}"${filter.job === j ? html` selected` : ''}>${jobTitle(j)}</option>`,
)}</select></label>
<label for="filter-status">Status <select id="filter-status" name="status"><option value="">Every status</option>${HISTORY_STATUSES.map(
  (s) => html`<option value="${s}"${filter.status === s ? html` selected` : ''}>${s}</option>`,
)}</select></label>
<button type="submit">Filter</button>
</form>`;

/** Registers the Pipeline page, its polled sections, cancel, and /api/pipeline. */
export const registerPipelinePages = (app: FastifyInstance, deps: ConsoleDeps): void => {
  const { jobs } = deps;
  const load = async (request: FastifyRequest, reply: FastifyReply) => {
    const parsed = pipelineFilterFrom(request.query as Record<string, unknown>);
    if (!parsed.ok) {
      sendProblem(request, reply, 400, 'Bad request', parsed.message);
      return null;
    }
    const page = await jobs.pipeline(parsed.filter);
    if (page._tag === 'Left') {
      sendProblem(request, reply, problemStatus(page.left), 'Pipeline', page.left.message);
      return null;
    }
    return { filter: parsed.filter, page: page.right };
  };
  app.get('/pipeline', async (request, reply) => {
    const loaded = await load(request, reply);
    if (loaded === null) return reply;
    const queued = (request.query as Record<string, unknown>).queued === '1';
    return sendPage(request, reply, {
      title: 'Pipeline',
      nav: 'pipeline',
      body: (token) => html`
${queued ? html`<p class="notice" role="status">Queued: a worker picks it up shortly.</p>` : ''}
${filtersForm(loaded.filter)}
${pipelineSections(loaded.page, loaded.filter, token, deps.now())}`,
    });
  });
  app.get('/pipeline/sections', async (request, reply) => {
    const loaded = await load(request, reply);
    if (loaded === null) return reply;
    return sendFragment(reply, pipelineSections(loaded.page, loaded.filter, csrfToken(request, reply), deps.now()));
  });
  const cancel = async (request: FastifyRequest, reply: FastifyReply) => {
    const body = (request.body ?? {}) as Record<string, unknown>;
    const job = body.job;
    const queuedId = body.queuedId;
    if (typeof job !== 'string' || !(JOB_NAMES as ReadonlyArray<string>).includes(job) || !isId(queuedId))
      return sendProblem(request, reply, 400, 'Bad request', 'A job and a queued run id are needed.');
    const done = await jobs.cancel(job as JobName, queuedId, request.consoleSession?.user ?? 'console');
    if (done._tag === 'Left')
      return sendProblem(request, reply, problemStatus(done.left), 'Not cancelled', done.left.message);
    return wantsJson(request) ? reply.send({ ok: true }) : reply.redirect(`/pipeline?job=${job}`, 303);
  };
  app.post('/pipeline/cancel', cancel);
  app.post('/api/pipeline/cancel', cancel);
  app.get('/api/pipeline', async (request, reply) => {
    const loaded = await load(request, reply);
    if (loaded === null) return reply;
    return reply.send(loaded.page);
  });
};
