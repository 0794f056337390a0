import type { Catalogue } from './catalogue.ts';
import type { ChangeLog } from './change-log.ts';
import type { ChannelSeed } from './channel-seed.ts';
import type { InventoryLookup } from './inventory-lookup.ts';
import type { InventoryHistory, InventorySeed, InventoryStore } from './inventory-store.ts';
import type { JobLease } from './job-lease.ts';
import type { ProductMappingStore } from './product-mapping.ts';
import type { PushLedger } from './push-ledger.ts';
import type { RunLog } from './run-log.ts';

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
  JobLease &
  RunLog;
