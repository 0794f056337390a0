import fc from 'fast-check';
import { isLeft, isRight } from 'fp-ts/lib/Either.js';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { BrokeringQueueQuantity, Product, ProductThreshold } from '../../src/domain/product.ts';
import { identifier, quantity } from '../arbitraries.ts';

const product = suite('Product');

product('an id, and optionally the SKU that ties it to NetSuite and Shopify and an internal name', () => {
  assert.ok(isRight(Product.decode({ productId: '10001' })));
  assert.ok(isRight(Product.decode({ productId: '10001', sku: 'SKU-1', internalName: '  Blue tee, M ' })));
  for (const bad of [
    { sku: 'SKU-1' },
    { productId: '' },
    { productId: 'P', sku: '' },
    { productId: 'P', sku: 'SKU 1 ' },
  ])
    assert.ok(isLeft(Product.decode(bad)), JSON.stringify(bad));
});

const terms = suite('ProductThreshold and BrokeringQueueQuantity');

terms('zero or more units, decimals allowed, per product', () => {
  assert.ok(isRight(ProductThreshold.decode({ productId: 'P1', threshold: 5 })));
  assert.ok(isRight(ProductThreshold.decode({ productId: 'P1', threshold: 0.5 })));
  assert.ok(isRight(BrokeringQueueQuantity.decode({ productId: 'P1', quantity: 0 })));
  for (const bad of [
    { productId: 'P1', threshold: -1 },
    { productId: 'P1', threshold: 0.000001 },
    { productId: 'P1' },
    { threshold: 5 },
  ])
    assert.ok(isLeft(ProductThreshold.decode(bad)), JSON.stringify(bad));
  for (const bad of [{ productId: 'P1', quantity: -0.5 }, { productId: 'P1', quantity: '5' }, { quantity: 1 }])
    assert.ok(isLeft(BrokeringQueueQuantity.decode(bad)), JSON.stringify(bad));
});

terms('property: any valid id with a quantity >= 0 decodes, any quantity < 0 is refused', () => {
  fc.assert(
    fc.property(identifier('P'), quantity({ min: -1000, max: 1000 }), (productId, q) => {
      const ok = q >= 0;
      return (
        isRight(ProductThreshold.decode({ productId, threshold: q })) === ok &&
        isRight(BrokeringQueueQuantity.decode({ productId, quantity: q })) === ok
      );
    }),
    { numRuns: 300 },
  );
});

product.run();
terms.run();
