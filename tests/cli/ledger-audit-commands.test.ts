import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { fileURLToPath } from 'node:url';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { openSqliteInventoryStore } from '../../src/adapters/persistence/sqlite-inventory-store.ts';
import { CHANNEL_FAC_GROUP, type InventoryEvent } from '../../src/domain/index.ts';
import { run } from '../support/run.ts';

const main = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));

const cli = (...args: string[]) =>
  new Promise<{ status: number; stdout: string; stderr: string }>((resolve) => {
    execFile('node', [main, ...args], { encoding: 'utf8' }, (error, stdout, stderr) =>
      resolve({ status: error === null ? 0 : typeof error.code === 'number' ? error.code : 1, stdout, stderr }),
    );
  });

const event = (
  eventId: string,
  type: InventoryEvent['type'],
  quantity: number,
  extra: Partial<InventoryEvent> = {},
): InventoryEvent => ({
  eventId,
  type,
  productId: 'P1',
  ...(type === 'threshold-set' ? {} : { facilityId: 'WH' }),
  quantity,
  occurredAt: '2026-12-01T10:00:00Z',
  source: 'pos',
  ...extra,
});

/** A SQLite store with P1 (SKU-1) at WH and OUTLET, the channel group WEB (WH only), some events; and its config. */
const world = async (dir: string) => {
  const file = join(dir, 'inventory.sqlite');
  const store = await openSqliteInventoryStore({ file });
  await store.migrate();
  await run(
    store.saveFacilities([
      { facilityId: 'WH', externalId: '1' },
      { facilityId: 'OUTLET', externalId: '2' },
    ]),
  );
  await run(store.saveProducts([{ productId: 'P1', externalId: '9001' }]));
  await run(store.saveProductSkus([{ productId: 'P1', sku: 'SKU-1' }]));
  await run(
    store.saveFacilityGroup({ facilityGroupId: 'WEB', facilityGroupTypeId: CHANNEL_FAC_GROUP, facilityIds: ['WH'] }),
  );
  await run(
    store.recordEvents([
      event('e1', 'received', 10),
      event('e2', 'reserved', 3),
      event('e3', 'transferred', 2, { toFacilityId: 'OUTLET', occurredAt: '2026-12-01T11:00:00Z' }),
      event('e4', 'safety-stock-set', 1),
      event('e5', 'threshold-set', 2),
      event('e6', 'shipped', 1, { source: 'oms' }),
    ]),
  );
  await store.close();
  const config = join(dir, 'config.json');
  writeFileSync(config, JSON.stringify({ inventoryStore: { sqlite: { file } } }));
  return { file, config };
};

const commands = suite('oms-inventory-sync audit-ledger and explain --events');

commands(
  'audit-ledger: 0 while the positions agree with the ledger, 3 with each disagreement once one does not',
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'oms-inventory-sync-audit-cli-'));
    try {
      const { file, config } = await world(dir);
      const agreeing = await cli('audit-ledger', '--config', config);
      assert.is(agreeing.status, 0, agreeing.stderr);
      assert.is(
        agreeing.stdout,
        '6 ledger entries folded (through sequence 6), 2 positions and 2 terms checked: the positions and terms agree with the ledger\n',
      );
      // Behind the ledger's back: 4 more on hand at WH.
      const db = new DatabaseSync(file);
      db.exec(`update inventory_position set quantity_on_hand_scaled = quantity_on_hand_scaled + 400000,
      available_to_promise_scaled = available_to_promise_scaled + 400000 where product_id = 'P1' and facility_id = 'WH'`);
      db.close();
      const found = await cli('audit-ledger', '--config', config);
      assert.is(found.status, 3, 'a disagreement needs a person');
      assert.equal(found.stdout.split('\n'), [
        '6 ledger entries folded (through sequence 6), 2 positions and 2 terms checked: 1 disagreement (differs 1, missing 0, not in the ledger 0, discontinuity 0)',
        '  position P1 at WH: differs: ledger QOH 7, reserved 2, store QOH 11, reserved 2',
        '',
      ]);
      const json = await cli('audit-ledger', '--json', '--config', config);
      assert.is(json.status, 3);
      const report = JSON.parse(json.stdout);
      assert.is(report.agrees, false);
      assert.is(report.entriesFolded, 6);
      assert.equal(report.disagreements, [
        {
          kind: 'position',
          productId: 'P1',
          facilityId: 'WH',
          problem: 'differs',
          sequence: null,
          folded: { quantityOnHand: 7, reservedQuantity: 2 },
          actual: { quantityOnHand: 11, reservedQuantity: 2 },
        },
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
);

commands(
  'explain: the online ATP, then the last 5 ledger events (or --events N), oldest first; --json too',
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'oms-inventory-sync-explain-cli-'));
    try {
      const { config } = await world(dir);
      const explained = await cli('explain', 'SKU-1', '--facility-group', 'WEB', '--config', config);
      assert.is(explained.status, 0, explained.stderr);
      const lines = explained.stdout.trimEnd().split('\n');
      assert.match(lines[0]!, /^P1 in WEB: Online ATP 2 = QOH 9 - \(reserved 2 \+ safety stock 1 \+ threshold 2/);
      const events = lines.slice(lines.indexOf('last 5 ledger events of P1:'));
      assert.equal(events, [
        'last 5 ledger events of P1:',
        '  #2 2026-12-01T10:00:00.000Z reserved 3 at WH (pos): WH QOH 10 -> 10, reserved 0 -> 3',
        '  #3 2026-12-01T11:00:00.000Z transferred 2 at WH to OUTLET (pos): WH QOH 10 -> 8, reserved 3 -> 3; OUTLET QOH 0 -> 2, reserved 0 -> 0',
        '  #4 2026-12-01T10:00:00.000Z safety-stock-set 1 at WH (pos): safety-stock at WH 0 -> 1',
        '  #5 2026-12-01T10:00:00.000Z threshold-set 2 (pos): threshold 0 -> 2',
        '  #6 2026-12-01T10:00:00.000Z shipped 1 at WH (oms): WH QOH 8 -> 7, reserved 3 -> 2',
      ]);
      const two = await cli('explain', 'P1', '--events', '2', '--facility-group', 'WEB', '--config', config);
      assert.is(two.status, 0, two.stderr);
      assert.match(two.stdout, /last 2 ledger events of P1:\n {2}#5 .*\n {2}#6 .*shipped 1 at WH \(oms\)/);
      const none = await cli('explain', 'P1', '--events', '0', '--facility-group', 'WEB', '--config', config);
      assert.match(none.stdout, /\nno ledger events for P1\n$/);
      const json = await cli('explain', 'P1', '--facility-group', 'WEB', '--events', '1', '--json', '--config', config);
      assert.is(json.status, 0, json.stderr);
      const parsed = JSON.parse(json.stdout);
      assert.is(parsed.onlineAtp, 2);
      assert.equal(parsed.events, [
        {
          sequence: 6,
          type: 'shipped',
          facilityId: 'WH',
          toFacilityId: null,
          quantity: 1,
          source: 'oms',
          reason: null,
          occurredAt: '2026-12-01T10:00:00.000Z',
          eventId: 'e6',
          changes: [
            {
              kind: 'position',
              productId: 'P1',
              facilityId: 'WH',
              before: { quantityOnHand: 8, reservedQuantity: 3 },
              after: { quantityOnHand: 7, reservedQuantity: 2 },
            },
          ],
        },
      ]);
      const bad = await cli('explain', 'P1', '--events', 'many', '--facility-group', 'WEB', '--config', config);
      assert.is(bad.status, 2);
      assert.match(bad.stderr, /--events must be a whole number from 0, got "many"/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
);

commands.run();
