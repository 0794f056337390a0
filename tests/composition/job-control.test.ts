// Job control over a real SQLite store: with a job queue that keeps its schedules and runs in memory (the pg-boss
// queue's own tests are in tests/worker/job-control-live.test.ts), and with none (SQLite: Run now in this process).
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import type { Either } from 'fp-ts/lib/Either.js';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { loadConfig } from '../../src/composition/config.ts';
import { cronProblem } from '../../src/composition/cron.ts';
import {
  frequencyProblem,
  type JobControl,
  jobControl,
  nextOccurrences,
  presetsOf,
  SCHEDULE_PRESETS,
} from '../../src/composition/job-control.ts';
import {
  type JobQueue,
  originOf,
  parametersOf,
  type QueuedRun,
  type QueueSchedule,
  resetSchedules,
  runData,
  type RunOrigin,
  seedSchedules,
} from '../../src/composition/job-queue.ts';
import { type JobName, type LiveStore, openLiveStore, type JobRequest } from '../../src/composition/jobs.ts';
import { exportCsv, FACILITIES, PRODUCTS, STOCK } from '../support/import-scenario.ts';
import { run } from '../support/run.ts';
import { until } from '../support/wait.ts';

const NOW = new Date('2026-12-15T10:07:00.000Z');

// A job queue in memory: what pg-boss keeps, as plainly as it can be kept.
const memoryQueue = () => {
  const schedules = new Map<string, QueueSchedule>();
  const runs: Array<QueuedRun & { data: Record<string, unknown> }> = [];
  let id = 0;
  const right = <A>(a: A): Promise<Either<never, A>> => Promise.resolve({ _tag: 'Right', right: a });
  const queue: JobQueue = {
    send: (request: JobRequest, origin?: RunOrigin) => {
      const data = runData(request.parameters, origin);
      const queuedId = `00000000-0000-4000-8000-${String(++id).padStart(12, '0')}`;
      runs.push({
        id: queuedId,
        job: request.job,
        parameters: parametersOf(data),
        origin: originOf(data),
        state: 'created',
        createdAt: NOW,
        startAfter: NOW,
        retryCount: 0,
        data,
      });
      return right(queuedId);
    },
    schedule: (s) => {
      schedules.set(`${s.job}\n${s.key}`, { ...s, marked: true });
      return right(undefined);
    },
    unschedule: (job, key) => {
      schedules.delete(`${job}\n${key}`);
      return right(undefined);
    },
    schedules: () => right([...schedules.values()]),
    queued: () => right(runs.filter((r) => r.state === 'created')),
    cancel: (_job, queuedId) => {
      const found = runs.find((r) => r.id === queuedId && r.state === 'created');
      if (found !== undefined) runs.splice(runs.indexOf(found), 1);
      return right(found !== undefined);
    },
  };
  return { queue, schedules, runs };
};

const right = <A>(e: Either<unknown, A>): A => {
  if (e._tag === 'Left') throw new Error(JSON.stringify(e.left));
  return e.right;
};
const leftTag = (e: Either<{ _tag: string; message: string }, unknown>): [string, string] =>
  e._tag === 'Left' ? [e.left._tag, e.left.message] : ['Right', ''];

const setUp = async () => {
  const dir = mkdtempSync(join(tmpdir(), 'oms-inventory-sync-job-control-'));
  mkdirSync(join(dir, 'inbox'));
  const config = right(
    loadConfig(
      {
        inventoryStore: { sqlite: { file: join(dir, 'inventory.sqlite') } },
        inbox: { local: { root: join(dir, 'inbox') } },
        outbox: { local: { root: join(dir, 'outbox') } },
        import: { settleMs: 0 },
      },
      {},
    ),
  );
  const live: LiveStore = right(await openLiveStore(config)());
  const { store } = live;
  await run(store.saveFacilities(FACILITIES));
  await run(store.saveProducts(PRODUCTS));
  await run(store.saveStockLevels(STOCK));
  await run(
    store.saveFacilityGroup({
      facilityGroupId: 'SHOPIFY_US',
      facilityGroupTypeId: 'CHANNEL_FAC_GROUP',
      facilityIds: ['WAREHOUSE'],
    }),
  );
  await run(store.saveFacilityGroup({ facilityGroupId: 'STORES', facilityGroupTypeId: 'OTHER', facilityIds: [] }));
  return {
    dir,
    live,
    dispose: async () => {
      await live.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
};

type World = Awaited<ReturnType<typeof setUp>>;
let world: World;
let memory: ReturnType<typeof memoryQueue>;
let control: JobControl;
const rules = suite('job control: the rules of a schedule');
rules('presets and custom crons are judged by the worker’s rule; slow jobs hourly or slower', () => {
  assert.equal(presetsOf('hard-sync', NOW), ['hourly', 'every-6-hours', 'daily']);
  assert.equal(presetsOf('verify', NOW), ['hourly', 'every-6-hours', 'daily']);
  assert.equal(presetsOf('push-changes', NOW), Object.keys(SCHEDULE_PRESETS));
  assert.is(frequencyProblem('hard-sync', '0 * * * *', 'UTC', NOW), null);
  assert.match(frequencyProblem('hard-sync', '0,30 3 * * *', 'UTC', NOW) ?? '', /30 minutes apart/);
  assert.is(frequencyProblem('push-changes', '* * * * *', 'UTC', NOW), null);
  assert.equal(
    nextOccurrences('*/15 * * * *', 'UTC', NOW, 3).map((d) => d.toISOString()),
    ['2026-12-15T10:15:00.000Z', '2026-12-15T10:30:00.000Z', '2026-12-15T10:45:00.000Z'],
  );
  // 03:00 in New York is 08:00 UTC in December.
  assert.equal(
    nextOccurrences('0 3 * * *', 'America/New_York', NOW, 1).map((d) => d.toISOString()),
    ['2026-12-16T08:00:00.000Z'],
  );
});
rules.run();

const schedules = suite('job control: schedules over a job queue');
schedules.before.each(async () => {
  world = await setUp();
  memory = memoryQueue();
  control = jobControl({ live: world.live, queue: memory.queue, now: () => NOW });
});
schedules.after.each(() => world.dispose());

schedules('a schedule is refused as the worker would refuse it, or saved and shown with its next runs', async () => {
  assert.is(control.schedulesShared, true);
  const set = (job: JobName, parameters: Record<string, string>, schedule: { preset: never } | { cron: string }) =>
    control.setSchedule({ job, parameters, schedule, by: 'ann' });
  assert.equal(leftTag(await set('push-changes', {}, { cron: '*/15 * * * *' })), [
    'ParametersInvalid',
    'push-changes needs the parameter facilityGroupId',
  ]);
  assert.equal(leftTag(await set('push-changes', { facilityGroupId: 'STORES' }, { cron: '*/15 * * * *' })), [
    'ParametersInvalid',
    'facilityGroupId: "STORES" is not a CHANNEL_FAC_GROUP group (groups: SHOPIFY_US)',
  ]);
  assert.equal(leftTag(await set('push-changes', { facilityGroupId: 'SHOPIFY_US' }, { cron: '61 3 * * *' })), [
    'CronInvalid',
    `"61 3 * * *" is not a cron expression: ${cronProblem('61 3 * * *', 'UTC', NOW)}`,
  ]);
  const [tag, message] = leftTag(
    await set('hard-sync', { facilityGroupId: 'SHOPIFY_US' }, { preset: 'every-15-minutes' as never }),
  );
  assert.is(tag, 'TooFrequent');
  assert.match(message, /hard-sync is a slow job/);
  assert.equal(memory.schedules.size, 0, 'nothing refused reached the queue');

  const saved = right(
    await set('push-changes', { facilityGroupId: 'SHOPIFY_US' }, { preset: 'every-15-minutes' as never }),
  );
  assert.equal(
    { ...saved, nextRuns: saved.nextRuns.map((d) => d.toISOString().slice(11, 16)) },
    {
      job: 'push-changes',
      key: 'SHOPIFY_US',
      cron: '*/15 * * * *',
      preset: 'every-15-minutes',
      timezone: 'UTC',
      parameters: { facilityGroupId: 'SHOPIFY_US' },
      state: 'active',
      skipNext: false,
      nextRuns: ['10:15', '10:30', '10:45', '11:00', '11:15'],
      changedBy: 'ann',
      changedAt: NOW,
    },
  );
  assert.equal(
    [...memory.schedules.values()],
    [
      {
        job: 'push-changes',
        key: 'SHOPIFY_US',
        cron: '*/15 * * * *',
        timezone: 'UTC',
        parameters: { facilityGroupId: 'SHOPIFY_US' },
        marked: true,
      },
    ],
  );
  right(await set('hard-sync', { facilityGroupId: 'SHOPIFY_US' }, { cron: '  30   3 * * * ' }));
  const cards = right(await control.cards());
  assert.equal(
    cards.map((c) => [c.job, c.state, c.schedules.map((s) => `${s.key}:${s.cron}:${s.preset}`)]),
    [
      ['import', 'not-configured', []],
      ['import-events', 'not-configured', []],
      ['hard-sync', 'active', ['SHOPIFY_US:30 3 * * *:null']],
      ['push-changes', 'active', ['SHOPIFY_US:*/15 * * * *:every-15-minutes']],
      ['process-uploads', 'not-configured', []],
      ['map-products', 'not-configured', []],
      ['verify', 'not-configured', []],
    ],
  );
  assert.equal(cards[2]?.facilityGroups, ['SHOPIFY_US']);
  assert.equal([cards[2]?.slow, cards[3]?.slow], [true, false]);
  assert.equal(cards[2]?.parameters.required, ['facilityGroupId']);
  assert.equal(leftTag(control.preview('verify', '*/5 * * * *')).at(0), 'TooFrequent');
  assert.equal(
    right(control.preview('push-changes', '0 12 * * 1', 2)).map((d) => d.toISOString()),
    ['2026-12-21T12:00:00.000Z', '2026-12-28T12:00:00.000Z'],
  );
});

schedules(
  'pause keeps the cron out of the queue, resume puts it back, skip once marks the next occurrence',
  async () => {
    const key = { job: 'push-changes' as const, key: 'SHOPIFY_US' };
    right(
      await control.setSchedule({
        job: 'push-changes',
        parameters: { facilityGroupId: 'SHOPIFY_US' },
        schedule: { preset: 'every-5-minutes' },
        by: 'ann',
      }),
    );
    right(await control.pause(key, 'bob'));
    assert.equal(memory.schedules.size, 0, 'no worker fires a paused schedule');
    const paused = right(await control.cards()).find((c) => c.job === 'push-changes');
    assert.equal(
      [paused?.state, paused?.schedules[0]?.state, paused?.schedules[0]?.cron, paused?.schedules[0]?.changedBy],
      ['paused', 'paused', '*/5 * * * *', 'bob'],
    );
    assert.equal(paused?.schedules[0]?.nextRuns, []);
    assert.equal(leftTag(await control.skipOnce(key, 'bob')).at(0), 'ScheduleNotFound');
    // Setting a paused schedule's cron keeps it paused.
    right(
      await control.setSchedule({
        job: 'push-changes',
        parameters: { facilityGroupId: 'SHOPIFY_US' },
        schedule: { preset: 'every-30-minutes' },
        by: 'bob',
      }),
    );
    assert.equal(memory.schedules.size, 0);
    right(await control.resume(key, 'cy'));
    assert.equal(
      [...memory.schedules.values()].map((s) => s.cron),
      ['*/30 * * * *'],
    );

    right(await control.skipOnce(key, 'cy'));
    const [stored] = await run(world.live.store.storedSchedules());
    assert.equal([stored?.skipAfter, stored?.changedBy], [NOW, 'cy']);
    const page = right(await control.pipeline({}));
    assert.equal(page.pending, [
      {
        kind: 'scheduled',
        job: 'push-changes',
        key: 'SHOPIFY_US',
        parameters: { facilityGroupId: 'SHOPIFY_US' },
        at: new Date('2026-12-15T10:30:00.000Z'),
        cron: '*/30 * * * *',
        skip: true,
      },
    ]);
    // The worker's run of the next occurrence takes the mark; the one after runs.
    assert.is(
      await run(world.live.store.takeSkip('push-changes', 'SHOPIFY_US', new Date('2026-12-15T10:30:00Z'))),
      true,
    );
    assert.is(
      await run(world.live.store.takeSkip('push-changes', 'SHOPIFY_US', new Date('2026-12-15T11:00:00Z'))),
      false,
    );
    right(await control.skipOnce(key, 'cy'));
    right(await control.skipOnce(key, 'cy', false));
    assert.is(right(await control.cards()).find((c) => c.job === 'push-changes')?.schedules[0]?.skipNext, false);

    right(await control.removeSchedule(key, 'cy'));
    assert.is(right(await control.cards()).find((c) => c.job === 'push-changes')?.state, 'not-configured');
    assert.equal(await run(world.live.store.storedSchedules()), []);
    assert.equal(leftTag(await control.pause(key, 'cy')).at(0), 'ScheduleNotFound');
  },
);

schedules('the settings seed only where the database has no schedule; reset puts the settings back', async () => {
  const settings = [
    { job: 'import' as const, cron: '0 2 * * *', parameters: {} },
    { job: 'push-changes' as const, cron: '*/15 * * * *', parameters: { facilityGroupId: 'SHOPIFY_US' } },
  ];
  const log = () => undefined;
  right(await seedSchedules(memory.queue, world.live.store, settings, 'UTC', NOW, log, 'w'));
  assert.equal([...memory.schedules.values()].map((s) => `${s.job}:${s.cron}`).sort(), [
    'import:0 2 * * *',
    'push-changes:*/15 * * * *',
  ]);
  assert.equal(
    (await run(world.live.store.storedSchedules())).map((s) => [s.job, s.changedBy]),
    [
      ['import', 'settings'],
      ['push-changes', 'settings'],
    ],
  );
  // Changed in the console (one paused, one given another cron): a worker starting again on the same settings
  // leaves both as they were changed.
  right(await control.pause({ job: 'import', key: '' }, 'ann'));
  right(
    await control.setSchedule({
      job: 'push-changes',
      parameters: { facilityGroupId: 'SHOPIFY_US' },
      schedule: { preset: 'hourly' },
      by: 'ann',
    }),
  );
  right(await seedSchedules(memory.queue, world.live.store, settings, 'UTC', NOW, log, 'w'));
  const shown = async () =>
    right(await control.cards()).flatMap((c) => c.schedules.map((s) => `${s.job}:${s.cron}:${s.state}`));
  assert.equal(await shown(), ['import:0 2 * * *:paused', 'push-changes:0 * * * *:active']);
  right(await resetSchedules(memory.queue, world.live.store, settings, 'UTC', NOW, 'ann'));
  assert.equal(await shown(), ['import:0 2 * * *:active', 'push-changes:*/15 * * * *:active']);
});

schedules(
  'Run now queues with the console as its origin; cancel; a failed run is re-run with its parameters',
  async () => {
    assert.equal(
      leftTag(
        await control.runNow({ job: 'verify', parameters: { facilityGroupId: 'SHOPIFY_US', x: '1' }, by: 'ann' }),
      ),
      ['ParametersInvalid', "verify takes no parameter 'x'"],
    );
    const queued = right(
      await control.runNow({ job: 'hard-sync', parameters: { facilityGroupId: 'SHOPIFY_US' }, by: 'ann' }),
    );
    assert.equal(queued, { kind: 'queued', job: 'hard-sync', queuedId: memory.runs[0]?.id ?? '' });
    assert.equal(memory.runs[0]?.data, { facilityGroupId: 'SHOPIFY_US', _oms: { trigger: 'console', by: 'ann' } });
    const pending = right(await control.pipeline({})).pending;
    assert.equal(
      pending.map((p) => (p.kind === 'queued' ? [p.job, p.scheduled, p.parameters] : [])),
      [['hard-sync', false, { facilityGroupId: 'SHOPIFY_US' }]],
    );
    assert.equal(leftTag(await control.cancel('hard-sync', 'not-a-uuid', 'ann')).at(0), 'QueuedRunNotFound');
    right(await control.cancel('hard-sync', memory.runs[0]!.id, 'ann'));
    assert.equal(right(await control.pipeline({})).pending, []);

    const { store } = world.live;
    await run(
      store.startRun({
        runId: 'r-failed',
        job: 'verify',
        parameters: { facilityGroupId: 'SHOPIFY_US' },
        worker: 'w',
        startedAt: NOW,
      }),
    );
    await run(
      store.finishRun('r-failed', {
        finishedAt: NOW,
        outcome: 'failed',
        counts: {},
        error: 'ShopifyUnavailable: down',
      }),
    );
    await run(store.startRun({ runId: 'r-ok', job: 'import', parameters: {}, worker: 'w', startedAt: NOW }));
    await run(store.finishRun('r-ok', { finishedAt: NOW, outcome: 'succeeded', counts: {}, error: null }));
    assert.equal(right(await control.run('r-failed'))?.rerunnable, true);
    assert.equal(right(await control.run('r-ok'))?.rerunnable, false);
    assert.is(right(await control.run('nope')), null);
    const again = right(await control.rerun('r-failed', 'ann'));
    assert.is(again.kind, 'queued');
    assert.equal(memory.runs.at(-1)?.data, { facilityGroupId: 'SHOPIFY_US', _oms: { trigger: 'console', by: 'ann' } });
    assert.equal(leftTag(await control.rerun('r-ok', 'ann')).at(0), 'NotRerunnable');
    assert.equal(leftTag(await control.rerun('nope', 'ann')).at(0), 'RunNotFound');
  },
);

schedules('pipeline history: newest first, filtered by job and status, keyset-paged; running runs apart', async () => {
  const { store } = world.live;
  const at = (minute: number) => new Date(NOW.getTime() - (60 - minute) * 60_000);
  for (let i = 0; i < 7; i++) {
    const job = i % 2 === 0 ? 'import' : 'verify';
    await run(
      store.startRun({ runId: `r${i}`, job, parameters: {}, worker: 'w', startedAt: at(i), leaseUntil: at(i + 1) }),
    );
    if (i < 5)
      await run(
        store.finishRun(`r${i}`, {
          finishedAt: at(i),
          outcome: i === 3 ? 'failed' : 'succeeded',
          counts: {},
          error: null,
        }),
      );
  }
  // r6 still renews its lease: running; r5's lapsed: abandoned.
  await run(store.renewRun('r6', new Date(NOW.getTime() + 60_000)));
  const ids = (runs: ReadonlyArray<{ runId: string }>) => runs.map((r) => r.runId);
  const first = right(await control.pipeline({ limit: 3 }));
  assert.equal([ids(first.running), ids(first.history)], [['r6'], ['r5', 'r4', 'r3']]);
  assert.is(first.history[0]?.outcome, 'abandoned');
  const second = right(await control.pipeline({ limit: 3, before: first.next! }));
  assert.equal(ids(second.history), ['r2', 'r1', 'r0']);
  assert.is(second.next, null);
  assert.equal(ids(right(await control.pipeline({ job: 'verify' })).history), ['r5', 'r3', 'r1']);
  assert.equal(ids(right(await control.pipeline({ status: 'failed' })).history), ['r3']);
  assert.equal(ids(right(await control.pipeline({ status: 'abandoned' })).history), ['r5']);
  assert.equal(leftTag(await control.pipeline({ before: 'garbage' })).at(0), 'ParametersInvalid');
});
schedules.run();

const local = suite('job control on SQLite: no queue, Run now in this process, the error file');
local.before.each(async () => {
  world = await setUp();
  control = jobControl({ live: world.live, queue: null, worker: 'console-test' });
});
local.after.each(async () => {
  await control.close();
  await world.dispose();
});

const text = async (stream: Readable): Promise<string> => {
  let all = '';
  for await (const chunk of stream) all += String(chunk);
  return all;
};

local('schedules need PostgreSQL; Run now runs the import here, its report and error file are read back', async () => {
  assert.is(control.schedulesShared, false);
  assert.equal(
    leftTag(await control.setSchedule({ job: 'import', parameters: {}, schedule: { preset: 'daily' }, by: 'ann' })).at(
      0,
    ),
    'SchedulesNeedPostgres',
  );
  assert.is(
    right(await control.cards()).every((c) => c.state === 'not-configured'),
    true,
  );
  const file = 'inventory-20261122T010000Z.csv';
  writeFileSync(join(world.dir, 'inbox', file), exportCsv(['A,101,42,9001', 'B,101,lots,9002']));
  const old = new Date(Date.now() - 60_000);
  utimesSync(join(world.dir, 'inbox', file), old, old);
  const started = right(await control.runNow({ job: 'import', parameters: {}, by: 'ann' }));
  assert.is(started.kind, 'started');
  const runId = started.kind === 'started' ? started.runId : '';
  const detail = await until(
    'the run ended',
    async () => {
      const d = right(await control.run(runId));
      return d !== null && d.run.outcome !== 'running' ? d : undefined;
    },
    30_000,
  );
  assert.equal([detail.run.outcome, detail.run.trigger, detail.run.worker], ['succeeded', 'console', 'console-test']);
  // The run's first progress event was written to the run log (at most one a second), and stays once it ended.
  assert.ok(detail.run.progress !== null && detail.run.progress.done >= 0, JSON.stringify(detail.run.progress));
  const report = detail.report!;
  assert.equal(report.counts.rejected, 1);
  assert.is(report.attention, false);
  assert.equal(
    report.rejectedRows.map((r) => [r.file, r.line, r.field]),
    [[file, 3, 'availableQty']],
  );
  const errorFile = report.files[0]?.errorFile ?? '';
  assert.is(errorFile, `${file}.rejected-rows.csv`);
  const stream = right(await control.errorFile(runId, errorFile));
  assert.ok(stream !== null);
  assert.match(await text(stream!), /lots/);
  // Only a name the run's report lists, and never a path.
  assert.is(right(await control.errorFile(runId, `../inbox/${file}`)), null);
  assert.is(right(await control.errorFile(runId, '..')), null);
  assert.is(right(await control.errorFile(runId, 'other.csv')), null);
  assert.is(right(await control.errorFile('nope', errorFile)), null);
  const history = right(await control.pipeline({})).history;
  assert.equal(
    history.map((r) => r.runId),
    [runId],
  );
  assert.equal(
    leftTag(await control.cancel('import', '00000000-0000-4000-8000-000000000001', 'ann')).at(0),
    'SchedulesNeedPostgres',
  );
});
local.run();
