import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { SHOPIFY_API_VERSION } from '../../../src/adapters/shopify/api-version.ts';
import { startShopifyAdminServer } from '../../../src/testkit/index.ts';

const version = suite('SHOPIFY_API_VERSION');

version('a stable Admin API version: Shopify releases one a quarter, in January, April, July and October', () => {
  assert.match(SHOPIFY_API_VERSION, /^20\d\d-(01|04|07|10)$/);
});

version("the test kit's local Admin server answers this version by default, and no other", async () => {
  const server = await startShopifyAdminServer({ accessToken: 'shpat_api_version' });
  try {
    const post = (apiVersion: string) =>
      fetch(`${server.url}/admin/api/${apiVersion}/graphql.json`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-Shopify-Access-Token': 'shpat_api_version' },
        body: JSON.stringify({ query: '{ __typename }' }),
      });
    const answered = await post(SHOPIFY_API_VERSION);
    assert.is(answered.status, 200);
    assert.equal(((await answered.json()) as { data: unknown }).data, { __typename: 'QueryRoot' });
    assert.is((await post('2019-01')).status, 404);
  } finally {
    await server.close();
  }
});

version.run();
