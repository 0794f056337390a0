import { createAdminApiClient } from '@shopify/admin-api-client';
import * as E from 'fp-ts/lib/Either.js';
import type * as TE from 'fp-ts/lib/TaskEither.js';
import type * as t from 'io-ts';
import type { SetQuantity } from '../../application/push-ledger.ts';
import type { ShopifyLocation, ShopifyShop } from '../../application/shopify-shop.ts';
import type {
  SetAvailableRequest,
  SetOutcome,
  SetResult,
  ShopifyError,
  ShopifyInventory,
} from '../../application/shopify-inventory.ts';
import type { ItemQuantity } from '../../domain/index.ts';
import {
  AccessScopesDataCodec,
  AdminAnswerCodec,
  BulkLevelLineCodec,
  BulkMutationStartedCodec,
  BulkQueryStartedCodec,
  BulkResultLineCodec,
  BulkStatusDataCodec,
  BulkVariantLineCodec,
  describeDecodeErrors,
  ItemsBySkuDataCodec,
  levelsDataCodec,
  LocationsDataCodec,
  SetDataCodec,
  StagedUploadDataCodec,
  type GraphqlErrorCodec,
  type UserError,
} from './admin-answers.ts';
import { SHOPIFY_API_VERSION } from './api-version.ts';
import { availableAt, spend, waitBefore, type BucketState } from './leaky-bucket.ts';

/** Shopify's documented maximum size of an input array ("250 for all APIs"), so of one call's quantities. */
export const SHOPIFY_MAX_QUANTITIES_PER_CALL = 250;

/** How long one request may take before it is abandoned and retried, unless configured otherwise. */
export const SHOPIFY_DEFAULT_TIMEOUT_MS = 30_000;

/** How long one request may wait on throttling in total before the run fails, unless configured otherwise. */
export const SHOPIFY_DEFAULT_THROTTLE_WAIT_MS = 600_000;

/** From this many quantities on a set request goes through a bulk mutation, unless configured otherwise. */
export const SHOPIFY_DEFAULT_BULK_THRESHOLD = 50_000;
/**
 * The most quantities one set request sized by `quantitiesAtOnce` holds on the bulk path, unless configured otherwise:
 * a million-line feed goes as several bulk operations, each frozen, sent and settled on its own, so no more than this
 * many quantities are held at once (a bulk operation then sets 50,000 to 100,000 quantities).
 */
export const SHOPIFY_DEFAULT_BULK_BATCH = 50_000;

/** The most calls in flight the `'auto'` setting of `maxInFlight` picks (Enterprise's 2,000 points a second). */
export const SHOPIFY_MAX_AUTO_IN_FLIGHT = 64;

/**
 * Calls of one batch per call in flight: a batch frozen for pipelined calls holds this many calls' worth each (Plus:
 * 160 calls). Twice the calls the pipeline needs to refill the bucket's restore rate: enough in flight to catch up on
 * the points the bucket gathered while the batch before was settled, and batches no longer than that settling needs.
 */
export const SHOPIFY_CALLS_PER_SLOT = 4;

/** Calls in flight for a bucket restoring `restoreRate` points a second, by the `'auto'` rule of `maxInFlight`. */
export const autoInFlight = (restoreRate: number): number =>
  restoreRate <= 100 ? 1 : Math.max(1, Math.min(SHOPIFY_MAX_AUTO_IN_FLIGHT, Math.floor(restoreRate / 25)));

/** Items from which `availableOf` reads by bulk query (`bulkReadThreshold`). */
export const SHOPIFY_DEFAULT_BULK_READ_THRESHOLD = 1_000;

/**
 * SKUs from which `inventoryItemsBySku` reads the shop's variants by one bulk query (`bulkSkuThreshold`): 1,000 SKUs
 * by search are 40 queries of some 52 points, 2,080 points, more than a full Standard bucket holds.
 */
export const SHOPIFY_DEFAULT_BULK_SKU_THRESHOLD = 1_000;

/** How long a bulk operation may wait for a free place before the run fails, unless configured otherwise. */
export const SHOPIFY_DEFAULT_BULK_WAIT_MS = 1_800_000;

/** A wait the adapter makes instead of failing, as it starts (`waitedMs` 0) and as it ends (started or gave up). */
export interface ShopifyWait {
  readonly operation: 'bulkOperationRunQuery' | 'bulkOperationRunMutation';
  readonly code: string;
  readonly message: string;
  readonly phase: 'waiting' | 'started' | 'gave-up';
  readonly waitedMs: number;
  readonly limitMs: number;
}

/** The code of a request whose cost is more than the whole bucket: it can never run as it is, so it is split. */
export const COST_ABOVE_BUCKET = 'COST_ABOVE_BUCKET';

export { SHOPIFY_API_VERSION } from './api-version.ts';

/** A GraphQL error as Shopify returns it. */
export type ShopifyGraphqlError = t.TypeOf<typeof GraphqlErrorCodec>;

/** What the adapter reads of a client response (`@shopify/admin-api-client`'s `ClientResponse`), once decoded. */
export type AdminClientResponse = t.TypeOf<typeof AdminAnswerCodec>;

/**
 * The subset of an Admin GraphQL client the adapter uses; `createAdminApiClient`'s client has it. Its answer is
 * `unknown` on purpose: the adapter decodes whatever comes back, and a client that throws is a lost answer.
 */
export interface AdminGraphqlClient {
  readonly request: (
    operation: string,
    options?: { readonly variables?: Record<string, unknown>; readonly signal?: AbortSignal },
  ) => Promise<unknown>;
}

/** The fetch the adapter sends with: the global one's subset. */
export type FetchApi = (url: string, init?: RequestInit) => Promise<Response>;

/** Options of the Shopify adapter. The access token comes from the environment; it is never logged or reported. */
export interface ShopifyInventoryOptions {
  /** The shop's myshopify domain. */
  readonly shop: string;
  readonly accessToken: string;
  /** Default `SHOPIFY_API_VERSION`. */
  readonly apiVersion?: string;
  /**
   * Where the Admin API is, when not at `https://{shop}` (a local server such as the test kit's): requests keep their
   * path and go to this origin. The client checks the shop domain and forces https; this is its `customFetchApi` seam.
   */
  readonly adminUrl?: string;
  /** A client of one's own (tests, instrumentation); replaces the one built from the options above. */
  readonly client?: AdminGraphqlClient;
  /** The fetch of the built client's GraphQL requests, staged uploads and bulk result files (default: global). */
  readonly fetch?: FetchApi;
  /** Quantities per call, at most (and by default) `SHOPIFY_MAX_QUANTITIES_PER_CALL`. */
  readonly maxQuantitiesPerCall?: number;
  /** A request that has not answered after this long is abandoned and retried (default 30 s). */
  readonly timeoutMs?: number;
  /** Attempts per request on 5xx, network errors, lost or unreadable answers and timeouts (default 8). */
  readonly maxAttempts?: number;
  /**
   * How long one request may wait in total on THROTTLED and HTTP 429 answers before the run fails with
   * `ShopifyThrottled` (default 10 minutes). Throttling never spends `maxAttempts`: another client of the app draining
   * the bucket slows a run, it does not fail it.
   */
  readonly throttleWaitMs?: number;
  /**
   * A set request with at least this many quantities goes through a bulk mutation (staged JSONL file,
   * `bulkOperationRunMutation`) instead of calls of 250: bulk work does not spend the bucket. Default 50,000: what a
   * full Standard bucket (2,000 points, 10 a call) absorbs at once; below it, calls finish as soon.
   */
  readonly bulkThreshold?: number;
  /**
   * On the bulk path, `quantitiesAtOnce` answers at most this many quantities (default 50,000), the rest going in
   * further bulk operations: what one request holds in memory. A remainder smaller than `bulkThreshold` joins the
   * last one rather than go by calls.
   */
  readonly bulkBatch?: number;
  /**
   * `availableOf` of at least this many items reads the location by one bulk query (no bucket) instead of aliased
   * queries (3 points an item): the re-read of a window raced or resent after a crash. Default 1,000: 3,000 points,
   * more than a full Standard bucket, where the aliased queries start waiting on the restore rate.
   */
  readonly bulkReadThreshold?: number;
  /**
   * `inventoryItemsBySku` of at least this many SKUs reads every variant's SKU and inventory item by one bulk query
   * (`productVariants`, no bucket) and keeps the SKUs asked about, instead of search queries of 25 SKUs (some 52
   * points each): a first mapping of 100,000 products is one bulk operation, not 4,000 queries. Default 1,000.
   */
  readonly bulkSkuThreshold?: number;
  /**
   * Calls in flight at once on the call path: `'auto'` (the default) sends one at a time on a bucket restoring 100
   * points a second or less (Standard: a call's round trip is shorter than its refill), else one per 25 points a second
   * of restore rate, at most 64 (Advanced 8, Plus 40, Enterprise 64), so that a Plus shop with 150 ms of latency
   * still spends its bucket as fast as it refills. Every call is paced by the bucket before it is sent; the outcomes
   * come back in the order of the quantities. A number sets it (1: one call at a time).
   */
  readonly maxInFlight?: number | 'auto';
  /** Polling interval of a bulk operation, and of a wait for a free one (default 1 s). */
  readonly bulkPollMs?: number;
  /**
   * How long a bulk operation may wait to start while Shopify answers `LIMIT_REACHED` (the shop's concurrent bulk
   * operations) or `OPERATION_IN_PROGRESS` (another bulk query of the app running) before the run fails, retriable
   * (default 30 minutes).
   */
  readonly bulkWaitMs?: number;
  /** Told when the adapter starts waiting for a free bulk operation and when that wait ends: for the log. */
  readonly onWait?: (wait: ShopifyWait) => void;
  /** Clock and sleep, for tests; default the real ones. */
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
}

/** The Shopify adapter: the `ShopifyInventory` and `ShopifyShop` ports, and what it has spent (for reports and benchmarks). */
export interface ShopifyInventoryAdapter extends ShopifyInventory, ShopifyShop {
  /** Quantities one `inventorySetQuantities` call carries: the configured maximum, capped at Shopify's 250. */
  readonly maxQuantitiesPerCall: number;
  readonly stats: () => {
    readonly requests: number;
    /** Of `requests`, the inventorySetQuantities ones (each attempt and resend). */
    readonly setRequests: number;
    readonly throttled: number;
    readonly retries: number;
    readonly waitedMs: number;
    /** Of `waitedMs`, the waits on THROTTLED and HTTP 429 answers. */
    readonly throttleWaitedMs: number;
    readonly pointsRequested: number;
  };
  /** The bucket as Shopify last reported it (null before the first answer). */
  readonly bucket: () => BucketState | null;
}

const SET_AVAILABLE = `mutation SetAvailable($input: InventorySetQuantitiesInput!, $key: String!) {
  inventorySetQuantities(input: $input) @idempotent(key: $key) {
    userErrors { field message code }
  }
}`;

const LEVELS_OF = (count: number): string =>
  `query LevelsOf($locationId: ID!, ${Array.from({ length: count }, (_, i) => `$i${i}: ID!`).join(', ')}) {\n${Array.from(
    { length: count },
    (_, i) =>
      `  i${i}: inventoryItem(id: $i${i}) { id inventoryLevel(locationId: $locationId) { quantities(names: ["available"]) { name quantity } } }`,
  ).join('\n')}\n}`;

// A bulk query's start, named for what it reads (`BulkLevels`, `BulkSkus`) so that requests can be told apart.
const BULK_QUERY = (name: string): string => `mutation ${name}($query: String!) {
  bulkOperationRunQuery(query: $query) { bulkOperation { id status } userErrors { field message code } }
}`;

const BULK_LEVELS = BULK_QUERY('BulkLevels');

const BULK_SKUS = BULK_QUERY('BulkSkus');

// Every variant with its SKU and its inventory item: one JSONL line per variant (the item is an object, not a
// connection, so it stays on its variant's line).
const BULK_VARIANTS_QUERY = '{ productVariants { edges { node { id sku inventoryItem { id } } } } }';

// Every item with its level at the one location (a bulk query takes no variables: the id is written in, quoted).
const BULK_LEVELS_QUERY = (locationId: string): string =>
  `{ inventoryItems { edges { node { id inventoryLevel(locationId: ${JSON.stringify(locationId)}) { quantities(names: ["available"]) { name quantity } } } } } }`;

const BULK_STATUS = `query BulkStatus($id: ID!) { bulkOperation(id: $id) { id status errorCode objectCount url partialDataUrl } }`;

const STAGED_UPLOAD = `mutation StageVariables($input: [StagedUploadInput!]!) {
  stagedUploadsCreate(input: $input) { stagedTargets { url parameters { name value } } userErrors { field message } }
}`;

const BULK_SET = `mutation BulkSet($mutation: String!, $stagedUploadPath: String!) {
  bulkOperationRunMutation(mutation: $mutation, stagedUploadPath: $stagedUploadPath) { bulkOperation { id status } userErrors { field message code } }
}`;

/** Shopify's limit on a bulk mutation's variables file: 100 MB. A run stays under it with room to spare. */
const BULK_FILE_BYTES = 90 * 1024 * 1024;

const ITEMS_BY_SKU = `query ItemsBySku($first: Int!, $query: String!, $after: String) {
  inventoryItems(first: $first, query: $query, after: $after) { nodes { id sku } pageInfo { hasNextPage endCursor } }
}`;

const LOCATIONS = `query ShopLocations($first: Int!, $after: String) {
  locations(first: $first, after: $after, includeInactive: true) { nodes { id name isActive fulfillsOnlineOrders } pageInfo { hasNextPage endCursor } }
}`;

const ACCESS_SCOPES = `query AccessScopes { currentAppInstallation { accessScopes { handle } } }`;

// Per-request point estimates until Shopify has told the real ones: a mutation is 10, and a query of N aliased items
// about 3 per item; the requested cost of each answered operation replaces the estimate.
const DEFAULT_COST = { set: 10, levels: 3, bulk: 10, status: 1, sku: 52, locations: 52, scopes: 2 };

/** Items per aliased level query: 3 points each keeps a query far below Shopify's 1000-point ceiling. */
const LEVEL_QUERY_ITEMS = 100;
/** SKUs per search query (`sku:'a' OR sku:'b' …`). */
const SKUS_PER_QUERY = 25;

type Attempt<A> =
  | { readonly done: A }
  | { readonly retry: true; readonly waitMs: number; readonly reason: string }
  /** THROTTLED (with the points asked) or HTTP 429 (with its Retry-After): waited out, never a retry of the budget. */
  | { readonly throttled: true; readonly requested: number | null; readonly retryAfterMs: number }
  | { readonly fail: ShopifyError };

type Outcome<A> = Promise<E.Either<ShopifyError, A>>;

type SkuPage = t.TypeOf<typeof ItemsBySkuDataCodec>['inventoryItems'];
type LevelsData = t.TypeOf<ReturnType<typeof levelsDataCodec>>;

// A request Shopify can never run as it is, however long one waits: it costs more than the bucket or the ceiling.
const tooLarge = (result: E.Either<ShopifyError, unknown>): boolean =>
  E.isLeft(result) &&
  result.left._tag === 'ShopifyRejected' &&
  (result.left.code === COST_ABOVE_BUCKET || result.left.code === 'MAX_COST_EXCEEDED');

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

const invalid = (reason: string, retriable: boolean): ShopifyError => ({
  _tag: 'ShopifyAnswerInvalid',
  reason,
  retriable,
});

const rejected = (reason: string, code: string | null = null): ShopifyError => ({
  _tag: 'ShopifyRejected',
  reason,
  code,
  retriable: false,
});

// Shopify's search syntax takes a value in single or double quotes: a SKU goes in the quotes it does not contain
// ("Men's Tee" in double quotes), so the common apostrophe needs no escape inside a quoted value; only a SKU with both
// kinds of quote falls back to backslash escapes.
const quote = (sku: string): string => {
  const escaped = sku.replace(/\\/g, '\\\\');
  return sku.includes("'") && !sku.includes('"') ? `"${escaped}"` : `'${escaped.replace(/'/g, "\\'")}'`;
};

// Shopify ids in the order of their numbers (`gid://shopify/InventoryItem/9` before `…/10`): a search's default sort.
const byIdNumber = (a: string, b: string): number => {
  const number = (id: string) => Number(/\/(\d+)$/.exec(id)?.[1] ?? Number.NaN);
  const d = number(a) - number(b);
  return Number.isNaN(d) ? (a < b ? -1 : a > b ? 1 : 0) : d;
};

// A short, stable fingerprint of the indexes a resend leaves out, so its idempotency key differs from the original's
// and is the same every time the same answer leads to the same resend (FNV-1a, 32 bits).
const fingerprint = (indexes: ReadonlyArray<number>): string => {
  let h = 0x811c9dc5;
  for (const c of indexes.join(',')) h = Math.imul(h ^ c.charCodeAt(0), 0x01000193) >>> 0;
  return h.toString(36);
};

// The Retry-After of a 429 answer, in seconds (1 when absent or unreadable); the response is the client's, undecoded.
const retryAfterSeconds = (response: unknown): number => {
  try {
    const headers = (response as { readonly headers?: { get?: (name: string) => unknown } } | null)?.headers;
    const seconds = Number(headers?.get?.('Retry-After') ?? '1');
    return Number.isFinite(seconds) ? seconds : 1;
  } catch {
    return 1;
  }
};

/**
 * A request too large for one call as the calls (or bulk lines) that carry it: consecutive groups of at most `max`
 * quantities, the n-th under the key `<key>#n`. The call path and the bulk path split alike, so a request frozen for
 * one can be resent on the other under the same keys.
 */
const keyedGroups = (request: SetAvailableRequest, max: number): ReadonlyArray<SetAvailableRequest> => {
  const groups: SetAvailableRequest[] = [];
  for (let start = 0, n = 0; start < request.quantities.length; start += max, n++) {
    groups.push({
      ...request,
      idempotencyKey: `${request.idempotencyKey}#${n}`,
      quantities: request.quantities.slice(start, start + max),
    });
  }
  return groups;
};

/** The lines of a body as it arrives, decoded as UTF-8: a file is never held whole as one string. */
export async function* linesOf(body: AsyncIterable<Uint8Array> | null): AsyncGenerator<string> {
  if (body === null) return;
  const decoder = new TextDecoder();
  let rest = '';
  for await (const chunk of body) {
    rest += decoder.decode(chunk, { stream: true });
    let start = 0;
    for (let newline = rest.indexOf('\n'); newline !== -1; newline = rest.indexOf('\n', start)) {
      yield rest.slice(start, newline);
      start = newline + 1;
    }
    rest = rest.slice(start);
  }
  rest += decoder.decode();
  if (rest !== '') yield rest;
}

/**
 * Decodes every line of a bulk operation's JSONL result (`what line N`, counted from 1) as it is read and hands each
 * to `each`, which may stop with an error. A line that is not JSON is a file damaged on the way (retriable: the
 * operation can run again); a JSON line of another shape is not what the API version promises (not retriable).
 */
const eachJsonLine = async <A>(
  rows: AsyncIterable<string>,
  what: string,
  codec: t.Type<A, unknown>,
  each: (row: A, line: number) => ShopifyError | undefined,
): Promise<ShopifyError | undefined> => {
  let line = 0;
  for await (const row of rows) {
    line++;
    if (row.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(row);
    } catch (error) {
      return invalid(`${what} line ${line}: not JSON (${messageOf(error)})`, true);
    }
    // The guard first: a read holds a line per item and per level, and `decode` builds a context for every field it
    // checks; only a line the guard refuses is decoded, for the report.
    if (!codec.is(value)) {
      const decoded = codec.decode(value);
      const problem = E.isLeft(decoded) ? describeDecodeErrors(decoded.left, '') : 'not of the expected shape';
      return invalid(`${what} line ${line}: ${problem}`, false);
    }
    const stop = each(value, line);
    if (stop !== undefined) return stop;
  }
  return undefined;
};

// The last line of defence: an exception anywhere in a task (a defect, an injected clock, sleep or fetch that throws)
// becomes a retriable error rather than a rejected promise; whatever the adapter sends may be sent again (same keys,
// `changeFromQuantity` on every quantity).
const total =
  <A>(operation: string, task: () => Outcome<A>): TE.TaskEither<ShopifyError, A> =>
  async () => {
    try {
      return await task();
    } catch (cause) {
      return E.left({
        _tag: 'ShopifyUnavailable',
        reason: `${operation}: ${messageOf(cause)}`,
        retriable: true,
        cause,
      });
    }
  };

/**
 * The Shopify port on the Admin GraphQL API. Paces every request from the `throttleStatus` Shopify returns so that
 * it is not throttled, waits out THROTTLED and HTTP 429 answers, and retries 5xx answers, timeouts, network errors and
 * answers lost or cut short with the same payload and idempotency key. Every answer is decoded (`admin-answers.ts`)
 * before it is used; one of another shape is a `ShopifyAnswerInvalid`, and no task ever rejects.
 * `inventorySetQuantities` validates a call as a whole and applies nothing when any quantity is refused; the adapter
 * reports each refused quantity on its own and sends the others again (under a key derived from the original one), so
 * one bad item never blocks the rest. A set request goes by calls of `maxQuantitiesPerCall`, or from `bulkThreshold`
 * quantities on through a bulk mutation.
 */
export const shopifyInventory = (options: ShopifyInventoryOptions): ShopifyInventoryAdapter => {
  const now = options.now ?? (() => performance.now());
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const fetchApi: FetchApi = options.fetch ?? ((url, init) => fetch(url, init));
  const timeoutMs = options.timeoutMs ?? SHOPIFY_DEFAULT_TIMEOUT_MS;
  const maxAttempts = options.maxAttempts ?? 8;
  const throttleWaitMs = options.throttleWaitMs ?? SHOPIFY_DEFAULT_THROTTLE_WAIT_MS;
  const bulkPollMs = options.bulkPollMs ?? 1000;
  const bulkWaitMs = options.bulkWaitMs ?? SHOPIFY_DEFAULT_BULK_WAIT_MS;
  const onWait = options.onWait ?? (() => undefined);
  const bulkThreshold = options.bulkThreshold ?? SHOPIFY_DEFAULT_BULK_THRESHOLD;
  const bulkReadThreshold = options.bulkReadThreshold ?? SHOPIFY_DEFAULT_BULK_READ_THRESHOLD;
  const bulkSkuThreshold = options.bulkSkuThreshold ?? SHOPIFY_DEFAULT_BULK_SKU_THRESHOLD;
  const bulkBatch = Math.max(1, options.bulkBatch ?? SHOPIFY_DEFAULT_BULK_BATCH);
  const maxInFlight = options.maxInFlight ?? 'auto';
  const maxQuantities = Math.max(
    1,
    Math.min(options.maxQuantitiesPerCall ?? SHOPIFY_MAX_QUANTITIES_PER_CALL, SHOPIFY_MAX_QUANTITIES_PER_CALL),
  );
  const adminUrl = options.adminUrl;
  const client: AdminGraphqlClient =
    options.client ??
    createAdminApiClient({
      storeDomain: options.shop,
      apiVersion: options.apiVersion ?? SHOPIFY_API_VERSION,
      accessToken: options.accessToken,
      retries: 0, // ours: the client's retry never reads THROTTLED and would not keep the bucket in view
      customFetchApi: (url, init) => {
        if (adminUrl === undefined) return fetchApi(url, init);
        const target = new URL(url);
        return fetchApi(new URL(`${target.pathname}${target.search}`, adminUrl).href, init);
      },
    });

  let bucket: BucketState | null = null;
  // Points of requests sent and not answered yet: an answer's throttleStatus does not count the requests sent after
  // it, so they are taken off what it reports (the bucket is seen no fuller than it may be).
  let unanswered = 0;
  // Requests are numbered as they are sent; the bucket is taken only from the answer of a request sent after the one
  // it was last taken from. An answer overtaken by a later request's (answers come back out of order when several are
  // in flight) reports the bucket before that later request was charged, which is no longer in flight to be taken off:
  // taken, it would show the bucket fuller than it is, and the next request would be sent early and THROTTLED.
  let sentRequests = 0;
  let reportedBy = 0;
  // Requests take their turn to be paced, one after another: each waits for the bucket to hold its cost, spends it,
  // and lets the next one look; a request in flight never holds up the pacing of the next. Resolves to the request's
  // number.
  let pacing: Promise<unknown> = Promise.resolve();
  const paced = (cost: number): Promise<number> => {
    const turn = pacing.then(async () => {
      await pause(waitBefore(bucket, cost, now()));
      bucket = spend(bucket, cost, now());
      unanswered += cost;
      sentRequests += 1;
      return sentRequests;
    });
    pacing = turn.catch(() => undefined);
    return turn;
  };
  // Calls in flight at once now, by the setting and the bucket seen (one until the first answer shows it).
  const inFlight = (): number =>
    typeof maxInFlight === 'number'
      ? Math.max(1, Math.floor(maxInFlight))
      : bucket === null
        ? 1
        : autoInFlight(bucket.status.restoreRate);
  const costs = new Map<string, number>(Object.entries(DEFAULT_COST));
  const stats = {
    requests: 0,
    setRequests: 0,
    throttled: 0,
    retries: 0,
    waitedMs: 0,
    throttleWaitedMs: 0,
    pointsRequested: 0,
  };
  const pause = async (ms: number): Promise<void> => {
    if (ms <= 0) return;
    stats.waitedMs += ms;
    await sleep(ms);
  };

  // How long a THROTTLED request waits before it goes again: until the bucket holds what it asks, at the rate the
  // bucket is seen to refill. The first wait assumes the plan's restore rate; once throttled again, the rate observed
  // between the two answers counts (another client of the app spending part of it), floored at 5% of the plan's.
  const throttleWait = (requested: number, previous: BucketState | null): number => {
    if (bucket === null) return 1_000;
    const { restoreRate, maximumAvailable } = bucket.status;
    const shortfall = Math.min(requested, maximumAvailable) - availableAt(bucket, now());
    let rate = restoreRate;
    // A full bucket shows no refill at all: only a bucket below its size tells the rate it refills at.
    if (previous !== null && bucket.at > previous.at && bucket.status.currentlyAvailable < maximumAvailable) {
      const seen =
        ((bucket.status.currentlyAvailable - availableAt(previous, previous.at)) * 1000) / (bucket.at - previous.at);
      rate = Math.min(restoreRate, Math.max(restoreRate * 0.05, seen));
    }
    // A THROTTLED answer with the points seemingly there: wait for one point's refill rather than spin.
    return Math.ceil((Math.max(1, shortfall) / rate) * 1000) + 5;
  };

  // One GraphQL operation, paced and retried: its data decoded with `codec`, then read by `interpret`. Errors spend
  // the `maxAttempts` budget; throttling waits instead, up to `throttleWaitMs` in all.
  const call = async <D, A>(
    kind: string,
    cost: number,
    operation: string,
    variables: Record<string, unknown>,
    codec: t.Decoder<unknown, D>,
    interpret: (data: D) => E.Either<ShopifyError, A>,
  ): Outcome<A> => {
    let throttledMs = 0;
    let lastThrottled: BucketState | null = null;
    for (let attempt = 1; ; ) {
      const order = await paced(cost);
      stats.requests++;
      if (kind === 'set') stats.setRequests++;
      stats.pointsRequested += cost;
      const outcome = await once(kind, cost, order, operation, variables, codec, interpret).finally(() => {
        unanswered -= cost;
      });
      if ('done' in outcome) return E.right(outcome.done);
      if ('fail' in outcome) return E.left(outcome.fail);
      if ('throttled' in outcome) {
        // A throttled request is not run and costs nothing.
        stats.pointsRequested -= cost;
        const wait = outcome.requested === null ? outcome.retryAfterMs : throttleWait(outcome.requested, lastThrottled);
        lastThrottled = bucket;
        if (throttledMs + wait > throttleWaitMs)
          return E.left({ _tag: 'ShopifyThrottled', retryAfterMs: wait, retriable: true });
        throttledMs += wait;
        stats.throttleWaitedMs += wait;
        await pause(wait);
        continue;
      }
      if (attempt >= maxAttempts) {
        return E.left({
          _tag: 'ShopifyUnavailable',
          reason: `${kind}: ${outcome.reason} (after ${attempt} attempts)`,
          retriable: true,
        });
      }
      attempt++;
      stats.retries++;
      // Exponential backoff for errors (250 ms doubling, at most 30 s).
      await pause(Math.max(outcome.waitMs, Math.min(30_000, 250 * 2 ** (attempt - 2))));
    }
  };

  const once = async <D, A>(
    kind: string,
    sent: number,
    order: number,
    operation: string,
    variables: Record<string, unknown>,
    codec: t.Decoder<unknown, D>,
    interpret: (data: D) => E.Either<ShopifyError, A>,
  ): Promise<Attempt<A>> => {
    let answer: unknown;
    try {
      answer = await client.request(operation, { variables, signal: AbortSignal.timeout(timeoutMs) });
    } catch (error) {
      return { retry: true, waitMs: 0, reason: messageOf(error) };
    }
    const decoded = AdminAnswerCodec.decode(answer);
    if (E.isLeft(decoded)) return { fail: invalid(`${kind}: ${describeDecodeErrors(decoded.left, 'answer')}`, false) };
    const response = decoded.right;
    const cost = response.extensions?.cost;
    if (cost?.throttleStatus !== undefined && order > reportedBy) {
      reportedBy = order;
      // The requests in flight besides this one were spent after Shopify reported: they are not in its figure.
      const others = Math.max(0, unanswered - sent);
      bucket = {
        status: { ...cost.throttleStatus, currentlyAvailable: cost.throttleStatus.currentlyAvailable - others },
        at: now(),
      };
    }
    if (typeof cost?.requestedQueryCost === 'number' && cost.requestedQueryCost > 0)
      costs.set(kind, cost.requestedQueryCost);
    const graphql = response.errors?.graphQLErrors ?? [];
    const status = response.errors?.networkStatusCode;
    if (graphql.some((e) => e.extensions?.code === 'THROTTLED')) {
      stats.throttled++;
      const requested = cost?.requestedQueryCost ?? costs.get(kind) ?? 10;
      // More than the whole bucket: no wait will ever let it run; the caller splits it.
      if (bucket !== null && requested > bucket.status.maximumAvailable)
        return {
          fail: rejected(
            `${kind}: the request costs ${requested} points, more than the whole bucket (${bucket.status.maximumAvailable})`,
            COST_ABOVE_BUCKET,
          ),
        };
      return { throttled: true, requested, retryAfterMs: 0 };
    }
    if (status === 429) {
      stats.throttled++;
      return { throttled: true, requested: null, retryAfterMs: retryAfterSeconds(response.errors?.response) * 1000 };
    }
    if (status === 401 || status === 403)
      return {
        fail: { _tag: 'ShopifyUnauthorized', reason: `HTTP ${status}: the access token was refused`, retriable: false },
      };
    if (status !== undefined && status >= 500) return { retry: true, waitMs: 0, reason: `HTTP ${status}` };
    if (status !== undefined && (status < 200 || status > 299)) return { fail: rejected(`${kind}: HTTP ${status}`) };
    // A success the client could not read (a body cut short, not JSON, neither data nor errors): lost on the way.
    if (response.errors !== undefined && graphql.length === 0)
      return { retry: true, waitMs: 0, reason: `unreadable answer: ${response.errors.message ?? 'no message'}` };
    const internal = graphql.find((e) => e.extensions?.code === 'INTERNAL_SERVER_ERROR');
    if (internal !== undefined) return { retry: true, waitMs: 0, reason: internal.message };
    if (graphql.length > 0) {
      const e = graphql[0]!;
      return { fail: rejected(`${kind}: ${e.message}`, e.extensions?.code ?? null) };
    }
    if (response.data === undefined || response.data === null)
      return { retry: true, waitMs: 0, reason: 'an answer with neither data nor errors' };
    const data = codec.decode(response.data);
    if (E.isLeft(data)) return { fail: invalid(`${kind}: ${describeDecodeErrors(data.left, 'data')}`, false) };
    const result = interpret(data.right);
    if (E.isRight(result)) return { done: result.right };
    // Shopify's "this key is being processed" answer: the same request, later.
    if (result.left._tag === 'ShopifyRejected' && result.left.code === 'IDEMPOTENCY_CONCURRENT_REQUEST')
      return { retry: true, waitMs: 1000, reason: 'idempotent request in progress' };
    return { fail: result.left };
  };

  // Sends quantities under a key; refused quantities become outcomes and the rest go again under a derived key.
  const setRound = async (
    request: SetAvailableRequest,
    key: string,
    quantities: ReadonlyArray<SetQuantity>,
  ): Outcome<ReadonlyArray<SetOutcome>> => {
    const input = {
      name: 'available',
      reason: request.reason,
      referenceDocumentUri: request.referenceDocumentUri,
      quantities: quantities.map((q) => ({
        inventoryItemId: q.inventoryItemId,
        locationId: q.locationId,
        quantity: q.quantity,
        changeFromQuantity: q.changeFromQuantity,
      })),
    };
    const answered = await call('set', costs.get('set')!, SET_AVAILABLE, { input, key }, SetDataCodec, (data) => {
      const errors = data.inventorySetQuantities.userErrors;
      const busy = errors.find((e) => e.code === 'IDEMPOTENCY_CONCURRENT_REQUEST');
      return busy === undefined ? E.right(errors) : E.left(rejected(busy.message, busy.code ?? null));
    });
    if (answered._tag === 'Left') return answered;
    return settleAnswer(request, key, quantities, answered.right);
  };

  // What Shopify's userErrors for one call mean per quantity: a refused quantity is an outcome of its own, and the
  // others (which the atomic call did not apply) go again under a key derived from this one and the refused indexes.
  const settleAnswer = async (
    request: SetAvailableRequest,
    key: string,
    quantities: ReadonlyArray<SetQuantity>,
    errors: ReadonlyArray<UserError>,
  ): Outcome<ReadonlyArray<SetOutcome>> => {
    if (errors.length === 0) return E.right(quantities.map((quantity) => ({ status: 'applied', quantity })));
    const refused = new Map<number, UserError>();
    for (const e of errors) {
      const field = e.field ?? [];
      const index = field[0] === 'input' && field[1] === 'quantities' ? Number(field[2]) : Number.NaN;
      if (Number.isInteger(index) && index >= 0 && index < quantities.length) {
        if (!refused.has(index)) refused.set(index, e);
      } else if (e.code === 'IDEMPOTENCY_PREVIOUS_ATTEMPT_FAILED' && !key.endsWith('/again')) {
        // Shopify asks for a new key after a failed attempt: one derived from the old, so a rerun derives the same.
        return setRound(request, `${key}/again`, quantities);
      } else {
        // An error about the call as a whole (reason, name, idempotency): no quantity can go.
        return E.left(rejected(`inventorySetQuantities: ${e.message}`, e.code ?? null));
      }
    }
    const outcomes = new Map<number, SetOutcome>();
    for (const [index, e] of refused) {
      const quantity = quantities[index]!;
      outcomes.set(
        index,
        e.code === 'CHANGE_FROM_QUANTITY_STALE'
          ? { status: 'stale', quantity }
          : { status: 'failed', quantity, code: e.code ?? 'UNKNOWN', message: e.message },
      );
    }
    const rest = quantities.map((q, i) => ({ q, i })).filter(({ i }) => !refused.has(i));
    if (rest.length > 0) {
      const again = await setRound(
        request,
        `${key}/${fingerprint([...refused.keys()].sort((a, b) => a - b))}`,
        rest.map(({ q }) => q),
      );
      if (again._tag === 'Left') return again;
      again.right.forEach((o, j) => {
        outcomes.set(rest[j]!.i, o);
      });
    }
    return E.right(quantities.map((_, i) => outcomes.get(i)!));
  };

  // Points one item of an aliased level query costs, as Shopify last priced it.
  let levelItemCost = DEFAULT_COST.levels;
  // Aliased queries of at most LEVEL_QUERY_ITEMS items, and never more than the bucket holds: a query the bucket
  // cannot hold (or above Shopify's single-query ceiling) is split in halves, never retried as it is.
  const levelsOf = async (locationId: string, ids: ReadonlyArray<string>): Outcome<ReadonlyArray<ItemQuantity>> => {
    const found: ItemQuantity[] = [];
    for (let start = 0; start < ids.length; ) {
      const fits = bucket === null ? LEVEL_QUERY_ITEMS : Math.floor(bucket.status.maximumAvailable / levelItemCost);
      let size = Math.max(1, Math.min(LEVEL_QUERY_ITEMS, fits, ids.length - start));
      let answered: E.Either<ShopifyError, LevelsData>;
      let chunk: ReadonlyArray<string>;
      for (;;) {
        chunk = ids.slice(start, start + size);
        const variables: Record<string, unknown> = { locationId };
        chunk.forEach((id, i) => {
          variables[`i${i}`] = id;
        });
        answered = await call(
          'levels',
          levelItemCost * chunk.length,
          LEVELS_OF(chunk.length),
          variables,
          levelsDataCodec(chunk.length),
          (data) => E.right(data),
        );
        if (!tooLarge(answered) || size === 1) break;
        size = Math.ceil(size / 2);
      }
      if (answered._tag === 'Left') return answered;
      levelItemCost = Math.max(1, costs.get('levels')! / chunk.length);
      const data = answered.right;
      chunk.forEach((id, i) => {
        const available = data[`i${i}`]?.inventoryLevel?.quantities.find((q) => q.name === 'available');
        if (available !== undefined) found.push({ inventoryItemId: id, locationId, quantity: available.quantity });
      });
      start += chunk.length;
    }
    return E.right(found);
  };

  // Starts a bulk operation (`bulkOperationRunQuery`/`bulkOperationRunMutation`) and answers its id. While Shopify
  // says the shop has no free place (`LIMIT_REACHED`) or another bulk query of the app runs (`OPERATION_IN_PROGRESS`),
  // it waits and asks again, up to `bulkWaitMs`, telling `onWait` when the wait starts and ends.
  const startBulk = async <D>(
    field: ShopifyWait['operation'],
    operation: string,
    variables: Record<string, unknown>,
    codec: t.Decoder<unknown, D>,
    payloadOf: (data: D) => {
      readonly bulkOperation: { readonly id: string } | null;
      readonly userErrors: ReadonlyArray<UserError>;
    },
  ): Outcome<string> => {
    const startedAt = now();
    let waiting: { code: string; message: string } | null = null;
    for (;;) {
      const started = await call('bulk', costs.get('bulk')!, operation, variables, codec, (data) => {
        const payload = payloadOf(data);
        const e = payload.userErrors[0];
        return payload.bulkOperation === null
          ? E.left(rejected(`${field}: ${e?.message ?? 'no operation started'}`, e?.code ?? null))
          : E.right(payload.bulkOperation.id);
      });
      const busy =
        E.isLeft(started) &&
        started.left._tag === 'ShopifyRejected' &&
        (started.left.code === 'LIMIT_REACHED' || started.left.code === 'OPERATION_IN_PROGRESS');
      const waitedMs = Math.round(now() - startedAt);
      const wait = (phase: ShopifyWait['phase'], w: { code: string; message: string }) =>
        onWait({ operation: field, ...w, phase, waitedMs, limitMs: bulkWaitMs });
      if (!busy) {
        if (waiting !== null) wait('started', waiting);
        return started;
      }
      const reason = started.left as { readonly reason: string; readonly code: string };
      if (waiting === null) {
        waiting = { code: reason.code, message: reason.reason };
        wait('waiting', waiting);
      }
      if (waitedMs + bulkPollMs > bulkWaitMs) {
        wait('gave-up', waiting);
        return E.left({
          _tag: 'ShopifyUnavailable',
          reason: `${reason.reason} (waited ${waitedMs} ms for a free bulk operation, the most bulkWaitMs allows)`,
          retriable: true,
        });
      }
      await pause(bulkPollMs);
    }
  };

  // A bulk query: it runs on Shopify's side without spending the bucket, however large the catalogue. Started (with
  // the waits of `startBulk`), polled to completion, and its result file handed to `each` line by line as it downloads.
  const bulkQuery = async <A>(
    operation: string,
    query: string,
    what: string,
    codec: t.Type<A, unknown>,
    each: (row: A, line: number) => ShopifyError | undefined,
  ): Outcome<void> => {
    const started = await startBulk(
      'bulkOperationRunQuery',
      operation,
      { query },
      BulkQueryStartedCodec,
      (data) => data.bulkOperationRunQuery,
    );
    if (started._tag === 'Left') return started;
    const url = await awaitBulk(started.right);
    if (url._tag === 'Left') return url;
    const bad = await eachResultLine(url.right, what, codec, each);
    return bad === undefined ? E.right(undefined) : E.left(bad);
  };

  // `wanted`: the items kept as the result streams by (all of them without it), so that reading a few items' levels
  // holds those only, however large the location.
  const availableAtLocation = async (
    locationId: string,
    wanted?: ReadonlySet<string>,
  ): Outcome<ReadonlyArray<ItemQuantity>> => {
    const levels: ItemQuantity[] = [];
    const read = await bulkQuery(BULK_LEVELS, BULK_LEVELS_QUERY(locationId), 'bulk read', BulkLevelLineCodec, (row) => {
      if (wanted !== undefined && !wanted.has(row.id)) return undefined;
      const available = row.inventoryLevel?.quantities.find((q) => q.name === 'available');
      if (available !== undefined) levels.push({ inventoryItemId: row.id, locationId, quantity: available.quantity });
      return undefined;
    });
    return E.map(() => levels)(read);
  };

  // The levels of these items: by aliased queries (3 points an item) below `bulkReadThreshold` items, else the bulk
  // read of the location (no bucket), kept to these items. A rerun after a crash mid bulk push re-reads a whole window.
  const availableOf = async (locationId: string, ids: ReadonlyArray<string>): Outcome<ReadonlyArray<ItemQuantity>> => {
    if (ids.length < bulkReadThreshold) return levelsOf(locationId, ids);
    return availableAtLocation(locationId, new Set(ids));
  };

  const findsSkusInBulk = (count: number): boolean => count > 0 && count >= bulkSkuThreshold;

  // The items of these SKUs: by search queries below `bulkSkuThreshold` SKUs, else one bulk read of every variant.
  const inventoryItemsBySku = (skus: ReadonlyArray<string>): Outcome<ReadonlyMap<string, string[]>> =>
    findsSkusInBulk(skus.length) ? skusInBulk(skus) : searchSkus(skus);

  // Every variant's SKU and inventory item by one bulk query, matched here against the SKUs asked about: only their
  // items are kept (the map holds the SKUs asked, never the catalogue). A SKU of several items lists them by id, as
  // the search does (its default sort), so both paths answer alike.
  const skusInBulk = async (skus: ReadonlyArray<string>): Outcome<ReadonlyMap<string, string[]>> => {
    const found = new Map<string, string[]>(skus.map((s) => [s, []]));
    const read = await bulkQuery(BULK_SKUS, BULK_VARIANTS_QUERY, 'bulk SKU read', BulkVariantLineCodec, (row) => {
      // Only an exact SKU counts, as on the search path.
      if (row.sku !== null) found.get(row.sku)?.push(row.inventoryItem.id);
      return undefined;
    });
    if (read._tag === 'Left') return read;
    for (const ids of found.values()) if (ids.length > 1) ids.sort(byIdNumber);
    return E.right(found);
  };

  const searchSkus = async (skus: ReadonlyArray<string>): Outcome<ReadonlyMap<string, string[]>> => {
    const found = new Map<string, string[]>(skus.map((s) => [s, []]));
    for (let start = 0; start < skus.length; start += SKUS_PER_QUERY) {
      const query = skus
        .slice(start, start + SKUS_PER_QUERY)
        .map((s) => `sku:${quote(s)}`)
        .join(' OR ');
      let after: string | null = null;
      // A page costs about its size in points: on a bucket smaller than that, pages get smaller.
      let first = 50;
      for (;;) {
        const answered: E.Either<ShopifyError, SkuPage> = await call(
          'sku',
          Math.min(costs.get('sku')!, first + 2),
          ITEMS_BY_SKU,
          { first, query, after },
          ItemsBySkuDataCodec,
          ({ inventoryItems: page }) =>
            page.pageInfo.hasNextPage && page.pageInfo.endCursor === null
              ? E.left(invalid('sku: data.inventoryItems.pageInfo: a next page without an endCursor', false))
              : E.right(page),
        );
        if (tooLarge(answered) && first > 1) {
          first = Math.ceil(first / 2);
          continue;
        }
        if (answered._tag === 'Left') return answered;
        // The search matches loosely; only an exact SKU counts.
        for (const node of answered.right.nodes) if (node.sku !== null) found.get(node.sku)?.push(node.id);
        if (!answered.right.pageInfo.hasNextPage) break;
        after = answered.right.pageInfo.endCursor;
      }
    }
    return E.right(found);
  };

  // Every location, 50 a page.
  const locations = async (): Outcome<ReadonlyArray<ShopifyLocation>> => {
    const found: ShopifyLocation[] = [];
    let after: string | null = null;
    for (;;) {
      const answered: E.Either<ShopifyError, t.TypeOf<typeof LocationsDataCodec>['locations']> = await call(
        'locations',
        costs.get('locations')!,
        LOCATIONS,
        { first: 50, after },
        LocationsDataCodec,
        ({ locations: page }) =>
          page.pageInfo.hasNextPage && page.pageInfo.endCursor === null
            ? E.left(invalid('locations: data.locations.pageInfo: a next page without an endCursor', false))
            : E.right(page),
      );
      if (answered._tag === 'Left') return answered;
      found.push(...answered.right.nodes);
      if (!answered.right.pageInfo.hasNextPage) return E.right(found);
      after = answered.right.pageInfo.endCursor;
    }
  };

  const accessScopes = (): Outcome<ReadonlyArray<string>> =>
    call('scopes', costs.get('scopes')!, ACCESS_SCOPES, {}, AccessScopesDataCodec, (data) =>
      E.right(data.currentAppInstallation.accessScopes.map((s) => s.handle)),
    );

  // A file Shopify made or stores (a bulk result), or a transfer to its upload target: network trouble is retriable.
  const transfer = async (what: string, url: string, init: RequestInit): Outcome<Response> => {
    try {
      const response = await fetchApi(url, { ...init, signal: AbortSignal.timeout(timeoutMs * 10) });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      return E.right(response);
    } catch (error) {
      return E.left({ _tag: 'ShopifyUnavailable', reason: `${what}: ${messageOf(error)}`, retriable: true });
    }
  };

  // Reads a bulk result file (none: no line) line by line as it downloads; a download cut short is retriable.
  const eachResultLine = async <A>(
    url: string | null,
    what: string,
    codec: t.Type<A, unknown>,
    each: (row: A, line: number) => ShopifyError | undefined,
  ): Promise<ShopifyError | undefined> => {
    if (url === null) return undefined;
    const response = await transfer(what, url, {});
    if (response._tag === 'Left') return response.left;
    const body = response.right.body;
    try {
      const bad = await eachJsonLine(linesOf(body), what, codec, each);
      if (bad !== undefined) await body?.cancel().catch(() => undefined);
      return bad;
    } catch (error) {
      return { _tag: 'ShopifyUnavailable', reason: `${what}: ${messageOf(error)}`, retriable: true };
    }
  };

  // Polls a bulk operation until it ends; the result file's URL when it completed (null: no result file).
  const awaitBulk = async (id: string): Outcome<string | null> => {
    for (;;) {
      const polled = await call('status', costs.get('status')!, BULK_STATUS, { id }, BulkStatusDataCodec, (data) =>
        data.bulkOperation === null
          ? E.left(invalid(`status: bulkOperation(id: "${id}") is null: Shopify knows no such operation`, true))
          : E.right(data.bulkOperation),
      );
      if (polled._tag === 'Left') return polled;
      const op = polled.right;
      if (op.status === 'COMPLETED') return E.right(op.url);
      if (op.status === 'FAILED' || op.status === 'CANCELED' || op.status === 'CANCELING' || op.status === 'EXPIRED') {
        return E.left({
          _tag: 'ShopifyBulkOperationFailed',
          operationId: id,
          status: op.status,
          errorCode: op.errorCode,
          retriable: op.errorCode !== 'ACCESS_DENIED',
        });
      }
      await pause(bulkPollMs);
    }
  };

  // One bulk mutation over lines of at most 250 quantities, each with its own key; the outcomes by line.
  const bulkRound = async (lines: ReadonlyArray<SetAvailableRequest>): Outcome<ReadonlyArray<SetOutcome>> => {
    // The file as one Blob of its lines (each line's text is garbage once copied in): never one joined string.
    const parts = lines.map(
      (line, n) =>
        (n === 0 ? '' : '\n') +
        JSON.stringify({
          key: line.idempotencyKey,
          input: {
            name: 'available',
            reason: line.reason,
            referenceDocumentUri: line.referenceDocumentUri,
            quantities: line.quantities.map((q) => ({
              inventoryItemId: q.inventoryItemId,
              locationId: q.locationId,
              quantity: q.quantity,
              changeFromQuantity: q.changeFromQuantity,
            })),
          },
        }),
    );
    const jsonl = new Blob(parts, { type: 'text/jsonl' });
    parts.length = 0;
    const file = {
      resource: 'BULK_MUTATION_VARIABLES',
      filename: 'inventory-set-quantities.jsonl',
      mimeType: 'text/jsonl',
      httpMethod: 'POST',
      fileSize: String(jsonl.size),
    };
    const staged = await call('stage', 10, STAGED_UPLOAD, { input: [file] }, StagedUploadDataCodec, (data) => {
      const target = data.stagedUploadsCreate.stagedTargets?.[0];
      const path = target?.parameters.find((p) => p.name === 'key')?.value;
      if (target === undefined)
        return E.left(
          rejected(`stagedUploadsCreate: ${data.stagedUploadsCreate.userErrors[0]?.message ?? 'no upload target'}`),
        );
      return path === undefined
        ? E.left(invalid('stage: data.stagedUploadsCreate.stagedTargets.0.parameters: no key parameter', false))
        : E.right({ url: target.url, parameters: target.parameters, path });
    });
    if (staged._tag === 'Left') return staged;
    const form = new FormData();
    for (const p of staged.right.parameters) form.append(p.name, p.value);
    form.append('file', jsonl, 'inventory-set-quantities.jsonl');
    const uploaded = await transfer('staged upload', staged.right.url, { method: 'POST', body: form });
    if (uploaded._tag === 'Left') return uploaded;
    // Five bulk mutations may run per shop: wait for a place rather than fail.
    const started = await startBulk(
      'bulkOperationRunMutation',
      BULK_SET,
      { mutation: SET_AVAILABLE, stagedUploadPath: staged.right.path },
      BulkMutationStartedCodec,
      (data) => data.bulkOperationRunMutation,
    );
    if (started._tag === 'Left') return started;
    const url = await awaitBulk(started.right);
    if (url._tag === 'Left') return url;
    const answers = new Map<number, t.TypeOf<typeof BulkResultLineCodec>>();
    const bad = await eachResultLine(url.right, 'bulk result', BulkResultLineCodec, (answer, line) => {
      if (answer.__lineNumber < 0 || answer.__lineNumber >= lines.length)
        return invalid(
          `bulk result line ${line}: __lineNumber ${answer.__lineNumber} is no line of the file sent`,
          false,
        );
      answers.set(answer.__lineNumber, answer);
      return undefined;
    });
    if (bad !== undefined) return E.left(bad);
    const outcomes: SetOutcome[] = [];
    for (const [n, line] of lines.entries()) {
      const answer = answers.get(n);
      const errors = answer?.data?.inventorySetQuantities?.userErrors;
      // A line that failed as a whole, or has no answer, goes through the call path under its own key (Shopify
      // answers from its record of the key where the line did run); a line's userErrors are read as a call's are.
      const one =
        errors === undefined || answer?.errors !== undefined
          ? await setRound(line, line.idempotencyKey, line.quantities)
          : await settleAnswer(line, line.idempotencyKey, line.quantities, errors);
      if (one._tag === 'Left') return one;
      for (const o of one.right) outcomes.push(o);
    }
    return E.right(outcomes);
  };

  // Groups of a request through bulk mutations: lines of about 250 * 200 bytes, so a file of 90 MB holds some 1,800
  // of them; a larger request takes several files, one after another.
  const setInBulk = async (groups: ReadonlyArray<SetAvailableRequest>): Outcome<Omit<SetResult, 'calls'>> => {
    const perFile = Math.max(1, Math.floor(BULK_FILE_BYTES / (maxQuantities * 220)));
    const outcomes: SetOutcome[] = [];
    let bulkOperations = 0;
    for (let start = 0; start < groups.length; start += perFile) {
      const done = await bulkRound(groups.slice(start, start + perFile));
      if (done._tag === 'Left') return done;
      bulkOperations++;
      for (const o of done.right) outcomes.push(o);
    }
    return E.right({ outcomes, bulkOperations });
  };

  // Groups of a request by calls: up to `inFlight()` at once, each paced by the bucket, outcomes in the groups'
  // order. A failure stops sending more; the calls in flight are waited for, and the request fails as a whole (a
  // resend goes under the same keys, so what did apply is answered from Shopify's record of its key).
  const setByCalls = async (groups: ReadonlyArray<SetAvailableRequest>): Outcome<Omit<SetResult, 'calls'>> => {
    const results: Array<ReadonlyArray<SetOutcome>> = new Array(groups.length);
    let next = 0;
    let failed: ShopifyError | null = null;
    const one = async (i: number): Promise<void> => {
      const group = groups[i]!;
      const done = await setRound(group, group.idempotencyKey, group.quantities);
      if (done._tag === 'Left') failed ??= done.left;
      else results[i] = done.right;
    };
    const lane = async (): Promise<void> => {
      while (failed === null && next < groups.length) await one(next++);
    };
    // The first call goes alone when the bucket is not known yet: its answer tells how many may follow at once.
    if (bucket === null && groups.length > 1) await one(next++);
    await Promise.all(Array.from({ length: Math.min(inFlight(), groups.length - next) }, lane));
    if (failed !== null) return E.left(failed);
    return E.right({ outcomes: results.flat(), bulkOperations: 0 });
  };

  const inBulk = (count: number): boolean => count > maxQuantities && count >= bulkThreshold;

  // A request that fits one call goes under its own key; a larger one in groups keyed `#n`, by bulk mutation from
  // `bulkThreshold` quantities on, else call by call. Both paths split and key alike.
  // `calls` is what was sent: every inventorySetQuantities request the set request took (attempts and resends).
  const setAvailable = async (request: SetAvailableRequest): Outcome<SetResult> => {
    const count = request.quantities.length;
    if (count === 0) return E.right({ outcomes: [], calls: 0, bulkOperations: 0 });
    const before = stats.setRequests;
    const groups = count <= maxQuantities ? [request] : keyedGroups(request, maxQuantities);
    const done = await (inBulk(count) ? setInBulk(groups) : setByCalls(groups));
    return E.map((r: Omit<SetResult, 'calls'>) => ({ ...r, calls: stats.setRequests - before }))(done);
  };

  return {
    shop: options.shop,
    maxQuantitiesPerCall: maxQuantities,
    // On the call path a batch holds SHOPIFY_CALLS_PER_SLOT calls per call in flight (one call when one is in
    // flight), so that the calls of a batch keep the pipeline full; below bulkThreshold, never enough for a bulk.
    quantitiesAtOnce: (waiting) => {
      if (waiting >= bulkThreshold) return waiting < bulkBatch + bulkThreshold ? waiting : bulkBatch;
      const slots = inFlight();
      const calls = slots === 1 ? 1 : slots * SHOPIFY_CALLS_PER_SLOT;
      return Math.max(1, Math.min(calls * maxQuantities, Math.max(maxQuantities, bulkThreshold - 1)));
    },
    setsInBulk: inBulk,
    findsSkusInBulk,
    setAvailable: (request) => total('setAvailable', () => setAvailable(request)),
    availableAtLocation: (locationId) => total('availableAtLocation', () => availableAtLocation(locationId)),
    availableOf: (locationId, ids) => total('availableOf', () => availableOf(locationId, ids)),
    inventoryItemsBySku: (skus) => total('inventoryItemsBySku', () => inventoryItemsBySku(skus)),
    locations: () => total('locations', locations),
    accessScopes: () => total('accessScopes', accessScopes),
    stats: () => ({ ...stats }),
    bucket: () => bucket,
  };
};
