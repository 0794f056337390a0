/**
 * The one rule for the worker's schedules: a cron expression and a time zone are valid exactly when pg-boss's
 * `schedule()` takes them, because both are judged here by the parser pg-boss itself evaluates schedules with
 * (`cron-parser`, pinned to the version pg-boss 12.38 ships with) and with pg-boss's options. The configuration
 * (`worker.schedules[i].cron`, `worker.timezone`) and the worker (before it registers anything) both ask this module,
 * so a configuration that loads is a configuration the worker can schedule.
 *
 * What pg-boss 12.38 does in `schedule(name, cron, data, { tz })` (dist/timekeeper.js `assertRecurrence`,
 * `parseRecurrence`; dist/timezone.js `assertTimezone`), mirrored step by step:
 * 1. the expression must be a string that is not blank (cron-parser alone would read `''` as every minute);
 * 2. `CronExpressionParser.parse(cron, { tz: 'UTC', strict: false })` must not throw: this is where field ranges,
 *    steps, names (`MON`, `JAN`), macros (`@daily`, `@hourly`, ...) and impossible dates (`0 0 31 2 *`: day 31 of
 *    no month given) are judged;
 * 3. the zone must be a string with which `CronExpressionParser.parse('* * * * *', { tz, strict: false,
 *    currentDate: new Date() })` does not throw (cron-parser resolves zones lazily, so a date forces it);
 * 4. `CronExpressionParser.parse(cron, { tz, strict: false, currentDate: now })` must not throw.
 *
 * Two deliberate differences, both where the configuration is stricter and the worker never sees the value: pg-boss
 * reads a falsy zone as UTC, the configuration asks for a zone to be named; pg-boss also takes iCalendar recurrence
 * rules (`FREQ=DAILY;BYHOUR=9`), the configuration's key is `cron` and takes cron expressions only.
 */
import { CronExpressionParser } from 'cron-parser';

/** The expression as the worker registers it (and as it is judged): trimmed, each run of blanks one space. */
export const normalizeCron = (expression: string): string => expression.trim().split(/\s+/).join(' ');

const parse = (expression: string, tz: string, currentDate?: Date): string | null => {
  try {
    CronExpressionParser.parse(expression, {
      tz,
      strict: false,
      ...(currentDate === undefined ? {} : { currentDate }),
    });
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
};

/** Why `zone` is not a time zone pg-boss schedules in (an IANA name such as `America/New_York`), or null. */
export const timezoneProblem = (zone: unknown, now: Date = new Date()): string | null => {
  if (typeof zone !== 'string' || zone === '') return 'expected the name of a time zone';
  return parse('* * * * *', zone, now) === null ? null : `unknown or unsupported time zone ${JSON.stringify(zone)}`;
};

// The fields by position: cron-parser reads six (seconds first) and fills missing leading ones with defaults, so
// the fields given are the last ones of these.
const FIELD_NAMES = ['second', 'minute', 'hour', 'day of month', 'month', 'day of week'];
// The order in which cron-parser parses them, so the first at fault is the one it refused.
const PARSE_ORDER = [0, 1, 2, 4, 3, 5];

// cron-parser's words for the usual mistakes, in the configuration's.
const reworded = (message: string): string => {
  const outside = /^Constraint error, got (?:value|range) (\S+) expected range (\S+)$/.exec(message);
  if (outside !== null) return `${outside[1]} is outside ${outside[2]}`;
  const backwards = /^Invalid range: ([^,]+), min\(/.exec(message);
  if (backwards !== null) return `the range '${backwards[1]}' runs backwards`;
  return message;
};

// Where in `expression` (refused by cron-parser with `message`) the fault is, in words: the first field cron-parser
// refuses on its own, the day of month that no month given has, or the expression as a whole.
const explain = (expression: string, message: string): string => {
  const atoms = expression.split(' ');
  const names = FIELD_NAMES.slice(FIELD_NAMES.length - Math.min(atoms.length, FIELD_NAMES.length));
  if (!expression.startsWith('@') && (atoms.length < 5 || atoms.length > 6))
    return `expected 5 fields (minute hour day-of-month month day-of-week) or 6 (second first), got ${atoms.length}: ${reworded(message)}`;
  if (message === 'Invalid explicit day of month definition') {
    const at = names.indexOf('day of month');
    return `day of month: ${atoms[at]} is a day of none of the months given (${atoms[at + 1]})`;
  }
  const offset = FIELD_NAMES.length - atoms.length;
  for (const position of PARSE_ORDER) {
    const i = position - offset;
    if (i < 0 || expression.startsWith('@')) continue;
    const alone = atoms.map((atom, k) => (k === i ? atom : '*')).join(' ');
    const refused = parse(alone, 'UTC');
    if (refused !== null) return `${names[i]}: ${reworded(refused)}`;
  }
  return reworded(message);
};

/**
 * Why pg-boss would refuse to schedule `expression` in `timezone`, or null when it takes it: the steps in the file
 * comment, on the expression as it is registered (`normalizeCron`). A zone pg-boss refuses is timezoneProblem's to
 * report; the expression is then judged in UTC.
 */
export const cronProblem = (expression: unknown, timezone = 'UTC', now: Date = new Date()): string | null => {
  if (typeof expression !== 'string') return 'expected a string';
  if (expression.trim() === '') return 'expected an expression, got a blank one';
  const cron = normalizeCron(expression);
  if (/(^|[\s;])FREQ=/i.test(cron))
    return 'an iCalendar recurrence rule, not a cron expression (the worker takes cron expressions)';
  const zone = timezoneProblem(timezone, now) === null ? timezone : 'UTC';
  const refused = parse(cron, 'UTC') ?? parse(cron, zone, now);
  return refused === null ? null : explain(cron, refused);
};

/** A schedule's problem as the configuration and the worker report it: `${at}.cron: "61 3 * * *" is not ...: why`. */
export const cronEntryProblem = (at: string, expression: unknown, timezone: string, now?: Date): string | null => {
  const why = cronProblem(expression, timezone, now);
  return why === null ? null : `${at}.cron: ${JSON.stringify(expression)} is not a cron expression: ${why}`;
};
