import { STORE_ADAPTERS as adapters } from '../../support/stores.ts';
import { unicodeIdsContract } from './unicode-ids.contract.ts';

// Reported, not fixed here (the store is being rewritten): postgres-inventory-store.ts's stockLevels decodes each
// chunk of the COPY stream on its own (`chunk.toString('utf8')`), so a character split between two chunks comes back
// as U+FFFD. Run it there too once the store reads the stream with one decoder.
const SPLITS_CHARACTERS = new Set(['PostgreSQL']);

for (const [adapter, open] of adapters)
  unicodeIdsContract(adapter, open, { skipManyPositions: SPLITS_CHARACTERS.has(adapter) });
