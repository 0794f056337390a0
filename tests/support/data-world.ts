// The data pages' world: the console on PostgreSQL with the test kit's Shopify, seeded with the seed's worked
// example (P100: 100 - (5+5+5+5+5) = 75 in WEB, Shopify holding 70), a few products, groups and runs.
import type { RunReport } from '../../src/application/run-log.ts';
import { CHANNEL_FAC_GROUP } from '../../src/domain/index.ts';
import { noJobControl, startConsoleWorld, type ConsoleWorld } from './console.ts';
import { run } from './run.ts';

/** The world and the Shopify item and location of P100. */
export interface DataWorld {
  readonly world: ConsoleWorld;
  readonly item: string;
  readonly location: string;
}

const hour = (h: number) => new Date(Date.now() - h * 3_600_000);

const reportOf = (counts: Record<string, number>, text: string): RunReport => ({
  counts,
  files: [],
  rejectedRows: [],
  rejectedRowsTotal: 0,
  refusedLines: [],
  refusedLinesTotal: 0,
  attention: (counts.drifted ?? 0) > 0,
  text,
});

/** Starts the console world (PostgreSQL database prefix h_cd_, or SQLite) and seeds it. */
export const startDataWorld = async (kind: 'postgres' | 'sqlite' = 'postgres'): Promise<DataWorld> => {
  // The data pages never use job control.
  const world = await startConsoleWorld({ prefix: 'h_cd_', store: kind, openJobs: async () => noJobControl });
  const context = { world, item: '', location: '' };
  const store = world.live.store;
  // The seed's worked example: P100 has 95 at WH (reserved 5, safety stock 5: 90 saved, 5 received through the
  // ledger), 5 at STORE7 outside the group, threshold 5 and 5 in the brokering queue: 100 - (5+5+5+5+5) = 75.
  await run(
    store.saveFacilities([
      { facilityId: 'WH', externalId: '12', name: 'Main warehouse' },
      { facilityId: 'STORE7', externalId: '13', name: 'Store <7> & "friends"' },
    ]),
  );
  await run(
    store.saveProducts([
      { productId: 'P100', externalId: '901' },
      { productId: 'P200', externalId: '902' },
      { productId: 'P1000', externalId: '903' },
    ]),
  );
  await run(
    store.saveProductSkus([
      { productId: 'P100', sku: 'SKU-100' },
      { productId: 'P200', sku: 'SKU-200' },
      { productId: 'P1000', sku: 'SKU-1000' },
    ]),
  );
  await run(
    store.saveFacilityGroup({ facilityGroupId: 'WEB', facilityGroupTypeId: CHANNEL_FAC_GROUP, facilityIds: ['WH'] }),
  );
  await run(
    store.saveFacilityGroup({ facilityGroupId: 'PICKERS', facilityGroupTypeId: 'PICKING', facilityIds: ['STORE7'] }),
  );
  context.location = world.shopify.addLocation('Main warehouse');
  await run(
    store.saveSalesChannel({ facilityGroupId: 'WEB', shop: world.shopify.shopDomain, locationId: context.location }),
  );
  await run(
    store.savePositions([
      { productId: 'P100', facilityId: 'WH', quantityOnHand: 90, reservedQuantity: 5, safetyStock: 5 },
      { productId: 'P100', facilityId: 'STORE7', quantityOnHand: 5, reservedQuantity: 0, safetyStock: 0 },
    ]),
  );
  await run(store.saveThresholds([{ productId: 'P100', threshold: 5 }]));
  await run(store.saveBrokeringQueue([{ productId: 'P100', quantity: 5 }]));
  await run(
    store.recordEvents([
      {
        eventId: 'RCV-1',
        type: 'received',
        productId: 'P100',
        facilityId: 'WH',
        quantity: 5,
        occurredAt: '2026-12-01T09:00:00Z',
        source: 'wms',
        reason: 'PO 4711',
      },
    ]),
  );
  context.item = world.shopify.addInventoryItem({ sku: 'SKU-100' });
  world.shopify.stock(context.item, context.location, 70);
  await run(
    store.saveMappings(world.shopify.shopDomain, [
      { productId: 'P100', sku: 'SKU-100', status: 'mapped', inventoryItemId: context.item },
    ]),
  );
  // A few runs for the dashboard and the drift page.
  const ran = async (
    runId: string,
    job: 'import' | 'hard-sync' | 'push-changes' | 'verify',
    at: Date,
    outcome: 'succeeded' | 'failed',
    counts: Record<string, number>,
    parameters: Record<string, string> = {},
    report?: RunReport,
  ) => {
    await run(store.startRun({ runId, job, parameters, worker: 'test', startedAt: at }));
    await run(
      store.finishRun(runId, {
        finishedAt: new Date(at.getTime() + 1000),
        outcome,
        counts,
        error: outcome === 'failed' ? 'SftpUnavailable: down' : null,
        ...(report === undefined ? {} : { report }),
      }),
    );
  };
  await ran('import-1', 'import', hour(50), 'succeeded', { rowsRead: 1000, adjusted: 40, rejected: 2 });
  await ran('import-2', 'import', hour(26), 'succeeded', { rowsRead: 1000, adjusted: 55, rejected: 0 });
  await ran('import-3', 'import', hour(25), 'failed', {});
  await ran('hard-sync-1', 'hard-sync', hour(24), 'succeeded', { lines: 300 }, { facilityGroupId: 'WEB' });
  await ran('push-1', 'push-changes', hour(3), 'succeeded', { lines: 12 }, { facilityGroupId: 'WEB' });
  await ran(
    'verify-1',
    'verify',
    hour(23),
    'succeeded',
    { checked: 3, equal: 3, drifted: 0 },
    { facilityGroupId: 'WEB' },
  );
  await ran(
    'verify-2',
    'verify',
    hour(2),
    'succeeded',
    { checked: 3, equal: 2, drifted: 1 },
    { facilityGroupId: 'WEB' },
    reportOf(
      { checked: 3, equal: 2, drifted: 1 },
      `Verify WEB: 3 checked, 2 equal, 1 drifted\n    P100 (${context.item}): OMS 75, Shopify 70`,
    ),
  );
  return context;
};
