import { createAdminApiClient } from '@shopify/admin-api-client';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  SHOPIFY_PLANS,
  startShopifyAdminServer,
  type ShopifyAdminServer,
  type ShopifyAdminServerOptions,
} from '../../src/testkit/shopify-admin-server.ts';

interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly body: any;
}

const VERSION = '2026-10';

/** POSTs a GraphQL request to the server as a Shopify client would. */
const gql = async (
  server: ShopifyAdminServer,
  query: string,
  variables: Record<string, unknown> = {},
  { version = VERSION, token = server.accessToken }: { version?: string; token?: string | null } = {},
): Promise<Answer> => {
  const response = await fetch(`${server.url}/admin/api/${version}/graphql.json`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...(token === null ? {} : { 'X-Shopify-Access-Token': token }) },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, headers: response.headers, body: await response.json() };
};

const SET = `mutation Set($input: InventorySetQuantitiesInput!, $key: String!) {
  inventorySetQuantities(input: $input) @idempotent(key: $key) {
    inventoryAdjustmentGroup {
      id
      createdAt
      reason
      referenceDocumentUri
      changes { name delta quantityAfterChange item { id } location { id name } }
    }
    userErrors { field message code }
  }
}`;

const SET_WITHOUT_DIRECTIVE = `mutation Set($input: InventorySetQuantitiesInput!) {
  inventorySetQuantities(input: $input) { inventoryAdjustmentGroup { id } userErrors { field message code } }
}`;

interface Row {
  readonly inventoryItemId: string;
  readonly locationId: string;
  readonly quantity: number;
  readonly changeFromQuantity?: number | null;
}

const setInput = (quantities: ReadonlyArray<Row>, extra: Record<string, unknown> = {}) => ({
  name: 'available',
  reason: 'correction',
  referenceDocumentUri: 'gid://oms-inventory-sync/Push/1',
  quantities,
  ...extra,
});

const set = (
  server: ShopifyAdminServer,
  quantities: ReadonlyArray<Row>,
  key: string,
  extra: Record<string, unknown> = {},
) => gql(server, SET, { input: setInput(quantities, extra), key });

const payload = (answer: Answer) => answer.body.data.inventorySetQuantities;
const codes = (answer: Answer): string[] => payload(answer).userErrors.map((e: { code: string }) => e.code);

/** A fixed clock the tests move by hand. */
const manualClock = () => {
  let t = 0;
  return { now: () => t, advance: (ms: number) => (t += ms) };
};

/** A shop with two locations and two stocked items, the usual fixture. */
const shop = async (options: ShopifyAdminServerOptions = {}) => {
  const server = await startShopifyAdminServer(options);
  const warehouse = server.addLocation('Warehouse');
  const store = server.addLocation('Store');
  const shirt = server.addInventoryItem({ sku: 'SHIRT-M' });
  const socks = server.addInventoryItem({ sku: 'SOCKS' });
  server.stock(shirt, warehouse, 10);
  server.stock(socks, warehouse, 4);
  return { server, warehouse, store, shirt, socks };
};

type Shop = Awaited<ReturnType<typeof shop>>;
let open: ShopifyAdminServer[] = [];
const started = async (options: ShopifyAdminServerOptions = {}): Promise<Shop> => {
  const s = await shop(options);
  open.push(s.server);
  return s;
};
const closeAll = async () => {
  await Promise.all(open.map((s) => s.close()));
  open = [];
};

/** Asserts that a promise rejects (uvu/assert has no async variant). */
const rejects = async (promise: Promise<unknown>): Promise<void> => {
  try {
    await promise;
  } catch {
    return;
  }
  assert.unreachable('expected a rejection');
};

const until = async (check: () => Promise<boolean>, timeoutMs = 5000): Promise<void> => {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 5));
  }
};

// --- the HTTP edge -------------------------------------------------------------------------------------------------

const edge = suite('HTTP edge: auth, versions, body');
edge.after.each(closeAll);

edge('a request without the access token is 401 with Shopify body; a wrong token too', async () => {
  const { server } = await started({ accessToken: 'shpat_right' });
  const missing = await gql(server, '{ locations(first: 1) { nodes { id } } }', {}, { token: null });
  assert.is(missing.status, 401);
  assert.equal(missing.body, {
    errors: '[API] Invalid API key or access token (unrecognized login or wrong password)',
  });
  assert.is((await gql(server, '{ locations(first: 1) { nodes { id } } }', {}, { token: 'shpat_wrong' })).status, 401);
  assert.is((await gql(server, '{ locations(first: 1) { nodes { id } } }', {}, { token: 'shpat_right' })).status, 200);
  assert.is(server.stats.requests, 1, 'rejected requests are not GraphQL requests');
});

edge('an API version the server does not serve is 404; a served one echoes X-Shopify-API-Version', async () => {
  const { server } = await started({ apiVersions: ['2026-04', '2026-10'] });
  const old = await gql(server, '{ locations(first: 1) { nodes { id } } }', {}, { version: '2025-01' });
  assert.is(old.status, 404);
  assert.equal(old.body, { errors: 'Not Found' });
  const served = await gql(server, '{ locations(first: 1) { nodes { id } } }', {}, { version: '2026-04' });
  assert.is(served.status, 200);
  assert.is(served.headers.get('x-shopify-api-version'), '2026-04');
});

edge('a body without a query is 400; GraphQL errors are 200 in graphql-ruby shape, without cost', async () => {
  const { server } = await started();
  const response = await fetch(`${server.url}/admin/api/${VERSION}/graphql.json`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Shopify-Access-Token': server.accessToken },
    body: '{"variables":{}}',
  });
  assert.is(response.status, 400);
  const unknownField = await gql(
    server,
    'mutation M { inventorySetQuantities(input: {name: "available", reason: "correction", quantities: []}) @idempotent(key: "k") { userErrors { nope } } }',
  );
  assert.is(unknownField.status, 200);
  assert.equal(
    unknownField.body.errors[0].message,
    "Field 'nope' doesn't exist on type 'InventorySetQuantitiesUserError'",
  );
  assert.equal(unknownField.body.errors[0].path, ['mutation M', 'inventorySetQuantities', 'userErrors', 'nope']);
  assert.equal(unknownField.body.errors[0].extensions, {
    code: 'undefinedField',
    typeName: 'InventorySetQuantitiesUserError',
    fieldName: 'nope',
  });
  assert.is(unknownField.body.extensions, undefined);
  const syntax = await gql(server, 'mutation {');
  assert.match(syntax.body.errors[0].message, /^syntax error, /);
});

edge('ignoreCompareQuantity (removed in 2026-04) is an INVALID_VARIABLE error naming the field', async () => {
  const { server, shirt, warehouse } = await started();
  const answer = await gql(server, SET, {
    key: 'k1',
    input: {
      ...setInput([{ inventoryItemId: shirt, locationId: warehouse, quantity: 5 }]),
      ignoreCompareQuantity: true,
    },
  });
  assert.is(answer.status, 200);
  const [error] = answer.body.errors;
  assert.is(
    error.message,
    'Variable $input of type InventorySetQuantitiesInput! was provided invalid value for ignoreCompareQuantity (Field is not defined on InventorySetQuantitiesInput)',
  );
  assert.is(error.extensions.code, 'INVALID_VARIABLE');
  assert.equal(error.extensions.problems, [
    { path: ['ignoreCompareQuantity'], explanation: 'Field is not defined on InventorySetQuantitiesInput' },
  ]);
  assert.is(answer.body.data, undefined);
  assert.is(server.available(shirt, warehouse), 10);
});

edge("Shopify's admin-api-client talks to it through customFetchApi, as the doc comment shows", async () => {
  const { server, shirt, warehouse } = await started({
    plan: { maximumAvailable: 20, restoreRate: 1 },
    now: manualClock().now,
  });
  const client = createAdminApiClient({
    storeDomain: server.shopDomain,
    apiVersion: VERSION,
    accessToken: server.accessToken,
    logger: () => undefined,
    customFetchApi: (url, init) => fetch(String(url).replace(`https://${server.shopDomain}`, server.url), init),
  });
  const variables = {
    key: 'client-1',
    input: setInput([{ inventoryItemId: shirt, locationId: warehouse, quantity: 2, changeFromQuantity: 10 }]),
  };
  const applied = await client.request(SET, { variables });
  assert.equal((applied.data as any).inventorySetQuantities.userErrors, []);
  assert.is((applied.extensions as any).cost.requestedQueryCost, 13);
  const throttled = await client.request(SET, { variables });
  assert.is(throttled.data, undefined);
  assert.is(throttled.errors?.networkStatusCode, 200);
  assert.equal((throttled.errors?.graphQLErrors as any)?.[0].extensions.code, 'THROTTLED');
  assert.is(server.available(shirt, warehouse), 2);
});

edge.run();

// --- cost and the leaky bucket ---------------------------------------------------------------------------------------

const cost = suite('cost and throttling');
cost.after.each(closeAll);

cost(
  'every answer carries extensions.cost; a connection costs 2 + first × node, refunded to what came back',
  async () => {
    const clock = manualClock();
    const { server } = await started({ now: clock.now });
    const answer = await gql(server, '{ locations(first: 10) { nodes { id name } pageInfo { hasNextPage } } }');
    assert.equal(answer.body.extensions, {
      cost: {
        requestedQueryCost: 12,
        actualQueryCost: 4,
        throttleStatus: { maximumAvailable: 2000, currentlyAvailable: 1996, restoreRate: 100 },
      },
    });
    assert.is(server.stats.pointsSpent, 4);
  },
);

cost('inventorySetQuantities costs 13 as captured from Shopify, 10 when the group is null', async () => {
  const { server, shirt, warehouse } = await started({ now: manualClock().now });
  const applied = await set(
    server,
    [{ inventoryItemId: shirt, locationId: warehouse, quantity: 5, changeFromQuantity: 10 }],
    'k-cost-1',
  );
  assert.equal(applied.body.extensions.cost.requestedQueryCost, 13);
  assert.equal(applied.body.extensions.cost.actualQueryCost, 13);
  const rejected = await set(
    server,
    [{ inventoryItemId: shirt, locationId: warehouse, quantity: 5, changeFromQuantity: 99 }],
    'k-cost-2',
  );
  assert.equal(rejected.body.extensions.cost, {
    requestedQueryCost: 13,
    actualQueryCost: 10,
    throttleStatus: { maximumAvailable: 2000, currentlyAvailable: 1977, restoreRate: 100 },
  });
});

cost(
  'a request costing more than is available is THROTTLED (HTTP 200, not run); the bucket refills at restoreRate',
  async () => {
    const clock = manualClock();
    const { server, shirt, warehouse } = await started({
      plan: { maximumAvailable: 30, restoreRate: 10 },
      now: clock.now,
    });
    assert.is(
      payload(
        await set(
          server,
          [{ inventoryItemId: shirt, locationId: warehouse, quantity: 9, changeFromQuantity: 10 }],
          'a',
        ),
      ).userErrors.length,
      0,
    );
    assert.is(
      payload(
        await set(server, [{ inventoryItemId: shirt, locationId: warehouse, quantity: 8, changeFromQuantity: 9 }], 'b'),
      ).userErrors.length,
      0,
    );
    const throttled = await set(
      server,
      [{ inventoryItemId: shirt, locationId: warehouse, quantity: 7, changeFromQuantity: 8 }],
      'c',
    );
    assert.is(throttled.status, 200);
    assert.equal(throttled.body, {
      errors: [
        {
          message: 'Throttled',
          extensions: { code: 'THROTTLED', documentation: 'https://shopify.dev/api/usage/rate-limits' },
        },
      ],
      extensions: {
        cost: {
          requestedQueryCost: 13,
          actualQueryCost: null,
          throttleStatus: { maximumAvailable: 30, currentlyAvailable: 4, restoreRate: 10 },
        },
      },
    });
    assert.is(server.available(shirt, warehouse), 8, 'a throttled mutation applies nothing');
    assert.is(server.stats.throttled, 1);
    clock.advance(800); // 4 + 8 = 12 < 13
    assert.is(
      (await set(server, [{ inventoryItemId: shirt, locationId: warehouse, quantity: 7, changeFromQuantity: 8 }], 'c'))
        .body.errors[0].extensions.code,
      'THROTTLED',
    );
    clock.advance(100); // 13
    const after = await set(
      server,
      [{ inventoryItemId: shirt, locationId: warehouse, quantity: 7, changeFromQuantity: 8 }],
      'c',
    );
    assert.equal(payload(after).userErrors, []);
    assert.is(after.body.extensions.cost.throttleStatus.currentlyAvailable, 0);
    clock.advance(60_000);
    const full = await gql(server, '{ location { id } }');
    assert.is(
      full.body.extensions.cost.throttleStatus.currentlyAvailable,
      29,
      'refills up to the bucket size, then pays 1',
    );
  },
);

cost('the plans: standard 2000/100 and plus 20000/1000 as Shopify reports them', async () => {
  assert.equal(SHOPIFY_PLANS.standard, { maximumAvailable: 2000, restoreRate: 100 });
  assert.equal(SHOPIFY_PLANS.plus, { maximumAvailable: 20000, restoreRate: 1000 });
  const { server } = await started({ plan: SHOPIFY_PLANS.plus, now: manualClock().now });
  assert.equal((await gql(server, '{ location { id } }')).body.extensions.cost.throttleStatus, {
    maximumAvailable: 20000,
    currentlyAvailable: 19999,
    restoreRate: 1000,
  });
});

cost('a query over 1000 points is MAX_COST_EXCEEDED before running and costs nothing', async () => {
  const { server } = await started({ now: manualClock().now });
  const answer = await gql(
    server,
    '{ inventoryItems(first: 250) { nodes { id inventoryLevels(first: 10) { nodes { id } } } } }',
  );
  const [error] = answer.body.errors;
  assert.is(error.extensions.code, 'MAX_COST_EXCEEDED');
  assert.is(error.extensions.cost, 3252);
  assert.is(error.extensions.maxCost, 1000);
  assert.match(error.message, /^Query cost is 3252, which exceeds the single query max cost limit \(1000\)\./);
  assert.is(answer.body.data, undefined);
  assert.equal(answer.body.extensions.cost.actualQueryCost, null);
  assert.is(answer.body.extensions.cost.throttleStatus.currentlyAvailable, 2000);
});

cost('faults.throttle answers THROTTLED for the next N requests whatever the bucket holds', async () => {
  const { server, shirt, warehouse } = await started({ now: manualClock().now });
  server.faults.throttle(2);
  for (const key of ['x', 'x']) {
    assert.is(
      (await set(server, [{ inventoryItemId: shirt, locationId: warehouse, quantity: 1, changeFromQuantity: 10 }], key))
        .body.errors[0].extensions.code,
      'THROTTLED',
    );
  }
  assert.equal(
    codes(
      await set(server, [{ inventoryItemId: shirt, locationId: warehouse, quantity: 1, changeFromQuantity: 10 }], 'x'),
    ),
    [],
  );
  assert.is(server.stats.throttled, 2);
  assert.is(server.stats.requests, 3);
});

cost('latencyMs: every GraphQL answer takes that long, however cheap', async () => {
  const { server } = await started({ latencyMs: 120 });
  const at = performance.now();
  const answer = await gql(server, '{ locations(first: 1) { nodes { id } } }');
  const ms = performance.now() - at;
  assert.is(answer.status, 200);
  assert.ok(ms >= 115, `${Math.round(ms)} ms`);
});

cost('compete: another client spends that many points a second from the same bucket until stopped', async () => {
  const clock = manualClock();
  const { server } = await started({ now: clock.now });
  const stop = server.compete(500);
  for (let i = 0; i < 10; i++) {
    clock.advance(100);
    await new Promise((r) => setTimeout(r, 25));
  }
  stop();
  // A second of 500 points a second spent, while 100 a second refilled: 2,000 - 500 + 100 = 1,600 left.
  const answer = await gql(server, '{ locations(first: 1) { nodes { id } } }');
  const left = answer.body.extensions.cost.throttleStatus.currentlyAvailable as number;
  assert.ok(left >= 1_590 - 4 && left <= 1_610, String(left));
  clock.advance(1_000);
  const after = await gql(server, '{ locations(first: 1) { nodes { id } } }');
  assert.ok(after.body.extensions.cost.throttleStatus.currentlyAvailable > left, 'stopped: the bucket refills');
});

cost.run();

// --- inventorySetQuantities ------------------------------------------------------------------------------------------

const setting = suite('inventorySetQuantities');
setting.after.each(closeAll);

setting(
  'a set with a matching changeFromQuantity applies, answers the available and on_hand changes, and is recorded',
  async () => {
    const { server, shirt, socks, warehouse } = await started();
    const answer = await set(
      server,
      [
        { inventoryItemId: shirt, locationId: warehouse, quantity: 7, changeFromQuantity: 10 },
        { inventoryItemId: socks, locationId: warehouse, quantity: 6, changeFromQuantity: 4 },
      ],
      'push-1',
    );
    const { inventoryAdjustmentGroup: group, userErrors } = payload(answer);
    assert.equal(userErrors, []);
    assert.match(group.id, /^gid:\/\/shopify\/InventoryAdjustmentGroup\/\d+$/);
    assert.is(group.reason, 'correction');
    assert.is(group.referenceDocumentUri, 'gid://oms-inventory-sync/Push/1');
    assert.equal(
      group.changes.map((c: any) => [c.name, c.delta, c.quantityAfterChange, c.item.id, c.location.name]),
      [
        ['available', -3, null, shirt, 'Warehouse'],
        ['on_hand', -3, null, shirt, 'Warehouse'],
        ['available', 2, null, socks, 'Warehouse'],
        ['on_hand', 2, null, socks, 'Warehouse'],
      ],
    );
    assert.is(server.available(shirt, warehouse), 7);
    assert.is(server.available(socks, warehouse), 6);
    assert.equal(server.adjustments(), [
      {
        inventoryItemId: shirt,
        locationId: warehouse,
        delta: -3,
        quantityAfterChange: 7,
        reason: 'correction',
        referenceDocumentUri: 'gid://oms-inventory-sync/Push/1',
        idempotencyKey: 'push-1',
      },
      {
        inventoryItemId: socks,
        locationId: warehouse,
        delta: 2,
        quantityAfterChange: 6,
        reason: 'correction',
        referenceDocumentUri: 'gid://oms-inventory-sync/Push/1',
        idempotencyKey: 'push-1',
      },
    ]);
    assert.is(server.stats.setCalls, 1);
    assert.is(server.stats.quantitiesApplied, 2);
  },
);

setting('a stale changeFromQuantity is CHANGE_FROM_QUANTITY_STALE and no row of the call applies', async () => {
  const { server, shirt, socks, warehouse } = await started();
  server.sell(shirt, warehouse, 2);
  const answer = await set(
    server,
    [
      { inventoryItemId: socks, locationId: warehouse, quantity: 1, changeFromQuantity: 4 },
      { inventoryItemId: shirt, locationId: warehouse, quantity: 3, changeFromQuantity: 10 },
    ],
    'stale',
  );
  assert.is(payload(answer).inventoryAdjustmentGroup, null);
  assert.equal(payload(answer).userErrors, [
    {
      field: ['input', 'quantities', '1', 'changeFromQuantity'],
      message: 'The changeFromQuantity value does not match persisted value.',
      code: 'CHANGE_FROM_QUANTITY_STALE',
    },
  ]);
  assert.is(server.available(socks, warehouse), 4);
  assert.is(server.available(shirt, warehouse), 8);
  assert.equal(server.adjustments(), []);
});

setting('faults.saleDuringRequest lands between the read and the set, so the set goes stale', async () => {
  const { server, shirt, warehouse } = await started();
  server.faults.saleDuringRequest(shirt, warehouse, 1);
  assert.equal(
    codes(
      await set(
        server,
        [{ inventoryItemId: shirt, locationId: warehouse, quantity: 5, changeFromQuantity: 10 }],
        'race',
      ),
    ),
    ['CHANGE_FROM_QUANTITY_STALE'],
  );
  assert.is(server.available(shirt, warehouse), 9);
  assert.equal(
    codes(
      await set(
        server,
        [{ inventoryItemId: shirt, locationId: warehouse, quantity: 5, changeFromQuantity: 9 }],
        'race-2',
      ),
    ),
    [],
  );
  assert.is(server.available(shirt, warehouse), 5);
});

setting(
  'changeFromQuantity null skips the check; leaving it out is a top-level INVALID_FIELD_ARGUMENTS error',
  async () => {
    const { server, shirt, warehouse } = await started();
    server.sell(shirt, warehouse, 3);
    assert.equal(
      codes(
        await set(
          server,
          [{ inventoryItemId: shirt, locationId: warehouse, quantity: 2, changeFromQuantity: null }],
          'no-cas',
        ),
      ),
      [],
    );
    assert.is(server.available(shirt, warehouse), 2);
    const missing = await set(server, [{ inventoryItemId: shirt, locationId: warehouse, quantity: 1 }], 'missing');
    assert.is(missing.status, 200);
    assert.equal(missing.body.data, { inventorySetQuantities: null });
    assert.is(
      missing.body.errors[0].message,
      'InventoryQuantityInput must include the following argument: changeFromQuantity.',
    );
    assert.equal(missing.body.errors[0].extensions, { code: 'INVALID_FIELD_ARGUMENTS' });
    assert.equal(missing.body.errors[0].path, ['inventorySetQuantities']);
    assert.is(missing.body.extensions.cost.actualQueryCost, 10);
    assert.is(server.available(shirt, warehouse), 2);
  },
);

setting('without @idempotent the mutation is a BAD_REQUEST error with data null, as in 2026-04', async () => {
  const { server, shirt, warehouse } = await started();
  const answer = await gql(server, SET_WITHOUT_DIRECTIVE, {
    input: setInput([{ inventoryItemId: shirt, locationId: warehouse, quantity: 1, changeFromQuantity: 10 }]),
  });
  assert.equal(answer.body.data, { inventorySetQuantities: null });
  assert.equal(
    answer.body.errors[0].message,
    'The @idempotent directive is required for this mutation but was not provided.',
  );
  assert.equal(answer.body.errors[0].extensions, { code: 'BAD_REQUEST' });
  assert.is(server.available(shirt, warehouse), 10);
  const literalKey = await gql(
    server,
    SET.replace('@idempotent(key: $key)', '@idempotent(key: "literal-key")').replace(', $key: String!', ''),
    {
      input: setInput([{ inventoryItemId: shirt, locationId: warehouse, quantity: 1, changeFromQuantity: 10 }]),
    },
  );
  assert.equal(codes(literalKey), []);
  assert.is(server.available(shirt, warehouse), 1);
});

setting('the same key with the same input answers the first answer again and applies nothing more', async () => {
  const { server, shirt, warehouse } = await started();
  const rows = [{ inventoryItemId: shirt, locationId: warehouse, quantity: 6, changeFromQuantity: 10 }];
  const first = payload(await set(server, rows, 'retry-me'));
  server.sell(shirt, warehouse, 1);
  const again = payload(await set(server, rows, 'retry-me'));
  assert.equal(again, first);
  assert.is(server.available(shirt, warehouse), 5);
  assert.is(server.adjustments().length, 1);
});

setting(
  'faults.dropAfterApply: the set applies, the socket dies, and the retry with the same key applies nothing',
  async () => {
    const { server, shirt, warehouse } = await started();
    server.faults.dropAfterApply();
    const rows = [{ inventoryItemId: shirt, locationId: warehouse, quantity: 3, changeFromQuantity: 10 }];
    await rejects(set(server, rows, 'dropped'));
    assert.is(server.available(shirt, warehouse), 3, 'applied although the client saw no answer');
    const retry = payload(await set(server, rows, 'dropped'));
    assert.equal(retry.userErrors, []);
    assert.is(retry.inventoryAdjustmentGroup.changes[0].delta, -7);
    assert.is(server.available(shirt, warehouse), 3);
    assert.is(server.adjustments().length, 1);
  },
);

setting(
  'the same key with another input is IDEMPOTENCY_KEY_PARAMETER_MISMATCH; after a rejected first use, IDEMPOTENCY_PREVIOUS_ATTEMPT_FAILED',
  async () => {
    const { server, shirt, warehouse } = await started();
    assert.equal(
      codes(
        await set(
          server,
          [{ inventoryItemId: shirt, locationId: warehouse, quantity: 6, changeFromQuantity: 10 }],
          'k',
        ),
      ),
      [],
    );
    const other = await set(
      server,
      [{ inventoryItemId: shirt, locationId: warehouse, quantity: 5, changeFromQuantity: 6 }],
      'k',
    );
    assert.equal(payload(other).userErrors, [
      {
        field: null,
        message: 'The same idempotency key cannot be used with different operation parameters.',
        code: 'IDEMPOTENCY_KEY_PARAMETER_MISMATCH',
      },
    ]);
    assert.is(server.available(shirt, warehouse), 6);
    const stale = [{ inventoryItemId: shirt, locationId: warehouse, quantity: 5, changeFromQuantity: 99 }];
    assert.equal(codes(await set(server, stale, 'k2')), ['CHANGE_FROM_QUANTITY_STALE']);
    assert.equal(codes(await set(server, stale, 'k2')), ['IDEMPOTENCY_PREVIOUS_ATTEMPT_FAILED']);
    server.faults.userError(shirt, 'IDEMPOTENCY_CONCURRENT_REQUEST');
    const rows = [{ inventoryItemId: shirt, locationId: warehouse, quantity: 4, changeFromQuantity: 6 }];
    assert.equal(payload(await set(server, rows, 'k3')).userErrors, [
      {
        field: null,
        message: 'This request is currently in progress, please try again.',
        code: 'IDEMPOTENCY_CONCURRENT_REQUEST',
      },
    ]);
    assert.equal(codes(await set(server, rows, 'k3')), [], 'a concurrent-request answer leaves the key usable');
    assert.is(server.available(shirt, warehouse), 4);
  },
);

setting('more than 250 quantities is MAX_INPUT_SIZE_EXCEEDED before running; 250 is accepted', async () => {
  const { server, warehouse } = await started();
  const items = Array.from({ length: 251 }, (_, i) => server.addInventoryItem({ sku: `BULK-${i}` }));
  for (const item of items) server.stock(item, warehouse, 0);
  const rows = items.map((inventoryItemId) => ({
    inventoryItemId,
    locationId: warehouse,
    quantity: 1,
    changeFromQuantity: 0,
  }));
  const tooMany = await set(server, rows, 'big');
  assert.equal(
    tooMany.body.errors[0].message,
    'The input array size of 251 is greater than the maximum allowed of 250.',
  );
  assert.equal(tooMany.body.errors[0].path, ['inventorySetQuantities', 'input', 'quantities']);
  assert.equal(tooMany.body.errors[0].extensions, { code: 'MAX_INPUT_SIZE_EXCEEDED' });
  assert.is(tooMany.body.data, undefined);
  assert.is(tooMany.body.extensions.cost.actualQueryCost, null);
  assert.is(server.stats.setCalls, 0);
  assert.equal(codes(await set(server, rows.slice(0, 250), 'big-ok')), []);
  assert.is(server.stats.quantitiesApplied, 250);
});

setting('every validation userError code, with Shopify field paths; a bad row fails the whole call', async () => {
  const { server, shirt, socks, warehouse, store } = await started();
  const row = (over: Partial<Row> = {}): Row => ({
    inventoryItemId: shirt,
    locationId: warehouse,
    quantity: 1,
    changeFromQuantity: 10,
    ...over,
  });
  const errorsOf = async (rows: ReadonlyArray<Row>, extra: Record<string, unknown> = {}) =>
    payload(await set(server, rows, `k-${Math.random()}`, extra)).userErrors;
  assert.equal(await errorsOf([row()], { reason: 'completely_made_up' }), [
    {
      field: ['input', 'reason'],
      code: 'INVALID_REASON',
      message:
        'The specified reason is invalid. Valid values are: correction, cycle_count_available, damaged, movement_canceled, movement_created, movement_received, movement_updated, other, promotion, quality_control, received, reservation_created, reservation_deleted, reservation_updated, restock, safety_stock, shrinkage.',
    },
  ]);
  assert.equal(await errorsOf([row()], { name: 'damaged' }), [
    {
      field: ['input', 'name'],
      message: "The quantity name must be either 'available' or 'on_hand'.",
      code: 'INVALID_NAME',
    },
  ]);
  assert.equal(await errorsOf([row()], { referenceDocumentUri: 'not a uri' }), [
    {
      field: ['input', 'referenceDocumentUri'],
      message: 'The specified reference document is invalid.',
      code: 'INVALID_REFERENCE_DOCUMENT',
    },
  ]);
  assert.equal(
    await errorsOf([
      row({ inventoryItemId: 'gid://shopify/InventoryItem/42', locationId: 'gid://shopify/Location/515151515151' }),
    ]),
    [
      {
        field: ['input', 'quantities', '0', 'inventoryItemId'],
        message: 'The specified inventory item could not be found.',
        code: 'INVALID_INVENTORY_ITEM',
      },
      {
        field: ['input', 'quantities', '0', 'locationId'],
        message: 'The specified location could not be found.',
        code: 'INVALID_LOCATION',
      },
    ],
  );
  assert.equal(await errorsOf([row({ locationId: store })]), [
    {
      field: ['input', 'quantities', '0', 'locationId'],
      message: 'The specified inventory item is not stocked at the location.',
      code: 'ITEM_NOT_STOCKED_AT_LOCATION',
    },
  ]);
  assert.equal(await errorsOf([row({ quantity: 1_000_000_001 })]), [
    {
      field: ['input', 'quantities', '0', 'quantity'],
      message: "The quantity can't be higher than 1,000,000,000.",
      code: 'INVALID_QUANTITY_TOO_HIGH',
    },
  ]);
  assert.equal(await errorsOf([row({ quantity: -2_000_000_000 })]), [
    {
      field: ['input', 'quantities', '0', 'quantity'],
      message: "The quantity can't be lower than -1,000,000,000.",
      code: 'INVALID_QUANTITY_TOO_LOW',
    },
  ]);
  assert.equal(await errorsOf([row({ quantity: -5 })], { name: 'on_hand' }), [
    {
      field: ['input', 'quantities', '0', 'quantity'],
      message: "The quantity can't be negative.",
      code: 'INVALID_QUANTITY_NEGATIVE',
    },
  ]);
  assert.equal(await errorsOf([row(), row({ quantity: 2 })]), [
    {
      field: ['input', 'quantities', '0', 'locationId'],
      message: 'The combination of inventoryItemId and locationId must be unique.',
      code: 'NO_DUPLICATE_INVENTORY_ITEM_ID_GROUP_ID_PAIR',
    },
    {
      field: ['input', 'quantities', '1', 'locationId'],
      message: 'The combination of inventoryItemId and locationId must be unique.',
      code: 'NO_DUPLICATE_INVENTORY_ITEM_ID_GROUP_ID_PAIR',
    },
  ]);
  server.faults.userError(shirt, 'NON_MUTABLE_INVENTORY_ITEM');
  assert.equal(await errorsOf([row({ inventoryItemId: socks, changeFromQuantity: 4 }), row()]), [
    {
      field: ['input', 'quantities', '1', 'inventoryItemId'],
      message:
        'The specified inventory item is not allowed to be adjusted via API. Example: if the inventory item is a parent bundle.',
      code: 'NON_MUTABLE_INVENTORY_ITEM',
    },
  ]);
  assert.equal(
    await errorsOf([row({ quantity: -5 })]),
    [],
    'available may go negative; the injected error was one-shot',
  );
  assert.is(server.available(socks, warehouse), 4, 'the good row of a rejected call was not applied');
  assert.is(server.adjustments().length, 1);
});

setting('name on_hand sets on_hand; committed units from sales stay out of available', async () => {
  const { server, shirt, warehouse } = await started();
  server.sell(shirt, warehouse, 2); // available 8, committed 2, on_hand 10
  const answer = await set(
    server,
    [{ inventoryItemId: shirt, locationId: warehouse, quantity: 12, changeFromQuantity: 10 }],
    'on-hand',
    { name: 'on_hand' },
  );
  assert.equal(
    payload(answer).inventoryAdjustmentGroup.changes.map((c: any) => [c.name, c.delta]),
    [
      ['available', 2],
      ['on_hand', 2],
    ],
  );
  assert.is(server.available(shirt, warehouse), 10);
  const read = await gql(
    server,
    `query($id: ID!, $loc: ID!) { inventoryItem(id: $id) { inventoryLevel(locationId: $loc) { quantities(names: ["available", "on_hand", "committed"]) { name quantity } } } }`,
    { id: shirt, loc: warehouse },
  );
  assert.equal(read.body.data.inventoryItem.inventoryLevel.quantities, [
    { name: 'available', quantity: 10 },
    { name: 'on_hand', quantity: 12 },
    { name: 'committed', quantity: 2 },
  ]);
});

setting.run();

// --- reading ----------------------------------------------------------------------------------------------------------

const reading = suite('reading: inventoryItems, levels, locations');
reading.after.each(closeAll);

const ITEMS = `query Items($query: String, $first: Int!, $after: String, $location: ID!) {
  inventoryItems(first: $first, after: $after, query: $query) {
    edges { cursor node { id sku tracked inventoryLevel(locationId: $location) { quantities(names: ["available"]) { name quantity } location { id } } } }
    pageInfo { hasNextPage endCursor }
  }
}`;

reading(
  'every item is its own product variant: productVariants pages and searches by sku like inventoryItems',
  async () => {
    const { server, shirt, socks } = await started();
    const twin = server.addInventoryItem({ sku: 'SHIRT-M' });
    const VARIANTS = `query Variants($query: String, $first: Int!, $after: String) {
    productVariants(first: $first, after: $after, query: $query) {
      nodes { id sku inventoryItem { id sku variant { id } } }
      pageInfo { hasNextPage endCursor }
    }
  }`;
    const variant = (item: string) => item.replace('InventoryItem', 'ProductVariant');
    const first = (await gql(server, VARIANTS, { first: 2 })).body.data.productVariants;
    assert.equal(first.nodes, [
      {
        id: variant(shirt),
        sku: 'SHIRT-M',
        inventoryItem: { id: shirt, sku: 'SHIRT-M', variant: { id: variant(shirt) } },
      },
      { id: variant(socks), sku: 'SOCKS', inventoryItem: { id: socks, sku: 'SOCKS', variant: { id: variant(socks) } } },
    ]);
    assert.is(first.pageInfo.hasNextPage, true);
    const rest = (await gql(server, VARIANTS, { first: 2, after: first.pageInfo.endCursor })).body.data.productVariants;
    assert.equal(
      rest.nodes.map((n: any) => n.id),
      [variant(twin)],
    );
    const bySku = (await gql(server, VARIANTS, { first: 10, query: 'sku:SHIRT-M' })).body.data.productVariants;
    assert.equal(
      bySku.nodes.map((n: any) => n.inventoryItem.id),
      [shirt, twin],
    );
    const one = await gql(server, 'query V($id: ID!) { productVariant(id: $id) { id sku } node(id: $id) { id } }', {
      id: variant(socks),
    });
    assert.equal(one.body.data, { productVariant: { id: variant(socks), sku: 'SOCKS' }, node: { id: variant(socks) } });
    const none = await gql(server, 'query V($id: ID!) { productVariant(id: $id) { id } }', {
      id: 'gid://shopify/ProductVariant/999',
    });
    assert.equal(none.body.data, { productVariant: null });
  },
);

reading('inventoryItems by sku finds every item with the sku (SKUs may repeat), page by page', async () => {
  const { server, warehouse, shirt } = await started();
  const twin = server.addInventoryItem({ sku: 'SHIRT-M' });
  const untracked = server.addInventoryItem({ sku: 'GIFT', tracked: false });
  const page1 = await gql(server, ITEMS, { query: 'sku:SHIRT-M', first: 1, location: warehouse });
  const connection1 = page1.body.data.inventoryItems;
  assert.equal(
    connection1.edges.map((e: any) => e.node.id),
    [shirt],
  );
  assert.equal(connection1.edges[0].node.inventoryLevel, {
    quantities: [{ name: 'available', quantity: 10 }],
    location: { id: warehouse },
  });
  assert.is(connection1.pageInfo.hasNextPage, true);
  assert.is(connection1.pageInfo.endCursor, connection1.edges[0].cursor);
  const page2 = (
    await gql(server, ITEMS, {
      query: "sku:'SHIRT-M'",
      first: 1,
      after: connection1.pageInfo.endCursor,
      location: warehouse,
    })
  ).body.data.inventoryItems;
  assert.equal(
    page2.edges.map((e: any) => [e.node.id, e.node.inventoryLevel]),
    [[twin, null]],
  );
  assert.is(page2.pageInfo.hasNextPage, false);
  const either = (await gql(server, ITEMS, { query: 'sku:SOCKS OR sku:"GIFT"', first: 10, location: warehouse })).body
    .data.inventoryItems;
  assert.equal(
    either.edges.map((e: any) => [e.node.sku, e.node.tracked]),
    [
      ['SOCKS', true],
      ['GIFT', false],
    ],
  );
  assert.ok(untracked);
  assert.equal(
    (await gql(server, ITEMS, { query: 'sku:NOPE', first: 10, location: warehouse })).body.data.inventoryItems,
    { edges: [], pageInfo: { hasNextPage: false, endCursor: null } },
  );
});

reading(
  'inventoryLevels, locations and nodes read what the shop holds; a connection without first or last is an error',
  async () => {
    const { server, warehouse, store, shirt } = await started();
    server.stock(shirt, store, 3);
    const levels = await gql(
      server,
      `query($id: ID!) { inventoryItem(id: $id) { inventoryLevels(first: 5) { nodes { id location { id name } quantities(names: ["available"]) { quantity } } } } }`,
      { id: shirt },
    );
    assert.equal(
      levels.body.data.inventoryItem.inventoryLevels.nodes.map((n: any) => [n.location.name, n.quantities[0].quantity]),
      [
        ['Warehouse', 10],
        ['Store', 3],
      ],
    );
    assert.match(
      levels.body.data.inventoryItem.inventoryLevels.nodes[0].id,
      /^gid:\/\/shopify\/InventoryLevel\/1\?inventory_item_id=1$/,
    );
    const locations = await gql(server, '{ locations(first: 5) { edges { node { id name } } } }');
    assert.equal(
      locations.body.data.locations.edges.map((e: any) => e.node),
      [
        { id: warehouse, name: 'Warehouse' },
        { id: store, name: 'Store' },
      ],
    );
    const node = await gql(server, `query($id: ID!) { node(id: $id) { id ... on InventoryItem { sku } } }`, {
      id: shirt,
    });
    assert.equal(node.body.data.node, { id: shirt, sku: 'SHIRT-M' });
    const unpaged = await gql(server, '{ locations { nodes { id } } }');
    assert.is(unpaged.body.errors[0].message, 'you must provide one of first or last');
  },
);

reading(
  'currentAppInstallation lists the granted access scopes: the three inventory sync needs, or those given',
  async () => {
    const query = 'query AccessScopes { currentAppInstallation { accessScopes { handle } } }';
    const granted = await gql((await started()).server, query);
    assert.equal(
      granted.body.data.currentAppInstallation.accessScopes.map((s: { handle: string }) => s.handle),
      ['read_inventory', 'write_inventory', 'read_products'],
    );
    assert.ok(granted.body.extensions.cost.actualQueryCost > 0, 'priced like any query');
    const narrow = await gql((await started({ accessScopes: ['read_inventory'] })).server, query);
    assert.equal(narrow.body.data.currentAppInstallation.accessScopes, [{ handle: 'read_inventory' }]);
  },
);

reading('servers are independent', async () => {
  const a = await started();
  const b = await started();
  a.server.sell(a.shirt, a.warehouse, 5);
  assert.is(a.server.available(a.shirt, a.warehouse), 5);
  assert.is(b.server.available(b.shirt, b.warehouse), 10);
  assert.is.not(a.server.url, b.server.url);
});

reading.run();

// --- faults at the HTTP level -----------------------------------------------------------------------------------------

const faults = suite('faults: 5xx and hangs');
faults.after.each(closeAll);

faults('serverError answers a 5xx without running; the next request runs', async () => {
  const { server, shirt, warehouse } = await started();
  server.faults.serverError(1, 503);
  const failed = await set(
    server,
    [{ inventoryItemId: shirt, locationId: warehouse, quantity: 1, changeFromQuantity: 10 }],
    'k',
  );
  assert.is(failed.status, 503);
  assert.is(server.available(shirt, warehouse), 10);
  assert.equal(
    codes(
      await set(server, [{ inventoryItemId: shirt, locationId: warehouse, quantity: 1, changeFromQuantity: 10 }], 'k'),
    ),
    [],
  );
});

faults('hang never answers: the client times out, the server still closes', async () => {
  const { server } = await started();
  server.faults.hang();
  const hanging = fetch(`${server.url}/admin/api/${VERSION}/graphql.json`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Shopify-Access-Token': server.accessToken },
    body: JSON.stringify({ query: '{ location { id } }' }),
    signal: AbortSignal.timeout(100),
  });
  await rejects(hanging);
  assert.is((await gql(server, '{ location { id } }')).status, 200, 'only one request hangs');
  server.faults.hang();
  const neverAnswered = fetch(`${server.url}/admin/api/${VERSION}/graphql.json`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Shopify-Access-Token': server.accessToken },
    body: JSON.stringify({ query: '{ location { id } }' }),
  });
  await new Promise((r) => setTimeout(r, 20));
  await server.close();
  open = open.filter((s) => s !== server);
  await rejects(neverAnswered);
});

faults.run();

// --- bulk ---------------------------------------------------------------------------------------------------------------

const bulk = suite('bulk operations');
bulk.after.each(closeAll);

const STAGE = `mutation Stage($input: [StagedUploadInput!]!) {
  stagedUploadsCreate(input: $input) { stagedTargets { url resourceUrl parameters { name value } } userErrors { field message } }
}`;
const RUN = `mutation Run($mutation: String!, $path: String!) {
  bulkOperationRunMutation(mutation: $mutation, stagedUploadPath: $path) {
    bulkOperation { id status type objectCount url errorCode }
    userErrors { field message code }
  }
}`;
const POLL = `query Poll($id: ID!) { bulkOperation(id: $id) { id status objectCount rootObjectCount fileSize url completedAt } }`;
const INNER = `mutation Set($input: InventorySetQuantitiesInput!, $key: String!) {
  inventorySetQuantities(input: $input) @idempotent(key: $key) { inventoryAdjustmentGroup { id } userErrors { code field } }
}`;

/** Stages a JSONL file the way Shopify's docs show: stagedUploadsCreate, then a multipart POST (or a raw PUT). */
const stage = async (
  server: ShopifyAdminServer,
  jsonl: string,
  httpMethod: 'POST' | 'PUT' = 'POST',
): Promise<string> => {
  const staged = await gql(server, STAGE, {
    input: [{ resource: 'BULK_MUTATION_VARIABLES', filename: 'push.jsonl', mimeType: 'text/jsonl', httpMethod }],
  });
  const [target] = staged.body.data.stagedUploadsCreate.stagedTargets;
  if (httpMethod === 'PUT') {
    assert.is((await fetch(target.url, { method: 'PUT', body: jsonl })).status, 200);
    return new URL(target.url).pathname.replace('/staged-uploads/', '');
  }
  const form = new FormData();
  for (const { name, value } of target.parameters) form.append(name, value);
  form.append('file', new Blob([jsonl], { type: 'text/jsonl' }), 'push.jsonl');
  const upload = await fetch(target.url, { method: 'POST', body: form });
  assert.is(upload.status, 201);
  assert.match(await upload.text(), /<PostResponse>/);
  return target.parameters.find((p: { name: string }) => p.name === 'key').value;
};

const line = (key: string, rows: ReadonlyArray<Row>) => JSON.stringify({ key, input: setInput(rows) });

bulk('a bulk mutation end to end: stage, upload, run, poll to COMPLETED, read the JSONL result', async () => {
  const { server, shirt, socks, warehouse } = await started({ now: manualClock().now });
  const path = await stage(
    server,
    `${[
      line('bulk-1', [{ inventoryItemId: shirt, locationId: warehouse, quantity: 8, changeFromQuantity: 10 }]),
      line('bulk-2', [{ inventoryItemId: socks, locationId: warehouse, quantity: 1, changeFromQuantity: 99 }]),
    ].join('\n')}\n`,
  );
  assert.match(path, /^tmp\/\d+\/bulk\/[0-9a-f-]+\/push\.jsonl$/);
  const spentBefore = server.stats.pointsSpent;
  const run = await gql(server, RUN, { mutation: INNER, path });
  const op = run.body.data.bulkOperationRunMutation.bulkOperation;
  assert.equal(run.body.data.bulkOperationRunMutation.userErrors, []);
  assert.equal([op.status, op.type, op.objectCount, op.url], ['CREATED', 'MUTATION', '0', null]);
  let polled: any;
  await until(async () => {
    polled = (await gql(server, POLL, { id: op.id })).body.data.bulkOperation;
    return polled.status === 'COMPLETED';
  });
  assert.is(polled.objectCount, '2');
  assert.ok(polled.completedAt);
  const jsonl = await (await fetch(polled.url)).text();
  assert.is(Number(polled.fileSize), Buffer.byteLength(jsonl));
  const lines = jsonl
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  assert.is(lines[0].__lineNumber, 0);
  assert.equal(lines[0].data.inventorySetQuantities.userErrors, []);
  assert.match(lines[0].data.inventorySetQuantities.inventoryAdjustmentGroup.id, /InventoryAdjustmentGroup/);
  assert.equal(lines[1], {
    data: {
      inventorySetQuantities: {
        inventoryAdjustmentGroup: null,
        userErrors: [{ code: 'CHANGE_FROM_QUANTITY_STALE', field: ['input', 'quantities', '0', 'changeFromQuantity'] }],
      },
    },
    __lineNumber: 1,
  });
  assert.is(server.available(shirt, warehouse), 8);
  assert.is(server.available(socks, warehouse), 4);
  assert.is(server.stats.bulkOperations, 1);
  assert.is(server.stats.setCalls, 2);
  const current = await gql(server, '{ currentBulkOperation(type: MUTATION) { id status } }');
  assert.equal(current.body.data.currentBulkOperation, { id: op.id, status: 'COMPLETED' });
  // The lines ran outside the bucket: only the GraphQL requests were charged.
  assert.ok(server.stats.pointsSpent - spentBefore < 50);
});

bulk(
  'a raw PUT upload works too; unknown paths, empty files and a sixth concurrent operation are refused as Shopify does',
  async () => {
    const { server, shirt, warehouse } = await started({ bulkRowDelayMs: 10_000 });
    const path = await stage(
      server,
      line('put', [{ inventoryItemId: shirt, locationId: warehouse, quantity: 9, changeFromQuantity: 10 }]),
      'PUT',
    );
    const missing = await gql(server, RUN, { mutation: INNER, path: 'tmp/1/bulk/nope/x.jsonl' });
    assert.equal(missing.body.data.bulkOperationRunMutation.userErrors[0].code, 'NO_SUCH_FILE');
    const empty = await gql(server, RUN, { mutation: INNER, path: await stage(server, '') });
    assert.equal(empty.body.data.bulkOperationRunMutation.userErrors, [
      { field: null, message: 'The input file is empty.', code: 'INVALID_STAGED_UPLOAD_FILE' },
    ]);
    const wrongRoot = await gql(server, RUN, {
      mutation: 'mutation { stagedUploadsCreate(input: []) { userErrors { message } } }',
      path,
    });
    assert.equal(wrongRoot.body.data.bulkOperationRunMutation.userErrors, [
      { field: ['mutation'], message: 'You must use an allowed mutation name.', code: null },
    ]);
    const ids: string[] = [];
    for (let i = 0; i < 5; i += 1) {
      const run = await gql(server, RUN, { mutation: INNER, path });
      ids.push(run.body.data.bulkOperationRunMutation.bulkOperation.id);
    }
    const sixth = await gql(server, RUN, { mutation: INNER, path });
    assert.equal(sixth.body.data.bulkOperationRunMutation, {
      bulkOperation: null,
      userErrors: [
        {
          field: null,
          message: `A bulk mutation operation for this app and shop is already in progress: ${ids.join(', ')}.`,
          code: 'OPERATION_IN_PROGRESS',
        },
      ],
    });
    await until(async () => (await gql(server, POLL, { id: ids[0] })).body.data.bulkOperation.status === 'RUNNING');
  },
);

bulk('faults.bulkLimitReached(2): the next two bulk starts answer LIMIT_REACHED and start nothing', async () => {
  const { server, shirt, warehouse } = await started();
  const path = await stage(
    server,
    line('put', [{ inventoryItemId: shirt, locationId: warehouse, quantity: 9, changeFromQuantity: 10 }]),
    'PUT',
  );
  server.faults.bulkLimitReached(2);
  const limited = {
    bulkOperation: null,
    userErrors: [
      { field: null, message: 'Bulk operations limit reached. Please try again later.', code: 'LIMIT_REACHED' },
    ],
  };
  assert.equal((await gql(server, RUN, { mutation: INNER, path })).body.data.bulkOperationRunMutation, limited);
  const query = await gql(
    server,
    'mutation Q($q: String!) { bulkOperationRunQuery(query: $q) { bulkOperation { id } userErrors { field message code } } }',
    { q: '{ inventoryItems { edges { node { id } } } }' },
  );
  assert.equal(query.body.data.bulkOperationRunQuery, {
    ...limited,
    userErrors: [{ ...limited.userErrors[0], field: ['query'] }],
  });
  assert.is(server.stats.bulkOperations, 0, 'nothing started');
  const third = await gql(server, RUN, { mutation: INNER, path });
  assert.ok(third.body.data.bulkOperationRunMutation.bulkOperation !== null, 'the fault is spent');
});

bulk('bulkOperationRunQuery reads every level as JSONL, nested nodes carrying __parentId', async () => {
  const { server, shirt, socks, warehouse, store } = await started();
  server.stock(shirt, store, 2);
  const query = `{ inventoryItems { edges { node { id sku inventoryLevels { edges { node { location { id } quantities(names: ["available"]) { name quantity } } } } } } } }`;
  const run = await gql(
    server,
    `mutation($q: String!) { bulkOperationRunQuery(query: $q) { bulkOperation { id status type } userErrors { field message code } } }`,
    { q: query },
  );
  const op = run.body.data.bulkOperationRunQuery.bulkOperation;
  assert.equal([op.status, op.type], ['CREATED', 'QUERY']);
  let polled: any;
  await until(async () => {
    polled = (await gql(server, POLL, { id: op.id })).body.data.bulkOperation;
    return polled.status === 'COMPLETED';
  });
  const lines = (await (await fetch(polled.url)).text())
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  assert.equal(lines, [
    { id: shirt, sku: 'SHIRT-M' },
    { location: { id: warehouse }, quantities: [{ name: 'available', quantity: 10 }], __parentId: shirt },
    { location: { id: store }, quantities: [{ name: 'available', quantity: 2 }], __parentId: shirt },
    { id: socks, sku: 'SOCKS' },
    { location: { id: warehouse }, quantities: [{ name: 'available', quantity: 4 }], __parentId: socks },
  ]);
  assert.equal([polled.objectCount, polled.rootObjectCount], ['5', '2']);
  const noConnection = await gql(
    server,
    `mutation($q: String!) { bulkOperationRunQuery(query: $q) { bulkOperation { id } userErrors { code } } }`,
    { q: '{ location { id } }' },
  );
  assert.equal(noConnection.body.data.bulkOperationRunQuery, {
    bulkOperation: null,
    userErrors: [{ code: 'INVALID' }],
  });
});

bulk(
  'bulkOperationRunQuery of productVariants: one line per variant, its inventory item on the same line',
  async () => {
    const { server, shirt, socks } = await started();
    const twin = server.addInventoryItem({ sku: 'SHIRT-M' });
    const query = '{ productVariants { edges { node { id sku inventoryItem { id } } } } }';
    const run = await gql(
      server,
      `mutation BulkSkus($query: String!) { bulkOperationRunQuery(query: $query) { bulkOperation { id } userErrors { code } } }`,
      { query },
    );
    assert.equal(run.body.data.bulkOperationRunQuery.userErrors, []);
    const op = run.body.data.bulkOperationRunQuery.bulkOperation;
    let polled: any;
    await until(async () => {
      polled = (await gql(server, POLL, { id: op.id })).body.data.bulkOperation;
      return polled.status === 'COMPLETED';
    });
    const text = await (await fetch(polled.url)).text();
    assert.ok(text.endsWith('\n'), 'every line ends with a newline');
    const variant = (item: string) => item.replace('InventoryItem', 'ProductVariant');
    assert.equal(
      text
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l)),
      [
        { id: variant(shirt), sku: 'SHIRT-M', inventoryItem: { id: shirt } },
        { id: variant(socks), sku: 'SOCKS', inventoryItem: { id: socks } },
        { id: variant(twin), sku: 'SHIRT-M', inventoryItem: { id: twin } },
      ],
    );
    assert.equal([polled.objectCount, polled.rootObjectCount], ['3', '3']);
  },
);

bulk.run();
