// In a real chromium against the console on PostgreSQL with the test kit's Shopify (tests/support/data-world.ts).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { startDataWorld, type DataWorld } from '../../support/data-world.ts';

const Page = suite<DataWorld>('console groups page (browser)');

Page.before(async (context) => {
  Object.assign(context, await startDataWorld());
});

Page.after(async ({ world }) => {
  await world?.close();
});

Page(
  'every group with its members; a channel group with the Shopify shop and location it sells through',
  async ({ world, location }) => {
    const page = await world.signedInPage();
    await page.goto(`${world.url}/groups`);
    const web = page.locator('#group-WEB');
    assert.match((await web.textContent()) ?? '', world.shopify.shopDomain);
    assert.match((await web.textContent()) ?? '', location);
    assert.match((await web.textContent()) ?? '', 'Main warehouse');
    const pickers = (await page.locator('#group-PICKERS').textContent()) ?? '';
    assert.match(pickers, 'STORE7');
    assert.match(pickers, 'PICKING');
    assert.not.match(pickers, 'Shop', 'a group of another type sells through no shop');
    await world.screenshot(page, 'data-groups');
  },
);

Page('the JSON API: /api/groups', async ({ world, location }) => {
  const page = await world.signedInPage();
  const { groups } = (await (await page.request.get(`${world.url}/api/groups`)).json()) as {
    groups: Array<{ group: { facilityGroupId: string }; members: Array<{ facilityId: string }>; channel: unknown }>;
  };
  const web = groups.find((g) => g.group.facilityGroupId === 'WEB');
  assert.equal(web?.channel, { shop: world.shopify.shopDomain, locationId: location });
  assert.equal(
    web?.members.map((m) => m.facilityId),
    ['WH'],
  );
});

Page.run();
