// In a real chromium against the console on PostgreSQL with the test kit's Shopify (tests/support/data-world.ts).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { startDataWorld, type DataWorld } from '../../support/data-world.ts';

const Page = suite<DataWorld>('console dashboard page (browser)');

Page.before(async (context) => {
  Object.assign(context, await startDataWorld());
});

Page.after(async ({ world }) => {
  await world?.close();
});

Page('the dashboard draws its four charts, each an accessible image with its numbers', async ({ world }) => {
  const page = await world.signedInPage();
  await page.goto(`${world.url}/`);
  assert.is(await page.locator('div.chart svg[role=img]').count(), 5, 'runs per day, lines, rows, variances, drift');
  assert.match((await page.textContent('#runs-per-day title')) ?? '', 'Runs per day');
  assert.ok((await page.locator('#runs-per-day rect.bar').count()) >= 2, 'bars of runs');
  assert.match((await page.locator('#runs-per-day').innerHTML()) ?? '', 'failed: 1');
  assert.is(await page.locator('#lines-per-push rect.bar').count(), 2);
  assert.is(await page.locator('#drift circle.point').count(), 2);
  await world.screenshot(page, 'data-dashboard');
});

Page('the JSON API: /api/dashboard has the figures the charts draw', async ({ world }) => {
  const page = await world.signedInPage();
  const answer = await page.request.get(`${world.url}/api/dashboard`);
  assert.is(answer.status(), 200);
  const figures = (await answer.json()) as {
    runsPerDay: Array<{ day: string; runs: Record<string, number> }>;
    linesPerPush: Array<{ runId: string; values: Record<string, number> }>;
    drift: unknown[];
  };
  assert.is(figures.runsPerDay.length, 14);
  assert.is(
    figures.runsPerDay.reduce((sum, d) => sum + (d.runs.failed ?? 0), 0),
    1,
  );
  assert.equal(
    figures.linesPerPush.map((p) => [p.runId, p.values.lines]),
    [
      ['hard-sync-1', 300],
      ['push-1', 12],
    ],
  );
  assert.is(figures.drift.length, 2);
  const signedOut = await (await world.freshPage()).request.get(`${world.url}/api/dashboard`);
  assert.is(signedOut.status(), 401);
});

Page.run();
