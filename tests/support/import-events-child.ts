// A process for the event feed import's tests, importing the feeds in the inbox at argv[2]:
// - `bounded`: through a ledger that keeps nothing (it answers `applied`), in a small heap; prints the report's
//   counts and the largest heap seen, one JSON line.
// - `whole`: reads each feed whole instead, as a control that the heap is too small for that.
// - `hang:<N>:<sqlite file>`: into that SQLite store, calls of 3 lines, lines up to 256 bytes; at the Nth ledger call
//   it writes `calling N` to stderr and waits, never to return, for the test to kill it.
// - `hang-after:<N>:<sqlite file>`: the same, but the Nth call commits first and then writes `committed N` and waits,
//   before the import has seen its outcomes (the window between a commit and its report).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { localFileStore } from '../../src/adapters/local-files/local-file-store.ts';
import { localLineReader } from '../../src/adapters/local-files/line-reader.ts';
import { localRowSpools } from '../../src/adapters/local-files/row-spool.ts';
import { memoryInventoryStore } from '../../src/adapters/memory/memory-inventory-store.ts';
import { openSqliteInventoryStore } from '../../src/adapters/persistence/sqlite-inventory-store.ts';
import { defaultImportEventsConfig, importEvents } from '../../src/application/import-events.ts';
import { systemClock } from '../../src/composition/live.ts';

const [root, mode = 'bounded'] = process.argv.slice(2) as [string, string | undefined];
let peakHeap = 0;
const sample = setInterval(() => {
  peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
}, 5);
if (mode === 'whole') {
  let lines = 0;
  for (const name of readdirSync(root).filter((n) => n.endsWith('.jsonl')))
    lines += readFileSync(join(root, name), 'utf8').split('\n').length;
  process.stdout.write(`${JSON.stringify({ lines })}\n`);
} else if (mode.startsWith('hang:') || mode.startsWith('hang-after:')) {
  const [how, at, file] = mode.split(':') as [string, string, string];
  const store = await openSqliteInventoryStore({ file });
  let calls = 0;
  const report = await importEvents({
    ...defaultImportEventsConfig('killed', 'kill-test'),
    settleMs: 0,
    batchSize: 3,
    maxLineBytes: 256,
  })({
    ...localFileStore({ root }),
    ...localLineReader(),
    ...localRowSpools(),
    ...store,
    recordEvents: (events) => async () => {
      calls++;
      if (calls === Number(at) && how === 'hang') {
        process.stderr.write(`calling ${calls}\n`);
        await new Promise(() => undefined);
      }
      const recorded = await store.recordEvents(events)();
      if (calls === Number(at)) {
        process.stderr.write(`committed ${calls}\n`);
        await new Promise(() => undefined);
      }
      return recorded;
    },
    ...systemClock,
  })();
  process.stdout.write(`${JSON.stringify(report)}\n`);
} else {
  const store = memoryInventoryStore();
  const report = await importEvents({ ...defaultImportEventsConfig('big', 'child'), settleMs: 0 })({
    ...localFileStore({ root }),
    ...localLineReader(),
    ...localRowSpools(),
    ...store,
    recordEvents: (events) => async () => ({
      _tag: 'Right',
      right: events.map((e) => ({ outcome: 'applied' as const, eventId: e.eventId, changes: [] })),
    }),
    ...systemClock,
  })();
  if (report._tag === 'Left') throw new Error(JSON.stringify(report.left));
  const { lines, applied, rejected } = report.right;
  process.stdout.write(`${JSON.stringify({ lines, applied, rejected, peakHeap })}\n`);
}
clearInterval(sample);
