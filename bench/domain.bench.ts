/**
 * Domain benchmark at 1,000,000 inventory positions (100,000 products x 10 facilities, two channel groups):
 * online ATP for every product, the reset diff of 1M rows with 5% changed, delta detection over 1M items.
 * Each case runs in a child process of its own (so peak memory is its own) against a baseline measured in the same
 * run: the plain float loop over a Map that one would write first, without exact decimals, duplicate handling or
 * reports. Prints the best of 5 timed runs after one warm-up, the ratio to the baseline, and peak RSS.
 *
 *   npm run bench            # all cases
 *   node bench/domain.bench.ts atp|reset|delta [ours|baseline]
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import {
  CHANNEL_FAC_GROUP,
  detectChanges,
  onlineAtpByProduct,
  productInventories,
  resetDiff,
  type ChannelFacilityGroup,
  type InventoryPosition,
  type ItemQuantity,
  type PositionQuantity,
  type SnapshotRow,
} from '../src/domain/index.ts';

const PRODUCTS = 100_000;
const FACILITIES = 10;
const CHANGED = 0.05;

// mulberry32: a seeded generator, so every run measures the same data.
const random = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};

const facilityIds = Array.from({ length: FACILITIES }, (_, i) => `FAC_${i}`);
const groups: ChannelFacilityGroup[] = [
  { facilityGroupId: 'SHOPIFY_US', facilityGroupTypeId: CHANNEL_FAC_GROUP, facilityIds: facilityIds.slice(0, 6) },
  { facilityGroupId: 'SHOPIFY_CA', facilityGroupTypeId: CHANNEL_FAC_GROUP, facilityIds: facilityIds.slice(4) },
];

// Ids as a database driver or a CSV parser hands them over: flat strings, one object per row. (Template literals
// make lazy concatenations instead, which every hash must flatten first, and which no real input consists of.)
const asParsed = <A>(rows: A[]): A[] => JSON.parse(JSON.stringify(rows)) as A[];

const positions = (): InventoryPosition[] => {
  const next = random(1);
  const out: InventoryPosition[] = [];
  for (let p = 0; p < PRODUCTS; p++) {
    for (const facilityId of facilityIds) {
      const decimal = next() < 0.1;
      out.push({
        productId: `PROD_${p}`,
        facilityId,
        quantityOnHand: decimal ? Math.round(next() * 50_000) / 100 : Math.floor(next() * 500),
        reservedQuantity: Math.floor(next() * 20),
        safetyStock: Math.floor(next() * 5),
      });
    }
  }
  return asParsed(out);
};

type Case = { name: string; target: number; ours: () => unknown; baseline: () => unknown };

const atpCase = (): Case => {
  const all = positions();
  const thresholds = Array.from({ length: PRODUCTS }, (_, p) => ({ productId: `PROD_${p}`, threshold: p % 3 }));
  const queue = Array.from({ length: PRODUCTS / 10 }, (_, i) => ({ productId: `PROD_${i * 10}`, quantity: 2 }));
  return {
    name: 'online ATP, 1M positions, 2 groups',
    target: 0.5,
    ours: () => {
      const products = productInventories(all, thresholds, queue);
      return groups.map((g) => onlineAtpByProduct(g, products));
    },
    baseline: () =>
      groups.map((g) => {
        const members = new Set(g.facilityIds);
        const sums = new Map<string, number>();
        for (const p of all) {
          if (!members.has(p.facilityId)) continue;
          const atp = p.quantityOnHand - p.reservedQuantity - p.safetyStock;
          sums.set(p.productId, (sums.get(p.productId) ?? 0) + Math.max(atp, 0));
        }
        const threshold = new Map(thresholds.map((t) => [t.productId, t.threshold]));
        const queued = new Map(queue.map((q) => [q.productId, q.quantity]));
        const result = new Map<string, number>();
        for (const [id, sum] of sums)
          result.set(id, Math.max(0, Math.floor(sum - (threshold.get(id) ?? 0) - (queued.get(id) ?? 0))));
        return result;
      }),
  };
};

const resetCase = (): Case => {
  const next = random(2);
  const current: PositionQuantity[] = positions().map((p) => ({
    productId: p.productId,
    facilityId: p.facilityId,
    quantity: p.quantityOnHand,
  }));
  const snapshot: SnapshotRow[] = asParsed(
    current.map((c, i) => ({
      ...c,
      quantity: next() < CHANGED ? c.quantity + 1 + Math.floor(next() * 10) : c.quantity,
      line: i + 2,
    })),
  );
  return {
    name: 'reset diff, 1M rows, 5% changed',
    target: 0.5,
    ours: () => resetDiff(current, snapshot),
    baseline: () => {
      const now = new Map<string, number>();
      for (const c of current) now.set(`${c.productId}|${c.facilityId}`, c.quantity);
      const variances = [];
      for (const r of snapshot) {
        const previous = now.get(`${r.productId}|${r.facilityId}`) ?? 0;
        if (previous !== r.quantity)
          variances.push({
            productId: r.productId,
            facilityId: r.facilityId,
            previous,
            next: r.quantity,
            delta: r.quantity - previous,
          });
      }
      return variances;
    },
  };
};

const deltaCase = (): Case => {
  const next = random(3);
  const last: ItemQuantity[] = asParsed(
    Array.from({ length: PRODUCTS * FACILITIES }, (_, i) => ({
      inventoryItemId: `gid://shopify/InventoryItem/${1_000_000 + Math.floor(i / 2)}`,
      locationId: `gid://shopify/Location/${i % 2}`,
      quantity: Math.floor(next() * 500),
    })),
  );
  const now = last.map((q) => (next() < CHANGED ? { ...q, quantity: q.quantity + 1 } : q));
  return {
    name: 'delta detection, 1M items, 5% changed',
    target: 0.3,
    ours: () => detectChanges(last, now),
    baseline: () => {
      const pushed = new Map<string, number>();
      for (const q of last) pushed.set(`${q.inventoryItemId}|${q.locationId}`, q.quantity);
      const changes = [];
      for (const q of now) {
        const previous = pushed.get(`${q.inventoryItemId}|${q.locationId}`);
        if (previous !== q.quantity)
          changes.push({
            inventoryItemId: q.inventoryItemId,
            locationId: q.locationId,
            previous: previous ?? null,
            next: q.quantity,
          });
      }
      return changes;
    },
  };
};

const CASES: Record<string, () => Case> = { atp: atpCase, reset: resetCase, delta: deltaCase };

interface Measurement {
  readonly seconds: number;
  readonly dataRssMb: number;
  readonly peakRssMb: number;
}

const measure = (caseName: string, variant: 'ours' | 'baseline'): Measurement => {
  const c = CASES[caseName]!();
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const dataRssMb = process.memoryUsage().rss / 2 ** 20;
  const run = variant === 'ours' ? c.ours : c.baseline;
  run();
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < 5; i++) {
    gc?.();
    const start = process.hrtime.bigint();
    run();
    best = Math.min(best, Number(process.hrtime.bigint() - start) / 1e9);
  }
  return { seconds: best, dataRssMb, peakRssMb: process.resourceUsage().maxRSS / 1024 };
};

const self = fileURLToPath(import.meta.url);
const [caseArg, variantArg] = process.argv.slice(2);
if (variantArg === 'ours' || variantArg === 'baseline') {
  process.stdout.write(JSON.stringify(measure(caseArg!, variantArg)));
} else {
  const names = caseArg === undefined ? Object.keys(CASES) : [caseArg];
  const child = (name: string, variant: string): Measurement =>
    JSON.parse(
      execFileSync(process.execPath, ['--expose-gc', self, name, variant], { encoding: 'utf8', maxBuffer: 1 << 20 }),
    ) as Measurement;
  console.log(`node ${process.version}, ${PRODUCTS.toLocaleString('en')} products x ${FACILITIES} facilities`);
  for (const name of names) {
    const c = CASES[name]!();
    const ours = child(name, 'ours');
    const baseline = child(name, 'baseline');
    const fmt = (m: Measurement) =>
      `${m.seconds.toFixed(3)} s, peak RSS ${m.peakRssMb.toFixed(0)} MB (data alone ${m.dataRssMb.toFixed(0)} MB)`;
    console.log(`\n${c.name} (target < ${c.target} s)`);
    console.log(`  oms-inventory-sync: ${fmt(ours)} ${ours.seconds < c.target ? 'MEETS' : 'MISSES'} target`);
    console.log(`  plain float loop:   ${fmt(baseline)}`);
    console.log(`  ratio: ${(ours.seconds / baseline.seconds).toFixed(2)}x the baseline's time`);
  }
}
