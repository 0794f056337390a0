import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { facilityDetail, facilityListings, groupOverviews } from '../../src/application/facility-overview.ts';
import { setSellOnline } from '../../src/application/oms-setup.ts';
import { CHANNEL_FAC_GROUP } from '../../src/domain/index.ts';
import { channelStore, GROUP, LOCATION, SHOP, STORE_9, WEB_WH } from '../support/channel-world.ts';
import { run } from '../support/run.ts';

const world = async () => {
  const store = await channelStore([{ productId: 'P1', quantityOnHand: 10, inventoryItemId: null }]);
  await run(
    store.saveFacilityGroup({ facilityGroupId: 'EU', facilityGroupTypeId: CHANNEL_FAC_GROUP, facilityIds: [] }),
  );
  await run(
    store.saveFacilityGroup({ facilityGroupId: 'PICK', facilityGroupTypeId: 'PICKING', facilityIds: [STORE_9] }),
  );
  await run(store.saveFacilities([{ facilityId: 'WH3', externalId: '903', name: 'North' }]));
  return store;
};

const listings = suite('facilityListings');

listings('every facility with its NetSuite location id, name and groups, in id order', async () => {
  const store = await world();
  assert.equal(await run(facilityListings()(store)), [
    { facilityId: STORE_9, externalId: '909', name: null, groupIds: ['PICK'] },
    { facilityId: WEB_WH, externalId: '901', name: null, groupIds: [GROUP] },
    { facilityId: 'WH3', externalId: '903', name: 'North', groupIds: [] },
  ]);
});

const detail = suite('facilityDetail');

detail('a toggle per channel group, member or not; other groups apart; null for an unknown facility', async () => {
  const store = await world();
  const found = await run(facilityDetail(WEB_WH)(store));
  assert.equal(
    found?.sellOnline.map((t) => [t.group.facilityGroupId, t.member]),
    [
      ['EU', false],
      [GROUP, true],
    ],
  );
  assert.equal(found?.otherGroups, []);
  assert.equal(
    (await run(facilityDetail(STORE_9)(store)))?.otherGroups.map((g) => g.facilityGroupId),
    ['PICK'],
  );
  assert.is(await run(facilityDetail('NOPE')(store)), null);
});

detail('the toggle turned off through setSellOnline shows off', async () => {
  const store = await world();
  await run(setSellOnline(WEB_WH, GROUP, false)(store));
  const found = await run(facilityDetail(WEB_WH)(store));
  assert.equal(found?.sellOnline.find((t) => t.group.facilityGroupId === GROUP)?.member, false);
});

const groups = suite('groupOverviews');

groups('every group with its members (records) and a channel group its shop and location', async () => {
  const store = await world();
  await run(
    store.saveFacilityGroup({
      facilityGroupId: GROUP,
      facilityGroupTypeId: CHANNEL_FAC_GROUP,
      facilityIds: [WEB_WH, 'WH3'],
    }),
  );
  assert.equal(await run(groupOverviews()(store)), [
    {
      group: { facilityGroupId: 'EU', facilityGroupTypeId: CHANNEL_FAC_GROUP, facilityIds: [] },
      members: [],
      channel: null,
    },
    {
      group: { facilityGroupId: 'PICK', facilityGroupTypeId: 'PICKING', facilityIds: [STORE_9] },
      members: [{ facilityId: STORE_9, externalId: '909', name: null }],
      channel: null,
    },
    {
      group: { facilityGroupId: GROUP, facilityGroupTypeId: CHANNEL_FAC_GROUP, facilityIds: [WEB_WH, 'WH3'] },
      members: [
        { facilityId: WEB_WH, externalId: '901', name: null },
        { facilityId: 'WH3', externalId: '903', name: 'North' },
      ],
      channel: { shop: SHOP, locationId: LOCATION },
    },
  ]);
});

listings.run();
detail.run();
groups.run();
