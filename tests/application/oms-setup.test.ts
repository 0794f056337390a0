import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { memoryInventoryStore } from '../../src/adapters/memory/memory-inventory-store.ts';
import {
  addFacilityGroup,
  saveFacilityRecords,
  saveProductRecords,
  saveSalesChannel,
  setSafetyStock,
  setSellOnline,
  setThreshold,
  type SetupError,
  type SetupFault,
} from '../../src/application/oms-setup.ts';
import { CHANNEL_FAC_GROUP } from '../../src/domain/index.ts';
import { run, runLeft } from '../support/run.ts';

const faultsOf = (e: SetupError): ReadonlyArray<SetupFault> => {
  if (e._tag !== 'SetupRefused') throw new Error(`expected SetupRefused, got ${JSON.stringify(e)}`);
  return e.faults;
};

const facilities = suite('saveFacilityRecords');

facilities('adds, updates and leaves unchanged, each reported, and lists them back with names', async () => {
  const store = memoryInventoryStore();
  const first = await run(
    saveFacilityRecords([
      { facilityId: 'WH1', externalId: '12', name: 'Main warehouse' },
      { facilityId: 'WH2', externalId: '13' },
    ])(store),
  );
  assert.equal(first.outcomes, [
    { id: 'WH1', outcome: 'added' },
    { id: 'WH2', outcome: 'added' },
  ]);
  const again = await run(
    saveFacilityRecords([
      { facilityId: 'WH1', externalId: '12', name: 'Main warehouse' },
      { facilityId: 'WH2', externalId: '14', name: 'Store' },
    ])(store),
  );
  assert.equal(
    again.outcomes.map((o) => o.outcome),
    ['unchanged', 'updated'],
  );
  assert.equal(await run(store.facilities()), [
    { facilityId: 'WH1', externalId: '12', name: 'Main warehouse' },
    { facilityId: 'WH2', externalId: '14', name: 'Store' },
  ]);
});

facilities('every fault with its line and field; one fault writes nothing', async () => {
  const store = memoryInventoryStore();
  await run(saveFacilityRecords([{ facilityId: 'WH1', externalId: '12' }])(store));
  const e = await runLeft(
    saveFacilityRecords([
      { line: 2, facilityId: 'WH2', externalId: '20' },
      { line: 3, facilityId: ' bad', externalId: '21' },
      { line: 4, facilityId: 'WH3', externalId: '' },
      { line: 5, facilityId: 'WH4', externalId: '12' },
      { line: 6, facilityId: 'WH2', externalId: '22' },
      { line: 7, facilityId: 'WH5', externalId: '20' },
    ])(store),
  );
  assert.equal(
    faultsOf(e).map((f) => [f.line, f.field]),
    [
      [3, 'facilityId'],
      [4, 'netsuiteLocationId'],
      [5, 'netsuiteLocationId'],
      [6, 'facilityId'],
      [7, 'netsuiteLocationId'],
    ],
  );
  assert.match(faultsOf(e)[2]!.reason, /12 is facility WH1's already/);
  assert.match(faultsOf(e)[3]!.reason, /given twice \(line 2\)/);
  assert.equal(
    (await run(store.facilities())).map((f) => f.facilityId),
    ['WH1'],
    'nothing of the refused call written',
  );
});

facilities.run();

const products = suite('saveProductRecords');

products('saves products with SKUs (an empty SKU is none); a NetSuite item id held by another is refused', async () => {
  const store = memoryInventoryStore();
  const report = await run(
    saveProductRecords([
      { productId: 'P1', externalId: '901', sku: 'SKU-1' },
      { productId: 'P2', externalId: '902', sku: '' },
    ])(store),
  );
  assert.equal(
    report.outcomes.map((o) => o.outcome),
    ['added', 'added'],
  );
  assert.equal(await run(store.productPage(null, 10)), [
    { productId: 'P1', externalId: '901', sku: 'SKU-1' },
    { productId: 'P2', externalId: '902', sku: null },
  ]);
  const e = await runLeft(saveProductRecords([{ line: 2, productId: 'P3', externalId: '901' }])(store));
  assert.equal(faultsOf(e), [{ line: 2, field: 'netsuiteItemId', reason: "901 is product P1's already" }]);
  assert.equal(
    (await run(saveProductRecords([{ productId: 'P1', externalId: '901' }])(store))).outcomes[0]?.outcome,
    'updated',
  );
});

products.run();

const channel = suite('facility groups, sell online, safety stock, threshold, sales channel');

const seeded = async () => {
  const store = memoryInventoryStore();
  await run(
    saveFacilityRecords([
      { facilityId: 'WH1', externalId: '12' },
      { facilityId: 'WH2', externalId: '13' },
    ])(store),
  );
  await run(saveProductRecords([{ productId: 'P1', externalId: '901', sku: 'SKU-1' }])(store));
  return store;
};

channel('group add: added, then unchanged; another type is refused', async () => {
  const store = await seeded();
  assert.equal((await run(addFacilityGroup('WEB', CHANNEL_FAC_GROUP)(store))).outcomes, [
    { id: 'WEB', outcome: 'added' },
  ]);
  assert.equal((await run(addFacilityGroup('WEB', CHANNEL_FAC_GROUP)(store))).outcomes[0]?.outcome, 'unchanged');
  assert.match(faultsOf(await runLeft(addFacilityGroup('WEB', 'OTHER')(store)))[0]!.reason, /exists with type/);
  assert.equal(await run(store.facilityGroup('WEB')), {
    facilityGroupId: 'WEB',
    facilityGroupTypeId: CHANNEL_FAC_GROUP,
    facilityIds: [],
  });
});

channel(
  'sell online: in, in again (unchanged), out; an unknown facility or a non-channel group is refused',
  async () => {
    const store = await seeded();
    await run(addFacilityGroup('WEB', CHANNEL_FAC_GROUP)(store));
    await run(addFacilityGroup('STORES', 'REGION')(store));
    assert.is((await run(setSellOnline('WH1', 'WEB', true)(store))).outcomes[0]?.outcome, 'added');
    assert.is((await run(setSellOnline('WH2', 'WEB', true)(store))).outcomes[0]?.outcome, 'added');
    assert.is((await run(setSellOnline('WH1', 'WEB', true)(store))).outcomes[0]?.outcome, 'unchanged');
    assert.is((await run(setSellOnline('WH1', 'WEB', false)(store))).outcomes[0]?.outcome, 'removed');
    assert.equal((await run(store.facilityGroup('WEB')))?.facilityIds, ['WH2']);
    assert.match(faultsOf(await runLeft(setSellOnline('NOPE', 'WEB', true)(store)))[0]!.reason, /no facility NOPE/);
    assert.match(
      faultsOf(await runLeft(setSellOnline('WH1', 'STORES', true)(store)))[0]!.reason,
      /of type REGION, not CHANNEL_FAC_GROUP/,
    );
    assert.match(
      faultsOf(await runLeft(setSellOnline('WH1', 'GONE', true)(store)))[0]!.reason,
      /no facility group GONE/,
    );
  },
);

channel(
  'safety stock through the ledger, threshold through the seed; unknown ids and bad quantities refused',
  async () => {
    const store = await seeded();
    const event = { eventId: 'setup:1', occurredAt: '2026-12-01T10:00:00Z', source: 'cli' };
    await run(setSafetyStock('P1', 'WH1', 5, event)(store));
    await run(setThreshold('P1', 2.5)(store));
    assert.equal(await run(store.stockTerms('safety-stock', null, 10)), [
      { kind: 'safety-stock', productId: 'P1', facilityId: 'WH1', quantity: 5 },
    ]);
    assert.is((await run(store.productInventory('P1')))?.inventory.threshold, 2.5);
    assert.equal(
      (await run(store.ledgerEntries(null, 10, { productId: 'P1' }))).map((e) => [e.event.type, e.event.source]),
      [
        ['safety-stock-set', 'cli'],
        ['threshold-set', 'channel-seed'],
      ],
    );
    const other = { ...event, eventId: 'setup:2' };
    assert.match(
      faultsOf(await runLeft(setSafetyStock('SKU-1', 'WH1', 1, other)(store)))[0]!.reason,
      /no product SKU-1/,
    );
    assert.match(faultsOf(await runLeft(setSafetyStock('P1', 'WH9', 1, other)(store)))[0]!.reason, /no facility WH9/);
    assert.equal(faultsOf(await runLeft(setThreshold('P1', -1)(store)))[0]?.field, 'quantity');
    assert.equal(faultsOf(await runLeft(setThreshold('P1', 0.000001)(store)))[0]?.field, 'quantity');
    assert.is((await run(store.ledgerEntries(null, 10, { productId: 'P1' }))).length, 2, 'nothing more recorded');
  },
);

channel('sales channel: a channel group, a myshopify domain and a location gid; updated when it changes', async () => {
  const store = await seeded();
  await run(addFacilityGroup('WEB', CHANNEL_FAC_GROUP)(store));
  const location = 'gid://shopify/Location/1';
  assert.is((await run(saveSalesChannel('WEB', 'acme.myshopify.com', location)(store))).outcomes[0]?.outcome, 'added');
  assert.is(
    (await run(saveSalesChannel('WEB', 'acme.myshopify.com', location)(store))).outcomes[0]?.outcome,
    'unchanged',
  );
  assert.is(
    (await run(saveSalesChannel('WEB', 'acme.myshopify.com', 'gid://shopify/Location/2')(store))).outcomes[0]?.outcome,
    'updated',
  );
  assert.equal(
    faultsOf(await runLeft(saveSalesChannel('WEB', 'acme.com', '17')(store))).map((f) => f.field),
    ['shop', 'locationId'],
  );
  assert.match(
    faultsOf(await runLeft(saveSalesChannel('NONE', 'acme.myshopify.com', location)(store)))[0]!.reason,
    /no facility group NONE/,
  );
  assert.is((await run(store.salesChannel('WEB')))?.locationId, 'gid://shopify/Location/2');
});

channel.run();
