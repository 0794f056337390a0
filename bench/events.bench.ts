/**
 * Inventory ledger benchmark: PostgreSQL holding 1,000,000 positions (100,000 products x 10 facilities, seeded by
 * COPY), then 1,000,000 mixed events (reserved, released, shipped, received, adjusted with a reason, counted,
 * transferred, safety-stock-set, threshold-set, brokering-queue-changed; about 0.5% refused by design) recorded
 * through the store's `recordEvents`, opened as the CLI opens it (`openInventoryStore`), in calls of 1,000.
 * Baseline, measured in the same run on a second identical database (`create database ... template`): the same
 * batches as one raw `UPDATE inventory_position ... FROM unnest(...)` of each position's net delta plus one
 * `INSERT INTO inventory_event ... SELECT FROM unnest(...)` of the ledger rows, per batch in a transaction, sent with
 * `pg` directly (the baseline does not write safety stock, thresholds, the brokering queue or the change log, and
 * has no before/after: it is the floor of what the database must do for the positions and the ledger).
 * Then one event per call (2,000 calls) on both: p50 and p99 latency. At the end the two databases' positions are
 * compared (the generator's model says what every event does, so the baseline's deltas must equal the store's fold).
 *
 * The store and the baseline take turns of BENCH_TURN calls (10), so that both run under the same load of a shared
 * machine; BENCH_ORDER=sequential runs the store's whole run first, then the baseline's. BENCH_COMPARE=<a checkout>
 * (another version's tree, its dependencies installed) runs that version's store too, on a third identical database,
 * in the same turns, and prints this store's time against it: the way to tell a change from the machine's noise.
 *
 *   npm run bench:events         (BENCH_PRODUCTS=10000 BENCH_EVENTS=100000 for a quick run; BENCH_PROFILE=1 prints
 *                                 the store's statements by total time)
 */
import { from as copyFrom } from 'pg-copy-streams';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import pg from 'pg';
import { openInventoryStore } from '../src/composition/live.ts';
import { canonicalPayload, type EventOutcome, type InventoryEvent, QUANTITY_SCALE } from '../src/domain/index.ts';
import { DATABASE_URL, freshPostgresDatabase } from '../tests/support/postgres.ts';
import { run } from '../tests/support/run.ts';

const PRODUCTS = Number(process.env.BENCH_PRODUCTS ?? 100_000);
const FACILITIES = Number(process.env.BENCH_FACILITIES ?? 10);
const EVENTS = Number(process.env.BENCH_EVENTS ?? 1_000_000);
const BATCH = Number(process.env.BENCH_BATCH ?? 1_000);
const SINGLES = Number(process.env.BENCH_SINGLES ?? 2_000);
// `alternate` (the default): the store and the baseline take turns of BENCH_TURN calls; `sequential`: the store's
// whole run, then the baseline's.
const ORDER = process.env.BENCH_ORDER === 'sequential' ? 'sequential' : 'alternate';
const TURN = Number(process.env.BENCH_TURN ?? 10);
const COMPARE = process.env.BENCH_COMPARE;
const START_QOH = 1_000;
const START_RESERVED = 50;
const S = QUANTITY_SCALE;

const pid = (i: number) => `PROD_${String(i).padStart(7, '0')}`;
const fid = (l: number) => `FAC_${String(l).padStart(2, '0')}`;

/** What an event does to a position, by the generator's model (the baseline's net deltas); null when refused. */
interface Planned {
  readonly event: InventoryEvent;
  readonly deltas: ReadonlyArray<readonly [position: number, qoh: number, reserved: number]>;
  readonly refusal: string | null;
}

/**
 * A deterministic stream of events over the positions, with a model of QOH, reserved and the brokering queue so
 * that the valid events are valid (nothing released or shipped beyond what is reserved, no QOH below zero) and the
 * refused ones (every 200th) are refused for a known reason.
 */
const eventStream = (prefix: string, count: number, seed: number) => {
  let state = seed >>> 0;
  const random = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(random() * n);
  const qoh = new Int32Array(PRODUCTS * FACILITIES).fill(START_QOH);
  const reserved = new Int32Array(PRODUCTS * FACILITIES).fill(START_RESERVED);
  const queue = new Int32Array(PRODUCTS);
  const reasons = ['damaged', 'shrinkage', 'found', 'miscount'];
  let n = 0;
  const next = (): Planned => {
    const k = n++;
    const p = int(PRODUCTS);
    const l = int(FACILITIES);
    const at = p * FACILITIES + l;
    const base = {
      eventId: `${prefix}-${k}`,
      productId: pid(p),
      occurredAt: '2026-12-01T10:00:00Z',
      source: 'bench',
    };
    const position = (
      type: InventoryEvent['type'],
      quantity: number,
      dq: number,
      dr: number,
      extra: object = {},
    ): Planned => {
      qoh[at]! += dq;
      reserved[at]! += dr;
      return {
        event: { ...base, type, facilityId: fid(l), quantity, ...extra },
        deltas: dq === 0 && dr === 0 ? [] : [[at, dq, dr]],
        refusal: null,
      };
    };
    if (k % 200 === 199) {
      // Refused by design, one reason in three.
      const kind = ((k / 200) % 3) | 0;
      if (kind === 0)
        return {
          event: { ...base, productId: 'NO_SUCH_PRODUCT', type: 'received', facilityId: fid(l), quantity: 1 },
          deltas: [],
          refusal: 'unknown-product',
        };
      if (kind === 1)
        return {
          event: { ...base, type: 'released', facilityId: fid(l), quantity: reserved[at]! + 1 },
          deltas: [],
          refusal: 'release-exceeds-reserved',
        };
      return {
        event: { ...base, type: 'shipped', facilityId: fid(l), quantity: reserved[at]! + 1 },
        deltas: [],
        refusal: 'ship-exceeds-reserved',
      };
    }
    const r = int(100);
    if (r < 22) {
      const q = 1 + int(3);
      return position('reserved', q, 0, q);
    }
    if (r < 32 && reserved[at]! >= 1) return position('released', 1, 0, -1);
    if (r < 44 && reserved[at]! >= 1 && qoh[at]! >= 1) {
      const q = Math.min(reserved[at]!, qoh[at]!, 1 + int(2));
      return position('shipped', q, -q, -q);
    }
    if (r < 58) {
      const q = 1 + int(20);
      return position('received', q, q, 0);
    }
    if (r < 64) {
      const q = (1 + int(5)) * (int(2) === 0 && qoh[at]! >= 5 ? -1 : 1);
      return position('adjusted', q, q, 0, { reason: reasons[int(reasons.length)]! });
    }
    if (r < 68) {
      const q = Math.max(0, qoh[at]! - 5 + int(11));
      return position('counted', q, q - qoh[at]!, 0);
    }
    if (r < 74 && FACILITIES > 1 && qoh[at]! >= 3) {
      const q = 1 + int(3);
      const to = (l + 1 + int(FACILITIES - 1)) % FACILITIES;
      const toAt = p * FACILITIES + to;
      qoh[at]! -= q;
      qoh[toAt]! += q;
      return {
        event: { ...base, type: 'transferred', facilityId: fid(l), toFacilityId: fid(to), quantity: q },
        deltas: [
          [at, -q, 0],
          [toAt, q, 0],
        ],
        refusal: null,
      };
    }
    if (r < 82)
      return {
        event: { ...base, type: 'safety-stock-set', facilityId: fid(l), quantity: int(11) },
        deltas: [],
        refusal: null,
      };
    if (r < 90) return { event: { ...base, type: 'threshold-set', quantity: int(6) }, deltas: [], refusal: null };
    const d = (1 + int(3)) * (queue[p]! >= 3 && int(2) === 0 ? -1 : 1);
    queue[p]! += d;
    return { event: { ...base, type: 'brokering-queue-changed', quantity: d }, deltas: [], refusal: null };
  };
  return {
    qoh,
    reserved,
    batch: (size: number): Planned[] => Array.from({ length: Math.min(size, count - n) }, next),
  };
};

/** COPY of text rows into a table through `pg`. */
const copyRows = async (client: pg.Client, table: string, columns: string, rows: () => Generator<string>) => {
  const stream = client.query(copyFrom(`copy "${table}" (${columns}) from stdin`));
  await pipeline(Readable.from(rows(), { objectMode: false }), stream);
};

const seed = async (url: string) => {
  const store = await run(openInventoryStore({ kind: 'postgres', url }));
  await store.close();
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await copyRows(client, 'facility', '"facility_id", "external_id"', function* () {
    for (let l = 0; l < FACILITIES; l++) yield `${fid(l)}\t${101 + l}\n`;
  });
  await copyRows(client, 'product', '"product_id", "external_id", "sku"', function* () {
    for (let i = 0; i < PRODUCTS; i += 1000) {
      let chunk = '';
      for (let j = i; j < Math.min(PRODUCTS, i + 1000); j++) chunk += `${pid(j)}\t${100000 + j}\tSKU-${j}\n`;
      yield chunk;
    }
  });
  await copyRows(
    client,
    'inventory_position',
    '"product_id", "facility_id", "quantity_on_hand_scaled", "available_to_promise_scaled", "updated_at"',
    function* () {
      const line = (l: number) => `\t${fid(l)}\t${START_QOH * S}\t${(START_QOH - START_RESERVED) * S}\t0\n`;
      for (let i = 0; i < PRODUCTS; i += 100) {
        let chunk = '';
        for (let j = i; j < Math.min(PRODUCTS, i + 100); j++)
          for (let l = 0; l < FACILITIES; l++) chunk += pid(j) + line(l);
        yield chunk;
      }
    },
  );
  await client.query('vacuum analyze');
  await client.end();
};

const percentile = (sorted: ReadonlyArray<number>, p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
const latencies = (ms: number[]) => {
  const sorted = [...ms].sort((a, b) => a - b);
  return `p50 ${percentile(sorted, 50).toFixed(2)} ms, p99 ${percentile(sorted, 99).toFixed(2)} ms, max ${sorted[sorted.length - 1]?.toFixed(2)} ms`;
};

/** One batch as the baseline writes it: the positions' net deltas, then the ledger rows, in one transaction. */
const baselineBatch = async (client: pg.Client, batch: ReadonlyArray<Planned>) => {
  const net = new Map<number, [number, number]>();
  for (const b of batch)
    for (const [at, dq, dr] of b.deltas) {
      const d = net.get(at) ?? [0, 0];
      d[0] += dq;
      d[1] += dr;
      net.set(at, d);
    }
  const at = Date.now();
  const products: string[] = [];
  const facilities: string[] = [];
  const dqoh: number[] = [];
  const datp: number[] = [];
  for (const [position, [dq, dr]] of net) {
    products.push(pid(Math.floor(position / FACILITIES)));
    facilities.push(fid(position % FACILITIES));
    dqoh.push(dq * S);
    datp.push((dq - dr) * S);
  }
  await client.query('begin');
  await client.query(
    `update "inventory_position" p set "quantity_on_hand_scaled" = p."quantity_on_hand_scaled" + d."dq",
       "available_to_promise_scaled" = p."available_to_promise_scaled" + d."da", "updated_at" = $5
     from unnest($1::text[], $2::text[], $3::bigint[], $4::bigint[]) as d("product_id", "facility_id", "dq", "da")
     where p."product_id" = d."product_id" and p."facility_id" = d."facility_id"`,
    [products, facilities, dqoh, datp, at],
  );
  await client.query(
    `insert into "inventory_event" ("event_id", "type", "product_id", "facility_id", "to_facility_id", "payload", "changes", "refusal", "recorded_at")
     select e.*, $9::bigint from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[])
       as e("event_id", "type", "product_id", "facility_id", "to_facility_id", "payload", "changes", "refusal")`,
    [
      batch.map((b) => b.event.eventId),
      batch.map((b) => b.event.type),
      batch.map((b) => b.event.productId),
      batch.map((b) => b.event.facilityId ?? null),
      batch.map((b) => b.event.toFacilityId ?? null),
      batch.map((b) => canonicalPayload(b.event)),
      batch.map(() => '[]'),
      batch.map((b) => b.refusal),
      at,
    ],
  );
  await client.query('commit');
};

const positionsDigest = async (url: string) => {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const { rows } = await client.query(
    `select md5(string_agg("product_id" || '/' || "facility_id" || '=' || "quantity_on_hand_scaled" || ',' || "available_to_promise_scaled", ';' order by "product_id", "facility_id")) as "digest", count(*)::int as "n" from "inventory_position"`,
  );
  await client.end();
  return rows[0] as { digest: string; n: number };
};

// BENCH_PROFILE=1: the time of each statement the store sends during the batched run, summed by its first words.
let profile = new Map<string, { calls: number; ms: number }>();
let profiling = false;
const printProfile = (title: string) => {
  if (profile.size === 0) return;
  console.log(`${title} (${BATCH} events a call), by total time:`);
  for (const [text, { calls, ms }] of [...profile].sort((a, b) => b[1].ms - a[1].ms))
    console.log(`  ${(ms / 1000).toFixed(1).padStart(6)} s ${String(calls).padStart(6)} calls  ${text}`);
  profile = new Map();
};
if (process.env.BENCH_PROFILE === '1') {
  const query = pg.Client.prototype.query as (...args: unknown[]) => unknown;
  pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
    const result = query.apply(this, args);
    const first = args[0];
    const text = typeof first === 'string' ? first : ((first as { text?: string } | null)?.text ?? '');
    if (!profiling || !(result instanceof Promise)) return result;
    const key = text.replace(/\s+/g, ' ').slice(0, 70);
    const t0 = performance.now();
    const done = () => {
      const entry = profile.get(key) ?? { calls: 0, ms: 0 };
      entry.calls++;
      entry.ms += performance.now() - t0;
      profile.set(key, entry);
    };
    result.then(done, done);
    return result;
  } as typeof pg.Client.prototype.query;
}

const storeDb = await freshPostgresDatabase();
const urlOf = (name: string) => {
  const u = new URL(DATABASE_URL);
  u.pathname = `/${name}`;
  return u.toString();
};
const baselineName = `oms_inventory_sync_bench_${process.pid}_baseline`;
const baselineUrl = urlOf(baselineName);
const compareName = `oms_inventory_sync_bench_${process.pid}_compare`;
const admin = new pg.Client({ connectionString: DATABASE_URL });
await admin.connect();
try {
  const seedStart = performance.now();
  await seed(storeDb.url);
  const seedSeconds = (performance.now() - seedStart) / 1000;
  await admin.query(`create database "${baselineName}" template "${new URL(storeDb.url).pathname.slice(1)}"`);
  if (COMPARE !== undefined)
    await admin.query(`create database "${compareName}" template "${new URL(storeDb.url).pathname.slice(1)}"`);
  console.log(
    `node ${process.version}; ${(PRODUCTS * FACILITIES).toLocaleString('en')} positions (${PRODUCTS.toLocaleString('en')} products x ${FACILITIES} facilities) seeded by COPY in ${seedSeconds.toFixed(1)} s; ${EVENTS.toLocaleString('en')} events in calls of ${BATCH}, ${ORDER === 'alternate' ? `the store and the baseline in turns of ${TURN} calls` : 'the store, then the baseline'}`,
  );

  // The store, as the CLI opens it.
  const store = await run(openInventoryStore({ kind: 'postgres', url: storeDb.url }));
  const counts = { applied: 0, refused: 0, duplicate: 0, conflict: 0 };
  const refusals = new Map<string, number>();
  const storeEvents = eventStream('e', EVENTS + SINGLES, 42);
  const storeBatchMs: number[] = [];
  let storeSeconds = 0;
  const checked = (batch: ReadonlyArray<Planned>, outcomes: ReadonlyArray<EventOutcome>, tally: boolean) =>
    outcomes.forEach((o, i) => {
      if (tally) {
        counts[o.outcome]++;
        if (o.outcome === 'refused') refusals.set(o.reason, (refusals.get(o.reason) ?? 0) + 1);
      }
      if ((o.outcome === 'refused' ? o.reason : null) !== batch[i]!.refusal)
        throw new Error(`event ${o.eventId}: expected ${batch[i]!.refusal ?? 'applied'}, got ${JSON.stringify(o)}`);
    });
  const storeCall = async (size: number) => {
    const batch = storeEvents.batch(size);
    const events = batch.map((b) => b.event);
    profiling = true;
    const t0 = performance.now();
    const outcomes = await run(store.recordEvents(events));
    const ms = performance.now() - t0;
    profiling = false;
    storeBatchMs.push(ms);
    storeSeconds += ms / 1000;
    checked(batch, outcomes, true);
  };

  // BENCH_COMPARE: the other version's store, on the third database, with the same events.
  const other =
    COMPARE === undefined
      ? null
      : await run(
          (
            (await import(`${COMPARE}/src/composition/live.ts`)) as { openInventoryStore: typeof openInventoryStore }
          ).openInventoryStore({ kind: 'postgres', url: urlOf(compareName) }),
        );
  const otherEvents = eventStream('e', EVENTS + SINGLES, 42);
  const otherBatchMs: number[] = [];
  let otherSeconds = 0;
  const otherCall = async (size: number) => {
    if (other === null) return;
    const batch = otherEvents.batch(size);
    const t0 = performance.now();
    const outcomes = await run(other.recordEvents(batch.map((b) => b.event)));
    const ms = performance.now() - t0;
    otherBatchMs.push(ms);
    otherSeconds += ms / 1000;
    checked(batch, outcomes, false);
  };

  // The baseline, on the identical second database.
  const client = new pg.Client({ connectionString: baselineUrl });
  await client.connect();
  const baselineEvents = eventStream('e', EVENTS + SINGLES, 42);
  const baselineBatchMs: number[] = [];
  let baselineSeconds = 0;
  const baselineCall = async (size: number) => {
    const batch = baselineEvents.batch(size);
    const t0 = performance.now();
    await baselineBatch(client, batch);
    const ms = performance.now() - t0;
    baselineBatchMs.push(ms);
    baselineSeconds += ms / 1000;
  };

  const sizes = Array.from({ length: Math.ceil(EVENTS / BATCH) }, (_, i) => Math.min(BATCH, EVENTS - i * BATCH));
  if (ORDER === 'sequential') {
    // The store's whole run, then the baseline's.
    for (const size of sizes) await storeCall(size);
    printProfile('store statements during the batched run');
    for (const size of sizes) await otherCall(size);
    for (const size of sizes) await baselineCall(size);
  } else {
    // In turns of TURN calls each, so that both see the same load of a shared machine (and the same checkpoints).
    for (let i = 0; i < sizes.length; i += TURN) {
      const turn = sizes.slice(i, i + TURN);
      for (const size of turn) await storeCall(size);
      for (const size of turn) await otherCall(size);
      for (const size of turn) await baselineCall(size);
    }
    printProfile('store statements during the batched run');
  }

  const storeRate = EVENTS / storeSeconds;
  const baselineRate = EVENTS / baselineSeconds;
  console.log(
    `store recordEvents:  ${storeSeconds.toFixed(1)} s, ${Math.round(storeRate).toLocaleString('en')} events/s; per call of ${BATCH}: ${latencies(storeBatchMs)}`,
  );
  console.log(
    `  applied ${counts.applied}, refused ${counts.refused} (${[...refusals].map(([r, c]) => `${r} ${c}`).join(', ')}), duplicate ${counts.duplicate}, conflict ${counts.conflict}`,
  );
  console.log(
    `baseline (raw UPDATE ... FROM unnest + INSERT ... SELECT FROM unnest, pg): ${baselineSeconds.toFixed(1)} s, ${Math.round(baselineRate).toLocaleString('en')} events/s; per call: ${latencies(baselineBatchMs)}`,
  );
  console.log(
    `ratio: ${(storeSeconds / baselineSeconds).toFixed(2)}x the baseline (goal <= 1.5x); ${Math.round(storeRate).toLocaleString('en')} events/s (goal >= 20,000)`,
  );
  if (other !== null) {
    console.log(
      `BENCH_COMPARE ${COMPARE}: ${otherSeconds.toFixed(1)} s, ${Math.round(EVENTS / otherSeconds).toLocaleString('en')} events/s, ${(otherSeconds / baselineSeconds).toFixed(2)}x the baseline; per call: ${latencies(otherBatchMs)}`,
    );
    console.log(`this store against it: ${(storeSeconds / otherSeconds).toFixed(3)}x`);
    await other.close();
  }

  // One event per call: the next events of the same streams, so the model still holds.
  const storeSingleMs: number[] = [];
  const baselineSingleMs: number[] = [];
  for (let k = 0; k < SINGLES; k++) {
    const [one] = storeEvents.batch(1);
    let t0 = performance.now();
    const [outcome] = await run(store.recordEvents([one!.event]));
    storeSingleMs.push(performance.now() - t0);
    if ((outcome?.outcome === 'refused' ? outcome.reason : null) !== one!.refusal)
      throw new Error(
        `event ${one!.event.eventId}: expected ${one!.refusal ?? 'applied'}, got ${JSON.stringify(outcome)}`,
      );
    const [same] = baselineEvents.batch(1);
    t0 = performance.now();
    await baselineBatch(client, [same!]);
    baselineSingleMs.push(performance.now() - t0);
  }
  console.log(`one event per call (${SINGLES} calls): store ${latencies(storeSingleMs)}`);
  console.log(`  baseline ${latencies(baselineSingleMs)}`);
  // The ledger's writes mark no products changed: the delta push's first page folds the rows after the mark in.
  const foldStart = performance.now();
  const pending = await run(store.changedProducts('bench', null, 1000));
  console.log(
    `the first delta push page after the run (every ledger row folded into the changed products): ${((performance.now() - foldStart) / 1000).toFixed(2)} s, ${pending.length} products on it`,
  );
  await client.end();
  await store.close();

  const [a, b] = [await positionsDigest(storeDb.url), await positionsDigest(baselineUrl)];
  console.log(
    `positions after both runs: ${a.n} and ${b.n} rows, ${a.digest === b.digest ? 'identical' : `DIFFERENT (${a.digest} vs ${b.digest})`}`,
  );
  if (a.digest !== b.digest) process.exitCode = 1;
} finally {
  await admin.query(`drop database if exists "${baselineName}" with (force)`);
  await admin.query(`drop database if exists "${compareName}" with (force)`);
  await admin.end();
  await storeDb.drop();
}
