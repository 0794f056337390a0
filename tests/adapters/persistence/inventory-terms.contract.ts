// The InventoryTerms contract: one suite, run against every adapter (memory, PostgreSQL, SQLite).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { Store, StockTermCursor, StockTermKind } from '../../../src/application/index.ts';
import type { StockTerm } from '../../../src/domain/index.ts';
import { run } from '../../support/run.ts';

/** A store under test and how to dispose of it. */
export interface InventoryTermsUnderTest {
  readonly store: Store;
  readonly dispose: () => Promise<void>;
}

/** Every term of a kind, read `limit` at a time, and the page sizes seen. */
const allTerms = async (store: Store, kind: StockTermKind, limit: number) => {
  const terms: StockTerm[] = [];
  const sizes: number[] = [];
  let after: StockTermCursor | null = null;
  for (;;) {
    const page: ReadonlyArray<StockTerm> = await run(store.stockTerms(kind, after, limit));
    sizes.push(page.length);
    terms.push(...page);
    const last: StockTerm | undefined = page[page.length - 1];
    if (page.length < limit || last === undefined) return { terms, sizes };
    after = { productId: last.productId, facilityId: last.kind === 'safety-stock' ? last.facilityId : '' };
  }
};

/** Registers and runs the contract suite for one adapter. */
export const inventoryTermsContract = (adapter: string, open: () => Promise<InventoryTermsUnderTest>): void => {
  const test = suite(`InventoryTerms contract: ${adapter}`);
  let subject: InventoryTermsUnderTest;
  test.before.each(async () => {
    subject = await open();
  });
  test.after.each(async () => {
    await subject.dispose();
  });

  test('an empty store has no terms; a limit of 0 reads none', async () => {
    for (const kind of ['safety-stock', 'threshold', 'brokering-queue'] as const)
      assert.equal(await run(subject.store.stockTerms(kind, null, 10)), []);
    assert.equal(await run(subject.store.stockTerms('threshold', null, 0)), []);
  });

  test('every stored term of a kind (zeros too), in key order, in keyset pages', async () => {
    const { store } = subject;
    await run(store.saveProducts(['P1', 'P2', 'P3'].map((productId) => ({ productId, externalId: `x-${productId}` }))));
    await run(
      store.saveFacilities(['WH1', 'WH2'].map((facilityId) => ({ facilityId, externalId: `x-${facilityId}` }))),
    );
    await run(
      store.savePositions([
        { productId: 'P2', facilityId: 'WH2', quantityOnHand: 5, reservedQuantity: 1, safetyStock: 1.5 },
        { productId: 'P1', facilityId: 'WH2', quantityOnHand: 5, reservedQuantity: 0, safetyStock: 0 },
        { productId: 'P1', facilityId: 'WH1', quantityOnHand: 5, reservedQuantity: 0, safetyStock: 2 },
      ]),
    );
    await run(
      store.saveThresholds([
        { productId: 'P3', threshold: 4 },
        { productId: 'P1', threshold: 0.25 },
      ]),
    );
    await run(store.saveBrokeringQueue([{ productId: 'P2', quantity: 3 }]));
    // A safety stock set through the ledger where the product has no position.
    await run(
      store.recordEvents([
        {
          eventId: 'E-safety',
          type: 'safety-stock-set',
          productId: 'P3',
          facilityId: 'WH1',
          quantity: 7,
          occurredAt: '2026-12-01T10:00:00Z',
          source: 'contract',
        },
      ]),
    );
    const safety = await allTerms(store, 'safety-stock', 2);
    assert.equal(safety.terms, [
      { kind: 'safety-stock', productId: 'P1', facilityId: 'WH1', quantity: 2 },
      { kind: 'safety-stock', productId: 'P1', facilityId: 'WH2', quantity: 0 },
      { kind: 'safety-stock', productId: 'P2', facilityId: 'WH2', quantity: 1.5 },
      { kind: 'safety-stock', productId: 'P3', facilityId: 'WH1', quantity: 7 },
    ]);
    assert.equal(safety.sizes, [2, 2, 0]);
    assert.equal((await allTerms(store, 'safety-stock', 3)).terms, safety.terms, 'a page ending inside a product');
    assert.equal((await allTerms(store, 'threshold', 1)).terms, [
      { kind: 'threshold', productId: 'P1', quantity: 0.25 },
      { kind: 'threshold', productId: 'P3', quantity: 4 },
    ]);
    assert.equal((await allTerms(store, 'brokering-queue', 10)).terms, [
      { kind: 'brokering-queue', productId: 'P2', quantity: 3 },
    ]);
    assert.equal(await run(store.stockTerms('safety-stock', { productId: 'P1', facilityId: 'WH1' }, 1)), [
      { kind: 'safety-stock', productId: 'P1', facilityId: 'WH2', quantity: 0 },
    ]);
    assert.equal(await run(store.stockTerms('threshold', { productId: 'P1', facilityId: '' }, 10)), [
      { kind: 'threshold', productId: 'P3', quantity: 4 },
    ]);
  });

  test.run();
};
