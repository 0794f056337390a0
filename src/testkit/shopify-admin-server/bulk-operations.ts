/**
 * Staged uploads and bulk operations on the local server. Shopify stages a bulk mutation's JSONL in Google Cloud
 * Storage; here the upload target is this same server (`${url}/staged-uploads/`, multipart POST like Shopify's
 * target, or a raw PUT to `${url}/staged-uploads/<key>`), the `stagedUploadPath` is the `key` parameter, and results
 * are served from `${url}/bulk-results/<n>.jsonl`. Operations run asynchronously on timers owned by the server:
 * CREATED when returned, RUNNING from the next tick, COMPLETED once every line ran (`bulkRowDelayMs` a line).
 */
import { randomUUID } from 'node:crypto';
import {
  getNamedType,
  GraphQLError,
  isObjectType,
  Kind,
  parse,
  validate,
  type DocumentNode,
  type FieldNode,
  type GraphQLObjectType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import { isoNow, type BulkRecord, type ShopState } from './state.ts';

/** Runs one operation of a document through the server's resolvers, uncharged, as a bulk line or a bulk query. */
export type RunOperation = (
  document: DocumentNode,
  variables: Readonly<Record<string, unknown>>,
  bulk: boolean,
) => { readonly errors?: ReadonlyArray<unknown>; readonly data?: Readonly<Record<string, unknown>> | null };

/** What the bulk machinery needs from the server. */
export interface BulkEnvironment {
  readonly state: ShopState;
  readonly schema: GraphQLSchema;
  readonly baseUrl: () => string;
  readonly rowDelayMs: number;
  readonly schedule: (run: () => void, delayMs: number) => void;
  readonly run: RunOperation;
}

// "You can run up to five bulk mutation operations at a time per shop" from 2026-01 on (bulk import guide); the
// same number is used for queries (changelog "Five concurrent operations").
const CONCURRENT_OPERATIONS = 5;
// The staged-upload policy's content-length-range ends at 104857600 bytes ("100 MB").
export const MAX_UPLOAD_BYTES = 104_857_600;
// Shopify's description of LIMIT_REACHED (BulkOperationUserErrorCode), answered while the limit fault lasts.
const LIMIT_REACHED_MESSAGE = 'Bulk operations limit reached. Please try again later.';

/** Whether a `faults.bulkLimitReached` is due: it takes one and says so. */
const limitReached = (state: ShopState): boolean => {
  if (state.faults.bulkLimitReached <= 0) return false;
  state.faults.bulkLimitReached -= 1;
  return true;
};

// Mutations a bulk mutation may run on this server: the one the sync uses.
const BULK_MUTATIONS = new Set(['inventorySetQuantities']);

interface UserError {
  readonly field: ReadonlyArray<string> | null;
  readonly message: string;
  readonly code: string | null;
}

/** One target of `stagedUploadsCreate`. */
export const stagedTarget = (
  env: BulkEnvironment,
  input: { resource: string; filename: string; mimeType: string; httpMethod?: string | null },
) => {
  const folder = input.resource === 'BULK_MUTATION_VARIABLES' ? 'bulk' : input.resource.toLowerCase();
  const key = `tmp/${env.state.shopNum}/${folder}/${randomUUID()}/${input.filename}`;
  env.state.uploadKeys.add(key);
  if (input.httpMethod === 'POST') {
    const url = `${env.baseUrl()}/staged-uploads/`;
    return {
      url,
      resourceUrl: url,
      parameters: [
        { name: 'Content-Type', value: input.mimeType },
        { name: 'success_action_status', value: '201' },
        { name: 'acl', value: 'private' },
        { name: 'key', value: key },
      ],
    };
  }
  const url = `${env.baseUrl()}/staged-uploads/${key}`;
  return {
    url,
    resourceUrl: url,
    parameters: [
      { name: 'content_type', value: input.mimeType },
      { name: 'acl', value: 'private' },
    ],
  };
};

const inProgress = (state: ShopState, type: BulkRecord['type']): BulkRecord[] =>
  [...state.bulkOperations.values()].filter(
    (b) => b.type === type && (b.status === 'CREATED' || b.status === 'RUNNING' || b.status === 'CANCELING'),
  );

const newOperation = (state: ShopState, type: BulkRecord['type'], query: string): BulkRecord => {
  state.counters.bulk += 1;
  state.stats.bulkOperations += 1;
  const record: BulkRecord = {
    id: `gid://shopify/BulkOperation/${state.counters.bulk}`,
    num: state.counters.bulk,
    type,
    query,
    createdAt: isoNow(),
    status: 'CREATED',
    completedAt: null,
    objectCount: 0,
    rootObjectCount: 0,
    fileSize: null,
    url: null,
    errorCode: null,
  };
  state.bulkOperations.set(record.id, record);
  return record;
};

const complete = (env: BulkEnvironment, operation: BulkRecord, lines: ReadonlyArray<string>): void => {
  const jsonl = lines.map((line) => `${line}\n`).join('');
  operation.status = 'COMPLETED';
  operation.completedAt = isoNow();
  if (lines.length > 0) {
    env.state.bulkResults.set(String(operation.num), jsonl);
    operation.url = `${env.baseUrl()}/bulk-results/${operation.num}.jsonl`;
    operation.fileSize = Buffer.byteLength(jsonl);
  }
};

const single = (document: DocumentNode): OperationDefinitionNode | undefined => {
  const operations = document.definitions.filter(
    (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
  );
  return operations.length === 1 ? operations[0] : undefined;
};

/** `bulkOperationRunMutation`: checks as Shopify does (captured messages), then runs every line asynchronously. */
export const runBulkMutation = (
  env: BulkEnvironment,
  mutation: string,
  stagedUploadPath: string,
): { bulkOperation: BulkRecord | null; userErrors: UserError[] } => {
  const fail = (message: string, code: string | null, field: ReadonlyArray<string> | null = null) => ({
    bulkOperation: null,
    userErrors: [{ field, message, code }],
  });
  const file = env.state.uploads.get(stagedUploadPath);
  if (file === undefined) {
    return fail(
      "The JSONL file could not be found. Try uploading the file again, and check that you've entered the URL correctly for the stagedUploadPath mutation argument.",
      'NO_SUCH_FILE',
    );
  }
  let document: DocumentNode;
  try {
    document = parse(mutation);
  } catch (error) {
    const at = error instanceof GraphQLError ? error.locations?.[0] : undefined;
    const description = error instanceof Error ? error.message.replace(/^Syntax Error: /, '') : String(error);
    return fail(
      `Failed to parse the mutation - syntax error, ${description}${at === undefined ? '' : ` at [${at.line}, ${at.column}]`}`,
      'INVALID_MUTATION',
    );
  }
  const operation = single(document);
  const root = operation?.selectionSet.selections[0];
  if (
    operation?.operation !== 'mutation' ||
    operation.selectionSet.selections.length !== 1 ||
    root?.kind !== Kind.FIELD ||
    !BULK_MUTATIONS.has(root.name.value)
  ) {
    return fail('You must use an allowed mutation name.', null, ['mutation']);
  }
  // Shopify's wording for a mutation that does not validate is not captured; this server names the first problem.
  const invalid = validate(env.schema, document);
  if (invalid.length > 0) return fail(`Invalid mutation: ${invalid[0]!.message}`, 'INVALID_MUTATION');
  if (file.length === 0) return fail('The input file is empty.', 'INVALID_STAGED_UPLOAD_FILE');
  if (file.length > MAX_UPLOAD_BYTES)
    return fail('The input file size exceeds the maximum allowed size of 100 MB.', 'INVALID_STAGED_UPLOAD_FILE');
  const lines = file
    .toString('utf8')
    .split('\n')
    .filter((line) => line.trim() !== '');
  const variables: Array<Record<string, unknown>> = [];
  for (const [index, line] of lines.entries()) {
    try {
      const value: unknown = JSON.parse(line);
      if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('not an object');
      variables.push(value as Record<string, unknown>);
    } catch {
      // Shopify's message for a bad line is not captured; the code is the documented one for an invalid file.
      return fail(`The JSONL file is invalid: line ${index + 1} is not a JSON object.`, 'INVALID_STAGED_UPLOAD_FILE');
    }
  }
  if (limitReached(env.state)) return fail(LIMIT_REACHED_MESSAGE, 'LIMIT_REACHED');
  const running = inProgress(env.state, 'MUTATION');
  if (running.length >= CONCURRENT_OPERATIONS) {
    return fail(
      `A bulk mutation operation for this app and shop is already in progress: ${running.map((b) => b.id).join(', ')}.`,
      'OPERATION_IN_PROGRESS',
    );
  }
  const bulk = newOperation(env.state, 'MUTATION', mutation);
  const out: string[] = [];
  const step = (index: number) => () => {
    const result = env.run(document, variables[index]!, false);
    // Each result line is the mutation's response plus the zero-based `__lineNumber` of its input line.
    out.push(
      JSON.stringify({
        ...(result.errors === undefined ? {} : { errors: result.errors }),
        data: result.data ?? null,
        __lineNumber: index,
      }),
    );
    bulk.objectCount = index + 1;
    bulk.rootObjectCount = index + 1;
    if (index + 1 < variables.length) env.schedule(step(index + 1), env.rowDelayMs);
    else complete(env, bulk, out);
  };
  env.schedule(() => {
    bulk.status = 'RUNNING';
    env.schedule(step(0), env.rowDelayMs);
  }, 0);
  return { bulkOperation: bulk, userErrors: [] };
};

const isConnectionField = (type: GraphQLObjectType, node: FieldNode): GraphQLObjectType | undefined => {
  const def = type.getFields()[node.name.value];
  if (def === undefined) return undefined;
  const named = getNamedType(def.type);
  return isObjectType(named) && named.name.endsWith('Connection') ? named : undefined;
};

// The node type and selection of a connection field (`edges { node { … } }` or `nodes { … }`).
const nodeSelection = (
  connection: GraphQLObjectType,
  selectionSet: SelectionSetNode | undefined,
): { type: GraphQLObjectType; selectionSet: SelectionSetNode; key: string; viaEdges: boolean } | undefined => {
  for (const selection of selectionSet?.selections ?? []) {
    if (selection.kind !== Kind.FIELD) continue;
    if (selection.name.value === 'nodes' && selection.selectionSet !== undefined) {
      const type = getNamedType(connection.getFields().nodes!.type);
      if (isObjectType(type))
        return { type, selectionSet: selection.selectionSet, key: selection.alias?.value ?? 'nodes', viaEdges: false };
    }
    if (selection.name.value === 'edges') {
      const edgeType = getNamedType(connection.getFields().edges!.type) as GraphQLObjectType;
      const nodeField = selection.selectionSet?.selections.find(
        (s): s is FieldNode => s.kind === Kind.FIELD && s.name.value === 'node',
      );
      const type = getNamedType(edgeType.getFields().node!.type);
      if (nodeField?.selectionSet !== undefined && isObjectType(type))
        return { type, selectionSet: nodeField.selectionSet, key: selection.alias?.value ?? 'edges', viaEdges: true };
    }
  }
  return undefined;
};

const connectionStats = (
  type: GraphQLObjectType,
  selectionSet: SelectionSetNode,
  depth: number,
): { count: number; depth: number } => {
  let count = 0;
  let deepest = 0;
  for (const selection of selectionSet.selections) {
    if (selection.kind !== Kind.FIELD || selection.selectionSet === undefined) continue;
    const connection = isConnectionField(type, selection);
    if (connection !== undefined) {
      count += 1;
      deepest = Math.max(deepest, depth + 1);
      const node = nodeSelection(connection, selection.selectionSet);
      if (node !== undefined) {
        const inner = connectionStats(node.type, node.selectionSet, depth + 1);
        count += inner.count;
        deepest = Math.max(deepest, inner.depth);
      }
      continue;
    }
    const named = getNamedType(type.getFields()[selection.name.value]?.type);
    if (named !== undefined && isObjectType(named)) {
      const inner = connectionStats(named, selection.selectionSet, depth);
      count += inner.count;
      deepest = Math.max(deepest, inner.depth);
    }
  }
  return { count, depth: deepest };
};

// Bulk query JSONL: each connection node on its own line without its nested connections; nodes of a nested
// connection follow as their own lines with `__parentId` set to the parent node's `id` (bulk query guide).
const flatten = (
  type: GraphQLObjectType,
  selectionSet: SelectionSetNode,
  value: Record<string, unknown>,
  parentId: string | undefined,
  out: string[],
): void => {
  const own: Record<string, unknown> = { ...value };
  const nested: Array<() => void> = [];
  for (const selection of selectionSet.selections) {
    if (selection.kind !== Kind.FIELD) continue;
    const key = selection.alias?.value ?? selection.name.value;
    const connection = isConnectionField(type, selection);
    if (connection === undefined) continue;
    delete own[key];
    const node = nodeSelection(connection, selection.selectionSet);
    const container = value[key] as Record<string, unknown> | null | undefined;
    if (node === undefined || container == null) continue;
    const list = (container[node.key] as ReadonlyArray<Record<string, unknown>> | undefined) ?? [];
    const nodes = node.viaEdges ? list.map((edge) => edge.node as Record<string, unknown>) : list;
    const id = typeof value.id === 'string' ? value.id : undefined;
    nested.push(() => {
      for (const child of nodes) flatten(node.type, node.selectionSet, child, id, out);
    });
  }
  out.push(JSON.stringify(parentId === undefined ? own : { ...own, __parentId: parentId }));
  for (const emit of nested) emit();
};

/** `bulkOperationRunQuery`: at least one connection, at most five, nested at most two deep; runs asynchronously. */
export const runBulkQuery = (
  env: BulkEnvironment,
  query: string,
): { bulkOperation: BulkRecord | null; userErrors: UserError[] } => {
  // Shopify's wording of these rejections is not captured; the code INVALID is the documented one.
  const fail = (message: string, code: string) => ({
    bulkOperation: null,
    userErrors: [{ field: ['query'], message, code }],
  });
  let document: DocumentNode;
  try {
    document = parse(query);
  } catch (error) {
    return fail(`Invalid bulk query: ${error instanceof Error ? error.message : String(error)}`, 'INVALID');
  }
  const invalid = validate(env.schema, document);
  if (invalid.length > 0) return fail(`Invalid bulk query: ${invalid[0]!.message}`, 'INVALID');
  const operation = single(document);
  const queryType = env.schema.getQueryType()!;
  if (operation === undefined || operation.operation !== 'query')
    return fail('Bulk queries must contain exactly one query operation.', 'INVALID');
  const stats = connectionStats(queryType, operation.selectionSet, 0);
  if (stats.count === 0) return fail('Bulk queries must contain at least one connection.', 'INVALID');
  if (stats.count > 5) return fail('Bulk queries cannot contain more than 5 connections.', 'INVALID');
  if (stats.depth > 2)
    return fail('Bulk queries cannot contain connections with a nesting depth greater than 2.', 'INVALID');
  if (limitReached(env.state)) return fail(LIMIT_REACHED_MESSAGE, 'LIMIT_REACHED');
  const running = inProgress(env.state, 'QUERY');
  if (running.length >= CONCURRENT_OPERATIONS) {
    return fail(
      `A bulk query operation for this app and shop is already in progress: ${running.map((b) => b.id).join(', ')}.`,
      'OPERATION_IN_PROGRESS',
    );
  }
  const bulk = newOperation(env.state, 'QUERY', query);
  env.schedule(() => {
    bulk.status = 'RUNNING';
    const result = env.run(document, {}, true);
    const out: string[] = [];
    let roots = 0;
    if (result.errors === undefined && result.data != null) {
      for (const selection of operation.selectionSet.selections) {
        if (selection.kind !== Kind.FIELD) continue;
        const connection = isConnectionField(queryType, selection);
        const node = connection === undefined ? undefined : nodeSelection(connection, selection.selectionSet);
        const container = result.data[selection.alias?.value ?? selection.name.value] as
          | Record<string, unknown>
          | null
          | undefined;
        if (node === undefined || container == null) continue;
        const list = (container[node.key] as ReadonlyArray<Record<string, unknown>> | undefined) ?? [];
        for (const entry of list) {
          roots += 1;
          flatten(
            node.type,
            node.selectionSet,
            node.viaEdges ? (entry.node as Record<string, unknown>) : entry,
            undefined,
            out,
          );
        }
      }
    }
    bulk.objectCount = out.length;
    bulk.rootObjectCount = roots;
    env.schedule(() => {
      if (result.errors !== undefined) {
        bulk.status = 'FAILED';
        bulk.errorCode = 'INTERNAL_SERVER_ERROR';
        bulk.completedAt = isoNow();
        return;
      }
      complete(env, bulk, out);
    }, env.rowDelayMs * out.length);
  }, 0);
  return { bulkOperation: bulk, userErrors: [] };
};
