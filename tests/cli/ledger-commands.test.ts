import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { openSqliteInventoryStore } from '../../src/adapters/persistence/sqlite-inventory-store.ts';
import { run } from '../support/run.ts';

const main = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));

const cli = (...args: string[]) =>
  new Promise<{ status: number; stdout: string; stderr: string }>((resolve) => {
    execFile('node', [main, ...args], { encoding: 'utf8' }, (error, stdout, stderr) =>
      resolve({ status: error === null ? 0 : typeof error.code === 'number' ? error.code : 1, stdout, stderr }),
    );
  });

const event = (eventId: string, type: string, quantity: number, extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    eventId,
    type,
    productId: 'P1',
    facilityId: 'WH',
    quantity,
    occurredAt: '2026-12-01T10:00:00Z',
    source: 'pos',
    ...extra,
  });

const ledger = suite('oms-inventory-sync record-events and history');

ledger('records a file of events, each with its outcome; history lists what was applied, oldest first', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'oms-inventory-sync-ledger-cli-'));
  try {
    const file = join(dir, 'inventory.sqlite');
    const store = await openSqliteInventoryStore({ file });
    await store.migrate();
    await run(store.saveFacilities([{ facilityId: 'WH', externalId: '1' }]));
    await run(store.saveProducts([{ productId: 'P1', externalId: '9001' }]));
    await run(store.saveProductSkus([{ productId: 'P1', sku: 'SKU-1' }]));
    await store.close();
    const config = join(dir, 'config.json');
    writeFileSync(config, JSON.stringify({ inventoryStore: { sqlite: { file } } }));
    const events = join(dir, 'events.jsonl');
    writeFileSync(
      events,
      [
        event('e1', 'received', 10),
        event('e2', 'reserved', 3),
        event('e3', 'released', 5),
        '{ not json',
        event('e1', 'received', 10),
        event('e1', 'received', 11),
      ].join('\n'),
    );
    const recorded = await cli('record-events', events, '--config', config);
    assert.is(recorded.status, 3, 'a refused, conflicting or unreadable event needs a person');
    assert.match(recorded.stdout, /^e1: applied$/m);
    assert.match(recorded.stdout, /^e2: applied$/m);
    assert.match(recorded.stdout, /^e3: refused \(/m);
    assert.match(recorded.stdout, /^#4 \(no eventId\): undecodable/m);
    assert.match(recorded.stdout, /^e1: duplicate$/m);
    assert.match(recorded.stdout, /^e1: conflict/m);
    assert.match(recorded.stdout, /2 applied, 1 refused, 1 duplicate, 1 conflict, 1 undecodable \(line 4: not JSON\)/);

    const again = await cli('record-events', events, '--config', config, '--json');
    const report = JSON.parse(again.stdout) as { counts: Record<string, number>; outcomes: Array<{ eventId: string }> };
    assert.is(report.counts.applied, 0, 'a replay applies nothing');
    const refusedBefore = {
      outcome: 'duplicate',
      eventId: 'e3',
      refused: { reason: 'release-exceeds-reserved', detail: 'releasing 5 at WH, where 3 is reserved' },
      index: 2,
    };
    assert.equal(
      report.outcomes.find((o) => o.eventId === 'e3'),
      refusedBefore,
      'a replayed refused event: how it was refused',
    );
    const replayed = await cli('record-events', events, '--config', config);
    assert.match(
      replayed.stdout,
      /^e3: duplicate \(refused before: release-exceeds-reserved: releasing 5 at WH, where 3 is reserved\)$/m,
    );
    assert.match(replayed.stdout, /^e1: duplicate$/m);

    const history = await cli('history', 'SKU-1', '--config', config);
    assert.is(history.status, 0, history.stderr);
    const lines = history.stdout.trim().split('\n');
    assert.is(lines.length, 2);
    assert.match(lines[0]!, /received 10 at WH \(pos\) e1: WH QOH 0 -> 10, reserved 0 -> 0/);
    assert.match(lines[1]!, /reserved 3 at WH \(pos\) e2: WH QOH 10 -> 10, reserved 0 -> 3/);
    const newest = await cli('history', 'SKU-1', '--limit', '1', '--config', config);
    assert.is(newest.status, 0, newest.stderr);
    assert.equal(newest.stdout.trim().split('\n'), [lines[1]], '--limit N: the newest N, in the same format');
    const unknown = await cli('history', 'NOPE', '--config', config);
    assert.is(unknown.status, 2);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

ledger.run();
