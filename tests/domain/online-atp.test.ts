import fc from 'fast-check';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  CHANNEL_FAC_GROUP,
  explainOnlineAtp,
  formatOnlineAtpExplanation,
  onlineAtp,
  onlineAtpByProduct,
  productInventories,
  toScaled,
  type ChannelFacilityGroup,
  type FacilityStock,
  type ProductInventory,
} from '../../src/domain/index.ts';
import { atpScenario, quantity } from '../arbitraries.ts';

const group = (...facilityIds: string[]): ChannelFacilityGroup => ({
  facilityGroupId: 'SHOPIFY_US',
  facilityGroupTypeId: CHANNEL_FAC_GROUP,
  facilityIds,
});
const stock = (facilityId: string, quantityOnHand: number, reservedQuantity = 0, safetyStock = 0): FacilityStock => ({
  facilityId,
  quantityOnHand,
  reservedQuantity,
  safetyStock,
});

// The seed's worked example: QOH 100; reserved, safety stock, threshold, brokering queue and excluded ATP 5 each.
const workedExample: ProductInventory = {
  productId: 'SKU-100',
  positions: [stock('WAREHOUSE', 95, 5, 5), stock('STORE_EXCLUDED', 5)],
  threshold: 5,
  brokeringQueue: 5,
};

const examples = suite('onlineAtp: examples');

examples('the worked example: 100 - (5 + 5 + 5 + 5 + 5) = 75', () => {
  assert.is(onlineAtp(group('WAREHOUSE'), workedExample), 75);
  const e = explainOnlineAtp(group('WAREHOUSE'), workedExample);
  assert.equal(
    [e.quantityOnHand, e.reservedQuantity, e.safetyStock, e.threshold, e.brokeringQueue, e.excludedFacilitiesAtp],
    [100, 5, 5, 5, 5, 5],
  );
  assert.is(e.onlineAtp, 75);
  assert.is(e.overReservedShortfall, 0);
  assert.is(
    formatOnlineAtpExplanation(e).split('\n')[0],
    "SKU-100 in SHOPIFY_US: Online ATP 75 = QOH 100 - (reserved 5 + safety stock 5 + threshold 5 + brokering queue 5 + excluded facilities' ATP 5)",
  );
});

examples('an over-reserved facility in the group counts as 0; its shortfall is not taken from the others', () => {
  const product = { productId: 'P', positions: [stock('A', 10, 15), stock('B', 20)], threshold: 0, brokeringQueue: 0 };
  assert.is(onlineAtp(group('A', 'B'), product), 20);
  const e = explainOnlineAtp(group('A', 'B'), product);
  assert.is(e.overReservedShortfall, 5);
  assert.is(e.facilities[0]!.facilityAtp, -5);
  assert.is(e.facilities[0]!.contribution, 0);
  assert.ok(formatOnlineAtpExplanation(e).includes('over-reserved, counts as 0'));
});

examples('safety stock larger than a facility stock does not eat into another facility', () => {
  const product = { productId: 'P', positions: [stock('A', 3, 0, 5), stock('B', 7)], threshold: 0, brokeringQueue: 0 };
  assert.is(onlineAtp(group('A', 'B'), product), 7);
});

examples('a facility outside the group has no effect, over-reserved or not', () => {
  const base = { productId: 'P', positions: [stock('A', 10)], threshold: 1, brokeringQueue: 1 };
  const withExcluded = (s: FacilityStock) => ({ ...base, positions: [...base.positions, s] });
  assert.is(onlineAtp(group('A'), base), 8);
  assert.is(onlineAtp(group('A'), withExcluded(stock('E', 50, 3))), 8);
  assert.is(onlineAtp(group('A'), withExcluded(stock('E', 0, 7))), 8);
  assert.is(explainOnlineAtp(group('A'), withExcluded(stock('E', 0, 7))).excludedFacilitiesAtp, -7);
});

examples('never below zero, and the explanation says how far below it was', () => {
  const product = { productId: 'P', positions: [stock('A', 4)], threshold: 3, brokeringQueue: 6 };
  assert.is(onlineAtp(group('A'), product), 0);
  assert.is(explainOnlineAtp(group('A'), product).unrounded, -5);
});

examples('decimals are exact and rounded down once, at the end', () => {
  // Float arithmetic gives 2.3 - 0.3 = 1.9999999999999998, which would floor to 1.
  assert.is(
    onlineAtp(group('A'), { productId: 'P', positions: [stock('A', 2.3, 0.3)], threshold: 0, brokeringQueue: 0 }),
    2,
  );
  const halves = { productId: 'P', positions: [stock('A', 1.5), stock('B', 1.5)], threshold: 0, brokeringQueue: 0 };
  assert.is(onlineAtp(group('A', 'B'), halves), 3, 'summed before rounding, not per facility');
  assert.is(onlineAtp(group('A'), { ...halves, positions: [stock('A', 2.99999)] }), 2);
});

examples('repeated positions of one facility are summed before the over-reservation rule', () => {
  const product = {
    productId: 'P',
    positions: [stock('A', 10, 12), stock('A', 5), stock('B', 4)],
    threshold: 0,
    brokeringQueue: 0,
  };
  assert.is(onlineAtp(group('A', 'B'), product), 7);
  const e = explainOnlineAtp(group('A', 'B'), product);
  assert.equal(
    e.facilities.map((f) => [f.facilityId, f.quantityOnHand, f.facilityAtp]),
    [
      ['A', 15, 3],
      ['B', 4, 4],
    ],
  );
});

examples('a product with no stock anywhere has online ATP 0', () => {
  assert.is(onlineAtp(group('A'), { productId: 'P', positions: [], threshold: 0, brokeringQueue: 0 }), 0);
});

const properties = suite('onlineAtp: properties');
const runs = { numRuns: 300 };

const withPosition = (
  p: ProductInventory,
  i: number,
  change: (s: FacilityStock) => FacilityStock,
): ProductInventory => ({
  ...p,
  positions: p.positions.map((s, j) => (j === i ? change(s) : s)),
});
const positionIndex = (p: ProductInventory) => fc.nat({ max: Math.max(0, p.positions.length - 1) });

properties('never negative, always a whole number, and equal to its explanation', () => {
  fc.assert(
    fc.property(atpScenario(), ({ group, product }) => {
      const atp = onlineAtp(group, product);
      const e = explainOnlineAtp(group, product);
      const s = toScaled;
      const identity =
        s(e.quantityOnHand) -
        (s(e.reservedQuantity) + s(e.safetyStock) + s(e.threshold) + s(e.brokeringQueue) + s(e.excludedFacilitiesAtp)) +
        s(e.overReservedShortfall);
      return atp >= 0 && Number.isInteger(atp) && e.onlineAtp === atp && identity === s(e.unrounded);
    }),
    runs,
  );
});

properties('never rises when reserved, safety stock, threshold or queue rises', () => {
  fc.assert(
    fc.property(
      atpScenario().chain((sc) =>
        fc.tuple(
          fc.constant(sc),
          positionIndex(sc.product),
          quantity({ min: 0, max: 100 }),
          fc.constantFrom('reserved', 'safety', 'threshold', 'queue'),
        ),
      ),
      ([{ group, product }, i, more, term]) => {
        const before = onlineAtp(group, product);
        const raised =
          term === 'threshold'
            ? { ...product, threshold: product.threshold + more }
            : term === 'queue'
              ? { ...product, brokeringQueue: product.brokeringQueue + more }
              : withPosition(product, i, (s) =>
                  term === 'reserved'
                    ? { ...s, reservedQuantity: s.reservedQuantity + more }
                    : { ...s, safetyStock: s.safetyStock + more },
                );
        return onlineAtp(group, raised) <= before;
      },
    ),
    runs,
  );
});

properties("never rises when an excluded facility's ATP rises", () => {
  fc.assert(
    fc.property(atpScenario(), quantity({ min: 0, max: 100 }), ({ group, product }, more) => {
      const members = new Set(group.facilityIds);
      const raised = {
        ...product,
        positions: product.positions.map((s) =>
          members.has(s.facilityId) ? s : { ...s, quantityOnHand: s.quantityOnHand + more },
        ),
      };
      const lowered = {
        ...product,
        positions: product.positions.map((s) =>
          members.has(s.facilityId) ? s : { ...s, reservedQuantity: 0, safetyStock: 0 },
        ),
      };
      const before = onlineAtp(group, product);
      return onlineAtp(group, raised) <= before && onlineAtp(group, lowered) <= before;
    }),
    runs,
  );
});

properties("never falls when an included facility's QOH rises", () => {
  fc.assert(
    fc.property(
      atpScenario().chain((sc) => fc.tuple(fc.constant(sc), positionIndex(sc.product), quantity({ min: 0, max: 100 }))),
      ([{ group, product }, i, more]) => {
        const raised = withPosition(product, i, (s) => ({ ...s, quantityOnHand: s.quantityOnHand + more }));
        return onlineAtp(group, raised) >= onlineAtp(group, product);
      },
    ),
    runs,
  );
});

properties('moving a facility out of the group never raises it', () => {
  fc.assert(
    fc.property(
      atpScenario().chain((sc) =>
        fc.tuple(fc.constant(sc), fc.nat({ max: Math.max(0, sc.group.facilityIds.length - 1) })),
      ),
      ([{ group, product }, i]) => {
        const smaller = { ...group, facilityIds: group.facilityIds.filter((_, j) => j !== i) };
        return onlineAtp(smaller, product) <= onlineAtp(group, product);
      },
    ),
    runs,
  );
});

properties('independent of the order of facilities', () => {
  fc.assert(
    fc.property(
      atpScenario().chain((sc) =>
        fc.tuple(
          fc.constant(sc),
          fc.shuffledSubarray([...sc.product.positions], { minLength: sc.product.positions.length }),
          fc.shuffledSubarray([...sc.group.facilityIds], { minLength: sc.group.facilityIds.length }),
        ),
      ),
      ([{ group, product }, positions, facilityIds]) =>
        onlineAtp({ ...group, facilityIds }, { ...product, positions }) === onlineAtp(group, product),
    ),
    runs,
  );
});

properties('matches the closed formula whenever no facility is over-reserved', () => {
  fc.assert(
    fc.property(atpScenario(), ({ group, product }) => {
      const facilityAtp = (s: FacilityStock) =>
        toScaled(s.quantityOnHand) - toScaled(s.reservedQuantity) - toScaled(s.safetyStock);
      fc.pre(product.positions.every((s) => facilityAtp(s) >= 0));
      const members = new Set(group.facilityIds);
      const sum = (f: (s: FacilityStock) => number) => product.positions.reduce((acc, s) => acc + f(s), 0);
      const excluded = sum((s) => (members.has(s.facilityId) ? 0 : facilityAtp(s)));
      const closed =
        sum((s) => toScaled(s.quantityOnHand)) -
        (sum((s) => toScaled(s.reservedQuantity)) +
          sum((s) => toScaled(s.safetyStock)) +
          toScaled(product.threshold) +
          toScaled(product.brokeringQueue) +
          excluded);
      return onlineAtp(group, product) === Math.max(0, Math.floor(closed / 100_000));
    }),
    runs,
  );
});

const bulk = suite('onlineAtpByProduct and productInventories');

bulk('group flat positions by product and agree with the one-product function', () => {
  const positions = [
    { productId: 'P1', ...stock('A', 10, 2) },
    { productId: 'P2', ...stock('A', 4) },
    { productId: 'P1', ...stock('B', 6, 0, 1) },
    { productId: 'P1', ...stock('X', 100) },
  ];
  const products = productInventories(
    positions,
    [{ productId: 'P1', threshold: 2 }],
    [
      { productId: 'P2', quantity: 1 },
      { productId: 'P2', quantity: 0.5 },
      { productId: 'P3', quantity: 1 },
    ],
    { defaultThreshold: 1 },
  );
  assert.equal(
    products.map((p) => [p.productId, p.positions.length, p.threshold, p.brokeringQueue]),
    [
      ['P1', 3, 2, 0],
      ['P2', 1, 1, 1.5],
      ['P3', 0, 1, 1],
    ],
  );
  const atp = onlineAtpByProduct(group('A', 'B'), products);
  assert.equal(
    [...atp],
    [
      ['P1', 11],
      ['P2', 1],
      ['P3', 0],
    ],
  );
  for (const p of products) assert.is(atp.get(p.productId), onlineAtp(group('A', 'B'), p));
});

examples.run();
properties.run();
bulk.run();
