import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pipe } from 'fp-ts/lib/function.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import { stockLevelsOf } from '../application/columnar.ts';
import { importInventory, type ImportReport } from '../application/import-inventory.ts';
import { openImportJob, type StartupError } from '../composition-root.ts';
import { loadConfig } from '../config.ts';
import {
  batchesOf,
  detectChanges,
  explainOnlineAtp,
  fromScaled,
  productInventories,
  toScaled,
  type BatchSize,
  type DeltaResult,
  type InventoryPosition,
  type OnlineAtpExplanation,
} from '../domain/index.ts';
import * as demo from './demo-data.ts';

/** Everything the demo did, step by step. */
export interface DemoReport {
  readonly dataDir: string;
  readonly import: ImportReport;
  readonly onlineAtp: ReadonlyArray<OnlineAtpExplanation>;
  readonly delta: DeltaResult;
  readonly batches: number;
}

/** Why the demo could not run. */
export type DemoError = StartupError | { readonly _tag: 'DemoFailed'; readonly reason: string };

const failed = (e: unknown): DemoError => ({ _tag: 'DemoFailed', reason: typeof e === 'object' && e !== null && 'reason' in e ? String(e.reason) : JSON.stringify(e) });

/**
 * The whole NetSuite -> OMS -> Shopify math on embedded defaults, in `dataDir`: an SQLite store and a local inbox
 * are set up with the bundled example, a NetSuite-style export lands in the inbox and the real import job runs; then
 * online ATP is computed from the imported stock for the channel group, and the changes against the last push are
 * batched for Shopify.
 */
export const runDemo = (dataDir: string, batchSize: BatchSize): TE.TaskEither<DemoError, DemoReport> => {
  const config = loadConfig({ inventoryStore: { sqlite: { file: join(dataDir, 'inventory.sqlite') } }, inbox: { local: { root: join(dataDir, 'inbox') } }, import: { settleMs: 0 } }, {});
  if (config._tag === 'Left') return TE.left({ _tag: 'DemoFailed', reason: config.left.problems.join('; ') });
  return pipe(
    openImportJob(config.right),
    TE.chainW((job) => {
      const { store } = job;
      const steps = pipe(
        store.saveFacilities(demo.demoFacilities),
        TE.chainW(() => store.saveProducts(demo.demoProducts)),
        TE.chainW(() => store.saveStockLevels(demo.demoPositions.map((p) => ({ productId: p.productId, facilityId: p.facilityId, quantityOnHand: p.quantityOnHand, availableToPromise: fromScaled(toScaled(p.quantityOnHand) - toScaled(p.reservedQuantity)) })))),
        TE.chainW(() => TE.fromIO(() => writeFileSync(join(dataDir, 'inbox', 'inventory-20261122T010000Z.csv'), demo.demoExport))),
        TE.chainW(() => importInventory(job.importConfig('demo-run', 'demo-worker'))(job.deps)),
        TE.chainW((report) => pipe(store.stockLevels(), TE.map((levels) => ({ report, levels })))),
        TE.mapLeft(failed),
        TE.map(({ report, levels }): DemoReport => {
          const safety = new Map(demo.demoPositions.map((p) => [`${p.productId} ${p.facilityId}`, p.safetyStock]));
          // The OMS keeps QOH and ATP; what is reserved is the difference.
          const positions: InventoryPosition[] = stockLevelsOf(levels).map((l) => ({
            productId: l.productId,
            facilityId: l.facilityId,
            quantityOnHand: l.quantityOnHand,
            reservedQuantity: Math.max(0, fromScaled(toScaled(l.quantityOnHand) - toScaled(l.availableToPromise))),
            safetyStock: safety.get(`${l.productId} ${l.facilityId}`) ?? 0,
          }));
          const onlineAtp = productInventories(positions, demo.demoThresholds, demo.demoBrokeringQueue)
            .map((p) => explainOnlineAtp(demo.demoChannelGroup, p))
            .toSorted((a, b) => a.productId.localeCompare(b.productId));
          const items = new Map(demo.demoProducts.map((p) => [p.productId, p.inventoryItemId]));
          const next = onlineAtp.flatMap((e) => {
            const inventoryItemId = items.get(e.productId);
            return inventoryItemId === undefined ? [] : [{ inventoryItemId, locationId: demo.demoShopifyLocationId, quantity: e.onlineAtp }];
          });
          const delta = detectChanges(demo.demoLastPushed, next);
          return { dataDir, import: report, onlineAtp, delta, batches: batchesOf(delta.changes, batchSize).length };
        }),
      );
      return pipe(steps, (task) => async () => {
        const result = await task();
        await job.close();
        return result;
      });
    }),
  );
};
