/**
 * The pure domain of oms-inventory-sync: quantities, the inventory model and its codecs, online ATP, the reset diff
 * and delta detection. No I/O, no clock, no randomness.
 */
export * from './quantity.ts';
export * from './identifiers.ts';
export * from './product.ts';
export * from './facility.ts';
export * from './inventory-position.ts';
export * from './online-atp.ts';
export * from './reset-diff.ts';
export * from './delta.ts';
export * from './batch.ts';
export { pairKey } from './keyed-diff.ts';
export type { KeyedRejectionReason } from './keyed-diff.ts';
export * from './inventory-reset.ts';
export * from './channel-sync.ts';
export * from './inventory-event.ts';
export * from './ledger-audit.ts';
