import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as TE from 'fp-ts/lib/TaskEither.js';
import { encodeFeed, type FeedReader } from '../../src/application/feed-file.ts';
import type { LineCursor, TextLine } from '../../src/application/line-reader.ts';
import type { FeedProgress } from '../../src/application/push-ledger.ts';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { hardSync } from '../../src/application/hard-sync.ts';
import { mapProducts } from '../../src/application/map-products.ts';
import { defaultProcessUploadsConfig, processUploads } from '../../src/application/process-uploads.ts';
import { pushRecentChanges } from '../../src/application/push-recent-changes.ts';
import { run, runLeft } from '../support/run.ts';
import { shopifyInventory } from '../../src/adapters/shopify/shopify-inventory.ts';
import { requestKinds, shopifyScenario, TOKEN } from '../support/shopify-scenario.ts';
import { STORE_ADAPTERS, type StoreUnderTest } from '../support/stores.ts';

// The same jobs over each inventory store: the in-memory one, PostgreSQL and SQLite.
for (const [adapter, open] of STORE_ADAPTERS) {
  const jobs = suite(`Shopify jobs (${adapter} store): map products, Hard Sync, push changes, process uploads`);
  let opened: StoreUnderTest[] = [];
  const openStore = async () => {
    const o = await open();
    opened.push(o);
    return o.store;
  };
  jobs.after.each(async () => {
    for (const o of opened) await o.dispose();
    opened = [];
  });

  const setUp = async (serverOptions = {}, adapterOptions = {}) => {
    const store = await openStore();
    const s = await shopifyScenario(store, serverOptions, adapterOptions);
    const mapped = await run(mapProducts({ shop: s.server.shopDomain, pageSize: 100 })(s.deps));
    return { store, s, mapped };
  };
  // The store's settleBatch, but the `nth` call fails as a process killed before it commits would.
  const killedAtSettle = (store: StoreUnderTest['store'], nth: number) => {
    let settles = 0;
    return (settlement: Parameters<typeof store.settleBatch>[0]) =>
      ++settles === nth
        ? TE.left({ _tag: 'InventoryStoreUnavailable' as const, reason: 'killed', retriable: true as const })
        : store.settleBatch(settlement);
  };
  const hard = (runId = 'hard-1') => hardSync({ facilityGroupId: 'SHOPIFY_US', runId, pageSize: 2 });
  const push = (runId = 'push-1') => pushRecentChanges({ facilityGroupId: 'SHOPIFY_US', runId, pageSize: 2 });
  const uploads = (runId = 'upload-1') => processUploads(defaultProcessUploadsConfig(runId));

  jobs('Hard Sync then Process uploads sets Shopify to online ATP: the worked example shows 75', async () => {
    const { s, mapped } = await setUp();
    assert.equal([mapped.products, mapped.mapped, mapped.unmatched.length, mapped.ambiguous.length], [3, 3, 0, 0]);
    const report = await run(hard()(s.deps));
    assert.equal([report.products, report.lines, report.alreadyEqual, report.notStocked.length], [3, 3, 0, 0]);
    assert.ok(report.feed !== null && s.folder('').includes(report.feed));
    const applied = await run(uploads()(s.deps));
    assert.equal([applied.applied, applied.failed, applied.calls], [3, 0, 1]);
    assert.equal(s.server.available(s.items.P1, s.location), 75);
    assert.equal(s.server.available(s.items.P2, s.location), 10);
    assert.equal(s.server.available(s.items.P3, s.location), 40);
    assert.equal(s.folder(''), []);
    assert.equal(s.folder('archive'), [report.feed]);
    const adjustments = s.server.adjustments();
    assert.ok(
      adjustments.every(
        (a) =>
          a.reason === 'correction' && a.referenceDocumentUri !== null && a.referenceDocumentUri.includes('hard-sync'),
      ),
    );
    await s.dispose();
  });

  jobs('a delta push sends only products whose online ATP moved; no change, no call', async () => {
    const { store, s } = await setUp();
    await run(hard()(s.deps));
    await run(uploads()(s.deps));
    const quiet = await run(push('push-0')(s.deps));
    assert.equal([quiet.changedProducts, quiet.lines, quiet.feed], [0, 0, null], 'Hard Sync took the pending changes');
    // A sale reserves 3 more of P1; P2 gets a safety stock edit that does not move its ATP below... it does: 10 -> 9.
    await run(
      store.savePositions([
        { productId: 'P1', facilityId: 'WEB_WH', quantityOnHand: 95, reservedQuantity: 8, safetyStock: 5 },
      ]),
    );
    await run(
      store.savePositions([
        { productId: 'P2', facilityId: 'WEB_WH', quantityOnHand: 12, reservedQuantity: 2, safetyStock: 1 },
      ]),
    );
    // P3 is changed but its ATP does not move.
    await run(
      store.savePositions([
        { productId: 'P3', facilityId: 'WEB_WH', quantityOnHand: 41, reservedQuantity: 1, safetyStock: 0 },
      ]),
    );
    const report = await run(push()(s.deps));
    assert.equal([report.changedProducts, report.mappedProducts, report.lines, report.unchanged], [3, 3, 2, 1]);
    const calls = s.server.stats.setCalls;
    const applied = await run(uploads('upload-2')(s.deps));
    assert.equal([applied.applied, applied.failed], [2, 0]);
    assert.equal(s.server.stats.setCalls, calls + 1);
    assert.equal([s.server.available(s.items.P1, s.location), s.server.available(s.items.P2, s.location)], [72, 9]);
    const again = await run(push('push-2')(s.deps));
    assert.equal([again.changedProducts, again.lines, again.feed], [0, 0, null]);
    const none = await run(uploads('upload-3')(s.deps));
    assert.equal([none.feeds.length, none.calls, s.server.stats.setCalls], [0, 0, calls + 1], 'no change, no call');
    await s.dispose();
  });

  jobs(
    'a Hard Sync feed after a push feed: its basis is refreshed from the ledger the push settled, so nothing is stale',
    async () => {
      const { store, s } = await setUp();
      await run(hard()(s.deps));
      await run(uploads()(s.deps));
      // P1's ATP moves 75 -> 72; the push feed and then a Hard Sync feed are written before either is applied, so the
      // Hard Sync read Shopify's 75 as P1's basis.
      await run(
        store.savePositions([
          { productId: 'P1', facilityId: 'WEB_WH', quantityOnHand: 95, reservedQuantity: 8, safetyStock: 5 },
        ]),
      );
      await run(push('push-2')(s.deps));
      await new Promise((resolve) => setTimeout(resolve, 5));
      const sync = await run(hard('hard-2')(s.deps));
      assert.equal(
        s.folder('').map((f) => f.includes('hard-sync')),
        [false, true],
        'the push feed is applied first',
      );
      const requests = s.server.stats.requests;
      const applied = await run(uploads('upload-2')(s.deps));
      const [pushed, synced] = applied.feeds;
      assert.equal([pushed!.applied, pushed!.calls], [1, 1]);
      assert.equal(synced!.feed, sync.feed);
      assert.equal(
        [synced!.applied, synced!.alreadyEqual, synced!.staleResolved, synced!.calls],
        [0, 3, 0, 0],
        "P1's basis is the 72 the push settled after the Hard Sync's read, not the 75 it read: no call, nothing stale",
      );
      assert.is(s.server.stats.requests - requests, 1, 'one call in all: no re-read of a stale quantity');
      assert.is(s.server.available(s.items.P1, s.location), 72);
      await s.dispose();
    },
  );

  jobs(
    "two Hard Sync feeds applied in turn: the first's equal lines do not stand in for the second's later read",
    async () => {
      const { store, s } = await setUp();
      await run(hard()(s.deps));
      await run(uploads()(s.deps));
      // The first feed reads P1 equal (75); Shopify then drifts to 80 (an edit in Shopify's admin) and a second Hard
      // Sync reads the 80. Neither is applied before both are written.
      const first = await run(hard('hard-2')(s.deps));
      s.server.stock(s.items.P1, s.location, 80);
      await new Promise((resolve) => setTimeout(resolve, 5));
      const second = await run(hard('hard-3')(s.deps));
      assert.equal(s.folder(''), [first.feed, second.feed]);
      const applied = await run(uploads('upload-2')(s.deps));
      const [older, newer] = applied.feeds;
      assert.equal([older!.applied, older!.alreadyEqual], [0, 3], "the first feed's lines are all equal");
      assert.equal(
        [newer!.applied, newer!.alreadyEqual],
        [1, 2],
        "P1's basis is the 80 the second feed read: the first feed's equal 75 is older knowledge, settled later",
      );
      assert.is(s.server.available(s.items.P1, s.location), 75, 'Shopify back to the OMS target, not left above it');
      assert.equal(
        (await run(store.ledger(s.server.shopDomain, s.location, [s.items.P1, s.items.P2, s.items.P3])))
          .map((e) => [e.inventoryItemId, e.quantity, e.runId])
          .sort(([a], [b]) => String(a).localeCompare(String(b))),
        [
          [s.items.P1, 75, 'upload-2'],
          [s.items.P2, 10, 'upload-1'],
          [s.items.P3, 40, 'upload-1'],
        ].sort(([a], [b]) => String(a).localeCompare(String(b))),
        "lines found equal to what the ledger holds wrote nothing: their entries are the first sync's",
      );
      await s.dispose();
    },
  );

  jobs('a Shopify sale that races the push is taken off, never oversold (CHANGE_FROM_QUANTITY_STALE)', async () => {
    const { s } = await setUp();
    await run(hard()(s.deps));
    // Two units of P1 sell on Shopify after Hard Sync read 0 and before the set lands: Shopify holds -2... the set of
    // 0 -> 75 is stale; the policy sets live + (75 - 0) = 73.
    s.server.faults.saleDuringRequest(s.items.P1, s.location, 2);
    const applied = await run(uploads()(s.deps));
    assert.equal([applied.failed, applied.feeds[0]!.staleResolved], [0, 1]);
    assert.equal(s.server.available(s.items.P1, s.location), 73);
    assert.equal([s.server.available(s.items.P2, s.location), s.server.available(s.items.P3, s.location)], [10, 40]);
    await s.dispose();
  });

  jobs('a refused item is reported with its code and line; the rest of its batch applies', async () => {
    const { s } = await setUp();
    await run(hard()(s.deps));
    s.server.faults.userError(s.items.P2, 'NON_MUTABLE_INVENTORY_ITEM');
    const applied = await run(uploads()(s.deps));
    assert.equal(applied.applied, 2);
    assert.equal(
      [applied.calls, s.server.stats.setCalls],
      [2, 2],
      'the call, and the resend of the two it did not refuse',
    );
    assert.equal(
      applied.feeds[0]!.failed.map((f) => [f.productId, f.code, f.line]),
      [['P2', 'NON_MUTABLE_INVENTORY_ITEM', 1]],
    );
    assert.equal(
      [
        s.server.available(s.items.P1, s.location),
        s.server.available(s.items.P2, s.location),
        s.server.available(s.items.P3, s.location),
      ],
      [75, 0, 40],
    );
    await s.dispose();
  });

  jobs(
    'throttling, 5xx answers and a connection lost after Shopify applied: retried with the same key, applied once',
    async () => {
      const { s } = await setUp({}, { maxQuantitiesPerCall: 1 });
      await run(hard()(s.deps));
      s.server.faults.throttle(2);
      s.server.faults.serverError(2, 502);
      s.server.faults.dropAfterApply(1);
      const requests = s.server.stats.requests;
      const applied = await run(uploads('upload-1')(s.deps));
      assert.equal([applied.applied, applied.failed], [3, 0]);
      assert.equal(
        [applied.calls, s.server.stats.requests - requests],
        [8, 8],
        'the report counts every request sent: 3 calls, 2 throttled, 2 answered 502, 1 resent after its answer was lost',
      );
      assert.equal(
        [
          s.server.available(s.items.P1, s.location),
          s.server.available(s.items.P2, s.location),
          s.server.available(s.items.P3, s.location),
        ],
        [75, 10, 40],
      );
      assert.equal(s.server.adjustments().length, 3, 'each quantity applied exactly once');
      assert.ok(s.shopify.stats().retries >= 3, 'the 5xx answers and the lost one');
      assert.is(s.shopify.stats().throttled, 2, 'waited out, not retried');
      await s.dispose();
    },
  );

  jobs('a run that dies between Shopify applying a batch and recording it resumes without applying twice', async () => {
    const { store, s } = await setUp({}, { maxQuantitiesPerCall: 1 });
    await run(hard()(s.deps));
    const dying = { ...s.deps, settleBatch: killedAtSettle(store, 2) };
    const failed = await runLeft(uploads('upload-1')(dying));
    assert.equal(failed._tag, 'InventoryStoreUnavailable');
    assert.equal(s.server.adjustments().length, 2, 'the second batch reached Shopify before the crash');
    const resumed = await run(uploads('upload-2')(s.deps));
    assert.equal(resumed.feeds[0]!.resumed, true);
    assert.equal(s.server.adjustments().length, 3, 'the frozen batch was resent with its key and not applied again');
    assert.equal(
      [
        s.server.available(s.items.P1, s.location),
        s.server.available(s.items.P2, s.location),
        s.server.available(s.items.P3, s.location),
      ],
      [75, 10, 40],
    );
    await s.dispose();
  });

  jobs('a large feed goes through a bulk mutation (staged JSONL); a refused item still fails alone', async () => {
    const { s } = await setUp({}, { bulkThreshold: 3, maxQuantitiesPerCall: 2 });
    await run(hard()(s.deps));
    s.server.faults.userError(s.items.P3, 'INVALID_INVENTORY_ITEM');
    const applied = await run(uploads()(s.deps));
    assert.equal([applied.feeds[0]!.bulkOperations, applied.applied], [1, 2]);
    assert.equal(
      applied.feeds[0]!.failed.map((f) => [f.productId, f.code]),
      [['P3', 'INVALID_INVENTORY_ITEM']],
    );
    assert.equal(s.server.stats.bulkOperations, 2, 'the bulk read of Hard Sync and the bulk set');
    assert.equal(
      [
        s.server.available(s.items.P1, s.location),
        s.server.available(s.items.P2, s.location),
        s.server.available(s.items.P3, s.location),
      ],
      [75, 10, 0],
    );
    await s.dispose();
  });

  jobs(
    'a bulk set that dies before it is recorded is resent under the same keys and applies nothing twice',
    async () => {
      const { store, s } = await setUp({}, { bulkThreshold: 3, maxQuantitiesPerCall: 2 });
      await run(hard()(s.deps));
      const dying = {
        ...s.deps,
        settleBatch: () =>
          TE.left({ _tag: 'InventoryStoreUnavailable' as const, reason: 'killed', retriable: true as const }),
      };
      await runLeft(uploads('upload-1')(dying));
      assert.equal(s.server.adjustments().length, 3);
      const resumed = await run(uploads('upload-2')(s.deps));
      assert.equal([resumed.feeds[0]!.resumed, resumed.applied, resumed.failed], [true, 3, 0]);
      assert.equal(s.server.adjustments().length, 3, 'Shopify answered the resent lines from its record of their keys');
      assert.equal(
        (await run(store.ledger(s.server.shopDomain, s.location, [s.items.P1]))).map((e) => e.quantity),
        [75],
      );
      await s.dispose();
    },
  );

  jobs(
    'a bulk window resent after a crash by calls (the threshold changed): the same keys, nothing applied twice',
    async () => {
      const { store, s } = await setUp({}, { bulkThreshold: 3, maxQuantitiesPerCall: 2 });
      const sync = await run(hard()(s.deps));
      const dying = {
        ...s.deps,
        settleBatch: () =>
          TE.left({ _tag: 'InventoryStoreUnavailable' as const, reason: 'killed', retriable: true as const }),
      };
      await runLeft(uploads('upload-1')(dying));
      assert.equal(s.server.stats.bulkOperations, 2, 'the bulk read and the bulk set');
      const byCalls = shopifyInventory({
        shop: s.server.shopDomain,
        accessToken: TOKEN,
        adminUrl: s.server.url,
        maxQuantitiesPerCall: 2,
        bulkThreshold: Number.POSITIVE_INFINITY,
      });
      const resumed = await run(uploads('upload-2')({ ...s.deps, ...byCalls }));
      assert.equal(
        [resumed.feeds[0]!.resumed, resumed.applied, resumed.calls, resumed.feeds[0]!.bulkOperations],
        [true, 3, 2, 0],
      );
      assert.equal(s.server.stats.bulkOperations, 2, 'no bulk operation on the rerun');
      // The key scheme of frozen batches, unchanged: feed, first line, round, and the group.
      const key = `oms-inventory-sync:${sync.feed}:0:0`;
      assert.equal(
        s.server.adjustments().map((a) => a.idempotencyKey),
        [`${key}#0`, `${key}#0`, `${key}#1`],
        'the groups of the frozen window, applied once, by the bulk mutation',
      );
      assert.equal(
        (await run(store.ledger(s.server.shopDomain, s.location, [s.items.P3]))).map((e) => e.quantity),
        [40],
      );
      await s.dispose();
    },
  );

  // A catalogue of `n` mapped products (online ATP 20 + i % 50) next to the worked example, Shopify equal to the OMS
  // but for the items `changed` picks (stocked at 0): what a daily Hard Sync finds in a large shop.
  const catalogue = async (n: number, changed: (i: number) => boolean, adapterOptions = {}) => {
    const store = await openStore();
    const s = await shopifyScenario(store, {}, adapterOptions);
    const pid = (i: number) => `Q${String(i).padStart(6, '0')}`;
    const ids = Array.from({ length: n }, (_, i) => s.server.addInventoryItem({ sku: `SKU-Q${i}` }));
    for (const [i, id] of ids.entries()) s.server.stock(id, s.location, changed(i) ? 0 : 20 + (i % 50));
    await run(store.saveProducts(ids.map((_, i) => ({ productId: pid(i), externalId: String(500000 + i) }))));
    await run(
      store.savePositions(
        ids.map((_, i) => ({
          productId: pid(i),
          facilityId: 'WEB_WH',
          quantityOnHand: 20 + (i % 50),
          reservedQuantity: 0,
          safetyStock: 0,
        })),
      ),
    );
    await run(
      store.saveMappings(
        s.server.shopDomain,
        ids.map((id, i) => ({ productId: pid(i), sku: `SKU-Q${i}`, status: 'mapped' as const, inventoryItemId: id })),
      ),
    );
    return { store, s, ids };
  };

  jobs(
    'a Hard Sync of 20,000 items with 1,000 changed costs 4 calls: calls are cut after equal lines drop',
    async () => {
      const { s, ids } = await catalogue(20_000, (i) => i % 20 === 7);
      const sync = await run(hardSync({ facilityGroupId: 'SHOPIFY_US', runId: 'hard-big', pageSize: 5_000 })(s.deps));
      // The three products of the worked example are not mapped here: the feed is the catalogue's 20,000 lines.
      assert.equal([sync.lines, sync.lines - sync.alreadyEqual], [20_000, 1_000]);
      const before = { ...s.server.stats };
      const applied = await run(uploads('upload-big')(s.deps));
      assert.equal(s.server.stats.setCalls - before.setCalls, 4, 'ceil(1,000 / 250) inventorySetQuantities calls');
      assert.equal(s.server.stats.requests - before.requests, 4, 'and no other request');
      assert.equal(
        [applied.calls, applied.applied, applied.failed, applied.feeds[0]!.alreadyEqual],
        [4, 1_000, 0, 19_000],
      );
      assert.equal(
        ids.filter((id, i) => s.server.available(id, s.location) !== 20 + (i % 50)).length,
        0,
        'Shopify equals online ATP for every item',
      );
      await s.dispose();
    },
  );

  // 20 lines, 2 quantities a call, 4 lines changed: batches [0, 10) and [10, 18), then the equal tail. Killed at the
  // 2nd settle (the first batch's answer, with the second batch frozen: Shopify applied the first batch, the store
  // never hears of it) or at the 3rd (the second batch's answer).
  for (const [nth, reached, frozen, resent, why] of [
    [2, 2, [0, 0, 10], 2, 'the equal lines before the first batch settled, the batch frozen over lines [0, 10)'],
    [3, 4, [10, 10, 18], 1, 'the first batch settled, the second frozen over [10, 18) in the same transaction'],
  ] as const)
    jobs(
      `batches cut after equal lines are frozen and resent unchanged after a crash at settle ${nth}: nothing twice`,
      async () => {
        const changedLines = [3, 9, 14, 17];
        const { store, s, ids } = await catalogue(20, (i) => changedLines.includes(i), { maxQuantitiesPerCall: 2 });
        const sync = await run(hardSync({ facilityGroupId: 'SHOPIFY_US', runId: 'hard-cut', pageSize: 7 })(s.deps));
        const dying = { ...s.deps, settleBatch: killedAtSettle(store, nth) };
        await runLeft(uploads('upload-1')(dying));
        assert.equal(s.server.adjustments().length, reached, 'the batches that reached Shopify before the crash');
        const progress = await run(store.feedProgress(sync.feed!));
        assert.equal([progress?.nextLine, progress?.pending?.fromLine, progress?.pending?.toLine], frozen, why);
        const resumed = await run(uploads('upload-2')(s.deps));
        assert.equal([resumed.feeds[0]!.resumed, resumed.calls, resumed.failed], [true, resent, 0]);
        assert.equal(
          s.server.adjustments().map((a) => [a.idempotencyKey, a.inventoryItemId]),
          [
            [`oms-inventory-sync:${sync.feed}:0:0`, ids[3]],
            [`oms-inventory-sync:${sync.feed}:0:0`, ids[9]],
            [`oms-inventory-sync:${sync.feed}:10:0`, ids[14]],
            [`oms-inventory-sync:${sync.feed}:10:0`, ids[17]],
          ],
          'each changed line applied once, the frozen batch resent under the key it was frozen with',
        );
        assert.equal(await run(store.feedProgress(sync.feed!)), {
          nextLine: 20,
          pending: null,
          scan: { lines: 20, candidates: 4 },
        });
        assert.equal(
          (await run(store.ledger(s.server.shopDomain, s.location, ids))).length,
          20,
          'every line, equal or set, is in the ledger',
        );
        await s.dispose();
      },
    );

  // The feed reader's readings: how many lines each one read (its header included).
  const countingReads = <D extends FeedReader>(deps: D) => {
    const readings: number[] = [];
    const readFeedLines: FeedReader['readFeedLines'] = (copy) =>
      TE.map((cursor: LineCursor): LineCursor => {
        const at = readings.push(0) - 1;
        return {
          ...cursor,
          next: (count) =>
            TE.map((rows: ReadonlyArray<TextLine>) => {
              readings[at] = (readings[at] ?? 0) + rows.length;
              return rows;
            })(cursor.next(count)),
        };
      })(deps.readFeedLines(copy));
    return { readings, deps: { ...deps, readFeedLines } };
  };
  // The 20-line feed above, killed at its 3rd settle: lines [0, 10) settled, the batch over [10, 18) frozen and applied
  // by Shopify, the store never told.
  const killedMidFeed = async () => {
    const changedLines = [3, 9, 14, 17];
    const { store, s, ids } = await catalogue(20, (i) => changedLines.includes(i), { maxQuantitiesPerCall: 2 });
    const sync = await run(hardSync({ facilityGroupId: 'SHOPIFY_US', runId: 'hard-cut', pageSize: 7 })(s.deps));
    const first = countingReads({ ...s.deps, settleBatch: killedAtSettle(store, 3) });
    await runLeft(uploads('upload-1')(first.deps));
    assert.equal(first.readings, [21, 21], 'the first run read the feed whole, then forward');
    assert.equal(s.server.adjustments().length, 4);
    const atOnline = () => ids.filter((id, i) => s.server.available(id, s.location) !== 20 + (i % 50)).length === 0;
    return { store, s, ids, feed: sync.feed!, atOnline };
  };

  jobs('a resumed run does not read the feed whole again: its first reading is stored with its progress', async () => {
    const { store, s, feed, atOnline } = await killedMidFeed();
    const progress = await run(store.feedProgress(feed));
    assert.equal(
      [progress?.nextLine, progress?.pending?.fromLine, progress?.scan],
      [10, 10, { lines: 20, candidates: 4 }],
      "the first reading's line count and candidates, stored with the first batch",
    );
    const rerun = countingReads(s.deps);
    const resumed = await run(uploads('upload-2')(rerun.deps));
    assert.equal(rerun.readings, [1, 21], 'the header alone, then the forward reading (and its end): no whole scan');
    assert.equal([resumed.feeds[0]!.resumed, resumed.calls, resumed.failed], [true, 1, 0]);
    assert.equal(s.server.adjustments().length, 4, 'the frozen batch resent under its key, nothing applied twice');
    assert.ok(atOnline(), 'Shopify equals online ATP for every item');
    assert.equal(await run(store.feedProgress(feed)), {
      nextLine: 20,
      pending: null,
      scan: { lines: 20, candidates: 4 },
    });
    assert.equal([s.folder(''), s.folder('archive')], [[], [feed]]);
    await s.dispose();
  });

  jobs('a resumed run of progress stored without a first reading (an older version) reads the feed whole', async () => {
    const { store, s, feed, atOnline } = await killedMidFeed();
    const rerun = countingReads(s.deps);
    const older = {
      ...rerun.deps,
      feedProgress: (name: string) =>
        TE.map((p: FeedProgress | null) => (p === null ? null : { ...p, scan: null }))(store.feedProgress(name)),
    };
    const resumed = await run(uploads('upload-2')(older));
    assert.equal(rerun.readings, [21, 21], 'read whole, then forward, as before');
    assert.equal([resumed.feeds[0]!.resumed, resumed.calls, resumed.failed], [true, 1, 0]);
    assert.equal(s.server.adjustments().length, 4, 'nothing applied twice');
    assert.ok(atOnline());
    assert.equal(
      (await run(store.feedProgress(feed)))?.scan,
      { lines: 20, candidates: 4 },
      'the rerun stores its reading',
    );
    await s.dispose();
  });

  // The resumed run trusts the stored reading for the count and candidates only: its forward reading still refuses a
  // file that is not the one read first, and the feed then goes the way the whole reading sends it (error/). The bad
  // line is read (in the same 1,000 lines as the first) before anything is sent; the line past the end, after.
  for (const [how, edit, calls, reason] of [
    [
      'cut short (its header unchanged)',
      (rows: string[]) => rows.slice(0, 18),
      0,
      /announces 20 lines, the file has 17/,
    ],
    ['longer than its header says', (rows: string[]) => [...rows, rows[20]!], 0, /announces 20 lines, the file has 21/],
    [
      'with a line no longer a feed line',
      (rows: string[]) => rows.map((r, i) => (i === 20 ? '{"productId": "Q000019"' : r)),
      0,
      /JSON/,
    ],
  ] as const)
    jobs(`a resumed run refuses a feed ${how}: to error/, nothing applied twice`, async () => {
      const { s, feed } = await killedMidFeed();
      const path = join(s.outboxDir, feed);
      const rows = readFileSync(path, 'utf8').trimEnd().split('\n');
      assert.is(rows.length, 21);
      writeFileSync(path, `${edit(rows).join('\n')}\n`);
      const sent = s.server.stats.setCalls;
      const report = await run(uploads('upload-2')(s.deps));
      const [refused] = report.feeds;
      assert.equal(
        [refused!.outcome, report.calls, s.server.stats.setCalls - sent],
        ['invalid', calls, calls],
        'the frozen batch resent before the end, if any, and counted',
      );
      assert.match(refused!.invalid!.reason, reason);
      assert.equal([s.folder(''), s.folder('error')], [[], [feed]]);
      assert.equal(s.server.adjustments().length, 4, 'nothing applied twice');
      await s.dispose();
    });

  jobs(
    'a resumed run refuses a feed longer than its header says past a whole read of 1,000 lines: at its end',
    async () => {
      const { store, s, ids } = await catalogue(1000, (i) => i % 100 === 7, { maxQuantitiesPerCall: 2 });
      const sync = await run(hardSync({ facilityGroupId: 'SHOPIFY_US', runId: 'hard-end', pageSize: 500 })(s.deps));
      await runLeft(uploads('upload-1')({ ...s.deps, settleBatch: killedAtSettle(store, 3) }));
      assert.is(s.server.adjustments().length, 4, 'two batches of 2 reached Shopify');
      // One line more after the 1,000 the header announces: the reader takes lines 1,000 at a time, so the last
      // batch's read ends exactly at the announced count, and only the look past it finds the extra line.
      const path = join(s.outboxDir, sync.feed!);
      const rows = readFileSync(path, 'utf8').trimEnd().split('\n');
      writeFileSync(path, `${[...rows, rows[1]!].join('\n')}\n`);
      const report = await run(uploads('upload-2')(s.deps));
      assert.equal(report.feeds[0]!.outcome, 'invalid');
      assert.match(report.feeds[0]!.invalid!.reason, /announces 1000 lines, the file has 1001/);
      assert.equal([s.folder(''), s.folder('error')], [[], [sync.feed]]);
      assert.equal(
        s.server
          .adjustments()
          .map((a) => a.inventoryItemId)
          .sort(),
        ids.filter((_, i) => i % 100 === 7).sort(),
        'the changed lines (before the end) applied, each once',
      );
      assert.is(report.calls, 4, 'the frozen batch again, the three after it, counted in the refused feed');
      await s.dispose();
    },
  );

  jobs(
    'the next batch is classified while the one before is in flight, frozen as that one settles, settled in order',
    async () => {
      // Batches [0, 10) and [10, 18), then the equal tail [18, 20), as above.
      const changedLines = [3, 9, 14, 17];
      const { store, s, ids } = await catalogue(20, (i) => changedLines.includes(i), { maxQuantitiesPerCall: 2 });
      await run(hardSync({ facilityGroupId: 'SHOPIFY_US', runId: 'hard-ahead', pageSize: 7 })(s.deps));
      // The first batch's answer is held until the second batch's lines have been read from the ledger: a run that
      // classified only after settling would never get there (and the answer goes after 2 s, failing the test).
      let classifiedAhead = false;
      let ahead: () => void = () => undefined;
      const classified = new Promise<void>((resolve) => {
        ahead = resolve;
      });
      const settlements: Array<[number, number, number | null]> = [];
      let sets = 0;
      const deps = {
        ...s.deps,
        knownLedger: (...args: Parameters<typeof store.knownLedger>) => {
          if (args[2].includes(ids[14]!)) ahead();
          return store.knownLedger(...args);
        },
        setAvailable: (request: Parameters<typeof s.deps.setAvailable>[0]) => async () => {
          const answer = await s.deps.setAvailable(request)();
          if (++sets === 1)
            classifiedAhead = await Promise.race([
              classified.then(() => true),
              new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 2_000)),
            ]);
          return answer;
        },
        settleBatch: (settlement: Parameters<typeof store.settleBatch>[0]) => {
          settlements.push([settlement.nextLine, settlement.confirmed.length, settlement.next?.fromLine ?? null]);
          return store.settleBatch(settlement);
        },
        freezeBatch: () => {
          throw new Error('every batch here is frozen with a settlement');
        },
      };
      const applied = await run(uploads('upload-ahead')(deps));
      assert.ok(classifiedAhead, "the second batch's lines were classified while the first batch was in flight");
      assert.equal([applied.applied, applied.calls, applied.failed], [4, 2, 0]);
      assert.equal(
        settlements,
        [
          [0, 8, 0],
          [10, 8, 10],
          [20, 4, null],
        ],
        "in order: the first batch's equal lines with it frozen; its 2 answers and the next batch's 6 equal lines with" +
          ' the next batch frozen; its answers and the equal tail',
      );
      assert.equal(
        ids.filter((id, i) => s.server.available(id, s.location) !== 20 + (i % 50)).length,
        0,
        'Shopify equals online ATP for every item',
      );
      assert.equal(s.server.adjustments().length, 4, 'each changed line applied once');
      await s.dispose();
    },
  );

  jobs(
    'a line about an item of the batch in flight is classified once that batch is settled: its basis is the ledger',
    async () => {
      const { s } = await setUp({}, { maxQuantitiesPerCall: 1 });
      s.server.stock(s.items.P1, s.location, 8);
      // P1 twice in a feed (as a hand-made feed may have it): 8 -> 5, then 5 -> 2. Classified with the feed's basis
      // while the first line is in flight, the second would go as 8 -> 2, come back stale, and the stale policy
      // would take Shopify's 5 for a sale of 3 and set 0.
      const text = encodeFeed(
        {
          job: 'hard-sync',
          runId: 'twice',
          facilityGroupId: 'SHOPIFY_US',
          shop: s.server.shopDomain,
          locationId: s.location,
          createdAt: '2026-11-23T00:00:00.000Z',
        },
        [
          { productId: 'P1', inventoryItemId: s.items.P1, locationId: s.location, quantity: 5, basis: 8 },
          { productId: 'P1', inventoryItemId: s.items.P1, locationId: s.location, quantity: 2, basis: 8 },
        ],
      );
      writeFileSync(join(s.outboxDir, '20261123T000000000Z-hard-sync-SHOPIFY_US-twice.jsonl'), text);
      const report = await run(uploads()(s.deps));
      assert.equal(
        [report.applied, report.calls, report.feeds[0]!.staleResolved, report.failed],
        [2, 2, 0, 0],
        'two calls, nothing stale',
      );
      assert.is(s.server.available(s.items.P1, s.location), 2);
      assert.equal(
        s.server.adjustments().map((a) => a.delta),
        [-3, -3],
      );
      await s.dispose();
    },
  );

  jobs(
    'killed mid bulk push, part of the window applied unrecorded: the rerun re-reads by one bulk query, nothing twice',
    async () => {
      const kinds = requestKinds();
      const target = (i: number) => 20 + (i % 50);
      const { store, s, ids } = await catalogue(40, () => true, {
        bulkThreshold: 30,
        bulkReadThreshold: 20,
        maxQuantitiesPerCall: 10,
        fetch: kinds.fetch,
      });
      const sync = await run(hardSync({ facilityGroupId: 'SHOPIFY_US', runId: 'hard-kill', pageSize: 100 })(s.deps));
      assert.is(sync.lines - sync.alreadyEqual, 40);
      // The process dies while the bulk mutation runs: the window is frozen, its answer never read.
      const killed = {
        ...s.deps,
        setAvailable: () =>
          TE.left({ _tag: 'ShopifyUnavailable' as const, reason: 'killed', retriable: true as const }),
      };
      await runLeft(uploads('upload-1')(killed));
      const progress = await run(store.feedProgress(sync.feed!));
      assert.equal([progress?.pending?.fromLine, progress?.pending?.toLine], [0, 40], 'one frozen window');
      // The operation had set 25 items when the process died, and Shopify answers the resent keys from no record.
      for (const [i, id] of ids.slice(0, 25).entries()) s.server.stock(id, s.location, target(i));
      const sent = kinds.kinds.length;
      const resumed = await run(uploads('upload-2')(s.deps));
      assert.equal(
        [resumed.feeds[0]!.resumed, resumed.applied, resumed.feeds[0]!.staleResolved, resumed.failed],
        [true, 15, 25, 0],
      );
      const rerun = kinds.kinds.slice(sent);
      assert.equal(
        ['BulkSet', 'BulkLevels', 'LevelsOf'].map((k) => rerun.filter((r) => r === k).length),
        [1, 1, 0],
        'the window resent by one bulk mutation, its 25 raced items re-read by one bulk query, no aliased query',
      );
      assert.equal(
        s.server
          .adjustments()
          .map((a) => a.inventoryItemId)
          .sort(),
        ids.slice(25).sort(),
        'only the 15 items the killed operation had not reached were applied, each once',
      );
      assert.equal(
        ids.filter((id, i) => s.server.available(id, s.location) !== target(i)).length,
        0,
        'every item at online ATP, none above',
      );
      assert.equal(
        (await run(store.ledger(s.server.shopDomain, s.location, ids))).map((e) => e.quantity).sort((a, b) => a - b),
        ids.map((_, i) => target(i)).sort((a, b) => a - b),
        'the ledger holds every item at its target',
      );
      assert.equal(await run(store.feedProgress(sync.feed!)), {
        nextLine: 40,
        pending: null,
        scan: { lines: 40, candidates: 40 },
      });
      await s.dispose();
    },
  );

  jobs('a feed written for another shop is never applied to this one: it stays in the outbox', async () => {
    const { s } = await setUp();
    const text = encodeFeed(
      {
        job: 'hard-sync',
        runId: 'x',
        facilityGroupId: 'SHOPIFY_CA',
        shop: 'other-shop.myshopify.com',
        locationId: s.location,
        createdAt: '2026-11-23T00:00:00.000Z',
      },
      [{ productId: 'P1', inventoryItemId: s.items.P1, locationId: s.location, quantity: 999, basis: 0 }],
    );
    writeFileSync(join(s.outboxDir, '20261123T000000000Z-hard-sync-SHOPIFY_CA-x.jsonl'), text);
    const report = await run(uploads()(s.deps));
    assert.equal(
      report.feeds.map((f) => [f.outcome, f.calls]),
      [['other-shop', 0]],
    );
    assert.equal(s.folder(''), ['20261123T000000000Z-hard-sync-SHOPIFY_CA-x.jsonl']);
    assert.is(s.server.available(s.items.P1, s.location), 0);
    await s.dispose();
  });

  jobs('map-products reports SKUs that match nothing or several items, and maps neither', async () => {
    const store = await openStore();
    const s = await shopifyScenario(store);
    s.server.addInventoryItem({ sku: 'SKU-P2' });
    await run(store.saveProductSkus([{ productId: 'P3', sku: 'SKU-NOWHERE' }]));
    const report = await run(mapProducts({ shop: s.server.shopDomain, pageSize: 2 })(s.deps));
    assert.equal([report.products, report.mapped], [3, 1]);
    assert.equal(
      report.unmatched.map((m) => [m.productId, m.sku]),
      [['P3', 'SKU-NOWHERE']],
    );
    assert.equal(
      report.ambiguous.map((m) => [m.productId, m.status === 'ambiguous' ? m.candidates.length : 0]),
      [['P2', 2]],
    );
    const sync = await run(hard()(s.deps));
    assert.equal(sync.products, 1, 'only the unambiguously mapped product is pushed');
    await s.dispose();
  });

  jobs('map-products of 2,500 products: one bulk query and a few requests, the outcomes of the searches', async () => {
    const store = await openStore();
    const s = await shopifyScenario(store);
    const count = 2_500;
    const ids = Array.from({ length: count }, (_, i) => `BULK-${String(i).padStart(4, '0')}`);
    await run(store.saveProducts(ids.map((productId, i) => ({ productId, externalId: String(20_000 + i) }))));
    await run(store.saveProductSkus(ids.map((productId) => ({ productId, sku: `SKU-${productId}` }))));
    // Every SKU but the last has an item; the first has two.
    for (const id of ids.slice(0, -1)) s.server.addInventoryItem({ sku: `SKU-${id}` });
    s.server.addInventoryItem({ sku: `SKU-${ids[0]}` });
    const kinds = requestKinds();
    const inBulk = shopifyInventory({
      shop: s.server.shopDomain,
      accessToken: TOKEN,
      adminUrl: s.server.url,
      bulkPollMs: 10,
      fetch: kinds.fetch,
    });
    const before = s.server.stats.requests;
    const report = await run(mapProducts({ shop: s.server.shopDomain, pageSize: 500 })({ ...s.deps, ...inBulk }));
    const requests = s.server.stats.requests - before;
    assert.equal(
      [report.products, report.mapped, report.unmatched.length, report.ambiguous.length],
      [count + 3, count + 1, 1, 1],
    );
    assert.equal([kinds.count('BulkSkus'), kinds.count('ItemsBySku'), s.server.stats.bulkOperations], [1, 0, 1]);
    assert.ok(requests <= 10, `one bulk query and its polls: ${requests} requests`);
    // The same remap by searches: 25 SKUs a query.
    const searching = shopifyInventory({
      shop: s.server.shopDomain,
      accessToken: TOKEN,
      adminUrl: s.server.url,
      bulkSkuThreshold: 1_000_000,
    });
    const searchedFrom = s.server.stats.requests;
    const searched = await run(
      mapProducts({ shop: s.server.shopDomain, pageSize: 500, all: true })({ ...s.deps, ...searching }),
    );
    assert.ok(s.server.stats.requests - searchedFrom >= Math.ceil((count + 3) / 25), 'by search: 100 queries or more');
    assert.equal({ ...searched, durationMs: 0 }, { ...report, durationMs: 0 });
    await s.dispose();
  });

  jobs('a facility group that is not a channel group, or has no Shopify location, is refused by name', async () => {
    const { store, s } = await setUp();
    await run(
      store.saveFacilityGroup({ facilityGroupId: 'STORES', facilityGroupTypeId: 'PICKUP', facilityIds: ['STORE_9'] }),
    );
    const notChannel = await runLeft(hardSync({ facilityGroupId: 'STORES', runId: 'x', pageSize: 10 })(s.deps));
    assert.equal(notChannel._tag, 'NotAChannelFacilityGroup');
    const missing = await runLeft(pushRecentChanges({ facilityGroupId: 'NOPE', runId: 'x', pageSize: 10 })(s.deps));
    assert.equal(missing._tag, 'FacilityGroupNotFound');
    await s.dispose();
  });

  jobs.run();
}
