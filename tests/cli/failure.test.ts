import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { failureSentence } from '../../src/cli/failure.ts';

const failure = suite('failureSentence');

failure('the errors a run ends with, as sentences: no tag, no JSON', () => {
  const cases: Array<[unknown, string]> = [
    [
      { _tag: 'HostKeyMismatch', store: 'sftp://oms@10.0.0.5:22', expected: 'abc', actual: 'def', retriable: false },
      'the SFTP server sftp://oms@10.0.0.5:22 did not show the pinned host key (pinned SHA256:abc, shown SHA256:def): check hostKeySha256 in the settings, or whether the server is the one you mean',
    ],
    [
      { _tag: 'ShopifyUnauthorized', reason: 'HTTP 401', retriable: false },
      'Shopify refused the access token (SHOPIFY_ACCESS_TOKEN): check the token and its shop: HTTP 401',
    ],
    [
      { _tag: 'ShopifyRejected', reason: 'bad', code: 'INVALID', retriable: false },
      'Shopify refused the request (INVALID): bad',
    ],
    [
      { _tag: 'InventoryStoreFailed', operation: 'read the runs', reason: 'connection reset', retriable: true },
      'the inventory store could not read the runs: connection reset',
    ],
    [
      {
        _tag: 'JobFailed',
        job: 'import',
        runId: 'r',
        reason: 'x',
        retriable: false,
        error: { _tag: 'FileNotFound', store: 'local', path: '/in/a.csv', retriable: false },
      },
      '/in/a.csv was not found on local',
    ],
    [
      { _tag: 'JobParametersInvalid', job: 'verify', problems: ['verify needs the parameter facilityGroupId'] },
      'verify needs the parameter facilityGroupId',
    ],
    [{ _tag: 'JobLockLost', reason: 'another owner holds the lease now' }, 'another owner holds the lease now'],
    [{ _tag: 'ImportAborted' }, 'import aborted'],
    [new Error('boom'), 'boom'],
    ['as given', 'as given'],
  ];
  for (const [error, sentence] of cases) {
    assert.is(failureSentence(error), sentence);
    assert.not.match(failureSentence(error), /_tag|[{}]/);
  }
});

failure.run();
