// In a real chromium against the console on PostgreSQL with the test kit's Shopify (tests/support/data-world.ts).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { startDataWorld, type DataWorld } from '../../support/data-world.ts';
import { run } from '../../support/run.ts';

const Page = suite<DataWorld>('console facilities page (browser)');

Page.before(async (context) => {
  Object.assign(context, await startDataWorld());
});

Page.after(async ({ world }) => {
  await world?.close();
});

Page('facilities with their NetSuite location ids, names (escaped) and groups', async ({ world }) => {
  const page = await world.signedInPage();
  await page.goto(`${world.url}/facilities`);
  const row = page.locator('tr', { hasText: 'STORE7' });
  assert.match((await row.textContent()) ?? '', 'Store <7> & "friends"');
  assert.match((await row.textContent()) ?? '', '13');
  assert.match((await row.textContent()) ?? '', 'PICKERS');
  assert.not.match(await page.content(), 'Store <7>', 'the name went out escaped');
  await world.screenshot(page, 'data-facilities');
});

Page('ids from URLs are validated and shown escaped; a toggle without the CSRF token is refused', async ({ world }) => {
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
});

Page("turning a facility's sell online off moves the product's online ATP on its page", async ({ world }) => {
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

Page('the JSON API: facilities, a facility, and the toggle (refused without the CSRF token)', async ({ world }) => {
  const page = await world.signedInPage();
  const { facilities } = (await (await page.request.get(`${world.url}/api/facilities`)).json()) as {
    facilities: Array<{ facilityId: string; externalId: string; name: string | null }>;
  };
  assert.equal(
    facilities.map((f) => [f.facilityId, f.externalId]),
    [
      ['STORE7', '13'],
      ['WH', '12'],
    ],
  );
  const refused = await page.request.post(`${world.url}/api/facilities/STORE7/sell-online`, {
    data: { group: 'WEB', on: false },
  });
  assert.is(refused.status(), 403);
  const { csrfToken } = (await (await page.request.get(`${world.url}/api/session`)).json()) as { csrfToken: string };
  const toggled = await page.request.post(`${world.url}/api/facilities/STORE7/sell-online`, {
    data: { group: 'WEB', on: false },
    headers: { 'x-csrf-token': csrfToken },
  });
  assert.is(toggled.status(), 200);
  assert.equal(await toggled.json(), {
    facilityId: 'STORE7',
    facilityGroupId: 'WEB',
    member: false,
    outcome: 'removed',
  });
  const detail = (await (await page.request.get(`${world.url}/api/facilities/STORE7`)).json()) as {
    sellOnline: Array<{ facilityGroupId: string; member: boolean }>;
  };
  assert.equal(detail.sellOnline, [{ facilityGroupId: 'WEB', member: false }]);
  const unknown = await page.request.post(`${world.url}/api/facilities/STORE7/sell-online`, {
    data: { group: 'PICKERS', on: true },
    headers: { 'x-csrf-token': csrfToken },
  });
  assert.is(unknown.status(), 400, 'a group of another type is refused');
});

Page.run();
