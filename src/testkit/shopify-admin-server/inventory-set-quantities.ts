/**
 * `inventorySetQuantities` as Shopify answers it from API 2026-04 on (the 2026-07 schema, shopify.dev, and responses
 * captured from a live 2026-04 shop in the public repo airhorns/shopify-draft-proxy, fixtures/conformance/…/2026-04):
 * validation is all-or-nothing and reports every bad row, an accepted call sets every row and records one adjustment
 * group, and the `@idempotent(key:)` directive is required and deduplicates retries.
 */
import { GraphQLError } from 'graphql';
import {
  isoNow,
  levelKey,
  onHand,
  type ChangeRecord,
  type GroupRecord,
  type SetPayload,
  type SetUserError,
  type ShopState,
} from './state.ts';

/** The coerced `InventoryQuantityInput`; `changeFromQuantity` is absent when the caller left it out. */
export interface QuantityInput {
  readonly inventoryItemId: string;
  readonly locationId: string;
  readonly quantity: number;
  readonly changeFromQuantity?: number | null;
}

/** The coerced `InventorySetQuantitiesInput`. */
export interface SetQuantitiesInput {
  readonly reason: string;
  readonly name: string;
  readonly referenceDocumentUri?: string | null;
  readonly quantities: ReadonlyArray<QuantityInput>;
}

/** The valid reasons, in the order of Shopify's INVALID_REASON message (captured on 2026-04). */
export const INVENTORY_REASONS: ReadonlyArray<string> = [
  'correction',
  'cycle_count_available',
  'damaged',
  'movement_canceled',
  'movement_created',
  'movement_received',
  'movement_updated',
  'other',
  'promotion',
  'quality_control',
  'received',
  'reservation_created',
  'reservation_deleted',
  'reservation_updated',
  'restock',
  'safety_stock',
  'shrinkage',
];

const MAX_QUANTITY = 1_000_000_000;

// Messages: captured on 2026-04 where a capture exists, otherwise the enum value's schema description.
const MESSAGES: Readonly<Record<string, string>> = {
  INVALID_INVENTORY_ITEM: 'The specified inventory item could not be found.',
  INVALID_LOCATION: 'The specified location could not be found.',
  INVALID_QUANTITY_NEGATIVE: "The quantity can't be negative.",
  INVALID_REASON: `The specified reason is invalid. Valid values are: ${INVENTORY_REASONS.join(', ')}.`,
  INVALID_REFERENCE_DOCUMENT: 'The specified reference document is invalid.',
  ITEM_NOT_STOCKED_AT_LOCATION: 'The specified inventory item is not stocked at the location.',
  INVALID_QUANTITY_TOO_HIGH: "The quantity can't be higher than 1,000,000,000.",
  INVALID_QUANTITY_TOO_LOW: "The quantity can't be lower than -1,000,000,000.",
  COMPARE_QUANTITY_REQUIRED:
    'The compareQuantity argument must be given to each quantity or ignored using ignoreCompareQuantity.',
  COMPARE_QUANTITY_STALE: 'The compareQuantity value does not match persisted value.',
  CHANGE_FROM_QUANTITY_STALE: 'The changeFromQuantity value does not match persisted value.',
  INVALID_NAME: "The quantity name must be either 'available' or 'on_hand'.",
  NO_DUPLICATE_INVENTORY_ITEM_ID_GROUP_ID_PAIR: 'The combination of inventoryItemId and locationId must be unique.',
  NON_MUTABLE_INVENTORY_ITEM:
    'The specified inventory item is not allowed to be adjusted via API. Example: if the inventory item is a parent bundle.',
  IDEMPOTENCY_CONCURRENT_REQUEST: 'This request is currently in progress, please try again.',
  IDEMPOTENCY_KEY_PARAMETER_MISMATCH: 'The same idempotency key cannot be used with different operation parameters.',
  IDEMPOTENCY_PREVIOUS_ATTEMPT_FAILED:
    'A previous request with this idempotency key failed. Retry with a new idempotency key.',
};

/** The message Shopify gives with a code (see MESSAGES). */
export const userErrorMessage = (code: string): string => MESSAGES[code] ?? code;

// The input field a per-row code points at (the captured ones; the rest are this server's choice).
const ROW_FIELD: Readonly<Record<string, string>> = {
  INVALID_INVENTORY_ITEM: 'inventoryItemId',
  NON_MUTABLE_INVENTORY_ITEM: 'inventoryItemId',
  INVALID_LOCATION: 'locationId',
  ITEM_NOT_STOCKED_AT_LOCATION: 'locationId',
  NO_DUPLICATE_INVENTORY_ITEM_ID_GROUP_ID_PAIR: 'locationId',
  INVALID_QUANTITY_NEGATIVE: 'quantity',
  INVALID_QUANTITY_TOO_HIGH: 'quantity',
  INVALID_QUANTITY_TOO_LOW: 'quantity',
  CHANGE_FROM_QUANTITY_STALE: 'changeFromQuantity',
  COMPARE_QUANTITY_STALE: 'changeFromQuantity',
};

const rowError = (index: number, code: string): SetUserError => {
  const field = ROW_FIELD[code];
  return {
    field: field === undefined ? null : ['input', 'quantities', String(index), field],
    message: userErrorMessage(code),
    code,
  };
};

// "Valid URI with scheme and content. For GID format, all components (app, entity, id) must be present." (schema).
const isReferenceDocument = (uri: string): boolean => {
  if (uri.startsWith('gid://')) return /^gid:\/\/[^/\s]+\/[^/\s]+\/[^/\s]+$/.test(uri);
  return /^[A-Za-z][A-Za-z0-9+.-]*:\S+$/.test(uri);
};

const stableJson = (value: unknown): string => {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableJson((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'undefined';
};

/**
 * Top-level request errors Shopify raises before the resolver changes anything: a quantity row without
 * `changeFromQuantity` (INVALID_FIELD_ARGUMENTS) and a missing or blank `@idempotent` key (BAD_REQUEST), in that order.
 */
export const requestError = (
  input: SetQuantitiesInput,
  idempotencyKey: string | undefined,
): GraphQLError | undefined => {
  if (input.quantities.some((q) => !Object.hasOwn(q, 'changeFromQuantity'))) {
    return new GraphQLError('InventoryQuantityInput must include the following argument: changeFromQuantity.', {
      extensions: { code: 'INVALID_FIELD_ARGUMENTS' },
    });
  }
  if (idempotencyKey === undefined) {
    return new GraphQLError('The @idempotent directive is required for this mutation but was not provided.', {
      extensions: { code: 'BAD_REQUEST' },
    });
  }
  // The schema says the key "cannot be an empty string or whitespace only"; the exact error is not captured, so this
  // server answers it like a missing directive.
  if (idempotencyKey.trim() === '') {
    return new GraphQLError('The idempotency key cannot be an empty string or whitespace only.', {
      extensions: { code: 'BAD_REQUEST' },
    });
  }
  return undefined;
};

const validate = (state: ShopState, input: SetQuantitiesInput): SetUserError[] => {
  const errors: SetUserError[] = [];
  if (!INVENTORY_REASONS.includes(input.reason))
    errors.push({ field: ['input', 'reason'], message: userErrorMessage('INVALID_REASON'), code: 'INVALID_REASON' });
  if (input.name !== 'available' && input.name !== 'on_hand')
    errors.push({ field: ['input', 'name'], message: userErrorMessage('INVALID_NAME'), code: 'INVALID_NAME' });
  if (input.referenceDocumentUri != null && !isReferenceDocument(input.referenceDocumentUri)) {
    errors.push({
      field: ['input', 'referenceDocumentUri'],
      message: userErrorMessage('INVALID_REFERENCE_DOCUMENT'),
      code: 'INVALID_REFERENCE_DOCUMENT',
    });
  }
  const pairs = new Map<string, number>();
  for (const q of input.quantities)
    pairs.set(
      levelKey(q.inventoryItemId, q.locationId),
      (pairs.get(levelKey(q.inventoryItemId, q.locationId)) ?? 0) + 1,
    );
  input.quantities.forEach((q, i) => {
    const rowErrors: string[] = [];
    const itemKnown = state.items.has(q.inventoryItemId);
    const locationKnown = state.locations.has(q.locationId);
    if (!itemKnown) rowErrors.push('INVALID_INVENTORY_ITEM');
    if (!locationKnown) rowErrors.push('INVALID_LOCATION');
    if (q.quantity > MAX_QUANTITY) rowErrors.push('INVALID_QUANTITY_TOO_HIGH');
    else if (q.quantity < -MAX_QUANTITY) rowErrors.push('INVALID_QUANTITY_TOO_LOW');
    else if (q.quantity < 0 && input.name === 'on_hand') rowErrors.push('INVALID_QUANTITY_NEGATIVE');
    if ((pairs.get(levelKey(q.inventoryItemId, q.locationId)) ?? 0) > 1)
      rowErrors.push('NO_DUPLICATE_INVENTORY_ITEM_ID_GROUP_ID_PAIR');
    const injected = state.faults.userErrors.findIndex((f) => f.inventoryItemId === q.inventoryItemId);
    if (injected >= 0) rowErrors.push(state.faults.userErrors.splice(injected, 1)[0]!.code);
    if (itemKnown && locationKnown) {
      const level = state.levels.get(levelKey(q.inventoryItemId, q.locationId));
      if (level === undefined) rowErrors.push('ITEM_NOT_STOCKED_AT_LOCATION');
      else {
        // A sale injected with faults.saleDuringRequest lands here: after the client read, before the compare-and-set.
        const sale = state.faults.sales.findIndex(
          (s) => s.inventoryItemId === q.inventoryItemId && s.locationId === q.locationId,
        );
        if (sale >= 0) {
          const units = state.faults.sales.splice(sale, 1)[0]!.units;
          level.available -= units;
          level.committed += units;
        }
        const current = input.name === 'on_hand' ? onHand(level) : level.available;
        if (q.changeFromQuantity != null && q.changeFromQuantity !== current)
          rowErrors.push('CHANGE_FROM_QUANTITY_STALE');
      }
    }
    errors.push(...rowErrors.map((code) => rowError(i, code)));
  });
  return errors;
};

const apply = (state: ShopState, input: SetQuantitiesInput, idempotencyKey: string): GroupRecord => {
  const changes: ChangeRecord[] = [];
  const now = isoNow();
  for (const q of input.quantities) {
    const level = state.levels.get(levelKey(q.inventoryItemId, q.locationId))!;
    const delta = input.name === 'on_hand' ? q.quantity - onHand(level) : q.quantity - level.available;
    level.available += delta;
    if (delta !== 0) level.updatedAt = now;
    state.stats.quantitiesApplied += 1;
    // Shopify lists the `available` change and then the `on_hand` change for either name (2026-04 captures). A
    // zero delta is not a change, so it is neither listed nor recorded (Shopify's behaviour here is not captured).
    if (delta === 0) continue;
    changes.push({
      name: 'available',
      delta,
      quantityAfterChange: level.available,
      itemId: q.inventoryItemId,
      locationId: q.locationId,
    });
    changes.push({
      name: 'on_hand',
      delta,
      quantityAfterChange: onHand(level),
      itemId: q.inventoryItemId,
      locationId: q.locationId,
    });
    state.adjustments.push({
      inventoryItemId: q.inventoryItemId,
      locationId: q.locationId,
      delta,
      quantityAfterChange: input.name === 'on_hand' ? onHand(level) : level.available,
      reason: input.reason,
      referenceDocumentUri: input.referenceDocumentUri ?? null,
      idempotencyKey,
    });
  }
  state.counters.group += 1;
  const group: GroupRecord = {
    id: `gid://shopify/InventoryAdjustmentGroup/${state.counters.group}`,
    createdAt: now,
    reason: input.reason,
    referenceDocumentUri: input.referenceDocumentUri ?? null,
    changes,
  };
  state.groups.set(group.id, group);
  return group;
};

/**
 * Runs one call whose request errors were already ruled out. Idempotency: a key seen before with the same input
 * answers the first answer again without applying anything; with another input it is IDEMPOTENCY_KEY_PARAMETER_MISMATCH.
 * When the first use of a key was rejected with userErrors, a retry with the same input answers
 * IDEMPOTENCY_PREVIOUS_ATTEMPT_FAILED, as that code's description reads ("Retry with a new idempotency key"); Shopify's
 * docs do not say more, so this is this server's reading. IDEMPOTENCY_CONCURRENT_REQUEST cannot happen here: the server
 * runs one resolver at a time.
 */
export const setQuantities = (state: ShopState, input: SetQuantitiesInput, idempotencyKey: string): SetPayload => {
  state.stats.setCalls += 1;
  const fingerprint = stableJson(input);
  const seen = state.idempotency.get(idempotencyKey);
  if (seen !== undefined) {
    if (seen.fingerprint !== fingerprint) {
      return {
        inventoryAdjustmentGroup: null,
        userErrors: [
          {
            field: null,
            message: userErrorMessage('IDEMPOTENCY_KEY_PARAMETER_MISMATCH'),
            code: 'IDEMPOTENCY_KEY_PARAMETER_MISMATCH',
          },
        ],
      };
    }
    if (seen.payload.inventoryAdjustmentGroup === null) {
      return {
        inventoryAdjustmentGroup: null,
        userErrors: [
          {
            field: null,
            message: userErrorMessage('IDEMPOTENCY_PREVIOUS_ATTEMPT_FAILED'),
            code: 'IDEMPOTENCY_PREVIOUS_ATTEMPT_FAILED',
          },
        ],
      };
    }
    return seen.payload;
  }
  const errors = validate(state, input);
  const payload: SetPayload =
    errors.length > 0
      ? { inventoryAdjustmentGroup: null, userErrors: errors }
      : { inventoryAdjustmentGroup: apply(state, input, idempotencyKey), userErrors: [] };
  // IDEMPOTENCY_CONCURRENT_REQUEST (only ever injected here) says "please try again", so it does not use up the key.
  if (!errors.every((e) => e.code === 'IDEMPOTENCY_CONCURRENT_REQUEST') || errors.length === 0)
    state.idempotency.set(idempotencyKey, { fingerprint, payload });
  return payload;
};
