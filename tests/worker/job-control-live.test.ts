// The console's job control on PostgreSQL, through pg-boss: Run now and cancel on the workers' queue; and with two
// real worker processes running, a schedule set through job control is fired by them without a restart, skip once
// skips exactly one occurrence (recorded as skipped), and pause stops it. pg-boss's cron monitor is tuned to look
// every second (schedule-worker.ts); it still sends at most one run a schedule a minute (its 60 s occurrence slot),
// so the schedule test waits for minute boundaries and takes two to three minutes.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Either } from 'fp-ts/lib/Either.js';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { loadConfig } from '../../src/composition/config.ts';
import type { JobControl } from '../../src/composition/job-control.ts';
import { type LiveStore, openLiveStore } from '../../src/composition/jobs.ts';
import { openJobControl } from '../../src/worker/job-control-live.ts';
import { bossReader } from '../support/boss-reader.ts';
import { freshPostgresDatabase } from '../support/postgres.ts';
import { run } from '../support/run.ts';
import { sleep, until } from '../support/wait.ts';

const scheduleWorker = fileURLToPath(new URL('./support/schedule-worker.ts', import.meta.url));

const right = <A>(e: Either<unknown, A>): A => {
  if (e._tag === 'Left') throw new Error(JSON.stringify(e.left));
  return e.right;
};

const children: ChildProcess[] = [];
const cleanups: Array<() => Promise<void>> = [];

const setUp = async () => {
  const database = await freshPostgresDatabase();
  const dir = mkdtempSync(join(tmpdir(), 'oms-inventory-sync-job-control-'));
  mkdirSync(join(dir, 'inbox'));
  const settings = {
    inventoryStore: { postgres: {} },
    inbox: { local: { root: join(dir, 'inbox') } },
    outbox: { local: { root: join(dir, 'outbox') } },
    import: { settleMs: 0 },
    worker: {
      inboxPollSeconds: 0,
      retryDelaySeconds: 1,
      stopTimeoutSeconds: 1,
      schedules: [{ job: 'import', cron: '0 2 * * *' }],
    },
  };
  const config = right(loadConfig(settings, { DATABASE_URL: database.url }));
  const live: LiveStore = right(await openLiveStore(config)());
  const control: JobControl = right(await openJobControl(live, { name: 'console-test' }));
  cleanups.push(async () => {
    await control.close();
    await live.close();
    await database.drop();
    rmSync(dir, { recursive: true, force: true });
  });
  return { url: database.url, settings, live, control };
};

const startWorkerProcess = async (url: string, settings: unknown, name: string, output: string[]) => {
  const child = spawn(process.execPath, [scheduleWorker], {
    env: { ...process.env, DATABASE_URL: url, SETTINGS: JSON.stringify(settings), WORKER_NAME: name },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let ready = false;
  child.stdout!.on('data', (d: Buffer) => {
    output.push(d.toString());
    if (d.toString().includes('ready')) ready = true;
  });
  child.stderr!.on('data', (d: Buffer) => void output.push(d.toString()));
  await until(`${name} ready`, async () => (ready ? true : undefined), 60_000, 100);
  return child;
};

const live = suite('job control on PostgreSQL (pg-boss)');
live.after.each(async () => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
  for (const cleanup of cleanups.splice(0)) await cleanup().catch(() => undefined);
});

live(
  'Run now queues for the workers (pending until one takes it), cancel takes it back; schedules go to pg-boss',
  async () => {
    const { url, control } = await setUp();
    assert.is(control.schedulesShared, true);
    const queued = right(await control.runNow({ job: 'import', parameters: {}, by: 'ann' }));
    assert.is(queued.kind, 'queued');
    const queuedId = queued.kind === 'queued' ? queued.queuedId : null;
    assert.ok(queuedId !== null);
    // The import's queue is stately: a second request while one waits is the same run.
    assert.equal(right(await control.runNow({ job: 'import', parameters: {}, by: 'ann' })), {
      kind: 'queued',
      job: 'import',
      queuedId: null,
    });
    const pending = right(await control.pipeline({})).pending;
    assert.equal(
      pending.map((p) => (p.kind === 'queued' ? [p.queuedId, p.job, p.scheduled, p.retryCount] : [p.kind])),
      [[queuedId, 'import', false, 0]],
    );
    right(await control.cancel('import', queuedId!, 'ann'));
    assert.equal(right(await control.pipeline({})).pending, []);
    assert.equal(
      (await control.cancel('import', queuedId!, 'ann'))._tag === 'Left' ? 'refused' : 'cancelled again',
      'refused',
    );

    right(await control.setSchedule({ job: 'import', parameters: {}, schedule: { preset: 'daily' }, by: 'ann' }));
    const boss = await bossReader(url);
    try {
      const [schedule] = await boss.getSchedules('oms-inventory-sync.import');
      assert.equal(
        [schedule?.cron, schedule?.key, schedule?.data],
        ['0 3 * * *', '', { _oms: { trigger: 'schedule', key: '' } }],
      );
    } finally {
      await boss.stop({ graceful: false });
    }
    const next = right(await control.pipeline({})).pending;
    assert.equal(
      next.map((p) => [p.kind, p.job]),
      [['scheduled', 'import']],
    );
  },
);

live(
  'two running workers fire a schedule set through job control, skip exactly one occurrence, stop when paused',
  async () => {
    const { url, settings, live: store, control } = await setUp();
    const output: string[] = [];
    await startWorkerProcess(url, settings, 'worker-a', output);
    await startWorkerProcess(url, settings, 'worker-b', output);
    // The settings seeded the database.
    const seeded = right(await control.cards()).find((c) => c.job === 'import')?.schedules;
    assert.equal(
      seeded?.map((s) => [s.cron, s.changedBy]),
      [['0 2 * * *', 'settings']],
    );

    const runs = async () =>
      (await run(store.store.listRuns({ job: 'import', limit: 100, at: new Date() }))).toReversed();
    const scheduled = async () => (await runs()).filter((r) => r.trigger === 'schedule');

    // Run now: a worker runs it, recorded as the console's.
    right(await control.runNow({ job: 'import', parameters: {}, by: 'ann' }));
    const byConsole = await until(
      'the run asked for from the console',
      async () => (await runs()).find((r) => r.trigger === 'console' && r.outcome === 'succeeded'),
      30_000,
      200,
    );
    assert.ok(['worker-a', 'worker-b'].includes(byConsole.worker), byConsole.worker);

    // Every second (a six-field cron): the workers, started before it was set, fire it within seconds.
    right(await control.setSchedule({ job: 'import', parameters: {}, schedule: { cron: '* * * * * *' }, by: 'ann' }));
    const first = await until(
      'the first scheduled run',
      async () => (await scheduled()).find((r) => r.outcome === 'succeeded'),
      30_000,
      200,
    );
    assert.ok(['worker-a', 'worker-b'].includes(first.worker));

    // Skip once: the next occurrence (the next minute's) is recorded as skipped, the one after runs.
    right(await control.skipOnce({ job: 'import', key: '' }, 'bob'));
    assert.is(right(await control.cards()).find((c) => c.job === 'import')?.schedules[0]?.skipNext, true);
    const skipped = await until(
      'the skipped occurrence',
      async () => (await scheduled()).find((r) => r.outcome === 'skipped'),
      80_000,
      250,
    );
    assert.match(skipped.error ?? '', /skipped once/);
    const after = await until(
      'the occurrence after the skipped one',
      async () => (await scheduled()).find((r) => r.outcome === 'succeeded' && r.startedAt > skipped.startedAt),
      80_000,
      250,
    );
    assert.ok(after.startedAt.getTime() - skipped.startedAt.getTime() >= 30_000, 'a minute slot later');
    assert.is((await scheduled()).filter((r) => r.outcome === 'skipped').length, 1, 'exactly one skipped');
    assert.is(right(await control.cards()).find((c) => c.job === 'import')?.schedules[0]?.skipNext, false);

    // Paused: no worker fires it, past the next minute boundary.
    right(await control.pause({ job: 'import', key: '' }, 'bob'));
    const count = (await scheduled()).length;
    const toNextMinute = 60_000 - (Date.now() % 60_000);
    await sleep(toNextMinute + 8_000);
    assert.is((await scheduled()).length, count, 'no scheduled run while paused');
    const card = right(await control.cards()).find((c) => c.job === 'import');
    assert.equal([card?.state, card?.schedules[0]?.cron], ['paused', '* * * * * *']);
    // Every run ended (none abandoned) and each was run by one of the two workers.
    const all = await runs();
    assert.ok(
      all.every((r) => r.outcome === 'succeeded' || r.outcome === 'skipped'),
      JSON.stringify(all),
    );
    assert.ok(all.every((r) => ['worker-a', 'worker-b'].includes(r.worker)));
    assert.not.match(output.join(''), /"level":"error"/);
  },
);

live.run();
