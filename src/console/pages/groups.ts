/** Groups: every facility group with its members and, for a channel group, the Shopify shop and location it sells through. */
import type { FastifyInstance } from 'fastify';
import { groupOverviews } from '../../application/facility-overview.ts';
import { CHANNEL_FAC_GROUP } from '../../domain/index.ts';
import type { ConsoleDeps } from '../deps.ts';
import { html } from '../html.ts';
import { sendPage } from '../http.ts';
import { pathId, readValue } from '../store-reads.ts';

/** Registers /groups and /api/groups. */
export const registerGroupsPages = (app: FastifyInstance, deps: ConsoleDeps): void => {
  app.get('/api/groups', async (_request, reply) =>
    reply.send({ groups: await readValue(groupOverviews()(deps.live.store)) }),
  );
  app.get('/groups', async (request, reply) => {
    const groups = await readValue(groupOverviews()(deps.live.store));
    return sendPage(request, reply, {
      title: 'Groups',
      nav: 'groups',
      body: html`${groups.length === 0 ? html`<p class="muted">No facility group yet (add one with <code>group add</code>).</p>` : ''}
<div class="cards">${groups.map(
        (
          g,
        ) => html`<section class="card" id="group-${pathId(g.group.facilityGroupId)}"><h2>${g.group.facilityGroupId} <span class="badge ${g.group.facilityGroupTypeId === CHANNEL_FAC_GROUP ? 'active' : 'paused'}">${g.group.facilityGroupTypeId}</span></h2>
<dl class="facts">${
          g.group.facilityGroupTypeId === CHANNEL_FAC_GROUP
            ? g.channel === null
              ? html`<dt>Sells through</dt><dd class="problem">no sales channel (add one with <code>channel add</code>)</dd>`
              : html`<dt>Shop</dt><dd>${g.channel.shop}</dd><dt>Location</dt><dd><code>${g.channel.locationId}</code></dd>`
            : ''
        }<dt>Members</dt><dd>${g.members.length}</dd></dl>
${
  g.members.length === 0
    ? html`<p class="muted">No member facility.</p>`
    : html`<table><thead><tr><th>Facility</th><th>Name</th><th>NetSuite location id</th></tr></thead><tbody>${g.members.map(
        (m) =>
          html`<tr><td><a href="/facilities/${pathId(m.facilityId)}">${m.facilityId}</a></td><td>${m.name ?? '—'}</td><td>${m.externalId === '' ? '—' : m.externalId}</td></tr>`,
      )}</tbody></table>`
}</section>`,
      )}</div>`,
    });
  });
};
