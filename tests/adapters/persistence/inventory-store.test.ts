import { STORE_ADAPTERS as adapters } from '../../support/stores.ts';
import { channelStoreContract } from './channel-store.contract.ts';
import { inventoryLookupContract } from './inventory-lookup.contract.ts';
import { inventoryStoreContract } from './inventory-store.contract.ts';
import { inventoryTermsContract } from './inventory-terms.contract.ts';
import { masterDataContract } from './master-data.contract.ts';
import { runLogContract } from './run-log.contract.ts';
import { scheduleBookContract } from './schedule-book.contract.ts';

for (const [adapter, open] of adapters) {
  inventoryStoreContract(adapter, open);
  channelStoreContract(adapter, open);
  runLogContract(adapter, open);
  scheduleBookContract(adapter, open);
  inventoryLookupContract(adapter, open);
  inventoryTermsContract(adapter, open);
  masterDataContract(adapter, open);
}
