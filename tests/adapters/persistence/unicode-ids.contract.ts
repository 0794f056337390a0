// Ids from all of Unicode round-trip through every store: whatever text a PostgreSQL `text` column can hold (no NUL,
// no lone surrogate), control characters and COPY's backslash included, comes back as it went in. One property,
// run against every adapter (memory, PostgreSQL, SQLite) on one store, each run on fresh keys.
import fc from 'fast-check';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { stockLevelsOf } from '../../../src/application/columnar.ts';
import type { FrozenBatch, MappedProductInventory, SalesChannel, Store } from '../../../src/application/index.ts';
import { CHANNEL_FAC_GROUP, type StockLevel } from '../../../src/domain/index.ts';
import { storableText } from '../../arbitraries.ts';
import { run } from '../../support/run.ts';

/** A store under test and how to throw it away. */
export interface UnicodeStoreUnderTest {
  readonly store: Store;
  readonly dispose: () => Promise<void>;
}

/** An id and the external id it is known by elsewhere. */
interface Keyed {
  readonly id: string;
  readonly externalId: string;
}

// Distinct ids and distinct external ids; code points from all of Unicode, at most 12 of them (the columns hold 255).
// Few of them a run: the whole property writes well under 8 kB of stock, the size of one COPY message from the server.
const keyed = (maxLength: number): fc.Arbitrary<ReadonlyArray<Keyed>> =>
  fc
    .uniqueArray(fc.record({ id: storableText({ minLength: 1 }), externalId: storableText({ minLength: 1 }) }), {
      minLength: 1,
      maxLength,
      selector: (k) => k.id,
    })
    .filter((list) => new Set(list.map((k) => k.externalId)).size === list.length);

const distinct = (count: number) =>
  fc.uniqueArray(storableText({ minLength: 1 }), { minLength: count, maxLength: count });

const scenario = fc
  .record({ facilities: keyed(2), products: keyed(3), group: storableText({ minLength: 1 }) })
  .chain(({ facilities, products, group }) =>
    fc.record({
      facilities: fc.constant(facilities),
      products: fc.constant(products),
      group: fc.constant(group),
      shop: storableText({ minLength: 1 }),
      location: storableText({ minLength: 1 }),
      feed: storableText({ minLength: 1 }),
      skus: distinct(products.length),
      items: distinct(products.length),
    }),
  );

// Text sorted by code unit: for comparing sets whatever order (collation) an adapter lists them in.
const sorted = (texts: Iterable<string>): string[] => [...texts].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

/** Every page of a keyset-paged read, `limit` at a time, until a short page. */
const allPages = async <A>(
  page: (after: string | null) => Promise<ReadonlyArray<A>>,
  keyOf: (a: A) => string,
  limit: number,
): Promise<A[]> => {
  const all: A[] = [];
  for (let after: string | null = null; ; ) {
    const next = await page(after);
    all.push(...next);
    if (next.length < limit) return all;
    after = keyOf(next[next.length - 1]!);
  }
};

/** How the contract runs for one adapter. */
export interface UnicodeIdsOptions {
  /** Runs of the property (each on fresh keys of the same store). */
  readonly numRuns?: number;
}

/** Registers and runs the property for one adapter. */
export const unicodeIdsContract = (
  adapter: string,
  open: () => Promise<UnicodeStoreUnderTest>,
  { numRuns = 25 }: UnicodeIdsOptions = {},
): void => {
  const test = suite(`ids from all of Unicode round-trip: ${adapter}`);
  let subject: UnicodeStoreUnderTest;
  test.before(async () => {
    subject = await open();
  });
  test.after(async () => {
    await subject.dispose();
  });

  test('property: facility, product, external, group, shop, location, SKU, item and feed ids come back unchanged', async () => {
    const { store } = subject;
    let round = 0;
    await fc.assert(
      fc.asyncProperty(scenario, async (s) => {
        // External ids, shops, SKUs and feeds are unique in the store: a suffix keeps one run's apart from another's.
        round += 1;
        const fresh = (text: string) => `${text}#${round}`;
        const facilities = s.facilities.map((f) => ({ facilityId: f.id, externalId: fresh(f.externalId) }));
        const products = s.products.map((p) => ({ productId: p.id, externalId: fresh(p.externalId) }));
        const levels: StockLevel[] = products.flatMap((p, i) =>
          facilities.map((f, j) => ({
            productId: p.productId,
            facilityId: f.facilityId,
            quantityOnHand: 10 * i + j + 1,
            availableToPromise: 10 * i + j,
          })),
        );
        await run(store.saveFacilities(facilities));
        await run(store.saveProducts(products));
        await run(store.saveStockLevels(levels));

        const facilityIds = await run(store.facilityIdsByExternalId());
        for (const f of facilities) assert.is(facilityIds.get(f.externalId), f.facilityId, 'facility by external id');
        const productIds = await run(store.productIdsByExternalId());
        for (const p of products) assert.is(productIds.get(p.externalId), p.productId, 'product by external id');
        const stock = stockLevelsOf(await run(store.stockLevels()));
        for (const level of levels)
          assert.equal(
            stock.filter((l) => l.productId === level.productId && l.facilityId === level.facilityId),
            [level],
            'one stock level per position, ids unchanged',
          );

        const channel: SalesChannel = {
          facilityGroup: {
            facilityGroupId: s.group,
            facilityGroupTypeId: CHANNEL_FAC_GROUP,
            facilityIds: facilities.map((f) => f.facilityId),
          },
          shop: fresh(s.shop),
          locationId: s.location,
        };
        await run(store.saveFacilityGroup(channel.facilityGroup));
        await run(store.saveSalesChannel({ facilityGroupId: s.group, shop: channel.shop, locationId: s.location }));
        const found = await run(store.salesChannel(s.group));
        assert.ok(found !== null, 'the sales channel');
        assert.equal(
          { ...found, facilityGroup: { ...found.facilityGroup, facilityIds: sorted(found.facilityGroup.facilityIds) } },
          {
            ...channel,
            facilityGroup: { ...channel.facilityGroup, facilityIds: sorted(channel.facilityGroup.facilityIds) },
          },
        );

        const skus = s.skus.map(fresh);
        await run(store.saveProductSkus(products.map((p, i) => ({ productId: p.productId, sku: skus[i]! }))));
        await run(
          store.saveMappings(
            channel.shop,
            products.map((p, i) => ({
              productId: p.productId,
              sku: skus[i]!,
              status: 'mapped' as const,
              inventoryItemId: s.items[i]!,
            })),
          ),
        );
        // What a mapped product reads back as: its item, and its positions at this run's facilities.
        const mappedOf = (page: ReadonlyArray<MappedProductInventory>) =>
          sorted(
            page.flatMap((m) =>
              m.positions
                .filter((p) => facilities.some((f) => f.facilityId === p.facilityId))
                .map((p) => JSON.stringify([m.productId, m.inventoryItemId, p.facilityId, p.quantityOnHand])),
            ),
          );
        const expected = sorted(
          products.flatMap((p, i) =>
            facilities.map((f, j) => JSON.stringify([p.productId, s.items[i], f.facilityId, 10 * i + j + 1])),
          ),
        );
        const paged = await allPages(
          (after) => run(store.mappedProductPage(channel, after, 2)),
          (m) => m.productId,
          2,
        );
        assert.equal(
          sorted(paged.map((m) => m.productId)),
          sorted(products.map((p) => p.productId)),
          'each mapped product once, paged 2 at a time',
        );
        assert.equal(mappedOf(paged), expected, 'mapped products with their items and positions');
        assert.equal(
          mappedOf(
            await run(
              store.mappedProducts(
                channel,
                products.map((p) => p.productId),
              ),
            ),
          ),
          expected,
          'mapped products by id',
        );
        for (const [i, p] of products.entries()) {
          const bySku = await run(store.productInventory(skus[i]!));
          assert.is(bySku?.productId, p.productId, 'a product by its SKU');
          assert.is(bySku?.sku, skus[i], 'its SKU');
        }

        const consumer = fresh(`push:${s.group}`);
        const changes = await allPages(
          (after) => run(store.changedProducts(consumer, after, 2)),
          (c) => c.productId,
          2,
        );
        for (const p of products)
          assert.is(changes.filter((c) => c.productId === p.productId).length, 1, 'each changed product once, paged');

        const feed = fresh(s.feed);
        const batch: FrozenBatch = {
          fromLine: 0,
          toLine: products.length,
          idempotencyKey: feed,
          quantities: products.map((p, i) => ({
            productId: p.productId,
            inventoryItemId: s.items[i]!,
            locationId: s.location,
            quantity: i,
            changeFromQuantity: null,
          })),
        };
        await run(store.freezeBatch(feed, batch));
        assert.equal(
          await run(store.feedProgress(feed)),
          { nextLine: 0, pending: batch, scan: null },
          'the frozen batch',
        );
        const confirmed = products.map((_, i) => ({
          inventoryItemId: s.items[i]!,
          locationId: s.location,
          quantity: i,
          runId: feed,
        }));
        await run(
          store.settleBatch({
            feed,
            nextLine: products.length,
            shop: channel.shop,
            confirmed,
            failed: [],
            at: new Date(0),
          }),
        );
        const ledger = await run(store.ledger(channel.shop, s.location, s.items));
        const entryOf = (e: (typeof confirmed)[number]) =>
          JSON.stringify([e.inventoryItemId, e.locationId, e.quantity, e.runId]);
        assert.equal(sorted(ledger.map(entryOf)), sorted(confirmed.map(entryOf)), 'the ledger by item');
      }),
      { numRuns, includeErrorInReport: true },
    );
  });

  // Tens of kB of stock: COPY TO STDOUT arrives in several chunks, and a chunk may end inside a character.
  test('stockLevels: many positions with ids of multi-byte characters come back unchanged', async () => {
    const { store } = subject;
    const levels: StockLevel[] = Array.from({ length: 2000 }, (_, i) => ({
      productId: `😀𕠔${i}Ø😀`,
      facilityId: i % 2 === 0 ? 'ÉTÉ-€' : '倉庫\\1',
      quantityOnHand: i,
      availableToPromise: i - 1,
    }));
    await run(store.saveStockLevels(levels));
    const key = (l: StockLevel) => JSON.stringify([l.productId, l.facilityId, l.quantityOnHand, l.availableToPromise]);
    const written = new Set(levels.map(key));
    const stock = stockLevelsOf(await run(store.stockLevels()));
    assert.equal(
      stock.filter((l) => l.productId.includes('😀𕠔') && !written.has(key(l))).map(key),
      [],
      'no position comes back with an id it was not written with',
    );
    assert.is(stock.filter((l) => written.has(key(l))).length, levels.length, 'every position');
  });

  test.run();
};
