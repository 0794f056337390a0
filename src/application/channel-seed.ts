import type { TaskEither } from 'fp-ts/lib/TaskEither.js';
import type { FacilityGroup } from '../domain/index.ts';
import type { StoreError } from './store-error.ts';

/**
 * Editing the OMS's side of online ATP. Each write marks the products it touches as changed, so the next delta push
 * looks at them: the OMS events (sales, returns, transfers, safety stock and threshold edits) come in this way.
 */
export interface ChannelSeed {
  readonly saveFacilityGroup: (group: FacilityGroup) => TaskEither<StoreError, void>;
  /**
   * Puts one facility in (`member`) or out of an existing group, in one statement: concurrent toggles of a group never
   * lose one another (as a read, edit and `saveFacilityGroup` of the whole list could). Resolves to whether the
   * membership changed; a change marks every product stocked at the facility changed. Fails, writing nothing, for an
   * unknown group.
   */
  readonly setFacilityGroupMember: (
    facilityGroupId: string,
    facilityId: string,
    member: boolean,
  ) => TaskEither<StoreError, boolean>;
  readonly saveSalesChannel: (channel: {
    readonly facilityGroupId: string;
    readonly shop: string;
    readonly locationId: string;
  }) => TaskEither<StoreError, void>;
  /** Sets products' SKUs (null clears one); fails, writing nothing, when a product id is unknown. */
  readonly saveProductSkus: (
    skus: ReadonlyArray<{ readonly productId: string; readonly sku: string | null }>,
  ) => TaskEither<StoreError, void>;
  /**
   * Sets QOH, reserved quantity and safety stock of positions (ATP becomes QOH - reserved), through the ledger: the
   * call becomes the events that take the locked values to these (`counted`, `reserved`/`released`,
   * `safety-stock-set`; a `reset` for a negative QOH; none for a value already equal). The whole call is refused,
   * nothing written, when a quantity is negative, not finite or too precise, or a product or facility is unknown.
   */
  readonly savePositions: (
    positions: ReadonlyArray<{
      readonly productId: string;
      readonly facilityId: string;
      readonly quantityOnHand: number;
      readonly reservedQuantity: number;
      readonly safetyStock: number;
    }>,
  ) => TaskEither<StoreError, void>;
  /** Sets products' thresholds through the ledger (`threshold-set` events), refused whole as `savePositions` is. */
  readonly saveThresholds: (
    thresholds: ReadonlyArray<{ readonly productId: string; readonly threshold: number }>,
  ) => TaskEither<StoreError, void>;
  /** Sets products' brokering queues through the ledger (`brokering-queue-changed`), refused whole the same way. */
  readonly saveBrokeringQueue: (
    queue: ReadonlyArray<{ readonly productId: string; readonly quantity: number }>,
  ) => TaskEither<StoreError, void>;
}
