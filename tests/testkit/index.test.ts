// The arbitraries users get from `oms-inventory-sync/testkit`: each one keeps the promise of its doc comment.
import fc from 'fast-check';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  ChannelFacilityGroup,
  InventoryPosition,
  NonNegativeQuantity,
  Quantity,
  WholeQuantity,
  isIdentifier,
  pairKey,
} from '../../src/domain/index.ts';
import {
  atpScenario,
  channelFacilityGroup,
  facilityStock,
  identifier,
  inventoryPosition,
  itemQuantities,
  positionQuantities,
  productInventory,
  quantity,
  realisticQuantity,
  snapshotRows,
  stockLevels,
  wholeQuantity,
} from '../../src/testkit/index.ts';

const RUNS = { numRuns: 200 };
const distinct = <A>(list: ReadonlyArray<A>, key: (a: A) => string) => new Set(list.map(key)).size === list.length;

const scalars = suite('testkit arbitraries: identifiers and quantities');

scalars('identifier: valid ids from a small alphabet, with the prefix', () => {
  fc.assert(
    fc.property(identifier('P'), (id) => isIdentifier(id) && /^P[A-Za-z0-9][A-Za-z0-9_.-]{0,7}$/.test(id)),
    RUNS,
  );
});

scalars('quantity: at most five decimals within [min, max]; whole and realistic quantities alike', () => {
  fc.assert(
    fc.property(quantity({ min: -2.5, max: 7.25 }), (q) => Quantity.is(q) && q >= -2.5 && q <= 7.25),
    RUNS,
  );
  fc.assert(
    fc.property(quantity(), (q) => NonNegativeQuantity.is(q) && q <= 1000),
    RUNS,
  );
  fc.assert(
    fc.property(wholeQuantity({ min: -3, max: 3 }), (q) => WholeQuantity.is(q) && q >= -3 && q <= 3),
    RUNS,
  );
  fc.assert(
    fc.property(realisticQuantity({ min: 1, max: 2 }), (q) => Quantity.is(q) && q >= 1 && q <= 2),
    RUNS,
  );
});

scalars('realisticQuantity is whole most of the time, and decimal sometimes', () => {
  const sample = fc.sample(realisticQuantity(), { numRuns: 400, seed: 42 });
  const whole = sample.filter(Number.isInteger).length;
  assert.ok(whole > 200 && whole < 400, `${whole} of 400 whole`);
});

const model = suite('testkit arbitraries: the inventory model');

model('facilityStock and inventoryPosition are valid positions (QOH may go below zero)', () => {
  fc.assert(
    fc.property(inventoryPosition(), (p) => InventoryPosition.is(p)),
    RUNS,
  );
  fc.assert(
    fc.property(
      facilityStock(fc.constant('F1')),
      (s) => s.facilityId === 'F1' && InventoryPosition.is({ productId: 'P', ...s }),
    ),
    RUNS,
  );
});

model('channelFacilityGroup: a channel group over some of the facilities given', () => {
  fc.assert(
    fc.property(
      channelFacilityGroup(['F1', 'F2', 'F3']),
      (g) =>
        ChannelFacilityGroup.is(g) &&
        g.facilityIds.every((f) => ['F1', 'F2', 'F3'].includes(f)) &&
        distinct(g.facilityIds, (f) => f),
    ),
    RUNS,
  );
});

model('productInventory and atpScenario: distinct facilities, all from the ones given, non-negative terms', () => {
  fc.assert(
    fc.property(
      productInventory(['F1', 'F2']),
      (p) =>
        distinct(p.positions, (s) => s.facilityId) &&
        p.positions.every((s) => ['F1', 'F2'].includes(s.facilityId)) &&
        NonNegativeQuantity.is(p.threshold) &&
        NonNegativeQuantity.is(p.brokeringQueue),
    ),
    RUNS,
  );
  fc.assert(
    fc.property(
      atpScenario(),
      ({ group, product }) =>
        ChannelFacilityGroup.is(group) &&
        distinct(product.positions, (s) => s.facilityId) &&
        product.positions.every((s) => InventoryPosition.is({ productId: product.productId, ...s })),
    ),
    RUNS,
  );
});

const states = suite('testkit arbitraries: states and snapshots');

states('positionQuantities, itemQuantities and stockLevels: each pair at most once', () => {
  fc.assert(
    fc.property(
      positionQuantities(),
      (ps) => distinct(ps, (p) => pairKey(p.productId, p.facilityId)) && ps.length <= 40,
    ),
    RUNS,
  );
  fc.assert(
    fc.property(
      itemQuantities(),
      (qs) =>
        distinct(qs, (q) => pairKey(q.inventoryItemId, q.locationId)) &&
        qs.every((q) => WholeQuantity.is(q.quantity) && q.quantity >= 0),
    ),
    RUNS,
  );
  fc.assert(
    fc.property(stockLevels(), (ls) => distinct(ls, (l) => pairKey(l.productId, l.facilityId))),
    RUNS,
  );
});

states('snapshotRows: numbered from line 2 (after the header), one line each, within the range', () => {
  fc.assert(
    fc.property(snapshotRows({ min: 0, max: 10 }), (rows) =>
      rows.every((r, i) => r.line === i + 2 && r.quantity >= 0 && r.quantity <= 10),
    ),
    RUNS,
  );
});

scalars.run();
model.run();
states.run();
