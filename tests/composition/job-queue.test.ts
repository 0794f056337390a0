// The job queue port's pure parts: a run's data (its parameters and its origin mark) and how a queued run's data is
// read back; seedSchedules and resetSchedules are tested with job control (job-control.test.ts), the pg-boss queue
// in tests/worker/job-control-live.test.ts.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { originOf, parametersOf, runData, scheduleKeyOf } from '../../src/composition/job-queue.ts';
import { validateRequest } from '../../src/composition/jobs.ts';

const data = suite('runData, originOf, parametersOf');

data('the origin travels beside the parameters and never becomes one', () => {
  const scheduled = runData({ facilityGroupId: 'SHOPIFY_US' }, { trigger: 'schedule', key: 'SHOPIFY_US' });
  assert.equal(scheduled, { facilityGroupId: 'SHOPIFY_US', _oms: { trigger: 'schedule', key: 'SHOPIFY_US' } });
  assert.equal(originOf(scheduled), { trigger: 'schedule', key: 'SHOPIFY_US' });
  assert.equal(parametersOf(scheduled), { facilityGroupId: 'SHOPIFY_US' });
  // What the worker validates is the parameters alone: the mark is no unknown parameter.
  assert.is(validateRequest('push-changes', parametersOf(scheduled))._tag, 'Right');
  const asked = runData({}, { trigger: 'console', by: 'ann' });
  assert.equal(originOf(asked), { trigger: 'console', by: 'ann' });
  assert.equal(parametersOf(asked), {});
});

data(
  'data without a mark (a worker’s own run, an older release’s schedule) or with a strange one has no origin',
  () => {
    assert.is(originOf({ facilityGroupId: 'G' }), null);
    assert.is(originOf(null), null);
    assert.is(originOf('text'), null);
    assert.is(originOf({ _oms: 'schedule' }), null);
    assert.is(originOf({ _oms: { trigger: 'schedule' } }), null, 'a schedule mark names its key');
    assert.is(originOf({ _oms: { trigger: 'console', by: 3 } }), null);
    assert.is(originOf({ _oms: { trigger: 'elsewhere', key: '' } }), null);
    assert.equal(parametersOf({ a: '1', b: 2, c: null, d: ['x'] }), { a: '1' });
    assert.equal(parametersOf(['a']), {});
    assert.is(scheduleKeyOf({ facilityGroupId: 'G' }), 'G');
    assert.is(scheduleKeyOf({ sample: '3' }), '');
  },
);

data.run();
