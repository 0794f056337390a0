import { STORE_ADAPTERS as adapters } from '../../support/stores.ts';
import { unicodeIdsContract } from './unicode-ids.contract.ts';

for (const [adapter, open] of adapters) unicodeIdsContract(adapter, open);
