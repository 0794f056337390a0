import fc from 'fast-check';
import { Kind, getVariableValues, parse, type FragmentDefinitionNode, type OperationDefinitionNode } from 'graphql';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { actualCost, requestedCost } from '../../../src/testkit/shopify-admin-server/query-cost.ts';
import { buildAdminSchema } from '../../../src/testkit/shopify-admin-server/schema.ts';

const schema = buildAdminSchema();

/** The operation, fragments and coerced variables of a document, as the endpoint hands them to the cost rules. */
const prepared = (source: string, inputs: Record<string, unknown> = {}) => {
  const document = parse(source);
  const operation = document.definitions.find(
    (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
  )!;
  const fragments = new Map(
    document.definitions
      .filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION)
      .map((f) => [f.name.value, f]),
  );
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], inputs);
  if (coerced.errors !== undefined) throw new Error(coerced.errors[0]!.message);
  return { operation, fragments, variables: coerced.variableValues };
};

const requested = (source: string, inputs: Record<string, unknown> = {}): number => {
  const { operation, fragments, variables } = prepared(source, inputs);
  return requestedCost(schema, operation, fragments, variables);
};

const actual = (source: string, data: Record<string, unknown> | null, inputs: Record<string, unknown> = {}): number => {
  const { operation, fragments, variables } = prepared(source, inputs);
  return actualCost(schema, operation, fragments, variables, data);
};

const SET_QUANTITIES = `mutation Set($input: InventorySetQuantitiesInput!) {
  inventorySetQuantities(input: $input) @idempotent(key: "k") {
    inventoryAdjustmentGroup { id reason changes { name delta quantityAfterChange item { id } location { id } } }
    userErrors { code field message }
  }
}`;
const INPUT = { input: { reason: 'correction', name: 'available', quantities: [] } };

const requestedSuite = suite('requestedCost');

requestedSuite('scalars cost 0, an object 1, a connection 2 + page size × one node', () => {
  assert.is(requested('{ __typename }'), 0);
  assert.is(requested('{ location(id: "gid://shopify/Location/1") { id name isActive } }'), 1);
  // The number captured from Shopify for this query.
  assert.is(requested('{ locations(first: 10) { nodes { id name } pageInfo { hasNextPage } } }'), 12);
  assert.is(requested('{ locations(last: 3) { nodes { id } } }'), 5);
  assert.is(requested('{ locations { nodes { id } } }'), 2, 'no page size: the connection alone');
});

requestedSuite('edges { node } and nodes cost alike; selecting both pays for the costlier', () => {
  const edges = requested('{ locations(first: 10) { edges { cursor node { id } } } }');
  assert.is(edges, requested('{ locations(first: 10) { nodes { id } } }'));
  assert.is(
    requested(
      '{ inventoryItems(first: 4) { nodes { id } edges { node { id inventoryLevel(locationId: "x") { id } } } } }',
    ),
    2 + 4 * 2,
  );
});

requestedSuite('nested connections multiply: 5 locations × (1 + 2 + 10 levels)', () => {
  assert.is(requested('{ locations(first: 5) { nodes { inventoryLevels(first: 10) { nodes { id } } } } }'), 2 + 5 * 13);
});

requestedSuite('the page size may come from a variable', () => {
  const query = 'query Page($n: Int) { locations(first: $n) { nodes { id } } }';
  assert.is(requested(query, { n: 50 }), 52);
  assert.is(requested(query, {}), 2);
});

requestedSuite(
  'inventorySetQuantities: 10 for the mutation, 1 for the group, its changes list as one element: 13',
  () => {
    assert.is(requested(SET_QUANTITIES, INPUT), 13);
    assert.is(
      requested(
        'mutation ($input: InventorySetQuantitiesInput!) { inventorySetQuantities(input: $input) { userErrors { code } } }',
        INPUT,
      ),
      10,
    );
  },
);

requestedSuite('fragments count as if written in place; on an interface, the costliest possible type', () => {
  const spread = `query { locations(first: 2) { nodes { ...L } } }
    fragment L on Location { id inventoryLevel(inventoryItemId: "i") { id item { id } } }`;
  assert.is(requested(spread), 2 + 2 * 3);
  assert.is(requested('{ node(id: "x") { id ... on InventoryItem { inventoryLevel(locationId: "y") { id } } } }'), 2);
  assert.is(requested('{ node(id: "x") { id } }'), 1);
});

const actualSuite = suite('actualCost');

actualSuite('a connection is refunded down to what came back', () => {
  const query = '{ locations(first: 10) { nodes { id name } pageInfo { hasNextPage } } }';
  const data = (n: number) => ({
    locations: {
      nodes: Array.from({ length: n }, (_, i) => ({ id: `L${i}`, name: 'x' })),
      pageInfo: { hasNextPage: false },
    },
  });
  assert.is(actual(query, data(2)), 4);
  assert.is(actual(query, data(0)), 2);
  assert.is(actual(query, data(10)), 12);
});

actualSuite('a mutation costs 10 and what its payload returned: 13 with a group, 10 when the group is null', () => {
  const group = {
    inventoryAdjustmentGroup: {
      id: 'g',
      reason: 'correction',
      changes: [
        { name: 'available', delta: 1, quantityAfterChange: 1, item: { id: 'i' }, location: { id: 'l' } },
        { name: 'available', delta: 2, quantityAfterChange: 2, item: { id: 'j' }, location: { id: 'l' } },
      ],
    },
    userErrors: [],
  };
  assert.is(actual(SET_QUANTITIES, { inventorySetQuantities: group }, INPUT), 13);
  assert.is(
    actual(SET_QUANTITIES, { inventorySetQuantities: { inventoryAdjustmentGroup: null, userErrors: [{}] } }, INPUT),
    10,
  );
});

actualSuite('no data (an error answer) costs nothing for a query; null objects cost nothing', () => {
  assert.is(actual('{ location(id: "x") { id } }', null), 0);
  assert.is(actual('{ location(id: "x") { id } }', { location: null }), 0);
  assert.is(actual('{ location(id: "x") { id } }', { location: { id: 'x' } }), 1);
});

actualSuite('property: what came back never costs more than was requested', () => {
  fc.assert(
    fc.property(
      fc
        .integer({ min: 0, max: 50 })
        .chain((first) => fc.tuple(fc.constant(first), fc.integer({ min: 0, max: first }))),
      fc.integer({ min: 0, max: 10 }),
      ([first, returned], levels) => {
        const query = `{ locations(first: ${first}) { nodes { id inventoryLevels(first: 10) { nodes { id } } } } }`;
        const data = {
          locations: {
            nodes: Array.from({ length: returned }, (_, i) => ({
              id: `L${i}`,
              inventoryLevels: { nodes: Array.from({ length: levels }, (_, k) => ({ id: `V${k}` })) },
            })),
          },
        };
        const paid = actual(query, data);
        return paid <= requested(query) && (returned === 0 ? paid === 2 : paid > 2);
      },
    ),
    { numRuns: 200 },
  );
});

requestedSuite.run();
actualSuite.run();
