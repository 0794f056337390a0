/**
 * A run's page: its facts (job, parameters, status, worker, times, trigger, progress, failure reason), its stored
 * report (counts, files with their error-file downloads, the rejected rows with line, field and reason, the Shopify
 * lines refused with their codes, the report text) and Re-run for a failed run. Polls itself while running. The
 * same as JSON under /api/runs/:runId.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { RunDetail } from '../../composition/job-control.ts';
import type { ConsoleDeps } from '../deps.ts';
import { badge, formatCounts, formatDuration, formatTime, jobTitle, parameterChips, problemStatus } from '../format.ts';
import { csrfField, html, type Html } from '../html.ts';
import { idParams, sendFragment, sendPage, sendProblem, wantsJson } from '../http.ts';

/** What an error file's name may be: a plain file name, no folder, no control character, at most 255 bytes. */
export const isPlainFileName = (name: unknown): name is string =>
  typeof name === 'string' &&
  name.length > 0 &&
  Buffer.byteLength(name) <= 255 &&
  name !== '.' &&
  name !== '..' &&
  !name.includes('/') &&
  !name.includes('\\') &&
  ![...name].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f);

const errorFileHref = (runId: string, file: string): string =>
  `/runs/${encodeURIComponent(runId)}/error-file?file=${encodeURIComponent(file)}`;

/** The facts of a run (the part a running run's page polls). */
export const runFacts = (detail: RunDetail, now: Date): Html => {
  const r = detail.run;
  const end = r.finishedAt ?? (r.outcome === 'running' ? now : null);
  return html`<section id="run-facts"${
    r.outcome === 'running' ? html` hx-get="/runs/${r.runId}/facts" hx-trigger="every 2s" hx-swap="outerHTML"` : ''
  } data-status="${r.outcome}">
<dl class="facts">
<dt>Status</dt><dd class="run-status">${badge(r.outcome)}</dd>
<dt>Job</dt><dd><a href="/pipeline?job=${r.job}">${jobTitle(r.job)}</a> <span class="muted">${r.job}</span></dd>
<dt>Parameters</dt><dd>${Object.keys(r.parameters).length === 0 ? html`<span class="muted">none</span>` : parameterChips(r.parameters)}</dd>
<dt>Run id</dt><dd><code>${r.runId}</code></dd>
<dt>Worker</dt><dd>${r.worker}</dd>
<dt>Started</dt><dd>${formatTime(r.startedAt)}${r.trigger === null ? '' : html` <span class="muted">by ${r.trigger}</span>`}</dd>
<dt>Finished</dt><dd>${r.finishedAt === null ? '-' : formatTime(r.finishedAt)}</dd>
<dt>Duration</dt><dd>${end === null ? '-' : formatDuration(end.getTime() - r.startedAt.getTime())}</dd>
${
  r.progress === null
    ? ''
    : html`<dt>Progress</dt><dd>${r.progress.step}: ${r.progress.done}${r.progress.total === null ? '' : ` of ${r.progress.total}`} <span class="muted">at ${formatTime(r.progress.at)}</span></dd>`
}
<dt>Counts</dt><dd>${formatCounts(r.counts) || html`<span class="muted">none</span>`}</dd>
${r.error === null ? '' : html`<dt>Failure</dt><dd class="problem run-error">${r.error}</dd>`}
</dl>
</section>`;
};

const reportSection = (detail: RunDetail): Html => {
  const report = detail.report;
  const runId = detail.run.runId;
  if (report === null) return html`<p class="muted">No report stored for this run.</p>`;
  return html`
${report.attention ? html`<p class="notice">This run left something for a person.</p>` : ''}
<h2>Files <span class="muted">(${report.files.length})</span></h2>
${
  report.files.length === 0
    ? html`<p class="muted">No files.</p>`
    : html`<table id="files"><thead><tr><th>File</th><th>Outcome</th><th class="num">Rows read</th><th class="num">Applied</th><th class="num">Rejected</th><th>Reason</th><th>Error file</th></tr></thead><tbody>
${report.files.map(
  (
    f,
  ) => html`<tr><td>${f.name}</td><td>${badge(f.outcome)}</td><td class="num">${f.rowsRead ?? ''}</td><td class="num">${f.applied ?? ''}</td><td class="num">${f.rejected ?? ''}</td><td>${f.reason ?? ''}</td>
<td>${f.errorFile === undefined ? '' : html`<a class="error-file" href="${errorFileHref(runId, f.errorFile)}" download="${f.errorFile}">${f.errorFile}</a>`}</td></tr>`,
)}</tbody></table>`
}
<h2>Rejected rows <span class="muted">(${report.rejectedRowsTotal}${
    report.rejectedRowsTotal > report.rejectedRows.length
      ? `; the first ${report.rejectedRows.length} shown, the error file has them all`
      : ''
  })</span></h2>
${
  report.rejectedRows.length === 0
    ? html`<p class="muted">None.</p>`
    : html`<table id="rejected-rows"><thead><tr><th>File</th><th class="num">Line</th><th>Field</th><th>Reason</th></tr></thead><tbody>
${report.rejectedRows.map((r) => html`<tr><td>${r.file}</td><td class="num">${r.line}</td><td>${r.field}</td><td>${r.reason}</td></tr>`)}
</tbody></table>`
}
<h2>Shopify lines refused <span class="muted">(${report.refusedLinesTotal})</span></h2>
${
  report.refusedLines.length === 0
    ? html`<p class="muted">None.</p>`
    : html`<table id="refused-lines"><thead><tr><th>Feed</th><th class="num">Line</th><th>Product</th><th>Inventory item</th><th>Code</th><th>Message</th></tr></thead><tbody>
${report.refusedLines.map(
  (l) =>
    html`<tr><td>${l.feed}</td><td class="num">${l.line}</td><td>${l.productId}</td><td><code>${l.inventoryItemId}</code></td><td><code>${l.code}</code></td><td>${l.message}</td></tr>`,
)}</tbody></table>`
}
${report.text === '' ? '' : html`<h2>Report</h2><pre class="report-text">${report.text}</pre>`}`;
};

/** Registers the run page, its polled facts, the error-file download, Re-run, and /api/runs. */
export const registerRunPages = (app: FastifyInstance, deps: ConsoleDeps): void => {
  const { jobs } = deps;
  const find = async (request: FastifyRequest, reply: FastifyReply): Promise<RunDetail | null> => {
    const { runId } = request.params as { runId: string };
    const detail = await jobs.run(runId);
    if (detail._tag === 'Left') {
      sendProblem(request, reply, problemStatus(detail.left), 'Run', detail.left.message);
      return null;
    }
    if (detail.right === null) {
      sendProblem(request, reply, 404, 'No such run', `There is no run ${runId}.`);
      return null;
    }
    return detail.right;
  };
  const ids = idParams('runId');
  app.get('/runs/:runId', ids, async (request, reply) => {
    const detail = await find(request, reply);
    if (detail === null) return reply;
    return sendPage(request, reply, {
      title: `${jobTitle(detail.run.job)} · run`,
      nav: 'pipeline',
      body: (token) => html`
${runFacts(detail, deps.now())}
${
  detail.rerunnable
    ? html`<form method="post" action="/runs/${detail.run.runId}/rerun" data-confirm="${`Run ${jobTitle(detail.run.job)} again with the same parameters?`}">${csrfField(token)}<button class="primary" type="submit">Re-run</button></form>`
    : ''
}
${reportSection(detail)}`,
    });
  });
  app.get('/runs/:runId/facts', ids, async (request, reply) => {
    const detail = await find(request, reply);
    if (detail === null) return reply;
    // Once the run has ended the whole page is worth a reload: the report and Re-run appear.
    if (detail.run.outcome !== 'running') reply.header('hx-refresh', 'true');
    return sendFragment(reply, runFacts(detail, deps.now()));
  });
  app.get('/runs/:runId/error-file', ids, async (request, reply) => {
    const { runId } = request.params as { runId: string };
    const file = (request.query as Record<string, unknown>).file;
    if (!isPlainFileName(file)) return sendProblem(request, reply, 400, 'Bad request', 'That is not a file name.');
    const stream = await jobs.errorFile(runId, file);
    if (stream._tag === 'Left')
      return sendProblem(request, reply, problemStatus(stream.left), 'Error file', stream.left.message);
    if (stream.right === null)
      return sendProblem(
        request,
        reply,
        404,
        'No such error file',
        'This run has no such error file (or it was removed).',
      );
    const ascii = file.replace(/[^A-Za-z0-9._-]/g, '_');
    return reply
      .type(file.endsWith('.csv') ? 'text/csv; charset=utf-8' : 'application/octet-stream')
      .header('content-disposition', `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(file)}`)
      .send(stream.right);
  });
  const rerun = async (request: FastifyRequest, reply: FastifyReply) => {
    const { runId } = request.params as { runId: string };
    const started = await jobs.rerun(runId, request.consoleSession?.user ?? 'console');
    if (started._tag === 'Left')
      return sendProblem(request, reply, problemStatus(started.left), 'Not re-run', started.left.message);
    if (wantsJson(request)) return reply.code(202).send(started.right);
    return reply.redirect(
      started.right.kind === 'started' ? `/runs/${started.right.runId}` : `/pipeline?job=${started.right.job}&queued=1`,
      303,
    );
  };
  app.post('/runs/:runId/rerun', ids, rerun);
  app.post('/api/runs/:runId/rerun', ids, rerun);
  app.get('/api/runs/:runId', ids, async (request, reply) => {
    const detail = await find(request, reply);
    if (detail === null) return reply;
    return reply.send(detail);
  });
};
