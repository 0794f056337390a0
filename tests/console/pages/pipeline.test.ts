import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { JobRun } from '../../../src/composition/job-control.ts';
import { registerJobsPages } from '../../../src/console/pages/jobs.ts';
import { pipelineFilterFrom, registerPipelinePages } from '../../../src/console/pages/pipeline.ts';
import { consoleClient } from '../../support/console-client.ts';
import { doubleDeps, NOW } from '../../support/console-deps.ts';

const run = (over: Partial<JobRun>): JobRun => ({
  runId: 'hard-sync-1',
  job: 'hard-sync',
  parameters: { facilityGroupId: 'SHOPIFY_US' },
  worker: 'w1',
  startedAt: new Date(NOW.getTime() - 65_000),
  finishedAt: new Date(NOW.getTime() - 5_000),
  outcome: 'succeeded',
  leaseUntil: null,
  counts: { lines: 3 },
  error: null,
  trigger: 'console',
  progress: null,
  ...over,
});

const Filter = suite('pipelineFilterFrom');

Filter('a job, a status, a cursor and a limit; anything else refused', () => {
  assert.equal(pipelineFilterFrom({}), { ok: true, filter: {} });
  assert.equal(pipelineFilterFrom({ job: 'hard-sync', status: 'failed', before: 'abc:1', limit: '20' }), {
    ok: true,
    filter: { job: 'hard-sync', status: 'failed', before: 'abc:1', limit: 20 },
  });
  assert.is(pipelineFilterFrom({ job: 'drop table' }).ok, false);
  assert.is(pipelineFilterFrom({ status: 'running' }).ok, false);
  assert.is(pipelineFilterFrom({ before: '<x>' }).ok, false);
  assert.is(pipelineFilterFrom({ limit: '500' }).ok, false);
});

const Pipeline = suite('Pipeline page');

Pipeline(
  'pending, running (polled every 2 s) and history with badges, durations, counts and the failure reason',
  async () => {
    const { deps, jobs } = doubleDeps();
    jobs.runs.set('hard-sync-1', { run: run({}), report: null, rerunnable: false });
    jobs.runs.set('push-1', {
      run: run({ runId: 'push-1', job: 'push-changes', outcome: 'failed', error: 'ShopifyUnavailable: <503>' }),
      report: null,
      rerunnable: true,
    });
    jobs.runs.set('verify-1', {
      run: run({
        runId: 'verify-1',
        job: 'verify',
        outcome: 'running',
        finishedAt: null,
        progress: { step: 'products', done: 40, total: 100, at: NOW },
      }),
      report: null,
      rerunnable: false,
    });
    await jobs.setSchedule({
      job: 'push-changes',
      parameters: { facilityGroupId: 'SHOPIFY_US' },
      schedule: { preset: 'every-15-minutes' },
      by: 'ops',
    });
    const client = await consoleClient(deps, [registerPipelinePages]);
    const page = await client.get('/pipeline');
    assert.is(page.statusCode, 200);
    assert.match(page.body, 'hx-get="/pipeline/sections" hx-trigger="every 2s"');
    assert.match(page.body, '<tr class="pending scheduled" data-job="push-changes">');
    assert.match(page.body, '2026-12-02 04:15:00 UTC');
    assert.match(page.body, /<tr class="running" data-run="verify-1"[^>]*>/);
    assert.match(page.body, 'products: 40 of 100');
    assert.match(page.body, '<span class="badge succeeded">succeeded</span>');
    assert.match(page.body, '1 min 00 s');
    assert.match(page.body, 'lines 3');
    assert.match(page.body, 'ShopifyUnavailable: &lt;503&gt;');
    assert.match(page.body, '<details id="why-push-1" hx-preserve><summary>Why</summary>');
    const filtered = await client.get('/pipeline?job=push-changes&status=failed');
    assert.match(filtered.body, 'data-run="push-1"');
    assert.not.match(filtered.body, 'data-run="hard-sync-1" data-job="hard-sync" data-status');
    assert.match(filtered.body, '<option value="push-changes" selected>');
    assert.is((await client.get('/pipeline?status=bogus')).statusCode, 400);
    const sections = await client.get('/pipeline/sections?job=push-changes', { 'hx-request': 'true' });
    assert.match(sections.body, '<div id="pipeline-sections" hx-get="/pipeline/sections?job=push-changes"');
    assert.not.match(sections.body, '<html');
    await client.close();
  },
);

Pipeline('cancel a queued run (CSRF needed); the JSON API', async () => {
  const { deps, jobs } = doubleDeps();
  const client = await consoleClient(deps, [registerPipelinePages]);
  await client.get('/pipeline');
  assert.is((await client.post('/pipeline/cancel', { job: 'hard-sync', queuedId: 'q-9' }, false)).statusCode, 403);
  const cancelled = await client.post('/pipeline/cancel', { job: 'hard-sync', queuedId: 'q-9' });
  assert.is(cancelled.statusCode, 303);
  assert.equal(jobs.calls.at(-1), { method: 'cancel', args: ['hard-sync', 'q-9', 'ops'] });
  assert.is((await client.post('/pipeline/cancel', { job: 'hard-sync', queuedId: '../../x' })).statusCode, 400);
  const json = await client.get('/api/pipeline?job=hard-sync');
  assert.is(json.statusCode, 200);
  assert.equal(Object.keys(json.json() as object).sort(), ['history', 'next', 'pending', 'running']);
  await client.close();
});

Pipeline(
  'paged: an "Older runs" link with the cursor job control gave, keeping the filters; "Newest" back',
  async () => {
    const { deps, jobs } = doubleDeps();
    jobs.runs.set('hard-sync-1', { run: run({}), report: null, rerunnable: false });
    const paged = {
      ...jobs,
      pipeline: async (filter: Parameters<typeof jobs.pipeline>[0]) => {
        const page = await jobs.pipeline(filter);
        return page._tag === 'Left' ? page : { ...page, right: { ...page.right, next: 'c1:hard-sync-1' } };
      },
    };
    const client = await consoleClient({ ...deps, jobs: paged }, [registerPipelinePages]);
    const first = await client.get('/pipeline?job=hard-sync');
    assert.match(first.body, '<a rel="next" href="/pipeline?job=hard-sync&amp;before=c1%3Ahard-sync-1">');
    assert.not.match(first.body, '>Newest</a>');
    const second = await client.get('/pipeline?job=hard-sync&before=c1%3Ahard-sync-1');
    assert.equal(jobs.calls.at(-1), { method: 'pipeline', args: [{ job: 'hard-sync', before: 'c1:hard-sync-1' }] });
    assert.match(second.body, '<a href="/pipeline?job=hard-sync">Newest</a>');
    await client.close();
  },
);

Pipeline(
  'Skip once from a pending scheduled run: back to the pipeline, the row marked; Do not skip takes it back',
  async () => {
    const { deps, jobs } = doubleDeps();
    await jobs.setSchedule({
      job: 'push-changes',
      parameters: { facilityGroupId: 'SHOPIFY_US' },
      schedule: { preset: 'every-15-minutes' },
      by: 'ops',
    });
    const client = await consoleClient(deps, [registerPipelinePages, registerJobsPages]);
    const page = await client.get('/pipeline');
    assert.match(page.body, 'action="/jobs/push-changes/schedules/skip"');
    const skipped = await client.post('/jobs/push-changes/schedules/skip', {
      key: 'SHOPIFY_US',
      skip: 'true',
      back: 'pipeline',
    });
    assert.is(skipped.headers.location, '/pipeline?job=push-changes');
    const after = await client.get('/pipeline');
    assert.match(after.body, '<span class="badge skipped">skipped</span>');
    assert.match(after.body, '(skipped once)');
    assert.match(after.body, 'Do not skip');
    await client.close();
  },
);

Filter.run();
Pipeline.run();
