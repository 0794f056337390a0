import fc from 'fast-check';
import type { Either } from 'fp-ts/lib/Either.js';
import type { TaskEither } from 'fp-ts/lib/TaskEither.js';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  availableAt,
  minimumSeconds,
  spend,
  waitBefore,
  type BucketState,
} from '../../../src/adapters/shopify/leaky-bucket.ts';
import {
  autoInFlight,
  linesOf,
  SHOPIFY_DEFAULT_BULK_SKU_THRESHOLD,
  SHOPIFY_MAX_QUANTITIES_PER_CALL,
  shopifyInventory,
  type AdminGraphqlClient,
  type FetchApi,
  type ShopifyInventoryAdapter,
  type ShopifyInventoryOptions,
  type ShopifyWait,
} from '../../../src/adapters/shopify/shopify-inventory.ts';
import type { SetQuantity } from '../../../src/application/index.ts';
import type {
  SetAvailableRequest,
  SetOutcome,
  SetResult,
  ShopifyError,
} from '../../../src/application/shopify-inventory.ts';
import type { ItemQuantity } from '../../../src/domain/index.ts';
import {
  SHOPIFY_PLANS,
  startShopifyAdminServer,
  type ShopifyAdminServer,
  type ShopifyAdminServerOptions,
} from '../../../src/testkit/index.ts';
import { run, runLeft } from '../../support/run.ts';
import { requestKinds } from '../../support/shopify-scenario.ts';

// The adapter on its own, against the test kit's local Shopify Admin GraphQL server: one fresh server per test.

const TOKEN = 'shpat_adapter_suite_9f2c41d7';
const WRONG_TOKEN = 'shpat_wrong_token_77ab0e13';

let opened: ShopifyAdminServer[] = [];
const openShop = async (options: ShopifyAdminServerOptions = {}): Promise<ShopifyAdminServer> => {
  const server = await startShopifyAdminServer({ accessToken: TOKEN, ...options });
  opened.push(server);
  return server;
};
const closeShops = async (): Promise<void> => {
  const closing = opened;
  opened = [];
  for (const server of closing) await server.close();
};

const adapterFor = (
  server: ShopifyAdminServer,
  options: Partial<ShopifyInventoryOptions> = {},
): ShopifyInventoryAdapter =>
  shopifyInventory({
    shop: server.shopDomain,
    accessToken: TOKEN,
    adminUrl: server.url,
    bulkPollMs: 10,
    timeoutMs: 2_000,
    ...options,
  });

/** A sleep that returns at once and records what it was asked to wait: backoff becomes visible and free. */
const recordingSleep = (onSleep: (ms: number) => void = () => {}) => {
  const waits: number[] = [];
  const sleep = async (ms: number): Promise<void> => {
    waits.push(ms);
    onSleep(ms);
  };
  return { waits, sleep };
};

const setQuantity = (
  inventoryItemId: string,
  locationId: string,
  quantity: number,
  changeFromQuantity: number | null,
): SetQuantity => ({
  productId: `P-${inventoryItemId.slice(inventoryItemId.lastIndexOf('/') + 1)}`,
  inventoryItemId,
  locationId,
  quantity,
  changeFromQuantity,
});

const setRequest = (idempotencyKey: string, quantities: ReadonlyArray<SetQuantity>): SetAvailableRequest => ({
  idempotencyKey,
  reason: 'correction',
  referenceDocumentUri: `gid://oms-inventory-sync/Push/${encodeURIComponent(idempotencyKey)}`,
  quantities,
});

/** A shop with one location and `count` items stocked there with `available`. */
const stockedShop = async (count: number, available = 0, options: ShopifyAdminServerOptions = {}) => {
  const server = await openShop(options);
  const location = server.addLocation('Web warehouse');
  const items = Array.from({ length: count }, (_, i) => server.addInventoryItem({ sku: `SKU-${i}` }));
  for (const item of items) server.stock(item, location, available);
  return { server, location, items };
};

/** The access token, right or wrong, never travels in an error. */
const assertNoToken = (left: ShopifyError): void => {
  const text = JSON.stringify(left, (key, value: unknown) => (key === 'cause' ? String(value) : value));
  assert.not.ok(text.includes(TOKEN), `the access token leaked: ${text}`);
  assert.not.ok(text.includes(WRONG_TOKEN), `the access token leaked: ${text}`);
};

/** The outcomes of a set request that must succeed. */
const outcomesOf = async (task: TaskEither<ShopifyError, SetResult>): Promise<ReadonlyArray<SetOutcome>> =>
  (await run(task)).outcomes;

const statuses = (outcomes: ReadonlyArray<SetOutcome>): string[] =>
  outcomes.map((o) => (o.status === 'failed' ? `failed:${o.code}` : o.status));
const byItem = (levels: ReadonlyArray<ItemQuantity>): ItemQuantity[] =>
  [...levels].sort((a, b) => a.inventoryItemId.localeCompare(b.inventoryItemId));

// ---------------------------------------------------------------------------------------------------------------------
// leaky-bucket.ts: the client's picture of Shopify's bucket

const bucketState = (): fc.Arbitrary<BucketState> =>
  fc
    .record({
      maximumAvailable: fc.integer({ min: 1, max: 40_000 }),
      restoreRate: fc.integer({ min: 1, max: 2_000 }),
      fill: fc.double({ min: -1, max: 1, noNaN: true }),
      at: fc.integer({ min: 0, max: 1_000_000 }),
    })
    .map(({ maximumAvailable, restoreRate, fill, at }) => ({
      status: { maximumAvailable, restoreRate, currentlyAvailable: Math.round(fill * maximumAvailable) },
      at,
    }));

const standardAt = (currentlyAvailable: number, at = 1_000): BucketState => ({
  status: { ...SHOPIFY_PLANS.standard, currentlyAvailable },
  at,
});

const bucketAvailableAt = suite('leaky bucket: availableAt');

bucketAvailableAt('what was reported, plus the refill since, capped at the bucket size (worked examples)', () => {
  const state = standardAt(50);
  assert.is(availableAt(state, 1_000), 50);
  assert.is(availableAt(state, 1_500), 100, 'half a second at 100 points a second');
  assert.is(availableAt(state, 3_000), 250);
  assert.is(availableAt(state, 1_000 + 60_000), 2_000, 'never above maximumAvailable');
  assert.is(
    availableAt(standardAt(-30), 1_200),
    -10,
    'a bucket overspent by our own estimates refills from below zero',
  );
});

bucketAvailableAt('never above the bucket size, never decreasing with time, and exact while below the cap', () => {
  fc.assert(
    fc.property(
      bucketState(),
      fc.integer({ min: 0, max: 600_000 }),
      fc.integer({ min: 0, max: 600_000 }),
      (state, dt1, dt2) => {
        const [early, late] = dt1 <= dt2 ? [dt1, dt2] : [dt2, dt1];
        const a = availableAt(state, state.at + early);
        const b = availableAt(state, state.at + late);
        assert.ok(a <= state.status.maximumAvailable && b <= state.status.maximumAvailable);
        assert.ok(a <= b);
        const uncapped = state.status.currentlyAvailable + (state.status.restoreRate * early) / 1000;
        assert.ok(Math.abs(a - Math.min(state.status.maximumAvailable, uncapped)) < 1e-9);
      },
    ),
  );
});

bucketAvailableAt.run();

const bucketWaitBefore = suite('leaky bucket: waitBefore');

bucketWaitBefore(
  '0 with no report yet or when the bucket holds the cost; else the refill time plus the margin (worked examples)',
  () => {
    assert.is(waitBefore(null, 10, 0), 0, 'nothing known yet: send');
    assert.is(waitBefore(standardAt(10), 10, 1_000), 0, 'exactly enough');
    assert.is(waitBefore(standardAt(2_000), 1_000, 1_000), 0);
    assert.is(waitBefore(standardAt(0), 10, 1_000), 100 + 5, '10 points at 100/s is 100 ms, plus 5 ms margin');
    assert.is(waitBefore(standardAt(0), 10, 1_050), 50 + 5, 'what refilled since the report counts');
    assert.is(waitBefore(standardAt(0), 10, 1_000, 0), 100, 'margin 0');
    assert.is(waitBefore(standardAt(-40), 10, 1_000), 500 + 5, 'an overspent bucket waits for the debt too');
    assert.is(
      waitBefore({ status: { maximumAvailable: 40, currentlyAvailable: 3, restoreRate: 100 }, at: 0 }, 10, 0),
      70 + 5,
    );
    assert.is(
      waitBefore({ status: { maximumAvailable: 40, currentlyAvailable: 0, restoreRate: 30 }, at: 0 }, 10, 0),
      334 + 5,
      'rounded up to whole ms',
    );
  },
);

bucketWaitBefore('a cost above the bucket size waits for a full bucket, not forever', () => {
  const state: BucketState = { status: { maximumAvailable: 40, currentlyAvailable: 0, restoreRate: 100 }, at: 0 };
  assert.is(waitBefore(state, 5_000, 0), 400 + 5);
  assert.is(waitBefore(state, 5_000, 0), waitBefore(state, 40, 0));
  assert.is(waitBefore({ ...state, status: { ...state.status, currentlyAvailable: 40 } }, 5_000, 0), 0);
});

bucketWaitBefore('after waiting what it says, the bucket holds the (capped) cost; a moment earlier it did not', () => {
  fc.assert(
    fc.property(
      bucketState(),
      fc.integer({ min: 0, max: 60_000 }),
      fc.integer({ min: 1, max: 50_000 }),
      fc.integer({ min: 0, max: 20 }),
      (state, dt, cost, margin) => {
        const now = state.at + dt;
        const wait = waitBefore(state, cost, now, margin);
        const needed = Math.min(cost, state.status.maximumAvailable);
        assert.ok(wait >= 0);
        // (1e-9: floating point; the default 5 ms margin covers it many times over.)
        assert.ok(availableAt(state, now + wait) >= needed - 1e-9, `waited ${wait} ms for ${needed}`);
        if (wait === 0) assert.ok(availableAt(state, now) >= needed);
        // Tight: the refill time rounded up to a whole ms (a ms more where floating point lands just above a whole
        // number), plus the margin, and not more.
        else
          assert.ok(
            availableAt(state, now + wait - margin - 2) < needed,
            `waited more than needed: ${wait} ms for ${needed}`,
          );
      },
    ),
  );
});

bucketWaitBefore.run();

const bucketSpend = suite('leaky bucket: spend');

bucketSpend('takes the cost from what is available now and restarts the clock (worked examples)', () => {
  assert.is(spend(null, 10, 5), null, 'nothing known yet stays unknown');
  assert.equal(spend(standardAt(50), 10, 1_500), {
    status: { ...SHOPIFY_PLANS.standard, currentlyAvailable: 90 },
    at: 1_500,
  });
  assert.equal(
    spend(standardAt(5), 10, 1_000),
    { status: { ...SHOPIFY_PLANS.standard, currentlyAvailable: -5 }, at: 1_000 },
    'may go below zero',
  );
});

bucketSpend('spending c leaves exactly c less at every later time until the cap; size and rate unchanged', () => {
  fc.assert(
    fc.property(
      bucketState(),
      fc.integer({ min: 0, max: 60_000 }),
      fc.integer({ min: 0, max: 5_000 }),
      (state, dt, cost) => {
        const now = state.at + dt;
        const after = spend(state, cost, now)!;
        assert.is(after.at, now);
        assert.is(after.status.maximumAvailable, state.status.maximumAvailable);
        assert.is(after.status.restoreRate, state.status.restoreRate);
        assert.ok(Math.abs(availableAt(after, now) - (availableAt(state, now) - cost)) < 1e-9);
        // Spent points are not there to spend again: a request of the same cost right after must wait, unless the
        // bucket held twice the cost.
        if (availableAt(state, now) < 2 * cost && cost <= state.status.maximumAvailable)
          assert.ok(waitBefore(after, cost, now) > 0);
      },
    ),
  );
});

bucketSpend.run();

const bucketMinimum = suite('leaky bucket: minimumSeconds');

bucketMinimum('the refill time of what the starting bucket does not cover (worked examples)', () => {
  assert.is(minimumSeconds(200, 40, 100), 1.6);
  assert.is(minimumSeconds(30, 40, 100), 0, 'the starting bucket covers it');
  assert.is(minimumSeconds(40, 40, 100), 0);
  assert.is(
    minimumSeconds(12_000, 2_000, 100),
    100,
    'a million-row hard sync budget on Standard: 10,000 points past a full bucket',
  );
});

bucketMinimum('never negative, grows with the points, and a full run waits it out at the restore rate', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 1_000_000 }),
      fc.integer({ min: 0, max: 1_000_000 }),
      fc.integer({ min: 0, max: 40_000 }),
      fc.integer({ min: 1, max: 2_000 }),
      (p1, p2, start, rate) => {
        const [less, more] = p1 <= p2 ? [p1, p2] : [p2, p1];
        assert.ok(minimumSeconds(less, start, rate) >= 0);
        assert.ok(minimumSeconds(less, start, rate) <= minimumSeconds(more, start, rate));
        if (more > start) assert.ok(Math.abs(start + minimumSeconds(more, start, rate) * rate - more) < 1e-6);
      },
    ),
  );
});

bucketMinimum.run();

// ---------------------------------------------------------------------------------------------------------------------
// shopifyInventory: pacing

const pacing = suite('shopifyInventory: pacing from throttleStatus');
pacing.after.each(closeShops);

pacing('20 set calls on a 40-point bucket: never throttled, and about as fast as the bucket refills', async () => {
  const plan = { maximumAvailable: 40, restoreRate: 100 };
  // The server's bucket starts full when it starts, so time from here bounds what the bucket allows.
  const startedAt = performance.now();
  const { server, location, items } = await stockedShop(4, 0, { plan });
  const shopify = adapterFor(server);
  const calls = 20;
  for (let n = 0; n < calls; n++) {
    // Item n % 4 goes from its last value (0, then n - 3) to n + 1: every call changes something.
    const outcomes = await outcomesOf(
      shopify.setAvailable(setRequest(`pace-${n}`, [setQuantity(items[n % 4]!, location, n + 1, n < 4 ? 0 : n - 3)])),
    );
    assert.equal(statuses(outcomes), ['applied']);
  }
  const elapsedMs = performance.now() - startedAt;
  assert.is(shopify.stats().throttled, 0, 'the adapter was never answered THROTTLED');
  assert.is(server.stats.throttled, 0, 'the server never throttled');
  assert.is(shopify.stats().retries, 0);
  assert.is(server.stats.setCalls, calls);
  assert.is(server.adjustments().length, calls, 'all applied');
  assert.equal(
    items.map((item) => server.available(item, location)),
    [17, 18, 19, 20],
  );
  const points = server.stats.pointsSpent;
  assert.ok(points >= calls * 10, `spent ${points}`);
  const minimumMs = minimumSeconds(points, plan.maximumAvailable, plan.restoreRate) * 1000;
  assert.ok(elapsedMs >= minimumMs, `took ${elapsedMs.toFixed(0)} ms, less than the bucket allows (${minimumMs} ms)`);
  assert.ok(
    elapsedMs < 2 * minimumMs + 500,
    `took ${elapsedMs.toFixed(0)} ms for a minimum of ${minimumMs} ms: pacing waits too long`,
  );
  assert.ok(shopify.stats().waitedMs > 0, 'it had to wait');
  assert.is(shopify.bucket()?.status.maximumAvailable, 40, 'the bucket as Shopify reported it');
});

pacing('no waiting at all while the bucket holds enough (Standard plan)', async () => {
  const { server, location, items } = await stockedShop(4, 0, { plan: SHOPIFY_PLANS.standard });
  const shopify = adapterFor(server);
  assert.is(shopify.bucket(), null, 'nothing known before the first answer');
  for (let n = 0; n < 20; n++)
    await outcomesOf(
      shopify.setAvailable(setRequest(`calm-${n}`, [setQuantity(items[n % 4]!, location, n + 1, n < 4 ? 0 : n - 3)])),
    );
  assert.equal(
    [shopify.stats().waitedMs, shopify.stats().throttled, server.stats.throttled, server.adjustments().length],
    [0, 0, 0, 20],
  );
  assert.is(shopify.bucket()?.status.maximumAvailable, 2_000);
});

pacing(
  'a bucket drained by another client of the app: THROTTLED, waits the refill the answer reports, then applies once',
  async () => {
    // Slow refill (20 points/s): the second client's 10 points take about half a second to come back.
    const { server, location, items } = await stockedShop(5, 0, { plan: { maximumAvailable: 40, restoreRate: 20 } });
    const first = adapterFor(server);
    for (let n = 0; n < 4; n++)
      await outcomesOf(first.setAvailable(setRequest(`drain-${n}`, [setQuantity(items[n]!, location, 1, 0)])));
    assert.is(first.stats().throttled, 0);
    const second = adapterFor(server);
    const startedAt = performance.now();
    const outcomes = await outcomesOf(
      second.setAvailable(setRequest('late', [setQuantity(items[4]!, location, 9, 0)])),
    );
    const elapsedMs = performance.now() - startedAt;
    assert.equal(statuses(outcomes), ['applied']);
    assert.is(second.stats().throttled, 1, 'the first attempt met the drained bucket');
    assert.is(server.stats.throttled, 1);
    assert.is(second.stats().requests, 2, 'one retry, after waiting, not a retry storm');
    assert.ok(
      second.stats().waitedMs >= 300,
      `waited ${second.stats().waitedMs} ms for points that take ~500 ms to refill`,
    );
    assert.ok(elapsedMs >= 300 && elapsedMs < 2_000, `took ${elapsedMs.toFixed(0)} ms`);
    assert.is(server.available(items[4]!, location), 9);
    assert.equal(server.adjustments().filter((a) => a.idempotencyKey === 'late').length, 1);
  },
);

// Another client of the same app on the same shop: it asks `pointsPerSecond` in queries of `points` points (aliased
// `inventoryItem { id }`, 1 point each), without waiting for answers or reading the bucket; a timer that fires late
// (a loaded machine) sends what it owes at once, so the rate holds. Returns how to stop it and what it got.
const competingClient = (server: ShopifyAdminServer, item: string, points: number, pointsPerSecond: number) => {
  const query = `query Spend($id: ID!) { ${Array.from({ length: points }, (_, i) => `s${i}: inventoryItem(id: $id) { id }`).join(' ')} }`;
  let ran = 0;
  let throttled = 0;
  let asked = 0;
  const startedAt = performance.now();
  const inFlight = new Set<Promise<void>>();
  const send = () => {
    const sent = fetch(`${server.url}/admin/api/2026-10/graphql.json`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Shopify-Access-Token': TOKEN },
      body: JSON.stringify({ query, variables: { id: item } }),
    })
      .then((r) => r.json() as Promise<{ errors?: unknown }>)
      .then((body) => {
        if (body.errors === undefined) ran++;
        else throttled++;
      })
      .catch(() => undefined)
      .finally(() => inFlight.delete(sent));
    inFlight.add(sent);
  };
  const timer = setInterval(() => {
    const owed = ((performance.now() - startedAt) * pointsPerSecond) / 1000 - asked;
    for (let n = 0; n < Math.floor(owed / points); n++) {
      asked += points;
      send();
    }
  }, 20);
  return {
    stop: async () => {
      clearInterval(timer);
      await Promise.all(inFlight);
      return { ran, throttled };
    },
  };
};

pacing(
  'a competing client taking 90% of the restore rate slows the run and never fails it (maxAttempts 2)',
  async () => {
    // 200 points/s; the other client asks 9 points every 50 ms (180/s): about 20 points/s are left for 5 calls of 10.
    const { server, location, items } = await stockedShop(6, 0, { plan: { maximumAvailable: 30, restoreRate: 200 } });
    const competitor = competingClient(server, items[5]!, 9, 180);
    const shopify = adapterFor(server, { maxAttempts: 2, maxQuantitiesPerCall: 1 });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const startedAt = performance.now();
    const outcomes = await outcomesOf(
      shopify.setAvailable(
        setRequest(
          'shared-bucket',
          items.slice(0, 5).map((item, i) => setQuantity(item, location, i + 1, 0)),
        ),
      ),
    );
    const elapsedMs = performance.now() - startedAt;
    const other = await competitor.stop();
    assert.equal(statuses(outcomes), ['applied', 'applied', 'applied', 'applied', 'applied']);
    assert.is(shopify.stats().retries, 0, 'throttling spent no retry');
    assert.ok(shopify.stats().throttled > 0, 'the other client did drain the bucket');
    // How many of its queries fit in the run depends on the machine's speed (8-20 seen); that it ran beside the run
    // and drained the bucket (above) is what counts.
    assert.ok(other.ran > 2, `the other client kept spending (${other.ran} queries ran)`);
    assert.equal(
      items.slice(0, 5).map((item) => server.available(item, location)),
      [1, 2, 3, 4, 5],
    );
    assert.is(server.adjustments().length, 5, 'each applied once');
    assert.ok(elapsedMs < 15_000, `took ${elapsedMs.toFixed(0)} ms`);
  },
);

pacing.run();

// ---------------------------------------------------------------------------------------------------------------------
// shopifyInventory: retries with the same idempotency key

const retries = suite('shopifyInventory: retries (THROTTLED, 5xx, hangs, dropped answers) with the same key');
retries.after.each(closeShops);

retries('THROTTLED twice: retried, applied once under the request key', async () => {
  const { server, location, items } = await stockedShop(2, 5);
  const shopify = adapterFor(server);
  server.faults.throttle(2);
  const outcomes = await outcomesOf(
    shopify.setAvailable(
      setRequest('throttled-1', [setQuantity(items[0]!, location, 8, 5), setQuantity(items[1]!, location, 0, 5)]),
    ),
  );
  assert.equal(statuses(outcomes), ['applied', 'applied']);
  assert.ok(shopify.stats().throttled >= 2);
  assert.is(shopify.stats().throttled, 2);
  assert.is(server.stats.throttled, 2);
  assert.is(server.stats.requests, 3);
  assert.is(server.stats.setCalls, 1, 'a throttled request does not run');
  assert.equal(
    server.adjustments().map((a) => [a.inventoryItemId, a.delta, a.idempotencyKey]),
    [
      [items[0], 3, 'throttled-1'],
      [items[1], -5, 'throttled-1'],
    ],
  );
  assert.equal([server.available(items[0]!, location), server.available(items[1]!, location)], [8, 0]);
});

retries('HTTP 503 three times: retried with backoff (250, 500, 1000 ms) and the same key, applied once', async () => {
  const { server, location, items } = await stockedShop(1, 5);
  const { waits, sleep } = recordingSleep();
  const shopify = adapterFor(server, { sleep });
  server.faults.serverError(3, 503);
  const outcomes = await outcomesOf(
    shopify.setAvailable(setRequest('flaky-1', [setQuantity(items[0]!, location, 2, 5)])),
  );
  assert.equal(statuses(outcomes), ['applied']);
  assert.equal(waits, [250, 500, 1_000], 'exponential backoff, nothing else');
  assert.equal([shopify.stats().requests, shopify.stats().retries, shopify.stats().throttled], [4, 3, 0]);
  assert.equal([server.stats.requests, server.stats.setCalls], [4, 1]);
  assert.is(server.adjustments().length, 1);
  assert.equal(
    server.adjustments().map((a) => [a.delta, a.quantityAfterChange, a.idempotencyKey]),
    [[-3, 2, 'flaky-1']],
  );
});

retries('a request that never answers is abandoned after timeoutMs and retried: applied once', async () => {
  const { server, location, items } = await stockedShop(1, 5);
  const shopify = adapterFor(server, { timeoutMs: 300 });
  server.faults.hang(1);
  const startedAt = performance.now();
  const outcomes = await outcomesOf(
    shopify.setAvailable(setRequest('hang-1', [setQuantity(items[0]!, location, 11, 5)])),
  );
  const elapsedMs = performance.now() - startedAt;
  assert.equal(statuses(outcomes), ['applied']);
  assert.ok(elapsedMs >= 300, `gave up after ${elapsedMs.toFixed(0)} ms, before the timeout`);
  assert.ok(elapsedMs < 1_500, `took ${elapsedMs.toFixed(0)} ms`);
  assert.equal([shopify.stats().requests, shopify.stats().retries], [2, 1]);
  assert.equal([server.stats.requests, server.stats.setCalls], [2, 1]);
  assert.equal(
    server.adjustments().map((a) => [a.quantityAfterChange, a.idempotencyKey]),
    [[11, 'hang-1']],
  );
});

retries('an answer lost after the mutation ran: the retry under the same key applies nothing twice', async () => {
  const { server, location, items } = await stockedShop(3, 10);
  const { sleep } = recordingSleep();
  const shopify = adapterFor(server, { sleep });
  server.faults.dropAfterApply(1);
  const quantities = items.map((item, i) => setQuantity(item, location, 20 + i, 10));
  const outcomes = await outcomesOf(shopify.setAvailable(setRequest('dropped-1', quantities)));
  assert.equal(statuses(outcomes), ['applied', 'applied', 'applied']);
  assert.equal(
    outcomes.map((o) => o.quantity),
    quantities,
    'one outcome per quantity, in order',
  );
  assert.equal([shopify.stats().requests, shopify.stats().retries], [2, 1]);
  assert.is(server.stats.setCalls, 2, 'the retry reached Shopify');
  assert.is(server.stats.quantitiesApplied, 3, 'but was answered from the key, not applied again');
  assert.equal(
    server.adjustments().map((a) => [a.inventoryItemId, a.delta, a.idempotencyKey]),
    items.map((item, i) => [item, 10 + i, 'dropped-1']),
  );
  assert.equal(
    items.map((item) => server.available(item, location)),
    [20, 21, 22],
  );
});

retries('an answer lost, then a sale before the retry: the retry does not overwrite the sale', async () => {
  const { server, location, items } = await stockedShop(1, 10);
  let sold = false;
  // The sale lands while the adapter backs off after the lost answer.
  const { sleep } = recordingSleep(() => {
    if (!sold) server.sell(items[0]!, location, 2);
    sold = true;
  });
  const shopify = adapterFor(server, { sleep });
  server.faults.dropAfterApply(1);
  const outcomes = await outcomesOf(
    shopify.setAvailable(setRequest('dropped-2', [setQuantity(items[0]!, location, 30, 10)])),
  );
  assert.ok(sold);
  assert.equal(statuses(outcomes), ['applied'], 'the first attempt applied; the retry reports it');
  assert.is(server.available(items[0]!, location), 28, '30 set, then 2 sold: the sale stands');
  assert.is(server.adjustments().length, 1);
});

retries(
  'an answer with userErrors lost: the retry is told to use a new key, derives one, and gets the same outcomes',
  async () => {
    const { server, location, items } = await stockedShop(3, 4);
    const elsewhere = server.addLocation('Store');
    const unstocked = server.addInventoryItem({ sku: 'ONLY-AT-STORE' });
    server.stock(unstocked, elsewhere, 1);
    const { sleep } = recordingSleep();
    const shopify = adapterFor(server, { sleep });
    server.faults.dropAfterApply(1);
    const outcomes = await outcomesOf(
      shopify.setAvailable(
        setRequest('dropped-3', [
          setQuantity(items[0]!, location, 1, 4),
          setQuantity(unstocked, location, 1, 0),
          setQuantity(items[1]!, location, 2, 4),
        ]),
      ),
    );
    assert.equal(statuses(outcomes), ['applied', 'failed:ITEM_NOT_STOCKED_AT_LOCATION', 'applied']);
    assert.equal(
      [
        server.available(items[0]!, location),
        server.available(unstocked, location),
        server.available(items[1]!, location),
      ],
      [1, undefined, 2],
    );
    const keys = server.adjustments().map((a) => a.idempotencyKey);
    assert.is(keys.length, 2);
    assert.ok(
      keys.every((key) => key.startsWith('dropped-3/again/')),
      keys.join(', '),
    );
  },
);

retries('THROTTLED ten times with maxAttempts 2: waited out, the retry budget untouched, applied once', async () => {
  const { server, location, items } = await stockedShop(1, 5);
  const { waits, sleep } = recordingSleep();
  const shopify = adapterFor(server, { sleep, maxAttempts: 2 });
  server.faults.throttle(10);
  const outcomes = await outcomesOf(
    shopify.setAvailable(setRequest('patient-1', [setQuantity(items[0]!, location, 1, 5)])),
  );
  assert.equal(statuses(outcomes), ['applied']);
  assert.equal([shopify.stats().throttled, shopify.stats().retries, server.stats.setCalls], [10, 0, 1]);
  assert.is(waits.length, 10, 'a wait after each THROTTLED answer');
  assert.ok(
    waits.every((ms) => ms > 0),
    'never resent at once',
  );
  assert.is(shopify.stats().throttleWaitedMs, shopify.stats().waitedMs);
  assert.is(server.adjustments().length, 1);
});

retries('throttled beyond throttleWaitMs in total: Left ShopifyThrottled, retriable, nothing applied', async () => {
  const { server, location, items } = await stockedShop(1, 5);
  const { waits, sleep } = recordingSleep();
  const shopify = adapterFor(server, { sleep, throttleWaitMs: 100 });
  server.faults.throttle(1_000);
  const left = await runLeft(shopify.setAvailable(setRequest('busy-1', [setQuantity(items[0]!, location, 1, 5)])));
  assert.is(left._tag, 'ShopifyThrottled');
  assert.is(left.retriable, true);
  if (left._tag === 'ShopifyThrottled') assert.ok(left.retryAfterMs > 0);
  const waited = waits.reduce((a, b) => a + b, 0);
  assert.ok(waited <= 100 && waited > 50, `waited ${waited} ms in all`);
  assert.is(shopify.stats().retries, 0);
  assert.is(server.available(items[0]!, location), 5);
  assert.is(server.adjustments().length, 0);
});

retries(
  'a request costing more than the whole bucket is split, not retried: 100 levels on a 50-point bucket',
  async () => {
    const { server, location, items } = await stockedShop(100, 4, {
      plan: { maximumAvailable: 50, restoreRate: 1_000 },
    });
    const shopify = adapterFor(server, { maxAttempts: 2 });
    const levels = await run(shopify.availableOf(location, items));
    assert.is(levels.length, 100);
    assert.ok(
      levels.every((l) => l.quantity === 4),
      'every level read',
    );
    assert.is(shopify.stats().retries, 0);
    // 100 items at 3 points: halved from 100 to 13 on the first answer, then 16 a query (what 50 points hold).
    assert.ok(shopify.stats().requests <= 12, `${shopify.stats().requests} requests`);
    assert.ok(shopify.stats().throttled <= 3, 'only the first, unsized query met the bucket');
  },
);

retries(
  'retries exhausted (maxAttempts 2, five 500s): Left ShopifyUnavailable, retriable, nothing applied',
  async () => {
    const { server, location, items } = await stockedShop(1, 5);
    const { waits, sleep } = recordingSleep();
    const shopify = adapterFor(server, { sleep, maxAttempts: 2 });
    server.faults.serverError(5);
    const left = await runLeft(shopify.setAvailable(setRequest('down-1', [setQuantity(items[0]!, location, 1, 5)])));
    assert.is(left._tag, 'ShopifyUnavailable');
    assert.is(left.retriable, true);
    if (left._tag === 'ShopifyUnavailable') {
      assert.match(left.reason, 'HTTP 500');
      assert.match(left.reason, '2 attempts');
    }
    assert.equal(waits, [250]);
    assert.equal([shopify.stats().requests, server.stats.requests, server.stats.setCalls], [2, 2, 0]);
    assert.is(server.available(items[0]!, location), 5);
    assert.is(server.adjustments().length, 0);
    assertNoToken(left);
    // The faults left over are the next requests': a later run with a fresh budget gets through them.
    const later = await outcomesOf(
      adapterFor(server, { sleep }).setAvailable(setRequest('down-1', [setQuantity(items[0]!, location, 1, 5)])),
    );
    assert.equal(statuses(later), ['applied']);
    assert.is(server.available(items[0]!, location), 1);
  },
);

retries.run();

// ---------------------------------------------------------------------------------------------------------------------
// shopifyInventory: a refused token

const unauthorized = suite('shopifyInventory: a refused access token');
unauthorized.after.each(closeShops);

unauthorized(
  'every operation answers Left ShopifyUnauthorized at once, not retried, and the token is never in it',
  async () => {
    const { server, location, items } = await stockedShop(2, 3);
    const { waits, sleep } = recordingSleep();
    // One quantity a call and bulk from two: the call path and the bulk path of the same adapter.
    const shopify = adapterFor(server, { accessToken: WRONG_TOKEN, sleep, maxQuantitiesPerCall: 1, bulkThreshold: 2 });
    const quantities = [setQuantity(items[0]!, location, 1, 3)];
    const lefts = [
      await runLeft(shopify.setAvailable(setRequest('denied-1', quantities))),
      await runLeft(
        shopify.setAvailable(setRequest('denied-2', [...quantities, setQuantity(items[1]!, location, 1, 3)])),
      ),
      await runLeft(shopify.availableOf(location, items)),
      await runLeft(shopify.availableAtLocation(location)),
      await runLeft(shopify.inventoryItemsBySku(['SKU-0'])),
      await runLeft(shopify.locations()),
      await runLeft(shopify.accessScopes()),
    ];
    for (const left of lefts) {
      assert.is(left._tag, 'ShopifyUnauthorized');
      assert.is(left.retriable, false);
      assertNoToken(left);
    }
    assert.is(shopify.stats().requests, lefts.length, 'one request each: a refused token is not retried');
    assert.is(shopify.stats().retries, 0);
    assert.equal(waits, [], 'no backoff either');
    assert.is(server.stats.requests, 0, 'nothing got past authentication');
    assert.equal(
      items.map((item) => server.available(item, location)),
      [3, 3],
    );
  },
);

unauthorized.run();

// ---------------------------------------------------------------------------------------------------------------------
// shopifyInventory: the shop (ShopifyShop)

const shopSuite = suite('shopifyInventory: the shop’s locations and the token’s access scopes');
shopSuite.after.each(closeShops);

shopSuite('locations: every location with its id, name and flags, across pages of 50', async () => {
  const server = await openShop();
  const ids = Array.from({ length: 53 }, (_, i) => server.addLocation(`Store ${i + 1}`));
  const shopify = adapterFor(server);
  const listed = await run(shopify.locations());
  assert.equal(
    listed.map((l) => l.id),
    ids,
  );
  assert.equal(listed[0], { id: ids[0], name: 'Store 1', isActive: true, fulfillsOnlineOrders: true });
  assert.is(shopify.stats().requests, 2, 'two pages');
});

shopSuite('accessScopes: the handles the server grants', async () => {
  const server = await openShop({ accessScopes: ['read_inventory', 'read_products'] });
  assert.equal(await run(adapterFor(server).accessScopes()), ['read_inventory', 'read_products']);
});

shopSuite.run();

// ---------------------------------------------------------------------------------------------------------------------
// shopifyInventory: setAvailable outcomes

const outcomesSuite = suite('shopifyInventory: setAvailable outcomes per quantity');
outcomesSuite.after.each(closeShops);

outcomesSuite(
  'refused quantities are outcomes of their own; the rest are applied (applied/failed/applied/failed/applied)',
  async () => {
    const { server, location, items } = await stockedShop(4, 10);
    // The fourth quantity's item exists but is stocked at another location only.
    const store = server.addLocation('Store');
    const notHere = server.addInventoryItem({ sku: 'STORE-ONLY' });
    server.stock(notHere, store, 6);
    const batch = [items[0]!, items[1]!, items[2]!, notHere, items[3]!];
    server.faults.userError(items[1]!, 'INVALID_INVENTORY_ITEM');
    const shopify = adapterFor(server);
    const quantities = batch.map((item, i) => setQuantity(item, location, 100 + i, item === notHere ? 0 : 10));
    const outcomes = await outcomesOf(shopify.setAvailable(setRequest('mixed-1', quantities)));
    assert.equal(statuses(outcomes), [
      'applied',
      'failed:INVALID_INVENTORY_ITEM',
      'applied',
      'failed:ITEM_NOT_STOCKED_AT_LOCATION',
      'applied',
    ]);
    assert.equal(
      outcomes.map((o) => o.quantity),
      quantities,
      'in the order given, each with its quantity',
    );
    for (const o of outcomes) if (o.status === 'failed') assert.ok(o.message.length > 0);
    assert.equal(
      [items[0], items[1], items[2], items[3]].map((item) => server.available(item!, location)),
      [100, 10, 102, 104],
      'Shopify holds the applied quantities; the refused item is untouched',
    );
    assert.is(server.available(notHere, location), undefined, 'not stocked here, still not');
    assert.is(server.available(notHere, store), 6);
    assert.is(server.stats.setCalls, 2, 'the refused call, then the others under a derived key');
    const keys = [...new Set(server.adjustments().map((a) => a.idempotencyKey))];
    assert.is(keys.length, 1);
    assert.ok(keys[0]!.startsWith('mixed-1/') && keys[0] !== 'mixed-1', keys[0]);
    assert.is(server.adjustments().length, 3);
  },
);

outcomesSuite(
  'a sale since the last read makes changeFromQuantity stale: outcome stale, that item untouched, the others applied',
  async () => {
    const { server, location, items } = await stockedShop(3, 10);
    server.sell(items[1]!, location, 3);
    const shopify = adapterFor(server);
    const outcomes = await outcomesOf(
      shopify.setAvailable(
        setRequest(
          'stale-1',
          items.map((item) => setQuantity(item, location, 4, 10)),
        ),
      ),
    );
    assert.equal(statuses(outcomes), ['applied', 'stale', 'applied']);
    assert.equal(
      items.map((item) => server.available(item, location)),
      [4, 7, 4],
    );
    assert.equal(
      server.adjustments().map((a) => a.inventoryItemId),
      [items[0], items[2]],
    );
  },
);

outcomesSuite('a sale landing during the request: stale, never oversold', async () => {
  const { server, location, items } = await stockedShop(2, 10);
  server.faults.saleDuringRequest(items[0]!, location, 1);
  const shopify = adapterFor(server);
  const outcomes = await outcomesOf(
    shopify.setAvailable(
      setRequest(
        'race-1',
        items.map((item) => setQuantity(item, location, 10 - 5, 10)),
      ),
    ),
  );
  assert.equal(statuses(outcomes), ['stale', 'applied']);
  assert.equal(
    items.map((item) => server.available(item, location)),
    [9, 5],
  );
});

outcomesSuite(
  'changeFromQuantity null sets whatever Shopify holds; an unchanged quantity is applied without an adjustment',
  async () => {
    const { server, location, items } = await stockedShop(2, 10);
    server.sell(items[0]!, location, 4);
    const outcomes = await outcomesOf(
      adapterFor(server).setAvailable(
        setRequest('blind-1', [setQuantity(items[0]!, location, 12, null), setQuantity(items[1]!, location, 10, 10)]),
      ),
    );
    assert.equal(statuses(outcomes), ['applied', 'applied']);
    assert.equal(
      items.map((item) => server.available(item, location)),
      [12, 10],
    );
    assert.equal(
      server.adjustments().map((a) => [a.inventoryItemId, a.delta]),
      [[items[0], 6]],
    );
  },
);

outcomesSuite('a whole-call userError (an invalid reason) is a Left, not a per-item outcome', async () => {
  const { server, location, items } = await stockedShop(1, 10);
  const left = await runLeft(
    adapterFor(server).setAvailable({
      ...setRequest('bad-reason', [setQuantity(items[0]!, location, 1, 10)]),
      reason: 'no_such_reason',
    }),
  );
  assert.is(left._tag, 'ShopifyRejected');
  if (left._tag === 'ShopifyRejected') assert.is(left.code, 'INVALID_REASON');
  assert.is(left.retriable, false);
  assertNoToken(left);
  assert.is(server.available(items[0]!, location), 10);
});

outcomesSuite.run();

// ---------------------------------------------------------------------------------------------------------------------
// shopifyInventory: setAvailable by size: one call, calls of maxQuantitiesPerCall, or a bulk operation

const bySize = suite('shopifyInventory: setAvailable picks calls or a bulk operation by size');
bySize.after.each(closeShops);

/** The quantities each idempotency key applied, in the order Shopify applied them. */
const perKey = (server: ShopifyAdminServer): Array<[string, number]> => {
  const counts = new Map<string, number>();
  for (const a of server.adjustments()) counts.set(a.idempotencyKey, (counts.get(a.idempotencyKey) ?? 0) + 1);
  return [...counts];
};

bySize(
  'up to maxQuantitiesPerCall: one call under the request key; more: consecutive calls of 250 keyed #0, #1',
  async () => {
    const { server, location, items } = await stockedShop(SHOPIFY_MAX_QUANTITIES_PER_CALL + 1, 0);
    const shopify = adapterFor(server);
    assert.is(shopify.maxQuantitiesPerCall, SHOPIFY_MAX_QUANTITIES_PER_CALL);
    assert.is(SHOPIFY_MAX_QUANTITIES_PER_CALL, 250);
    // Exactly the maximum goes through in one call.
    const one = await run(
      shopify.setAvailable(
        setRequest(
          'just-enough',
          items.slice(0, 250).map((item) => setQuantity(item, location, 1, 0)),
        ),
      ),
    );
    assert.is(one.outcomes.length, 250);
    assert.equal([one.calls, one.bulkOperations], [1, 0]);
    assert.equal([server.stats.setCalls, server.adjustments().length], [1, 250]);
    // One more than a call carries: two calls, in order, nothing refused.
    const quantities = items.map((item, i) => setQuantity(item, location, 2, i < 250 ? 1 : 0));
    const two = await run(shopify.setAvailable(setRequest('too-many', quantities)));
    assert.equal(
      two.outcomes.map((o) => o.quantity),
      quantities,
      'one outcome per quantity, in order',
    );
    assert.ok(two.outcomes.every((o) => o.status === 'applied'));
    assert.equal([two.calls, two.bulkOperations], [2, 0]);
    assert.equal([server.stats.setCalls, server.stats.bulkOperations], [3, 0]);
    assert.equal(perKey(server), [
      ['just-enough', 250],
      ['too-many#0', 250],
      ['too-many#1', 1],
    ]);
    assert.ok(items.every((item) => server.available(item, location) === 2));
  },
);

bySize("a configured maximum is honoured, is never above Shopify's 250, and an empty call sends nothing", async () => {
  const { server, location, items } = await stockedShop(4, 0);
  const small = adapterFor(server, { maxQuantitiesPerCall: 3 });
  assert.is(small.maxQuantitiesPerCall, 3);
  assert.equal(
    statuses(
      await outcomesOf(
        small.setAvailable(
          setRequest(
            'three',
            items.slice(0, 3).map((item) => setQuantity(item, location, 1, 0)),
          ),
        ),
      ),
    ),
    ['applied', 'applied', 'applied'],
  );
  const four = await run(
    small.setAvailable(
      setRequest(
        'four',
        items.map((item, i) => setQuantity(item, location, 2, i < 3 ? 1 : 0)),
      ),
    ),
  );
  assert.equal(statuses(four.outcomes), ['applied', 'applied', 'applied', 'applied']);
  assert.equal([four.calls, server.stats.setCalls], [2, 3]);
  assert.equal(perKey(server), [
    ['three', 3],
    ['four#0', 3],
    ['four#1', 1],
  ]);
  assert.is(adapterFor(server, { maxQuantitiesPerCall: 1_000 }).maxQuantitiesPerCall, 250);
  assert.is(adapterFor(server, { maxQuantitiesPerCall: 0 }).maxQuantitiesPerCall, 1);
  const requests = server.stats.requests;
  assert.equal(await run(small.setAvailable(setRequest('none', []))), { outcomes: [], calls: 0, bulkOperations: 0 });
  assert.is(server.stats.requests, requests);
});

bySize(
  "quantitiesAtOnce: a call's worth below bulkThreshold, from it on everything waiting up to bulkBatch",
  async () => {
    const server = await openShop();
    const shopify = adapterFor(server, { maxQuantitiesPerCall: 100, bulkThreshold: 1_000, bulkBatch: 10_000 });
    assert.equal(
      [1, 99, 100, 101, 999, 1_000, 1_001, 10_999, 11_000, 1_000_000].map(shopify.quantitiesAtOnce),
      [100, 100, 100, 100, 100, 1_000, 1_001, 10_999, 10_000, 10_000],
    );
    assert.is(adapterFor(server).quantitiesAtOnce(49_999), 250, 'default threshold 50,000');
    assert.is(adapterFor(server).quantitiesAtOnce(50_000), 50_000);
    assert.is(adapterFor(server).quantitiesAtOnce(99_999), 99_999, 'default bulkBatch 50,000');
    assert.is(adapterFor(server).quantitiesAtOnce(1_000_000), 50_000);
    assert.is(adapterFor(server, { bulkThreshold: Number.POSITIVE_INFINITY }).quantitiesAtOnce(10_000_000), 250);
    assert.equal(
      [100, 101, 999, 1_000, 10_000].map(shopify.setsInBulk),
      [false, false, false, true, true],
      'setsInBulk: from bulkThreshold on, a request larger than one call',
    );
    assert.is(adapterFor(server, { maxQuantitiesPerCall: 10, bulkThreshold: 5 }).setsInBulk(10), false, 'one call');
    assert.is(server.stats.requests, 0, 'a hint, asked of no one');
  },
);

bySize(
  'the same 520 quantities by calls below bulkThreshold and by one bulk operation from it: the same groups and keys',
  async () => {
    const byCalls = await stockedShop(520, 0);
    const inBulk = await stockedShop(520, 0);
    const request = (shop: typeof byCalls) =>
      setRequest(
        'window-0',
        shop.items.map((item, i) => setQuantity(item, shop.location, 1 + (i % 9), 0)),
      );
    const called = await run(adapterFor(byCalls.server, { bulkThreshold: 521 }).setAvailable(request(byCalls)));
    const bulked = await run(adapterFor(inBulk.server, { bulkThreshold: 520 }).setAvailable(request(inBulk)));
    assert.equal([called.calls, called.bulkOperations, byCalls.server.stats.bulkOperations], [3, 0, 0]);
    assert.equal([bulked.calls, bulked.bulkOperations, inBulk.server.stats.bulkOperations], [0, 1, 1]);
    assert.equal(statuses(called.outcomes), statuses(bulked.outcomes));
    assert.ok(called.outcomes.every((o) => o.status === 'applied'));
    const keys = [
      ['window-0#0', 250],
      ['window-0#1', 250],
      ['window-0#2', 20],
    ];
    assert.equal(perKey(byCalls.server), keys);
    assert.equal(perKey(inBulk.server), keys);
    assert.ok(byCalls.server.stats.pointsSpent >= 30, 'three calls spend the bucket');
    // A request sent by calls and resent in bulk (a threshold changed between a crash and the rerun) goes under the
    // same keys: Shopify answers from its record of them and applies nothing twice.
    const resent = await run(adapterFor(byCalls.server, { bulkThreshold: 1 }).setAvailable(request(byCalls)));
    assert.equal([resent.bulkOperations, byCalls.server.stats.bulkOperations], [1, 1]);
    assert.ok(resent.outcomes.every((o) => o.status === 'applied'));
    assert.is(byCalls.server.adjustments().length, 520, 'nothing applied twice');
    assert.ok(byCalls.items.every((item, i) => byCalls.server.available(item, byCalls.location) === 1 + (i % 9)));
  },
);

bySize.run();

// ---------------------------------------------------------------------------------------------------------------------
// shopifyInventory: setAvailable through a bulk mutation

const bulk = suite('shopifyInventory: setAvailable through a bulk mutation');
bulk.after.each(closeShops);

bulk(
  '600 quantities: one bulk operation of 3 lines (keys #0..#2), all applied, few bucket points; a resend applies nothing',
  async () => {
    const { server, location, items } = await stockedShop(600, 0);
    const shopify = adapterFor(server, { bulkThreshold: 600 });
    const quantities = items.map((item, i) => setQuantity(item, location, i + 1, 0));
    const sent = await run(shopify.setAvailable(setRequest('bulk-1', quantities)));
    const outcomes = sent.outcomes;
    assert.equal([sent.calls, sent.bulkOperations], [0, 1]);
    assert.is(outcomes.length, 600);
    assert.ok(outcomes.every((o) => o.status === 'applied'));
    assert.equal(
      outcomes.map((o) => o.quantity),
      quantities,
      'in the order given',
    );
    assert.is(server.stats.bulkOperations, 1);
    assert.is(server.stats.setCalls, 3, 'one inventorySetQuantities per line of 250');
    assert.is(server.adjustments().length, 600);
    assert.equal(perKey(server), [
      ['bulk-1#0', 250],
      ['bulk-1#1', 250],
      ['bulk-1#2', 100],
    ]);
    assert.ok(items.every((item, i) => server.available(item, location) === i + 1));
    // Staging, starting and polling cost the same whatever the size; 600 quantities through calls would spend 30 on sets.
    assert.ok(server.stats.pointsSpent < 50, `spent ${server.stats.pointsSpent} points`);
    assert.ok(shopify.stats().pointsRequested < 50, `requested ${shopify.stats().pointsRequested} points`);
    assert.is(server.stats.throttled, 0);

    const again = await outcomesOf(shopify.setAvailable(setRequest('bulk-1', quantities)));
    assert.is(again.length, 600);
    assert.ok(
      again.every((o) => o.status === 'applied'),
      'answered from the keys',
    );
    assert.is(server.stats.bulkOperations, 2);
    assert.is(server.adjustments().length, 600, 'nothing applied twice');
    assert.is(server.stats.quantitiesApplied, 600);
    assert.ok(items.every((item, i) => server.available(item, location) === i + 1));
  },
);

bulk('LIMIT_REACHED on bulkOperationRunMutation three times: waited on (in the log), then applied once', async () => {
  const { server, location, items } = await stockedShop(6, 0);
  const log = waitLog();
  const shopify = adapterFor(server, { bulkThreshold: 6, maxQuantitiesPerCall: 2, onWait: log.onWait });
  server.faults.bulkLimitReached(3);
  const sent = await run(
    shopify.setAvailable(
      setRequest(
        'limited',
        items.map((item, i) => setQuantity(item, location, i + 1, 0)),
      ),
    ),
  );
  assert.equal([sent.bulkOperations, sent.outcomes.filter((o) => o.status === 'applied').length], [1, 6]);
  assert.equal(
    log.waits.map((w) => [w.operation, w.code, w.phase]),
    [
      ['bulkOperationRunMutation', 'LIMIT_REACHED', 'waiting'],
      ['bulkOperationRunMutation', 'LIMIT_REACHED', 'started'],
    ],
  );
  assert.equal([server.stats.bulkOperations, server.adjustments().length, shopify.stats().retries], [1, 6, 0]);
});

bulk('a refused quantity in one line is its own outcome; the rest of that line goes again and applies', async () => {
  const { server, location, items } = await stockedShop(300, 0);
  const store = server.addLocation('Store');
  const notHere = server.addInventoryItem({ sku: 'STORE-ONLY' });
  server.stock(notHere, store, 1);
  // 301 quantities: line #0 is 250 good ones, line #1 holds the unstocked item between 50 good ones.
  const quantities = [...items.slice(0, 270), notHere, ...items.slice(270)].map((item) =>
    setQuantity(item, location, 5, 0),
  );
  const outcomes = await outcomesOf(
    adapterFor(server, { bulkThreshold: 301 }).setAvailable(setRequest('bulk-2', quantities)),
  );
  assert.is(outcomes.length, 301);
  assert.equal(
    outcomes.map((o) => o.quantity),
    quantities,
  );
  assert.equal(
    statuses(outcomes).filter((s) => s !== 'applied'),
    ['failed:ITEM_NOT_STOCKED_AT_LOCATION'],
  );
  assert.is(outcomes[270]!.status, 'failed');
  assert.ok(items.every((item) => server.available(item, location) === 5));
  assert.is(server.available(notHere, location), undefined);
  assert.is(server.adjustments().length, 300);
  assert.is(server.stats.bulkOperations, 1);
});

bulk('nothing to set: no bulk operation', async () => {
  const { server } = await stockedShop(1, 0);
  assert.equal(
    await outcomesOf(adapterFor(server, { bulkThreshold: 1 }).setAvailable(setRequest('bulk-empty', []))),
    [],
  );
  assert.equal([server.stats.bulkOperations, server.stats.requests], [0, 0]);
});

bulk.run();

// ---------------------------------------------------------------------------------------------------------------------
// shopifyInventory: reading levels

const atLocation = suite('shopifyInventory: availableAtLocation');
atLocation.after.each(closeShops);

atLocation(
  'exactly the levels at that location, zero and negative included, nothing from the other location',
  async () => {
    const server = await openShop();
    const warehouse = server.addLocation('Warehouse');
    const store = server.addLocation('Store');
    const onlyWarehouse = server.addInventoryItem({ sku: 'W' });
    const both = server.addInventoryItem({ sku: 'B' });
    const onlyStore = server.addInventoryItem({ sku: 'S' });
    const zero = server.addInventoryItem({ sku: 'Z' });
    const oversold = server.addInventoryItem({ sku: 'O' });
    server.addInventoryItem({ sku: 'NOWHERE' });
    server.stock(onlyWarehouse, warehouse, 7);
    server.stock(both, warehouse, 12);
    server.stock(both, store, 3);
    server.stock(onlyStore, store, 9);
    server.stock(zero, warehouse, 0);
    server.stock(oversold, warehouse, 1);
    server.sell(oversold, warehouse, 3);
    const shopify = adapterFor(server);
    assert.equal(
      byItem(await run(shopify.availableAtLocation(warehouse))),
      byItem([
        { inventoryItemId: onlyWarehouse, locationId: warehouse, quantity: 7 },
        { inventoryItemId: both, locationId: warehouse, quantity: 12 },
        { inventoryItemId: zero, locationId: warehouse, quantity: 0 },
        { inventoryItemId: oversold, locationId: warehouse, quantity: -2 },
      ]),
    );
    assert.equal(
      byItem(await run(shopify.availableAtLocation(store))),
      byItem([
        { inventoryItemId: both, locationId: store, quantity: 3 },
        { inventoryItemId: onlyStore, locationId: store, quantity: 9 },
      ]),
    );
    assert.equal(await run(shopify.availableAtLocation('gid://shopify/Location/999')), []);
    assert.is(server.stats.bulkOperations, 3, 'a bulk query each');
    // The bulk read asks for the one location: a line per item, nothing of the other location in the file.
    const files: string[] = [];
    const capture: FetchApi = async (url, init) => {
      const response = await fetch(url, init);
      if (!url.includes('/bulk-results/')) return response;
      const text = await response.text();
      files.push(text);
      return new Response(text, { status: 200 });
    };
    await run(adapterFor(server, { fetch: capture }).availableAtLocation(warehouse));
    const rows = files[0]!.trim().split('\n');
    assert.is(rows.length, 6, 'one line per inventory item');
    assert.not.ok(files[0]!.includes(store), 'no level of the store location');
  },
);

atLocation('a catalogue larger than any page: every level, through one bulk query', async () => {
  const { server, location, items } = await stockedShop(1_200, 0);
  items.forEach((item, i) => {
    server.stock(item, location, i % 17);
  });
  const levels = await run(adapterFor(server).availableAtLocation(location));
  assert.is(levels.length, 1_200);
  const byId = new Map(levels.map((l) => [l.inventoryItemId, l.quantity]));
  assert.ok(items.every((item, i) => byId.get(item) === i % 17));
  assert.is(server.stats.bulkOperations, 1);
});

// A log of the adapter's waits, as `onWait` tells them.
const waitLog = () => {
  const waits: ShopifyWait[] = [];
  return { waits, onWait: (w: ShopifyWait) => waits.push(w) };
};

atLocation(
  'a bulk read that finds five bulk queries running waits for a free place (in the log), then reads',
  async () => {
    const { server, location, items } = await stockedShop(3, 6, { bulkRowDelayMs: 100 });
    // Five other reads (Hard Sync and verify hold different leases) take every place for a while.
    const others = Array.from({ length: 5 }, () => run(adapterFor(server).availableAtLocation(location)));
    const deadline = Date.now() + 5_000;
    while (server.stats.bulkOperations < 5 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    const log = waitLog();
    const levels = await run(adapterFor(server, { onWait: log.onWait }).availableAtLocation(location));
    assert.equal(
      byItem(levels).map((l) => l.quantity),
      [6, 6, 6],
    );
    for (const other of await Promise.all(others)) assert.is(other.length, 3);
    assert.equal(
      log.waits.map((w) => [w.operation, w.code, w.phase]),
      [
        ['bulkOperationRunQuery', 'OPERATION_IN_PROGRESS', 'waiting'],
        ['bulkOperationRunQuery', 'OPERATION_IN_PROGRESS', 'started'],
      ],
    );
    assert.ok(log.waits[1]!.waitedMs > 0, `waited ${log.waits[1]!.waitedMs} ms`);
    assert.is(server.stats.bulkOperations, 6);
    assert.equal(items.length, 3);
  },
);

atLocation('LIMIT_REACHED longer than bulkWaitMs: a retriable Left that says how long it waited', async () => {
  const { server, location } = await stockedShop(1, 0);
  server.faults.bulkLimitReached(1_000);
  const log = waitLog();
  const left = await runLeft(adapterFor(server, { bulkWaitMs: 100, onWait: log.onWait }).availableAtLocation(location));
  assert.is(left._tag, 'ShopifyUnavailable');
  assert.is(left.retriable, true);
  if (left._tag === 'ShopifyUnavailable') assert.match(left.reason, /limit reached.*waited \d+ ms.*bulkWaitMs/);
  assert.equal(
    log.waits.map((w) => [w.code, w.phase, w.limitMs]),
    [
      ['LIMIT_REACHED', 'waiting', 100],
      ['LIMIT_REACHED', 'gave-up', 100],
    ],
  );
  assert.is(server.stats.bulkOperations, 0);
});

atLocation.run();

const lines = suite('linesOf: a body read line by line as it arrives');

lines('lines cut across chunks and a character cut across chunks come out whole; no last newline needed', async () => {
  const bytes = new TextEncoder().encode('{"a":1}\n{"sku":"Tée"}\n\n{"b":2}');
  // Every cut position: one byte at a time is the worst case.
  const chunks = async function* () {
    for (const byte of bytes) yield Uint8Array.of(byte);
  };
  const got: string[] = [];
  for await (const line of linesOf(chunks())) got.push(line);
  assert.equal(got, ['{"a":1}', '{"sku":"Tée"}', '', '{"b":2}']);
  const none: string[] = [];
  for await (const line of linesOf(null)) none.push(line);
  assert.equal(none, []);
});

lines.run();

const levelsOf = suite('shopifyInventory: availableOf');
levelsOf.after.each(closeShops);

// 250 ids at a warehouse: stocked there, elsewhere only, nowhere, and unknown ids spread through the list.
const levelsFixture = async () => {
  const server = await openShop();
  const warehouse = server.addLocation('Warehouse');
  const store = server.addLocation('Store');
  const items = Array.from({ length: 230 }, (_, i) => server.addInventoryItem({ sku: `LVL-${i}` }));
  const expected: ItemQuantity[] = [];
  items.forEach((item, i) => {
    if (i % 5 === 0)
      server.stock(item, store, 50 + i); // stocked elsewhere only: left out
    else if (i % 7 === 0)
      return; // stocked nowhere: left out
    else {
      server.stock(item, warehouse, i);
      server.stock(item, store, 1_000 + i);
      expected.push({ inventoryItemId: item, locationId: warehouse, quantity: i });
    }
  });
  const unknown = Array.from({ length: 20 }, (_, i) => `gid://shopify/InventoryItem/${900_000 + i}`);
  // Unknown ids spread through the list, not all in one query.
  const ids = items.flatMap((item, i) => (i % 12 === 0 && unknown.length > 0 ? [unknown.pop()!, item] : [item]));
  ids.push(...unknown);
  assert.is(ids.length, 250);
  return { server, warehouse, ids, expected };
};

levelsOf('250 ids (three aliased queries): only the items stocked at the location, with their quantities', async () => {
  const { server, warehouse, ids, expected } = await levelsFixture();
  const shopify = adapterFor(server);
  const levels = await run(shopify.availableOf(warehouse, ids));
  assert.equal(byItem(levels), byItem(expected));
  assert.is(new Set(levels.map((l) => l.inventoryItemId)).size, levels.length, 'each item once');
  assert.is(server.stats.requests, 3, '100 + 100 + 50 ids');
  assert.equal([server.stats.throttled, shopify.stats().throttled], [0, 0]);
  assert.equal(await run(shopify.availableOf(warehouse, [])), []);
  assert.is(server.stats.requests, 3, 'no ids, no request');
});

levelsOf(
  'from bulkReadThreshold ids on, one bulk read of the location kept to those ids, no aliased query',
  async () => {
    const { server, warehouse, ids, expected } = await levelsFixture();
    const below = requestKinds();
    const byQueries = await run(
      adapterFor(server, { bulkReadThreshold: 251, fetch: below.fetch }).availableOf(warehouse, ids),
    );
    assert.equal(byItem(byQueries), byItem(expected));
    assert.equal([below.count('LevelsOf'), below.count('BulkLevels'), server.stats.bulkOperations], [3, 0, 0]);
    // An item stocked at the location but not asked for stays out of the answer.
    server.stock(server.addInventoryItem({ sku: 'NOT-ASKED' }), warehouse, 5);
    const from = requestKinds();
    const shopify = adapterFor(server, { bulkReadThreshold: 250, fetch: from.fetch });
    const inBulk = await run(shopify.availableOf(warehouse, ids));
    assert.equal(byItem(inBulk), byItem(expected));
    assert.equal([from.count('LevelsOf'), from.count('BulkLevels'), server.stats.bulkOperations], [0, 1, 1]);
    assert.ok(shopify.stats().pointsRequested < 50, `a bulk read costs a few points, not ${3 * ids.length}`);
  },
);

levelsOf.run();

// ---------------------------------------------------------------------------------------------------------------------
// shopifyInventory: inventoryItemsBySku

const bySku = suite('shopifyInventory: inventoryItemsBySku');
bySku.after.each(closeShops);

/** A shop with unique, duplicated, case-different, prefixed and quoted SKUs; the SKUs asked and what each finds. */
const skuFixture = async () => {
  const server = await openShop();
  const unique = server.addInventoryItem({ sku: 'TEE-M' });
  const twinA = server.addInventoryItem({ sku: 'DUP-1' });
  server.addInventoryItem({ sku: 'TEE-M-XL' });
  const apostrophe = server.addInventoryItem({ sku: "Men's Tee L" });
  const twinB = server.addInventoryItem({ sku: 'DUP-1' });
  const doubleQuoted = server.addInventoryItem({ sku: 'Shirt "Blue" M' });
  const lower = server.addInventoryItem({ sku: 'tee-m' });
  server.addInventoryItem({ sku: 'NOT-ASKED' });
  const expected: Array<[string, string[]]> = [
    ['TEE-M', [unique]],
    ['DUP-1', [twinA, twinB]],
    ['NO-SUCH-SKU', []],
    ["Men's Tee L", [apostrophe]],
    ['Shirt "Blue" M', [doubleQuoted]],
    ['tee-m', [lower]],
  ];
  return { server, skus: expected.map(([sku]) => sku), expected };
};

bySku('unique, duplicated, unknown, and SKUs with quotes and spaces: exact matches only', async () => {
  const { server, skus, expected } = await skuFixture();
  const shopify = adapterFor(server);
  assert.equal([...(await run(shopify.inventoryItemsBySku(skus)))], expected);
  assert.is(server.stats.requests, 1);
  assert.equal([...(await run(shopify.inventoryItemsBySku([])))], []);
});

bySku(
  'more than 25 SKUs go in several queries; a SKU with more than a page of items is read page by page',
  async () => {
    const server = await openShop();
    const skus = Array.from({ length: 60 }, (_, i) => `MANY-${String(i).padStart(2, '0')}`);
    const ids = new Map(skus.map((sku) => [sku, [server.addInventoryItem({ sku })]]));
    const crowd = Array.from({ length: 55 }, () => server.addInventoryItem({ sku: 'CROWD' }));
    const shopify = adapterFor(server);
    const found = await run(shopify.inventoryItemsBySku(skus));
    assert.equal([...found], [...ids]);
    assert.is(server.stats.requests, 3, '25 + 25 + 10 SKUs');
    const crowded = await run(shopify.inventoryItemsBySku(['CROWD']));
    assert.equal(crowded.get('CROWD'), crowd);
    assert.is(server.stats.requests, 5, 'pages of 50: two requests');
  },
);

bySku(
  'from bulkSkuThreshold SKUs on, one bulk query of the variants answers as the searches do; below it, searches only',
  async () => {
    const { server, skus, expected } = await skuFixture();
    const below = requestKinds();
    const searching = adapterFor(server, { bulkSkuThreshold: skus.length + 1, fetch: below.fetch });
    assert.equal([...(await run(searching.inventoryItemsBySku(skus)))], expected);
    assert.equal([below.count('ItemsBySku'), below.count('BulkSkus'), server.stats.bulkOperations], [1, 0, 0]);
    const at = requestKinds();
    const bulk = adapterFor(server, { bulkSkuThreshold: skus.length, fetch: at.fetch });
    // The ambiguous SKU's items in id order, unknown SKUs with none: the same answer, entry for entry.
    assert.equal([...(await run(bulk.inventoryItemsBySku(skus)))], expected);
    assert.equal([at.count('ItemsBySku'), at.count('BulkSkus'), server.stats.bulkOperations], [0, 1, 1]);
    assert.equal(at.kinds, ['BulkSkus', ...at.kinds.slice(1).map(() => 'BulkStatus')], 'start, then polls only');
    assert.equal(
      [skus.length - 1, skus.length].map(bulk.findsSkusInBulk),
      [false, true],
      'findsSkusInBulk: from bulkSkuThreshold on',
    );
    assert.equal([...(await run(bulk.inventoryItemsBySku([])))], [], 'no SKU, no bulk');
    assert.is(server.stats.bulkOperations, 1);
    assert.equal(
      [SHOPIFY_DEFAULT_BULK_SKU_THRESHOLD - 1, SHOPIFY_DEFAULT_BULK_SKU_THRESHOLD].map(
        adapterFor(server).findsSkusInBulk,
      ),
      [false, true],
      'by default from 1,000 SKUs',
    );
  },
);

bySku('2,000 SKUs: one bulk operation and a few requests instead of 80 searches of 50 points', async () => {
  const server = await openShop();
  const skus = Array.from({ length: 2_000 }, (_, i) => `BULK-${i}`);
  const ids = skus.map((sku) => server.addInventoryItem({ sku }));
  const twin = server.addInventoryItem({ sku: 'BULK-7' });
  for (let i = 0; i < 500; i++) server.addInventoryItem({ sku: `OTHER-${i}` });
  const asked = [...skus, 'MISSING-1'];
  const expected = new Map(asked.map((sku, i) => [sku, i === 7 ? [ids[7]!, twin] : i < ids.length ? [ids[i]!] : []]));
  const search = adapterFor(server, { bulkSkuThreshold: 1_000_000 });
  assert.equal([...(await run(search.inventoryItemsBySku(asked)))], [...expected]);
  const searched = { requests: server.stats.requests, points: server.stats.pointsSpent };
  assert.is(searched.requests, 81, '25 SKUs a query');
  const bulk = adapterFor(server);
  assert.equal([...(await run(bulk.inventoryItemsBySku(asked)))], [...expected]);
  const requests = server.stats.requests - searched.requests;
  const points = server.stats.pointsSpent - searched.points;
  assert.is(server.stats.bulkOperations, 1);
  assert.ok(requests <= 6, `a start and a few polls, not ${requests} requests`);
  assert.ok(points < 40, `${points} points against ${searched.points} by search`);
  assert.ok(searched.points > 2_000, `the searches cost ${searched.points} points: more than a Standard bucket`);
});

bySku('the bulk SKU read waits on LIMIT_REACHED like any bulk query, then answers', async () => {
  const { server, skus, expected } = await skuFixture();
  server.faults.bulkLimitReached(2);
  const log = waitLog();
  const shopify = adapterFor(server, { bulkSkuThreshold: 1, onWait: log.onWait });
  assert.equal([...(await run(shopify.inventoryItemsBySku(skus)))], expected);
  assert.equal(
    log.waits.map((w) => [w.operation, w.code, w.phase]),
    [
      ['bulkOperationRunQuery', 'LIMIT_REACHED', 'waiting'],
      ['bulkOperationRunQuery', 'LIMIT_REACHED', 'started'],
    ],
  );
  assert.is(server.stats.bulkOperations, 1);
});

bySku.run();

// ---------------------------------------------------------------------------------------------------------------------
// shopifyInventory: malformed answers

const malformed = suite('shopifyInventory: a malformed answer is a typed Left, never a rejected task');
malformed.after.each(closeShops);

/** The GraphQL operation name of a document the adapter sends (`SetAvailable`, `BulkStatus`, …). */
const operationName = (document: string): string => /^(?:query|mutation)\s+(\w+)/.exec(document)?.[1] ?? '?';

type Script = Readonly<Record<string, unknown>>;

/**
 * A client that answers each operation by name from `script` (what `request` resolves to, or a function of the
 * variables); an operation the script does not name is a test failure. `requests` lists what was asked, in order.
 */
const scriptedClient = (script: Script) => {
  const requests: string[] = [];
  const client: AdminGraphqlClient = {
    request: async (document, options) => {
      const name = operationName(document);
      requests.push(name);
      if (!(name in script)) throw new Error(`the script has no answer for ${name}`);
      const answer = script[name];
      return typeof answer === 'function' ? (answer as (v: unknown) => unknown)(options?.variables) : answer;
    },
  };
  return { client, requests };
};

// Answers of a bulk path that works until the step a test breaks: a staged target, a started operation, COMPLETED.
const BULK_SCRIPT: Script = {
  StageVariables: {
    data: {
      stagedUploadsCreate: {
        stagedTargets: [{ url: 'https://uploads.test/', parameters: [{ name: 'key', value: 'tmp/1/bulk/f.jsonl' }] }],
        userErrors: [],
      },
    },
  },
  BulkSet: {
    data: { bulkOperationRunMutation: { bulkOperation: { id: 'gid://shopify/BulkOperation/1' }, userErrors: [] } },
  },
  BulkLevels: {
    data: { bulkOperationRunQuery: { bulkOperation: { id: 'gid://shopify/BulkOperation/2' }, userErrors: [] } },
  },
  BulkStatus: (variables: unknown) => ({
    data: {
      bulkOperation: {
        id: (variables as { id: string }).id,
        status: 'COMPLETED',
        errorCode: null,
        url: 'https://results.test/1.jsonl',
      },
    },
  }),
};

/** A fetch for staged uploads and result files: uploads succeed, a result file is `results`. */
const filesFetch =
  (results: string): FetchApi =>
  async (url) =>
    url.startsWith('https://results.test/')
      ? new Response(results, { status: 200 })
      : new Response(null, { status: 201 });

const LOCATION = 'gid://shopify/Location/1';
const ITEM = (n: number) => `gid://shopify/InventoryItem/${n}`;
const twoQuantities = [setQuantity(ITEM(1), LOCATION, 5, 0), setQuantity(ITEM(2), LOCATION, 6, 0)];

/** An adapter on a scripted client: instant backoff, two attempts, bulk from two quantities, one a call. */
const scripted = (script: Script, results = '', options: Partial<ShopifyInventoryOptions> = {}) => {
  const { client, requests } = scriptedClient(script);
  const { waits, sleep } = recordingSleep();
  const shopify = shopifyInventory({
    shop: 'scripted.myshopify.com',
    accessToken: TOKEN,
    client,
    fetch: filesFetch(results),
    sleep,
    maxAttempts: 2,
    bulkPollMs: 1,
    maxQuantitiesPerCall: 1,
    bulkThreshold: 2,
    ...options,
  });
  return { shopify, requests, waits };
};

/** Every operation of the port, each once: what a malformed answer must never make reject. */
const everyOperation = (shopify: ShopifyInventoryAdapter): Record<string, TaskEither<ShopifyError, unknown>> => ({
  'setAvailable (a call)': shopify.setAvailable(setRequest('one', twoQuantities.slice(0, 1))),
  'setAvailable (bulk)': shopify.setAvailable(setRequest('two', twoQuantities)),
  availableOf: shopify.availableOf(LOCATION, [ITEM(1), ITEM(2)]),
  availableAtLocation: shopify.availableAtLocation(LOCATION),
  inventoryItemsBySku: shopify.inventoryItemsBySku(['SKU-1']),
});

/** The Left of a task that must resolve: a rejection fails the test with what it threw. */
const leftOf = async (task: TaskEither<ShopifyError, unknown>): Promise<ShopifyError> => {
  let result: Either<ShopifyError, unknown>;
  try {
    result = await task();
  } catch (thrown) {
    throw new Error(`the task rejected: ${String(thrown)}`);
  }
  if (result._tag === 'Right') throw new Error(`expected a Left, got ${JSON.stringify(result.right)}`);
  return result.left;
};

const reasonOf = (e: ShopifyError): string => ('reason' in e ? e.reason : e._tag);

malformed(
  '{ data: null } to every operation: a lost answer, retried, then ShopifyUnavailable (retriable)',
  async () => {
    const nothing = { data: null };
    const { shopify, requests } = scripted({
      ...BULK_SCRIPT,
      SetAvailable: nothing,
      LevelsOf: nothing,
      ItemsBySku: nothing,
      StageVariables: nothing,
      BulkLevels: nothing,
    });
    for (const [operation, task] of Object.entries(everyOperation(shopify))) {
      const left = await leftOf(task);
      assert.is(left._tag, 'ShopifyUnavailable', operation);
      assert.is(left.retriable, true, operation);
      assert.match(reasonOf(left), 'neither data nor errors (after 2 attempts)', operation);
    }
    assert.equal(requests, [
      'SetAvailable',
      'SetAvailable',
      'StageVariables',
      'StageVariables',
      'LevelsOf',
      'LevelsOf',
      'BulkLevels',
      'BulkLevels',
      'ItemsBySku',
      'ItemsBySku',
    ]);
  },
);

malformed('data of another shape to every operation: ShopifyAnswerInvalid naming the field, not retried', async () => {
  const { shopify, requests } = scripted({
    SetAvailable: { data: { inventorySetQuantities: { userErrors: null } } },
    StageVariables: { data: { stagedUploadsCreate: null } },
    LevelsOf: { data: { i0: { inventoryLevel: { quantities: [{ name: 'available', quantity: '7' }] } } } },
    BulkLevels: { data: { bulkOperationRunQuery: null } },
    ItemsBySku: { data: { inventoryItems: { nodes: [{ id: 5, sku: 'SKU-1' }] } } },
  });
  const reasons: Record<string, string> = {};
  for (const [operation, task] of Object.entries(everyOperation(shopify))) {
    const left = await leftOf(task);
    assert.is(left._tag, 'ShopifyAnswerInvalid', operation);
    assert.is(left.retriable, false, operation);
    reasons[operation] = reasonOf(left);
  }
  assert.equal(reasons, {
    'setAvailable (a call)': 'set: data.inventorySetQuantities.userErrors: expected Array<UserError>, got null',
    'setAvailable (bulk)': 'stage: data.stagedUploadsCreate: expected StagedUploadsCreatePayload, got null',
    availableOf: 'levels: data.i0.inventoryLevel.quantities.0.quantity: expected Int, got "7"',
    availableAtLocation: 'bulk: data.bulkOperationRunQuery: expected BulkOperationPayload, got null',
    inventoryItemsBySku: 'sku: data.inventoryItems.nodes.0.id: expected string, got 5',
  });
  assert.is(requests.length, 5, 'one request each');
});

malformed('{ data: { bulkOperation: null } } while polling: the operation is gone, a retriable Left', async () => {
  const gone = { data: { bulkOperation: null } };
  const { shopify } = scripted({ ...BULK_SCRIPT, BulkStatus: gone });
  for (const task of [shopify.setAvailable(setRequest('two', twoQuantities)), shopify.availableAtLocation(LOCATION)]) {
    const left = await leftOf(task);
    assert.is(left._tag, 'ShopifyAnswerInvalid');
    assert.is(left.retriable, true);
    assert.match(reasonOf(left), 'bulkOperation(id: "gid://shopify/BulkOperation/');
    assert.match(reasonOf(left), 'no such operation');
  }
});

malformed(
  'bulkOperationRunMutation and stagedUploadsCreate answering null: invalid, or refused where the schema allows null',
  async () => {
    const started = (payload: unknown): Script => ({ BulkSet: { data: { bulkOperationRunMutation: payload } } });
    const staged = (payload: unknown): Script => ({ StageVariables: { data: { stagedUploadsCreate: payload } } });
    const emptyFile = { field: null, message: 'The input file is empty.', code: 'INVALID_STAGED_UPLOAD_FILE' };
    const noKey = { stagedTargets: [{ url: 'https://uploads.test/', parameters: [] }], userErrors: [] };
    const cases: ReadonlyArray<[Script, string]> = [
      [
        started(null),
        'ShopifyAnswerInvalid bulk: data.bulkOperationRunMutation: expected BulkOperationPayload, got null',
      ],
      [
        started({ bulkOperation: null, userErrors: [] }),
        'ShopifyRejected bulkOperationRunMutation: no operation started',
      ],
      [
        started({ bulkOperation: null, userErrors: [emptyFile] }),
        'ShopifyRejected bulkOperationRunMutation: The input file is empty.',
      ],
      [
        staged(null),
        'ShopifyAnswerInvalid stage: data.stagedUploadsCreate: expected StagedUploadsCreatePayload, got null',
      ],
      [staged({ stagedTargets: null, userErrors: [] }), 'ShopifyRejected stagedUploadsCreate: no upload target'],
      [
        staged(noKey),
        'ShopifyAnswerInvalid stage: data.stagedUploadsCreate.stagedTargets.0.parameters: no key parameter',
      ],
    ];
    for (const [script, expected] of cases) {
      const { shopify } = scripted({ ...BULK_SCRIPT, ...script });
      const left = await leftOf(shopify.setAvailable(setRequest('b', twoQuantities)));
      assert.is(`${left._tag} ${reasonOf(left)}`, expected);
      assert.is(left.retriable, false, expected);
    }
  },
);

malformed('answers that are no GraphQL response at all, and a throttleStatus of another shape', async () => {
  const cases: ReadonlyArray<[unknown, string]> = [
    ['<html>502 Bad Gateway</html>', 'set: answer: expected AdminAnswer, got "<html>502 Bad Gateway</html>"'],
    [null, 'set: answer: expected AdminAnswer, got null'],
    [
      {
        data: { inventorySetQuantities: { userErrors: [] } },
        extensions: {
          cost: { throttleStatus: { maximumAvailable: 2000, currentlyAvailable: 1990, restoreRate: '100' } },
        },
      },
      'set: answer.extensions.cost.throttleStatus.restoreRate: expected number, got "100"',
    ],
    [
      { errors: { graphQLErrors: [{ code: 'THROTTLED' }] } },
      'set: answer.errors.graphQLErrors.0.message: expected string, got nothing',
    ],
  ];
  for (const [answer, reason] of cases) {
    const left = await leftOf(
      scripted({ SetAvailable: answer }).shopify.setAvailable(setRequest('one', twoQuantities.slice(0, 1))),
    );
    assert.equal([left._tag, left.retriable, reasonOf(left)], ['ShopifyAnswerInvalid', false, reason]);
  }
});

malformed('a bulk SKU read line of another shape, or not JSON: ShopifyAnswerInvalid naming the line', async () => {
  const started = {
    BulkSkus: {
      data: { bulkOperationRunQuery: { bulkOperation: { id: 'gid://shopify/BulkOperation/3' }, userErrors: [] } },
    },
  };
  const good = JSON.stringify({ id: 'gid://shopify/ProductVariant/1', sku: 'SKU-1', inventoryItem: { id: ITEM(1) } });
  const cases: ReadonlyArray<[string, boolean, string]> = [
    [
      `${good}\n${JSON.stringify({ id: 'gid://shopify/ProductVariant/2', sku: 'SKU-2', inventoryItem: null })}\n`,
      false,
      'bulk SKU read line 2: inventoryItem: expected InventoryItem, got null',
    ],
    [`${good}\n{"id":"gid://shopify/Prod`, true, 'bulk SKU read line 2: not JSON'],
  ];
  for (const [results, retriable, reason] of cases) {
    const { shopify, requests } = scripted({ ...BULK_SCRIPT, ...started }, results, { bulkSkuThreshold: 1 });
    const left = await leftOf(shopify.inventoryItemsBySku(['SKU-1', 'SKU-2']));
    assert.equal([left._tag, left.retriable], ['ShopifyAnswerInvalid', retriable]);
    assert.match(reasonOf(left), reason);
    assert.equal(requests, ['BulkSkus', 'BulkStatus']);
  }
  // Variants need not come in the order of their items: a SKU's items are listed by id number, as a search lists them.
  const variant = (n: number, sku: string | null, item: number) =>
    JSON.stringify({ id: `gid://shopify/ProductVariant/${n}`, sku, inventoryItem: { id: ITEM(item) } });
  const { shopify } = scripted(
    { ...BULK_SCRIPT, ...started },
    [good, variant(2, 'SKU-3', 10), variant(3, null, 4), variant(4, 'SKU-3', 9)].join('\n'),
    { bulkSkuThreshold: 1 },
  );
  assert.equal(
    [...(await run(shopify.inventoryItemsBySku(['SKU-1', 'SKU-2', 'SKU-3'])))],
    [
      ['SKU-1', [ITEM(1)]],
      ['SKU-2', []],
      ['SKU-3', [ITEM(9), ITEM(10)]],
    ],
  );
});

malformed('a page that says there is more but gives no cursor: invalid, not read forever', async () => {
  const { shopify, requests } = scripted({
    ItemsBySku: {
      data: {
        inventoryItems: { nodes: [{ id: ITEM(1), sku: 'SKU-1' }], pageInfo: { hasNextPage: true, endCursor: null } },
      },
    },
  });
  const left = await leftOf(shopify.inventoryItemsBySku(['SKU-1']));
  assert.equal([left._tag, left.retriable], ['ShopifyAnswerInvalid', false]);
  assert.match(reasonOf(left), 'pageInfo: a next page without an endCursor');
  assert.equal(requests, ['ItemsBySku']);
});

malformed(
  'truncated JSON through the real client: retried with the same key; ShopifyUnavailable when it lasts',
  async () => {
    const { server, location, items } = await stockedShop(1, 4);
    const { sleep } = recordingSleep();
    // Shopify's answers cut short: the first `cut` GraphQL answers lose their second half on the way.
    let cut = 1;
    const cutting: FetchApi = async (url, init) => {
      const response = await fetch(url, init);
      if (!url.endsWith('/graphql.json') || cut <= 0) return response;
      cut--;
      const text = await response.text();
      return new Response(text.slice(0, Math.floor(text.length / 2)), { status: 200, headers: response.headers });
    };
    const shopify = adapterFor(server, { fetch: cutting, sleep });
    const outcomes = await outcomesOf(
      shopify.setAvailable(setRequest('cut-1', [setQuantity(items[0]!, location, 9, 4)])),
    );
    assert.equal(statuses(outcomes), ['applied'], 'the retry was answered from the key');
    assert.equal([shopify.stats().retries, server.stats.setCalls, server.adjustments().length], [1, 2, 1]);
    assert.is(server.available(items[0]!, location), 9);
    cut = 5;
    const left = await leftOf(
      adapterFor(server, { fetch: cutting, sleep, maxAttempts: 3 }).setAvailable(
        setRequest('cut-2', [setQuantity(items[0]!, location, 3, 9)]),
      ),
    );
    assert.equal([left._tag, left.retriable], ['ShopifyUnavailable', true]);
    assert.match(reasonOf(left), /^set: unreadable answer: .*JSON.*\(after 3 attempts\)$/);
    // A client of one's own that throws on a body it cannot parse: the same.
    const { shopify: throwing } = scripted({
      SetAvailable: () => {
        throw new SyntaxError('Unexpected end of JSON input');
      },
    });
    const thrown = await leftOf(throwing.setAvailable(setRequest('one', twoQuantities.slice(0, 1))));
    assert.equal(
      [thrown._tag, thrown.retriable, reasonOf(thrown)],
      ['ShopifyUnavailable', true, 'set: Unexpected end of JSON input (after 2 attempts)'],
    );
  },
);

malformed('a bulk result file with a bad line: ShopifyAnswerInvalid naming the line', async () => {
  const good = (n: number) => JSON.stringify({ data: { inventorySetQuantities: { userErrors: [] } }, __lineNumber: n });
  const cases: ReadonlyArray<[string, string, boolean, string]> = [
    ['cut short', `${good(0)}\n{"data":{"inventorySetQuantities":{"userEr\n`, true, 'bulk result line 2: not JSON ('],
    [
      'another shape',
      `${good(0)}\n${JSON.stringify({ data: { inventorySetQuantities: { userErrors: [] } }, __lineNumber: '1' })}\n`,
      false,
      'bulk result line 2: __lineNumber: expected Int, got "1"',
    ],
    [
      'a line number not sent',
      `${good(0)}\n${good(7)}\n`,
      false,
      'bulk result line 2: __lineNumber 7 is no line of the file sent',
    ],
  ];
  for (const [label, results, retriable, reason] of cases) {
    const { shopify, requests } = scripted(BULK_SCRIPT, results);
    const left = await leftOf(shopify.setAvailable(setRequest('b', twoQuantities)));
    assert.equal([left._tag, left.retriable], ['ShopifyAnswerInvalid', retriable], label);
    assert.ok(reasonOf(left).startsWith(reason), `${label}: ${reasonOf(left)}`);
    assert.equal(requests, ['StageVariables', 'BulkSet', 'BulkStatus'], `${label}: no call sent after a bad file`);
  }
});

malformed(
  'a bulk read with a bad line (the real bulk query, its 17th line damaged): a Left naming line 17',
  async () => {
    const { server, location } = await stockedShop(20, 3);
    const damage =
      (line: number, change: (text: string) => string): FetchApi =>
      async (url, init) => {
        const response = await fetch(url, init);
        if (!url.includes('/bulk-results/')) return response;
        const lines = (await response.text()).split('\n');
        lines[line - 1] = change(lines[line - 1]!);
        return new Response(lines.join('\n'), { status: 200 });
      };
    const cut = await leftOf(
      adapterFor(server, { fetch: damage(17, (l) => l.slice(0, 10)) }).availableAtLocation(location),
    );
    assert.equal([cut._tag, cut.retriable], ['ShopifyAnswerInvalid', true]);
    assert.match(reasonOf(cut), /^bulk read line 17: not JSON \(/);
    const shape = await leftOf(
      adapterFor(server, {
        fetch: damage(18, (l) => l.replace('"quantity":3', '"quantity":null')),
      }).availableAtLocation(location),
    );
    assert.equal(
      [shape._tag, shape.retriable, reasonOf(shape)],
      [
        'ShopifyAnswerInvalid',
        false,
        'bulk read line 18: inventoryLevel.quantities.0.quantity: expected Int, got null',
      ],
    );
    // Undamaged, the same read gives every level.
    assert.is((await run(adapterFor(server).availableAtLocation(location))).length, 20);
  },
);

malformed(
  'an exception anywhere (here an injected sleep that throws) is a retriable Left, not a rejection',
  async () => {
    const { client } = scriptedClient({ SetAvailable: { errors: { networkStatusCode: 503, message: 'down' } } });
    const shopify = shopifyInventory({
      shop: 'scripted.myshopify.com',
      accessToken: TOKEN,
      client,
      sleep: async () => {
        throw new Error('the clock broke');
      },
    });
    const left = await leftOf(shopify.setAvailable(setRequest('one', twoQuantities.slice(0, 1))));
    assert.equal(
      [left._tag, left.retriable, reasonOf(left)],
      ['ShopifyUnavailable', true, 'setAvailable: the clock broke'],
    );
    if (left._tag === 'ShopifyUnavailable') assert.instance(left.cause, Error);
  },
);

malformed.run();

const pipelined = suite('pipelined calls: several in flight, paced by the bucket, outcomes in order');
pipelined.after.each(closeShops);

// A fetch that counts the GraphQL requests in flight at once.
const countingFetch = () => {
  const seen = { now: 0, most: 0 };
  const fetchApi: FetchApi = async (url, init) => {
    seen.now++;
    seen.most = Math.max(seen.most, seen.now);
    try {
      return await fetch(url, init);
    } finally {
      seen.now--;
    }
  };
  return { seen, fetchApi };
};

const quantitiesOf = (items: ReadonlyArray<string>, location: string, quantity: (i: number) => number) =>
  items.map(
    (inventoryItemId, i): SetQuantity => ({
      productId: `P${i}`,
      inventoryItemId,
      locationId: location,
      quantity: quantity(i),
      changeFromQuantity: 0,
    }),
  );

pipelined('autoInFlight: one call on Standard, one per 25 points a second of restore rate above, at most 64', () => {
  assert.equal(
    [SHOPIFY_PLANS.standard, SHOPIFY_PLANS.advanced, SHOPIFY_PLANS.plus, SHOPIFY_PLANS.enterprise].map((p) =>
      autoInFlight(p.restoreRate),
    ),
    [1, 8, 40, 64],
  );
});

pipelined(
  'a Plus shop 100 ms away: the calls go many at once, every outcome in its order, none throttled',
  async () => {
    const { server, location, items } = await stockedShop(5_000, 0, { plan: SHOPIFY_PLANS.plus, latencyMs: 100 });
    const { seen, fetchApi } = countingFetch();
    const shopify = adapterFor(server, { fetch: fetchApi });
    const started = performance.now();
    const result = await run(
      shopify.setAvailable(
        setRequest(
          'plus',
          quantitiesOf(items, location, (i) => 1 + (i % 9)),
        ),
      ),
    );
    const ms = performance.now() - started;
    assert.is(result.calls, 20);
    assert.equal(
      result.outcomes.map((o) => o.quantity.inventoryItemId),
      items,
      'outcomes in the order of the quantities',
    );
    assert.ok(result.outcomes.every((o) => o.status === 'applied'));
    for (const [i, item] of items.entries())
      if (server.available(item, location) !== 1 + (i % 9)) assert.unreachable(item);
    assert.is(server.stats.throttled, 0);
    assert.ok(seen.most >= 10, `at most ${seen.most} in flight`);
    // One at a time would take 20 round trips (2 s); the first goes alone, then the other 19 at once.
    assert.ok(ms < 1_200, `${Math.round(ms)} ms`);
    assert.is(shopify.quantitiesAtOnce(1_000_000), 50_000, 'the bulk path from bulkThreshold on');
    assert.is(shopify.quantitiesAtOnce(10_000), 40 * 4 * 250, 'a batch keeps 40 calls in flight 4 times over');
  },
);

pipelined('maxInFlight 1 sends one call at a time, and Standard does by default', async () => {
  const { server, location, items } = await stockedShop(1_000, 0, { plan: SHOPIFY_PLANS.plus, latencyMs: 50 });
  const one = countingFetch();
  await run(
    adapterFor(server, { fetch: one.fetchApi, maxInFlight: 1 }).setAvailable(
      setRequest(
        'one',
        quantitiesOf(items, location, () => 3),
      ),
    ),
  );
  assert.is(one.seen.most, 1);
  const standard = await stockedShop(1_000, 0, { latencyMs: 10 });
  const byDefault = countingFetch();
  const shopify = adapterFor(standard.server, { fetch: byDefault.fetchApi });
  await run(
    shopify.setAvailable(
      setRequest(
        'std',
        quantitiesOf(standard.items, standard.location, () => 3),
      ),
    ),
  );
  assert.is(byDefault.seen.most, 1);
  assert.is(shopify.quantitiesAtOnce(10_000), 250, 'a call a batch');
});

pipelined(
  'in flight on a small bucket: paced by it, the calls in flight counted against it, never throttled',
  async () => {
    // 100 points (10 calls) refilled at 1,000 a second: 40 calls must wait on the refill for 300 points.
    const { server, location, items } = await stockedShop(10_000, 0, {
      plan: { maximumAvailable: 100, restoreRate: 1_000 },
      latencyMs: 40,
    });
    const { seen, fetchApi } = countingFetch();
    const shopify = adapterFor(server, { fetch: fetchApi });
    const started = performance.now();
    const result = await run(
      shopify.setAvailable(
        setRequest(
          'small',
          quantitiesOf(items, location, () => 5),
        ),
      ),
    );
    const ms = performance.now() - started;
    assert.is(result.calls, 40);
    assert.is(server.stats.throttled, 0, 'no request was sent before the bucket held its cost');
    assert.ok(ms >= 280, `${Math.round(ms)} ms: the refill is the floor`);
    // Several in flight, and never the 40 that `maxInFlight` auto allows at this restore rate: the bucket holds them
    // back (how many are open at once also depends on how fast this machine delivers the answers).
    assert.ok(seen.most > 1 && seen.most < 40, `${seen.most} in flight`);
    assert.ok(items.every((item) => server.available(item, location) === 5));
  },
);

// Answers come back out of order when several calls are in flight: one overtaken by later ones reports the bucket
// before those were charged, and taken then it would show the bucket fuller than it is.
pipelined('an answer overtaken by later ones is not taken for the bucket: never throttled', async () => {
  // 100 points (10 calls) refilled at 100 a second: 20 calls, the last 10 paced by the refill.
  const { server, location, items } = await stockedShop(5_000, 0, {
    plan: { maximumAvailable: 100, restoreRate: 100 },
    latencyMs: 10,
  });
  let requests = 0;
  const fetchApi: FetchApi = async (url, init) => {
    const n = ++requests;
    const response = await fetch(url, init);
    // The second request's answer reaches the client after the answers of the requests sent after it.
    if (n === 2) await new Promise((resolve) => setTimeout(resolve, 400));
    return response;
  };
  const shopify = adapterFor(server, { fetch: fetchApi, maxInFlight: 8 });
  const result = await run(
    shopify.setAvailable(
      setRequest(
        'overtaken',
        quantitiesOf(items, location, () => 3),
      ),
    ),
  );
  assert.is(server.stats.throttled, 0, 'no request was sent before the bucket held its cost');
  assert.is(result.calls, 20);
  assert.ok(items.every((item) => server.available(item, location) === 3));
});

pipelined(
  'a call refused in flight fails the request; a resend under the same keys applies each quantity once',
  async () => {
    const { server, location, items } = await stockedShop(2_500, 0, { plan: SHOPIFY_PLANS.plus, latencyMs: 20 });
    const shopify = adapterFor(server, { maxAttempts: 1 });
    await run(
      shopify.setAvailable(
        setRequest(
          'warm',
          quantitiesOf(items.slice(0, 1), location, () => 0),
        ),
      ),
    );
    const request = setRequest(
      'fail',
      quantitiesOf(items, location, () => 7),
    );
    server.faults.serverError(3);
    const failed = await runLeft(shopify.setAvailable(request));
    assert.is(failed._tag, 'ShopifyUnavailable');
    const again = await run(adapterFor(server).setAvailable(request));
    assert.ok(again.outcomes.every((o) => o.status === 'applied'));
    assert.ok(items.every((item) => server.available(item, location) === 7));
    const applied = server.adjustments().filter((a) => a.idempotencyKey.startsWith('fail#'));
    assert.is(applied.length, items.length, 'each quantity changed once');
  },
);

pipelined.run();
