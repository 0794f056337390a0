/** How far a long run has got: for progress bars and logs. `total` is null when it is not known in advance. */
export interface ProgressEvent {
  readonly job: string;
  /** What is being counted, e.g. `lines of 20261122T030000000Z-hard-sync-SHOPIFY_US-run.jsonl`. */
  readonly step: string;
  readonly done: number;
  readonly total: number | null;
}

/** An optional listener for progress; use cases call it when present and never depend on it. */
export interface Progress {
  readonly progress?: (event: ProgressEvent) => void;
}
