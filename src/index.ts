/**
 * oms-inventory-sync: keeps a retailer's inventory correct across NetSuite, the OMS and Shopify.
 * This entry point re-exports the pure domain; `oms-inventory-sync/testkit` has the fast-check arbitraries.
 */
export * from './domain/index.ts';
