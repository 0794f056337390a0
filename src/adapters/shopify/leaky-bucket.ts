/**
 * The client's picture of Shopify's leaky bucket (one per app and shop), kept from the `throttleStatus` of every
 * response. Shopify charges a request's requested cost up front and refunds the difference to its actual cost; a
 * request whose requested cost exceeds what is available is answered THROTTLED and not run. Waiting until the
 * bucket holds the requested cost before sending keeps a run from ever being throttled while still spending the
 * bucket as fast as it refills.
 */
export interface ThrottleStatus {
  readonly maximumAvailable: number;
  readonly currentlyAvailable: number;
  readonly restoreRate: number;
}

/** The bucket as last reported, and when (ms on the caller's clock). */
export interface BucketState {
  readonly status: ThrottleStatus;
  readonly at: number;
}

/** Points available at `now`, refilled since the last report and capped at the bucket's size. */
export const availableAt = (state: BucketState, now: number): number =>
  Math.min(
    state.status.maximumAvailable,
    state.status.currentlyAvailable + (state.status.restoreRate * (now - state.at)) / 1000,
  );

/**
 * How long to wait before a request of `cost` points: 0 when the bucket holds it now; otherwise the time to refill
 * the shortfall, plus `marginMs` for clock and rounding differences. A cost above the bucket's size waits for a full
 * bucket (Shopify would refuse it anyway with MAX_COST_EXCEEDED above 1000).
 */
export const waitBefore = (state: BucketState | null, cost: number, now: number, marginMs = 5): number => {
  if (state === null) return 0;
  const needed = Math.min(cost, state.status.maximumAvailable);
  const shortfall = needed - availableAt(state, now);
  return shortfall <= 0 ? 0 : Math.ceil((shortfall / state.status.restoreRate) * 1000) + marginMs;
};

/** The bucket after a request of `cost` was sent at `now` (before its answer arrives with the real figures). */
export const spend = (state: BucketState | null, cost: number, now: number): BucketState | null =>
  state === null ? null : { status: { ...state.status, currentlyAvailable: availableAt(state, now) - cost }, at: now };

/** The least time a run of `points` can take from a bucket holding `startAvailable`: what a benchmark compares with. */
export const minimumSeconds = (points: number, startAvailable: number, restoreRate: number): number =>
  Math.max(0, points - startAvailable) / restoreRate;
