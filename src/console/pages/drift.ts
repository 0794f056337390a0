/**
 * Drift: the last verification of a channel group (when, what it checked, how many items drifted, its report with
 * the drifted items) and the drift of its recent verifications over time.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isChannelFacilityGroup } from '../../domain/index.ts';
import { lineChart } from '../charts.ts';
import type { ConsoleDeps } from '../deps.ts';
import { html } from '../html.ts';
import { sendPage, sendProblem } from '../http.ts';
import { storeId, readValue } from '../store-reads.ts';

// How many of the newest verifications are read to find a group's (each one row of an index range).
const VERIFICATIONS = 200;
const CHARTED = 30;

/** Registers /drift and /api/drift?group= (the last verification, its report and the group's recent drift). */
export const registerDriftPages = (app: FastifyInstance, deps: ConsoleDeps): void => {
  const store = deps.live.store;
  const driftOf = async (request: FastifyRequest, reply: FastifyReply) => {
    const asked = (request.query as Record<string, unknown>).group;
    const groups = (await readValue(store.facilityGroups())).filter(isChannelFacilityGroup);
    const group = asked === undefined ? (groups[0]?.facilityGroupId ?? null) : storeId(asked);
    if (group === null && asked !== undefined) {
      sendProblem(request, reply, 400, 'Bad request', 'That is not a facility group id.');
      return null;
    }
    const now = deps.now();
    const runs =
      group === null
        ? []
        : (await readValue(store.listRuns({ job: 'verify', limit: VERIFICATIONS, at: now }))).filter(
            (r) => r.parameters.facilityGroupId === group,
          );
    const last = runs.find((r) => r.outcome !== 'running') ?? null;
    const report = last === null ? null : await readValue(store.runReport(last.runId, now));
    const finished = runs
      .filter((r) => r.outcome === 'succeeded')
      .slice(0, CHARTED)
      .toReversed();
    return { groups, group, last, report: report?.report ?? null, finished };
  };
  app.get('/api/drift', async (request, reply) => {
    const drift = await driftOf(request, reply);
    if (drift === null) return reply;
    return reply.send({
      facilityGroupId: drift.group,
      groups: drift.groups.map((g) => g.facilityGroupId),
      last: drift.last,
      report: drift.report,
      history: drift.finished.map((r) => ({ runId: r.runId, startedAt: r.startedAt, counts: r.counts })),
    });
  });
  app.get('/drift', async (request, reply) => {
    const drift = await driftOf(request, reply);
    if (drift === null) return reply;
    const { groups, group, last, finished } = drift;
    const report = drift.report === null ? null : { report: drift.report };
    return sendPage(request, reply, {
      title: 'Drift',
      nav: 'drift',
      body: html`<form class="filters" method="get" action="/drift"><label>Channel group <select name="group">${groups.map(
        (g) =>
          html`<option value="${g.facilityGroupId}"${g.facilityGroupId === group ? html` selected` : ''}>${g.facilityGroupId}</option>`,
      )}</select></label><button type="submit">Show</button></form>
${
  group === null
    ? html`<p class="muted">No CHANNEL_FAC_GROUP group yet.</p>`
    : last === null
      ? html`<p class="notice">No verification of ${group} yet: run Verify (Jobs page) to compare Shopify with online ATP.</p>`
      : html`<section class="card last-verify"><h2>Last verification of ${group} <span class="badge ${last.outcome}">${last.outcome}</span></h2>
<dl class="facts"><dt>Started</dt><dd>${last.startedAt.toISOString()}</dd><dt>Run</dt><dd><a href="/runs/${encodeURIComponent(last.runId)}">${last.runId}</a></dd>
<dt>Checked</dt><dd class="checked">${last.counts.checked ?? '—'}</dd><dt>Equal</dt><dd>${last.counts.equal ?? '—'}</dd>
<dt>Drifted</dt><dd class="drifted">${last.counts.drifted ?? '—'}</dd>${last.error === null ? '' : html`<dt>Error</dt><dd class="problem">${last.error}</dd>`}</dl>
${report?.report?.text === undefined ? '' : html`<h3>Report</h3><pre class="report">${report.report.text}</pre>`}</section>`
}
${
  finished.length === 0
    ? ''
    : html`<div class="cards"><section class="card"><h2>Drift over time</h2>${lineChart({
        id: 'drift-over-time',
        title: `Drift over time in ${group ?? ''}`,
        description: `Items drifted in each of the last ${finished.length} verifications of ${group ?? ''}, oldest first.`,
        categories: finished.map((r) => r.startedAt.toISOString().slice(5, 16).replace('T', ' ')),
        series: [{ name: 'drifted items', color: '#b42318', values: finished.map((r) => r.counts.drifted ?? 0) }],
      })}</section></div>`
}`,
    });
  });
};
