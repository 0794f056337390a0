/** What can go wrong with the inventory store. `retriable` says whether the same call may succeed later. */
export type StoreError =
  | {
      readonly _tag: 'InventoryStoreUnavailable';
      readonly reason: string;
      readonly retriable: true;
      readonly cause?: unknown;
    }
  | {
      readonly _tag: 'InventoryStoreFailed';
      readonly operation: string;
      readonly reason: string;
      readonly retriable: boolean;
      readonly cause?: unknown;
    };
