// The Progress contract: "use cases call it when present and never depend on it". Checked on the use cases that
// report progress (Hard Sync, the import): the same report with a listener or without, and events that count up.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { memoryInventoryStore } from '../../src/adapters/memory/memory-inventory-store.ts';
import { hardSync } from '../../src/application/hard-sync.ts';
import { defaultImportConfig, importInventory } from '../../src/application/import-inventory.ts';
import type { ProgressEvent } from '../../src/application/progress.ts';
import { GROUP, channelStore, item, memoryOutbox, shopifyStandIn, steppingClock } from '../support/channel-world.ts';
import { exportCsv, scenario } from '../support/import-scenario.ts';
import { run } from '../support/run.ts';

/** Checks what every listener may rely on: a known job and step, counts that never go down, never above the total. */
const wellFormed = (events: ReadonlyArray<ProgressEvent>): void => {
  const last = new Map<string, number>();
  for (const e of events) {
    const key = `${e.job}\u0000${e.step.replace(/\(.*\)/, '')}`;
    assert.ok(e.done >= (last.get(key) ?? 0), `done counts up: ${JSON.stringify(e)}`);
    assert.ok(e.total === null || (e.total >= e.done && e.total > 0), `within the total: ${JSON.stringify(e)}`);
    last.set(key, e.done);
  }
};

const progress = suite('Progress: an optional listener the use cases never depend on');

progress('Hard Sync: one event per page of products read, the same report with a listener or without', async () => {
  const world = async () => {
    const store = await channelStore(
      ['P1', 'P2', 'P3', 'P4', 'P5'].map((productId, i) => ({
        productId,
        quantityOnHand: 10 + i,
        inventoryItemId: item(i + 1),
      })),
    );
    const shopify = shopifyStandIn();
    for (let i = 1; i <= 5; i++) shopify.stock(item(i), 0);
    return { ...store, ...shopify, ...steppingClock(), outbox: memoryOutbox() };
  };
  const events: ProgressEvent[] = [];
  const config = { facilityGroupId: GROUP, runId: 'hard-1', pageSize: 2 };
  const heard = await run(hardSync(config)({ ...(await world()), progress: (e) => events.push(e) }));
  const silent = await run(hardSync(config)(await world()));
  assert.equal(heard, silent);
  assert.equal(
    events.map((e) => [e.job, e.step, e.done, e.total]),
    [
      ['hard-sync', 'products read', 2, null],
      ['hard-sync', 'products read', 4, null],
      ['hard-sync', 'products read', 5, null],
    ],
  );
  wellFormed(events);
});

progress('the import: one event per file with its total, the same report with a listener or without', async () => {
  const files: Array<[string, string]> = [
    ['inventory-1.csv', exportCsv(['ITEM-1,101,85,9001'])],
    ['inventory-2.csv', exportCsv(['ITEM-2,101,21,9002'])],
  ];
  const config = { ...defaultImportConfig('run-1', 'worker-a'), settleMs: 10 };
  const events: ProgressEvent[] = [];
  const heardWorld = await scenario(memoryInventoryStore(), files);
  const silentWorld = await scenario(memoryInventoryStore(), files);
  try {
    const heard = await run(importInventory(config)({ ...heardWorld.deps, progress: (e) => events.push(e) }));
    const silent = await run(importInventory(config)(silentWorld.deps));
    assert.equal(heard, silent);
    assert.equal(
      events.map((e) => [e.job, e.done, e.total]),
      [
        ['import', 1, 2],
        ['import', 2, 2],
      ],
    );
    assert.match(events[0]!.step, /inventory-1\.csv/);
    wellFormed(events);
  } finally {
    heardWorld.dispose();
    silentWorld.dispose();
  }
});

progress.run();
