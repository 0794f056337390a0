// A writer process for the ledger's concurrency test: opens the store at the location given (JSON, argv[2]), records
// `count` random events of its own (seeded by argv[3]) on the shared positions in calls of `batch`, and prints one JSON
// line: the ids of the events the store applied, and the outcome counts.
import { openStore } from '../../src/adapters/persistence/store.ts';
import type { InventoryEvent } from '../../src/domain/index.ts';
import { CONCURRENT_FACILITIES, CONCURRENT_PRODUCTS } from './concurrent-positions.ts';

const [locationJson, seedText, countText, batchText] = process.argv.slice(2);
const location = JSON.parse(locationJson!);
const seed = Number(seedText);
const count = Number(countText);
const batch = Number(batchText);

// A small deterministic generator (mulberry32): each writer's events are reproducible from its seed.
let state = seed >>> 0;
const random = () => {
  state = (state + 0x6d2b79f5) >>> 0;
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const pick = <A>(xs: ReadonlyArray<A>): A => xs[Math.floor(random() * xs.length)]!;
const TYPES = [
  'received',
  'reserved',
  'reserved',
  'released',
  'shipped',
  'shipped',
  'adjusted',
  'transferred',
  'returned',
] as const;

const events: InventoryEvent[] = [];
for (let i = 0; i < count; i++) {
  const type = pick(TYPES);
  const facilityId = pick(CONCURRENT_FACILITIES);
  events.push({
    eventId: `W${seed}-${i}`,
    type,
    productId: pick(CONCURRENT_PRODUCTS),
    facilityId,
    ...(type === 'transferred' ? { toFacilityId: facilityId === 'WH1' ? 'WH2' : 'WH1' } : {}),
    ...(type === 'adjusted' ? { reason: 'shrinkage' } : {}),
    quantity: type === 'adjusted' ? pick([-2, -1, 1, 2]) : type === 'received' ? pick([1, 2, 3, 5]) : pick([1, 1, 2]),
    occurredAt: new Date(Date.UTC(2026, 11, 1, 10, 0, i)).toISOString(),
    source: `writer-${seed}`,
  });
}

const store = await openStore(location);
const applied: string[] = [];
const counts: Record<string, number> = {};
try {
  for (let i = 0; i < events.length; i += batch) {
    const result = await store.recordEvents(events.slice(i, i + batch))();
    if (result._tag === 'Left') throw new Error(`recordEvents failed: ${result.left.reason}`);
    for (const o of result.right) {
      counts[o.outcome] = (counts[o.outcome] ?? 0) + 1;
      if (o.outcome === 'applied') applied.push(o.eventId);
    }
    // Progress, for a test that kills the writer mid-run.
    process.stderr.write(`committed ${i / batch + 1}\n`);
  }
} finally {
  await store.close();
}
process.stdout.write(`${JSON.stringify({ applied, counts })}\n`);
