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

ledger(
  'history --facility: only the entries at that facility, transfers into and out of it; --json: the entries',
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'oms-inventory-sync-history-cli-'));
    try {
      const file = join(dir, 'inventory.sqlite');
      const store = await openSqliteInventoryStore({ file });
      await store.migrate();
      await run(
        store.saveFacilities(['WH', 'WH2', 'STORE'].map((facilityId, i) => ({ facilityId, externalId: `${i + 1}` }))),
      );
      await run(
        store.saveProducts([
          { productId: 'P1', externalId: '9001' },
          { productId: 'P2', externalId: '9002' },
        ]),
      );
      await run(store.saveProductSkus([{ productId: 'P1', sku: 'SKU-1' }]));
      const at = (facilityId: string, extra: Record<string, unknown> = {}) => ({ facilityId, ...extra });
      const events = [
        event('r1', 'received', 10),
        event('r2', 'received', 4, at('WH2')),
        event('r3', 'received', 3, at('STORE')),
        event('t1', 'transferred', 2, at('WH', { toFacilityId: 'WH2' })),
        event('s1', 'reserved', 1, at('WH2')),
        event('p2', 'received', 5, at('WH2', { productId: 'P2' })),
        event('t2', 'transferred', 1, at('WH2', { toFacilityId: 'STORE' })),
        event('r4', 'received', 1),
      ].map((line) => JSON.parse(line));
      assert.equal(
        (await run(store.recordEvents(events))).map((o) => o.outcome),
        Array(events.length).fill('applied'),
      );
      await store.close();
      const config = join(dir, 'config.json');
      writeFileSync(config, JSON.stringify({ inventoryStore: { sqlite: { file } } }));

      const wh2 = await cli('history', 'SKU-1', '--facility', 'WH2', '--config', config);
      assert.is(wh2.status, 0, wh2.stderr);
      const lines = wh2.stdout.trim().split('\n');
      assert.equal(
        lines.map((l) => /\) (\S+): /.exec(l)?.[1]),
        ['r2', 't1', 's1', 't2'],
        "P1's entries at WH2, oldest first: the transfer into it and the one out of it, not WH's, STORE's or P2's",
      );
      assert.match(lines[0]!, /^#2 \S+ received 4 at WH2 \(pos\) r2: WH2 QOH 0 -> 4, reserved 0 -> 0$/);
      assert.match(
        lines[1]!,
        /^#4 \S+ transferred 2 at WH to WH2 \(pos\) t1: WH QOH 10 -> 8, reserved 0 -> 0; WH2 QOH 4 -> 6, reserved 0 -> 0$/,
      );
      assert.match(lines[2]!, /^#5 \S+ reserved 1 at WH2 \(pos\) s1: WH2 QOH 6 -> 6, reserved 0 -> 1$/);
      assert.match(
        lines[3]!,
        /^#7 \S+ transferred 1 at WH2 to STORE \(pos\) t2: WH2 QOH 6 -> 5, reserved 1 -> 1; STORE QOH 3 -> 4, reserved 0 -> 0$/,
      );
      const limited = await cli('history', 'SKU-1', '--facility', 'WH2', '--limit', '2', '--config', config);
      assert.equal(limited.stdout.trim().split('\n'), lines.slice(2), '--facility with --limit: its newest N');
      const none = await cli('history', 'P2', '--facility', 'STORE', '--config', config);
      assert.equal([none.status, none.stdout], [0, 'no events recorded for P2\n']);

      const json = await cli('history', 'SKU-1', '--facility', 'WH2', '--json', '--config', config);
      assert.is(json.status, 0, json.stderr);
      const entries = JSON.parse(json.stdout) as ReadonlyArray<Record<string, unknown>>;
      /** A position's change of QOH, nothing reserved. */
      const moved = (facilityId: string, from: number, to: number) => ({
        kind: 'position',
        productId: 'P1',
        facilityId,
        before: { quantityOnHand: from, reservedQuantity: 0 },
        after: { quantityOnHand: to, reservedQuantity: 0 },
      });
      assert.equal(
        entries.map((e) => e.sequence),
        [2, 4, 5, 7],
      );
      assert.equal(entries[1], {
        sequence: 4,
        event: {
          eventId: 't1',
          type: 'transferred',
          productId: 'P1',
          facilityId: 'WH',
          toFacilityId: 'WH2',
          quantity: 2,
          // Kept as an ISO instant with milliseconds.
          occurredAt: '2026-12-01T10:00:00.000Z',
          source: 'pos',
        },
        changes: [moved('WH', 10, 8), moved('WH2', 4, 6)],
        recordedAt: entries[1]!.recordedAt,
      });
      assert.ok(
        entries.every((e) => typeof e.recordedAt === 'string' && !Number.isNaN(Date.parse(e.recordedAt))),
        'recordedAt: an ISO time',
      );
      assert.equal(
        entries.map((e) => (e.event as { eventId: string }).eventId),
        ['r2', 't1', 's1', 't2'],
      );
      const all = JSON.parse((await cli('history', 'SKU-1', '--json', '--config', config)).stdout) as ReadonlyArray<{
        event: { eventId: string };
      }>;
      assert.equal(
        all.map((e) => e.event.eventId),
        ['r1', 'r2', 'r3', 't1', 's1', 't2', 'r4'],
        'without --facility: every entry of the product',
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
);

ledger.run();
