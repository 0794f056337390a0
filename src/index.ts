/**
 * oms-inventory-sync: keeps a retailer's inventory correct across NetSuite, the OMS and Shopify.
 * This entry point has the pure domain and the use cases with their ports (no I/O on import). The adapters are in
 * `oms-inventory-sync/adapters`, the composition root in `oms-inventory-sync/composition`, the local Shopify server in
 * `oms-inventory-sync/testkit/shopify` and the fast-check arbitraries in `oms-inventory-sync/testkit`.
 */
export * from './domain/index.ts';
export * from './application/index.ts';
