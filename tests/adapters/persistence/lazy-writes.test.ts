import { STORE_ADAPTERS as adapters } from '../../support/stores.ts';
import { lazyWritesContract } from './lazy-writes.contract.ts';

for (const [adapter, open] of adapters) lazyWritesContract(adapter, open);
