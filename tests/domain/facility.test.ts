import fc from 'fast-check';
import { isLeft, isRight } from 'fp-ts/lib/Either.js';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  CHANNEL_FAC_GROUP,
  ChannelFacilityGroup,
  Facility,
  FacilityGroup,
  isChannelFacilityGroup,
} from '../../src/domain/facility.ts';
import { channelFacilityGroup, identifier } from '../arbitraries.ts';

const facility = suite('Facility');

facility('an id, and optionally a name and the NetSuite location id it is mapped to', () => {
  assert.ok(isRight(Facility.decode({ facilityId: 'WEB_WH' })));
  assert.ok(isRight(Facility.decode({ facilityId: 'WEB_WH', name: ' Web warehouse (NJ) ', externalId: '101' })));
  for (const bad of [
    {},
    { facilityId: '' },
    { facilityId: 'WEB_WH', externalId: ' 101' },
    { facilityId: 'WEB_WH', externalId: 101 },
    { facilityId: 'WEB_WH', name: 5 },
    null,
  ])
    assert.ok(isLeft(Facility.decode(bad)), JSON.stringify(bad));
});

const groups = suite('FacilityGroup, ChannelFacilityGroup and isChannelFacilityGroup');

const group = (facilityGroupTypeId: string, facilityIds: ReadonlyArray<string> = ['WEB_WH', 'STORE_9']) => ({
  facilityGroupId: 'SHOPIFY_US',
  facilityGroupTypeId,
  facilityIds,
});

groups('the channel type is CHANNEL_FAC_GROUP; a group of any type is a FacilityGroup', () => {
  assert.is(CHANNEL_FAC_GROUP, 'CHANNEL_FAC_GROUP');
  assert.ok(isRight(FacilityGroup.decode(group('PICKUP'))));
  assert.ok(isRight(FacilityGroup.decode(group(CHANNEL_FAC_GROUP, []))));
  assert.ok(isRight(ChannelFacilityGroup.decode(group(CHANNEL_FAC_GROUP))));
  assert.ok(isLeft(ChannelFacilityGroup.decode(group('PICKUP'))));
  // The type is matched exactly: no case folding, no trimming.
  assert.ok(isLeft(ChannelFacilityGroup.decode(group('channel_fac_group'))));
});

groups('every member must be an identifier', () => {
  assert.ok(isLeft(FacilityGroup.decode(group('PICKUP', ['WEB_WH', '']))));
  assert.ok(isLeft(FacilityGroup.decode(group('PICKUP', ['WEB_WH', 7] as never))));
  assert.ok(isLeft(FacilityGroup.decode({ facilityGroupId: 'G', facilityGroupTypeId: 'PICKUP' })));
});

groups('isChannelFacilityGroup narrows exactly the groups of the channel type', () => {
  assert.ok(isChannelFacilityGroup(group(CHANNEL_FAC_GROUP)));
  assert.not.ok(isChannelFacilityGroup(group('PICKUP')));
});

groups('property: isChannelFacilityGroup agrees with the ChannelFacilityGroup codec on every valid group', () => {
  fc.assert(
    fc.property(
      identifier('G'),
      fc.oneof(fc.constant(CHANNEL_FAC_GROUP), identifier()),
      fc.array(identifier('F'), { maxLength: 5 }),
      (facilityGroupId, facilityGroupTypeId, facilityIds) => {
        const g = { facilityGroupId, facilityGroupTypeId, facilityIds };
        return FacilityGroup.is(g) && isChannelFacilityGroup(g) === ChannelFacilityGroup.is(g);
      },
    ),
    { numRuns: 300 },
  );
  fc.assert(
    fc.property(
      channelFacilityGroup(['F1', 'F2', 'F3']),
      (g) => ChannelFacilityGroup.is(g) && isChannelFacilityGroup(g),
    ),
    { numRuns: 100 },
  );
});

facility.run();
groups.run();
