import * as E from 'fp-ts/lib/Either.js';
import { pipe } from 'fp-ts/lib/function.js';
import type * as RTE from 'fp-ts/lib/ReaderTaskEither.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import type * as t from 'io-ts';
import {
  CHANNEL_FAC_GROUP,
  type FacilityGroup,
  Identifier,
  isChannelFacilityGroup,
  NonNegativeQuantity,
} from '../domain/index.ts';
import type { Catalogue } from './catalogue.ts';
import type { ChannelSeed } from './channel-seed.ts';
import type { InventoryLedger } from './inventory-ledger.ts';
import type { InventoryLookup } from './inventory-lookup.ts';
import type { InventorySeed, InventoryStore } from './inventory-store.ts';
import { lazily } from './lazily.ts';
import type { FacilityRecord, MasterData } from './master-data.ts';
import type { StoreError } from './store-error.ts';

// Setting an OMS up without code: facilities, products, facility groups, the "sell online" toggle, safety stock,
// thresholds and sales channels, each checked before anything is written and written through the store's seed and
// ledger ports (which refuse unknown ids and bad quantities on their own as well).

/** One thing wrong with the input: where (a file's line, when it came from one), which field, and why. */
export interface SetupFault {
  /** The line of the file the value came from (1 is the header); absent for a value given on the command line. */
  readonly line?: number;
  readonly field: string;
  readonly reason: string;
}

/** Why a setup step wrote nothing: the input was refused (every fault named), or the store failed. */
export type SetupError = { readonly _tag: 'SetupRefused'; readonly faults: ReadonlyArray<SetupFault> } | StoreError;

/** What became of one record or setting. */
export type SetupOutcome = 'added' | 'updated' | 'unchanged' | 'removed';

/** What a step did, one entry per id it was given, in input order. */
export interface SetupReport {
  readonly outcomes: ReadonlyArray<{ readonly id: string; readonly outcome: SetupOutcome }>;
}

const refused = (faults: ReadonlyArray<SetupFault>): SetupError => ({ _tag: 'SetupRefused', faults });
const refusedOne = (field: string, reason: string): SetupError => refused([{ field, reason }]);

/** A store task as a setup step's: its errors are among the step's. */
const widen = <A>(task: TE.TaskEither<StoreError, A>): TE.TaskEither<SetupError, A> => task;

const shown = (u: unknown): string => (typeof u === 'string' ? JSON.stringify(u) : String(u));

/** The value as `codec` reads it, or a fault of `field` (at `line`). */
const read = <A>(
  codec: t.Decoder<unknown, A>,
  value: unknown,
  field: string,
  expected: string,
  faults: SetupFault[],
  line: number | undefined,
): A | undefined => {
  const decoded = codec.decode(value);
  if (E.isRight(decoded)) return decoded.right;
  faults.push({
    ...(line === undefined ? {} : { line }),
    field,
    reason:
      value === undefined || value === '' ? `missing (expected ${expected})` : `${shown(value)} is not ${expected}`,
  });
  return undefined;
};

const AN_ID = 'an identifier (1 to 255 characters, no surrounding blanks, no control characters)';

/** A facility as given: from the command line or a file's line, untrusted. */
export interface FacilityInput {
  readonly line?: number;
  readonly facilityId: unknown;
  readonly externalId: unknown;
  readonly name?: unknown;
}

/** A product as given: from the command line or a file's line, untrusted. */
export interface ProductInput {
  readonly line?: number;
  readonly productId: unknown;
  readonly externalId: unknown;
  readonly sku?: unknown;
}

/**
 * The faults of records keyed by an id and an external id: an id given twice, an external id given to two ids, or
 * an external id the store already has for another id (NetSuite ids are unique per kind).
 */
const keyFaults = (
  records: ReadonlyArray<{ readonly line: number | undefined; readonly id: string; readonly externalId: string }>,
  stored: ReadonlyMap<string, string>,
  idField: string,
  externalField: string,
  what: string,
): SetupFault[] => {
  const faults: SetupFault[] = [];
  const ids = new Map<string, number | undefined>();
  const externals = new Map<string, { id: string; line: number | undefined }>();
  const at = (line: number | undefined) => (line === undefined ? '' : ` (line ${line})`);
  for (const r of records) {
    const where = r.line === undefined ? {} : { line: r.line };
    if (ids.has(r.id))
      faults.push({ ...where, field: idField, reason: `${what} ${r.id} is given twice${at(ids.get(r.id))}` });
    else ids.set(r.id, r.line);
    const other = externals.get(r.externalId);
    if (other !== undefined && other.id !== r.id)
      faults.push({
        ...where,
        field: externalField,
        reason: `${r.externalId} is given to ${other.id} too${at(other.line)}`,
      });
    else externals.set(r.externalId, { id: r.id, line: r.line });
    const holder = stored.get(r.externalId);
    if (holder !== undefined && holder !== r.id)
      faults.push({ ...where, field: externalField, reason: `${r.externalId} is ${what} ${holder}'s already` });
  }
  return faults;
};

/**
 * Saves facilities (each whole: its NetSuite location id and name), after checking every one: ids, a NetSuite
 * location id held by another facility, an id given twice. One fault refuses them all and nothing is written.
 */
export const saveFacilityRecords = (
  inputs: ReadonlyArray<FacilityInput>,
): RTE.ReaderTaskEither<Pick<MasterData, 'facilities'> & InventorySeed, SetupError, SetupReport> =>
  lazily((store) => {
    const faults: SetupFault[] = [];
    const records = inputs.flatMap((i) => {
      const facilityId = read(Identifier, i.facilityId, 'facilityId', AN_ID, faults, i.line);
      const externalId = read(Identifier, i.externalId, 'netsuiteLocationId', AN_ID, faults, i.line);
      const name =
        i.name === undefined || i.name === ''
          ? undefined
          : read(Identifier, i.name, 'name', 'a name (1 to 255 characters, no surrounding blanks)', faults, i.line);
      return facilityId === undefined || externalId === undefined
        ? []
        : [{ line: i.line, facilityId, externalId, ...(name === undefined ? {} : { name }) }];
    });
    return pipe(
      widen(store.facilities()),
      TE.chain((existing) => {
        const byId = new Map(existing.map((f) => [f.facilityId, f]));
        faults.push(
          ...keyFaults(
            records.map((r) => ({ line: r.line, id: r.facilityId, externalId: r.externalId })),
            new Map(existing.map((f) => [f.externalId, f.facilityId])),
            'facilityId',
            'netsuiteLocationId',
            'facility',
          ),
        );
        if (faults.length > 0) return TE.left(refused(faults));
        const outcomes = records.map((r) => {
          const before: FacilityRecord | undefined = byId.get(r.facilityId);
          const outcome: SetupOutcome =
            before === undefined
              ? 'added'
              : before.externalId === r.externalId && before.name === (r.name ?? null)
                ? 'unchanged'
                : 'updated';
          return { id: r.facilityId, outcome };
        });
        return pipe(
          store.saveFacilities(
            records.map((r) => ({
              facilityId: r.facilityId,
              externalId: r.externalId,
              ...(r.name === undefined ? {} : { name: r.name }),
            })),
          ),
          TE.mapLeft((e): SetupError => e),
          TE.map(() => ({ outcomes })),
        );
      }),
    );
  });

/**
 * Saves products (each whole: its NetSuite item id and SKU, none given: no SKU), after checking every one as
 * `saveFacilityRecords` does. One fault refuses them all and nothing is written.
 */
export const saveProductRecords = (
  inputs: ReadonlyArray<ProductInput>,
): RTE.ReaderTaskEither<
  Pick<InventoryStore, 'productIdsByExternalId'> & InventorySeed & Pick<ChannelSeed, 'saveProductSkus'>,
  SetupError,
  SetupReport
> =>
  lazily((store) => {
    const faults: SetupFault[] = [];
    const records = inputs.flatMap((i) => {
      const productId = read(Identifier, i.productId, 'productId', AN_ID, faults, i.line);
      const externalId = read(Identifier, i.externalId, 'netsuiteItemId', AN_ID, faults, i.line);
      const sku = i.sku === undefined || i.sku === '' ? null : read(Identifier, i.sku, 'sku', AN_ID, faults, i.line);
      return productId === undefined || externalId === undefined || sku === undefined
        ? []
        : [{ line: i.line, productId, externalId, sku }];
    });
    return pipe(
      widen(store.productIdsByExternalId()),
      TE.chain((stored) => {
        faults.push(
          ...keyFaults(
            records.map((r) => ({ line: r.line, id: r.productId, externalId: r.externalId })),
            stored,
            'productId',
            'netsuiteItemId',
            'product',
          ),
        );
        if (faults.length > 0) return TE.left(refused(faults));
        const known = new Set(stored.values());
        const outcomes = records.map((r) => ({
          id: r.productId,
          outcome: (known.has(r.productId) ? 'updated' : 'added') as SetupOutcome,
        }));
        return pipe(
          store.saveProducts(records.map((r) => ({ productId: r.productId, externalId: r.externalId }))),
          TE.chain(() => store.saveProductSkus(records.map((r) => ({ productId: r.productId, sku: r.sku })))),
          TE.mapLeft((e): SetupError => e),
          TE.map(() => ({ outcomes })),
        );
      }),
    );
  });

/** The group, or a refusal naming it when it does not exist (or, with `channel`, is not a `CHANNEL_FAC_GROUP`). */
const groupNamed = (
  store: Pick<Catalogue, 'facilityGroup'>,
  facilityGroupId: string,
  channel: boolean,
): TE.TaskEither<SetupError, FacilityGroup> =>
  pipe(
    widen(store.facilityGroup(facilityGroupId)),
    TE.chain((group) =>
      group === null
        ? TE.left(refusedOne('facilityGroupId', `no facility group ${facilityGroupId} (add it with group add)`))
        : channel && !isChannelFacilityGroup(group)
          ? TE.left(
              refusedOne(
                'facilityGroupId',
                `facility group ${facilityGroupId} is of type ${group.facilityGroupTypeId}, not ${CHANNEL_FAC_GROUP}`,
              ),
            )
          : TE.right(group),
    ),
  );

/**
 * Adds a facility group of a type, with no members; the same group again is unchanged, and a group of another type
 * is refused (its type is not changed under its members and channel).
 */
export const addFacilityGroup = (
  facilityGroupId: unknown,
  facilityGroupTypeId: unknown,
): RTE.ReaderTaskEither<
  Pick<Catalogue, 'facilityGroup'> & Pick<ChannelSeed, 'saveFacilityGroup'>,
  SetupError,
  SetupReport
> =>
  lazily((store) => {
    const faults: SetupFault[] = [];
    const id = read(Identifier, facilityGroupId, 'facilityGroupId', AN_ID, faults, undefined);
    const type = read(
      Identifier,
      facilityGroupTypeId,
      'type',
      `a type such as ${CHANNEL_FAC_GROUP}`,
      faults,
      undefined,
    );
    if (id === undefined || type === undefined) return TE.left(refused(faults));
    return pipe(
      widen(store.facilityGroup(id)),
      TE.chain((existing) =>
        existing === null
          ? pipe(
              widen(store.saveFacilityGroup({ facilityGroupId: id, facilityGroupTypeId: type, facilityIds: [] })),
              TE.map((): SetupReport => ({ outcomes: [{ id, outcome: 'added' }] })),
            )
          : existing.facilityGroupTypeId === type
            ? TE.right({ outcomes: [{ id, outcome: 'unchanged' }] })
            : TE.left(
                refusedOne(
                  'type',
                  `facility group ${id} exists with type ${existing.facilityGroupTypeId}, not ${type}`,
                ),
              ),
      ),
    );
  });

/**
 * The "sell online" toggle: the facility in (`on`) or out of a `CHANNEL_FAC_GROUP` group, so its stock counts (or
 * stops counting) in the group's online ATP. One member is added or removed in one store call
 * (`setFacilityGroupMember`), so toggles of other facilities of the group at the same moment are all kept; a change
 * marks every product stocked at the facility changed for the next delta push.
 */
export const setSellOnline = (
  facilityId: unknown,
  facilityGroupId: unknown,
  on: boolean,
): RTE.ReaderTaskEither<
  Pick<MasterData, 'facilities'> & Pick<Catalogue, 'facilityGroup'> & Pick<ChannelSeed, 'setFacilityGroupMember'>,
  SetupError,
  SetupReport
> =>
  lazily((store) => {
    const faults: SetupFault[] = [];
    const facility = read(Identifier, facilityId, 'facilityId', AN_ID, faults, undefined);
    const groupId = read(Identifier, facilityGroupId, 'facilityGroupId', AN_ID, faults, undefined);
    if (facility === undefined || groupId === undefined) return TE.left(refused(faults));
    return pipe(
      TE.Do,
      TE.bind('group', () => groupNamed(store, groupId, true)),
      TE.bind('facilities', () => pipe(widen(store.facilities()))),
      TE.chain(({ group, facilities }) => {
        if (!facilities.some((f) => f.facilityId === facility))
          return TE.left(refusedOne('facilityId', `no facility ${facility} (add it with facility add)`));
        return pipe(
          widen(store.setFacilityGroupMember(group.facilityGroupId, facility, on)),
          TE.map(
            (changed): SetupReport => ({
              outcomes: [{ id: facility, outcome: !changed ? 'unchanged' : on ? 'added' : 'removed' }],
            }),
          ),
        );
      }),
    );
  });

/** The product of exactly this id (not one whose SKU it is), or a refusal. */
const productNamed = (store: InventoryLookup, productId: string): TE.TaskEither<SetupError, string> =>
  pipe(
    widen(store.productInventory(productId)),
    TE.chain((found) =>
      found?.productId === productId
        ? TE.right(productId)
        : TE.left(refusedOne('productId', `no product ${productId} (add it with product add)`)),
    ),
  );

const A_QUANTITY = 'a quantity of 0 or more (at most five decimals)';

/**
 * Sets the safety stock of a product at a facility, as a `safety-stock-set` event in the ledger (`eventId` and
 * `occurredAt` name it; QOH and reserved stay as they are).
 */
export const setSafetyStock = (
  productId: unknown,
  facilityId: unknown,
  quantity: unknown,
  event: { readonly eventId: string; readonly occurredAt: string; readonly source: string },
): RTE.ReaderTaskEither<
  Pick<MasterData, 'facilities'> & InventoryLookup & Pick<InventoryLedger, 'recordEvents'>,
  SetupError,
  SetupReport
> =>
  lazily((store) => {
    const faults: SetupFault[] = [];
    const product = read(Identifier, productId, 'productId', AN_ID, faults, undefined);
    const facility = read(Identifier, facilityId, 'facilityId', AN_ID, faults, undefined);
    const units = read(NonNegativeQuantity, quantity, 'quantity', A_QUANTITY, faults, undefined);
    if (product === undefined || facility === undefined || units === undefined) return TE.left(refused(faults));
    return pipe(
      productNamed(store, product),
      TE.chain(() => pipe(widen(store.facilities()))),
      TE.chain((facilities) =>
        facilities.some((f) => f.facilityId === facility)
          ? pipe(
              store.recordEvents([
                { ...event, type: 'safety-stock-set', productId: product, facilityId: facility, quantity: units },
              ]),
              TE.mapLeft((e): SetupError => e),
            )
          : TE.left(refusedOne('facilityId', `no facility ${facility} (add it with facility add)`)),
      ),
      TE.chain(([outcome]) =>
        outcome?.outcome === 'applied'
          ? TE.right({ outcomes: [{ id: `${product}@${facility}`, outcome: 'updated' as const }] })
          : TE.left(
              refusedOne(
                'quantity',
                `the ledger did not apply it: ${outcome === undefined ? 'no outcome' : outcome.outcome === 'refused' ? `${outcome.reason}: ${outcome.detail}` : outcome.outcome}`,
              ),
            ),
      ),
    );
  });

/** Sets a product's threshold (units held back from online sale) through the seed (`saveThresholds`). */
export const setThreshold = (
  productId: unknown,
  quantity: unknown,
): RTE.ReaderTaskEither<InventoryLookup & Pick<ChannelSeed, 'saveThresholds'>, SetupError, SetupReport> =>
  lazily((store) => {
    const faults: SetupFault[] = [];
    const product = read(Identifier, productId, 'productId', AN_ID, faults, undefined);
    const units = read(NonNegativeQuantity, quantity, 'quantity', A_QUANTITY, faults, undefined);
    if (product === undefined || units === undefined) return TE.left(refused(faults));
    return pipe(
      productNamed(store, product),
      TE.chain(() => pipe(widen(store.saveThresholds([{ productId: product, threshold: units }])))),
      TE.map((): SetupReport => ({ outcomes: [{ id: product, outcome: 'updated' }] })),
    );
  });

/** A shop's myshopify domain. */
export const MYSHOPIFY_DOMAIN = /^[a-z0-9][a-z0-9-]*\.myshopify\.com$/;
/** A Shopify location's global id. */
export const LOCATION_GID = /^gid:\/\/shopify\/Location\/\d+$/;

/** Sets the shop and Shopify location a `CHANNEL_FAC_GROUP` group sells through (its sales channel). */
export const saveSalesChannel = (
  facilityGroupId: unknown,
  shop: unknown,
  locationId: unknown,
): RTE.ReaderTaskEither<
  Pick<Catalogue, 'facilityGroup' | 'salesChannel'> & Pick<ChannelSeed, 'saveSalesChannel'>,
  SetupError,
  SetupReport
> =>
  lazily((store) => {
    const faults: SetupFault[] = [];
    const groupId = read(Identifier, facilityGroupId, 'facilityGroupId', AN_ID, faults, undefined);
    if (typeof shop !== 'string' || !MYSHOPIFY_DOMAIN.test(shop))
      faults.push({ field: 'shop', reason: `${shown(shop)} is not a myshopify domain (such as acme.myshopify.com)` });
    if (typeof locationId !== 'string' || !LOCATION_GID.test(locationId))
      faults.push({
        field: 'locationId',
        reason: `${shown(locationId)} is not a location id (gid://shopify/Location/N; shopify locations lists them)`,
      });
    if (groupId === undefined || faults.length > 0) return TE.left(refused(faults));
    const channel = { facilityGroupId: groupId, shop: shop as string, locationId: locationId as string };
    return pipe(
      groupNamed(store, groupId, true),
      TE.chain(() => pipe(widen(store.salesChannel(groupId)))),
      TE.chain((before) => {
        const outcome: SetupOutcome =
          before === null
            ? 'added'
            : before.shop === channel.shop && before.locationId === channel.locationId
              ? 'unchanged'
              : 'updated';
        return pipe(
          widen(store.saveSalesChannel(channel)),
          TE.map((): SetupReport => ({ outcomes: [{ id: groupId, outcome }] })),
        );
      }),
    );
  });
