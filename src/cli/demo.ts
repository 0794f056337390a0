import {
  applyVariances,
  batchesOf,
  detectChanges,
  explainOnlineAtp,
  pairKey,
  productInventories,
  resetDiff,
  type BatchSize,
  type DeltaResult,
  type InventoryPosition,
  type OnlineAtpExplanation,
  type ResetDiff,
  type SnapshotRow,
} from '../domain/index.ts';
import * as demo from './demo-data.ts';

/** Everything the demo computed, step by step. */
export interface DemoReport {
  readonly reset: ResetDiff;
  readonly onlineAtp: ReadonlyArray<OnlineAtpExplanation>;
  readonly delta: DeltaResult;
  readonly batches: number;
}

/**
 * Runs the domain on the bundled example: NetSuite's snapshot resets quantities on hand, online ATP is computed for
 * the channel group, and the changes against the last push are batched for Shopify. Pure: same report every time.
 */
export const runDemo = (batchSize: BatchSize): DemoReport => {
  const reset = resetQuantitiesOnHand(demo.demoPositions, demo.demoSnapshot);
  const positions = reset.positions;
  const products = productInventories(positions, demo.demoThresholds, demo.demoBrokeringQueue);
  const onlineAtp = products.map((p) => explainOnlineAtp(demo.demoChannelGroup, p));
  const next = onlineAtp.flatMap((e) => {
    const inventoryItemId = demo.demoInventoryItems.get(e.productId);
    return inventoryItemId === undefined ? [] : [{ inventoryItemId, locationId: demo.demoShopifyLocationId, quantity: e.onlineAtp }];
  });
  const delta = detectChanges(demo.demoLastPushed, next);
  return { reset: reset.diff, onlineAtp, delta, batches: batchesOf(delta.changes, batchSize).length };
};

// The demo resets quantity on hand to the snapshot; the import job (a later release) offers the other methods.
const resetQuantitiesOnHand = (positions: ReadonlyArray<InventoryPosition>, snapshot: ReadonlyArray<SnapshotRow>) => {
  const qoh = positions.map((p) => ({ productId: p.productId, facilityId: p.facilityId, quantity: p.quantityOnHand }));
  const diff = resetDiff(qoh, snapshot);
  const existing = new Map(positions.map((p) => [pairKey(p.productId, p.facilityId), p]));
  return {
    diff,
    positions: applyVariances(qoh, diff.variances).map((q): InventoryPosition => {
      const before = existing.get(pairKey(q.productId, q.facilityId));
      return { productId: q.productId, facilityId: q.facilityId, quantityOnHand: q.quantity, reservedQuantity: before?.reservedQuantity ?? 0, safetyStock: before?.safetyStock ?? 0 };
    }),
  };
};
