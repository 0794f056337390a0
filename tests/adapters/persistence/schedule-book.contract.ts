// The ScheduleBook contract: one suite, run against every adapter (memory, PostgreSQL, SQLite).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { ScheduleBook, StoredSchedule } from '../../../src/application/schedule-book.ts';
import { run } from '../../support/run.ts';

/** A schedule book under test and how to dispose of it. */
export interface ScheduleBookUnderTest {
  readonly store: ScheduleBook;
  readonly dispose: () => Promise<void>;
}

const at = (minute: number) => new Date(Date.UTC(2026, 11, 15, 10, minute, 0, 123));

const schedule = (job: StoredSchedule['job'], key: string, over: Partial<StoredSchedule> = {}): StoredSchedule => ({
  job,
  key,
  cron: '*/15 * * * *',
  timezone: 'America/New_York',
  parameters: key === '' ? {} : { facilityGroupId: key },
  paused: false,
  skipAfter: null,
  changedBy: 'operator',
  changedAt: at(0),
  ...over,
});

/** Registers and runs the contract suite for one adapter. */
export const scheduleBookContract = (adapter: string, open: () => Promise<ScheduleBookUnderTest>): void => {
  const test = suite(`ScheduleBook contract: ${adapter}`);
  let subject: ScheduleBookUnderTest;
  test.before.each(async () => {
    subject = await open();
  });
  test.after.each(async () => {
    await subject.dispose();
  });

  test('saved schedules list by job then key, as saved; saving a job and key again replaces it; removing', async () => {
    const { store } = subject;
    assert.equal(await run(store.storedSchedules()), []);
    const push = schedule('push-changes', 'SHOPIFY_US', { paused: true, skipAfter: at(3), changedBy: 'ann "o"' });
    const pushEu = schedule('push-changes', 'SHOPIFY_EU');
    const hard = schedule('hard-sync', 'SHOPIFY_US', { cron: '0 3 * * *' });
    const imp = schedule('import', '', { cron: '0 2 * * *', timezone: 'UTC' });
    for (const s of [push, pushEu, hard, imp]) await run(store.saveSchedule(s));
    assert.equal(await run(store.storedSchedules()), [hard, imp, pushEu, push]);
    const replaced = { ...push, cron: '*/5 * * * *', paused: false, skipAfter: null, changedAt: at(9) };
    await run(store.saveSchedule(replaced));
    assert.equal(await run(store.storedSchedules()), [hard, imp, pushEu, replaced]);
    await run(store.removeSchedule('push-changes', 'SHOPIFY_EU'));
    await run(store.removeSchedule('push-changes', 'nothing there'));
    assert.equal(await run(store.storedSchedules()), [hard, imp, replaced]);
  });

  test('takeSkip: a run queued at or after the mark takes it, once; one queued before does not; no mark, no skip', async () => {
    const { store } = subject;
    await run(store.saveSchedule(schedule('push-changes', 'G', { skipAfter: at(5) })));
    await run(store.saveSchedule(schedule('import', '')));
    assert.is(await run(store.takeSkip('push-changes', 'G', at(4))), false, 'queued before the mark was set');
    assert.is(await run(store.takeSkip('import', '', at(6))), false, 'no mark');
    assert.is(await run(store.takeSkip('verify', 'G', at(6))), false, 'no schedule');
    assert.is(await run(store.takeSkip('push-changes', 'G', at(5))), true);
    assert.is(await run(store.takeSkip('push-changes', 'G', at(6))), false, 'the mark was taken');
    assert.equal(
      (await run(store.storedSchedules())).map((s) => [s.job, s.skipAfter]),
      [
        ['import', null],
        ['push-changes', null],
      ],
    );
  });

  test('takeSkip: of many takers at once, exactly one skips', async () => {
    const { store } = subject;
    await run(store.saveSchedule(schedule('push-changes', 'G', { skipAfter: at(1) })));
    const taken = await Promise.all(Array.from({ length: 8 }, () => run(store.takeSkip('push-changes', 'G', at(2)))));
    assert.is(taken.filter(Boolean).length, 1);
  });

  test.run();
};
