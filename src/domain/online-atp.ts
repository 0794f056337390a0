import type { ChannelFacilityGroup } from './facility.ts';
import type { FacilityStock, InventoryPosition } from './inventory-position.ts';
import type { BrokeringQueueQuantity, ProductThreshold } from './product.ts';
import { fromScaled, toScaled, wholeUnitsAvailable } from './quantity.ts';

/**
 * Everything online ATP needs for one product: its stock at every facility that holds it (inside the channel group
 * or not), its threshold and the units in its brokering queue.
 */
export interface ProductInventory {
  readonly productId: string;
  readonly positions: ReadonlyArray<FacilityStock>;
  readonly threshold: number;
  readonly brokeringQueue: number;
}

/** One facility's line in an online ATP explanation. */
export interface FacilityAtpLine {
  readonly facilityId: string;
  /** Whether the facility is a member of the channel facility group. */
  readonly included: boolean;
  readonly quantityOnHand: number;
  readonly reservedQuantity: number;
  readonly safetyStock: number;
  /** The facility's own ATP: quantity on hand - reserved - safety stock; below zero when over-reserved. */
  readonly facilityAtp: number;
  /** What the facility adds to online ATP: its ATP when included and not below zero, otherwise 0. */
  readonly contribution: number;
}

/**
 * The numbers behind an online ATP, term by term. They always satisfy
 * `unrounded = quantityOnHand - (reservedQuantity + safetyStock + threshold + brokeringQueue + excludedFacilitiesAtp)
 *  + overReservedShortfall` and `onlineAtp = max(0, floor(unrounded))`.
 */
export interface OnlineAtpExplanation {
  readonly productId: string;
  readonly facilityGroupId: string;
  /** What Shopify should show: whole units, never below zero. */
  readonly onlineAtp: number;
  /** Online ATP before rounding down and before the floor at zero. */
  readonly unrounded: number;
  /** Totals over every facility that holds the product. */
  readonly quantityOnHand: number;
  readonly reservedQuantity: number;
  readonly safetyStock: number;
  readonly threshold: number;
  readonly brokeringQueue: number;
  /** The summed ATP of the facilities outside the channel group (signed: an over-reserved one counts below zero). */
  readonly excludedFacilitiesAtp: number;
  /**
   * How far the group's over-reserved facilities are below zero, added back: a facility's shortfall is its own and is
   * not charged to the stock of the other facilities (see `onlineAtp`).
   */
  readonly overReservedShortfall: number;
  readonly facilities: ReadonlyArray<FacilityAtpLine>;
}

const scaledFacilityAtp = (stock: FacilityStock): number =>
  toScaled(stock.quantityOnHand) - toScaled(stock.reservedQuantity) - toScaled(stock.safetyStock);

// Positions of one product are unique per facility in the OMS, so the common case costs one scan of a short array.
const hasRepeatedFacility = (positions: ReadonlyArray<FacilityStock>): boolean => {
  const n = positions.length;
  if (n < 2) return false;
  if (n > 32) return new Set(positions.map((p) => p.facilityId)).size !== n;
  for (let i = 1; i < n; i++) {
    const id = positions[i]!.facilityId;
    for (let j = 0; j < i; j++) if (positions[j]!.facilityId === id) return true;
  }
  return false;
};

/** A product's stock with one entry per facility: repeated facilities (lots, bins) summed exactly, first-seen order. */
export const stockPerFacility = (positions: ReadonlyArray<FacilityStock>): ReadonlyArray<FacilityStock> => {
  if (!hasRepeatedFacility(positions)) return positions;
  const totals = new Map<string, { qoh: number; reserved: number; safety: number }>();
  for (const p of positions) {
    const total = totals.get(p.facilityId) ?? { qoh: 0, reserved: 0, safety: 0 };
    total.qoh += toScaled(p.quantityOnHand);
    total.reserved += toScaled(p.reservedQuantity);
    total.safety += toScaled(p.safetyStock);
    totals.set(p.facilityId, total);
  }
  return Array.from(totals, ([facilityId, total]) => ({
    facilityId,
    quantityOnHand: fromScaled(total.qoh),
    reservedQuantity: fromScaled(total.reserved),
    safetyStock: fromScaled(total.safety),
  }));
};

const scaledOnlineAtp = (members: ReadonlySet<string>, product: ProductInventory): number => {
  let counted = 0;
  for (const stock of stockPerFacility(product.positions)) {
    if (!members.has(stock.facilityId)) continue;
    const atp = scaledFacilityAtp(stock);
    if (atp > 0) counted += atp;
  }
  return counted - toScaled(product.threshold) - toScaled(product.brokeringQueue);
};

/**
 * Online ATP of one product for one channel facility group:
 * `QOH - (reserved + safety stock + threshold + brokering queue + excluded facilities' ATP)`, in whole units, never
 * below zero.
 *
 * Over-reserved facilities (own ATP below zero) count as zero: their shortfall is not taken from the other
 * facilities' stock, because the orders behind it are rejected and re-brokered, and then count in the brokering queue
 * (charging them here as well would count them twice). Facilities outside the group have no effect at all, so
 * moving a facility out of the group never raises the result. With no facility over-reserved this is exactly the
 * closed formula above, with QOH, reserved and safety stock summed over every facility that holds the product.
 */
export const onlineAtp = (group: ChannelFacilityGroup, product: ProductInventory): number =>
  onlineAtpFor(group)(product);

/** `onlineAtp` with the group's membership prepared once, for computing many products against one group. */
export const onlineAtpFor = (group: ChannelFacilityGroup): ((product: ProductInventory) => number) => {
  const members: ReadonlySet<string> = new Set(group.facilityIds);
  return (product) => wholeUnitsAvailable(scaledOnlineAtp(members, product));
};

/** Online ATP with the numbers behind it: `explanation.onlineAtp` always equals `onlineAtp(group, product)`. */
export const explainOnlineAtp = (group: ChannelFacilityGroup, product: ProductInventory): OnlineAtpExplanation => {
  const members: ReadonlySet<string> = new Set(group.facilityIds);
  let qoh = 0;
  let reserved = 0;
  let safety = 0;
  let excluded = 0;
  let shortfall = 0;
  const facilities = stockPerFacility(product.positions).map((stock): FacilityAtpLine => {
    const included = members.has(stock.facilityId);
    const atp = scaledFacilityAtp(stock);
    qoh += toScaled(stock.quantityOnHand);
    reserved += toScaled(stock.reservedQuantity);
    safety += toScaled(stock.safetyStock);
    if (!included) excluded += atp;
    else if (atp < 0) shortfall -= atp;
    return {
      facilityId: stock.facilityId,
      included,
      quantityOnHand: stock.quantityOnHand,
      reservedQuantity: stock.reservedQuantity,
      safetyStock: stock.safetyStock,
      facilityAtp: fromScaled(atp),
      contribution: included && atp > 0 ? fromScaled(atp) : 0,
    };
  });
  const threshold = toScaled(product.threshold);
  const queue = toScaled(product.brokeringQueue);
  const unrounded = qoh - (reserved + safety + threshold + queue + excluded) + shortfall;
  return {
    productId: product.productId,
    facilityGroupId: group.facilityGroupId,
    onlineAtp: wholeUnitsAvailable(unrounded),
    unrounded: fromScaled(unrounded),
    quantityOnHand: fromScaled(qoh),
    reservedQuantity: fromScaled(reserved),
    safetyStock: fromScaled(safety),
    threshold: fromScaled(threshold),
    brokeringQueue: fromScaled(queue),
    excludedFacilitiesAtp: fromScaled(excluded),
    overReservedShortfall: fromScaled(shortfall),
    facilities,
  };
};

/** The explanation as the sentence a merchandiser reads: "Online ATP 75 = QOH 100 - (reserved 5 + ...)". */
export const formatOnlineAtpExplanation = (e: OnlineAtpExplanation): string => {
  const head =
    `Online ATP ${e.onlineAtp} = QOH ${e.quantityOnHand} - (reserved ${e.reservedQuantity}` +
    ` + safety stock ${e.safetyStock} + threshold ${e.threshold} + brokering queue ${e.brokeringQueue}` +
    ` + excluded facilities' ATP ${e.excludedFacilitiesAtp})` +
    (e.overReservedShortfall === 0 ? '' : ` + over-reserved shortfall ${e.overReservedShortfall}`);
  const rounding =
    e.unrounded === e.onlineAtp ? '' : `\n  (${e.unrounded} before rounding down to whole units, floored at 0)`;
  const lines = e.facilities.map(
    (f) =>
      `\n  ${f.included ? 'in group ' : 'excluded '} ${f.facilityId}: QOH ${f.quantityOnHand} - reserved ` +
      `${f.reservedQuantity} - safety stock ${f.safetyStock} = ATP ${f.facilityAtp}` +
      (f.included && f.facilityAtp < 0 ? ' (over-reserved, counts as 0)' : ''),
  );
  return `${e.productId} in ${e.facilityGroupId}: ${head}${rounding}${lines.join('')}`;
};

/** Options for `productInventories`. */
export interface ProductInventoryOptions {
  /** The threshold of a product that has none of its own (HotWax's global threshold); 0 when not given. */
  readonly defaultThreshold?: number;
}

/**
 * Groups flat positions by product and attaches each product's threshold and brokering queue. Products that appear
 * only in the thresholds or the queue get no positions (online ATP 0). Products come out in first-seen order.
 */
export const productInventories = (
  positions: ReadonlyArray<InventoryPosition>,
  thresholds: ReadonlyArray<ProductThreshold>,
  brokeringQueue: ReadonlyArray<BrokeringQueueQuantity>,
  options: ProductInventoryOptions = {},
): ReadonlyArray<ProductInventory> => {
  const byProduct = new Map<string, FacilityStock[]>();
  for (const p of positions) {
    const list = byProduct.get(p.productId);
    if (list === undefined) byProduct.set(p.productId, [p]);
    else list.push(p);
  }
  const threshold = new Map<string, number>();
  for (const t of thresholds) threshold.set(t.productId, t.threshold);
  const queued = new Map<string, number>();
  for (const q of brokeringQueue)
    queued.set(q.productId, fromScaled(toScaled(queued.get(q.productId) ?? 0) + toScaled(q.quantity)));
  for (const id of [...threshold.keys(), ...queued.keys()]) if (!byProduct.has(id)) byProduct.set(id, []);
  const defaultThreshold = options.defaultThreshold ?? 0;
  return Array.from(byProduct, ([productId, stock]) => ({
    productId,
    positions: stock,
    threshold: threshold.get(productId) ?? defaultThreshold,
    brokeringQueue: queued.get(productId) ?? 0,
  }));
};

/** Online ATP of every given product for one channel group, keyed by product id. */
export const onlineAtpByProduct = (
  group: ChannelFacilityGroup,
  products: Iterable<ProductInventory>,
): ReadonlyMap<string, number> => {
  const atp = onlineAtpFor(group);
  const result = new Map<string, number>();
  for (const product of products) result.set(product.productId, atp(product));
  return result;
};
