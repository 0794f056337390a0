import * as t from 'io-ts';
import { Identifier } from './identifiers.ts';
import { NonNegativeQuantity } from './quantity.ts';

/** A product as the OMS knows it: its id and the SKU that ties it to NetSuite items and Shopify variants. */
export const Product = t.readonly(
  t.intersection([t.type({ productId: Identifier }), t.partial({ sku: Identifier, internalName: t.string })]),
  'Product',
);
export type Product = t.TypeOf<typeof Product>;

/** Units of a product held back from online sale on top of every other term (HotWax's per-product threshold). */
export const ProductThreshold = t.readonly(
  t.type({ productId: Identifier, threshold: NonNegativeQuantity }),
  'ProductThreshold',
);
export type ProductThreshold = t.TypeOf<typeof ProductThreshold>;

/** Units of a product in orders that are captured but not yet brokered to a facility. */
export const BrokeringQueueQuantity = t.readonly(
  t.type({ productId: Identifier, quantity: NonNegativeQuantity }),
  'BrokeringQueueQuantity',
);
export type BrokeringQueueQuantity = t.TypeOf<typeof BrokeringQueueQuantity>;
