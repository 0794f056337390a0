import { pipe } from 'fp-ts/lib/function.js';
import type * as RTE from 'fp-ts/lib/ReaderTaskEither.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import { type ChannelFacilityGroup, type FacilityGroup, isChannelFacilityGroup } from '../domain/index.ts';
import type { Catalogue } from './catalogue.ts';
import type { FacilityRecord, MasterData } from './master-data.ts';
import type { StoreError } from './store-error.ts';

// What the console shows of facilities and facility groups: read through the master data and catalogue ports, put
// together here (a store has hundreds of facilities and a few groups, so joining them in memory is cheap).

/** A facility with the ids of the groups it is a member of (in group id order). */
export interface FacilityListing extends FacilityRecord {
  readonly groupIds: ReadonlyArray<string>;
}

/** Every facility with its NetSuite location id, name and groups, in facility id order. */
export const facilityListings = (): RTE.ReaderTaskEither<
  Pick<MasterData, 'facilities' | 'facilityGroups'>,
  StoreError,
  ReadonlyArray<FacilityListing>
> => {
  return (store) =>
    pipe(
      TE.Do,
      TE.apS('facilities', store.facilities()),
      TE.apS('groups', store.facilityGroups()),
      TE.map(({ facilities, groups }) =>
        facilities.map((f) => ({
          ...f,
          groupIds: groups.filter((g) => g.facilityIds.includes(f.facilityId)).map((g) => g.facilityGroupId),
        })),
      ),
    );
};

/** A facility's "sell online" state in one channel group. */
export interface SellOnlineToggle {
  readonly group: ChannelFacilityGroup;
  /** Whether the facility is a member: its stock counts in the group's online ATP. */
  readonly member: boolean;
}

/** A facility's page: its record, a "sell online" toggle per `CHANNEL_FAC_GROUP` group, and its other groups. */
export interface FacilityDetail {
  readonly facility: FacilityRecord;
  readonly sellOnline: ReadonlyArray<SellOnlineToggle>;
  /** The groups of other types it is a member of. */
  readonly otherGroups: ReadonlyArray<FacilityGroup>;
}

/** The facility of this id with its toggles (every channel group, member or not), or null when there is none. */
export const facilityDetail = (
  facilityId: string,
): RTE.ReaderTaskEither<Pick<MasterData, 'facilities' | 'facilityGroups'>, StoreError, FacilityDetail | null> => {
  return (store) =>
    pipe(
      TE.Do,
      TE.apS('facilities', store.facilities()),
      TE.apS('groups', store.facilityGroups()),
      TE.map(({ facilities, groups }) => {
        const facility = facilities.find((f) => f.facilityId === facilityId);
        if (facility === undefined) return null;
        return {
          facility,
          sellOnline: groups
            .filter(isChannelFacilityGroup)
            .map((group) => ({ group, member: group.facilityIds.includes(facilityId) })),
          otherGroups: groups.filter((g) => !isChannelFacilityGroup(g) && g.facilityIds.includes(facilityId)),
        };
      }),
    );
};

/** A facility group with its members' records and, for a channel group, the Shopify shop and location it sells through. */
export interface GroupOverview {
  readonly group: FacilityGroup;
  /** Its members, in facility id order (a member the store has no record of shows with its id alone). */
  readonly members: ReadonlyArray<FacilityRecord>;
  readonly channel: { readonly shop: string; readonly locationId: string } | null;
}

/** Every facility group with its members and sales channel, in group id order. */
export const groupOverviews = (): RTE.ReaderTaskEither<
  Pick<MasterData, 'facilities' | 'facilityGroups'> & Pick<Catalogue, 'salesChannel'>,
  StoreError,
  ReadonlyArray<GroupOverview>
> => {
  return (store) =>
    pipe(
      TE.Do,
      TE.apS('facilities', store.facilities()),
      TE.apS('groups', store.facilityGroups()),
      TE.chain(({ facilities, groups }) => {
        const byId = new Map(facilities.map((f) => [f.facilityId, f]));
        return TE.sequenceSeqArray(
          groups.map((group) =>
            pipe(
              isChannelFacilityGroup(group) ? store.salesChannel(group.facilityGroupId) : TE.right(null),
              TE.map(
                (channel): GroupOverview => ({
                  group,
                  members: group.facilityIds.map(
                    (id) => byId.get(id) ?? { facilityId: id, externalId: '', name: null },
                  ),
                  channel: channel === null ? null : { shop: channel.shop, locationId: channel.locationId },
                }),
              ),
            ),
          ),
        );
      }),
    );
};
