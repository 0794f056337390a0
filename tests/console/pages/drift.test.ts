// In a real chromium against the console on PostgreSQL with the test kit's Shopify (tests/support/data-world.ts).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { startDataWorld, type DataWorld } from '../../support/data-world.ts';

const Page = suite<DataWorld>('console drift page (browser)');

Page.before(async (context) => {
  Object.assign(context, await startDataWorld());
});

Page.after(async ({ world }) => {
  await world?.close();
});

Page('the drift page: the last verification of the group, its report, drift over time', async ({ world, item }) => {
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
});

Page('the JSON API: /api/drift', async ({ world }) => {
  const page = await world.signedInPage();
  const drift = (await (await page.request.get(`${world.url}/api/drift?group=WEB`)).json()) as {
    facilityGroupId: string;
    last: { runId: string; counts: Record<string, number> };
    report: { text: string };
    history: Array<{ runId: string }>;
  };
  assert.is(drift.last.runId, 'verify-2');
  assert.is(drift.last.counts.drifted, 1);
  assert.match(drift.report.text, 'OMS 75, Shopify 70');
  assert.equal(
    drift.history.map((h) => h.runId),
    ['verify-1', 'verify-2'],
  );
});

Page.run();
