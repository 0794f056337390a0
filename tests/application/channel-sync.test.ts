import fc from 'fast-check';
import * as TE from 'fp-ts/lib/TaskEither.js';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { memoryInventoryStore } from '../../src/adapters/memory/memory-inventory-store.ts';
import type { MappedProductInventory, SalesChannel } from '../../src/application/catalogue.ts';
import {
  channelOf,
  deltaConsumer,
  foldPages,
  pendingChanges,
  targetsOf,
  withoutSharedItems,
  type Target,
} from '../../src/application/channel-sync.ts';
import { CHANNEL_FAC_GROUP, onlineAtp } from '../../src/domain/index.ts';
import { atpScenario, identifier } from '../arbitraries.ts';
import { GROUP, LOCATION, SHOP, WEB_WH, channelStore, item, storeUnavailable } from '../support/channel-world.ts';
import { run, runLeft } from '../support/run.ts';

const CHANNEL: SalesChannel = {
  facilityGroup: { facilityGroupId: GROUP, facilityGroupTypeId: CHANNEL_FAC_GROUP, facilityIds: [WEB_WH] },
  shop: SHOP,
  locationId: LOCATION,
};

const mapped = (productId: string, inventoryItemId: string, quantityOnHand: number): MappedProductInventory => ({
  productId,
  inventoryItemId,
  positions: [{ facilityId: WEB_WH, quantityOnHand, reservedQuantity: 0, safetyStock: 0 }],
  threshold: 0,
  brokeringQueue: 0,
});

const target = (productId: string, inventoryItemId: string, quantity: number): Target => ({
  productId,
  inventoryItemId,
  locationId: LOCATION,
  quantity,
});

const channel = suite('channelOf');

channel('the sales channel of a channel group', async () => {
  const store = await channelStore([]);
  assert.equal(await run(channelOf(store, GROUP)), CHANNEL);
});

channel('why a group has no channel: missing, of another type, or without a Shopify location', async () => {
  const store = memoryInventoryStore();
  await run(store.saveFacilityGroup({ facilityGroupId: 'PICKUP', facilityGroupTypeId: 'PICKUP', facilityIds: [] }));
  await run(store.saveSalesChannel({ facilityGroupId: 'PICKUP', shop: SHOP, locationId: LOCATION }));
  await run(
    store.saveFacilityGroup({ facilityGroupId: 'BARE', facilityGroupTypeId: CHANNEL_FAC_GROUP, facilityIds: [] }),
  );
  assert.equal(await runLeft(channelOf(store, 'NOPE')), {
    _tag: 'FacilityGroupNotFound',
    facilityGroupId: 'NOPE',
    retriable: false,
  });
  // A location on a group of another type does not make it a channel.
  assert.equal(await runLeft(channelOf(store, 'PICKUP')), {
    _tag: 'NotAChannelFacilityGroup',
    facilityGroupId: 'PICKUP',
    facilityGroupTypeId: 'PICKUP',
    retriable: false,
  });
  assert.equal(await runLeft(channelOf(store, 'BARE')), {
    _tag: 'NoShopifyLocation',
    facilityGroupId: 'BARE',
    retriable: false,
  });
});

channel('store errors pass through, and the group is only read when there is no channel', async () => {
  let groupReads = 0;
  const store = await channelStore([]);
  const counting = {
    salesChannel: store.salesChannel,
    facilityGroup: (id: string) => {
      groupReads++;
      return store.facilityGroup(id);
    },
  };
  await run(channelOf(counting, GROUP));
  assert.is(groupReads, 0);
  assert.equal(
    await runLeft(channelOf({ ...counting, salesChannel: () => TE.left(storeUnavailable()) }, GROUP)),
    storeUnavailable(),
  );
  assert.equal(
    await runLeft(
      channelOf({ salesChannel: () => TE.right(null), facilityGroup: () => TE.left(storeUnavailable('x')) }, GROUP),
    ),
    storeUnavailable('x'),
  );
});

const targets = suite('targetsOf');

targets('online ATP over the channel group at the channel location, in the order given', () => {
  const p1: MappedProductInventory = {
    productId: 'P1',
    inventoryItemId: item(1),
    positions: [
      { facilityId: WEB_WH, quantityOnHand: 95, reservedQuantity: 5, safetyStock: 5 },
      { facilityId: 'STORE_9', quantityOnHand: 5, reservedQuantity: 0, safetyStock: 0 },
    ],
    threshold: 5,
    brokeringQueue: 5,
  };
  assert.equal(targetsOf(CHANNEL, [mapped('P2', item(2), 10), p1]), {
    targets: [target('P2', item(2), 10), target('P1', item(1), 75)],
    shared: [],
  });
});

targets('an item claimed by several products is left out, reported once with every claimant', () => {
  const result = targetsOf(CHANNEL, [
    mapped('P1', item(1), 1),
    mapped('P2', item(2), 2),
    mapped('P3', item(1), 3),
    mapped('P4', item(1), 4),
  ]);
  assert.equal(result, {
    targets: [target('P2', item(2), 2)],
    shared: [{ inventoryItemId: item(1), productIds: ['P1', 'P3', 'P4'] }],
  });
  assert.equal(targetsOf(CHANNEL, []), { targets: [], shared: [] });
});

targets('property: each target is onlineAtp of its product over the channel group', () => {
  fc.assert(
    fc.property(atpScenario(), ({ group, product }) => {
      const channelOfGroup: SalesChannel = { facilityGroup: group, shop: SHOP, locationId: LOCATION };
      const {
        targets: [only],
        shared,
      } = targetsOf(channelOfGroup, [{ ...product, inventoryItemId: item(1) }]);
      return shared.length === 0 && only !== undefined && only.quantity === onlineAtp(group, product);
    }),
    { numRuns: 300 },
  );
});

const shared = suite('withoutSharedItems');

shared('targets of items claimed once pass as they are; shared items go, with their claimants in order', () => {
  const unique = [target('P1', item(1), 1), target('P2', item(2), 2)];
  const kept = withoutSharedItems(unique);
  assert.equal(kept, { targets: unique, shared: [] });
  assert.equal(
    withoutSharedItems([target('P3', item(1), 3), ...unique, target('P4', item(2), 4), target('P5', item(5), 5)]),
    {
      targets: [target('P5', item(5), 5)],
      shared: [
        { inventoryItemId: item(1), productIds: ['P3', 'P1'] },
        { inventoryItemId: item(2), productIds: ['P2', 'P4'] },
      ],
    },
  );
});

shared('property: what is kept and what is reported partition the targets, and no kept item repeats', () => {
  fc.assert(
    fc.property(
      fc.array(fc.tuple(identifier('P'), fc.integer({ min: 1, max: 8 }), fc.nat({ max: 50 })), { maxLength: 30 }),
      (rows) => {
        const all = rows.map(([p, i, q]) => target(p, item(i), q));
        const { targets: kept, shared: reported } = withoutSharedItems(all);
        const keptItems = kept.map((t) => t.inventoryItemId);
        const claims = reported.reduce((n, s) => n + s.productIds.length, 0);
        return (
          new Set(keptItems).size === keptItems.length &&
          kept.length + claims === all.length &&
          reported.every((s) => s.productIds.length > 1 && !keptItems.includes(s.inventoryItemId)) &&
          kept.every((t) => all.includes(t))
        );
      },
    ),
    { numRuns: 300 },
  );
});

const fold = suite('foldPages');

/** A keyset-paged read over sorted keys, recording each `after` it is asked for. */
const pagedKeys = (keys: ReadonlyArray<string>) => {
  const asked: Array<string | null> = [];
  const page =
    (limit: number) =>
    (after: string | null): TE.TaskEither<never, ReadonlyArray<string>> => {
      asked.push(after);
      return TE.right(keys.filter((k) => after === null || k > after).slice(0, limit));
    };
  return { asked, page };
};

const collect = (state: string[], items: ReadonlyArray<string>) => TE.right([...state, ...items]);

fold('pages until a short page: 5 keys by 2 is three reads, after the last key of each full page', async () => {
  const { asked, page } = pagedKeys(['a', 'b', 'c', 'd', 'e']);
  assert.equal(await run(foldPages(page(2), (k) => k, 2, [] as string[], collect)), ['a', 'b', 'c', 'd', 'e']);
  assert.equal(asked, [null, 'b', 'd']);
});

fold('an exact multiple of the limit ends on an empty page, which is not folded', async () => {
  const { asked, page } = pagedKeys(['a', 'b', 'c', 'd']);
  let steps = 0;
  const result = await run(
    foldPages(
      page(2),
      (k) => k,
      2,
      [] as string[],
      (state, items) => {
        steps++;
        return collect(state, items);
      },
    ),
  );
  assert.equal([result, asked, steps], [['a', 'b', 'c', 'd'], [null, 'b', 'd'], 2]);
});

fold('the first error, from a page or from a step, ends the fold', async () => {
  let reads = 0;
  const failingPage = (after: string | null): TE.TaskEither<string, ReadonlyArray<string>> =>
    reads++ === 0 ? TE.right(['a', 'b']) : TE.left(`page after ${after}`);
  assert.is(await runLeft(foldPages(failingPage, (k) => k, 2, [] as string[], collect)), 'page after b');
  const { asked, page } = pagedKeys(['a', 'b', 'c']);
  assert.is(
    await runLeft(
      foldPages(
        page(1),
        (k) => k,
        1,
        0,
        (n, items) => (items[0] === 'b' ? TE.left('step') : TE.right(n + 1)),
      ),
    ),
    'step',
  );
  assert.equal(asked, [null, 'a']);
});

fold('property: any limit reads every key once, in order, in floor(n / limit) + 1 reads', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.uniqueArray(fc.string({ maxLength: 4 }), { maxLength: 40 }).map((keys) => keys.sort()),
      fc.integer({ min: 1, max: 12 }),
      async (keys, limit) => {
        const { asked, page } = pagedKeys(keys);
        const folded = await run(foldPages(page(limit), (k) => k, limit, [] as string[], collect));
        assert.equal(folded, keys);
        assert.is(asked.length, Math.floor(keys.length / limit) + 1);
      },
    ),
    { numRuns: 200 },
  );
});

const changes = suite('pendingChanges and deltaConsumer');

changes('every pending change of a consumer, over all pages; other consumers are separate', async () => {
  const store = await channelStore(
    ['P1', 'P2', 'P3', 'P4', 'P5'].map((productId, i) => ({ productId, quantityOnHand: i, inventoryItemId: null })),
  );
  const consumer = deltaConsumer(GROUP);
  const all = await run(pendingChanges(store, consumer, 2));
  assert.equal(
    all.map((c) => c.productId),
    ['P1', 'P2', 'P3', 'P4', 'P5'],
  );
  await run(store.moveCursor(consumer, await run(store.ledgerHead())));
  assert.equal(await run(pendingChanges(store, consumer, 2)), [], 'the cursor at the head takes every change');
  assert.is((await run(pendingChanges(store, deltaConsumer('OTHER'), 2))).length, 5);
});

changes('the consumer of a group is named after it, so Hard Sync and the delta push share it', () => {
  assert.is(deltaConsumer('SHOPIFY_US'), 'push-changes:SHOPIFY_US');
  assert.is.not(deltaConsumer('A'), deltaConsumer('B'));
});

changes('a store error is the outcome', async () => {
  assert.equal(
    await runLeft(pendingChanges({ changedProducts: () => TE.left(storeUnavailable()) }, 'c', 10)),
    storeUnavailable(),
  );
});

channel.run();
targets.run();
shared.run();
fold.run();
changes.run();
