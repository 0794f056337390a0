// In a real chromium against the console on PostgreSQL with the test kit's Shopify: the dashboard's charts, the
// facilities and groups, product search, the 100 -> 75 breakdown, the ledger, Shopify's live available with its
// drift, the drift page, and a facility's "sell online" turned off moving the product's online ATP. Every page is
// saved as a screenshot under test-output/screenshots/.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { RunReport } from '../../src/application/run-log.ts';
import { CHANNEL_FAC_GROUP } from '../../src/domain/index.ts';
import { startConsoleWorld, type ConsoleWorld } from '../support/console.ts';
import { run } from '../support/run.ts';

interface Context {
  world: ConsoleWorld;
  item: string;
  location: string;
}

const DataPages = suite<Context>('console data pages (browser)');

const hour = (h: number) => new Date(Date.now() - h * 3_600_000);

const reportOf = (counts: Record<string, number>, text: string): RunReport => ({
  counts,
  files: [],
  rejectedRows: [],
  rejectedRowsTotal: 0,
  refusedLines: [],
  refusedLinesTotal: 0,
  attention: (counts.drifted ?? 0) > 0,
  text,
});

DataPages.before(async (context) => {
  const world = await startConsoleWorld({ prefix: 'h_cd_' });
  context.world = world;
  const store = world.live.store;
  // The seed's worked example: P100 has 95 at WH (reserved 5, safety stock 5: 90 saved, 5 received through the
  // ledger), 5 at STORE7 outside the group, threshold 5 and 5 in the brokering queue: 100 - (5+5+5+5+5) = 75.
  await run(
    store.saveFacilities([
      { facilityId: 'WH', externalId: '12', name: 'Main warehouse' },
      { facilityId: 'STORE7', externalId: '13', name: 'Store <7> & "friends"' },
    ]),
  );
  await run(
    store.saveProducts([
      { productId: 'P100', externalId: '901' },
      { productId: 'P200', externalId: '902' },
      { productId: 'P1000', externalId: '903' },
    ]),
  );
  await run(
    store.saveProductSkus([
      { productId: 'P100', sku: 'SKU-100' },
      { productId: 'P200', sku: 'SKU-200' },
      { productId: 'P1000', sku: 'SKU-1000' },
    ]),
  );
  await run(
    store.saveFacilityGroup({ facilityGroupId: 'WEB', facilityGroupTypeId: CHANNEL_FAC_GROUP, facilityIds: ['WH'] }),
  );
  await run(
    store.saveFacilityGroup({ facilityGroupId: 'PICKERS', facilityGroupTypeId: 'PICKING', facilityIds: ['STORE7'] }),
  );
  context.location = world.shopify.addLocation('Main warehouse');
  await run(
    store.saveSalesChannel({ facilityGroupId: 'WEB', shop: world.shopify.shopDomain, locationId: context.location }),
  );
  await run(
    store.savePositions([
      { productId: 'P100', facilityId: 'WH', quantityOnHand: 90, reservedQuantity: 5, safetyStock: 5 },
      { productId: 'P100', facilityId: 'STORE7', quantityOnHand: 5, reservedQuantity: 0, safetyStock: 0 },
    ]),
  );
  await run(store.saveThresholds([{ productId: 'P100', threshold: 5 }]));
  await run(store.saveBrokeringQueue([{ productId: 'P100', quantity: 5 }]));
  await run(
    store.recordEvents([
      {
        eventId: 'RCV-1',
        type: 'received',
        productId: 'P100',
        facilityId: 'WH',
        quantity: 5,
        occurredAt: '2026-12-01T09:00:00Z',
        source: 'wms',
        reason: 'PO 4711',
      },
    ]),
  );
  context.item = world.shopify.addInventoryItem({ sku: 'SKU-100' });
  world.shopify.stock(context.item, context.location, 70);
  await run(
    store.saveMappings(world.shopify.shopDomain, [
      { productId: 'P100', sku: 'SKU-100', status: 'mapped', inventoryItemId: context.item },
    ]),
  );
  // A few runs for the dashboard and the drift page.
  const ran = async (
    runId: string,
    job: 'import' | 'hard-sync' | 'push-changes' | 'verify',
    at: Date,
    outcome: 'succeeded' | 'failed',
    counts: Record<string, number>,
    parameters: Record<string, string> = {},
    report?: RunReport,
  ) => {
    await run(store.startRun({ runId, job, parameters, worker: 'test', startedAt: at }));
    await run(
      store.finishRun(runId, {
        finishedAt: new Date(at.getTime() + 1000),
        outcome,
        counts,
        error: outcome === 'failed' ? 'SftpUnavailable: down' : null,
        ...(report === undefined ? {} : { report }),
      }),
    );
  };
  await ran('import-1', 'import', hour(50), 'succeeded', { rowsRead: 1000, adjusted: 40, rejected: 2 });
  await ran('import-2', 'import', hour(26), 'succeeded', { rowsRead: 1000, adjusted: 55, rejected: 0 });
  await ran('import-3', 'import', hour(25), 'failed', {});
  await ran('hard-sync-1', 'hard-sync', hour(24), 'succeeded', { lines: 300 }, { facilityGroupId: 'WEB' });
  await ran('push-1', 'push-changes', hour(3), 'succeeded', { lines: 12 }, { facilityGroupId: 'WEB' });
  await ran(
    'verify-1',
    'verify',
    hour(23),
    'succeeded',
    { checked: 3, equal: 3, drifted: 0 },
    { facilityGroupId: 'WEB' },
  );
  await ran(
    'verify-2',
    'verify',
    hour(2),
    'succeeded',
    { checked: 3, equal: 2, drifted: 1 },
    { facilityGroupId: 'WEB' },
    reportOf(
      { checked: 3, equal: 2, drifted: 1 },
      `Verify WEB: 3 checked, 2 equal, 1 drifted\n    P100 (${context.item}): OMS 75, Shopify 70`,
    ),
  );
});

DataPages.after(async ({ world }) => {
  await world?.close();
});

DataPages('the dashboard draws its four charts, each an accessible image with its numbers', async ({ world }) => {
  const page = await world.signedInPage();
  await page.goto(`${world.url}/`);
  assert.is(await page.locator('figure.chart svg[role=img]').count(), 5, 'runs per day, lines, rows, variances, drift');
  assert.match((await page.textContent('#runs-per-day title')) ?? '', 'Runs per day');
  assert.ok((await page.locator('#runs-per-day rect.bar').count()) >= 2, 'bars of runs');
  assert.match((await page.locator('#runs-per-day').innerHTML()) ?? '', 'failed: 1');
  assert.is(await page.locator('#lines-per-push rect.bar').count(), 2);
  assert.is(await page.locator('#drift circle.point').count(), 2);
  await world.screenshot(page, 'data-dashboard');
});

DataPages(
  'facilities with NetSuite location ids and groups, names escaped; groups with shop and location',
  async ({ world, location }) => {
    const page = await world.signedInPage();
    await page.goto(`${world.url}/facilities`);
    const row = page.locator('tr', { hasText: 'STORE7' });
    assert.match((await row.textContent()) ?? '', 'Store <7> & "friends"');
    assert.match((await row.textContent()) ?? '', '13');
    assert.match((await row.textContent()) ?? '', 'PICKERS');
    await world.screenshot(page, 'data-facilities');
    await page.goto(`${world.url}/groups`);
    const web = page.locator('#group-WEB');
    assert.match((await web.textContent()) ?? '', world.shopify.shopDomain);
    assert.match((await web.textContent()) ?? '', location);
    assert.match((await web.textContent()) ?? '', 'Main warehouse');
    assert.match((await page.locator('#group-PICKERS').textContent()) ?? '', 'STORE7');
    await world.screenshot(page, 'data-groups');
  },
);

DataPages('product search by SKU or id prefix, paged; a product opens from its result', async ({ world }) => {
  const page = await world.signedInPage();
  await page.goto(`${world.url}/products`);
  await page.fill('input[name=q]', 'SKU-100');
  await Promise.all([
    page.waitForURL((u) => u.searchParams.get('q') === 'SKU-100'),
    page.click('form[role=search] button'),
  ]);
  const found = await page.locator('table.products tbody tr td:first-child').allTextContents();
  assert.equal(found, ['P100', 'P1000'], 'SKU-100 and SKU-1000, not SKU-200');
  await world.screenshot(page, 'data-products-search');
  await page.goto(`${world.url}/products?q=P1`);
  assert.equal(await page.locator('table.products tbody tr td:first-child').allTextContents(), ['P100', 'P1000']);
  await Promise.all([page.waitForURL((u) => u.pathname === '/products/P100'), page.click('a[href="/products/P100"]')]);
  await page.goto(`${world.url}/products?q=nothing-like-it`);
  assert.match((await page.textContent('main')) ?? '', 'No product whose id or SKU starts with');
});

DataPages(
  'the product page: the 100 -> 75 breakdown term by term, the facilities, the ledger events',
  async ({ world }) => {
    const page = await world.signedInPage();
    await page.goto(`${world.url}/products/P100`);
    const card = page.locator('#atp-WEB');
    assert.is(await card.locator('.online-atp').getAttribute('data-online-atp'), '75');
    assert.match(
      (await card.locator('.sentence').textContent()) ?? '',
      "Online ATP 75 = QOH 100 − (reserved 5 + safety stock 5 + threshold 5 + brokering queue 5 + excluded facilities' ATP 5)",
    );
    const terms = await card.locator('table.terms tr').allInnerTexts();
    assert.equal(
      terms.map((t) => t.replace(/\s+/g, ' ').trim()),
      [
        'Quantity on hand (every facility) 100',
        '− Reserved 5',
        '− Safety stock 5',
        '− Threshold 5',
        '− Brokering queue 5',
        "− Excluded facilities' ATP 5",
        '= Online ATP 75',
      ],
    );
    assert.match((await card.locator('table.facilities tr', { hasText: 'STORE7' }).textContent()) ?? '', 'no');
    const events = page.locator('table.events tbody tr');
    assert.ok((await events.count()) >= 1);
    assert.match((await events.first().textContent()) ?? '', 'received');
    assert.match((await events.first().textContent()) ?? '', 'WH QOH 90 → 95');
    await page.goto(`${world.url}/products/SKU-100`);
    assert.is(new URL(page.url()).pathname, '/products/P100', 'a SKU leads to its product');
    await world.screenshot(page, 'data-product');
  },
);

DataPages("on request, Shopify's live available with the drift", async ({ world, item, location }) => {
  const page = await world.signedInPage();
  await page.goto(`${world.url}/products/P100`);
  assert.is(await page.locator('#shopify-WEB dl').count(), 0, 'Shopify is not read before it is asked for');
  const requestsBefore = world.shopify.stats.requests;
  await page.click('#atp-WEB button:has-text("Read Shopify")');
  await page.waitForSelector('#shopify-WEB dl.live');
  const live = page.locator('#shopify-WEB dl.live');
  assert.is(await live.getAttribute('data-shopify-available'), '70');
  assert.is(await live.getAttribute('data-oms'), '75');
  assert.match((await live.textContent()) ?? '', '-5');
  assert.ok(world.shopify.stats.requests > requestsBefore, 'read from the Shopify server');
  await world.screenshot(page, 'data-product-shopify');
  world.shopify.stock(item, location, 75);
  await page.click('#atp-WEB button:has-text("Read Shopify")');
  await page.waitForSelector('#shopify-WEB dl.live[data-shopify-available="75"]');
  assert.match((await page.textContent('#shopify-WEB')) ?? '', 'none');
  world.shopify.stock(item, location, 70);
});

DataPages(
  'the drift page: the last verification of the group, its report, drift over time',
  async ({ world, item }) => {
    const page = await world.signedInPage();
    await page.goto(`${world.url}/drift`);
    const last = page.locator('section.last-verify');
    assert.match((await last.textContent()) ?? '', 'verify-2');
    assert.is(((await last.locator('dd.drifted').textContent()) ?? '').trim(), '1');
    assert.match((await last.locator('pre.report').textContent()) ?? '', `P100 (${item}): OMS 75, Shopify 70`);
    assert.is(await page.locator('#drift-over-time circle.point').count(), 2);
    await world.screenshot(page, 'data-drift');
    const bad = await page.request.get(`${world.url}/drift?group=%00`);
    assert.is(bad.status(), 400);
  },
);

DataPages(
  'ids from URLs are validated and shown escaped; a toggle without the CSRF token is refused',
  async ({ world }) => {
    const page = await world.signedInPage();
    const control = await page.request.get(`${world.url}/products/%00x`);
    assert.is(control.status(), 400);
    const script = await page.request.get(`${world.url}/products/${encodeURIComponent('<script>alert(1)</script>')}`);
    assert.is(script.status(), 404);
    const text = await script.text();
    assert.not.match(text, '<script>alert(1)</script>');
    assert.match(text, '&lt;script&gt;alert(1)&lt;/script&gt;');
    const forged = await page.request.post(`${world.url}/facilities/WH/sell-online`, {
      form: { group: 'WEB', on: 'off' },
    });
    assert.is(forged.status(), 403);
    assert.is((await run(world.live.store.facilityGroup('WEB')))?.facilityIds.join(), 'WH', 'nothing changed');
  },
);

DataPages("turning a facility's sell online off moves the product's online ATP on its page", async ({ world }) => {
  const page = await world.signedInPage();
  await page.goto(`${world.url}/products/P100`);
  assert.is(await page.locator('#atp-WEB .online-atp').getAttribute('data-online-atp'), '75');
  await page.goto(`${world.url}/facilities/WH`);
  const row = page.locator('#sell-online-WEB');
  assert.match((await row.locator('.badge').textContent()) ?? '', 'On');
  await world.screenshot(page, 'data-facility');
  await row.locator('button').click();
  await page.waitForSelector('#sell-online-WEB .badge:has-text("Off")');
  assert.match((await page.textContent('#sell-online-WEB [role=status]')) ?? '', 'turned off');
  assert.equal((await run(world.live.store.facilityGroup('WEB')))?.facilityIds, []);
  await world.screenshot(page, 'data-facility-off');
  await page.goto(`${world.url}/products/P100`);
  assert.is(await page.locator('#atp-WEB .online-atp').getAttribute('data-online-atp'), '0');
  assert.match(
    (await page.locator('#atp-WEB table.facilities tr', { hasText: 'WH' }).first().textContent()) ?? '',
    'no',
  );
  // And STORE7 on, by a plain form post (no htmx): answered with a redirect back to the facility.
  await page.goto(`${world.url}/facilities/STORE7`);
  const token = await page.locator('#sell-online-WEB input[name=_csrf]').getAttribute('value');
  const posted = await page.request.post(`${world.url}/facilities/STORE7/sell-online`, {
    form: { _csrf: token ?? '', group: 'WEB', on: 'on' },
    maxRedirects: 0,
  });
  assert.is(posted.status(), 303);
  assert.is(posted.headers().location, '/facilities/STORE7');
  await page.goto(`${world.url}/products/P100`);
  assert.is(await page.locator('#atp-WEB .online-atp').getAttribute('data-online-atp'), '0', 'STORE7 alone: 5 - 5 - 5');
  assert.equal((await run(world.live.store.facilityGroup('WEB')))?.facilityIds, ['STORE7']);
});

DataPages.run();
