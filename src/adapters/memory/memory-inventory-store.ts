import * as TE from 'fp-ts/lib/TaskEither.js';
import type { Store } from '../../application/index.ts';
import type {
  FailedLine,
  FeedProgress,
  InventoryItemMapping,
  LedgerEntry,
  MappedProductInventory,
  ProductInventoryRecord,
  SalesChannel,
} from '../../application/index.ts';
import { stockTableOf } from '../../application/columnar.ts';
import type { JobRun } from '../../application/run-log.ts';
import type { ImportedFile, StoreError, VarianceRecord } from '../../application/index.ts';
import {
  fromScaled,
  isChannelFacilityGroup,
  pairKey,
  toScaled,
  type FacilityGroup,
  type FacilityStock,
  type ProductInventory,
  type StockLevel,
} from '../../domain/index.ts';

/** Everything the memory store serves: the import's ports and the Shopify jobs' ports, on one state. */
export type MemoryInventoryStore = Store;

// What the databases keep is exact to 1/100,000 unit; the reference store rounds the same way.
const exact = (quantity: number): number => fromScaled(toScaled(quantity));

/** Ids in ascending code-unit order, rebuilt only after a write adds one: keyset pages over them stay cheap. */
const sortedIds = (ids: () => Iterable<string>) => {
  let sorted: string[] | null = null;
  return {
    invalidate: () => {
      sorted = null;
    },
    /** The ids after `after` (all when null), in order. */
    after: function* (after: string | null): Generator<string> {
      sorted ??= [...ids()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      let low = 0;
      let high = sorted.length;
      if (after !== null) {
        while (low < high) {
          const mid = (low + high) >>> 1;
          if (sorted[mid]! <= after) low = mid + 1;
          else high = mid;
        }
      }
      for (let i = low; i < sorted.length; i++) yield sorted[i]!;
    },
  };
};

const byId = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

const unknownProducts = (productIds: ReadonlyArray<string>): StoreError => ({
  _tag: 'InventoryStoreFailed',
  operation: 'saveProductSkus',
  reason: `no such product: ${productIds.join(', ')}`,
  retriable: false,
});

const runFailed = (operation: string, reason: string): StoreError => ({
  _tag: 'InventoryStoreFailed',
  operation,
  reason,
  retriable: false,
});

/** An inventory store in memory: the reference for the contract suites and the unit tests of the use cases. */
export const memoryInventoryStore = (): MemoryInventoryStore => {
  const facilities = new Map<string, string>();
  const products = new Map<string, string>();
  const productIds = new Set<string>();
  const skus = new Map<string, string>();
  const skuOrder = sortedIds(() => skus.keys());
  // One entry per position in first-written order (what `stockLevels` lists), and each product's facilities.
  const stock = new Map<string, StockLevel>();
  const facilitiesOf = new Map<string, Set<string>>();
  const safetyStock = new Map<string, number>();
  const thresholds = new Map<string, number>();
  const brokeringQueue = new Map<string, number>();
  const files = new Map<string, ImportedFile>();
  const history: VarianceRecord[] = [];
  const changed = new Map<string, number>();
  const changedOrder = sortedIds(() => changed.keys());
  const consumers = new Map<string, Map<string, number>>();
  const locks = new Map<string, { owner: string; until: number }>();
  const groups = new Map<string, FacilityGroup>();
  const channels = new Map<string, { shop: string; locationId: string }>();
  const mappings = new Map<
    string,
    { items: Map<string, InventoryItemMapping>; mapped: ReturnType<typeof sortedIds> }
  >();
  const ledger = new Map<string, LedgerEntry>();
  const progress = new Map<string, string>();
  const failures = new Map<string, Map<number, FailedLine>>();
  const runs = new Map<string, JobRun>();
  const fileKey = (name: string, sha256: string) => pairKey(name, sha256);
  const ledgerKey = (shop: string, locationId: string, inventoryItemId: string) =>
    pairKey(shop, pairKey(locationId, inventoryItemId));

  const setStock = (level: StockLevel): void => {
    stock.set(pairKey(level.productId, level.facilityId), level);
    let held = facilitiesOf.get(level.productId);
    if (held === undefined) facilitiesOf.set(level.productId, (held = new Set()));
    held.add(level.facilityId);
  };
  const markChanged = (ids: Iterable<string>): void => {
    for (const id of new Set(ids)) {
      const version = changed.get(id);
      if (version === undefined) changedOrder.invalidate();
      changed.set(id, (version ?? 0) + 1);
    }
  };
  const shopItems = (shop: string) => {
    let entry = mappings.get(shop);
    if (entry === undefined) {
      const items = new Map<string, InventoryItemMapping>();
      entry = {
        items,
        mapped: sortedIds(function* () {
          for (const [productId, m] of items) if (m.status === 'mapped') yield productId;
        }),
      };
      mappings.set(shop, entry);
    }
    return entry;
  };
  const inventoryOf = (productId: string): ProductInventory => {
    const positions = [...(facilitiesOf.get(productId) ?? [])].sort(byId).map((facilityId): FacilityStock => {
      const level = stock.get(pairKey(productId, facilityId))!;
      return {
        facilityId,
        quantityOnHand: level.quantityOnHand,
        reservedQuantity: fromScaled(toScaled(level.quantityOnHand) - toScaled(level.availableToPromise)),
        safetyStock: safetyStock.get(pairKey(productId, facilityId)) ?? 0,
      };
    });
    return {
      productId,
      positions,
      threshold: thresholds.get(productId) ?? 0,
      brokeringQueue: brokeringQueue.get(productId) ?? 0,
    };
  };
  const mappedInventory = (shop: string, productId: string): MappedProductInventory | null => {
    const mapping = mappings.get(shop)?.items.get(productId);
    if (mapping?.status !== 'mapped') return null;
    const { positions, threshold, brokeringQueue: queued } = inventoryOf(productId);
    return { productId, inventoryItemId: mapping.inventoryItemId, positions, threshold, brokeringQueue: queued };
  };
  const productInventory = (productIdOrSku: string): ProductInventoryRecord | null => {
    let productId: string | null = productIds.has(productIdOrSku) ? productIdOrSku : null;
    // By SKU, the smallest id wins, as in the databases.
    if (productId === null)
      for (const id of skuOrder.after(null))
        if (skus.get(id) === productIdOrSku) {
          productId = id;
          break;
        }
    return productId === null
      ? null
      : { productId, sku: skus.get(productId) ?? null, inventory: inventoryOf(productId) };
  };
  const facilityGroup = (facilityGroupId: string): FacilityGroup | null => {
    const group = groups.get(facilityGroupId);
    return group === undefined ? null : { ...group, facilityIds: [...group.facilityIds] };
  };

  return {
    facilityIdsByExternalId: () => TE.right(new Map(facilities)),
    productIdsByExternalId: () => TE.right(new Map(products)),
    stockLevels: () => TE.right(stockTableOf([...stock.values()])),
    importedFile: (name, sha256) => TE.right(files.get(fileKey(name, sha256)) ?? null),
    commitImport: (commit) => {
      const key = fileKey(commit.file.name, commit.file.sha256);
      if (files.has(key)) return TE.right('already-imported' as const);
      files.set(key, {
        name: commit.file.name,
        sha256: commit.file.sha256,
        outcome: commit.outcome,
        runId: commit.runId,
        importedAt: commit.at,
      });
      for (const a of commit.adjustments) {
        setStock({
          productId: a.productId,
          facilityId: a.facilityId,
          quantityOnHand: a.quantityOnHandAfter,
          availableToPromise: a.availableToPromiseAfter,
        });
        history.push({ ...a, sourceFile: commit.file.name, runId: commit.runId, recordedAt: commit.at });
      }
      markChanged(commit.adjustments.map((a) => a.productId));
      return TE.right('committed' as const);
    },
    acquireJobLock: (job, owner, until, now) => {
      const held = locks.get(job);
      if (held !== undefined && held.owner !== owner && held.until > now.getTime()) return TE.right(false);
      locks.set(job, { owner, until: until.getTime() });
      return TE.right(true);
    },
    releaseJobLock: (job, owner) => {
      if (locks.get(job)?.owner === owner) locks.delete(job);
      return TE.right(undefined);
    },
    variances: (sourceFile) => TE.right(history.filter((v) => v.sourceFile === sourceFile)),
    changedProductIds: () => TE.right([...changedOrder.after(null)]),
    saveFacilities: (list) => {
      for (const f of list) facilities.set(f.externalId, f.facilityId);
      return TE.right(undefined);
    },
    saveProducts: (list) => {
      for (const p of list) {
        products.set(p.externalId, p.productId);
        productIds.add(p.productId);
      }
      return TE.right(undefined);
    },
    saveStockLevels: (levels) => {
      for (const l of levels)
        setStock({
          productId: l.productId,
          facilityId: l.facilityId,
          quantityOnHand: l.quantityOnHand,
          availableToPromise: l.availableToPromise,
        });
      return TE.right(undefined);
    },

    salesChannel: (facilityGroupId) => {
      const group = facilityGroup(facilityGroupId);
      const channel = channels.get(facilityGroupId);
      return TE.right(
        group === null || channel === undefined || !isChannelFacilityGroup(group)
          ? null
          : ({ facilityGroup: group, ...channel } satisfies SalesChannel),
      );
    },
    facilityGroup: (facilityGroupId) => TE.right(facilityGroup(facilityGroupId)),
    mappedProductPage: (channel, after, limit) => {
      const page: MappedProductInventory[] = [];
      if (limit <= 0) return TE.right(page);
      for (const productId of shopItems(channel.shop).mapped.after(after)) {
        page.push(mappedInventory(channel.shop, productId)!);
        if (page.length >= limit) break;
      }
      return TE.right(page);
    },
    mappedProducts: (channel, ids) =>
      TE.right([...new Set(ids)].sort(byId).flatMap((productId) => mappedInventory(channel.shop, productId) ?? [])),
    changedProducts: (consumer, after, limit) => {
      const taken = consumers.get(consumer);
      const page: Array<{ productId: string; version: number }> = [];
      if (limit <= 0) return TE.right(page);
      for (const productId of changedOrder.after(after)) {
        const version = changed.get(productId)!;
        if (version <= (taken?.get(productId) ?? 0)) continue;
        page.push({ productId, version });
        if (page.length >= limit) break;
      }
      return TE.right(page);
    },
    markPushed: (consumer, changes) => {
      let taken = consumers.get(consumer);
      if (taken === undefined) consumers.set(consumer, (taken = new Map()));
      for (const c of changes) taken.set(c.productId, Math.max(taken.get(c.productId) ?? 0, c.version));
      return TE.right(undefined);
    },
    ledger: (shop, locationId, inventoryItemIds) =>
      TE.right(
        [...new Set(inventoryItemIds)].sort(byId).flatMap((id) => ledger.get(ledgerKey(shop, locationId, id)) ?? []),
      ),
    feedProgress: (feed) => {
      const saved = progress.get(feed);
      return TE.right(saved === undefined ? null : (JSON.parse(saved) as FeedProgress));
    },
    freezeBatch: (feed, batch) => {
      const saved = progress.get(feed);
      const nextLine = saved === undefined ? 0 : (JSON.parse(saved) as FeedProgress).nextLine;
      progress.set(feed, JSON.stringify({ nextLine, pending: batch } satisfies FeedProgress));
      return TE.right(undefined);
    },
    settleBatch: (settlement) => {
      for (const e of settlement.confirmed) {
        ledger.set(ledgerKey(settlement.shop, e.locationId, e.inventoryItemId), {
          inventoryItemId: e.inventoryItemId,
          locationId: e.locationId,
          quantity: e.quantity,
          runId: e.runId,
        });
      }
      for (const f of settlement.failed) {
        let lines = failures.get(f.feed);
        if (lines === undefined) failures.set(f.feed, (lines = new Map()));
        if (!lines.has(f.line)) lines.set(f.line, { ...f });
      }
      progress.set(
        settlement.feed,
        JSON.stringify({ nextLine: settlement.nextLine, pending: null } satisfies FeedProgress),
      );
      return TE.right(undefined);
    },
    failedLines: (feed) => TE.right([...(failures.get(feed)?.values() ?? [])].sort((a, b) => a.line - b.line)),

    productSkus: (after, limit) => {
      const page: Array<{ productId: string; sku: string }> = [];
      if (limit <= 0) return TE.right(page);
      for (const productId of skuOrder.after(after)) {
        page.push({ productId, sku: skus.get(productId)! });
        if (page.length >= limit) break;
      }
      return TE.right(page);
    },
    saveMappings: (shop, list) => {
      const entry = shopItems(shop);
      const newlyMapped: string[] = [];
      for (const m of list) {
        const before = entry.items.get(m.productId);
        const itemBefore = before?.status === 'mapped' ? before.inventoryItemId : null;
        if (m.status === 'mapped' && m.inventoryItemId !== itemBefore) newlyMapped.push(m.productId);
        entry.items.set(m.productId, m.status === 'ambiguous' ? { ...m, candidates: [...m.candidates] } : { ...m });
      }
      // A product mapped to a new inventory item is due for the next delta push: Shopify's item has not had its ATP.
      markChanged(newlyMapped);
      entry.mapped.invalidate();
      return TE.right(undefined);
    },

    productInventory: (productIdOrSku) => TE.right(productInventory(productIdOrSku)),

    startRun: (run) => {
      if (runs.has(run.runId)) return TE.left(runFailed('startRun', `run already started: ${run.runId}`));
      runs.set(run.runId, {
        ...run,
        parameters: { ...run.parameters },
        finishedAt: null,
        outcome: 'running',
        counts: {},
        error: null,
      });
      return TE.right(undefined);
    },
    finishRun: (runId, end) => {
      const started = runs.get(runId);
      if (started === undefined) return TE.left(runFailed('finishRun', `no such run: ${runId}`));
      runs.set(runId, {
        ...started,
        finishedAt: end.finishedAt,
        outcome: end.outcome,
        counts: { ...end.counts },
        error: end.error,
      });
      return TE.right(undefined);
    },
    listRuns: (filter) =>
      TE.right(
        [...runs.values()]
          .filter(
            (r) =>
              (filter.job === undefined || r.job === filter.job) &&
              (filter.outcome === undefined || r.outcome === filter.outcome),
          )
          .sort((a, b) => b.startedAt.getTime() - a.startedAt.getTime() || byId(b.runId, a.runId))
          .slice(0, Math.max(0, Math.floor(filter.limit))),
      ),

    saveFacilityGroup: (group) => {
      groups.set(group.facilityGroupId, {
        facilityGroupId: group.facilityGroupId,
        facilityGroupTypeId: group.facilityGroupTypeId,
        facilityIds: [...new Set(group.facilityIds)].sort(byId),
      });
      return TE.right(undefined);
    },
    saveSalesChannel: (channel) => {
      channels.set(channel.facilityGroupId, { shop: channel.shop, locationId: channel.locationId });
      return TE.right(undefined);
    },
    saveProductSkus: (list) => {
      const unknown = list.filter((s) => !productIds.has(s.productId)).map((s) => s.productId);
      if (unknown.length > 0) return TE.left(unknownProducts(unknown));
      for (const s of list) {
        if (s.sku === null) skus.delete(s.productId);
        else skus.set(s.productId, s.sku);
      }
      skuOrder.invalidate();
      return TE.right(undefined);
    },
    savePositions: (positions) => {
      for (const p of positions) {
        const quantityOnHand = exact(p.quantityOnHand);
        setStock({
          productId: p.productId,
          facilityId: p.facilityId,
          quantityOnHand,
          availableToPromise: fromScaled(toScaled(quantityOnHand) - toScaled(p.reservedQuantity)),
        });
        safetyStock.set(pairKey(p.productId, p.facilityId), exact(p.safetyStock));
      }
      markChanged(positions.map((p) => p.productId));
      return TE.right(undefined);
    },
    saveThresholds: (list) => {
      for (const t of list) thresholds.set(t.productId, exact(t.threshold));
      markChanged(list.map((t) => t.productId));
      return TE.right(undefined);
    },
    saveBrokeringQueue: (queue) => {
      for (const q of queue) brokeringQueue.set(q.productId, exact(q.quantity));
      markChanged(queue.map((q) => q.productId));
      return TE.right(undefined);
    },
  };
};
