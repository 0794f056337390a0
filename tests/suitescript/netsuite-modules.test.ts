import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { describeError, errorCode } from '../../src/suitescript/netsuite-modules.ts';

const errors = suite('errorCode and describeError');

errors('a SuiteScript error is known by its name; anything else is UNEXPECTED_ERROR', () => {
  assert.is(errorCode({ name: 'FTP_FILE_ALREADY_EXISTS', message: 'exists' }), 'FTP_FILE_ALREADY_EXISTS');
  assert.is(errorCode(new Error('x')), 'Error');
  for (const other of [undefined, null, 'SSS_USAGE_LIMIT_EXCEEDED', 42, {}, { name: '' }, { name: 7 }])
    assert.is(errorCode(other), 'UNEXPECTED_ERROR', JSON.stringify(other));
});

errors('one line for the execution log: CODE: message', () => {
  assert.is(
    describeError({ name: 'FTP_CANNOT_ESTABLISH_CONNECTION', message: 'refused' }),
    'FTP_CANNOT_ESTABLISH_CONNECTION: refused',
  );
  assert.is(describeError({ message: 'no name' }), 'UNEXPECTED_ERROR: no name');
  assert.is(describeError({ name: 'X' }), 'X: undefined');
  assert.is(describeError('thrown text'), 'UNEXPECTED_ERROR: thrown text');
  assert.is(describeError(undefined), 'UNEXPECTED_ERROR: undefined');
});

errors.run();
