import * as t from 'io-ts';
import { Identifier } from './identifiers.ts';

/** A place that holds stock: warehouse, store, or a NetSuite location mapped to one. */
export const Facility = t.readonly(
  t.intersection([t.type({ facilityId: Identifier }), t.partial({ name: t.string, externalId: Identifier })]),
  'Facility',
);
export type Facility = t.TypeOf<typeof Facility>;

/** The facility group type whose members sell on an online channel; the only type online ATP is computed for. */
export const CHANNEL_FAC_GROUP = 'CHANNEL_FAC_GROUP';

/** A named set of facilities; its type says what the grouping is for. */
export const FacilityGroup = t.readonly(
  t.type({
    facilityGroupId: Identifier,
    facilityGroupTypeId: Identifier,
    facilityIds: t.readonlyArray(Identifier),
  }),
  'FacilityGroup',
);
export type FacilityGroup = t.TypeOf<typeof FacilityGroup>;

/** A facility group of type `CHANNEL_FAC_GROUP`: the facilities whose stock is offered on one online channel. */
export const ChannelFacilityGroup = t.readonly(
  t.type({
    facilityGroupId: Identifier,
    facilityGroupTypeId: t.literal(CHANNEL_FAC_GROUP),
    facilityIds: t.readonlyArray(Identifier),
  }),
  'ChannelFacilityGroup',
);
export type ChannelFacilityGroup = t.TypeOf<typeof ChannelFacilityGroup>;

/** Narrows a facility group to a channel group when its type is `CHANNEL_FAC_GROUP`. */
export const isChannelFacilityGroup = (group: FacilityGroup): group is ChannelFacilityGroup =>
  group.facilityGroupTypeId === CHANNEL_FAC_GROUP;
