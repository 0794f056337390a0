// A process for the bounded-memory test of the event feed import, started with a small heap: imports the feeds in
// the inbox at argv[2] through a ledger that keeps nothing (it answers `applied`), and prints one JSON line: the
// report's counts and the largest heap seen. With argv[3] = 'whole' it reads each feed whole instead, as a control
// that the heap is too small for that.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { localFileStore } from '../../src/adapters/local-files/local-file-store.ts';
import { localLineReader } from '../../src/adapters/local-files/line-reader.ts';
import { memoryInventoryStore } from '../../src/adapters/memory/memory-inventory-store.ts';
import { defaultImportEventsConfig, importEvents } from '../../src/application/import-events.ts';
import { systemClock } from '../../src/composition/live.ts';

const [root, mode] = process.argv.slice(2) as [string, string | undefined];
let peakHeap = 0;
const sample = setInterval(() => {
  peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
}, 5);
if (mode === 'whole') {
  let lines = 0;
  for (const name of readdirSync(root).filter((n) => n.endsWith('.jsonl')))
    lines += readFileSync(join(root, name), 'utf8').split('\n').length;
  process.stdout.write(`${JSON.stringify({ lines })}\n`);
} else {
  const store = memoryInventoryStore();
  const report = await importEvents({ ...defaultImportEventsConfig('big', 'child'), settleMs: 0 })({
    ...localFileStore({ root }),
    ...localLineReader(),
    ...store,
    recordEvents: (events) => async () => ({
      _tag: 'Right',
      right: events.map((e) => ({ outcome: 'applied' as const, eventId: e.eventId, changes: [] })),
    }),
    ...systemClock,
  })();
  clearInterval(sample);
  if (report._tag === 'Left') throw new Error(JSON.stringify(report.left));
  const { lines, applied, rejected } = report.right;
  process.stdout.write(`${JSON.stringify({ lines, applied, rejected, peakHeap })}\n`);
}
clearInterval(sample);
