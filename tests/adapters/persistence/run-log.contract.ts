// The RunLog contract: one suite, run against every adapter (memory, PostgreSQL, SQLite).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { JobName, JobRun, RunLog, RunReport } from '../../../src/application/run-log.ts';
import { run, runLeft } from '../../support/run.ts';

/** A run log under test and how to dispose of it. */
export interface RunLogUnderTest {
  readonly store: RunLog;
  readonly dispose: () => Promise<void>;
}

const at = (minute: number) => new Date(Date.UTC(2026, 11, 15, 10, minute, 0, 123));

const started = (runId: string, job: JobName, minute: number, parameters: Record<string, string> = {}) => ({
  runId,
  job,
  parameters,
  worker: 'worker-1',
  startedAt: at(minute),
});

/** Registers and runs the contract suite for one adapter. */
export const runLogContract = (adapter: string, open: () => Promise<RunLogUnderTest>): void => {
  const test = suite(`RunLog contract: ${adapter}`);
  let subject: RunLogUnderTest;
  test.before.each(async () => {
    subject = await open();
  });
  test.after.each(async () => {
    await subject.dispose();
  });

  test('an empty log lists no runs', async () => {
    assert.equal(await run(subject.store.listRuns({ limit: 10 })), []);
  });

  test('a started run lists as running with finishedAt null; finishing records outcome, counts and error', async () => {
    const { store } = subject;
    const parameters = { facilityGroupId: 'SHOPIFY_US', file: 'inv "1", ü.csv', empty: '' };
    await run(store.startRun(started('run-1', 'hard-sync', 0, parameters)));
    const running: JobRun = {
      runId: 'run-1',
      job: 'hard-sync',
      parameters,
      worker: 'worker-1',
      startedAt: at(0),
      finishedAt: null,
      outcome: 'running',
      leaseUntil: null,
      counts: {},
      error: null,
      trigger: null,
      progress: null,
    };
    assert.equal(await run(store.listRuns({ limit: 10 })), [running]);

    const counts = { rowsRead: 1_000_000, adjusted: 0, ratio: 0.5, negative: -3 };
    await run(store.finishRun('run-1', { finishedAt: at(5), outcome: 'succeeded', counts, error: null }));
    assert.equal(await run(store.listRuns({ limit: 10 })), [
      { ...running, finishedAt: at(5), outcome: 'succeeded', counts },
    ]);

    await run(store.startRun(started('run-2', 'import', 6)));
    await run(
      store.finishRun('run-2', {
        finishedAt: at(7),
        outcome: 'failed',
        counts: {},
        error: 'SftpUnavailable: it\'s "down"\nretry later',
      }),
    );
    const [failed] = await run(store.listRuns({ limit: 1 }));
    assert.equal(failed, {
      runId: 'run-2',
      job: 'import',
      parameters: {},
      worker: 'worker-1',
      startedAt: at(6),
      finishedAt: at(7),
      outcome: 'failed',
      leaseUntil: null,
      counts: {},
      error: 'SftpUnavailable: it\'s "down"\nretry later',
      trigger: null,
      progress: null,
    });
  });

  test('listRuns: newest first (run id descending on a tie), filtered by job and outcome, limited', async () => {
    const { store } = subject;
    await run(store.startRun(started('b', 'import', 1)));
    await run(store.startRun(started('a', 'import', 3)));
    await run(store.startRun(started('c', 'hard-sync', 3)));
    await run(store.startRun(started('d', 'push-changes', 2)));
    await run(store.startRun(started('e', 'import', 0)));
    await run(store.finishRun('b', { finishedAt: at(2), outcome: 'succeeded', counts: { rowsRead: 1 }, error: null }));
    await run(store.finishRun('e', { finishedAt: at(2), outcome: 'failed', counts: {}, error: 'boom' }));
    await run(store.finishRun('d', { finishedAt: at(4), outcome: 'succeeded', counts: {}, error: null }));
    const ids = async (filter: Parameters<RunLog['listRuns']>[0]) =>
      (await run(store.listRuns(filter))).map((r) => r.runId);
    assert.equal(await ids({ limit: 10 }), ['c', 'a', 'd', 'b', 'e']);
    assert.equal(await ids({ limit: 2 }), ['c', 'a']);
    assert.equal(await ids({ limit: 0 }), []);
    assert.equal(await ids({ job: 'import', limit: 10 }), ['a', 'b', 'e']);
    assert.equal(await ids({ outcome: 'succeeded', limit: 10 }), ['d', 'b']);
    assert.equal(await ids({ outcome: 'running', limit: 10 }), ['c', 'a']);
    assert.equal(await ids({ job: 'import', outcome: 'failed', limit: 10 }), ['e']);
    assert.equal(await ids({ job: 'import', outcome: 'running', limit: 1 }), ['a']);
    assert.equal(await ids({ job: 'verify', limit: 10 }), []);
  });

  test('a run with a heartbeat: running while renewed, abandoned once it lapsed, skipped when it found the lease held', async () => {
    const { store } = subject;
    await run(store.startRun({ ...started('live', 'import', 0), leaseUntil: at(1) }));
    await run(store.startRun({ ...started('dead', 'import', 1), leaseUntil: at(2) }));
    await run(store.startRun(started('old', 'import', 2)));
    await run(store.startRun({ ...started('busy', 'import', 3), leaseUntil: at(4) }));
    await run(store.finishRun('busy', { finishedAt: at(3), outcome: 'skipped', counts: {}, error: 'held' }));
    // The live run renews its lease; the dead one's lapses.
    await run(store.renewRun('live', at(10)));
    const seen = async (filter: Omit<Parameters<RunLog['listRuns']>[0], 'limit'>) =>
      (await run(store.listRuns({ ...filter, limit: 10 }))).map((r) => [r.runId, r.outcome]);
    assert.equal(await seen({ at: at(5) }), [
      ['busy', 'skipped'],
      ['old', 'running'],
      ['dead', 'abandoned'],
      ['live', 'running'],
    ]);
    assert.equal(await seen({ at: at(5), outcome: 'abandoned' }), [['dead', 'abandoned']]);
    assert.equal(await seen({ at: at(5), outcome: 'running' }), [
      ['old', 'running'],
      ['live', 'running'],
    ]);
    assert.equal(await seen({ at: at(5), outcome: 'skipped' }), [['busy', 'skipped']]);
    // Exactly at the lapse it is over; seen at no time, nothing is judged.
    assert.equal(await seen({ at: at(10), outcome: 'abandoned' }), [
      ['dead', 'abandoned'],
      ['live', 'abandoned'],
    ]);
    assert.equal(await seen({ outcome: 'abandoned' }), []);
    assert.equal(await seen({ outcome: 'running' }), [
      ['old', 'running'],
      ['dead', 'running'],
      ['live', 'running'],
    ]);
    assert.equal((await run(store.listRuns({ limit: 10 }))).find((r) => r.runId === 'live')?.leaseUntil, at(10));
    // An ended run's heartbeat stays as it ended; a late one changes nothing.
    await run(store.finishRun('live', { finishedAt: at(11), outcome: 'succeeded', counts: {}, error: null }));
    await run(store.renewRun('live', at(20)));
    const [live] = (await run(store.listRuns({ limit: 10 }))).filter((r) => r.runId === 'live');
    assert.equal([live?.outcome, live?.leaseUntil], ['succeeded', at(10)]);
  });

  test('keyset pages: `before` continues after the last run of a page (start, then run id), filters kept; ended', async () => {
    const { store } = subject;
    // Two runs share each start: the run id orders them.
    for (const [id, minute] of [
      ['r1', 1],
      ['r2', 1],
      ['r3', 2],
      ['r4', 2],
      ['r5', 3],
    ] as const)
      await run(store.startRun({ ...started(id, 'import', minute), leaseUntil: at(minute + 1) }));
    await run(store.finishRun('r2', { finishedAt: at(4), outcome: 'failed', counts: {}, error: 'x' }));
    await run(store.finishRun('r4', { finishedAt: at(4), outcome: 'succeeded', counts: {}, error: null }));
    const page = async (filter: Omit<Parameters<RunLog['listRuns']>[0], 'limit'>, limit = 2) =>
      (await run(store.listRuns({ ...filter, limit }))).map((r) => r.runId);
    assert.equal(await page({}), ['r5', 'r4']);
    assert.equal(await page({ before: { startedAt: at(2), runId: 'r4' } }), ['r3', 'r2']);
    assert.equal(await page({ before: { startedAt: at(1), runId: 'r2' } }), ['r1']);
    assert.equal(await page({ before: { startedAt: at(1), runId: 'r1' } }), []);
    // Ended: every run but the running ones; a running run whose heartbeat lapsed by `at` is abandoned, so ended.
    assert.equal(await page({ outcome: 'ended' }, 10), ['r4', 'r2']);
    assert.equal(await page({ outcome: 'ended', at: at(3) }, 10), ['r4', 'r3', 'r2', 'r1']);
    assert.equal(await page({ outcome: 'ended', at: at(3), before: { startedAt: at(2), runId: 'r3' } }, 10), [
      'r2',
      'r1',
    ]);
    assert.equal(await page({ outcome: 'ended', job: 'verify' }, 10), []);
  });

  test('trigger, progress (of a running run only) and the report (runReport), stored as given', async () => {
    const { store } = subject;
    await run(store.startRun({ ...started('run-1', 'import', 0), trigger: 'schedule' }));
    await run(store.progressRun('run-1', { step: 'rows of a.csv', done: 500, total: 1000, at: at(1) }));
    await run(store.progressRun('run-1', { step: 'rows of a.csv', done: 900, total: null, at: at(2) }));
    const [listed] = await run(store.listRuns({ limit: 1 }));
    assert.equal(
      [listed?.trigger, listed?.progress],
      ['schedule', { step: 'rows of a.csv', done: 900, total: null, at: at(2) }],
    );
    assert.equal((await run(store.runReport('run-1')))?.report, null);
    const report: RunReport = {
      counts: { rowsRead: 3, rejected: 1 },
      files: [{ name: 'inv "1".csv', outcome: 'applied', rowsRead: 3, rejected: 1, errorFile: 'inv.errors.csv' }],
      rejectedRows: [{ file: 'inv "1".csv', line: 3, field: 'quantity', reason: "not a number: 'ü'" }],
      rejectedRowsTotal: 1,
      refusedLines: [],
      refusedLinesTotal: 0,
      attention: true,
      text: 'Import inventory\n  line 3',
    };
    await run(
      store.finishRun('run-1', { finishedAt: at(3), outcome: 'succeeded', counts: report.counts, error: null, report }),
    );
    // A late progress changes nothing once the run ended.
    await run(store.progressRun('run-1', { step: 'late', done: 1, total: 1, at: at(4) }));
    const detail = await run(store.runReport('run-1'));
    assert.equal(detail?.report, report);
    assert.equal(
      [detail?.run.outcome, detail?.run.progress?.step, detail?.run.trigger],
      ['succeeded', 'rows of a.csv', 'schedule'],
    );
    assert.is(await run(store.runReport('nope')), null);
    // runReport judges abandonment as listRuns does.
    await run(store.startRun({ ...started('run-2', 'import', 5), leaseUntil: at(6) }));
    assert.is((await run(store.runReport('run-2', at(7))))?.run.outcome, 'abandoned');
    assert.is((await run(store.runReport('run-2')))?.run.outcome, 'running');
  });

  test('finishing an unknown run fails and records nothing; a run id starts once', async () => {
    const { store } = subject;
    const unknown = await runLeft(
      store.finishRun('nope', { finishedAt: at(1), outcome: 'succeeded', counts: {}, error: null }),
    );
    assert.is(unknown._tag, 'InventoryStoreFailed');
    assert.equal(await run(store.listRuns({ limit: 10 })), []);
    await run(store.startRun(started('run-1', 'verify', 0)));
    const again = await runLeft(store.startRun(started('run-1', 'import', 1)));
    assert.is(again._tag, 'InventoryStoreFailed');
    assert.equal(
      (await run(store.listRuns({ limit: 10 }))).map((r) => [r.runId, r.job]),
      [['run-1', 'verify']],
    );
  });

  test('runs per day: counted per UTC day and outcome in the window, a lapsed running run as abandoned', async () => {
    const { store } = subject;
    const day = (d: number, hour: number) => new Date(Date.UTC(2026, 11, d, hour, 30));
    const start = (runId: string, when: Date, leaseUntil?: Date) =>
      run(
        store.startRun({
          runId,
          job: 'verify',
          parameters: {},
          worker: 'w',
          startedAt: when,
          ...(leaseUntil === undefined ? {} : { leaseUntil }),
        }),
      );
    const end = (runId: string, outcome: 'succeeded' | 'failed' | 'skipped') =>
      run(store.finishRun(runId, { finishedAt: day(20, 0), outcome, counts: {}, error: null }));
    await start('before', day(9, 23));
    await start('a', day(10, 0));
    await end('a', 'succeeded');
    await start('b', day(10, 23));
    await end('b', 'succeeded');
    await start('c', day(10, 12));
    await end('c', 'failed');
    await start('d', day(11, 1), day(11, 2));
    await start('e', day(11, 3), day(30, 0));
    await start('f', day(12, 5));
    await end('f', 'skipped');
    await start('after', day(13, 0));
    const window = { from: new Date(Date.UTC(2026, 11, 10)), to: new Date(Date.UTC(2026, 11, 13)) };
    assert.equal(await run(store.runsPerDay({ ...window, at: day(12, 0) })), [
      { day: '2026-12-10', outcome: 'failed', runs: 1 },
      { day: '2026-12-10', outcome: 'succeeded', runs: 2 },
      { day: '2026-12-11', outcome: 'abandoned', runs: 1 },
      { day: '2026-12-11', outcome: 'running', runs: 1 },
      { day: '2026-12-12', outcome: 'skipped', runs: 1 },
    ]);
    assert.equal(
      (await run(store.runsPerDay(window))).filter((c) => c.day === '2026-12-11'),
      [{ day: '2026-12-11', outcome: 'running', runs: 2 }],
      'seen at no time, no run is abandoned',
    );
    assert.equal(await run(store.runsPerDay({ from: window.to, to: window.to })), []);
  });

  test.run();
};
