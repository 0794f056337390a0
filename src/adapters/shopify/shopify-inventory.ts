import { createAdminApiClient } from '@shopify/admin-api-client';
import * as E from 'fp-ts/lib/Either.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import type { SetQuantity } from '../../application/push-ledger.ts';
import {
  keyedGroups,
  type SetAvailableRequest,
  type SetOutcome,
  type ShopifyError,
  type ShopifyInventory,
} from '../../application/shopify-inventory.ts';
import type { ItemQuantity } from '../../domain/index.ts';
import { SHOPIFY_API_VERSION } from './api-version.ts';
import { spend, waitBefore, type BucketState, type ThrottleStatus } from './leaky-bucket.ts';

/** Shopify's documented maximum size of an input array ("250 for all APIs"), so of one call's quantities. */
export const SHOPIFY_MAX_QUANTITIES_PER_CALL = 250;

export { SHOPIFY_API_VERSION } from './api-version.ts';

/** A GraphQL error as Shopify returns it. */
export interface ShopifyGraphqlError {
  readonly message: string;
  readonly extensions?: { readonly code?: string; readonly [key: string]: unknown };
  readonly path?: ReadonlyArray<string | number>;
}

/** What the adapter reads of a client response: `@shopify/admin-api-client`'s `ClientResponse`, as a subset. */
export interface AdminClientResponse {
  readonly data?: unknown;
  readonly extensions?: {
    readonly cost?: {
      readonly requestedQueryCost?: number | null;
      readonly actualQueryCost?: number | null;
      readonly throttleStatus?: ThrottleStatus;
    };
  };
  readonly errors?: {
    readonly networkStatusCode?: number;
    readonly message?: string;
    readonly graphQLErrors?: ReadonlyArray<ShopifyGraphqlError>;
    readonly response?: { readonly headers?: { get(name: string): string | null } };
  };
}

/** The subset of an Admin GraphQL client the adapter uses; `createAdminApiClient`'s client has it. */
export interface AdminGraphqlClient {
  readonly request: (
    operation: string,
    options?: { readonly variables?: Record<string, unknown>; readonly signal?: AbortSignal },
  ) => Promise<AdminClientResponse>;
}

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
  /** Quantities per call, at most (and by default) `SHOPIFY_MAX_QUANTITIES_PER_CALL`. */
  readonly maxQuantitiesPerCall?: number;
  /** A request that has not answered after this long is abandoned and retried (default 30 s). */
  readonly timeoutMs?: number;
  /** Attempts per request on 5xx, network errors, timeouts and throttling before giving up (default 8). */
  readonly maxAttempts?: number;
  /**
   * A set request with at least this many quantities goes through a bulk mutation (staged JSONL file,
   * `bulkOperationRunMutation`) instead of calls of 250: bulk work does not spend the bucket. Default 50,000: what a
   * full Standard bucket (2,000 points, 10 a call) absorbs at once; below it, calls finish as soon.
   */
  readonly bulkThreshold?: number;
  /** Polling interval of a bulk operation (default 1 s). */
  readonly bulkPollMs?: number;
  /** Clock and sleep, for tests; default the real ones. */
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
}

/** The Shopify adapter: the `ShopifyInventory` port, and what it has spent (for reports and benchmarks). */
export interface ShopifyInventoryAdapter extends ShopifyInventory {
  readonly stats: () => {
    readonly requests: number;
    readonly throttled: number;
    readonly retries: number;
    readonly waitedMs: number;
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

const BULK_LEVELS = `mutation BulkLevels($query: String!) {
  bulkOperationRunQuery(query: $query) { bulkOperation { id status } userErrors { field message code } }
}`;

const BULK_LEVELS_QUERY = `{ inventoryItems { edges { node { id inventoryLevels { edges { node { location { id } quantities(names: ["available"]) { name quantity } } } } } } } }`;

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

// Per-request point estimates until Shopify has told the real ones: a mutation is 10, and a query of N aliased items
// about 3 per item; the requested cost of each answered operation replaces the estimate.
const DEFAULT_COST = { set: 10, levels: 3, bulk: 10, status: 1, sku: 52 };

/** Items per aliased level query: 3 points each keeps a query far below Shopify's 1000-point ceiling. */
const LEVEL_QUERY_ITEMS = 100;
/** SKUs per search query (`sku:'a' OR sku:'b' …`). */
const SKUS_PER_QUERY = 25;

type Attempt<A> =
  | { readonly done: A }
  | { readonly retry: true; readonly waitMs: number; readonly reason: string }
  | { readonly fail: ShopifyError };

// Shopify's search syntax takes a value in single or double quotes: a SKU goes in the quotes it does not contain
// ("Men's Tee" in double quotes), so the common apostrophe needs no escape inside a quoted value; only a SKU with both
// kinds of quote falls back to backslash escapes.
const quote = (sku: string): string => {
  const escaped = sku.replace(/\\/g, '\\\\');
  return sku.includes("'") && !sku.includes('"') ? `"${escaped}"` : `'${escaped.replace(/'/g, "\\'")}'`;
};

// A short, stable fingerprint of the indexes a resend leaves out, so its idempotency key differs from the original's
// and is the same every time the same answer leads to the same resend (FNV-1a, 32 bits).
const fingerprint = (indexes: ReadonlyArray<number>): string => {
  let h = 0x811c9dc5;
  for (const c of indexes.join(',')) h = Math.imul(h ^ c.charCodeAt(0), 0x01000193) >>> 0;
  return h.toString(36);
};

/**
 * The Shopify port on the Admin GraphQL API. Paces every request from the `throttleStatus` Shopify returns so that
 * it is not throttled, waits out THROTTLED and HTTP 429 answers, and retries 5xx answers, timeouts and network errors
 * with the same payload and idempotency key. `inventorySetQuantities` validates a call as a whole and applies nothing
 * when any quantity is refused; the adapter reports each refused quantity on its own and sends the others again
 * (under a key derived from the original one), so one bad item never blocks the rest.
 */
export const shopifyInventory = (options: ShopifyInventoryOptions): ShopifyInventoryAdapter => {
  const now = options.now ?? (() => performance.now());
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const timeoutMs = options.timeoutMs ?? 30_000;
  const maxAttempts = options.maxAttempts ?? 8;
  const maxQuantities = Math.max(
    1,
    Math.min(options.maxQuantitiesPerCall ?? SHOPIFY_MAX_QUANTITIES_PER_CALL, SHOPIFY_MAX_QUANTITIES_PER_CALL),
  );
  const adminUrl = options.adminUrl;
  const client: AdminGraphqlClient =
    options.client ??
    (createAdminApiClient({
      storeDomain: options.shop,
      apiVersion: options.apiVersion ?? SHOPIFY_API_VERSION,
      accessToken: options.accessToken,
      retries: 0, // ours: the client's retry never reads THROTTLED and would not keep the bucket in view
      ...(adminUrl === undefined
        ? {}
        : {
            customFetchApi: (url: string, init?: unknown) => {
              const target = new URL(url);
              return fetch(new URL(`${target.pathname}${target.search}`, adminUrl), init as RequestInit);
            },
          }),
    }) as unknown as AdminGraphqlClient);

  let bucket: BucketState | null = null;
  const costs = new Map<string, number>(Object.entries(DEFAULT_COST));
  const stats = { requests: 0, throttled: 0, retries: 0, waitedMs: 0, pointsRequested: 0 };
  const pause = async (ms: number): Promise<void> => {
    if (ms <= 0) return;
    stats.waitedMs += ms;
    await sleep(ms);
  };

  // One GraphQL operation, paced and retried; `interpret` turns an answered request into a result or a failure.
  const call =
    <A>(
      kind: string,
      cost: number,
      operation: string,
      variables: Record<string, unknown>,
      interpret: (data: unknown) => E.Either<ShopifyError, A>,
    ): TE.TaskEither<ShopifyError, A> =>
    async () => {
      for (let attempt = 1; ; attempt++) {
        await pause(waitBefore(bucket, cost, now()));
        bucket = spend(bucket, cost, now());
        stats.requests++;
        stats.pointsRequested += cost;
        const outcome = await once(kind, operation, variables, interpret);
        if ('done' in outcome) return { _tag: 'Right', right: outcome.done };
        if ('fail' in outcome) return { _tag: 'Left', left: outcome.fail };
        if (attempt >= maxAttempts) {
          return {
            _tag: 'Left',
            left:
              outcome.reason === 'throttled'
                ? { _tag: 'ShopifyThrottled', retryAfterMs: outcome.waitMs, retriable: true }
                : {
                    _tag: 'ShopifyUnavailable',
                    reason: `${kind}: ${outcome.reason} (after ${attempt} attempts)`,
                    retriable: true,
                  },
          };
        }
        stats.retries++;
        // Exponential backoff for errors (250 ms doubling, at most 30 s); a throttle waits what the bucket needs.
        await pause(
          Math.max(outcome.waitMs, outcome.reason === 'throttled' ? 0 : Math.min(30_000, 250 * 2 ** (attempt - 1))),
        );
      }
    };

  const once = async <A>(
    kind: string,
    operation: string,
    variables: Record<string, unknown>,
    interpret: (data: unknown) => E.Either<ShopifyError, A>,
  ): Promise<Attempt<A>> => {
    let response: AdminClientResponse;
    try {
      response = await client.request(operation, { variables, signal: AbortSignal.timeout(timeoutMs) });
    } catch (error) {
      return { retry: true, waitMs: 0, reason: error instanceof Error ? error.message : 'request failed' };
    }
    const cost = response.extensions?.cost;
    if (cost?.throttleStatus !== undefined) bucket = { status: cost.throttleStatus, at: now() };
    if (typeof cost?.requestedQueryCost === 'number' && cost.requestedQueryCost > 0)
      costs.set(kind, cost.requestedQueryCost);
    const graphql = response.errors?.graphQLErrors ?? [];
    const status = response.errors?.networkStatusCode;
    if (graphql.some((e) => e.extensions?.code === 'THROTTLED')) {
      stats.throttled++;
      const requested = cost?.requestedQueryCost ?? costs.get(kind) ?? 10;
      return { retry: true, waitMs: waitBefore(bucket, requested, now()), reason: 'throttled' };
    }
    if (status === 429) {
      stats.throttled++;
      const after = Number(response.errors?.response?.headers?.get('Retry-After') ?? '1');
      return { retry: true, waitMs: Number.isFinite(after) ? after * 1000 : 1000, reason: 'throttled' };
    }
    if (status === 401 || status === 403)
      return {
        fail: { _tag: 'ShopifyUnauthorized', reason: `HTTP ${status}: the access token was refused`, retriable: false },
      };
    if (status !== undefined && status >= 500) return { retry: true, waitMs: 0, reason: `HTTP ${status}` };
    if (status !== undefined)
      return { fail: { _tag: 'ShopifyRejected', reason: `${kind}: HTTP ${status}`, code: null, retriable: false } };
    if (response.errors !== undefined && graphql.length === 0)
      return { retry: true, waitMs: 0, reason: response.errors.message ?? 'request failed' };
    const internal = graphql.find((e) => e.extensions?.code === 'INTERNAL_SERVER_ERROR');
    if (internal !== undefined) return { retry: true, waitMs: 0, reason: internal.message };
    if (graphql.length > 0) {
      const e = graphql[0]!;
      return {
        fail: {
          _tag: 'ShopifyRejected',
          reason: `${kind}: ${e.message}`,
          code: e.extensions?.code ?? null,
          retriable: false,
        },
      };
    }
    const result = interpret(response.data);
    if (E.isRight(result)) return { done: result.right };
    // Shopify's "this key is being processed" answer: the same request, later.
    if (result.left._tag === 'ShopifyRejected' && result.left.code === 'IDEMPOTENCY_CONCURRENT_REQUEST')
      return { retry: true, waitMs: 1000, reason: 'idempotent request in progress' };
    return { fail: result.left };
  };

  type UserError = {
    readonly field?: ReadonlyArray<string> | null;
    readonly message: string;
    readonly code?: string | null;
  };

  // Sends quantities under a key; refused quantities become outcomes and the rest go again under a derived key.
  const setRound =
    (
      request: SetAvailableRequest,
      key: string,
      quantities: ReadonlyArray<SetQuantity>,
    ): TE.TaskEither<ShopifyError, ReadonlyArray<SetOutcome>> =>
    async () => {
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
      const answered = await call('set', costs.get('set')!, SET_AVAILABLE, { input, key }, (data) => {
        const errors = (
          data as { inventorySetQuantities?: { userErrors?: ReadonlyArray<UserError> } | null } | undefined
        )?.inventorySetQuantities?.userErrors;
        if (errors === undefined)
          return E.left({
            _tag: 'ShopifyRejected',
            reason: 'inventorySetQuantities: no payload in the answer',
            code: null,
            retriable: false,
          });
        const busy = errors.find((e) => e.code === 'IDEMPOTENCY_CONCURRENT_REQUEST');
        if (busy !== undefined)
          return E.left({ _tag: 'ShopifyRejected', reason: busy.message, code: busy.code ?? null, retriable: false });
        return E.right(errors);
      })();
      if (answered._tag === 'Left') return answered;
      return settleAnswer(request, key, quantities, answered.right)();
    };

  // What Shopify's userErrors for one call mean per quantity: a refused quantity is an outcome of its own, and the
  // others (which the atomic call did not apply) go again under a key derived from this one and the refused indexes.
  const settleAnswer =
    (
      request: SetAvailableRequest,
      key: string,
      quantities: ReadonlyArray<SetQuantity>,
      errors: ReadonlyArray<UserError>,
    ): TE.TaskEither<ShopifyError, ReadonlyArray<SetOutcome>> =>
    async () => {
      if (errors.length === 0)
        return { _tag: 'Right', right: quantities.map((quantity) => ({ status: 'applied', quantity })) };
      const refused = new Map<number, UserError>();
      for (const e of errors) {
        const field = e.field ?? [];
        const index = field[0] === 'input' && field[1] === 'quantities' ? Number(field[2]) : Number.NaN;
        if (Number.isInteger(index) && index >= 0 && index < quantities.length) {
          if (!refused.has(index)) refused.set(index, e);
        } else if (e.code === 'IDEMPOTENCY_PREVIOUS_ATTEMPT_FAILED' && !key.endsWith('/again')) {
          // Shopify asks for a new key after a failed attempt: one derived from the old, so a rerun derives the same.
          return setRound(request, `${key}/again`, quantities)();
        } else {
          // An error about the call as a whole (reason, name, idempotency): no quantity can go.
          return {
            _tag: 'Left',
            left: {
              _tag: 'ShopifyRejected',
              reason: `inventorySetQuantities: ${e.message}`,
              code: e.code ?? null,
              retriable: false,
            },
          };
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
        )();
        if (again._tag === 'Left') return again;
        again.right.forEach((o, j) => {
          outcomes.set(rest[j]!.i, o);
        });
      }
      return { _tag: 'Right', right: quantities.map((_, i) => outcomes.get(i)!) };
    };

  const levelsOf =
    (locationId: string, ids: ReadonlyArray<string>): TE.TaskEither<ShopifyError, ReadonlyArray<ItemQuantity>> =>
    async () => {
      const found: ItemQuantity[] = [];
      for (let start = 0; start < ids.length; start += LEVEL_QUERY_ITEMS) {
        const chunk = ids.slice(start, start + LEVEL_QUERY_ITEMS);
        const variables: Record<string, unknown> = { locationId };
        chunk.forEach((id, i) => {
          variables[`i${i}`] = id;
        });
        type Level = {
          inventoryLevel?: { quantities?: ReadonlyArray<{ name: string; quantity: number }> } | null;
        } | null;
        const answered = await call(
          'levels',
          DEFAULT_COST.levels * chunk.length,
          LEVELS_OF(chunk.length),
          variables,
          (data) => E.right(data as Record<string, Level> | undefined),
        )();
        if (answered._tag === 'Left') return answered;
        chunk.forEach((id, i) => {
          const available = answered.right?.[`i${i}`]?.inventoryLevel?.quantities?.find((q) => q.name === 'available');
          if (available !== undefined) found.push({ inventoryItemId: id, locationId, quantity: available.quantity });
        });
      }
      return { _tag: 'Right', right: found };
    };

  const availableAtLocation =
    (locationId: string): TE.TaskEither<ShopifyError, ReadonlyArray<ItemQuantity>> =>
    async () => {
      // A bulk query: it runs on Shopify's side without spending the bucket, however large the catalogue.
      type Started = { bulkOperation: { id: string } | null; userErrors: ReadonlyArray<UserError> };
      const started = await call('bulk', costs.get('bulk')!, BULK_LEVELS, { query: BULK_LEVELS_QUERY }, (data) => {
        const payload = (data as { bulkOperationRunQuery?: Started } | undefined)?.bulkOperationRunQuery;
        const e = payload?.userErrors[0];
        if (payload?.bulkOperation == null)
          return E.left({
            _tag: 'ShopifyRejected',
            reason: `bulkOperationRunQuery: ${e?.message ?? 'no operation started'}`,
            code: e?.code ?? null,
            retriable: false,
          });
        return E.right(payload.bulkOperation.id);
      })();
      if (started._tag === 'Left') return started;
      const text = await awaitBulk(started.right);
      if (text._tag === 'Left') return text;
      const levels: ItemQuantity[] = [];
      for (const line of text.right.split('\n')) {
        if (line === '') continue;
        const row = JSON.parse(line) as {
          __parentId?: string;
          location?: { id: string };
          quantities?: ReadonlyArray<{ name: string; quantity: number }>;
        };
        if (row.__parentId === undefined || row.location?.id !== locationId) continue;
        const available = row.quantities?.find((q) => q.name === 'available');
        if (available !== undefined)
          levels.push({ inventoryItemId: row.__parentId, locationId, quantity: available.quantity });
      }
      return { _tag: 'Right', right: levels };
    };

  const inventoryItemsBySku =
    (skus: ReadonlyArray<string>): TE.TaskEither<ShopifyError, ReadonlyMap<string, ReadonlyArray<string>>> =>
    async () => {
      const found = new Map<string, string[]>(skus.map((s) => [s, []]));
      for (let start = 0; start < skus.length; start += SKUS_PER_QUERY) {
        const chunk = skus.slice(start, start + SKUS_PER_QUERY);
        const query = chunk.map((s) => `sku:${quote(s)}`).join(' OR ');
        let after: string | null = null;
        for (;;) {
          type Page = {
            nodes: ReadonlyArray<{ id: string; sku: string | null }>;
            pageInfo: { hasNextPage: boolean; endCursor: string | null };
          };
          const answered = await call('sku', costs.get('sku')!, ITEMS_BY_SKU, { first: 50, query, after }, (data) =>
            E.right((data as { inventoryItems: Page }).inventoryItems),
          )();
          if (answered._tag === 'Left') return answered;
          // The search matches loosely; only an exact SKU counts.
          for (const node of answered.right.nodes) if (node.sku !== null) found.get(node.sku)?.push(node.id);
          if (!answered.right.pageInfo.hasNextPage) break;
          after = answered.right.pageInfo.endCursor;
        }
      }
      return { _tag: 'Right', right: found };
    };

  // Polls a bulk operation until it ends; the result file's text when it completed.
  const awaitBulk = async (id: string): Promise<E.Either<ShopifyError, string>> => {
    type Operation = { id: string; status: string; errorCode: string | null; url: string | null };
    for (;;) {
      const polled = await call('status', costs.get('status')!, BULK_STATUS, { id }, (data) =>
        E.right((data as { bulkOperation: Operation }).bulkOperation),
      )();
      if (polled._tag === 'Left') return polled;
      const op = polled.right;
      if (op.status === 'COMPLETED') {
        if (op.url === null) return E.right('');
        const text = await fetch(op.url, { signal: AbortSignal.timeout(timeoutMs * 10) })
          .then((r) => (r.ok ? r.text() : Promise.reject(new Error(`HTTP ${r.status}`))))
          .catch((e: unknown) => e as Error);
        return text instanceof Error
          ? E.left({ _tag: 'ShopifyUnavailable', reason: `bulk result: ${text.message}`, retriable: true })
          : E.right(text);
      }
      if (['FAILED', 'CANCELED', 'CANCELING', 'EXPIRED'].includes(op.status)) {
        return E.left({
          _tag: 'ShopifyBulkOperationFailed',
          operationId: id,
          status: op.status,
          errorCode: op.errorCode,
          retriable: op.errorCode !== 'ACCESS_DENIED',
        });
      }
      await pause(options.bulkPollMs ?? 1000);
    }
  };

  // One bulk mutation over lines of at most 250 quantities, each with its own key; the outcomes by line.
  const bulkRound = async (
    request: SetAvailableRequest,
    lines: ReadonlyArray<{ readonly key: string; readonly quantities: ReadonlyArray<SetQuantity> }>,
  ): Promise<E.Either<ShopifyError, ReadonlyArray<ReadonlyArray<SetOutcome>>>> => {
    const jsonl = lines
      .map((line) =>
        JSON.stringify({
          key: line.key,
          input: {
            name: 'available',
            reason: request.reason,
            referenceDocumentUri: request.referenceDocumentUri,
            quantities: line.quantities.map((q) => ({
              inventoryItemId: q.inventoryItemId,
              locationId: q.locationId,
              quantity: q.quantity,
              changeFromQuantity: q.changeFromQuantity,
            })),
          },
        }),
      )
      .join('\n');
    type Target = { url: string; parameters: ReadonlyArray<{ name: string; value: string }> };
    const staged = await call(
      'stage',
      10,
      STAGED_UPLOAD,
      {
        input: [
          {
            resource: 'BULK_MUTATION_VARIABLES',
            filename: 'inventory-set-quantities.jsonl',
            mimeType: 'text/jsonl',
            httpMethod: 'POST',
            fileSize: String(Buffer.byteLength(jsonl)),
          },
        ],
      },
      (data) => {
        const target = (data as { stagedUploadsCreate?: { stagedTargets?: ReadonlyArray<Target> | null } } | undefined)
          ?.stagedUploadsCreate?.stagedTargets?.[0];
        return target === undefined
          ? E.left({
              _tag: 'ShopifyRejected',
              reason: 'stagedUploadsCreate: no upload target',
              code: null,
              retriable: false,
            })
          : E.right(target);
      },
    )();
    if (staged._tag === 'Left') return staged;
    const form = new FormData();
    for (const p of staged.right.parameters) form.append(p.name, p.value);
    form.append('file', new Blob([jsonl], { type: 'text/jsonl' }), 'inventory-set-quantities.jsonl');
    const uploaded = await fetch(staged.right.url, {
      method: 'POST',
      body: form,
      signal: AbortSignal.timeout(timeoutMs * 10),
    })
      .then((r) => (r.ok ? null : new Error(`HTTP ${r.status}`)))
      .catch((e: unknown) => e as Error);
    if (uploaded !== null)
      return E.left({ _tag: 'ShopifyUnavailable', reason: `staged upload: ${uploaded.message}`, retriable: true });
    const path = staged.right.parameters.find((p) => p.name === 'key')?.value ?? '';
    let started: E.Either<ShopifyError, string>;
    for (;;) {
      started = await call('bulk', 10, BULK_SET, { mutation: SET_AVAILABLE, stagedUploadPath: path }, (data) => {
        const payload = (
          data as
            | {
                bulkOperationRunMutation?: {
                  bulkOperation: { id: string } | null;
                  userErrors: ReadonlyArray<UserError>;
                };
              }
            | undefined
        )?.bulkOperationRunMutation;
        const e = payload?.userErrors[0];
        if (payload?.bulkOperation == null)
          return E.left({
            _tag: 'ShopifyRejected',
            reason: `bulkOperationRunMutation: ${e?.message ?? 'no operation started'}`,
            code: e?.code ?? null,
            retriable: false,
          });
        return E.right(payload.bulkOperation.id);
      })();
      // Five bulk mutations may run per shop: wait for a place rather than fail.
      if (
        started._tag === 'Left' &&
        started.left._tag === 'ShopifyRejected' &&
        started.left.code === 'OPERATION_IN_PROGRESS'
      )
        await pause(options.bulkPollMs ?? 1000);
      else break;
    }
    if (started._tag === 'Left') return started;
    const text = await awaitBulk(started.right);
    if (text._tag === 'Left') return text;
    type Answer = {
      __lineNumber: number;
      errors?: ReadonlyArray<ShopifyGraphqlError>;
      data?: { inventorySetQuantities?: { userErrors?: ReadonlyArray<UserError> } | null } | null;
    };
    const answers = new Map<number, Answer>();
    for (const row of text.right.split('\n')) {
      if (row === '') continue;
      const parsed = JSON.parse(row) as Answer;
      answers.set(parsed.__lineNumber, parsed);
    }
    const outcomes: Array<ReadonlyArray<SetOutcome>> = [];
    for (const [n, line] of lines.entries()) {
      const answer = answers.get(n);
      const errors = answer?.data?.inventorySetQuantities?.userErrors;
      // A line that failed as a whole, or has no answer, goes through the call path under its own key (Shopify
      // answers from its record of the key where the line did run); a line's userErrors are read as a call's are.
      const one =
        errors === undefined || answer?.errors !== undefined
          ? await setRound(request, line.key, line.quantities)()
          : await settleAnswer(request, line.key, line.quantities, errors)();
      if (one._tag === 'Left') return one;
      outcomes.push(one.right);
    }
    return E.right(outcomes);
  };

  const setInBulk =
    (request: SetAvailableRequest): TE.TaskEither<ShopifyError, ReadonlyArray<SetOutcome>> =>
    async () => {
      const lines = keyedGroups(request, maxQuantities).map((g) => ({
        key: g.idempotencyKey,
        quantities: g.quantities,
      }));
      // Lines of about 250 * 200 bytes: a file of 90 MB holds some 1,800 of them; larger requests take several files.
      const perFile = Math.max(1, Math.floor(BULK_FILE_BYTES / (maxQuantities * 220)));
      const outcomes: SetOutcome[] = [];
      for (let start = 0; start < lines.length; start += perFile) {
        const done = await bulkRound(request, lines.slice(start, start + perFile));
        if (done._tag === 'Left') return done;
        for (const line of done.right) for (const o of line) outcomes.push(o);
      }
      return E.right(outcomes);
    };

  const bulkThreshold = options.bulkThreshold ?? 50_000;

  return {
    shop: options.shop,
    maxQuantitiesPerCall: maxQuantities,
    bulkThreshold,
    setAvailableInBulk: setInBulk,
    availableAtLocation,
    availableOf: levelsOf,
    setAvailable: (request) => {
      if (request.quantities.length > maxQuantities) {
        return TE.left({
          _tag: 'ShopifyRejected',
          reason: `inventorySetQuantities: ${request.quantities.length} quantities in one call; the most is ${maxQuantities}`,
          code: 'MAX_INPUT_SIZE_EXCEEDED',
          retriable: false,
        });
      }
      return request.quantities.length === 0
        ? TE.right([])
        : setRound(request, request.idempotencyKey, request.quantities);
    },
    inventoryItemsBySku,
    stats: () => ({ ...stats }),
    bucket: () => bucket,
  };
};
