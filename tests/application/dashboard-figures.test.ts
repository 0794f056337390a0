import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { memoryInventoryStore } from '../../src/adapters/memory/memory-inventory-store.ts';
import { dashboardFigures } from '../../src/application/dashboard-figures.ts';
import type { JobName } from '../../src/application/run-log.ts';
import { run } from '../support/run.ts';

const at = (day: number, hour: number) => new Date(Date.UTC(2026, 11, day, hour));

const logged = async () => {
  const store = memoryInventoryStore();
  const ran = async (
    runId: string,
    job: JobName,
    when: Date,
    outcome: 'succeeded' | 'failed' | null,
    counts: Record<string, number> = {},
  ) => {
    await run(store.startRun({ runId, job, parameters: {}, worker: 'w', startedAt: when }));
    if (outcome !== null) await run(store.finishRun(runId, { finishedAt: when, outcome, counts, error: null }));
  };
  await ran('old', 'import', at(1, 2), 'succeeded', { rowsRead: 1, adjusted: 1, rejected: 0 });
  await ran('i1', 'import', at(8, 2), 'succeeded', { rowsRead: 1000, adjusted: 50, rejected: 2 });
  await ran('i2', 'import', at(9, 2), 'succeeded', { rowsRead: 1000, adjusted: 40, rejected: 0 });
  await ran('i3', 'import', at(9, 3), 'failed');
  await ran('h1', 'hard-sync', at(8, 3), 'succeeded', { lines: 500 });
  await ran('p1', 'push-changes', at(9, 4), 'succeeded', { lines: 7 });
  await ran('p2', 'push-changes', at(10, 4), null);
  await ran('v1', 'verify', at(10, 5), 'succeeded', { checked: 100, equal: 98, drifted: 2 });
  return store;
};

const test = suite('dashboardFigures');

test('runs per day by outcome over every day of the window, zeros included', async () => {
  const figures = await run(dashboardFigures({ at: at(10, 12), days: 3, runs: 10 })(await logged()));
  assert.equal(figures.runsPerDay, [
    { day: '2026-12-08', runs: { succeeded: 2, failed: 0, abandoned: 0, skipped: 0, running: 0 } },
    { day: '2026-12-09', runs: { succeeded: 2, failed: 1, abandoned: 0, skipped: 0, running: 0 } },
    { day: '2026-12-10', runs: { succeeded: 1, failed: 0, abandoned: 0, skipped: 0, running: 1 } },
  ]);
});

test('the series of finished runs, oldest first, at most `runs` of each', async () => {
  const figures = await run(dashboardFigures({ at: at(10, 12), days: 3, runs: 2 })(await logged()));
  assert.equal(
    figures.linesPerPush.map((p) => [p.runId, p.job, p.values.lines]),
    [
      ['h1', 'hard-sync', 500],
      ['p1', 'push-changes', 7],
    ],
  );
  assert.equal(
    figures.imports.map((p) => [p.runId, p.values]),
    [
      ['i1', { rowsRead: 1000, adjusted: 50, rejected: 2 }],
      ['i2', { rowsRead: 1000, adjusted: 40, rejected: 0 }],
    ],
  );
  assert.equal(
    figures.drift.map((p) => [p.runId, p.startedAt, p.values]),
    [['v1', at(10, 5), { checked: 100, drifted: 2 }]],
  );
});

test('an empty run log: every day zero, every series empty', async () => {
  const figures = await run(dashboardFigures({ at: at(10, 12), days: 2, runs: 5 })(memoryInventoryStore()));
  assert.is(figures.runsPerDay.length, 2);
  assert.ok(figures.runsPerDay.every((d) => Object.values(d.runs).every((n) => n === 0)));
  assert.equal([figures.linesPerPush, figures.imports, figures.drift], [[], [], []]);
});

test.run();
