// On the SQLite store, in a real chromium: the Jobs page says schedules need PostgreSQL, and Run now runs the job
// in the console's own process; its page follows it to the end.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as demo from '../../src/cli/demo-data.ts';
import { seedDemoChannel, startConsoleWorld, type ConsoleWorld } from '../support/console.ts';

const Lite = suite<{ world: ConsoleWorld }>('console Jobs on SQLite (browser)');

Lite.before(async (context) => {
  context.world = await startConsoleWorld({ store: 'sqlite' });
  await seedDemoChannel(context.world);
});
Lite.after(async ({ world }) => {
  await world?.close();
});

Lite(
  'schedules need PostgreSQL; Run now runs Hard Sync in the console and its page shows it succeeded',
  async ({ world }) => {
    const page = await world.signedInPage();
    page.on('dialog', (d) => void d.accept());
    await page.goto(`${world.url}/jobs`);
    assert.match((await page.locator('main').textContent()) ?? '', 'Schedules need the PostgreSQL store');
    assert.is(await page.locator('button', { hasText: 'Save schedule' }).count(), 0);
    await world.screenshot(page, 'jobs-sqlite');
    await page.locator('#job-hard-sync button', { hasText: 'Run now…' }).click();
    await page
      .locator('dialog#run-hard-sync select[name=facilityGroupId]')
      .selectOption(demo.demoChannelGroup.facilityGroupId);
    await Promise.all([
      page.waitForURL((u) => u.pathname.startsWith('/runs/')),
      page.locator('dialog#run-hard-sync button', { hasText: 'Run now' }).click(),
    ]);
    await page.locator('#run-facts[data-status="succeeded"]').waitFor({ timeout: 30_000 });
    assert.match((await page.locator('#run-facts').textContent()) ?? '', 'console:');
    await page.goto(`${world.url}/pipeline`);
    assert.is(await page.locator('#history tr.history[data-job="hard-sync"][data-status="succeeded"]').count(), 1);
  },
);

Lite("a failed run's reason, opened on the Pipeline page, stays open across the 2 s refresh", async ({ world }) => {
  const store = world.live.store;
  const startedAt = new Date(Date.now() - 60_000);
  const runId = 'verify-20261202T000000000Z-f41led';
  await store.startRun({
    runId,
    job: 'verify',
    parameters: { facilityGroupId: 'SHOPIFY_US' },
    worker: 'w-test',
    startedAt,
  })();
  await store.finishRun(runId, {
    finishedAt: new Date(),
    outcome: 'failed',
    counts: {},
    error: 'ShopifyUnavailable: 503 <gateway>',
  })();
  const page = await world.signedInPage();
  await page.goto(`${world.url}/pipeline?job=verify`);
  const why = page.locator(`details[id="why-${runId}"]`);
  await why.locator('summary').click();
  assert.match((await why.locator('p.problem').textContent()) ?? '', 'ShopifyUnavailable: 503 <gateway>');
  // Two refreshes later it is still open.
  await page.waitForResponse((r) => r.url().includes('/pipeline/sections'));
  await page.waitForResponse((r) => r.url().includes('/pipeline/sections'));
  assert.is(await why.evaluate((d) => (d as unknown as { open: boolean }).open), true);
  await world.screenshot(page, 'pipeline-failure-reason');
});

Lite('the browser reported no error on any page (no CSP refusal, no script error)', ({ world }) => {
  assert.equal(world.browserErrors, []);
});

Lite.run();
