/**
 * Shopify's calculated query cost, computed from the document before execution (requested) and from the result after
 * it (actual). Documented rules: scalar and enum 0, object 1, connection 2 + page size × one node, mutation 10,
 * interface and union the maximum over their possible types. Where the docs are silent the server chose rules that
 * reproduce Shopify's captured numbers for `inventorySetQuantities` (requested 13 for a group with changes, item and
 * location; actual 10 when the group is null):
 * - a root mutation field costs 10 and its payload object nothing more;
 * - a plain list of objects (`changes`, `userErrors`, `quantities`) costs what one element's selection costs;
 * - `pageInfo` costs nothing; a connection selecting both `edges { node }` and `nodes` pays for the costlier one.
 * Shopify's own numbers for nested connections do not always follow the documented rule, so query costs here are an
 * approximation; mutation costs match.
 */
import {
  getArgumentValues,
  getNamedType,
  isAbstractType,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
  Kind,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLObjectType,
  type GraphQLOutputType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type VariableValues,
} from 'graphql';

interface CostContext {
  readonly schema: GraphQLSchema;
  readonly fragments: ReadonlyMap<string, FragmentDefinitionNode>;
  readonly variables: VariableValues;
}

const MUTATION_COST = 10;
const CONNECTION_COST = 2;
const OBJECT_COST = 1;

const unwrapList = (type: GraphQLOutputType): boolean => isListType(isNonNullType(type) ? type.ofType : type);
const isConnection = (type: GraphQLOutputType): boolean => getNamedType(type).name.endsWith('Connection');

/** The fields of a selection set that apply to `type`, with fragments spread in. */
const fieldsOf = (ctx: CostContext, type: GraphQLObjectType, selectionSet: SelectionSetNode): FieldNode[] =>
  selectionSet.selections.flatMap((selection): FieldNode[] => {
    if (selection.kind === Kind.FIELD) return [selection];
    const fragment = selection.kind === Kind.INLINE_FRAGMENT ? selection : ctx.fragments.get(selection.name.value);
    if (fragment === undefined) return [];
    const condition = fragment.typeCondition?.name.value;
    if (condition !== undefined && condition !== type.name && !type.getInterfaces().some((i) => i.name === condition))
      return [];
    return fieldsOf(ctx, type, fragment.selectionSet);
  });

const possibleObjects = (ctx: CostContext, type: GraphQLCompositeType): ReadonlyArray<GraphQLObjectType> =>
  isObjectType(type) ? [type] : isAbstractType(type) ? ctx.schema.getPossibleTypes(type) : [];

const pageSize = (ctx: CostContext, parent: GraphQLObjectType, node: FieldNode): number => {
  const def = parent.getFields()[node.name.value];
  if (def === undefined) return 0;
  const args = getArgumentValues(def, node, ctx.variables);
  const first = typeof args.first === 'number' ? args.first : undefined;
  const last = typeof args.last === 'number' ? args.last : undefined;
  return Math.max(0, first ?? last ?? 0);
};

// Cost of one object of `type` selected with `selectionSet` (the object itself excluded).
const selectionCost = (
  ctx: CostContext,
  type: GraphQLCompositeType,
  selectionSet: SelectionSetNode | undefined,
): number => {
  if (selectionSet === undefined) return 0;
  const costs = possibleObjects(ctx, type).map((object) =>
    fieldsOf(ctx, object, selectionSet).reduce((sum, node) => sum + fieldCost(ctx, object, node), 0),
  );
  return costs.length === 0 ? 0 : Math.max(...costs);
};

// Cost of one node of a connection type: the costlier of `edges { node }` and `nodes`.
const connectionNodeCost = (
  ctx: CostContext,
  connectionType: GraphQLObjectType,
  selectionSet: SelectionSetNode | undefined,
): number => {
  if (selectionSet === undefined) return 0;
  const costs = fieldsOf(ctx, connectionType, selectionSet).map((node) => {
    const def = connectionType.getFields()[node.name.value];
    if (def === undefined || node.name.value === 'pageInfo') return 0;
    const named = getNamedType(def.type);
    if (node.name.value === 'nodes')
      return OBJECT_COST + selectionCost(ctx, named as GraphQLCompositeType, node.selectionSet);
    if (node.name.value === 'edges' && isObjectType(named)) {
      return Math.max(
        0,
        ...fieldsOf(ctx, named, node.selectionSet!).map((edgeField) => fieldCost(ctx, named, edgeField)),
      );
    }
    return 0;
  });
  return costs.length === 0 ? 0 : Math.max(...costs);
};

function fieldCost(ctx: CostContext, parent: GraphQLObjectType, node: FieldNode): number {
  if (node.name.value.startsWith('__')) return 0;
  const def = parent.getFields()[node.name.value];
  if (def === undefined) return 0;
  const named = getNamedType(def.type);
  if (isLeafType(named)) return 0;
  const composite = named as GraphQLCompositeType;
  if (isConnection(def.type) && isObjectType(named))
    return CONNECTION_COST + pageSize(ctx, parent, node) * connectionNodeCost(ctx, named, node.selectionSet);
  const children = selectionCost(ctx, composite, node.selectionSet);
  return unwrapList(def.type) ? children : OBJECT_COST + children;
}

/** The requested cost of an operation. */
export const requestedCost = (
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
  variables: VariableValues,
): number => {
  const ctx: CostContext = { schema, fragments, variables };
  const root = operation.operation === 'mutation' ? schema.getMutationType() : schema.getQueryType();
  if (root == null) return 0;
  return fieldsOf(ctx, root, operation.selectionSet).reduce((sum, node) => {
    if (operation.operation !== 'mutation' || node.name.value.startsWith('__')) return sum + fieldCost(ctx, root, node);
    const def = root.getFields()[node.name.value];
    return (
      sum +
      MUTATION_COST +
      (def === undefined ? 0 : selectionCost(ctx, getNamedType(def.type) as GraphQLCompositeType, node.selectionSet))
    );
  }, 0);
};

// Actual cost of a value of `type` already produced by execution.
const actualOfValue = (
  ctx: CostContext,
  type: GraphQLOutputType,
  value: unknown,
  node: FieldNode,
  countObject: boolean,
): number => {
  if (value === null || value === undefined) return 0;
  const named = getNamedType(type);
  if (isLeafType(named)) return 0;
  if (isConnection(type) && isObjectType(named)) {
    const connection = value as Record<string, unknown>;
    const fields = node.selectionSet === undefined ? [] : fieldsOf(ctx, named, node.selectionSet);
    const perField = fields.map((field) => {
      const key = field.alias?.value ?? field.name.value;
      const def = named.getFields()[field.name.value];
      const list = connection[key];
      if (def === undefined || !Array.isArray(list) || field.name.value === 'pageInfo') return 0;
      return list.reduce(
        (sum: number, element: unknown) =>
          sum +
          (field.name.value === 'edges'
            ? actualOfSelection(ctx, getNamedType(def.type) as GraphQLCompositeType, element, field)
            : OBJECT_COST + actualOfSelection(ctx, getNamedType(def.type) as GraphQLCompositeType, element, field)),
        0,
      );
    });
    return CONNECTION_COST + Math.max(0, ...perField);
  }
  if (Array.isArray(value))
    return Math.max(0, ...value.map((element) => actualOfValue(ctx, type, element, node, false)));
  return (countObject ? OBJECT_COST : 0) + actualOfSelection(ctx, named as GraphQLCompositeType, value, node);
};

function actualOfSelection(ctx: CostContext, type: GraphQLCompositeType, value: unknown, node: FieldNode): number {
  if (value === null || typeof value !== 'object' || node.selectionSet === undefined) return 0;
  const record = value as Record<string, unknown>;
  const costs = possibleObjects(ctx, type).map((object) =>
    fieldsOf(ctx, object, node.selectionSet!).reduce((sum, field) => {
      const def = object.getFields()[field.name.value];
      if (def === undefined || field.name.value.startsWith('__')) return sum;
      return (
        sum + actualOfValue(ctx, def.type, record[field.alias?.value ?? field.name.value], field, !unwrapList(def.type))
      );
    }, 0),
  );
  return costs.length === 0 ? 0 : Math.max(...costs);
}

/** The actual cost of an executed operation, from its result data (a list of objects counts like one element). */
export const actualCost = (
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
  variables: VariableValues,
  data: Readonly<Record<string, unknown>> | null | undefined,
): number => {
  const ctx: CostContext = { schema, fragments, variables };
  const root = operation.operation === 'mutation' ? schema.getMutationType() : schema.getQueryType();
  if (root == null) return 0;
  return fieldsOf(ctx, root, operation.selectionSet).reduce((sum, node) => {
    const def = root.getFields()[node.name.value];
    if (def === undefined || node.name.value.startsWith('__')) return sum;
    const value = data?.[node.alias?.value ?? node.name.value];
    if (operation.operation === 'mutation')
      return sum + MUTATION_COST + actualOfSelection(ctx, getNamedType(def.type) as GraphQLCompositeType, value, node);
    return sum + actualOfValue(ctx, def.type, value, node, !unwrapList(def.type));
  }, 0);
};
