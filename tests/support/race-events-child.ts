// A writer process for the import's race test: opens the store at the location given (JSON, argv[2]), records the
// events of the JSON file argv[3] one call each (paced, so that they fall around the import's read and commit), and
// prints one line per call as soon as it committed: `<outcome> <eventId>`.
import { readFileSync } from 'node:fs';
import { openStore } from '../../src/adapters/persistence/store.ts';
import type { InventoryEvent } from '../../src/domain/index.ts';

const [locationJson, eventsFile] = process.argv.slice(2);
const events = JSON.parse(readFileSync(eventsFile!, 'utf8')) as ReadonlyArray<InventoryEvent>;
const store = await openStore(JSON.parse(locationJson!));
try {
  for (const e of events) {
    const result = await store.recordEvents([e])();
    if (result._tag === 'Left') throw new Error(`recordEvents failed: ${result.left.reason}`);
    for (const o of result.right)
      process.stdout.write(`${o.outcome} ${o.eventId}${o.outcome === 'refused' ? ` ${o.reason}: ${o.detail}` : ''}\n`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
} finally {
  await store.close();
}
