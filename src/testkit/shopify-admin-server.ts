/**
 * A local Shopify Admin GraphQL server for tests: the subset of the Admin API that inventory sync uses
 * (`inventoryItems`, `productVariants`, `locations`, `currentAppInstallation { accessScopes }`, `inventorySetQuantities` with
 * `@idempotent`, staged uploads and bulk operations),
 * with Shopify's schema names, calculated query cost, leaky-bucket throttling, userErrors and idempotency, and
 * one-shot faults (throttling, 5xx, hangs, dropped answers, sales landing mid-request). Every server is independent.
 *
 * @example
 * ```ts
 * import { startShopifyAdminServer, SHOPIFY_PLANS } from 'oms-inventory-sync/testkit';
 * import { createAdminApiClient } from '@shopify/admin-api-client';
 *
 * const shopify = await startShopifyAdminServer({ plan: SHOPIFY_PLANS.standard, accessToken: 'shpat_test' });
 * const warehouse = shopify.addLocation('Warehouse');
 * const item = shopify.addInventoryItem({ sku: 'SKU-1' });
 * shopify.stock(item, warehouse, 10);
 *
 * // Plain fetch: POST `${shopify.url}/admin/api/2026-10/graphql.json` with header X-Shopify-Access-Token.
 * // Shopify's client always builds an https URL from storeDomain, so point it here with customFetchApi:
 * const client = createAdminApiClient({
 *   storeDomain: shopify.shopDomain,
 *   apiVersion: '2026-10',
 *   accessToken: 'shpat_test',
 *   customFetchApi: (url, init) => fetch(String(url).replace(`https://${shopify.shopDomain}`, shopify.url), init),
 * });
 * const { data } = await client.request(
 *   `mutation Set($input: InventorySetQuantitiesInput!, $key: String!) {
 *      inventorySetQuantities(input: $input) @idempotent(key: $key) { userErrors { code field message } }
 *    }`,
 *   { variables: { key: crypto.randomUUID(), input: { name: 'available', reason: 'correction',
 *     quantities: [{ inventoryItemId: item, locationId: warehouse, quantity: 7, changeFromQuantity: 10 }] } } },
 * );
 * shopify.available(item, warehouse); // 7
 * await shopify.close();
 * ```
 *
 * Where Shopify's documentation and the captured responses are silent, the choice made is written next to the code.
 * Not implemented: API versions before 2026-04 (every configured version answers with the 2026-04+ schema), fields
 * outside the subset in ./shopify-admin-server/schema.ts, bulkOperationCancel, partial data URLs, and expiry.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { MAX_UPLOAD_BYTES } from './shopify-admin-server/bulk-operations.ts';
import { costBucket } from './shopify-admin-server/cost-bucket.ts';
import {
  graphqlEndpoint,
  type EndpointAnswer,
  type EndpointEnvironment,
  type GraphqlRequest,
} from './shopify-admin-server/graphql-endpoint.ts';
import { multipartBoundary, parseMultipart } from './shopify-admin-server/multipart-form.ts';
import { buildAdminSchema } from './shopify-admin-server/schema.ts';
import { emptyShop, isoNow, levelKey, type AdjustmentRecord, type ServerStats } from './shopify-admin-server/state.ts';

/** A plan's GraphQL Admin bucket: its size and its refill rate in points per second. */
export interface ShopifyPlanLimits {
  readonly maximumAvailable: number;
  readonly restoreRate: number;
}

/**
 * Restore rates from https://shopify.dev/docs/apps/build/apis/graphql-admin/rate-limits (100/200/1000/2000 points a
 * second). Bucket sizes: 2000 (standard) and 20000 (Plus) are what Shopify reports in `throttleStatus`; advanced and
 * enterprise follow the same 20 × restore rate, which is not confirmed by a captured response.
 */
export const SHOPIFY_PLANS: Readonly<Record<'standard' | 'advanced' | 'plus' | 'enterprise', ShopifyPlanLimits>> = {
  standard: { maximumAvailable: 2000, restoreRate: 100 },
  advanced: { maximumAvailable: 4000, restoreRate: 200 },
  plus: { maximumAvailable: 20000, restoreRate: 1000 },
  enterprise: { maximumAvailable: 40000, restoreRate: 2000 },
};

/** How to start a server. */
export interface ShopifyAdminServerOptions {
  /** The shop's plan; default SHOPIFY_PLANS.standard. */
  readonly plan?: ShopifyPlanLimits;
  /** The token every request must carry in X-Shopify-Access-Token (401 otherwise); default 'shpat_oms_test_token'. */
  readonly accessToken?: string;
  /** API versions served at /admin/api/<version>/graphql.json; others answer 404. Default ['2026-10']. */
  readonly apiVersions?: ReadonlyArray<string>;
  /** A millisecond clock for the cost bucket; default performance.now. */
  readonly now?: () => number;
  /** How long a bulk operation takes per line, in milliseconds; default 0. */
  readonly bulkRowDelayMs?: number;
  /** The access scopes the token's app is granted; default read_inventory, write_inventory, read_products. */
  readonly accessScopes?: ReadonlyArray<string>;
  /**
   * Network latency of every GraphQL request, in milliseconds (default 0): half before the request reaches the
   * server (and its bucket), half before its answer leaves, as a round trip over a real network would.
   */
  readonly latencyMs?: number;
}

/** A running server and the handles a test drives it with. */
export interface ShopifyAdminServer {
  /** e.g. http://127.0.0.1:PORT; GraphQL at `${url}/admin/api/${version}/graphql.json`. */
  readonly url: string;
  /** The shop's domain, for clients that build the URL from it. */
  readonly shopDomain: string;
  /** The token requests must carry. */
  readonly accessToken: string;
  /** Adds a location; returns its gid://shopify/Location/N. */
  addLocation(name: string): string;
  /**
   * Adds an inventory item; SKUs may repeat. Returns its gid://shopify/InventoryItem/N. The item is the one inventory
   * item of its own product variant, gid://shopify/ProductVariant/N, which carries the same SKU.
   */
  addInventoryItem(item: { sku: string; tracked?: boolean }): string;
  /** Stocks the item at the location with that available quantity (or sets it, when already stocked). */
  stock(inventoryItemId: string, locationId: string, available: number): void;
  /** The available quantity, or undefined when the item is not stocked there. */
  available(inventoryItemId: string, locationId: string): number | undefined;
  /** A Shopify-side order: `available -= units` (the units become committed). */
  sell(inventoryItemId: string, locationId: string, units: number): void;
  /** One-shot faults; request faults (throttle, serverError, hang) are consumed one per GraphQL request, in order. */
  readonly faults: {
    /** The next N GraphQL requests answer THROTTLED as Shopify does, without running. */
    throttle(times?: number): void;
    /** The next N GraphQL requests answer this 5xx status (default 500) without running. */
    serverError(times?: number, status?: number): void;
    /** The next N GraphQL requests never answer; their sockets close with the server. */
    hang(times?: number): void;
    /** The next N mutations run, then their socket is destroyed before the answer is written. */
    dropAfterApply(times?: number): void;
    /** The next inventorySetQuantities touching this item fails with this userError code (nothing applied). */
    userError(inventoryItemId: string, code: string): void;
    /** A sale of `units` lands just before the next inventorySetQuantities touching the level is checked. */
    saleDuringRequest(inventoryItemId: string, locationId: string, units: number): void;
    /** The next N bulkOperationRunQuery/bulkOperationRunMutation answer the userError LIMIT_REACHED, starting nothing. */
    bulkLimitReached(times?: number): void;
  };
  /**
   * Counters: GraphQL requests that passed auth; THROTTLED answers; points charged (actual costs); inventorySetQuantities
   * calls that got past the request errors (bulk lines and idempotent replays included); quantity rows applied; bulk
   * operations created.
   */
  readonly stats: {
    requests: number;
    throttled: number;
    pointsSpent: number;
    setCalls: number;
    quantitiesApplied: number;
    bulkOperations: number;
  };
  /**
   * Another client of the same app on the same bucket: it spends `pointsPerSecond` from now on, in small requests
   * every 20 ms, waiting like a throttled client when the bucket is short. Answers a function that stops it.
   */
  compete(pointsPerSecond: number): () => void;
  /** Every quantity change applied so far (one per changed row, zero deltas excluded), oldest first. */
  adjustments(): ReadonlyArray<{
    inventoryItemId: string;
    locationId: string;
    delta: number;
    quantityAfterChange: number;
    reason: string;
    referenceDocumentUri: string | null;
    idempotencyKey: string;
  }>;
  /** Stops the server, destroying every open socket (hanging requests included) and bulk timer. */
  close(): Promise<void>;
}

type RequestFault =
  | { readonly kind: 'throttle' }
  | { readonly kind: 'serverError'; readonly status: number }
  | { readonly kind: 'hang' };

const readBody = (request: IncomingMessage, limit: number): Promise<Buffer | undefined> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
    });
    request.on('end', () => resolve(size > limit ? undefined : Buffer.concat(chunks)));
    request.on('error', reject);
  });

const sendJson = (
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void => {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    ...headers,
  });
  response.end(text);
};

const STATUS_TEXT: Readonly<Record<number, string>> = {
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

/** Starts a server on 127.0.0.1 at a free port. */
export const startShopifyAdminServer = async (options: ShopifyAdminServerOptions = {}): Promise<ShopifyAdminServer> => {
  const plan = options.plan ?? SHOPIFY_PLANS.standard;
  const accessToken = options.accessToken ?? 'shpat_oms_test_token';
  const apiVersions = new Set(options.apiVersions ?? ['2026-10']);
  const now = options.now ?? (() => performance.now());
  const shopDomain = 'oms-test.myshopify.com';
  const state = emptyShop(shopDomain);
  if (options.accessScopes !== undefined) state.accessScopes = [...options.accessScopes];
  const schema = buildAdminSchema();
  const bucket = costBucket(plan, now);
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const requestFaults: RequestFault[] = [];
  let dropsLeft = 0;
  let closed = false;
  let baseUrl = '';

  const schedule = (run: () => void, delayMs: number): void => {
    if (closed) return;
    const timer = setTimeout(() => {
      timers.delete(timer);
      if (!closed) run();
    }, delayMs);
    timers.add(timer);
  };
  const environment: EndpointEnvironment = {
    state,
    schema,
    baseUrl: () => baseUrl,
    rowDelayMs: options.bulkRowDelayMs ?? 0,
    schedule,
    bucket,
  };
  const endpoint = graphqlEndpoint(environment);

  // Shopify's 401 body for a missing or wrong token.
  const unauthorized = { errors: '[API] Invalid API key or access token (unrecognized login or wrong password)' };

  const latency = Math.max(0, options.latencyMs ?? 0);
  const delay = (ms: number): Promise<void> =>
    ms <= 0 || closed ? Promise.resolve() : new Promise((resolve) => schedule(resolve, ms));
  const graphql = async (request: IncomingMessage, response: ServerResponse, version: string): Promise<void> => {
    await delay(latency / 2);
    const answer = await answerGraphql(request, version);
    if (answer === undefined) return;
    await delay(latency / 2);
    if (answer === 'drop') {
      request.socket.destroy();
      return;
    }
    sendJson(response, answer.status, answer.body, answer.headers);
  };

  // The answer to a GraphQL request: status, body and headers; `drop` to destroy the socket; undefined: no answer.
  const answerGraphql = async (
    request: IncomingMessage,
    version: string,
  ): Promise<{ status: number; body: unknown; headers?: Record<string, string> } | 'drop' | undefined> => {
    if (request.method !== 'POST') return { status: 405, body: { errors: 'Method Not Allowed' } };
    if (request.headers['x-shopify-access-token'] !== accessToken) return { status: 401, body: unauthorized };
    state.stats.requests += 1;
    const fault = requestFaults.shift();
    if (fault?.kind === 'hang') return undefined; // the socket stays open until the client gives up or the server closes
    const body = await readBody(request, 10 * 1024 * 1024);
    if (fault?.kind === 'serverError')
      return { status: fault.status, body: { errors: STATUS_TEXT[fault.status] ?? 'Server Error' } };
    let parsed: GraphqlRequest | undefined;
    try {
      const json: unknown = JSON.parse(body?.toString('utf8') ?? '');
      const { query, variables, operationName } = (json ?? {}) as {
        query?: unknown;
        variables?: unknown;
        operationName?: unknown;
      };
      if (typeof query === 'string') {
        parsed = {
          query,
          variables: typeof variables === 'object' && variables !== null ? (variables as Record<string, unknown>) : {},
          operationName: typeof operationName === 'string' ? operationName : undefined,
        };
      }
    } catch {
      parsed = undefined;
    }
    // Shopify's answer to a body without a query string (not captured for 2026; this is the long-standing shape).
    if (parsed === undefined)
      return { status: 400, body: { errors: { query: 'Required parameter missing or invalid' } } };
    // A throttle fault on a request that does not parse or validate is used up by it; the request gets its errors.
    const answer: EndpointAnswer = endpoint.handle(parsed, fault?.kind === 'throttle');
    if (answer.mutationExecuted && dropsLeft > 0) {
      dropsLeft -= 1;
      return 'drop';
    }
    return { status: answer.status, body: answer.body, headers: { 'X-Shopify-API-Version': version } };
  };

  const stagedUpload = async (request: IncomingMessage, response: ServerResponse, path: string): Promise<void> => {
    const body = await readBody(request, MAX_UPLOAD_BYTES + 1024 * 1024);
    if (body === undefined) return sendJson(response, 400, { errors: 'EntityTooLarge' });
    if (request.method === 'PUT') {
      const key = decodeURIComponent(path);
      if (!state.uploadKeys.has(key)) return sendJson(response, 403, { errors: 'AccessDenied' });
      state.uploads.set(key, body);
      response.writeHead(200).end();
      return;
    }
    const boundary = multipartBoundary(request.headers['content-type']);
    if (request.method !== 'POST' || boundary === undefined)
      return sendJson(response, 400, { errors: 'Expected a multipart/form-data POST' });
    const form = parseMultipart(body, boundary);
    const key = form.text.get('key');
    const file = form.files.get('file') ?? (form.text.has('file') ? Buffer.from(form.text.get('file')!) : undefined);
    if (key === undefined || !state.uploadKeys.has(key) || file === undefined)
      return sendJson(response, 403, { errors: 'AccessDenied' });
    state.uploads.set(key, file);
    // Google Cloud Storage's answer to a POST with success_action_status=201, which Shopify's target is.
    const xml = `<?xml version='1.0' encoding='UTF-8'?><PostResponse><Location>${baseUrl}/staged-uploads/${key}</Location><Bucket>shopify-staged-uploads</Bucket><Key>${key}</Key></PostResponse>`;
    response.writeHead(201, { 'Content-Type': 'application/xml' }).end(xml);
  };

  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    const api = /^\/admin\/api\/([^/]+)\/graphql\.json$/.exec(path);
    const handled = (async () => {
      if (api !== null) {
        if (!apiVersions.has(api[1]!)) return sendJson(response, 404, { errors: 'Not Found' });
        return graphql(request, response, api[1]!);
      }
      if (path.startsWith('/staged-uploads/'))
        return stagedUpload(request, response, path.slice('/staged-uploads/'.length));
      const result = /^\/bulk-results\/(\d+)\.jsonl$/.exec(path);
      if (result !== null && request.method === 'GET' && state.bulkResults.has(result[1]!)) {
        const jsonl = state.bulkResults.get(result[1]!)!;
        response
          .writeHead(200, { 'Content-Type': 'application/jsonl', 'Content-Length': Buffer.byteLength(jsonl) })
          .end(jsonl);
        return;
      }
      return sendJson(response, 404, { errors: 'Not Found' });
    })();
    handled.catch((error: unknown) => {
      if (!response.headersSent)
        sendJson(response, 500, { errors: error instanceof Error ? error.message : String(error) });
    });
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the Shopify Admin server has no TCP address');
  baseUrl = `http://127.0.0.1:${address.port}`;

  const times = (n: number | undefined): number => Math.max(0, Math.floor(n ?? 1));
  const stats: ServerStats = state.stats;

  return {
    url: baseUrl,
    shopDomain,
    accessToken,
    addLocation: (name) => {
      state.counters.location += 1;
      const id = `gid://shopify/Location/${state.counters.location}`;
      state.locations.set(id, { id, num: state.counters.location, name });
      return id;
    },
    addInventoryItem: ({ sku, tracked = true }) => {
      state.counters.item += 1;
      const id = `gid://shopify/InventoryItem/${state.counters.item}`;
      state.items.set(id, { id, num: state.counters.item, sku, tracked });
      return id;
    },
    stock: (inventoryItemId, locationId, available) => {
      if (!state.items.has(inventoryItemId)) throw new Error(`no inventory item ${inventoryItemId}`);
      if (!state.locations.has(locationId)) throw new Error(`no location ${locationId}`);
      const level = state.levels.get(levelKey(inventoryItemId, locationId));
      if (level === undefined)
        state.levels.set(levelKey(inventoryItemId, locationId), {
          itemId: inventoryItemId,
          locationId,
          available,
          committed: 0,
          updatedAt: isoNow(),
        });
      else level.available = available;
    },
    available: (inventoryItemId, locationId) => state.levels.get(levelKey(inventoryItemId, locationId))?.available,
    sell: (inventoryItemId, locationId, units) => {
      const level = state.levels.get(levelKey(inventoryItemId, locationId));
      if (level === undefined) throw new Error(`${inventoryItemId} is not stocked at ${locationId}`);
      level.available -= units;
      level.committed += units;
    },
    faults: {
      throttle: (n) =>
        requestFaults.push(...Array.from({ length: times(n) }, (): RequestFault => ({ kind: 'throttle' }))),
      serverError: (n, status = 500) =>
        requestFaults.push(...Array.from({ length: times(n) }, (): RequestFault => ({ kind: 'serverError', status }))),
      hang: (n) => requestFaults.push(...Array.from({ length: times(n) }, (): RequestFault => ({ kind: 'hang' }))),
      dropAfterApply: (n) => {
        dropsLeft += times(n);
      },
      userError: (inventoryItemId, code) => {
        state.faults.userErrors.push({ inventoryItemId, code });
      },
      saleDuringRequest: (inventoryItemId, locationId, units) => {
        state.faults.sales.push({ inventoryItemId, locationId, units });
      },
      bulkLimitReached: (n) => {
        state.faults.bulkLimitReached += times(n);
      },
    },
    stats,
    compete: (pointsPerSecond) => {
      let owed = 0;
      let last = now();
      const timer = setInterval(() => {
        const t = now();
        owed += (Math.max(0, t - last) * pointsPerSecond) / 1000;
        last = t;
        // What the bucket cannot give now is throttled and asked again: those points stay owed.
        const points = Math.min(Math.floor(owed), Math.floor(bucket.status().currentlyAvailable));
        if (points > 0 && bucket.take(points)) owed -= points;
      }, 20);
      timers.add(timer);
      return () => {
        clearInterval(timer);
        timers.delete(timer);
      };
    },
    adjustments: (): ReadonlyArray<AdjustmentRecord> => [...state.adjustments],
    close: async () => {
      closed = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      server.closeAllConnections();
      await stopped;
    },
  };
};
