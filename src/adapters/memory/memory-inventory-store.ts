import { randomUUID } from 'node:crypto';
import * as E from 'fp-ts/lib/Either.js';
import type * as TE from 'fp-ts/lib/TaskEither.js';
import type { Store } from '../../application/index.ts';
import type {
  FailedLine,
  FeedProgress,
  InventoryItemMapping,
  KnownEntry,
  LedgerEntry,
  MappedProductInventory,
  ProductInventoryRecord,
  SalesChannel,
  StockTermCursor,
  StockTermKind,
} from '../../application/index.ts';
import { validSeed } from '../../application/channel-seed-rules.ts';
import {
  channelIdsOf,
  facilityIdsOf,
  groupIdsOf,
  mappingIdsOf,
  positionIdsOf,
  productIdsOf,
  skuIdsOf,
  storableOnly,
} from '../stored-ids.ts';
import { stockTableOf } from '../../application/columnar.ts';
import {
  dayOfEpochDay,
  outcomeSeenAt,
  type JobRun,
  type RunDayCount,
  type RunReport,
} from '../../application/run-log.ts';
import type { ProductMatch } from '../../application/master-data.ts';
import type { StoredSchedule } from '../../application/schedule-book.ts';
import type { ImportedFile, InventoryLedgerEntry, StoreError, VarianceRecord } from '../../application/index.ts';
import {
  applyInventoryEvents,
  canonicalPayload,
  type EarlierRefusal,
  eventOfPayload,
  touchedKeys,
  resetEventId,
  resetOfRecord,
  withEarlierRefusals,
  seedEvents,
  seedFaults,
  seedKeys,
  type InventoryEvent,
  type SeedTargets,
  fromScaled,
  isChannelFacilityGroup,
  pairKey,
  toScaled,
  type FacilityGroup,
  type FacilityStock,
  type ProductInventory,
  type StockLevel,
  type StockTerm,
} from '../../domain/index.ts';

/** Everything the memory store serves: the import's ports and the Shopify jobs' ports, on one state. */
export type MemoryInventoryStore = Store;

const byId = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Ids in ascending code-unit order, rebuilt only after a write adds one: keyset pages over them stay cheap. */
const sortedIds = (ids: () => Iterable<string>) => {
  let sorted: string[] | null = null;
  return {
    invalidate: () => {
      sorted = null;
    },
    /** The ids after `after` (all when null), in order. */
    after: function* (after: string | null): Generator<string> {
      sorted ??= [...ids()].sort(byId);
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

const failed = (operation: string, reason: string, cause?: unknown): StoreError => ({
  _tag: 'InventoryStoreFailed',
  operation,
  reason,
  retriable: false,
  ...(cause === undefined ? {} : { cause }),
});

/**
 * A task that does its work when it is run, never when it is built, so a task built and dropped changes nothing and
 * every run sees the state of that moment. It never rejects: a throw becomes a Left.
 */
const perform =
  <A>(operation: string, work: () => E.Either<StoreError, A>): TE.TaskEither<StoreError, A> =>
  async () => {
    try {
      return work();
    } catch (cause) {
      return E.left(failed(operation, cause instanceof Error ? cause.message : String(cause), cause));
    }
  };

/** `perform` for work that cannot fail but by throwing. */
const answer = <A>(operation: string, work: () => A): TE.TaskEither<StoreError, A> =>
  perform(operation, () => E.right(work()));

/** An inventory store in memory: the reference for the contract suites and the unit tests of the use cases. */
export const memoryInventoryStore = (): MemoryInventoryStore => {
  // Master data by id, as the databases key it: saving an id again replaces its external id (and name).
  const facilities = new Map<string, { externalId: string; name: string | null }>();
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
  // The ledger's head (the last sequence drawn), each product's last change, each consumer's cursor.
  let head = 0;
  const changed = new Map<string, number>();
  const changedOrder = sortedIds(() => changed.keys());
  const cursors = new Map<string, number>();
  const locks = new Map<string, { owner: string; until: number }>();
  const groups = new Map<string, FacilityGroup>();
  const channels = new Map<string, { shop: string; locationId: string }>();
  const mappings = new Map<
    string,
    { items: Map<string, InventoryItemMapping>; mapped: ReturnType<typeof sortedIds> }
  >();
  const ledger = new Map<string, LedgerEntry>();
  // When Shopify was known to hold each ledger entry (ms; its settlement, or its `knownAt`), for `ledger(…, recordedAfter)`.
  const ledgerRecordedAt = new Map<string, number>();
  const progress = new Map<string, string>();
  const failures = new Map<string, Map<number, FailedLine>>();
  const runs = new Map<string, JobRun>();
  const reports = new Map<string, RunReport>();
  const schedules = new Map<string, StoredSchedule>();
  const fileKey = (name: string, sha256: string) => pairKey(name, sha256);
  const ledgerKey = (shop: string, locationId: string, inventoryItemId: string) =>
    pairKey(shop, pairKey(locationId, inventoryItemId));
  // The entries of these items at the location (each once, by id), with when each was known.
  const knownEntries = (shop: string, locationId: string, ids: ReadonlyArray<string>): KnownEntry[] =>
    [...new Set(ids)].sort(byId).flatMap((id) => {
      const key = ledgerKey(shop, locationId, id);
      const entry = ledger.get(key);
      return entry === undefined ? [] : [{ ...entry, knownAt: new Date(ledgerRecordedAt.get(key)!) }];
    });

  const setStock = (level: StockLevel): void => {
    stock.set(pairKey(level.productId, level.facilityId), level);
    let held = facilitiesOf.get(level.productId);
    if (held === undefined) facilitiesOf.set(level.productId, (held = new Set()));
    held.add(level.facilityId);
  };
  /** Marks products changed at `sequence` (a new one drawn when absent). */
  const markChanged = (ids: Iterable<string>, sequence?: number): void => {
    const at = sequence ?? ++head;
    for (const id of new Set(ids)) {
      if (!changed.has(id)) changedOrder.invalidate();
      changed.set(id, at);
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
  // InventoryTerms: every stored term of a kind, sorted on each call (the reference store favours plainness).
  const stockTerms = (kind: StockTermKind, after: StockTermCursor | null, limit: number): StockTerm[] => {
    const terms: StockTerm[] =
      kind === 'safety-stock'
        ? [...safetyStock].map(([key, quantity]) => {
            // The key is `pairKey(productId, facilityId)`: the product id's length, a colon, then both ids.
            const colon = key.indexOf(':');
            const end = colon + 1 + Number(key.slice(0, colon));
            return { kind, productId: key.slice(colon + 1, end), facilityId: key.slice(end), quantity };
          })
        : [...(kind === 'threshold' ? thresholds : brokeringQueue)].map(([productId, quantity]) => ({
            kind,
            productId,
            quantity,
          }));
    const facilityOf = (t: StockTerm) => (t.kind === 'safety-stock' ? t.facilityId : '');
    return terms
      .filter(
        (t) =>
          after === null ||
          t.productId > after.productId ||
          (t.productId === after.productId && facilityOf(t) > after.facilityId),
      )
      .sort((a, b) => byId(a.productId, b.productId) || byId(facilityOf(a), facilityOf(b)))
      .slice(0, Math.max(0, Math.floor(limit)));
  };
  // Kept as JSON, as the databases keep it: what a caller holds is never the state itself.
  const savedProgress = (feed: string): FeedProgress | null => {
    const saved = progress.get(feed);
    if (saved === undefined) return null;
    const parsed = JSON.parse(saved) as FeedProgress;
    return { ...parsed, scan: parsed.scan ?? null };
  };

  // InventoryLedger: the domain's fold over the entries the events touch, written back; what the SQL store must match.
  const recordedPayloads = new Map<string, string>();
  const refusals = new Map<string, EarlierRefusal>();
  const inventoryEvents: InventoryLedgerEntry[] = [];
  /** The state of the keys `touched` names, as the fold reads it (absent keys absent). */
  const stateOf = (touched: ReturnType<typeof touchedKeys>) => {
    const scaledOf = (from: ReadonlyMap<string, number>, keys: Iterable<string>) =>
      new Map([...keys].flatMap((k) => (from.has(k) ? [[k, toScaled(from.get(k)!)] as const] : [])));
    const positionKeys = touched.positions.map(([p, f]) => pairKey(p, f));
    const state = {
      positions: new Map(
        positionKeys.flatMap((key) => {
          const level = stock.get(key);
          if (level === undefined) return [];
          const qoh = toScaled(level.quantityOnHand);
          return [[key, { quantityOnHand: qoh, reserved: qoh - toScaled(level.availableToPromise) }] as const];
        }),
      ),
      safetyStock: scaledOf(
        safetyStock,
        touched.safetyStock.map(([p, f]) => pairKey(p, f)),
      ),
      thresholds: scaledOf(thresholds, touched.thresholds),
      brokeringQueue: scaledOf(brokeringQueue, touched.brokeringQueue),
    };
    return state;
  };
  const contextOf = () => ({
    knownProducts: productIds,
    knownFacilities: new Set(facilities.keys()),
    recorded: recordedPayloads,
  });
  /** Keeps what the fold of `events` over the current state decided (folding them when not given). */
  const record = (
    events: ReadonlyArray<InventoryEvent>,
    folded = applyInventoryEvents(stateOf(touchedKeys(events)), events, contextOf()),
  ) => {
    const recordedAt = new Date();
    const changedIds: string[] = [];
    folded.outcomes.forEach((o, i) => {
      if (o.outcome === 'refused' || o.outcome === 'applied') head += 1;
      if (o.outcome === 'refused') {
        recordedPayloads.set(o.eventId, canonicalPayload(events[i]!));
        refusals.set(o.eventId, { reason: o.reason, detail: o.detail });
      }
      if (o.outcome !== 'applied') return;
      const payload = canonicalPayload(events[i]!);
      const event = eventOfPayload(payload);
      if (E.isLeft(event)) throw new Error(`an applied event has no canonical form: ${payload}`);
      recordedPayloads.set(o.eventId, payload);
      inventoryEvents.push({
        sequence: head,
        event: event.right,
        changes: o.changes,
        recordedAt,
      });
      changedIds.push(event.right.productId);
      for (const c of o.changes) {
        if (c.kind === 'position') {
          setStock({
            productId: c.productId,
            facilityId: c.facilityId,
            quantityOnHand: c.after.quantityOnHand,
            availableToPromise: fromScaled(toScaled(c.after.quantityOnHand) - toScaled(c.after.reservedQuantity)),
          });
        } else if (c.kind === 'safety-stock') safetyStock.set(pairKey(c.productId, c.facilityId), c.after);
        else if (c.kind === 'threshold') thresholds.set(c.productId, c.after);
        else brokeringQueue.set(c.productId, c.after);
      }
    });
    if (changedIds.length > 0) markChanged(changedIds, head);
    return withEarlierRefusals(folded.outcomes, refusals);
  };
  const recordEvents: Store['recordEvents'] = (events) => answer('recordEvents', () => record(events));
  /** ChannelSeed's setters: their absolute values as events; the whole call refused when one is refused or unknown. */
  const seed = (operation: string, targets: SeedTargets) =>
    perform(operation, () => {
      const state = stateOf(seedKeys(targets));
      const events = seedEvents(state, targets, {
        idPrefix: `seed:${randomUUID()}`,
        source: 'channel-seed',
        occurredAt: new Date().toISOString(),
      });
      const context = contextOf();
      const folded = applyInventoryEvents(state, events, context);
      const faults = seedFaults(targets, folded.outcomes, context);
      if (faults.length > 0) return E.left(failed(operation, `refused, nothing written: ${faults.join('; ')}`));
      record(events, folded);
      return E.right(undefined);
    });
  const ledgerEntries: Store['ledgerEntries'] = (after, limit, filter = {}, order = 'oldest-first') =>
    answer('ledgerEntries', () => {
      const page: InventoryLedgerEntry[] = [];
      if (limit <= 0) return page;
      const selected = (entry: InventoryLedgerEntry) =>
        (filter.productId === undefined || entry.event.productId === filter.productId) &&
        (filter.facilityId === undefined ||
          entry.event.facilityId === filter.facilityId ||
          entry.event.toFacilityId === filter.facilityId);
      if (order === 'newest-first') {
        for (let i = inventoryEvents.length - 1; i >= 0 && page.length < limit; i--) {
          const entry = inventoryEvents[i]!;
          if (after !== null && entry.sequence <= after) break;
          if (selected(entry)) page.push(entry);
        }
        return page;
      }
      // Entries are in sequence order (numbers with gaps: a refused event draws one too): find the first after `after`.
      let from = 0;
      if (after !== null) {
        let hi = inventoryEvents.length;
        while (from < hi) {
          const mid = (from + hi) >>> 1;
          if (inventoryEvents[mid]!.sequence <= after) from = mid + 1;
          else hi = mid;
        }
      }
      for (let i = from; i < inventoryEvents.length && page.length < limit; i++)
        if (selected(inventoryEvents[i]!)) page.push(inventoryEvents[i]!);
      return page;
    });

  return {
    recordEvents,
    ledgerEntries,
    facilityIdsByExternalId: () =>
      answer('facilityIdsByExternalId', () => new Map([...facilities].map(([id, f]) => [f.externalId, id]))),
    productIdsByExternalId: () =>
      answer('productIdsByExternalId', () => new Map([...products].map(([id, externalId]) => [externalId, id]))),
    facilities: () =>
      answer('facilities', () =>
        [...facilities]
          .sort(([a], [b]) => byId(a, b))
          .map(([facilityId, f]) => ({ facilityId, externalId: f.externalId, name: f.name })),
      ),
    productPage: (after, limit) =>
      answer('productPage', () =>
        [...productIds]
          .filter((id) => after === null || id > after)
          .sort(byId)
          .slice(0, Math.max(0, Math.floor(limit)))
          .map((productId) => ({ productId, externalId: products.get(productId)!, sku: skus.get(productId) ?? null })),
      ),
    searchProducts: (prefix, after, limit) =>
      answer('searchProducts', () => {
        const matches: ProductMatch[] = [];
        for (const productId of productIds) {
          const record = { productId, externalId: products.get(productId)!, sku: skus.get(productId) ?? null };
          if (productId.startsWith(prefix)) matches.push({ ...record, matchedOn: 'productId', key: productId });
          if (record.sku?.startsWith(prefix) === true) matches.push({ ...record, matchedOn: 'sku', key: record.sku });
        }
        const order = (a: Omit<ProductMatch, 'externalId' | 'sku'>, b: Omit<ProductMatch, 'externalId' | 'sku'>) =>
          byId(a.key, b.key) || byId(a.productId, b.productId) || byId(a.matchedOn, b.matchedOn);
        return matches
          .filter((m) => after === null || order(m, after) > 0)
          .sort(order)
          .slice(0, Math.max(0, Math.floor(limit)));
      }),
    facilityGroups: () => answer('facilityGroups', () => [...groups.keys()].sort(byId).map((id) => facilityGroup(id)!)),
    stockLevels: () => answer('stockLevels', () => stockTableOf([...stock.values()])),
    importedFile: (name, sha256) => answer('importedFile', () => files.get(fileKey(name, sha256)) ?? null),
    appliedFiles: () => answer('appliedFiles', () => [...files.values()].filter((f) => f.outcome === 'applied')),
    commitImport: (commit) =>
      answer('commitImport', () => {
        const key = fileKey(commit.file.name, commit.file.sha256);
        if (files.has(key)) return 'already-imported' as const;
        files.set(key, {
          name: commit.file.name,
          sha256: commit.file.sha256,
          outcome: commit.outcome,
          runId: commit.runId,
          importedAt: commit.at,
        });
        // Each adjustment is applied as its planned delta on top of the position as it is now (whatever was
        // reserved, shipped or counted since the plan read it), and history keeps the true before and after.
        let ordinal = 0;
        for (const a of commit.adjustments) {
          const now = stock.get(pairKey(a.productId, a.facilityId));
          const qohBefore = toScaled(now?.quantityOnHand ?? 0);
          const atpBefore = toScaled(now?.availableToPromise ?? 0);
          const qohAfter = qohBefore + toScaled(a.quantityOnHandAfter) - toScaled(a.quantityOnHandBefore);
          const atpAfter = atpBefore + toScaled(a.availableToPromiseAfter) - toScaled(a.availableToPromiseBefore);
          setStock({
            productId: a.productId,
            facilityId: a.facilityId,
            quantityOnHand: fromScaled(qohAfter),
            availableToPromise: fromScaled(atpAfter),
          });
          const variance: VarianceRecord = {
            ...a,
            quantityOnHandBefore: fromScaled(qohBefore),
            quantityOnHandAfter: fromScaled(qohAfter),
            availableToPromiseBefore: fromScaled(atpBefore),
            availableToPromiseAfter: fromScaled(atpAfter),
            created: now === undefined,
            sourceFile: commit.file.name,
            runId: commit.runId,
            recordedAt: commit.at,
          };
          history.push(variance);
          // The reset is a ledger entry too, numbered in the commit's order.
          const { event, changes } = resetOfRecord(
            resetEventId(commit.runId, commit.file.sha256, commit.file.name, ordinal++),
            variance,
          );
          recordedPayloads.set(event.eventId, canonicalPayload(event));
          inventoryEvents.push({ sequence: ++head, event, changes, recordedAt: commit.at });
        }
        if (commit.adjustments.length > 0)
          markChanged(
            Array.from(commit.adjustments, (a) => a.productId),
            head,
          );
        return 'committed' as const;
      }),
    acquireJobLock: (job, owner, until, now) =>
      answer('acquireJobLock', () => {
        const held = locks.get(job);
        if (held !== undefined && held.owner !== owner && held.until > now.getTime()) return false;
        locks.set(job, { owner, until: until.getTime() });
        return true;
      }),
    releaseJobLock: (job, owner) =>
      answer('releaseJobLock', () => {
        if (locks.get(job)?.owner === owner) locks.delete(job);
      }),
    variances: (sourceFile) => answer('variances', () => history.filter((v) => v.sourceFile === sourceFile)),
    changedProductIds: () => answer('changedProductIds', () => [...changedOrder.after(null)]),
    saveFacilities: (list) =>
      answer('saveFacilities', () => {
        storableOnly(facilityIdsOf(list));
        for (const f of list) facilities.set(f.facilityId, { externalId: f.externalId, name: f.name ?? null });
      }),
    saveProducts: (list) =>
      answer('saveProducts', () => {
        storableOnly(productIdsOf(list));
        for (const p of list) {
          products.set(p.productId, p.externalId);
          productIds.add(p.productId);
        }
      }),
    saveStockLevels: (levels) =>
      answer('saveStockLevels', () => {
        storableOnly(positionIdsOf(levels));
        for (const l of levels)
          setStock({
            productId: l.productId,
            facilityId: l.facilityId,
            quantityOnHand: l.quantityOnHand,
            availableToPromise: l.availableToPromise,
          });
      }),

    salesChannel: (facilityGroupId) =>
      answer('salesChannel', () => {
        const group = facilityGroup(facilityGroupId);
        const channel = channels.get(facilityGroupId);
        return group === null || channel === undefined || !isChannelFacilityGroup(group)
          ? null
          : ({ facilityGroup: group, ...channel } satisfies SalesChannel);
      }),
    facilityGroup: (facilityGroupId) => answer('facilityGroup', () => facilityGroup(facilityGroupId)),
    mappedProductPage: (channel, after, limit) =>
      answer('mappedProductPage', () => {
        const page: MappedProductInventory[] = [];
        if (limit <= 0) return page;
        for (const productId of shopItems(channel.shop).mapped.after(after)) {
          page.push(mappedInventory(channel.shop, productId)!);
          if (page.length >= limit) break;
        }
        return page;
      }),
    mappedProducts: (channel, ids) =>
      answer('mappedProducts', () =>
        [...new Set(ids)].sort(byId).flatMap((productId) => mappedInventory(channel.shop, productId) ?? []),
      ),
    ledgerHead: () => answer('ledgerHead', () => head),
    changeCursor: (consumer) => answer('changeCursor', () => cursors.get(consumer) ?? null),
    changedProducts: (consumer, after, limit) =>
      answer('changedProducts', () => {
        const cursor = cursors.get(consumer) ?? -1;
        const page: Array<{ productId: string; sequence: number }> = [];
        if (limit <= 0) return page;
        for (const productId of changedOrder.after(after)) {
          const sequence = changed.get(productId)!;
          if (sequence <= cursor) continue;
          page.push({ productId, sequence });
          if (page.length >= limit) break;
        }
        return page;
      }),
    moveCursor: (consumer, through) =>
      answer('moveCursor', () => {
        cursors.set(consumer, Math.max(cursors.get(consumer) ?? -1, through));
      }),
    ledger: (shop, locationId, inventoryItemIds, recordedAfter) =>
      answer('ledger', () =>
        knownEntries(shop, locationId, inventoryItemIds)
          .filter((e) => recordedAfter === undefined || e.knownAt.getTime() > recordedAfter.getTime())
          .map(({ knownAt: _, ...entry }) => entry),
      ),
    knownLedger: (shop, locationId, inventoryItemIds) =>
      answer('knownLedger', () => knownEntries(shop, locationId, inventoryItemIds)),
    feedProgress: (feed) => answer('feedProgress', () => savedProgress(feed)),
    freezeBatch: (feed, batch, scan) =>
      answer('freezeBatch', () => {
        const saved = savedProgress(feed);
        progress.set(
          feed,
          JSON.stringify({
            nextLine: saved?.nextLine ?? 0,
            pending: batch,
            scan: scan ?? saved?.scan ?? null,
          } satisfies FeedProgress),
        );
      }),
    settleBatch: (settlement) =>
      answer('settleBatch', () => {
        for (const e of settlement.confirmed) {
          // An entry never replaces one known later.
          const key = ledgerKey(settlement.shop, e.locationId, e.inventoryItemId);
          const knownAt = e.knownAt?.getTime() ?? settlement.at.getTime();
          if ((ledgerRecordedAt.get(key) ?? Number.NEGATIVE_INFINITY) > knownAt) continue;
          // Known before the settlement and the quantity held already: the entry held stays, with its own time.
          if (e.knownAt !== undefined && ledger.get(key)?.quantity === e.quantity) continue;
          ledgerRecordedAt.set(key, knownAt);
          ledger.set(key, {
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
          JSON.stringify({
            nextLine: settlement.nextLine,
            pending: settlement.next ?? null,
            scan: settlement.scan ?? savedProgress(settlement.feed)?.scan ?? null,
          } satisfies FeedProgress),
        );
      }),
    failedLines: (feed) =>
      answer('failedLines', () => [...(failures.get(feed)?.values() ?? [])].sort((a, b) => a.line - b.line)),

    productSkus: (after, limit, toMapIn) =>
      answer('productSkus', () => {
        const page: Array<{ productId: string; sku: string }> = [];
        if (limit <= 0) return page;
        const known = toMapIn === undefined ? undefined : shopItems(toMapIn).items;
        for (const productId of skuOrder.after(after)) {
          const sku = skus.get(productId)!;
          const mapping = known?.get(productId);
          if (mapping !== undefined && mapping.status === 'mapped' && mapping.sku === sku) continue;
          page.push({ productId, sku });
          if (page.length >= limit) break;
        }
        return page;
      }),
    saveMappings: (shop, list) =>
      answer('saveMappings', () => {
        storableOnly(mappingIdsOf(shop, list));
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
      }),

    productInventory: (productIdOrSku) => answer('productInventory', () => productInventory(productIdOrSku)),
    stockTerms: (kind, after, limit) => answer('stockTerms', () => stockTerms(kind, after, limit)),

    startRun: (run) =>
      perform('startRun', () => {
        if (runs.has(run.runId)) return E.left(failed('startRun', `run already started: ${run.runId}`));
        runs.set(run.runId, {
          runId: run.runId,
          job: run.job,
          parameters: { ...run.parameters },
          worker: run.worker,
          startedAt: run.startedAt,
          finishedAt: null,
          outcome: 'running',
          leaseUntil: run.leaseUntil ?? null,
          counts: {},
          error: null,
          trigger: run.trigger ?? null,
          progress: null,
        });
        return E.right(undefined);
      }),
    progressRun: (runId, at) =>
      answer('progressRun', () => {
        const started = runs.get(runId);
        if (started?.outcome === 'running') runs.set(runId, { ...started, progress: { ...at } });
      }),
    renewRun: (runId, leaseUntil) =>
      answer('renewRun', () => {
        const started = runs.get(runId);
        if (started?.outcome === 'running') runs.set(runId, { ...started, leaseUntil });
      }),
    finishRun: (runId, end) =>
      perform('finishRun', () => {
        const started = runs.get(runId);
        if (started === undefined) return E.left(failed('finishRun', `no such run: ${runId}`));
        runs.set(runId, {
          ...started,
          finishedAt: end.finishedAt,
          outcome: end.outcome,
          counts: { ...end.counts },
          error: end.error,
        });
        if (end.report !== undefined) reports.set(runId, structuredClone(end.report));
        return E.right(undefined);
      }),
    runsPerDay: (filter) =>
      answer('runsPerDay', () => {
        const counts = new Map<string, RunDayCount>();
        for (const r of runs.values()) {
          const t = r.startedAt.getTime();
          if (t < filter.from.getTime() || t >= filter.to.getTime()) continue;
          const day = dayOfEpochDay(Math.floor(t / 86_400_000));
          const outcome = outcomeSeenAt(r.outcome, r.leaseUntil, filter.at);
          const key = `${day} ${outcome}`;
          counts.set(key, { day, outcome, runs: (counts.get(key)?.runs ?? 0) + 1 });
        }
        return [...counts.values()].sort((a, b) => byId(a.day, b.day) || byId(a.outcome, b.outcome));
      }),
    listRuns: (filter) =>
      answer('listRuns', () =>
        [...runs.values()]
          .map((r) => ({ ...r, outcome: outcomeSeenAt(r.outcome, r.leaseUntil, filter.at) }))
          .filter(
            (r) =>
              (filter.job === undefined || r.job === filter.job) &&
              (filter.outcome === undefined ||
                r.outcome === filter.outcome ||
                (filter.outcome === 'ended' && r.outcome !== 'running')) &&
              (filter.before === undefined ||
                r.startedAt.getTime() < filter.before.startedAt.getTime() ||
                (r.startedAt.getTime() === filter.before.startedAt.getTime() &&
                  byId(r.runId, filter.before.runId) < 0)),
          )
          .sort((a, b) => b.startedAt.getTime() - a.startedAt.getTime() || byId(b.runId, a.runId))
          .slice(0, Math.max(0, Math.floor(filter.limit))),
      ),
    runReport: (runId, at) =>
      answer('runReport', () => {
        const r = runs.get(runId);
        return r === undefined
          ? null
          : {
              run: { ...r, outcome: outcomeSeenAt(r.outcome, r.leaseUntil, at) },
              report: reports.has(runId) ? structuredClone(reports.get(runId)!) : null,
            };
      }),

    storedSchedules: () =>
      answer('storedSchedules', () =>
        [...schedules.values()]
          .sort((a, b) => byId(a.job, b.job) || byId(a.key, b.key))
          .map((x) => ({ ...x, parameters: { ...x.parameters } })),
      ),
    saveSchedule: (schedule) =>
      answer('saveSchedule', () => {
        schedules.set(pairKey(schedule.job, schedule.key), { ...schedule, parameters: { ...schedule.parameters } });
      }),
    removeSchedule: (job, key) =>
      answer('removeSchedule', () => {
        schedules.delete(pairKey(job, key));
      }),
    takeSkip: (job, key, queuedAt) =>
      answer('takeSkip', () => {
        const stored = schedules.get(pairKey(job, key));
        if (stored?.skipAfter == null || stored.skipAfter.getTime() > queuedAt.getTime()) return false;
        schedules.set(pairKey(job, key), { ...stored, skipAfter: null });
        return true;
      }),

    saveFacilityGroup: (group) =>
      answer('saveFacilityGroup', () => {
        storableOnly(groupIdsOf(group));
        const before = new Set(groups.get(group.facilityGroupId)?.facilityIds ?? []);
        const after = new Set(group.facilityIds);
        groups.set(group.facilityGroupId, {
          facilityGroupId: group.facilityGroupId,
          facilityGroupTypeId: group.facilityGroupTypeId,
          facilityIds: [...after].sort(byId),
        });
        // A facility in or out of a group moves the online ATP of every product stocked there.
        const moved = new Set([...before, ...after].filter((f) => before.has(f) !== after.has(f)));
        const stocked = [...stock.values()].filter((l) => moved.has(l.facilityId)).map((l) => l.productId);
        if (stocked.length > 0) markChanged(stocked);
      }),
    setFacilityGroupMember: (facilityGroupId, facilityId, member) =>
      perform('setFacilityGroupMember', () => {
        storableOnly([
          ['facilityGroupId', facilityGroupId],
          ['facilityId', facilityId],
        ]);
        const group = groups.get(facilityGroupId);
        if (group === undefined)
          return E.left(failed('setFacilityGroupMember', `no such facility group: ${facilityGroupId}`));
        if (group.facilityIds.includes(facilityId) === member) return E.right(false);
        const facilityIds = member
          ? [...group.facilityIds, facilityId].sort(byId)
          : group.facilityIds.filter((f) => f !== facilityId);
        groups.set(facilityGroupId, { ...group, facilityIds });
        const stocked = [...stock.values()].filter((l) => l.facilityId === facilityId).map((l) => l.productId);
        if (stocked.length > 0) markChanged(stocked);
        return E.right(true);
      }),
    saveSalesChannel: (channel) =>
      answer('saveSalesChannel', () => {
        storableOnly(channelIdsOf(channel));
        channels.set(channel.facilityGroupId, { shop: channel.shop, locationId: channel.locationId });
      }),
    saveProductSkus: (list) =>
      perform('saveProductSkus', () => {
        storableOnly(skuIdsOf(list));
        const unknown = list.filter((s) => !productIds.has(s.productId)).map((s) => s.productId);
        if (unknown.length > 0) return E.left(failed('saveProductSkus', `no such product: ${unknown.join(', ')}`));
        for (const s of list) {
          if (s.sku === null) skus.delete(s.productId);
          else skus.set(s.productId, s.sku);
        }
        skuOrder.invalidate();
        return E.right(undefined);
      }),
    savePositions: (positions) => validSeed('savePositions', positions, seed('savePositions', { positions })),
    saveThresholds: (list) => validSeed('saveThresholds', list, seed('saveThresholds', { thresholds: list })),
    saveBrokeringQueue: (queue) =>
      validSeed('saveBrokeringQueue', queue, seed('saveBrokeringQueue', { brokeringQueue: queue })),
  };
};
