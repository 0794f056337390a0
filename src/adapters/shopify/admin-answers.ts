/**
 * Shopify's answers as the adapter reads them, as io-ts codecs: the GraphQL response envelope (as
 * `@shopify/admin-api-client` hands it over), the data of each query and mutation the adapter sends, and the lines
 * of bulk operation result files. Nothing Shopify sends is used before one of these has decoded it.
 */
import * as t from 'io-ts';

const nullable = <C extends t.Mixed>(codec: C) => t.union([codec, t.null]);

/** The bucket as a response's `extensions.cost.throttleStatus` reports it. */
export const ThrottleStatusCodec = t.type(
  { maximumAvailable: t.number, currentlyAvailable: t.number, restoreRate: t.number },
  'ThrottleStatus',
);

/** A GraphQL error as Shopify returns it (`extensions.code`: `THROTTLED`, `ACCESS_DENIED`, …). */
export const GraphqlErrorCodec = t.intersection(
  [
    t.type({ message: t.string }),
    t.partial({ extensions: t.partial({ code: t.string }), path: t.array(t.union([t.string, t.number])) }),
  ],
  'GraphqlError',
);

/**
 * What the adapter reads of a client response (`ClientResponse` of `@shopify/admin-api-client`): `errors` is the
 * client's own summary (HTTP status, message, GraphQL errors, the HTTP response), `data` is decoded per operation.
 */
export const AdminAnswerCodec = t.partial(
  {
    data: t.unknown,
    extensions: t.partial({
      cost: t.partial({
        requestedQueryCost: nullable(t.number),
        actualQueryCost: nullable(t.number),
        throttleStatus: ThrottleStatusCodec,
      }),
    }),
    errors: t.partial({
      networkStatusCode: t.number,
      message: t.string,
      graphQLErrors: t.array(GraphqlErrorCodec),
      response: t.unknown,
    }),
  },
  'AdminAnswer',
);

/** A `userErrors` entry; `field` is the path of the input it is about (`["input","quantities","3","quantity"]`). */
export const UserErrorCodec = t.intersection(
  [
    t.type({ message: t.string }),
    t.partial({ field: nullable(t.array(t.union([t.string, t.number]))), code: nullable(t.string) }),
  ],
  'UserError',
);
export type UserError = t.TypeOf<typeof UserErrorCodec>;

const UserErrors = t.array(UserErrorCodec, 'Array<UserError>');

const SetPayload = t.type({ userErrors: UserErrors }, 'InventorySetQuantitiesPayload');

/** `inventorySetQuantities`' data. */
export const SetDataCodec = t.type({ inventorySetQuantities: SetPayload });

const Quantity = t.type({ name: t.string, quantity: t.Int }, 'InventoryQuantity');
const Quantities = t.array(Quantity, 'Array<InventoryQuantity>');

const ItemLevel = nullable(
  t.type({ inventoryLevel: nullable(t.type({ quantities: Quantities }, 'InventoryLevel')) }, 'InventoryItem'),
);

const levelCodecs = new Map<number, t.Type<Record<string, t.TypeOf<typeof ItemLevel>>, unknown>>();
/** The data of the aliased level query of `count` items (`i0` … `i<count-1>`, each an item or null). */
export const levelsDataCodec = (count: number): t.Type<Record<string, t.TypeOf<typeof ItemLevel>>, unknown> => {
  let codec = levelCodecs.get(count);
  if (codec === undefined) {
    codec = t.type(Object.fromEntries(Array.from({ length: count }, (_, i) => [`i${i}`, ItemLevel])));
    levelCodecs.set(count, codec);
  }
  return codec;
};

const BulkStarted = t.type(
  { bulkOperation: nullable(t.type({ id: t.string }, 'BulkOperation')), userErrors: UserErrors },
  'BulkOperationPayload',
);

/** `bulkOperationRunQuery`'s data. */
export const BulkQueryStartedCodec = t.type({ bulkOperationRunQuery: BulkStarted });
/** `bulkOperationRunMutation`'s data. */
export const BulkMutationStartedCodec = t.type({ bulkOperationRunMutation: BulkStarted });

const BulkStatus = t.keyof(
  { CREATED: null, RUNNING: null, COMPLETED: null, CANCELING: null, CANCELED: null, FAILED: null, EXPIRED: null },
  'BulkOperationStatus',
);

/** `bulkOperation(id:)`'s data: null when Shopify knows no such operation. */
export const BulkStatusDataCodec = t.type({
  bulkOperation: nullable(
    t.type(
      { id: t.string, status: BulkStatus, errorCode: nullable(t.string), url: nullable(t.string) },
      'BulkOperation',
    ),
  ),
});

/** `stagedUploadsCreate`'s data. */
export const StagedUploadDataCodec = t.type({
  stagedUploadsCreate: t.type(
    {
      stagedTargets: nullable(
        t.array(
          t.type(
            {
              url: t.string,
              parameters: t.array(t.type({ name: t.string, value: t.string }, 'StagedUploadParameter')),
            },
            'StagedMediaUploadTarget',
          ),
        ),
      ),
      userErrors: UserErrors,
    },
    'StagedUploadsCreatePayload',
  ),
});

/** `inventoryItems(query:)`' data: a page of items and SKUs. */
export const ItemsBySkuDataCodec = t.type({
  inventoryItems: t.type(
    {
      nodes: t.array(t.type({ id: t.string, sku: nullable(t.string) }, 'InventoryItem')),
      pageInfo: t.type({ hasNextPage: t.boolean, endCursor: nullable(t.string) }, 'PageInfo'),
    },
    'InventoryItemConnection',
  ),
});

/** The data of `ShopLocations`: a page of the shop's locations. */
export const LocationsDataCodec = t.type({
  locations: t.type(
    {
      nodes: t.array(
        t.type({ id: t.string, name: t.string, isActive: t.boolean, fulfillsOnlineOrders: t.boolean }, 'Location'),
      ),
      pageInfo: t.type({ hasNextPage: t.boolean, endCursor: nullable(t.string) }, 'PageInfo'),
    },
    'LocationConnection',
  ),
});

/** The data of `AccessScopes`: the scopes granted to the app installation the token belongs to. */
export const AccessScopesDataCodec = t.type({
  currentAppInstallation: t.type(
    { accessScopes: t.array(t.type({ handle: t.string }, 'AccessScope')) },
    'AppInstallation',
  ),
});

/**
 * A line of the bulk level query's result: an inventory item with its level at the one location asked about
 * (`inventoryLevel: null` where the item is not stocked there): one line per item, nothing of other locations.
 */
export const BulkLevelLineCodec = t.type(
  { id: t.string, inventoryLevel: nullable(t.type({ quantities: Quantities }, 'InventoryLevel')) },
  'InventoryItemLine',
);

/**
 * A line of the bulk SKU read's result: a product variant with its SKU (null when it has none) and its inventory
 * item, one line per variant.
 */
export const BulkVariantLineCodec = t.type(
  { id: t.string, sku: nullable(t.string), inventoryItem: t.type({ id: t.string }, 'InventoryItem') },
  'ProductVariantLine',
);

/** A line of a bulk mutation's result: the response to the variables line `__lineNumber` (zero-based). */
export const BulkResultLineCodec = t.intersection([
  t.type({ __lineNumber: t.Int }),
  t.partial({
    errors: t.array(GraphqlErrorCodec),
    data: nullable(t.partial({ inventorySetQuantities: nullable(SetPayload) })),
  }),
]);

// The context keys io-ts adds for the members of a union or an intersection: not part of the value's path.
const MEMBER_TAGS = new Set(['UnionType', 'IntersectionType', 'RefinementType']);

const shown = (value: unknown): string => {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
};

/**
 * The first problem of a failed decode as `path: expected Type, got value`, the path starting at `root`
 * (`data.inventorySetQuantities.userErrors: expected Array<UserError>, got null`).
 */
export const describeDecodeErrors = (errors: t.Errors, root: string): string => {
  const first = errors[0];
  if (first === undefined) return `${root}: not of the expected shape`;
  const keys = first.context
    .filter((entry, i) => {
      const parent = first.context[i - 1]?.type as { readonly _tag?: string } | undefined;
      return i > 0 && entry.key !== '' && !MEMBER_TAGS.has(parent?._tag ?? '');
    })
    .map((entry) => entry.key);
  const path = [root, ...keys].filter((key) => key !== '').join('.');
  const expected = first.context[first.context.length - 1]?.type.name ?? 'a valid value';
  return `${path === '' ? 'the value' : path}: expected ${expected}, got ${shown(first.value)}`;
};
