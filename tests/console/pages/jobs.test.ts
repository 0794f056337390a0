import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { parametersFrom, registerJobsPages } from '../../../src/console/pages/jobs.ts';
import { consoleClient } from '../../support/console-client.ts';
import { doubleDeps } from '../../support/console-deps.ts';

const Jobs = suite('Jobs page');

Jobs(
  'a card per job with its state; required parameters as chips; the facility group a choice of channel groups',
  async () => {
    const { deps } = doubleDeps();
    const client = await consoleClient(deps, [registerJobsPages]);
    const page = await client.get('/jobs');
    assert.is(page.statusCode, 200);
    for (const title of [
      'Hard Sync',
      'Upload recent inventory changes',
      'Process uploads to eCommerce',
      'Map products to Shopify',
    ])
      assert.match(page.body, `${title} <span class="badge not-configured">`);
    assert.match(page.body, '<span class="chip missing">Facility group</span>');
    assert.match(page.body, '<option value="SHOPIFY_US">SHOPIFY_US</option>');
    assert.match(page.body, /<select id="hard-sync-schedule-facilityGroupId" name="facilityGroupId" required>/);
    assert.match(page.body, 'Schedules live in the database');
    // Hard Sync is slow: hourly or slower only.
    const hardSync = page.body.slice(
      page.body.indexOf('id="job-hard-sync"'),
      page.body.indexOf('id="job-push-changes"'),
    );
    assert.not.match(hardSync, 'Every 15 minutes');
    assert.match(hardSync, '<option value="hourly">Hourly</option>');
    await client.close();
  },
);

Jobs('save every 15 minutes for the channel group: the card shows the schedule and its next run times', async () => {
  const { deps, jobs } = doubleDeps();
  const client = await consoleClient(deps, [registerJobsPages]);
  await client.get('/jobs');
  const saved = await client.post('/jobs/push-changes/schedules', {
    preset: 'every-15-minutes',
    cron: '',
    facilityGroupId: 'SHOPIFY_US',
  });
  assert.is(saved.statusCode, 303);
  assert.is(saved.headers.location, '/jobs?done=saved#job-push-changes');
  assert.equal(jobs.calls.at(-1), {
    method: 'setSchedule',
    args: [
      {
        job: 'push-changes',
        parameters: { facilityGroupId: 'SHOPIFY_US' },
        schedule: { preset: 'every-15-minutes' },
        by: 'ops',
      },
    ],
  });
  const page = await client.get('/jobs?done=saved');
  assert.match(page.body, 'Schedule saved.');
  const pushCard = page.body.slice(
    page.body.indexOf('id="job-push-changes"'),
    page.body.indexOf('id="job-process-uploads"'),
  );
  assert.match(pushCard, 'Needs: <span class="chip">Facility group</span>', 'given by its schedule: no longer missing');
  assert.match(page.body, 'Every 15 minutes (*/15 * * * *)');
  assert.match(page.body, '2026-12-02 04:15:00 UTC');
  assert.match(page.body, 'in 15 min');
  await client.close();
});

Jobs('a refused schedule shows the reason on the page (400); a custom cron is passed as given', async () => {
  const { deps } = doubleDeps();
  const client = await consoleClient(deps, [registerJobsPages]);
  await client.get('/jobs');
  const missing = await client.post('/jobs/hard-sync/schedules', { preset: 'daily' });
  assert.is(missing.statusCode, 400);
  assert.match(missing.body, 'needs facilityGroupId');
  const bad = await client.post('/jobs/import/schedules', { preset: 'custom', cron: '<every day>' });
  assert.is(bad.statusCode, 400);
  assert.match(bad.body, '&#39;&lt;every day&gt;&#39; is not a cron expression');
  const unknown = await client.post('/jobs/no-such-job/schedules', { preset: 'daily' });
  assert.is(unknown.statusCode, 400);
  await client.close();
});

Jobs('pause, resume, skip once and remove go to job control with the schedule key and the user', async () => {
  const { deps, jobs } = doubleDeps();
  const client = await consoleClient(deps, [registerJobsPages]);
  await client.get('/jobs');
  await client.post('/jobs/push-changes/schedules', { preset: 'every-15-minutes', facilityGroupId: 'SHOPIFY_US' });
  assert.is(
    (await client.post('/jobs/push-changes/schedules/skip', { key: 'SHOPIFY_US', skip: 'true' })).headers.location,
    '/jobs?done=skipped#job-push-changes',
  );
  assert.match((await client.get('/jobs')).body, 'skipped once');
  assert.is((await client.post('/jobs/push-changes/schedules/pause', { key: 'SHOPIFY_US' })).statusCode, 303);
  assert.match((await client.get('/jobs')).body, 'Upload recent inventory changes <span class="badge paused">');
  await client.post('/jobs/push-changes/schedules/resume', { key: 'SHOPIFY_US' });
  await client.post('/jobs/push-changes/schedules/remove', { key: 'SHOPIFY_US' });
  assert.equal(
    jobs.calls.slice(1).map((c) => [c.method, c.args[0], c.args[1]]),
    [
      ['skipOnce', { job: 'push-changes', key: 'SHOPIFY_US' }, 'ops'],
      ['pause', { job: 'push-changes', key: 'SHOPIFY_US' }, 'ops'],
      ['resume', { job: 'push-changes', key: 'SHOPIFY_US' }, 'ops'],
      ['removeSchedule', { job: 'push-changes', key: 'SHOPIFY_US' }, 'ops'],
    ],
  );
  const badKey = await client.post('/jobs/push-changes/schedules/pause', { key: '../x' });
  assert.is(badKey.statusCode, 400);
  await client.close();
});

Jobs(
  'Run now: queued on PostgreSQL (to the pipeline), started in process on SQLite (to the run); the page says schedules need PostgreSQL',
  async () => {
    const pg = doubleDeps(true);
    const client = await consoleClient(pg.deps, [registerJobsPages]);
    await client.get('/jobs');
    const queued = await client.post('/jobs/hard-sync/run', { facilityGroupId: 'SHOPIFY_US', stray: 'x' });
    assert.is(queued.headers.location, '/pipeline?job=hard-sync&queued=1');
    assert.equal(pg.jobs.calls.at(-1)?.args[0], {
      job: 'hard-sync',
      parameters: { facilityGroupId: 'SHOPIFY_US' },
      by: 'ops',
    });
    await client.close();
    const lite = doubleDeps(false);
    const local = await consoleClient(lite.deps, [registerJobsPages]);
    const page = await local.get('/jobs');
    assert.match(page.body, 'Schedules need the PostgreSQL store');
    assert.match(page.body, "Run now runs the job in the console's process");
    assert.not.match(page.body, 'Save schedule');
    const started = await local.post('/jobs/hard-sync/run', { facilityGroupId: 'SHOPIFY_US' });
    assert.is(started.headers.location, '/runs/hard-sync-run-1');
    await local.close();
  },
);

Jobs('the cron preview fragment: next times, or the problem', async () => {
  const { deps } = doubleDeps();
  const client = await consoleClient(deps, [registerJobsPages]);
  assert.match((await client.get('/jobs/import/preview?cron=*/15+*+*+*+*')).body, 'Next: 2026-12-02 04:15:00 UTC');
  assert.match(
    (await client.get('/jobs/import/preview?cron=%3Cb%3E')).body,
    '&#39;&lt;b&gt;&#39; is not a cron expression',
  );
  await client.close();
});

Jobs('the JSON API: the cards, a schedule saved, Run now (202); without the CSRF token refused (403)', async () => {
  const { deps } = doubleDeps();
  const client = await consoleClient(deps, [registerJobsPages]);
  const cards = await client.get('/api/jobs');
  assert.is(cards.statusCode, 200);
  const body = cards.json() as { schedulesShared: boolean; jobs: Array<{ job: string }> };
  assert.is(body.schedulesShared, true);
  assert.is(body.jobs.length, 7);
  const saved = await client.api('PUT', '/api/jobs/push-changes/schedules', {
    preset: 'every-15-minutes',
    parameters: { facilityGroupId: 'SHOPIFY_US' },
  });
  assert.is(saved.statusCode, 200);
  assert.is((saved.json() as { cron: string }).cron, '*/15 * * * *');
  const run = await client.api('POST', '/api/jobs/hard-sync/run', { parameters: { facilityGroupId: 'SHOPIFY_US' } });
  assert.is(run.statusCode, 202);
  assert.equal(run.json(), { kind: 'queued', job: 'hard-sync', queuedId: 'q-1' });
  const refused = await client.api(
    'POST',
    '/api/jobs/hard-sync/run',
    { parameters: { facilityGroupId: 'SHOPIFY_US' } },
    false,
  );
  assert.is(refused.statusCode, 403);
  const invalid = await client.api('PUT', '/api/jobs/hard-sync/schedules', { cron: 'nope' });
  assert.is(invalid.statusCode, 400);
  assert.is((invalid.json() as { error: { _tag: string } }).error._tag, 'CronInvalid');
  await client.close();
});

const Parameters = suite('parametersFrom');

Parameters("only the job's own parameters, trimmed, blanks left out; a JSON body's parameters object too", () => {
  const card = { parameters: { required: ['facilityGroupId'], optional: ['sample'] } };
  assert.equal(parametersFrom(card, { facilityGroupId: ' SHOPIFY_US ', sample: '', other: 'x' }), {
    facilityGroupId: 'SHOPIFY_US',
  });
  assert.equal(parametersFrom(card, { parameters: { facilityGroupId: 'G', sample: 5 } }), {
    facilityGroupId: 'G',
    sample: '5',
  });
});

Jobs(
  'reset to the settings file: a confirmed form (and the API) replaces every schedule; refused without CSRF',
  async () => {
    const { deps, jobs } = doubleDeps();
    const client = await consoleClient(deps, [registerJobsPages]);
    const page = await client.get('/jobs');
    assert.match(
      page.body,
      /<form method="post" action="\/jobs\/schedules\/reset" data-confirm="Replace every schedule/,
    );
    const refused = await client.post('/jobs/schedules/reset', {}, false);
    assert.is(refused.statusCode, 403);
    assert.not.ok(
      jobs.calls.some((c) => c.method === 'resetSchedules'),
      'nothing reset without the token',
    );
    const reset = await client.post('/jobs/schedules/reset');
    assert.is(reset.statusCode, 303);
    assert.is(reset.headers.location, '/jobs?done=reset');
    assert.equal(jobs.calls.at(-1), { method: 'resetSchedules', args: ['ops'] });
    assert.match((await client.get('/jobs?done=reset')).body, 'Every schedule is the settings file&#39;s again.');
    const api = await client.api('POST', '/api/jobs/schedules/reset', {});
    assert.is(api.statusCode, 200);
    assert.is(jobs.calls.filter((c) => c.method === 'resetSchedules').length, 2);
    await client.close();
  },
);

Jobs.run();
Parameters.run();
