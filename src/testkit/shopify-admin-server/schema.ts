/**
 * The part of Shopify's Admin GraphQL schema (2026-04 .. 2026-07 SDL, unchanged in this subset) that the local server
 * answers. Type, field, argument and enum names are Shopify's, so a document that validates here validates against
 * Shopify. Descriptions are left out; fields and enum values we do not use are left out too, which means a document
 * selecting them fails validation here although Shopify would accept it.
 */
import { buildSchema, type GraphQLSchema } from 'graphql';

const SDL = /* GraphQL */ `
schema {
  query: QueryRoot
  mutation: Mutation
}

directive @idempotent(key: String!) on FIELD

scalar DateTime
scalar URL
scalar UnsignedInt64

interface Node {
  id: ID!
}

type PageInfo {
  endCursor: String
  hasNextPage: Boolean!
  hasPreviousPage: Boolean!
  startCursor: String
}

type QueryRoot {
  bulkOperation(id: ID!): BulkOperation
  bulkOperations(first: Int, after: String, last: Int, before: String, reverse: Boolean = false, query: String): BulkOperationConnection!
  currentAppInstallation: AppInstallation!
  currentBulkOperation(type: BulkOperationType = QUERY): BulkOperation @deprecated(reason: "Use \`bulkOperations\` with status filter instead.")
  inventoryItem(id: ID!): InventoryItem
  inventoryItems(first: Int, after: String, last: Int, before: String, reverse: Boolean = false, query: String): InventoryItemConnection!
  location(id: ID): Location
  locations(
    first: Int
    after: String
    last: Int
    before: String
    reverse: Boolean = false
    query: String
    includeLegacy: Boolean = false
    includeInactive: Boolean = false
  ): LocationConnection!
  node(id: ID!): Node
  nodes(ids: [ID!]!): [Node]!
  productVariant(id: ID!): ProductVariant
  productVariants(first: Int, after: String, last: Int, before: String, reverse: Boolean = false, query: String): ProductVariantConnection!
}

type Mutation {
  bulkOperationRunMutation(mutation: String!, stagedUploadPath: String!, groupObjects: Boolean, clientIdentifier: String): BulkOperationRunMutationPayload
  bulkOperationRunQuery(query: String!, groupObjects: Boolean! = false): BulkOperationRunQueryPayload
  inventorySetQuantities(input: InventorySetQuantitiesInput!): InventorySetQuantitiesPayload
  stagedUploadsCreate(input: [StagedUploadInput!]!): StagedUploadsCreatePayload
}

type AppInstallation implements Node {
  accessScopes: [AccessScope!]!
  id: ID!
}

type AccessScope {
  description: String!
  handle: String!
}

type InventoryItem implements Node {
  duplicateSkuCount: Int!
  id: ID!
  inventoryLevel(locationId: ID!, includeInactive: Boolean = false): InventoryLevel
  inventoryLevels(includeInactive: Boolean = false, first: Int, after: String, last: Int, before: String, reverse: Boolean = false, query: String): InventoryLevelConnection!
  requiresShipping: Boolean!
  sku: String
  tracked: Boolean!
  variant: ProductVariant!
}

type InventoryItemConnection {
  edges: [InventoryItemEdge!]!
  nodes: [InventoryItem!]!
  pageInfo: PageInfo!
}

type InventoryItemEdge {
  cursor: String!
  node: InventoryItem!
}

type ProductVariant implements Node {
  id: ID!
  inventoryItem: InventoryItem!
  sku: String
}

type ProductVariantConnection {
  edges: [ProductVariantEdge!]!
  nodes: [ProductVariant!]!
  pageInfo: PageInfo!
}

type ProductVariantEdge {
  cursor: String!
  node: ProductVariant!
}

type InventoryLevel implements Node {
  id: ID!
  item: InventoryItem!
  location: Location!
  quantities(names: [String!]!): [InventoryQuantity!]!
}

type InventoryLevelConnection {
  edges: [InventoryLevelEdge!]!
  nodes: [InventoryLevel!]!
  pageInfo: PageInfo!
}

type InventoryLevelEdge {
  cursor: String!
  node: InventoryLevel!
}

type InventoryQuantity implements Node {
  id: ID!
  name: String!
  quantity: Int!
  updatedAt: DateTime
}

type Location implements Node {
  fulfillsOnlineOrders: Boolean!
  id: ID!
  inventoryLevel(inventoryItemId: ID!, includeInactive: Boolean = false): InventoryLevel
  inventoryLevels(includeInactive: Boolean = false, first: Int, after: String, last: Int, before: String, reverse: Boolean = false, query: String): InventoryLevelConnection!
  isActive: Boolean!
  name: String!
}

type LocationConnection {
  edges: [LocationEdge!]!
  nodes: [Location!]!
  pageInfo: PageInfo!
}

type LocationEdge {
  cursor: String!
  node: Location!
}

input InventorySetQuantitiesInput {
  reason: String!
  name: String!
  referenceDocumentUri: String
  quantities: [InventoryQuantityInput!]!
}

input InventoryQuantityInput {
  inventoryItemId: ID!
  locationId: ID!
  quantity: Int!
  changeFromQuantity: Int
}

type InventorySetQuantitiesPayload {
  inventoryAdjustmentGroup: InventoryAdjustmentGroup
  userErrors: [InventorySetQuantitiesUserError!]!
}

type InventorySetQuantitiesUserError {
  code: InventorySetQuantitiesUserErrorCode
  field: [String!]
  message: String!
}

enum InventorySetQuantitiesUserErrorCode {
  INVALID_INVENTORY_ITEM
  INVALID_LOCATION
  INVALID_QUANTITY_NEGATIVE
  INVALID_REASON
  INVALID_REFERENCE_DOCUMENT
  ITEM_NOT_STOCKED_AT_LOCATION
  INVALID_QUANTITY_TOO_HIGH
  INVALID_QUANTITY_TOO_LOW
  COMPARE_QUANTITY_REQUIRED
  COMPARE_QUANTITY_STALE
  CHANGE_FROM_QUANTITY_STALE
  INVALID_NAME
  NO_DUPLICATE_INVENTORY_ITEM_ID_GROUP_ID_PAIR
  NON_MUTABLE_INVENTORY_ITEM
  IDEMPOTENCY_CONCURRENT_REQUEST
  IDEMPOTENCY_KEY_PARAMETER_MISMATCH
  IDEMPOTENCY_PREVIOUS_ATTEMPT_FAILED
}

type InventoryAdjustmentGroup implements Node {
  changes(inventoryItemIds: [ID!], locationIds: [ID!], quantityNames: [String!]): [InventoryChange!]!
  createdAt: DateTime!
  id: ID!
  reason: String!
  referenceDocumentUri: String
}

type InventoryChange {
  delta: Int!
  item: InventoryItem
  ledgerDocumentUri: String
  location: Location
  name: String!
  quantityAfterChange: Int
}

input StagedUploadInput {
  resource: StagedUploadTargetGenerateUploadResource!
  filename: String!
  mimeType: String!
  httpMethod: StagedUploadHttpMethodType = PUT
  fileSize: UnsignedInt64
}

enum StagedUploadTargetGenerateUploadResource {
  COLLECTION_IMAGE
  FILE
  IMAGE
  MODEL_3D
  PRODUCT_IMAGE @deprecated(reason: "Use IMAGE instead. This resource type will be removed in a future version.")
  SHOP_IMAGE
  VIDEO
  BULK_MUTATION_VARIABLES
  RETURN_LABEL
  URL_REDIRECT_IMPORT
  DISPUTE_FILE_UPLOAD
}

enum StagedUploadHttpMethodType {
  POST
  PUT
}

type StagedUploadsCreatePayload {
  stagedTargets: [StagedMediaUploadTarget!]
  userErrors: [UserError!]!
}

type StagedMediaUploadTarget {
  parameters: [StagedUploadParameter!]!
  resourceUrl: URL
  url: URL
}

type StagedUploadParameter {
  name: String!
  value: String!
}

type UserError {
  field: [String!]
  message: String!
}

type BulkOperation implements Node {
  completedAt: DateTime
  createdAt: DateTime!
  errorCode: BulkOperationErrorCode
  fileSize: UnsignedInt64
  id: ID!
  objectCount: UnsignedInt64!
  partialDataUrl: URL
  query: String!
  rootObjectCount: UnsignedInt64!
  status: BulkOperationStatus!
  type: BulkOperationType!
  url: URL
}

type BulkOperationConnection {
  edges: [BulkOperationEdge!]!
  nodes: [BulkOperation!]!
  pageInfo: PageInfo!
}

type BulkOperationEdge {
  cursor: String!
  node: BulkOperation!
}

enum BulkOperationStatus {
  CANCELED
  CANCELING
  COMPLETED
  CREATED
  EXPIRED
  FAILED
  RUNNING
}

enum BulkOperationType {
  QUERY
  MUTATION
}

enum BulkOperationErrorCode {
  ACCESS_DENIED
  INTERNAL_SERVER_ERROR
  TIMEOUT
}

type BulkOperationRunMutationPayload {
  bulkOperation: BulkOperation
  userErrors: [BulkMutationUserError!]!
}

type BulkMutationUserError {
  code: BulkMutationErrorCode
  field: [String!]
  message: String!
}

enum BulkMutationErrorCode {
  OPERATION_IN_PROGRESS
  INVALID_MUTATION
  INVALID_STAGED_UPLOAD_FILE
  NO_SUCH_FILE
  INTERNAL_FILE_SERVER_ERROR
  LIMIT_REACHED
}

type BulkOperationRunQueryPayload {
  bulkOperation: BulkOperation
  userErrors: [BulkOperationUserError!]!
}

type BulkOperationUserError {
  code: BulkOperationUserErrorCode
  field: [String!]
  message: String!
}

enum BulkOperationUserErrorCode {
  OPERATION_IN_PROGRESS
  INVALID
  LIMIT_REACHED
}
`;

/** Builds the schema subset; one instance per server, so nothing is shared between servers. */
export const buildAdminSchema = (): GraphQLSchema => buildSchema(SDL);
