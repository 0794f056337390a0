// In a real chromium against the console on PostgreSQL with the test kit's Shopify (tests/support/data-world.ts).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { startDataWorld, type DataWorld } from '../../support/data-world.ts';

const Page = suite<DataWorld>('console products page (browser)');

Page.before(async (context) => {
  Object.assign(context, await startDataWorld());
});

Page.after(async ({ world }) => {
  await world?.close();
});

Page('product search by SKU or id prefix, paged; a product opens from its result', async ({ world }) => {
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

Page('the product page: the 100 -> 75 breakdown term by term, the facilities, the ledger events', async ({ world }) => {
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
});

Page("on request, Shopify's live available with the drift", async ({ world, item, location }) => {
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

Page('the JSON API: search, the breakdown and the live Shopify read', async ({ world }) => {
  const page = await world.signedInPage();
  const search = (await (await page.request.get(`${world.url}/api/products?q=SKU-100`)).json()) as {
    products: Array<{ productId: string; matchedOn: string }>;
    next: unknown;
  };
  assert.equal(
    search.products.map((p) => [p.productId, p.matchedOn]),
    [
      ['P100', 'sku'],
      ['P1000', 'sku'],
    ],
  );
  assert.is(search.next, null);
  const product = (await (await page.request.get(`${world.url}/api/products/SKU-100`)).json()) as {
    product: { productId: string };
    explanations: Array<{ facilityGroupId: string; onlineAtp: number; quantityOnHand: number }>;
    events: Array<{ event: { eventId: string } }>;
  };
  assert.is(product.product.productId, 'P100');
  assert.equal(
    product.explanations.map((e) => [e.facilityGroupId, e.onlineAtp, e.quantityOnHand]),
    [['WEB', 75, 100]],
  );
  assert.is(product.events[0]?.event.eventId, 'RCV-1');
  const live = (await (await page.request.get(`${world.url}/api/products/P100/shopify?group=WEB`)).json()) as {
    onlineAtp: number;
    shopifyAvailable: number;
    drifted: boolean;
  };
  assert.equal([live.onlineAtp, live.shopifyAvailable, live.drifted], [75, 70, true]);
  assert.is((await page.request.get(`${world.url}/api/products/NOPE`)).status(), 404);
  assert.is((await page.request.get(`${world.url}/api/products?q=${'x'.repeat(300)}`)).status(), 400);
});

Page.run();

// The same pages on the SQLite store: its prefix search, aggregate and breakdown through the console.
const OnSqlite = suite<DataWorld>('console data pages on SQLite (browser)');

OnSqlite.before(async (context) => {
  Object.assign(context, await startDataWorld('sqlite'));
});

OnSqlite.after(async ({ world }) => {
  await world?.close();
});

OnSqlite('search, the 100 -> 75 breakdown, the dashboard and the drift page render from SQLite', async ({ world }) => {
  const page = await world.signedInPage();
  await page.goto(`${world.url}/products?q=SKU-100`);
  assert.equal(await page.locator('table.products tbody tr td:first-child').allTextContents(), ['P100', 'P1000']);
  await page.goto(`${world.url}/products/P100`);
  assert.is(await page.locator('#atp-WEB .online-atp').getAttribute('data-online-atp'), '75');
  await page.goto(`${world.url}/`);
  assert.match((await page.locator('#runs-per-day').innerHTML()) ?? '', 'failed: 1');
  await page.goto(`${world.url}/drift`);
  assert.is(((await page.locator('section.last-verify dd.drifted').textContent()) ?? '').trim(), '1');
  await world.screenshot(page, 'data-drift-sqlite');
});

OnSqlite.run();
