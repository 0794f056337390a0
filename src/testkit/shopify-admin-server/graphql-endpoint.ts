/**
 * One GraphQL request, as Shopify's Admin endpoint processes it: parse, validate, coerce variables, price the
 * document, check the single-query limit and input sizes, take the requested cost from the bucket (or answer
 * THROTTLED), execute, refund the difference to the actual cost, and report `extensions.cost`.
 */
import {
  executeSync,
  getArgumentValues,
  getDirectiveValues,
  getOperationAST,
  getVariableValues,
  GraphQLError,
  Kind,
  parse,
  validate,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLResolveInfo,
  type OperationDefinitionNode,
} from 'graphql';
import { runBulkMutation, runBulkQuery, stagedTarget, type BulkEnvironment } from './bulk-operations.ts';
import type { CostBucket, ThrottleStatus } from './cost-bucket.ts';
import { requestError, setQuantities, type SetQuantitiesInput } from './inventory-set-quantities.ts';
import { actualCost, requestedCost } from './query-cost.ts';
import { syntaxError, validationErrors, variableErrors, type WireError } from './request-errors.ts';
import type { ItemRecord, ShopState } from './state.ts';
import {
  bulkView,
  connection,
  groupView,
  itemView,
  locationView,
  nodeById,
  type ExecutionContext,
  type PageArgs,
  variantOf,
  variantView,
} from './views.ts';

/** The single-query limit: "A single query to the API cannot exceed a cost of 1000." */
export const MAX_QUERY_COST = 1000;
/** "Input arguments that accept an array have a maximum size of 250 for all APIs." */
export const MAX_INPUT_ARRAY = 250;

/** An answer to send: HTTP status and JSON body, and whether a mutation ran (for faults.dropAfterApply). */
export interface EndpointAnswer {
  readonly status: number;
  readonly body: unknown;
  readonly mutationExecuted: boolean;
}

/** What the endpoint needs from the server. */
export interface EndpointEnvironment extends Omit<BulkEnvironment, 'run'> {
  readonly bucket: CostBucket;
}

/** A parsed request body. */
export interface GraphqlRequest {
  readonly query: string;
  readonly variables: Readonly<Record<string, unknown>>;
  readonly operationName: string | undefined;
}

const THROTTLED_DOC = 'https://shopify.dev/api/usage/rate-limits';

const costExtension = (requested: number, actual: number | null, status: ThrottleStatus) => ({
  cost: { requestedQueryCost: requested, actualQueryCost: actual, throttleStatus: status },
});

/** Shopify's THROTTLED answer: HTTP 200, nothing executed, `actualQueryCost` null. */
const throttledAnswer = (requested: number, status: ThrottleStatus): EndpointAnswer => ({
  status: 200,
  body: {
    errors: [{ message: 'Throttled', extensions: { code: 'THROTTLED', documentation: THROTTLED_DOC } }],
    extensions: costExtension(requested, null, status),
  },
  mutationExecuted: false,
});

// `inventoryItems(query:)` search: `sku:VALUE` and `id:N` terms (values may be quoted, a trailing * matches a
// prefix), joined by OR. Other terms match nothing here, where Shopify would search free text.
const itemMatcher = (query: string | null | undefined): ((item: ItemRecord) => boolean) => {
  if (query == null || query.trim() === '') return () => true;
  const terms = query.split(/\s+OR\s+/i).map((term) => {
    const match = /^\s*(sku|id):\s*(?:'([^']*)'|"([^"]*)"|(\S+))\s*$/i.exec(term);
    if (match === null) return () => false;
    const field = match[1]!.toLowerCase();
    const value = match[2] ?? match[3] ?? match[4] ?? '';
    if (field === 'id') return (item: ItemRecord) => String(item.num) === value || item.id === value;
    const lower = value.toLowerCase();
    return lower.endsWith('*')
      ? (item: ItemRecord) => item.sku.toLowerCase().startsWith(lower.slice(0, -1))
      : (item: ItemRecord) => item.sku.toLowerCase() === lower;
  });
  return (item) => terms.some((matches) => matches(item));
};

// `bulkOperations(query:)`: `status:X` and `operation_type:Y` filters, joined by AND.
const bulkMatcher = (query: string | null | undefined) => {
  const status = /status:(\w+)/i.exec(query ?? '')?.[1]?.toUpperCase();
  const type = /operation_type:(\w+)/i.exec(query ?? '')?.[1]?.toUpperCase();
  return (b: { status: string; type: string }) =>
    (status === undefined || b.status === status) && (type === undefined || b.type === type);
};

const fragmentsOf = (document: DocumentNode): Map<string, FragmentDefinitionNode> =>
  new Map(
    document.definitions
      .filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION)
      .map((d) => [d.name.value, d]),
  );

/** The root value: Shopify's query and mutation fields over the shop state. */
const rootValue = (env: EndpointEnvironment, bulkEnv: BulkEnvironment) => {
  const { state } = env;
  // A connection over the items matching `query:`, each seen as `view` shows it (an item, or its variant).
  const itemsAs =
    (view: (state: ShopState, item: ItemRecord, context: ExecutionContext) => object) =>
    (args: PageArgs & { query?: string | null }, context: ExecutionContext) =>
      connection(
        [...state.items.values()].filter(itemMatcher(args.query)),
        (i) => i.num,
        args,
        context,
        (i) => view(state, i, context),
      );
  return {
    // QueryRoot
    inventoryItem: ({ id }: { id: string }, context: ExecutionContext) => {
      const item = state.items.get(id);
      return item === undefined ? null : itemView(state, item, context);
    },
    inventoryItems: itemsAs(itemView),
    location: ({ id }: { id?: string | null }, context: ExecutionContext) => {
      const location =
        id == null ? [...state.locations.values()].sort((a, b) => a.num - b.num)[0] : state.locations.get(id);
      return location === undefined ? null : locationView(state, location, context);
    },
    locations: (args: PageArgs, context: ExecutionContext) =>
      connection(
        [...state.locations.values()],
        (l) => l.num,
        args,
        context,
        (l) => locationView(state, l, context),
      ),
    // Every item is its own variant's (see `variantId`): the variants are the items, searched alike by `sku:`.
    productVariant: ({ id }: { id: string }, context: ExecutionContext) => {
      const item = variantOf(state, id);
      return item === undefined ? null : variantView(state, item, context);
    },
    productVariants: itemsAs(variantView),
    node: ({ id }: { id: string }, context: ExecutionContext) => nodeById(state, id, context),
    nodes: ({ ids }: { ids: ReadonlyArray<string> }, context: ExecutionContext) =>
      ids.map((id) => nodeById(state, id, context)),
    bulkOperation: ({ id }: { id: string }) => {
      const bulk = state.bulkOperations.get(id);
      return bulk === undefined ? null : bulkView(bulk);
    },
    bulkOperations: (args: PageArgs & { query?: string | null }, context: ExecutionContext) => {
      // Newest first, like Shopify's default CREATED_AT sort: page over the reversed numbering.
      const matching = [...state.bulkOperations.values()].filter(bulkMatcher(args.query));
      return connection(matching, (b) => -b.num, args, context, bulkView);
    },
    currentAppInstallation: () => ({
      __typename: 'AppInstallation',
      id: 'gid://shopify/AppInstallation/1',
      accessScopes: state.accessScopes.map((handle) => ({ handle, description: handle })),
    }),
    currentBulkOperation: ({ type }: { type: 'QUERY' | 'MUTATION' }) => {
      const latest = [...state.bulkOperations.values()].filter((b) => b.type === type).sort((a, b) => b.num - a.num)[0];
      return latest === undefined ? null : bulkView(latest);
    },
    // Mutation
    inventorySetQuantities: (
      { input }: { input: SetQuantitiesInput },
      context: ExecutionContext,
      info: GraphQLResolveInfo,
    ) => {
      const directive = env.schema.getDirective('idempotent')!;
      const key = getDirectiveValues(directive, info.fieldNodes[0]!, info.variableValues)?.key;
      const error = requestError(input, typeof key === 'string' ? key : undefined);
      if (error !== undefined) throw error;
      const payload = setQuantities(state, input, key as string);
      return {
        inventoryAdjustmentGroup:
          payload.inventoryAdjustmentGroup === null
            ? null
            : groupView(state, payload.inventoryAdjustmentGroup, context),
        userErrors: payload.userErrors,
      };
    },
    stagedUploadsCreate: ({
      input,
    }: {
      input: ReadonlyArray<{ resource: string; filename: string; mimeType: string; httpMethod?: string | null }>;
    }) => ({
      stagedTargets: input.map((target) => stagedTarget(bulkEnv, target)),
      userErrors: [],
    }),
    bulkOperationRunMutation: ({ mutation, stagedUploadPath }: { mutation: string; stagedUploadPath: string }) => {
      const result = runBulkMutation(bulkEnv, mutation, stagedUploadPath);
      return {
        bulkOperation: result.bulkOperation === null ? null : bulkView(result.bulkOperation),
        userErrors: result.userErrors,
      };
    },
    bulkOperationRunQuery: ({ query }: { query: string }) => {
      const result = runBulkQuery(bulkEnv, query);
      return {
        bulkOperation: result.bulkOperation === null ? null : bulkView(result.bulkOperation),
        userErrors: result.userErrors,
      };
    },
  };
};

// The first array over MAX_INPUT_ARRAY in an argument value, as a path below the argument.
const oversizedArray = (
  value: unknown,
  path: ReadonlyArray<string | number>,
): { path: ReadonlyArray<string | number>; size: number } | undefined => {
  if (Array.isArray(value)) {
    if (value.length > MAX_INPUT_ARRAY) return { path, size: value.length };
    for (const [i, element] of value.entries()) {
      const found = oversizedArray(element, [...path, i]);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (typeof value === 'object' && value !== null) {
    for (const [key, element] of Object.entries(value)) {
      const found = oversizedArray(element, [...path, key]);
      if (found !== undefined) return found;
    }
  }
  return undefined;
};

/** A request handler for one server. */
export const graphqlEndpoint = (env: EndpointEnvironment) => {
  const context = (bulk: boolean): ExecutionContext => ({ bulk });
  const bulkEnv: BulkEnvironment = {
    ...env,
    run: (document, variables, bulk) => {
      const operation = getOperationAST(document);
      if (operation == null) return { errors: [{ message: 'An operation name is required' }] };
      const problems = variableErrors(env.schema, operation, variables);
      if (problems.length > 0) return { errors: problems };
      const result = executeSync({
        schema: env.schema,
        document,
        rootValue: root,
        contextValue: context(bulk),
        variableValues: variables,
      });
      return {
        ...(result.errors === undefined ? {} : { errors: result.errors.map((e) => e.toJSON()) }),
        data: (result.data ?? null) as Record<string, unknown> | null,
      };
    },
  };
  const root = rootValue(env, bulkEnv);

  const requestErrors = (errors: ReadonlyArray<WireError>): EndpointAnswer => ({
    status: 200,
    body: { errors },
    mutationExecuted: false,
  });

  /** Answers one request; `throttle` answers THROTTLED after pricing (faults.throttle). */
  const handle = (request: GraphqlRequest, throttle: boolean): EndpointAnswer => {
    let document: DocumentNode;
    try {
      document = parse(request.query);
    } catch (error) {
      return requestErrors([syntaxError(error instanceof GraphQLError ? error : new GraphQLError(String(error)))]);
    }
    const invalid = validate(env.schema, document);
    if (invalid.length > 0) return requestErrors(validationErrors(document, invalid));
    const operation: OperationDefinitionNode | null | undefined = getOperationAST(document, request.operationName);
    if (operation == null) {
      return requestErrors([
        {
          message:
            request.operationName === undefined
              ? 'An operation name is required'
              : `No operation named "${request.operationName}"`,
        },
      ]);
    }
    const problems = variableErrors(env.schema, operation, request.variables);
    if (problems.length > 0) return requestErrors(problems);
    const coerced = getVariableValues(env.schema, operation.variableDefinitions ?? [], request.variables);
    if (coerced.errors !== undefined)
      return requestErrors(
        coerced.errors.map((e) => ({ message: e.message, extensions: { code: 'INVALID_VARIABLE' } })),
      );
    const fragments = fragmentsOf(document);
    const requested = requestedCost(env.schema, operation, fragments, coerced.variableValues);
    if (throttle) {
      env.state.stats.throttled += 1;
      return throttledAnswer(requested, env.bucket.status());
    }
    if (requested > MAX_QUERY_COST) {
      return {
        status: 200,
        body: {
          errors: [
            {
              message: `Query cost is ${requested}, which exceeds the single query max cost limit (${MAX_QUERY_COST}).\n\nSee https://shopify.dev/concepts/about-apis/rate-limits for more information on how the\ncost of a query is calculated.\n\nTo query larger amounts of data with fewer limits, bulk operations should be used instead.\nSee https://shopify.dev/tutorials/perform-bulk-operations-with-admin-api for usage details.\n`,
              extensions: {
                code: 'MAX_COST_EXCEEDED',
                cost: requested,
                maxCost: MAX_QUERY_COST,
                documentation: THROTTLED_DOC,
              },
            },
          ],
          extensions: costExtension(requested, null, env.bucket.status()),
        },
        mutationExecuted: false,
      };
    }
    const rootType = operation.operation === 'mutation' ? env.schema.getMutationType()! : env.schema.getQueryType()!;
    for (const selection of operation.selectionSet.selections) {
      if (selection.kind !== Kind.FIELD) continue;
      const field: FieldNode = selection;
      const def = rootType.getFields()[field.name.value];
      if (def === undefined) continue;
      const found = oversizedArray(getArgumentValues(def, field, coerced.variableValues), []);
      if (found === undefined) continue;
      const at = field.loc?.startToken;
      return {
        status: 200,
        body: {
          errors: [
            {
              message: `The input array size of ${found.size} is greater than the maximum allowed of ${MAX_INPUT_ARRAY}.`,
              ...(at === undefined ? {} : { locations: [{ line: at.line, column: at.column }] }),
              path: [field.alias?.value ?? field.name.value, ...found.path],
              extensions: { code: 'MAX_INPUT_SIZE_EXCEEDED' },
            },
          ],
          extensions: costExtension(requested, null, env.bucket.status()),
        },
        mutationExecuted: false,
      };
    }
    if (!env.bucket.take(requested)) {
      env.state.stats.throttled += 1;
      return throttledAnswer(requested, env.bucket.status());
    }
    const result = executeSync({
      schema: env.schema,
      document,
      rootValue: root,
      contextValue: context(false),
      variableValues: request.variables,
      ...(request.operationName === undefined ? {} : { operationName: request.operationName }),
    });
    const actual = Math.min(
      requested,
      actualCost(
        env.schema,
        operation,
        fragments,
        coerced.variableValues,
        result.data as Record<string, unknown> | null | undefined,
      ),
    );
    env.bucket.refund(requested - actual);
    env.state.stats.pointsSpent += actual;
    return {
      status: 200,
      body: {
        ...(result.errors === undefined ? {} : { errors: result.errors.map((e) => e.toJSON()) }),
        ...(result.data === undefined ? {} : { data: result.data }),
        extensions: costExtension(requested, actual, env.bucket.status()),
      },
      mutationExecuted: operation.operation === 'mutation',
    };
  };

  return { handle };
};
