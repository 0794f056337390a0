// The ledger audit on every store: what the ledger wrote agrees; a write behind its back (raw SQL on PostgreSQL and
// SQLite) is reported with both values. And the property of issue 11: for random event sequences, folding the ledger
// from empty equals the positions and terms, and the online ATP of the fold is the online ATP the push computes.
import { DatabaseSync } from 'node:sqlite';
import fc from 'fast-check';
import * as TE from 'fp-ts/lib/TaskEither.js';
import pg from 'pg';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { openStore, type SqlStore } from '../../src/adapters/persistence/store.ts';
import { memoryInventoryStore } from '../../src/adapters/memory/memory-inventory-store.ts';
import { auditLedger, formatAuditLedgerReport, stockTableOf, type Store } from '../../src/application/index.ts';
import { targetsOf } from '../../src/application/channel-sync.ts';
import {
  CHANNEL_FAC_GROUP,
  type ChannelFacilityGroup,
  foldedProductInventories,
  foldLedger,
  type InventoryEvent,
  onlineAtp,
} from '../../src/domain/index.ts';
import { inventoryEvents, plausibleInventoryEvents } from '../arbitraries.ts';
import { item, LOCATION } from '../support/channel-world.ts';
import { run } from '../support/run.ts';
import { FRESH_DATABASES, STORE_ADAPTERS } from '../support/stores.ts';

const AT = '2026-12-01T10:00:00Z';
let counter = 0;
const event = (type: InventoryEvent['type'], fields: Partial<InventoryEvent> = {}): InventoryEvent => ({
  eventId: `A${++counter}`,
  type,
  productId: 'P1',
  ...(type === 'threshold-set' || type === 'brokering-queue-changed' ? {} : { facilityId: 'WH1' }),
  quantity: 1,
  occurredAt: AT,
  source: 'audit-test',
  ...(type === 'transferred' ? { toFacilityId: 'WH2' } : {}),
  ...fields,
});

const seed = async (store: Store) => {
  await run(store.saveProducts(['P1', 'P2'].map((productId) => ({ productId, externalId: `x-${productId}` }))));
  await run(store.saveFacilities(['WH1', 'WH2'].map((facilityId) => ({ facilityId, externalId: `x-${facilityId}` }))));
};

/** Events on every kind of key: positions at WH1 and WH2, safety stock, a threshold and the brokering queue. */
const EVENTS = (): ReadonlyArray<InventoryEvent> => [
  event('received', { quantity: 10 }),
  event('reserved', { quantity: 4 }),
  event('transferred', { quantity: 2 }),
  event('safety-stock-set', { quantity: 1.5 }),
  event('threshold-set', { quantity: 3 }),
  event('brokering-queue-changed', { quantity: 2, productId: 'P2' }),
  event('received', { productId: 'P2', quantity: 0.5 }),
  event('shipped', { quantity: 5 }), // refused: only 4 reserved
];

const audit = suite('auditLedger');

for (const [adapter, open] of STORE_ADAPTERS) {
  audit(`${adapter}: what the ledger wrote agrees, read a page at a time`, async () => {
    const { store, dispose } = await open();
    try {
      await seed(store);
      const empty = await run(auditLedger()(store));
      assert.equal(empty, {
        agrees: true,
        entriesFolded: 0,
        lastSequence: null,
        ledgerMoved: false,
        positionsChecked: 0,
        termsChecked: 0,
        counts: { differs: 0, missing: 0, 'not-in-ledger': 0, discontinuity: 0 },
        disagreements: [],
      });
      await run(store.recordEvents(EVENTS().slice(0, 3)));
      await run(store.recordEvents(EVENTS().slice(3)));
      const entries = await run(store.ledgerEntries(null, 100));
      for (const pageSize of [1, 2, 10_000]) {
        const report = await run(auditLedger({ pageSize })(store));
        assert.equal(report.disagreements, [], formatAuditLedgerReport(report));
        assert.ok(report.agrees);
        assert.is(report.entriesFolded, 7, 'the refused event is not in the ledger');
        assert.is(report.lastSequence, entries[entries.length - 1]!.sequence);
        assert.is(report.positionsChecked, 3);
        assert.is(report.termsChecked, 3);
      }
    } finally {
      await dispose();
    }
  });

  audit(
    `${adapter}: savePositions writes the events that take each position to its values; the audit agrees`,
    async () => {
      const { store, dispose } = await open();
      try {
        await seed(store);
        const position = (productId: string, facilityId: string, qoh: number, reserved: number, safety: number) => ({
          productId,
          facilityId,
          quantityOnHand: qoh,
          reservedQuantity: reserved,
          safetyStock: safety,
        });
        const pos = (qoh: number, reserved: number) => ({ quantityOnHand: qoh, reservedQuantity: reserved });
        /** One call: the ledger rows it added (one id prefix, source channel-seed), then the audit of the whole. */
        const call = async (positions: Parameters<Store['savePositions']>[0]) => {
          const head = await run(store.ledgerHead());
          await run(store.savePositions(positions));
          const added = await run(store.ledgerEntries(head, 100));
          assert.is(
            new Set(added.map((e) => e.event.eventId.slice(0, e.event.eventId.lastIndexOf(':')))).size,
            Math.min(1, added.length),
            'one id prefix per call',
          );
          assert.ok(
            added.every((e) => e.event.source === 'channel-seed'),
            'the source: channel-seed',
          );
          const report = await run(auditLedger()(store));
          assert.equal(report.disagreements, [], formatAuditLedgerReport(report));
          assert.ok(report.agrees);
          assert.is(report.entriesFolded, (await run(store.ledgerEntries(null, 100))).length);
          return added.map((e) => [e.event.type, e.event.productId, e.event.facilityId, e.event.quantity, e.changes]);
        };
        const change = (facilityId: string, before: unknown, after: unknown, productId = 'P1') => ({
          kind: 'position',
          productId,
          facilityId,
          before,
          after,
        });
        const safety = (facilityId: string, before: number, after: number, productId = 'P1') => ({
          kind: 'safety-stock',
          productId,
          facilityId,
          before,
          after,
        });
        // New positions: each counted, reserved when it holds a reservation, its safety stock set.
        assert.equal(
          await call([position('P1', 'WH1', 10, 3, 2), position('P1', 'WH2', 0, 0, 0), position('P2', 'WH1', 5, 0, 1)]),
          [
            ['counted', 'P1', 'WH1', 10, [change('WH1', pos(0, 0), pos(10, 0))]],
            ['reserved', 'P1', 'WH1', 3, [change('WH1', pos(10, 0), pos(10, 3))]],
            ['safety-stock-set', 'P1', 'WH1', 2, [safety('WH1', 0, 2)]],
            ['counted', 'P1', 'WH2', 0, [change('WH2', pos(0, 0), pos(0, 0))]],
            ['safety-stock-set', 'P1', 'WH2', 0, [safety('WH2', 0, 0)]],
            ['counted', 'P2', 'WH1', 5, [change('WH1', pos(0, 0), pos(5, 0), 'P2')]],
            ['safety-stock-set', 'P2', 'WH1', 1, [safety('WH1', 0, 1, 'P2')]],
          ],
        );
        // Existing ones: only what differs, from the values held (the last entry of a key wins); P2 unchanged: none.
        assert.equal(
          await call([
            position('P1', 'WH1', 7, 5, 2),
            position('P2', 'WH1', 5, 0, 1),
            position('P1', 'WH2', 4, 0, 0),
            position('P1', 'WH1', 8, 1, 2),
          ]),
          [
            ['counted', 'P1', 'WH1', 8, [change('WH1', pos(10, 3), pos(8, 3))]],
            ['released', 'P1', 'WH1', 2, [change('WH1', pos(8, 3), pos(8, 1))]],
            ['counted', 'P1', 'WH2', 4, [change('WH2', pos(0, 0), pos(4, 0))]],
          ],
        );
        assert.equal(await call([position('P1', 'WH1', 8, 1, 2)]), [], 'the values held: no event');
        const held = (await run(store.productInventory('P1')))!.inventory.positions.map((p) => [
          p.facilityId,
          p.quantityOnHand,
          p.reservedQuantity,
          p.safetyStock,
        ]);
        assert.equal(held, [
          ['WH1', 8, 1, 2],
          ['WH2', 4, 0, 0],
        ]);
      } finally {
        await dispose();
      }
    },
  );
}

audit('memory: a position, a term or a row the store holds otherwise than the ledger says is reported', async () => {
  const store = memoryInventoryStore();
  await seed(store);
  await run(store.recordEvents(EVENTS()));
  // The store's reads as the audit sees them, with one position changed, one missing, one extra, and a term extra.
  const levels = await run(store.stockLevels());
  const tampered = {
    ledgerEntries: store.ledgerEntries,
    stockTerms: (...args: Parameters<Store['stockTerms']>) =>
      args[0] === 'threshold'
        ? TE.map((terms: ReadonlyArray<{ productId: string }>) => [
            ...terms,
            { kind: 'threshold' as const, productId: 'P9', quantity: 2 },
          ])(store.stockTerms(...args))
        : store.stockTerms(...args),
    stockLevels: () =>
      TE.right(
        stockTableOf([
          ...Array.from({ length: levels.length }, (_, i) => ({
            productId: levels.productId(i),
            facilityId: levels.facilityId(i),
            quantityOnHand:
              levels.quantityOnHand(i) + (levels.productId(i) === 'P1' && levels.facilityId(i) === 'WH1' ? 3 : 0),
            availableToPromise: levels.availableToPromise(i),
          })).filter((l) => l.facilityId !== 'WH2'),
          { productId: 'P2', facilityId: 'WH2', quantityOnHand: 1, availableToPromise: 1 },
        ]),
      ),
  };
  const report = await run(auditLedger()(tampered as never));
  assert.is(report.agrees, false);
  assert.equal(report.counts, { differs: 1, missing: 1, 'not-in-ledger': 2, discontinuity: 0 });
  assert.equal(report.disagreements, [
    {
      kind: 'position',
      productId: 'P1',
      facilityId: 'WH1',
      problem: 'differs',
      sequence: null,
      folded: { quantityOnHand: 8, reservedQuantity: 4 },
      actual: { quantityOnHand: 11, reservedQuantity: 7 },
    },
    {
      kind: 'position',
      productId: 'P2',
      facilityId: 'WH2',
      problem: 'not-in-ledger',
      sequence: null,
      folded: null,
      actual: { quantityOnHand: 1, reservedQuantity: 0 },
    },
    { kind: 'threshold', productId: 'P9', problem: 'not-in-ledger', sequence: null, folded: null, actual: 2 },
    {
      kind: 'position',
      productId: 'P1',
      facilityId: 'WH2',
      problem: 'missing',
      sequence: null,
      folded: { quantityOnHand: 2, reservedQuantity: 0 },
      actual: null,
    },
  ]);
  assert.equal(formatAuditLedgerReport(report).split('\n').slice(0, 3), [
    '7 ledger entries folded (through sequence 7), 3 positions and 4 terms checked: 4 disagreements (differs 1, missing 1, not in the ledger 2, discontinuity 0)',
    '  position P1 at WH1: differs: ledger QOH 8, reserved 4, store QOH 11, reserved 7',
    '  position P2 at WH2: not in the ledger: ledger none, store QOH 1, reserved 0',
  ]);
});

audit('an event recorded while the store is read: the report says the ledger moved', async () => {
  const store = memoryInventoryStore();
  await seed(store);
  await run(store.recordEvents(EVENTS().slice(0, 2)));
  const racing = {
    ...store,
    // The positions are read after a writer recorded one more event.
    stockLevels: () => TE.flatMap(() => store.stockLevels())(store.recordEvents([event('received', { quantity: 2 })])),
  };
  const report = await run(auditLedger()(racing));
  assert.is(report.ledgerMoved, true);
  assert.is(report.agrees, false);
  assert.equal(
    report.disagreements.map((d) => [d.problem, d.folded, d.actual]),
    [['differs', { quantityOnHand: 10, reservedQuantity: 4 }, { quantityOnHand: 12, reservedQuantity: 4 }]],
  );
  assert.match(formatAuditLedgerReport(report), /\n {2}\(events were recorded during the audit: audit again/);
  const again = await run(auditLedger()(store));
  assert.ok(again.agrees && !again.ledgerMoved, 'the second audit tells the race from a fault');
});

audit('a failing read is the Left of the audit', async () => {
  const store = memoryInventoryStore();
  const error = { _tag: 'InventoryStoreUnavailable' as const, reason: 'gone', retriable: true as const };
  const result = await auditLedger()({ ...store, stockTerms: () => TE.left(error) })();
  assert.equal(result, { _tag: 'Left', left: error });
});

// ---- Behind the ledger's back: raw SQL on PostgreSQL and SQLite. ----

/** A raw SQL statement on the store's database, on a connection of its own. */
const rawSql = async (location: { postgresUrl?: string; sqliteFile?: string }, statement: string) => {
  if (location.postgresUrl !== undefined) {
    const client = new pg.Client({ connectionString: location.postgresUrl });
    await client.connect();
    try {
      await client.query(statement);
    } finally {
      await client.end();
    }
  } else {
    const db = new DatabaseSync(location.sqliteFile!);
    try {
      db.exec(statement);
    } finally {
      db.close();
    }
  }
};

for (const [name, fresh] of FRESH_DATABASES) {
  audit(`${name}: a position written with raw SQL is reported, exactly that one, with both values`, async () => {
    const database = await fresh();
    let store: SqlStore | null = null;
    try {
      store = await openStore(database.location);
      await store.migrate();
      await seed(store);
      await run(store.recordEvents(EVENTS()));
      assert.ok((await run(auditLedger()(store))).agrees, 'the ledger and the positions agree');

      // 3 more on hand at WH1 (ATP too: reserved stays 4), written outside the ledger.
      await rawSql(
        database.location,
        `update inventory_position set quantity_on_hand_scaled = quantity_on_hand_scaled + 300000,
           available_to_promise_scaled = available_to_promise_scaled + 300000
         where product_id = 'P1' and facility_id = 'WH1'`,
      );
      const changed = await run(auditLedger()(store));
      assert.equal(changed.disagreements, [
        {
          kind: 'position',
          productId: 'P1',
          facilityId: 'WH1',
          problem: 'differs',
          sequence: null,
          folded: { quantityOnHand: 8, reservedQuantity: 4 },
          actual: { quantityOnHand: 11, reservedQuantity: 4 },
        },
      ]);
      assert.is(changed.agrees, false);

      // The next event there starts from the tampered value: a discontinuity at its sequence number.
      await run(store.recordEvents([event('received', { quantity: 1 })]));
      const [last] = (await run(store.ledgerEntries(null, 100))).slice(-1);
      const moved = await run(auditLedger()(store));
      assert.equal(moved.disagreements, [
        {
          kind: 'position',
          productId: 'P1',
          facilityId: 'WH1',
          problem: 'discontinuity',
          sequence: last!.sequence,
          folded: { quantityOnHand: 8, reservedQuantity: 4 },
          actual: { quantityOnHand: 11, reservedQuantity: 4 },
        },
        {
          kind: 'position',
          productId: 'P1',
          facilityId: 'WH1',
          problem: 'differs',
          sequence: null,
          folded: { quantityOnHand: 9, reservedQuantity: 4 },
          actual: { quantityOnHand: 12, reservedQuantity: 4 },
        },
      ]);

      // A row deleted, a term inserted: missing, and not in the ledger.
      await rawSql(
        database.location,
        `update inventory_position set quantity_on_hand_scaled = quantity_on_hand_scaled - 300000,
           available_to_promise_scaled = available_to_promise_scaled - 300000
         where product_id = 'P1' and facility_id = 'WH1'`,
      );
      await rawSql(database.location, `delete from inventory_position where product_id = 'P1' and facility_id = 'WH2'`);
      await rawSql(
        database.location,
        `insert into product_threshold (product_id, threshold_scaled) values ('P2', 500000)`,
      );
      const rows = await run(auditLedger()(store));
      assert.equal(
        rows.disagreements.map((d) => [d.problem, d.kind, d.productId, d.folded, d.actual]),
        [
          [
            'discontinuity',
            'position',
            'P1',
            { quantityOnHand: 8, reservedQuantity: 4 },
            { quantityOnHand: 11, reservedQuantity: 4 },
          ],
          ['not-in-ledger', 'threshold', 'P2', null, 5],
          ['missing', 'position', 'P1', { quantityOnHand: 2, reservedQuantity: 0 }, null],
        ],
      );
    } finally {
      await store?.close();
      await database.drop();
    }
  });
}

// ---- The property, on every store. ----

const property = suite('the ledger is the history (property, every store)');

const CALL_SIZES = fc.array(fc.integer({ min: 1, max: 12 }), { minLength: 1, maxLength: 12 });

for (const [adapter, open] of STORE_ADAPTERS) {
  property(
    `${adapter}: for random events in random calls, the fold from empty equals the positions and terms, and its online ATP is the push's`,
    async () => {
      const { store, dispose } = await open();
      let runs = 0;
      try {
        await fc.assert(
          fc.asyncProperty(
            fc.array(
              fc.oneof(
                { arbitrary: plausibleInventoryEvents(['P1', 'P2', 'P3'], ['F1', 'F2', 'F3']), weight: 6 },
                // Unknown products and facilities: refused.
                { arbitrary: inventoryEvents(['P1', 'PX'], ['F1', 'FX']), weight: 1 },
              ),
              { minLength: 10, maxLength: 40 },
            ),
            CALL_SIZES,
            fc.integer({ min: 1, max: 25 }),
            async (generated, sizes, pageSize) => {
              // Each run on ids of its own, in the one store: the whole store is audited every time.
              const r = `r${++runs}`;
              const id = (s: string) => `${r}-${s}`;
              const products = ['P1', 'P2', 'P3'].map(id);
              await run(store.saveProducts(products.map((productId) => ({ productId, externalId: `x-${productId}` }))));
              await run(
                store.saveFacilities(['F1', 'F2', 'F3'].map(id).map((f) => ({ facilityId: f, externalId: `x-${f}` }))),
              );
              const group: ChannelFacilityGroup = {
                facilityGroupId: id('G'),
                facilityGroupTypeId: CHANNEL_FAC_GROUP,
                facilityIds: [id('F1'), id('F2')],
              };
              await run(store.saveFacilityGroup(group));
              const shop = `${r}.myshopify.com`;
              await run(store.saveSalesChannel({ facilityGroupId: group.facilityGroupId, shop, locationId: LOCATION }));
              await run(
                store.saveMappings(
                  shop,
                  products.map((productId) => ({
                    productId,
                    sku: `SKU-${productId}`,
                    status: 'mapped' as const,
                    inventoryItemId: item(productId),
                  })),
                ),
              );
              const events = generated.map(
                (e): InventoryEvent => ({
                  ...e,
                  eventId: id(e.eventId),
                  productId: id(e.productId),
                  ...(e.facilityId === undefined ? {} : { facilityId: id(e.facilityId) }),
                  ...(e.toFacilityId === undefined ? {} : { toFacilityId: id(e.toFacilityId) }),
                }),
              );
              for (let at = 0, call = 0; at < events.length; at += sizes[call++ % sizes.length]!)
                await run(store.recordEvents(events.slice(at, at + sizes[call % sizes.length]!)));

              // (a) The audit, paged: the fold from empty equals every position and term the store holds.
              const report = await run(auditLedger({ pageSize })(store));
              assert.equal(report.disagreements, [], formatAuditLedgerReport(report));
              assert.ok(report.agrees);

              // (b) The online ATP of the folded state is the one the push computes from the store's reads.
              const fold = foldLedger(await run(store.ledgerEntries(null, 1_000_000)));
              const channel = await run(store.salesChannel(group.facilityGroupId));
              assert.ok(channel !== null);
              const pushed = new Map(
                targetsOf(channel, await run(store.mappedProductPage(channel, null, 100))).targets.map((t) => [
                  t.productId,
                  t.quantity,
                ]),
              );
              const folded = new Map(
                foldedProductInventories(fold)
                  .filter((p) => products.includes(p.productId))
                  .map((p) => [p.productId, onlineAtp(group, p)]),
              );
              assert.equal([...pushed.keys()].sort(), products, 'every mapped product is pushed');
              for (const productId of products)
                assert.is(pushed.get(productId), folded.get(productId) ?? 0, `online ATP of ${productId}`);
            },
          ),
          { numRuns: 30 },
        );
      } finally {
        await dispose();
      }
    },
  );
}

audit.run();
property.run();
