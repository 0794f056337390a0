// The event feed import reads a feed line by line: a 200,000-line feed (56 MB) goes through a process whose heap
// (64 MB) cannot hold it read whole, which the control shows.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';

const LINES = 200_000;
const HEAP_MB = 64;
const child = fileURLToPath(new URL('../support/import-events-child.ts', import.meta.url));

const test = suite('importEvents in bounded memory');
const root = mkdtempSync(join(tmpdir(), 'oms-inventory-sync-events-big-'));

test.before(() => {
  const lines: string[] = [];
  for (let i = 0; i < LINES; i++)
    lines.push(
      JSON.stringify({
        eventId: `evt-${i}-${'x'.repeat(120)}`,
        type: 'received',
        productId: 'P1',
        facilityId: 'WH',
        quantity: 1,
        occurredAt: '2026-12-01T10:00:00Z',
        source: 'wms-feed-of-a-warehouse',
      }),
    );
  writeFileSync(join(root, 'big.jsonl'), `${lines.join('\n')}\n`);
});

test.after(() => rmSync(root, { recursive: true, force: true }));

const runChild = (...args: string[]) =>
  spawnSync(process.execPath, [`--max-old-space-size=${HEAP_MB}`, child, root, ...args], {
    encoding: 'utf8',
    timeout: 120_000,
  });

test('the control: read whole, the feed does not fit the heap', () => {
  const whole = runChild('whole');
  assert.is.not(whole.status, 0);
  assert.match(whole.stderr, /heap out of memory/);
});

test('read line by line, every line of the feed is recorded within the same heap', () => {
  const streamed = runChild();
  assert.is(streamed.status, 0, streamed.stderr);
  const report = JSON.parse(streamed.stdout) as { lines: number; applied: number; rejected: number; peakHeap: number };
  assert.equal([report.lines, report.applied, report.rejected], [LINES, LINES, 0]);
  assert.ok(report.peakHeap < HEAP_MB * 1024 * 1024, `peak heap ${report.peakHeap}`);
  assert.equal(readdirSync(join(root, 'archive')), ['big.jsonl']);
});

test.run();
