import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { memoryInventoryStore, type MemoryInventoryStore } from '../../src/adapters/memory/memory-inventory-store.ts';
import { openPostgresInventoryStore } from '../../src/adapters/persistence/postgres-inventory-store.ts';
import { openSqliteInventoryStore } from '../../src/adapters/persistence/sqlite-inventory-store.ts';
import { freshPostgresDatabase } from './postgres.ts';

/** A store under test and how to throw it away. */
export interface StoreUnderTest {
  readonly store: MemoryInventoryStore;
  readonly dispose: () => Promise<void>;
}

// One store object per adapter serves both contracts: the import's ports and the Shopify jobs' ports.
export const STORE_ADAPTERS: ReadonlyArray<[string, () => Promise<StoreUnderTest>]> = [
  ['memory', async () => ({ store: memoryInventoryStore(), dispose: async () => undefined })],
  [
    'PostgreSQL',
    async () => {
      const database = await freshPostgresDatabase();
      const store = await openPostgresInventoryStore({ url: database.url });
      await store.migrate();
      return {
        store,
        dispose: async () => {
          await store.close();
          await database.drop();
        },
      };
    },
  ],
  [
    'SQLite',
    async () => {
      const folder = mkdtempSync(join(tmpdir(), 'oms-inventory-sync-sqlite-'));
      const store = await openSqliteInventoryStore({ file: join(folder, 'inventory.sqlite') });
      await store.migrate();
      return {
        store,
        dispose: async () => {
          await store.close();
          rmSync(folder, { recursive: true, force: true });
        },
      };
    },
  ],
];
