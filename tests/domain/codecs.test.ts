import fc from 'fast-check';
import { isLeft, isRight } from 'fp-ts/lib/Either.js';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  ChannelFacilityGroup,
  FacilityGroup,
  Identifier,
  InventoryPosition,
  NonNegativeQuantity,
  Product,
  Quantity,
  WholeQuantity,
  fromScaled,
  isChannelFacilityGroup,
  toScaled,
  wholeUnitsAvailable,
} from '../../src/domain/index.ts';
import { inventoryPosition, quantity } from '../arbitraries.ts';

const quantities = suite('quantities');

quantities('valid quantities: finite, at most five decimals, at most a billion', () => {
  for (const ok of [0, 1, -3, 2.5, 0.00001, 123456.78901, 1e9]) assert.ok(isRight(Quantity.decode(ok)), String(ok));
  for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, 0.000001, 1e9 + 1, '5', null])
    assert.ok(isLeft(Quantity.decode(bad)), String(bad));
  assert.ok(isLeft(NonNegativeQuantity.decode(-0.5)));
  assert.ok(isRight(WholeQuantity.decode(-2)));
  assert.ok(isLeft(WholeQuantity.decode(2.5)));
});

quantities('the one rounding rule: down to whole units, never below zero', () => {
  assert.is(wholeUnitsAvailable(toScaled(2.99999)), 2);
  assert.is(wholeUnitsAvailable(toScaled(3)), 3);
  assert.is(wholeUnitsAvailable(toScaled(-0.5)), 0);
});

quantities('property: scaling is exact and reversible on every valid quantity', () => {
  fc.assert(
    fc.property(
      quantity({ min: -1e9, max: 1e9 }),
      (q) => Number.isSafeInteger(toScaled(q)) && fromScaled(toScaled(q)) === q && isRight(Quantity.decode(q)),
    ),
    { numRuns: 1000 },
  );
});

const codecs = suite('model codecs');

codecs('identifiers: non-empty, trimmed, no control characters', () => {
  assert.ok(isRight(Identifier.decode('SKU-1')));
  for (const bad of ['', ' SKU', 'SKU\n', 'a\u0000b', 'x'.repeat(256), 7])
    assert.ok(isLeft(Identifier.decode(bad)), JSON.stringify(bad));
});

codecs('products, positions and groups decode from boundary data and reject bad fields', () => {
  assert.ok(isRight(Product.decode({ productId: '10001', sku: 'SKU-1' })));
  assert.ok(isLeft(Product.decode({ sku: 'SKU-1' })));
  assert.ok(
    isRight(
      InventoryPosition.decode({
        productId: 'P',
        facilityId: 'F',
        quantityOnHand: -2,
        reservedQuantity: 1,
        safetyStock: 0,
      }),
    ),
  );
  assert.ok(
    isLeft(
      InventoryPosition.decode({
        productId: 'P',
        facilityId: 'F',
        quantityOnHand: 2,
        reservedQuantity: -1,
        safetyStock: 0,
      }),
    ),
  );
  const channel = { facilityGroupId: 'G', facilityGroupTypeId: 'CHANNEL_FAC_GROUP', facilityIds: ['A', 'B'] };
  assert.ok(isRight(ChannelFacilityGroup.decode(channel)));
  assert.ok(isLeft(ChannelFacilityGroup.decode({ ...channel, facilityGroupTypeId: 'PICKUP' })));
  const pickup = FacilityGroup.decode({ ...channel, facilityGroupTypeId: 'PICKUP' });
  assert.ok(isRight(pickup) && !isChannelFacilityGroup(pickup.right));
});

codecs('property: every generated position is a valid InventoryPosition', () => {
  fc.assert(
    fc.property(inventoryPosition(), (p) => InventoryPosition.is(p)),
    { numRuns: 300 },
  );
});

quantities.run();
codecs.run();
