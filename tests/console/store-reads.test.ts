import * as TE from 'fp-ts/lib/TaskEither.js';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { loadConfig } from '../../src/composition/config.ts';
import { describeError, pathId, ReadFailed, shownError, storeId, readValue } from '../../src/console/store-reads.ts';

const test = suite('console store reads');

test('readValue: the value, or a ReadFailed naming the error tag and reason', async () => {
  assert.is(await readValue(TE.right(7)), 7);
  try {
    await readValue(TE.left({ _tag: 'InventoryStoreUnavailable', reason: 'connection refused', retriable: true }));
    assert.unreachable('a Left throws');
  } catch (error) {
    assert.instance(error, ReadFailed);
    assert.is((error as Error).message, 'InventoryStoreUnavailable: connection refused');
  }
});

test('describeError: tag and reason, a message, or the value', () => {
  assert.is(describeError({ _tag: 'ShopifyThrottled', retryAfterMs: 5 }), 'ShopifyThrottled');
  assert.is(describeError(new Error('boom')), 'boom');
  assert.is(describeError('plain'), 'plain');
});

test('shownError: the configuration secrets never shown', () => {
  const config = loadConfig(
    { shopify: { shop: 'acme.myshopify.com' } },
    { SHOPIFY_ACCESS_TOKEN: 'shpat_secret_token_123' },
  );
  assert.ok(config._tag === 'Right');
  const shown = shownError(config.right, {
    _tag: 'ShopifyUnauthorized',
    reason: 'token shpat_secret_token_123 refused',
  });
  assert.not.match(shown, 'shpat_secret_token_123');
  assert.match(shown, 'ShopifyUnauthorized');
});

test('storeId: an id the stores can hold (markup included, it is escaped where shown); not blanks or controls', () => {
  assert.is(storeId('P100'), 'P100');
  assert.is(storeId('<script>'), '<script>');
  assert.is(storeId('SKU 1/ü'), 'SKU 1/ü');
  for (const bad of ['', ' P1', 'P1 ', 'a\u0000b', 'a\nb', 'x'.repeat(256), 7, undefined, ['P1']])
    assert.is(storeId(bad), null, JSON.stringify(bad));
});

test('pathId: an id as one path segment', () => {
  assert.is(pathId('a/b c?#'), 'a%2Fb%20c%3F%23');
});

test.run();
