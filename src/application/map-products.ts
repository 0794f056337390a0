import type * as RTE from 'fp-ts/lib/ReaderTaskEither.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import { lazily } from './lazily.ts';
import { pipe } from 'fp-ts/lib/function.js';
import { foldPages } from './channel-sync.ts';
import type { InventoryItemMapping, ProductMappingStore } from './product-mapping.ts';
import type { Clock } from './clock.ts';
import type { StoreError } from './store-error.ts';
import type { ShopifyError, ShopifyInventory } from './shopify-inventory.ts';

/** Parameters of a mapping run. */
export interface MapProductsConfig {
  readonly shop: string;
  /** Products looked up per page. */
  readonly pageSize: number;
  /** Look every product up again, mapped ones too (a full remap); otherwise only those `productSkus` says need it. */
  readonly all?: boolean;
}

/** What a mapping run found: how many mapped, and every SKU that matched nothing or more than one item. */
export interface MapProductsReport {
  readonly shop: string;
  /** Products looked up: all with a SKU on a full remap, else those without a mapping or whose SKU changed. */
  readonly products: number;
  readonly mapped: number;
  readonly unmatched: ReadonlyArray<InventoryItemMapping>;
  readonly ambiguous: ReadonlyArray<InventoryItemMapping>;
  readonly durationMs: number;
}

/** The SKUs looked up in bulk before the mapping pass, and what they found (a SKU found nowhere may be absent). */
interface Known {
  readonly asked: ReadonlySet<string>;
  readonly items: ReadonlyMap<string, ReadonlyArray<string>>;
}
const NOTHING_KNOWN: Known = { asked: new Set(), items: new Map() };

type ItemsOf = (sku: string) => ReadonlyArray<string>;

/** The ports the mapping uses. */
export type MapProductsDeps = ProductMappingStore &
  Pick<ShopifyInventory, 'inventoryItemsBySku' | 'findsSkusInBulk'> &
  Clock;

/**
 * Keeps product -> Shopify inventory item in step: looks up in the shop the SKU of every product not yet mapped there
 * or whose SKU changed since (every product with `all`), and records one mapping per product. A SKU that matches no item, or several (a SKU Shopify does not hold unique), maps the product to
 * nothing, so no push can reach the wrong item; both are reported for someone to fix in Shopify or the OMS.
 *
 * The products to look up are read twice. The first pass gathers their distinct SKUs; when the shop looks that many up
 * in bulk (`findsSkusInBulk`: one bulk query of every variant, no bucket) they are asked for at once. The second pass
 * maps and saves page by page, from that answer, asking page by page for the SKUs it does not hold: every SKU on the
 * search path, only those of products added or changed between the passes on the bulk path.
 */
export const mapProducts = (
  config: MapProductsConfig,
): RTE.ReaderTaskEither<MapProductsDeps, StoreError | ShopifyError, MapProductsReport> =>
  lazily((deps) => {
    // The items of a page's SKUs: from the bulk answer for the SKUs it was asked, the others asked for (each once).
    const lookUp = (known: Known, skus: ReadonlyArray<string>): TE.TaskEither<ShopifyError, ItemsOf> => {
      const missing = [...new Set(skus.filter((sku) => !known.asked.has(sku)))];
      if (missing.length === 0) return TE.right((sku) => known.items.get(sku) ?? []);
      return pipe(
        deps.inventoryItemsBySku(missing),
        TE.map((asked) => (sku: string) => known.items.get(sku) ?? asked.get(sku) ?? []),
      );
    };
    const started = deps.now();
    const empty = {
      products: 0,
      mapped: 0,
      unmatched: [] as InventoryItemMapping[],
      ambiguous: [] as InventoryItemMapping[],
    };
    const page = (after: string | null) =>
      config.all === true
        ? deps.productSkus(after, config.pageSize)
        : deps.productSkus(after, config.pageSize, config.shop);
    return pipe(
      foldPages(
        page,
        (p) => p.productId,
        config.pageSize,
        new Set<string>(),
        (skus, products) => {
          for (const p of products) skus.add(p.sku);
          return TE.right(skus);
        },
      ),
      TE.chainW(
        (skus): TE.TaskEither<StoreError | ShopifyError, Known> =>
          deps.findsSkusInBulk(skus.size)
            ? pipe(
                deps.inventoryItemsBySku([...skus]),
                TE.map((items) => ({ asked: skus, items })),
              )
            : TE.right(NOTHING_KNOWN),
      ),
      TE.chainW((known) =>
        foldPages(
          page,
          (p) => p.productId,
          config.pageSize,
          empty,
          (acc, products) =>
            pipe(
              lookUp(
                known,
                products.map((p) => p.sku),
              ),
              TE.chainW((items) => {
                const mappings = products.map((p): InventoryItemMapping => {
                  const found = items(p.sku);
                  if (found.length === 1)
                    return { productId: p.productId, sku: p.sku, status: 'mapped', inventoryItemId: found[0]! };
                  if (found.length === 0) return { productId: p.productId, sku: p.sku, status: 'unmatched' };
                  return { productId: p.productId, sku: p.sku, status: 'ambiguous', candidates: found };
                });
                for (const m of mappings) {
                  if (m.status === 'mapped') acc.mapped++;
                  else if (m.status === 'unmatched') acc.unmatched.push(m);
                  else acc.ambiguous.push(m);
                }
                acc.products += products.length;
                return pipe(
                  deps.saveMappings(config.shop, mappings),
                  TE.map(() => acc),
                );
              }),
            ),
        ),
      ),
      TE.map((acc) => ({ shop: config.shop, ...acc, durationMs: deps.now().getTime() - started.getTime() })),
    );
  });
