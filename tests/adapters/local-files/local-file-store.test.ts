import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { localFileStore } from '../../../src/adapters/local-files/local-file-store.ts';
import { fileStoreContract } from '../file-store.contract.ts';

fileStoreContract('local files', async () => {
  const root = mkdtempSync(join(tmpdir(), 'oms-inventory-sync-local-files-'));
  return {
    store: localFileStore({ root }),
    root,
    teardown: async () => rmSync(root, { recursive: true, force: true }),
  };
});
