/**
 * Products: search by id or SKU prefix (keyset pages through `searchProducts`); a product's page with its online ATP
 * term by term for every channel group (`explainOnlineAtp`, as the `explain` command), its stock per facility, its
 * latest ledger events, and, on request, Shopify's live `available` with the drift (the verify use case).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { InventoryLedgerEntry } from '../../application/inventory-ledger.ts';
import type { ProductMatch, ProductSearchCursor } from '../../application/master-data.ts';
import { productOverview } from '../../application/product-overview.ts';
import { liveDrift } from '../../composition/live-drift.ts';
import type { LedgerChange, OnlineAtpExplanation } from '../../domain/index.ts';
import type { ConsoleDeps } from '../deps.ts';
import { html, type Html } from '../html.ts';
import { sendFragment, sendPage, sendProblem } from '../http.ts';
import { pathId, shownError, storeId, readValue } from '../store-reads.ts';

const PAGE = 50;
const EVENTS = 20;

const productLink = (productId: string): Html => html`<a href="/products/${pathId(productId)}">${productId}</a>`;

const cursorQuery = (q: string, last: ProductMatch): string =>
  new URLSearchParams({ q, afterKey: last.key, afterId: last.productId, afterOn: last.matchedOn }).toString();

const cursorOf = (query: Record<string, unknown>): ProductSearchCursor | null | 'invalid' => {
  if (query.afterKey === undefined && query.afterId === undefined && query.afterOn === undefined) return null;
  const key = storeId(query.afterKey);
  const productId = storeId(query.afterId);
  const matchedOn = query.afterOn === 'productId' || query.afterOn === 'sku' ? query.afterOn : null;
  return key === null || productId === null || matchedOn === null ? 'invalid' : { key, productId, matchedOn };
};

const searchForm = (q: string): Html => html`<form class="filters" method="get" action="/products" role="search">
<label>Product id or SKU (starts with) <input name="q" value="${q}" maxlength="255" autocomplete="off" placeholder="SKU-100"></label>
<button type="submit" class="primary">Search</button></form>`;

// One term line of the breakdown: the sign, the term's name and its quantity.
const term = (sign: string, name: string, quantity: number, className = ''): Html =>
  html`<tr class="${className}"><td class="num">${sign}</td><th scope="row">${name}</th><td class="num">${quantity}</td></tr>`;

/** The explanation of one group as a table of terms and one of facilities. */
const breakdown = (
  e: OnlineAtpExplanation,
  productId: string,
): Html => html`<section class="card atp" id="atp-${pathId(e.facilityGroupId)}" data-group="${e.facilityGroupId}">
<h2>${e.facilityGroupId} <span class="online-atp" data-online-atp="${e.onlineAtp}">online ATP ${e.onlineAtp}</span></h2>
<p class="sentence">Online ATP ${e.onlineAtp} = QOH ${e.quantityOnHand} − (reserved ${e.reservedQuantity} + safety stock ${e.safetyStock} + threshold ${e.threshold} + brokering queue ${e.brokeringQueue} + excluded facilities' ATP ${e.excludedFacilitiesAtp})${e.overReservedShortfall === 0 ? '' : html` + over-reserved shortfall ${e.overReservedShortfall}`}</p>
<table class="terms"><tbody>
${term('', 'Quantity on hand (every facility)', e.quantityOnHand)}
${term('−', 'Reserved', e.reservedQuantity)}
${term('−', 'Safety stock', e.safetyStock)}
${term('−', 'Threshold', e.threshold)}
${term('−', 'Brokering queue', e.brokeringQueue)}
${term('−', "Excluded facilities' ATP", e.excludedFacilitiesAtp)}
${e.overReservedShortfall === 0 ? '' : term('+', 'Over-reserved shortfall (not charged to other facilities)', e.overReservedShortfall)}
${e.unrounded === e.onlineAtp ? '' : term('=', 'Before rounding down (floored at 0)', e.unrounded)}
${term('=', 'Online ATP', e.onlineAtp, 'total')}
</tbody></table>
<table class="facilities"><thead><tr><th>Facility</th><th>In group</th><th class="num">QOH</th><th class="num">Reserved</th><th class="num">Safety stock</th><th class="num">ATP</th><th class="num">Counts</th></tr></thead><tbody>
${e.facilities.map(
  (f) =>
    html`<tr><td><a href="/facilities/${pathId(f.facilityId)}">${f.facilityId}</a></td><td>${f.included ? 'yes' : html`<span class="muted">no</span>`}</td><td class="num">${f.quantityOnHand}</td><td class="num">${f.reservedQuantity}</td><td class="num">${f.safetyStock}</td><td class="num">${f.facilityAtp}</td><td class="num">${f.contribution}</td></tr>`,
)}
</tbody></table>
<div class="actions"><button type="button" hx-get="/products/${pathId(productId)}/shopify?group=${encodeURIComponent(e.facilityGroupId)}" hx-target="#shopify-${pathId(e.facilityGroupId)}" hx-swap="innerHTML">Read Shopify's available now</button>
<a href="/products/${pathId(productId)}/shopify?group=${encodeURIComponent(e.facilityGroupId)}">(as a page)</a></div>
<div class="shopify" id="shopify-${pathId(e.facilityGroupId)}" aria-live="polite"></div>
</section>`;

const changeText = (c: LedgerChange): string =>
  c.kind === 'position'
    ? `${c.facilityId} QOH ${c.before.quantityOnHand} → ${c.after.quantityOnHand}, reserved ${c.before.reservedQuantity} → ${c.after.reservedQuantity}`
    : `${c.kind}${c.kind === 'safety-stock' ? ` at ${c.facilityId}` : ''} ${c.before} → ${c.after}`;

const eventsTable = (entries: ReadonlyArray<InventoryLedgerEntry>): Html =>
  entries.length === 0
    ? html`<p class="muted">No ledger events for this product.</p>`
    : html`<table class="events"><thead><tr><th class="num">#</th><th>When</th><th>Type</th><th class="num">Quantity</th><th>Facility</th><th>Source</th><th>What it moved</th></tr></thead><tbody>
${entries.map(
  (e) =>
    html`<tr><td class="num">${e.sequence}</td><td>${e.event.occurredAt}</td><td>${e.event.type}</td><td class="num">${e.event.quantity}</td><td>${e.event.facilityId ?? '—'}${e.event.toFacilityId === undefined ? '' : html` → ${e.event.toFacilityId}`}</td><td>${e.event.source}${e.event.reason === undefined ? '' : html` <span class="muted">(${e.event.reason})</span>`}</td><td>${e.changes.map(changeText).join('; ')}</td></tr>`,
)}</tbody></table>`;

/**
 * Registers /products (search), /products/:productId and its Shopify fragment /products/:productId/shopify, and
 * their JSON API: /api/products?q=, /api/products/:productId, /api/products/:productId/shopify?group=.
 */
export const registerProductsPages = (app: FastifyInstance, deps: ConsoleDeps): void => {
  const store = deps.live.store;

  // A search (q given: matches of the prefix) or a browse (no q: products in id order), a page and one more.
  const searchOf = async (query: Record<string, unknown>) => {
    const q = typeof query.q === 'string' ? query.q.trim() : '';
    const after = cursorOf(query);
    if (q.length > 255 || after === 'invalid') return null;
    const matches = q === '' ? null : await readValue(store.searchProducts(q, after, PAGE + 1));
    const browse = q === '' ? await readValue(store.productPage(storeId(query.afterId), PAGE + 1)) : null;
    return { q, matches, browse };
  };
  app.get('/api/products', async (request, reply) => {
    const search = await searchOf(request.query as Record<string, unknown>);
    if (search === null)
      return sendProblem(request, reply, 400, 'Bad request', 'That is not a search the console can run.');
    const { matches, browse } = search;
    const last = matches === null ? undefined : matches.length > PAGE ? matches[PAGE - 1] : undefined;
    const lastBrowsed = browse !== null && browse.length > PAGE ? browse[PAGE - 1] : undefined;
    return reply.send({
      products: (matches ?? browse ?? []).slice(0, PAGE),
      next:
        last !== undefined
          ? { afterKey: last.key, afterId: last.productId, afterOn: last.matchedOn }
          : lastBrowsed !== undefined
            ? { afterId: lastBrowsed.productId }
            : null,
    });
  });
  app.get('/products', async (request, reply) => {
    const search = await searchOf(request.query as Record<string, unknown>);
    if (search === null)
      return sendProblem(request, reply, 400, 'Bad request', 'That is not a search the console can run.');
    const { q, matches, browse } = search;
    const rows =
      matches !== null
        ? matches
            .slice(0, PAGE)
            .map(
              (m) =>
                html`<tr><td>${productLink(m.productId)}</td><td>${m.sku ?? '—'}</td><td>${m.externalId}</td><td><span class="chip">${m.matchedOn === 'sku' ? 'SKU' : 'id'}</span></td></tr>`,
            )
        : (browse ?? [])
            .slice(0, PAGE)
            .map(
              (p) =>
                html`<tr><td>${productLink(p.productId)}</td><td>${p.sku ?? '—'}</td><td>${p.externalId}</td><td></td></tr>`,
            );
    const next =
      matches !== null && matches.length > PAGE
        ? `/products?${cursorQuery(q, matches[PAGE - 1]!)}`
        : browse !== null && browse.length > PAGE
          ? `/products?${new URLSearchParams({ afterId: browse[PAGE - 1]!.productId })}`
          : null;
    return sendPage(request, reply, {
      title: 'Products',
      nav: 'products',
      body: html`${searchForm(q)}
${
  rows.length === 0
    ? html`<p class="muted">${q === '' ? 'No product yet.' : html`No product whose id or SKU starts with “${q}”.`}</p>`
    : html`<table class="products"><thead><tr><th>Product</th><th>SKU</th><th>NetSuite item id</th><th>Matched on</th></tr></thead><tbody>${rows}</tbody></table>`
}
${next === null ? '' : html`<p><a rel="next" href="${next}">Next ${PAGE} →</a></p>`}`,
    });
  });

  const productOf = (request: FastifyRequest, reply: FastifyReply): string | null => {
    const id = storeId((request.params as Record<string, unknown>).productId);
    if (id === null) sendProblem(request, reply, 400, 'Bad request', 'That is not a product id.');
    return id;
  };

  app.get('/api/products/:productId', async (request, reply) => {
    const productId = productOf(request, reply);
    if (productId === null) return reply;
    const overview = await readValue(productOverview(productId, EVENTS)(store));
    if (overview === null)
      return sendProblem(request, reply, 404, 'Not found', `There is no product with id or SKU ${productId}.`);
    return reply.send(overview);
  });
  app.get('/products/:productId', async (request, reply) => {
    const productId = productOf(request, reply);
    if (productId === null) return reply;
    const overview = await readValue(productOverview(productId, EVENTS)(store));
    if (overview === null)
      return sendProblem(request, reply, 404, 'Not found', `There is no product with id or SKU ${productId}.`);
    const { product } = overview;
    if (product.productId !== productId) return reply.redirect(`/products/${pathId(product.productId)}`);
    return sendPage(request, reply, {
      title: `Product ${product.productId}`,
      nav: 'products',
      body: html`<dl class="facts"><dt>SKU</dt><dd>${product.sku ?? '—'}</dd><dt>Threshold</dt><dd>${product.inventory.threshold}</dd><dt>Brokering queue</dt><dd>${product.inventory.brokeringQueue}</dd></dl>
<h2>Online ATP, term by term</h2>
${
  overview.explanations.length === 0
    ? html`<p class="muted">No CHANNEL_FAC_GROUP group: online ATP is computed for a channel group.</p>`
    : html`<div class="atp-groups">${overview.explanations.map((e) => breakdown(e, product.productId))}</div>`
}
<h2>Latest ledger events <span class="muted">(newest first, at most ${EVENTS})</span></h2>
${eventsTable(overview.events)}`,
    });
  });

  // Shopify read now for one product in one group: the product's explanation there and the verify report.
  const liveOf = async (request: FastifyRequest, reply: FastifyReply) => {
    const productId = productOf(request, reply);
    if (productId === null) return null;
    const group = storeId((request.query as Record<string, unknown>).group);
    if (group === null) {
      sendProblem(request, reply, 400, 'Bad request', 'Give the channel group (group=...).');
      return null;
    }
    const overview = await readValue(productOverview(productId, 0)(store));
    const explanation = overview?.explanations.find((e) => e.facilityGroupId === group);
    if (overview === null || explanation === undefined) {
      sendProblem(request, reply, 404, 'Not found', `No product ${productId} in a channel group ${group}.`);
      return null;
    }
    const report = await liveDrift(deps.config, store, group, [overview.product.productId])();
    return { group, overview, explanation, report };
  };
  app.get('/api/products/:productId/shopify', async (request, reply) => {
    const live = await liveOf(request, reply);
    if (live === null) return reply;
    const { report, explanation } = live;
    if (report._tag === 'Left')
      return sendProblem(request, reply, 502, 'Shopify could not be read', shownError(deps.config, report.left));
    const drift = report.right.drifted[0];
    return reply.send({
      facilityGroupId: live.group,
      productId: live.overview.product.productId,
      mapped: report.right.checked > 0,
      onlineAtp: drift?.quantity ?? explanation.onlineAtp,
      shopifyAvailable: report.right.checked === 0 ? null : drift === undefined ? explanation.onlineAtp : drift.shopify,
      drifted: drift !== undefined,
      report: report.right,
    });
  });
  app.get('/products/:productId/shopify', async (request, reply) => {
    const live = await liveOf(request, reply);
    if (live === null) return reply;
    const { group, overview, explanation, report } = live;
    const body =
      report._tag === 'Left'
        ? html`<p class="problem" role="alert">Shopify could not be read: ${shownError(deps.config, report.left)}</p>`
        : report.right.checked === 0
          ? html`<p class="notice">${overview.product.productId} is not mapped to an inventory item of ${report.right.shop} (run Map products).</p>`
          : (() => {
              const drift = report.right.drifted[0];
              const oms = drift?.quantity ?? explanation.onlineAtp;
              const shopify = drift === undefined ? oms : drift.shopify;
              return html`<dl class="facts live" data-shopify-available="${shopify ?? ''}" data-oms="${oms}"><dt>Shopify available</dt><dd>${shopify ?? 'not stocked at the location'}</dd>
<dt>OMS online ATP</dt><dd>${oms}</dd><dt>Drift</dt><dd>${
                drift === undefined
                  ? html`<span class="badge succeeded">none</span>`
                  : html`<span class="badge failed">${shopify === null ? 'not stocked' : `${shopify - oms > 0 ? '+' : ''}${shopify - oms}`}</span> <span class="muted">(Shopify − OMS; Hard Sync or the delta push corrects it)</span>`
              }</dd>
<dt>Read</dt><dd>${report.right.shop} ${report.right.locationId}, ${deps.now().toISOString()}</dd></dl>`;
            })();
    if (request.headers['hx-request'] === 'true') return sendFragment(reply, body);
    return sendPage(request, reply, {
      title: `Shopify for ${overview.product.productId} in ${group}`,
      nav: 'products',
      body: html`${body}<p><a href="/products/${pathId(overview.product.productId)}">Back to the product</a></p>`,
    });
  });
};
