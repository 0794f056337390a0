// The Jobs, Pipeline and Run pages in a real chromium, against the real console on PostgreSQL with the test kit's
// Shopify and a real worker (pg-boss): a schedule of every 15 minutes with its next run times, Run now a Hard Sync
// watched pending -> running -> completed, its report, an import with bad rows and its error file, CSRF refused.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import type { Page } from 'playwright-core';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as demo from '../../src/cli/demo-data.ts';
import { startWorker, type Worker } from '../../src/worker/worker.ts';
import { seedDemoChannel, startConsoleWorld, type ConsoleWorld } from '../support/console.ts';

const Browser = suite<{ world: ConsoleWorld; worker: Worker | null }>(
  'console Jobs, Pipeline and Run (browser, PostgreSQL)',
);

Browser.before(async (context) => {
  context.worker = null;
  context.world = await startConsoleWorld({
    prefix: 'h_cc_',
    settings: { worker: { inboxPollSeconds: 0, schedules: [] } },
  });
  await seedDemoChannel(context.world);
});
Browser.after(async ({ world, worker }) => {
  await worker?.stop();
  await world?.close();
});

const card = (page: Page, job: string) => page.locator(`#job-${job}`);

Browser(
  'Jobs: Upload recent inventory changes every 15 minutes for the channel group shows its next run times; a required parameter blocks saving',
  async ({ world }) => {
    const page = await world.signedInPage();
    await page.goto(`${world.url}/jobs`);
    assert.is(await page.locator('section.card.job').count(), 7);
    await world.screenshot(page, 'jobs');
    // Hard Sync without its facility group: the browser does not send the form.
    const hardSync = card(page, 'hard-sync');
    await hardSync.locator('details.schedule-form summary').click();
    await hardSync.locator('select[name=preset]').selectOption('daily');
    await hardSync.locator('button', { hasText: 'Save schedule' }).click();
    assert.is(new URL(page.url()).search, '', 'not saved');
    assert.is(
      await hardSync
        .locator('details.schedule-form select[name=facilityGroupId]')
        .evaluate((e) => (e as unknown as { validity: { valueMissing: boolean } }).validity.valueMissing),
      true,
    );
    // Upload recent inventory changes, every 15 minutes, for SHOPIFY_US.
    const push = card(page, 'push-changes');
    await push.locator('details.schedule-form summary').click();
    await push.locator('select[name=preset]').selectOption('every-15-minutes');
    const options = await push.locator('details.schedule-form select[name=facilityGroupId] option').allTextContents();
    assert.ok(options.includes(demo.demoChannelGroup.facilityGroupId), options.join(','));
    await push
      .locator('details.schedule-form select[name=facilityGroupId]')
      .selectOption(demo.demoChannelGroup.facilityGroupId);
    await Promise.all([
      page.waitForURL((u) => u.search.includes('done=saved')),
      push.locator('button', { hasText: 'Save schedule' }).click(),
    ]);
    const saved = card(page, 'push-changes');
    assert.match((await saved.locator('h2 .badge').textContent()) ?? '', 'active');
    assert.match((await saved.locator('li.schedule').textContent()) ?? '', 'Every 15 minutes (*/15 * * * *)');
    const times = await saved
      .locator('ul.next-runs time')
      .evaluateAll((ts) => ts.map((t) => t.getAttribute('datetime') ?? ''));
    assert.ok(times.length >= 3, `next runs: ${times.join(', ')}`);
    for (const t of times) assert.is(new Date(t).getUTCMinutes() % 15, 0, t);
    assert.ok(new Date(times[0] ?? '').getTime() > Date.now() - 1000);
    assert.ok(new Date(times[0] ?? '').getTime() <= Date.now() + 15 * 60_000);
    await world.screenshot(page, 'jobs-scheduled');
    // Skip once, then pause: the card follows.
    await Promise.all([
      page.waitForURL((u) => u.search.includes('done=skipped')),
      saved.locator('button', { hasText: 'Skip once' }).click(),
    ]);
    assert.match((await card(page, 'push-changes').locator('ul.next-runs').textContent()) ?? '', 'skipped once');
    await Promise.all([
      page.waitForURL((u) => u.search.includes('done=paused')),
      card(page, 'push-changes').locator('button', { hasText: 'Pause' }).click(),
    ]);
    assert.match((await card(page, 'push-changes').locator('h2 .badge').textContent()) ?? '', 'paused');
    await Promise.all([
      page.waitForURL((u) => u.search.includes('done=resumed')),
      card(page, 'push-changes').locator('button', { hasText: 'Resume' }).click(),
    ]);
    assert.match((await card(page, 'push-changes').locator('h2 .badge').textContent()) ?? '', 'active');
  },
);

Browser('Run now a Hard Sync: pending, then running on a worker, then completed; its report', async (context) => {
  const { world } = context;
  const page = await world.signedInPage();
  page.on('dialog', (d) => void d.accept());
  await page.goto(`${world.url}/jobs`);
  const hardSync = card(page, 'hard-sync');
  await hardSync.locator('button', { hasText: 'Run now…' }).click();
  const dialog = page.locator('dialog#run-hard-sync');
  await dialog.locator('select[name=facilityGroupId]').selectOption(demo.demoChannelGroup.facilityGroupId);
  await world.screenshot(page, 'jobs-run-now');
  await Promise.all([
    page.waitForURL((u) => u.pathname === '/pipeline'),
    dialog.locator('button', { hasText: 'Run now' }).click(),
  ]);
  // No worker yet: it waits, queued.
  await page.locator('#pending tr.queued[data-job="hard-sync"]').waitFor({ timeout: 10_000 });
  await world.screenshot(page, 'pipeline-pending');
  // The positions locked, the run blocks once started: the page shows it running.
  const lock = new pg.Client({ connectionString: world.env.DATABASE_URL });
  await lock.connect();
  try {
    await lock.query('begin');
    await lock.query('lock table inventory_position in access exclusive mode');
    const worker = await startWorker({
      config: world.config,
      worker: 'test-worker-1',
      schedules: [],
      logger: () => undefined,
      tuning: { pollingIntervalSeconds: 0.5, superviseIntervalSeconds: 1 },
    });
    if (worker._tag === 'Left') throw new Error(JSON.stringify(worker.left));
    context.worker = worker.right;
    await page.locator('#running tr.running[data-job="hard-sync"]').waitFor({ timeout: 30_000 });
    assert.match(
      (await page.locator('#running tr.running[data-job="hard-sync"]').textContent()) ?? '',
      'test-worker-1',
    );
    await world.screenshot(page, 'pipeline-running');
  } finally {
    await lock.query('commit').catch(() => undefined);
    await lock.end();
  }
  const done = page.locator('#history tr.history[data-job="hard-sync"][data-status="succeeded"]');
  await done.waitFor({ timeout: 30_000 });
  assert.is(await page.locator('#running tr.running[data-job="hard-sync"]').count(), 0);
  await world.screenshot(page, 'pipeline');
  await Promise.all([page.waitForURL((u) => u.pathname.startsWith('/runs/')), done.locator('a').first().click()]);
  assert.match((await page.locator('.run-status').textContent()) ?? '', 'succeeded');
  const facts = (await page.locator('#run-facts').textContent()) ?? '';
  assert.match(facts, 'Hard Sync');
  assert.match(facts, `facilityGroupId ${demo.demoChannelGroup.facilityGroupId}`);
  assert.match(facts, 'test-worker-1');
  await world.screenshot(page, 'run-hard-sync');
  // The pipeline's filters: by job and by status.
  await page.goto(`${world.url}/pipeline?job=hard-sync&status=failed`);
  assert.is(await page.locator('#history tr').count(), 0);
  await page.goto(`${world.url}/pipeline?job=hard-sync&status=succeeded`);
  assert.ok((await page.locator('#history tbody tr').count()) >= 1);
});

Browser(
  'an import with bad rows: its report lists each rejected row, and its error file downloads',
  async ({ world, worker }) => {
    assert.ok(worker, 'the worker of the test before');
    const name = 'inventory-20261202T010000Z.csv';
    writeFileSync(join(world.inbox, name), `${demo.demoExport.trimEnd()}\r\nSKU-200 Canvas Tote,101,lots,5200\r\n`);
    const page = await world.signedInPage();
    page.on('dialog', (d) => void d.accept());
    await page.goto(`${world.url}/jobs`);
    await card(page, 'import').locator('button', { hasText: 'Run now…' }).click();
    await Promise.all([
      page.waitForURL((u) => u.pathname === '/pipeline'),
      page.locator('dialog#run-import button', { hasText: 'Run now' }).click(),
    ]);
    const done = page.locator('#history tr.history[data-job="import"]');
    await done.first().waitFor({ timeout: 60_000 });
    await Promise.all([
      page.waitForURL((u) => u.pathname.startsWith('/runs/')),
      done.first().locator('a').first().click(),
    ]);
    const rows = await page.locator('#rejected-rows tbody tr').allTextContents();
    assert.ok(
      rows.some((r) => r.includes('lots') || r.includes('availableQty')),
      rows.join('\n'),
    );
    assert.ok(
      rows.some((r) => r.includes('conflicting duplicate')),
      rows.join('\n'),
    );
    const link = page.locator('#files a.error-file');
    await link.first().waitFor();
    await world.screenshot(page, 'run-import-rejected');
    const [download] = await Promise.all([page.waitForEvent('download'), link.first().click()]);
    const path = await download.path();
    const text = readFileSync(path, 'utf8');
    assert.match(text, 'lots');
  },
);

Browser('a change without the CSRF token is refused (403), with a clear page and JSON', async ({ world }) => {
  const page = await world.signedInPage();
  const form = await page.request.post(`${world.url}/jobs/hard-sync/run`, {
    form: { facilityGroupId: demo.demoChannelGroup.facilityGroupId },
    maxRedirects: 0,
  });
  assert.is(form.status(), 403);
  assert.match(await form.text(), 'Refused: no valid CSRF token');
  const api = await page.request.post(`${world.url}/api/jobs/hard-sync/run`, {
    data: { parameters: { facilityGroupId: demo.demoChannelGroup.facilityGroupId } },
    headers: { 'x-csrf-token': 'forged' },
  });
  assert.is(api.status(), 403);
  assert.is(((await api.json()) as { error: { status: number } }).error.status, 403);
  const jobs = await page.request.get(`${world.url}/api/jobs`);
  assert.is(jobs.status(), 200);
  assert.is(((await jobs.json()) as { schedulesShared: boolean }).schedulesShared, true);
});

Browser('the browser reported no error on any page (no CSP refusal, no script error)', ({ world }) => {
  assert.equal(world.browserErrors, []);
});

Browser.run();
