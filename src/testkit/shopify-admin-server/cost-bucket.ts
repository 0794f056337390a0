/**
 * The leaky bucket of one app on one shop: it holds up to `maximumAvailable` points and refills at `restoreRate`
 * points a second. A query needs its requested cost available up front; after it ran, the difference between the
 * requested and the actual cost goes back into the bucket.
 */

/** A plan's bucket size and refill rate, as `extensions.cost.throttleStatus` reports them. */
export interface PlanLimits {
  readonly maximumAvailable: number;
  readonly restoreRate: number;
}

/** `extensions.cost.throttleStatus`. */
export interface ThrottleStatus {
  readonly maximumAvailable: number;
  readonly currentlyAvailable: number;
  readonly restoreRate: number;
}

/** A bucket bound to a clock in milliseconds. */
export interface CostBucket {
  /** Takes `points` if that many are available now, and says whether it did. */
  readonly take: (points: number) => boolean;
  /** Puts `points` back (never above the bucket size). */
  readonly refund: (points: number) => void;
  /** The state Shopify reports; `currentlyAvailable` is whole, as Shopify prints it. */
  readonly status: () => ThrottleStatus;
}

/** A full bucket for `plan`, refilled by reading `now`. */
export const costBucket = (plan: PlanLimits, now: () => number): CostBucket => {
  let available = plan.maximumAvailable;
  let at = now();
  const refill = (): void => {
    const t = now();
    available = Math.min(plan.maximumAvailable, available + (Math.max(0, t - at) * plan.restoreRate) / 1000);
    at = t;
  };
  return {
    take: (points) => {
      refill();
      if (points > available) return false;
      available -= points;
      return true;
    },
    refund: (points) => {
      refill();
      available = Math.min(plan.maximumAvailable, available + points);
    },
    status: () => {
      refill();
      return {
        maximumAvailable: plan.maximumAvailable,
        currentlyAvailable: Math.floor(available),
        restoreRate: plan.restoreRate,
      };
    },
  };
};
