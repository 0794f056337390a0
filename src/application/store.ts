import type { TaskEither } from 'fp-ts/lib/TaskEither.js';
import type { Catalogue } from './catalogue.ts';
import type { ChangeLog } from './change-log.ts';
import type { ChannelSeed } from './channel-seed.ts';
import type { InventoryLedger } from './inventory-ledger.ts';
import type { InventoryLookup } from './inventory-lookup.ts';
import type { InventoryTerms } from './inventory-terms.ts';
import type { InventoryHistory, InventorySeed, InventoryStore } from './inventory-store.ts';
import type { JobLease } from './job-lease.ts';
import type { MasterData } from './master-data.ts';
import type { ProductMappingStore } from './product-mapping.ts';
import type { PushLedger } from './push-ledger.ts';
import type { RunLog } from './run-log.ts';
import type { ScheduleBook } from './schedule-book.ts';
import type { StoreError } from './store-error.ts';

/**
 * Every role a store plays, as one record: what each adapter of the store (in memory, PostgreSQL, SQLite)
 * implements. A use case never asks for all of it, only for the roles it uses.
 */
export type Store = InventoryStore &
  InventoryHistory &
  InventorySeed &
  Catalogue &
  ChangeLog &
  PushLedger &
  ProductMappingStore &
  ChannelSeed &
  InventoryLookup &
  InventoryLedger &
  InventoryTerms &
  MasterData &
  JobLease &
  RunLog &
  ScheduleBook;

/**
 * The store's methods that read or write data (every role but the lease and the run log): the ones a leased run
 * must stop calling once its lease is lost. The record form makes the compiler check that none is missing.
 */
const DATA_METHODS: Record<Exclude<keyof Store, keyof JobLease | keyof RunLog>, true> = {
  facilityIdsByExternalId: true,
  productIdsByExternalId: true,
  stockLevels: true,
  importedFile: true,
  appliedFiles: true,
  commitImport: true,
  variances: true,
  changedProductIds: true,
  saveFacilities: true,
  saveProducts: true,
  saveStockLevels: true,
  salesChannel: true,
  facilityGroup: true,
  mappedProductPage: true,
  mappedProducts: true,
  ledgerHead: true,
  changeCursor: true,
  changedProducts: true,
  moveCursor: true,
  ledger: true,
  knownLedger: true,
  feedProgress: true,
  freezeBatch: true,
  settleBatch: true,
  failedLines: true,
  productSkus: true,
  saveMappings: true,
  saveFacilityGroup: true,
  setFacilityGroupMember: true,
  saveSalesChannel: true,
  saveProductSkus: true,
  savePositions: true,
  saveThresholds: true,
  saveBrokeringQueue: true,
  productInventory: true,
  recordEvents: true,
  ledgerEntries: true,
  stockTerms: true,
  facilities: true,
  productPage: true,
  searchProducts: true,
  facilityGroups: true,
  storedSchedules: true,
  saveSchedule: true,
  removeSchedule: true,
  takeSkip: true,
};

/**
 * The store as a leased run sees it: once `signal` is aborted (the lease was lost), every data method answers a
 * retriable `InventoryStoreUnavailable` without touching the store, so the run stops at its next store call and
 * writes nothing more. Tasks are built lazily: nothing is called before a task runs. Takes any of the store's
 * roles (a use case's dependencies): the data methods it has are guarded.
 */
export const stopsWhenAborted = <S extends Partial<Store>>(store: S, signal: AbortSignal): S => {
  const guarded: Record<string, unknown> = { ...(store as object) };
  for (const name of Object.keys(DATA_METHODS)) {
    if (typeof store[name as keyof Store] !== 'function') continue;
    const method = store[name as keyof Store] as unknown as (...args: unknown[]) => TaskEither<StoreError, unknown>;
    guarded[name] =
      (...args: unknown[]): TaskEither<StoreError, unknown> =>
      () =>
        signal.aborted
          ? Promise.resolve({
              _tag: 'Left',
              left: {
                _tag: 'InventoryStoreUnavailable',
                reason: `${name}: not called, the run's job lease was lost`,
                retriable: true,
              },
            })
          : method(...args)();
  }
  return guarded as S;
};
