// The worker's schedules are valid exactly when pg-boss takes them: each expression's verdict is pinned beside it
// (what pg-boss 12.38 does), the configuration is held to the pins without a database, and a real pg-boss on
// PostgreSQL is held to them too, so an upgrade of pg-boss or cron-parser that moves a verdict fails here.
import { isLeft, isRight } from 'fp-ts/lib/Either.js';
import { PgBoss } from 'pg-boss';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { loadConfig } from '../../src/composition/config.ts';
import { cronProblem, normalizeCron, timezoneProblem } from '../../src/composition/cron.ts';
import { freshPostgresDatabase } from '../support/postgres.ts';

type Verdict = 'takes' | 'refuses';

/** Expressions and pg-boss 12.38's verdict on each (scheduled in UTC). */
const EXPRESSIONS: ReadonlyArray<readonly [string, Verdict, string]> = [
  ['0 2 * * *', 'takes', 'the default import'],
  ['*/15 * * * *', 'takes', 'a step'],
  ['0 9-17/2 * * 1-5', 'takes', 'ranges with a step'],
  ['0,30 * * * *', 'takes', 'a list'],
  ['@daily', 'takes', 'a macro'],
  ['@hourly', 'takes', 'a macro'],
  ['@weekly', 'takes', 'a macro'],
  ['@monthly', 'takes', 'a macro'],
  ['@yearly', 'takes', 'a macro'],
  ['@annually', 'takes', 'a macro'],
  ['@weekdays', 'takes', "cron-parser's own macro"],
  ['@midnight', 'refuses', 'a macro cron-parser does not know'],
  ['@reboot', 'refuses', 'no schedule'],
  ['@DAILY', 'refuses', 'macros are lower case'],
  ['30 0 2 * * *', 'takes', 'six fields, seconds first'],
  ['0 0 2 * * * *', 'refuses', 'seven fields'],
  ['0 2 * *', 'takes', 'four fields: cron-parser fills the leading ones (second 0, minute every)'],
  ['0 2 *', 'refuses', 'three fields: 0 read as a month'],
  ['every night', 'refuses', 'words'],
  ['', 'refuses', 'blank: cron-parser alone would read every minute'],
  ['   ', 'refuses', 'blank'],
  ['  0   2 * *  * ', 'takes', 'blanks around and between fields'],
  ['* * * * MON', 'takes', 'a day name'],
  ['0 9 * * mon-fri', 'takes', 'a range of day names, lower case'],
  ['0 0 1 JAN *', 'takes', 'a month name'],
  ['0 0 1 jan-mar *', 'takes', 'a range of month names'],
  ['0 0 * * FOO', 'refuses', 'not a day name'],
  ['0 0 * * 7', 'takes', 'Sunday as 7'],
  ['0 0 * * 0-7', 'takes', 'every day'],
  ['0 0 * * 8', 'refuses', 'day of week out of range'],
  ['61 3 * * *', 'refuses', 'minute out of range'],
  ['60 * * * *', 'refuses', 'minute out of range'],
  ['* 24 * * *', 'refuses', 'hour out of range'],
  ['0 0 0 * *', 'refuses', 'day of month out of range'],
  ['0 0 1-40 * *', 'refuses', 'a range out of range'],
  ['0 0 * 13 *', 'refuses', 'month out of range'],
  ['5-1 * * * *', 'refuses', 'a range backwards'],
  ['*/0 * * * *', 'refuses', 'a step of 0'],
  ['*/61 * * * *', 'takes', 'a step wider than the field: minute 0 only'],
  ['0 0 31 2 *', 'refuses', 'an impossible date: 31 February'],
  ['0 0 30 2 *', 'refuses', 'an impossible date: 30 February'],
  ['0 0 31 4 *', 'refuses', 'an impossible date: 31 April'],
  ['0 0 29 2 *', 'takes', '29 February: leap years'],
  ['0 0 31 1,2 *', 'takes', 'day 31 of a list of months one of which has it'],
  ['0 0 31 2 MON', 'takes', 'a day of week rescues an impossible day of month (they combine with OR)'],
  ['0 0 L * *', 'takes', 'the last day of the month'],
  ['0 0 * * 5L', 'takes', 'the last Friday'],
  ['0 0 * * 1#2', 'takes', 'the second Monday'],
  ['0 0 * * 1#6', 'refuses', 'a sixth Monday'],
  ['0 0 1W * *', 'refuses', 'W (nearest weekday) is not supported'],
  ['0 0 ? * *', 'takes', '? for any'],
  ['H 2 * * *', 'takes', 'a hashed minute'],
];

/** Zones and pg-boss 12.38's verdict on scheduling `0 2 * * *` in each. */
const ZONES: ReadonlyArray<readonly [string, Verdict]> = [
  ['UTC', 'takes'],
  ['America/New_York', 'takes'],
  ['Europe/Kyiv', 'takes'],
  ['Asia/Calcutta', 'takes'],
  ['Etc/GMT+5', 'takes'],
  ['utc', 'takes'],
  ['EST', 'takes'],
  ['UTC+5', 'takes'],
  ['local', 'takes'],
  ['Mars/Olympus_Mons', 'refuses'],
  ['America/New_Yrok', 'refuses'],
  ['Z', 'refuses'],
];

const configVerdict = (cron: string, timezone?: string): Verdict => {
  const c = loadConfig(
    {
      inventoryStore: { postgres: {} },
      worker: { schedules: [{ job: 'import', cron }], ...(timezone === undefined ? {} : { timezone }) },
    },
    { DATABASE_URL: 'postgres://db/oms' },
  );
  return isRight(c) ? 'takes' : 'refuses';
};

const config = suite('cron: the configuration takes exactly what pg-boss takes');

config(`${EXPRESSIONS.length} expressions, each as pg-boss judges it`, () => {
  for (const [cron, verdict, why] of EXPRESSIONS) {
    assert.is(configVerdict(cron), verdict, `${JSON.stringify(cron)} (${why})`);
    assert.is(cronProblem(cron) === null, verdict === 'takes', JSON.stringify(cron));
  }
});

config(`${ZONES.length} time zones, each as pg-boss judges it`, () => {
  for (const [zone, verdict] of ZONES) {
    assert.is(configVerdict('0 2 * * *', zone), verdict, zone);
    assert.is(timezoneProblem(zone) === null, verdict === 'takes', zone);
  }
  // pg-boss reads a falsy zone as UTC; the configuration asks for one to be named.
  assert.is(configVerdict('0 2 * * *', ''), 'refuses');
});

config('the message names the entry and, where it can, the field', () => {
  const problems = (schedules: unknown[], timezone?: string): ReadonlyArray<string> => {
    const c = loadConfig(
      { inventoryStore: { postgres: {} }, worker: { schedules, ...(timezone === undefined ? {} : { timezone }) } },
      { DATABASE_URL: 'postgres://db/oms' },
    );
    return isLeft(c) ? c.left.problems : [];
  };
  assert.equal(
    problems([
      { job: 'import', cron: '0 2 * * *' },
      { job: 'map-products', cron: '61 3 * * *' },
    ]).filter((p) => p.startsWith('worker.schedules[1].cron')),
    ['worker.schedules[1].cron: "61 3 * * *" is not a cron expression: minute: 61 is outside 0-59'],
  );
  const why = (cron: unknown) => cronProblem(cron);
  assert.is(why('0 0 31 2 *'), 'day of month: 31 is a day of none of the months given (2)');
  assert.is(why('0 0 1-40 * *'), 'day of month: 1-40 is outside 1-31');
  assert.is(why('5-1 * * * *'), "minute: the range '5-1' runs backwards");
  assert.is(why('0 0 * 13 *'), 'month: 13 is outside 1-12');
  assert.is(why('0 0 * * 8'), 'day of week: 8 is outside 0-7');
  assert.is(why('61 0 2 * * *'), 'second: 61 is outside 0-59');
  assert.match(why('every night') ?? '', /^expected 5 fields \(minute hour day-of-month month day-of-week\)/);
  assert.match(why('0 0 2 * * * *') ?? '', /got 7/);
  assert.is(why(''), 'expected an expression, got a blank one');
  assert.is(why(5), 'expected a string');
  assert.match(why('FREQ=DAILY;BYHOUR=9') ?? '', /iCalendar recurrence rule/);
  // A zone pg-boss refuses is named once, on its own key; the schedules are then judged in UTC.
  assert.equal(
    problems([{ job: 'import', cron: '0 2 * * *' }], 'Mars/Olympus_Mons').map((p) => p.split(':')[0]),
    ['worker.timezone'],
  );
  // The configuration keeps the expression as it is registered.
  assert.is(normalizeCron('  0   2 * *  * '), '0 2 * * *');
});

config.run();

const boss = suite('cron: the pins are what a real pg-boss does');
let database: { url: string; drop: () => Promise<void> } | undefined;
let instance: PgBoss | undefined;

boss.before(async () => {
  database = await freshPostgresDatabase();
  instance = new PgBoss({ connectionString: database.url, schema: 'cron_check', supervise: false, schedule: false });
  instance.on('error', () => undefined);
  await instance.start();
  await instance.createQueue('cron-check');
});

boss.after(async () => {
  await instance?.stop({ graceful: false });
  await database?.drop();
});

const bossVerdict = async (cron: string, tz: string): Promise<Verdict> => {
  try {
    await instance!.schedule('cron-check', cron, {}, { tz });
    return 'takes';
  } catch {
    return 'refuses';
  }
};

boss(
  'every expression, registered as the configuration registers it, and the raw text where that differs',
  async () => {
    for (const [cron, verdict, why] of EXPRESSIONS) {
      const registered = cron.trim() === '' ? cron : normalizeCron(cron);
      assert.is(await bossVerdict(registered, 'UTC'), verdict, `${JSON.stringify(registered)} (${why})`);
    }
    // An iCalendar rule: pg-boss takes it, the configuration (a `cron` key) does not.
    assert.is(await bossVerdict('FREQ=DAILY;BYHOUR=9', 'UTC'), 'takes');
    assert.is(configVerdict('FREQ=DAILY;BYHOUR=9'), 'refuses');
  },
);

boss('every time zone', async () => {
  for (const [zone, verdict] of ZONES) assert.is(await bossVerdict('0 2 * * *', zone), verdict, zone);
  assert.is(await bossVerdict('0 2 * * *', ''), 'takes', 'pg-boss reads an empty zone as UTC');
});

boss.run();
