import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { productOverview } from '../../src/application/product-overview.ts';
import { setSellOnline } from '../../src/application/oms-setup.ts';
import { CHANNEL_FAC_GROUP, explainOnlineAtp } from '../../src/domain/index.ts';
import { channelStore, GROUP, item, STORE_9, WEB_WH } from '../support/channel-world.ts';
import { run } from '../support/run.ts';

// The seed's worked example: 95 at the web warehouse (reserved 5, safety stock 5), 5 at a store outside the group,
// threshold 5 and 5 in the brokering queue: online ATP 100 - (5+5+5+5+5) = 75.
const workedExample = () =>
  channelStore([
    {
      productId: 'P1',
      quantityOnHand: 95,
      reservedQuantity: 5,
      safetyStock: 5,
      outside: 5,
      threshold: 5,
      brokeringQueue: 5,
      inventoryItemId: item(1),
    },
  ]);

const test = suite('productOverview');

test('the 100 -> 75 breakdown term by term, per channel group, by id or SKU', async () => {
  const store = await workedExample();
  const overview = await run(productOverview('P1', 5)(store));
  assert.ok(overview !== null);
  assert.is(overview.product.productId, 'P1');
  const [e] = overview.explanations;
  assert.equal(
    [e?.facilityGroupId, e?.onlineAtp, e?.quantityOnHand, e?.reservedQuantity, e?.safetyStock, e?.threshold],
    [GROUP, 75, 100, 5, 5, 5],
  );
  assert.equal([e?.brokeringQueue, e?.excludedFacilitiesAtp], [5, 5]);
  assert.equal(e, explainOnlineAtp((await run(store.facilityGroup(GROUP))) as never, overview.product.inventory));
  await run(store.saveProductSkus([{ productId: 'P1', sku: 'SKU-100' }]));
  assert.is((await run(productOverview('SKU-100', 0)(store)))?.product.productId, 'P1', 'found by SKU');
  assert.is(await run(productOverview('NOPE', 5)(store)), null);
});

test('one explanation per channel group only; the facility taken out of the group moves online ATP', async () => {
  const store = await workedExample();
  await run(
    store.saveFacilityGroup({
      facilityGroupId: 'STORES',
      facilityGroupTypeId: CHANNEL_FAC_GROUP,
      facilityIds: [STORE_9],
    }),
  );
  await run(
    store.saveFacilityGroup({ facilityGroupId: 'OTHER', facilityGroupTypeId: 'PICKING', facilityIds: [WEB_WH] }),
  );
  const before = await run(productOverview('P1', 0)(store));
  assert.equal(
    before?.explanations.map((e) => [e.facilityGroupId, e.onlineAtp]),
    [
      [GROUP, 75],
      ['STORES', 0],
    ],
  );
  await run(setSellOnline(WEB_WH, GROUP, false)(store));
  const after = await run(productOverview('P1', 0)(store));
  assert.is(after?.explanations.find((e) => e.facilityGroupId === GROUP)?.onlineAtp, 0);
});

test('the last events newest first, at most the count asked for; none for 0', async () => {
  const store = await workedExample();
  for (const [n, quantity] of [
    [1, 2],
    [2, 3],
    [3, 4],
  ] as const)
    await run(
      store.recordEvents([
        {
          eventId: `E${n}`,
          type: 'received',
          productId: 'P1',
          facilityId: WEB_WH,
          quantity,
          occurredAt: `2026-12-0${n}T10:00:00Z`,
          source: 'test',
        },
      ]),
    );
  const overview = await run(productOverview('P1', 2)(store));
  assert.equal(
    overview?.events.map((e) => e.event.eventId),
    ['E3', 'E2'],
  );
  assert.equal((await run(productOverview('P1', 0)(store)))?.events, []);
});

test.run();
