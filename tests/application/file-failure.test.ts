import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import * as TE from 'fp-ts/lib/TaskEither.js';
import {
  failureReason,
  MAX_REASON_LENGTH,
  settled,
  stopping,
  stopsTheRun,
} from '../../src/application/file-failure.ts';

const test = suite('settled, stopsTheRun, failureReason');

test('settled turns a rejection into a FileDefect with the error name and message, and passes answers on', async () => {
  const thrown = await settled<never, never>(() => Promise.reject(new RangeError('Invalid string length')))();
  assert.equal(thrown._tag === 'Left' && [thrown.left._tag, thrown.left.reason], [
    'FileDefect',
    'RangeError: Invalid string length',
  ]);
  assert.equal(await settled(TE.right(1))(), { _tag: 'Right', right: 1 });
  assert.equal(await settled(TE.left('no'))(), { _tag: 'Left', left: 'no' });
  const long = await settled<never, never>(() => Promise.reject(new Error('x'.repeat(10_000))))();
  assert.ok(long._tag === 'Left' && long.left.reason.length < MAX_REASON_LENGTH + 40);
});

test('what may pass, and failures of the folders moved into, stop the run; the rest is the file own', () => {
  assert.ok(stopsTheRun({ _tag: 'FileStoreUnavailable', retriable: true }));
  assert.ok(stopsTheRun({ _tag: 'JobLockLost', retriable: true }));
  assert.ok(stopsTheRun({ _tag: 'FileStoreFailed', retriable: false, operation: 'move' }));
  assert.ok(stopsTheRun({ _tag: 'FileStoreFailed', retriable: false, operation: 'write' }));
  assert.not.ok(stopsTheRun({ _tag: 'FileStoreFailed', retriable: false, operation: 'fetch' }));
  assert.not.ok(stopsTheRun({ _tag: 'InventoryStoreFailed', retriable: false, operation: 'commitImport' }));
  assert.not.ok(stopping({ _tag: 'FileDefect', reason: 'x', retriable: false, cause: null }));
});

test('failureReason says what failed where', () => {
  assert.is(
    failureReason({
      _tag: 'FileStoreFailed',
      retriable: false,
      operation: 'fetch',
      path: '/in/a.csv',
      reason: 'EACCES',
    }),
    'the file could not be processed: FileStoreFailed in fetch of /in/a.csv: EACCES',
  );
  assert.is(
    failureReason({ _tag: 'FileDefect', retriable: false, reason: 'TypeError: boom' }),
    'the file could not be processed: TypeError: boom',
  );
});

test.run();
