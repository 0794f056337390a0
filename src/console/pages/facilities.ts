/**
 * Facilities: every facility with its NetSuite location id, name and groups; a facility's page with a "sell
 * online" toggle per `CHANNEL_FAC_GROUP` group (a CSRF-protected POST, swapped in place by htmx, a plain form post
 * and redirect without it), through the same `setSellOnline` as the `sell-online` command.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { facilityDetail, facilityListings, type SellOnlineToggle } from '../../application/facility-overview.ts';
import { setSellOnline } from '../../application/oms-setup.ts';
import type { ConsoleDeps } from '../deps.ts';
import { csrfField, html, type Html } from '../html.ts';
import { csrfToken, sendFragment, sendPage, sendProblem } from '../http.ts';
import { pathId, shownError, storeId, readValue } from '../store-reads.ts';

const facilityLink = (facilityId: string): Html => html`<a href="/facilities/${pathId(facilityId)}">${facilityId}</a>`;

// One channel group's row of the toggle table: its state and the form that flips it.
const toggleRow = (facilityId: string, toggle: SellOnlineToggle, token: string, note: Html | null = null): Html => {
  const group = toggle.group.facilityGroupId;
  const action = `/facilities/${pathId(facilityId)}/sell-online`;
  return html`<tr id="sell-online-${pathId(group)}" data-group="${group}">
<td><a href="/groups#group-${pathId(group)}">${group}</a></td>
<td><span class="badge ${toggle.member ? 'active' : 'paused'}">${toggle.member ? 'On' : 'Off'}</span></td>
<td><form class="inline" method="post" action="${action}" hx-post="${action}" hx-target="closest tr" hx-swap="outerHTML">
${csrfField(token)}<input type="hidden" name="group" value="${group}"><input type="hidden" name="on" value="${toggle.member ? 'off' : 'on'}">
<button type="submit" aria-label="Turn selling online in ${group} ${toggle.member ? 'off' : 'on'}">Turn ${toggle.member ? 'off' : 'on'}</button></form>
${note === null ? '' : html` <span class="muted" role="status">${note}</span>`}</td>
</tr>`;
};

/**
 * Registers /facilities and /facilities/:facilityId (GET), the sell-online toggle (POST), and their JSON API
 * (/api/facilities, /api/facilities/:facilityId, POST /api/facilities/:facilityId/sell-online).
 */
export const registerFacilitiesPages = (app: FastifyInstance, deps: ConsoleDeps): void => {
  const store = deps.live.store;

  app.get('/facilities', async (request, reply) => {
    const facilities = await readValue(facilityListings()(store));
    return sendPage(request, reply, {
      title: 'Facilities',
      nav: 'facilities',
      body: html`<p class="muted">${facilities.length} facilities. A facility sells online in a channel group when it is a member: its stock then counts in the group's online ATP.</p>
<table><thead><tr><th>Facility</th><th>Name</th><th>NetSuite location id</th><th>Groups</th></tr></thead><tbody>
${facilities.map(
  (
    f,
  ) => html`<tr><td>${facilityLink(f.facilityId)}</td><td>${f.name ?? html`<span class="muted">—</span>`}</td><td>${f.externalId}</td>
<td><span class="chips">${f.groupIds.map((g) => html`<span class="chip">${g}</span>`)}</span></td></tr>`,
)}
</tbody></table>`,
    });
  });

  const facilityOf = (request: FastifyRequest, reply: FastifyReply): string | null => {
    const id = storeId((request.params as Record<string, unknown>).facilityId);
    if (id === null) sendProblem(request, reply, 400, 'Bad request', 'That is not a facility id.');
    return id;
  };

  app.get('/facilities/:facilityId', async (request, reply) => {
    const facilityId = facilityOf(request, reply);
    if (facilityId === null) return reply;
    const detail = await readValue(facilityDetail(facilityId)(store));
    if (detail === null) return sendProblem(request, reply, 404, 'Not found', `There is no facility ${facilityId}.`);
    const { facility } = detail;
    return sendPage(request, reply, {
      title: `Facility ${facility.facilityId}`,
      nav: 'facilities',
      body: (
        token,
      ) => html`<dl class="facts"><dt>Name</dt><dd>${facility.name ?? '—'}</dd><dt>NetSuite location id</dt><dd>${facility.externalId}</dd>
<dt>Other groups</dt><dd>${detail.otherGroups.length === 0 ? '—' : detail.otherGroups.map((g) => html`<span class="chip">${g.facilityGroupId} (${g.facilityGroupTypeId})</span> `)}</dd></dl>
<h2>Sell online</h2>
${
  detail.sellOnline.length === 0
    ? html`<p class="muted">No CHANNEL_FAC_GROUP group yet (add one with <code>group add</code>).</p>`
    : html`<p class="muted">Turning a group off takes this facility's stock out of that group's online ATP; every product stocked here is pushed at the next delta push.</p>
<table class="sell-online"><thead><tr><th>Channel group</th><th>Sell online</th><th></th></tr></thead><tbody>
${detail.sellOnline.map((t) => toggleRow(facility.facilityId, t, token))}
</tbody></table>`
}`,
    });
  });

  // The toggle, for the page (form fields `group`, `on`: on|off) and the API (JSON `group`, `on`: true|false).
  const toggle = async (request: FastifyRequest, reply: FastifyReply, api: boolean) => {
    const facilityId = facilityOf(request, reply);
    if (facilityId === null) return reply;
    const body = (request.body ?? {}) as Record<string, unknown>;
    const group = storeId(body.group);
    const on = body.on === 'on' || body.on === true ? true : body.on === 'off' || body.on === false ? false : null;
    if (group === null || on === null)
      return sendProblem(request, reply, 400, 'Bad request', 'Give a channel group and on or off.');
    const result = await setSellOnline(facilityId, group, on)(store)();
    if (result._tag === 'Left') {
      const e = result.left;
      if (e._tag === 'SetupRefused')
        return sendProblem(request, reply, 400, 'Refused', e.faults.map((f) => f.reason).join('; '));
      throw new Error(shownError(deps.config, e));
    }
    const outcome = result.right.outcomes[0]?.outcome ?? 'unchanged';
    deps.log('info', 'console sell-online', {
      facilityId,
      facilityGroupId: group,
      on,
      outcome,
      user: request.consoleSession?.user,
    });
    if (api) return reply.send({ facilityId, facilityGroupId: group, member: on, outcome });
    if (request.headers['hx-request'] !== 'true') return reply.redirect(`/facilities/${pathId(facilityId)}`, 303);
    const detail = await readValue(facilityDetail(facilityId)(store));
    const state = detail?.sellOnline.find((t) => t.group.facilityGroupId === group);
    if (state === undefined) return sendProblem(request, reply, 404, 'Not found', `There is no group ${group}.`);
    const token = csrfToken(request, reply);
    return sendFragment(
      reply,
      toggleRow(
        facilityId,
        state,
        token,
        html`${outcome === 'unchanged' ? 'unchanged' : on ? 'turned on' : 'turned off'}`,
      ),
    );
  };
  app.post('/facilities/:facilityId/sell-online', (request, reply) => toggle(request, reply, false));

  // The JSON API.
  app.get('/api/facilities', async (_request, reply) =>
    reply.send({ facilities: await readValue(facilityListings()(store)) }),
  );
  app.get('/api/facilities/:facilityId', async (request, reply) => {
    const facilityId = facilityOf(request, reply);
    if (facilityId === null) return reply;
    const detail = await readValue(facilityDetail(facilityId)(store));
    if (detail === null) return sendProblem(request, reply, 404, 'Not found', `There is no facility ${facilityId}.`);
    return reply.send({
      facility: detail.facility,
      sellOnline: detail.sellOnline.map((t) => ({ facilityGroupId: t.group.facilityGroupId, member: t.member })),
      otherGroups: detail.otherGroups,
    });
  });
  app.post('/api/facilities/:facilityId/sell-online', (request, reply) => toggle(request, reply, true));
};
