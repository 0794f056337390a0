// A NetSuite -> OMS import scenario on real local parts: a temporary inbox folder (local-files adapter), the real
// CSV reader, an inventory store of the caller's choice, and a clock the test controls.
import { mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as T from 'fp-ts/lib/Task.js';
import { localFileStore } from '../../src/adapters/local-files/local-file-store.ts';
import { netsuiteExportReader } from '../../src/adapters/csv/netsuite-export-reader.ts';
import { localRowSpools } from '../../src/adapters/local-files/row-spool.ts';
import type { Clock } from '../../src/application/clock.ts';
import type { ImportDeps } from '../../src/application/import-inventory.ts';
import type { InventoryHistory, InventorySeed, InventoryStore, JobLease } from '../../src/application/index.ts';
import type { StockLevel } from '../../src/domain/index.ts';
import { run } from './run.ts';

/** The master data every scenario starts from: NetSuite items 9001-9003 and locations 101-102. */
export const FACILITIES = [
  { facilityId: 'WAREHOUSE', externalId: '101' },
  { facilityId: 'STORE', externalId: '102' },
];
export const PRODUCTS = [
  { productId: 'SKU-1', externalId: '9001' },
  { productId: 'SKU-2', externalId: '9002' },
  { productId: 'SKU-3', externalId: '9003' },
];
export const STOCK: ReadonlyArray<StockLevel> = [
  { productId: 'SKU-1', facilityId: 'WAREHOUSE', quantityOnHand: 100, availableToPromise: 90 },
  { productId: 'SKU-2', facilityId: 'WAREHOUSE', quantityOnHand: 20, availableToPromise: 20 },
  { productId: 'SKU-3', facilityId: 'STORE', quantityOnHand: 5, availableToPromise: 5 },
];

/** A clock that stands still unless moved, and never really sleeps. */
export const testClock = (start = Date.UTC(2026, 10, 22, 2, 0, 0)): Clock & { advance: (ms: number) => void } => {
  let now = start;
  return {
    now: () => new Date(now),
    sleep: (ms) => T.fromIO(() => void (now += ms)),
    advance: (ms) => void (now += ms),
  };
};

/** The CSV text of an export with the default header and the given rows. */
export const exportCsv = (
  rows: ReadonlyArray<string>,
  header = 'Item,externalFacilityId,availableQty,idValue',
): string => `${[header, ...rows].join('\r\n')}\r\n`;

export type Store = InventoryStore & InventoryHistory & InventorySeed & JobLease;

/** An inbox folder with the files written into it, oldest first by the order given; `stock` saved as it is. */
export const scenario = async (
  store: Store,
  files: ReadonlyArray<[name: string, content: string | Buffer]> = [],
  stock: ReadonlyArray<StockLevel> = STOCK,
) => {
  const root = mkdtempSync(join(tmpdir(), 'oms-inventory-sync-inbox-'));
  mkdirSync(root, { recursive: true });
  files.forEach(([name, content], i) => {
    writeFileSync(join(root, name), content);
    const time = new Date(Date.UTC(2026, 10, 22, 1, 0, i));
    utimesSync(join(root, name), time, time);
  });
  await run(store.saveFacilities(FACILITIES));
  await run(store.saveProducts(PRODUCTS));
  await run(store.saveStockLevels(stock));
  const clock = testClock();
  const deps: ImportDeps = {
    ...localFileStore({ root }),
    ...netsuiteExportReader(),
    ...localRowSpools(),
    ...store,
    ...clock,
  };
  return {
    root,
    deps,
    clock,
    folder: (folder: string) => {
      try {
        return readdirSync(join(root, folder), { withFileTypes: true })
          .filter((e) => e.isFile())
          .map((e) => e.name)
          .sort();
      } catch {
        return [];
      }
    },
    dispose: () => rmSync(root, { recursive: true, force: true }),
  };
};
