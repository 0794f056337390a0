// A writer process for the import's race test: opens the store at the location given (JSON, argv[2]) and records the
// events of the JSON file argv[3] in order, one call each (paced, so that they fall around the import's read and
// commit), never more of them than the last number read on stdin allows (the test's phases: before the read,
// between the read and the commit, from the commit on). Prints one line per call as soon as it committed:
// `<outcome> <eventId>` (and the reason of a refusal).
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { openStore } from '../../src/adapters/persistence/store.ts';
import type { InventoryEvent } from '../../src/domain/index.ts';

const [locationJson, eventsFile] = process.argv.slice(2);
const events = JSON.parse(readFileSync(eventsFile!, 'utf8')) as ReadonlyArray<InventoryEvent>;
let allowed = 0;
let wake = () => {};
const input = createInterface({ input: process.stdin });
input.on('line', (line) => {
  allowed = Math.max(allowed, Number(line));
  wake();
});
const allowedPast = (i: number) =>
  new Promise<void>((resolve) => {
    const check = () => {
      if (allowed > i) resolve();
      else wake = check;
    };
    check();
  });
const store = await openStore(JSON.parse(locationJson!));
try {
  for (const [i, e] of events.entries()) {
    await allowedPast(i);
    const result = await store.recordEvents([e])();
    if (result._tag === 'Left') throw new Error(`recordEvents failed: ${result.left.reason}`);
    for (const o of result.right)
      process.stdout.write(`${o.outcome} ${o.eventId}${o.outcome === 'refused' ? ` ${o.reason}: ${o.detail}` : ''}\n`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
} finally {
  input.close();
  // The quota pipe stays open as long as the test's end of it does: it must not keep this process alive.
  process.stdin.destroy();
  await store.close();
}
