// The inventory ledger on every store: its contract (the memory store as the reference), and concurrent writers in
// separate processes on PostgreSQL and SQLite.
import { STORE_ADAPTERS as adapters } from '../../support/stores.ts';
import { inventoryLedgerContract } from './inventory-ledger.contract.ts';

for (const [adapter, open] of adapters) inventoryLedgerContract(adapter, open);
