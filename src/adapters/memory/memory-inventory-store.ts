import * as TE from 'fp-ts/lib/TaskEither.js';
import { stockTableOf } from '../../application/columnar.ts';
import type { ImportedFile, InventoryHistory, InventorySeed, InventoryStore, VarianceRecord } from '../../application/inventory-store.ts';
import { applyStockAdjustments, pairKey, type StockLevel } from '../../domain/index.ts';

/** An inventory store in memory: the reference for the contract suite and the unit tests of the use cases. */
export const memoryInventoryStore = (): InventoryStore & InventoryHistory & InventorySeed => {
  const facilities = new Map<string, string>();
  const products = new Map<string, string>();
  let stock: ReadonlyArray<StockLevel> = [];
  const files = new Map<string, ImportedFile>();
  const history: VarianceRecord[] = [];
  const changed = new Set<string>();
  const locks = new Map<string, { owner: string; until: number }>();
  const fileKey = (name: string, sha256: string) => pairKey(name, sha256);

  return {
    facilityIdsByExternalId: () => TE.right(new Map(facilities)),
    productIdsByExternalId: () => TE.right(new Map(products)),
    stockLevels: () => TE.right(stockTableOf(stock)),
    importedFile: (name, sha256) => TE.right(files.get(fileKey(name, sha256)) ?? null),
    commitImport: (commit) => {
      const key = fileKey(commit.file.name, commit.file.sha256);
      if (files.has(key)) return TE.right('already-imported' as const);
      files.set(key, { name: commit.file.name, sha256: commit.file.sha256, outcome: commit.outcome, runId: commit.runId, importedAt: commit.at });
      stock = applyStockAdjustments(stock, commit.adjustments);
      for (const a of commit.adjustments) {
        history.push({ ...a, sourceFile: commit.file.name, runId: commit.runId, recordedAt: commit.at });
        changed.add(a.productId);
      }
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
    changedProductIds: () => TE.right([...changed].sort()),
    saveFacilities: (list) => {
      for (const f of list) facilities.set(f.externalId, f.facilityId);
      return TE.right(undefined);
    },
    saveProducts: (list) => {
      for (const p of list) products.set(p.externalId, p.productId);
      return TE.right(undefined);
    },
    saveStockLevels: (levels) => {
      stock = applyStockAdjustments(stock, levels.map((l) => ({
        productId: l.productId,
        facilityId: l.facilityId,
        quantityOnHandBefore: 0,
        quantityOnHandAfter: l.quantityOnHand,
        availableToPromiseBefore: 0,
        availableToPromiseAfter: l.availableToPromise,
        fileQuantity: l.availableToPromise,
        created: false,
        line: null,
      })));
      return TE.right(undefined);
    },
  };
};
