// The event feed import on a feed of many bad lines: every one in the error report, in line order, the run report
// keeping their counts and the first 20; a rerun (all duplicates) reports the refusals of the first reading again,
// read forward from the earlier report.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { localFileStore } from '../../src/adapters/local-files/local-file-store.ts';
import { localLineReader } from '../../src/adapters/local-files/line-reader.ts';
import { localRowSpools } from '../../src/adapters/local-files/row-spool.ts';
import { memoryInventoryStore } from '../../src/adapters/memory/memory-inventory-store.ts';
import { defaultImportEventsConfig, importEvents } from '../../src/application/import-events.ts';
import { REJECTED_ROWS_SAMPLE } from '../../src/application/rejected-rows.ts';
import { event, seedFeedWorld } from '../support/event-feeds.ts';
import { testClock } from '../support/import-scenario.ts';
import { run } from '../support/run.ts';

const test = suite('importEvents on many bad lines');

test('every bad line in the error report, the run report counts them and keeps the first 20', async () => {
  const root = mkdtempSync(join(tmpdir(), 'oms-inventory-sync-events-bounds-'));
  try {
    // 12,000 lines: applied, not JSON, over the line limit, refused (unknown product), a missing field twice.
    const lines: string[] = [];
    const bad: number[] = [];
    for (let i = 0; i < 2_400; i++) {
      const at = lines.length + 1;
      lines.push(event(`ok-${i}`, 'received', 1));
      lines.push('{ not json');
      lines.push(event(`long-${i}`, 'received', 1, { reason: 'x'.repeat(400) }));
      lines.push(event(`refused-${i}`, 'received', 1, { productId: 'NO-SUCH' }));
      lines.push(JSON.stringify({ eventId: `half-${i}`, type: 'received' }));
      bad.push(at + 1, at + 2, at + 3, at + 4);
    }
    writeFileSync(join(root, 'wms.jsonl'), `${lines.join('\n')}\n`);
    const store = memoryInventoryStore();
    await seedFeedWorld(store);
    const deps = { ...localFileStore({ root }), ...localLineReader(), ...localRowSpools(), ...store, ...testClock() };
    const config = (runId: string) => ({
      ...defaultImportEventsConfig(runId, 'bounds'),
      settleMs: 0,
      maxLineBytes: 256,
      batchSize: 700,
    });
    const report = await run(importEvents(config('first'))(deps));
    const f = report.files[0]!;
    assert.equal([f.lines, f.applied, f.refused, f.rejected], [12_000, 2_400, 2_400, 7_200]);
    const reportText = readFileSync(join(root, 'error', f.errorReport!), 'utf8');
    const rows = reportText.trimEnd().split('\n').slice(1);
    const rowLines = rows.map((r) => Number(/^wms\.jsonl,(\d+),/.exec(r)![1]));
    assert.is(f.errorRows, rows.length);
    assert.ok(rows.length > bad.length, 'a line missing several fields has a row for each');
    assert.equal([...new Set(rowLines)], bad, 'every bad line, in line order');
    assert.ok(
      rowLines.every((l, i) => i === 0 || rowLines[i - 1]! <= l),
      'in line order',
    );
    assert.is(f.rejectedLines.length, REJECTED_ROWS_SAMPLE);
    assert.equal(
      f.rejectedLines.map((r) => r.line),
      rowLines.slice(0, REJECTED_ROWS_SAMPLE),
    );
    // The same feed dropped again: every event a duplicate, the refusals reported as they were the first time.
    writeFileSync(join(root, 'wms.jsonl'), `${lines.join('\n')}\n`);
    const again = await run(importEvents(config('again'))(deps));
    const g = again.files[0]!;
    assert.equal([g.duplicate, g.refused, g.errorRows], [4_800, 0, rows.length]);
    assert.is(readFileSync(join(root, 'error', g.errorReport!), 'utf8'), reportText);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test.run();
