import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  badge,
  formatCounts,
  formatDuration,
  formatRelative,
  formatTime,
  jobTitle,
  parameterChips,
  problemStatus,
} from '../../src/console/format.ts';
import { render } from '../../src/console/html.ts';

const Format = suite('console format');

Format('times in UTC to the second; durations and relative times in words', () => {
  assert.is(formatTime(new Date('2026-12-02T04:30:05.123Z')), '2026-12-02 04:30:05 UTC');
  assert.is(formatDuration(850), '850 ms');
  assert.is(formatDuration(12_400), '12.4 s');
  assert.is(formatDuration(185_000), '3 min 05 s');
  assert.is(formatDuration(7_620_000), '2 h 07 min');
  assert.is(formatDuration(-1), '-');
  const now = new Date('2026-12-02T04:00:00Z');
  assert.is(formatRelative(new Date('2026-12-02T04:15:00Z'), now), 'in 15 min');
  assert.is(formatRelative(new Date('2026-12-02T01:00:00Z'), now), '3 h ago');
  assert.is(formatRelative(new Date('2026-12-02T04:00:10Z'), now), 'now');
  assert.is(formatRelative(new Date('2026-12-09T04:00:00Z'), now), 'in 7 days');
});

Format('counts, parameter chips and badges, escaped', () => {
  assert.is(formatCounts({ rowsRead: 5, applied: 3 }), 'rowsRead 5, applied 3');
  assert.is(formatCounts({}), '');
  assert.is(
    render(parameterChips({ facilityGroupId: '<G>' })),
    '<span class="chips"><span class="chip">facilityGroupId &lt;G&gt;</span></span>',
  );
  assert.is(render(badge('failed')), '<span class="badge failed">failed</span>');
});

Format("job titles from the catalogue; job-control refusals' statuses", () => {
  assert.is(jobTitle('hard-sync'), 'Hard Sync');
  assert.is(jobTitle('push-changes'), 'Upload recent inventory changes');
  assert.is(problemStatus({ _tag: 'CronInvalid', message: 'x' }), 400);
  assert.is(problemStatus({ _tag: 'TooFrequent', message: 'x' }), 400);
  assert.is(problemStatus({ _tag: 'RunNotFound', message: 'x' }), 404);
  assert.is(problemStatus({ _tag: 'SchedulesNeedPostgres', message: 'x' }), 409);
  assert.is(problemStatus({ _tag: 'JobControlFailed', message: 'x' }), 503);
});

Format.run();
