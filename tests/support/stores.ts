import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { memoryInventoryStore, type MemoryInventoryStore } from '../../src/adapters/memory/memory-inventory-store.ts';
import type { StoreLocation } from '../../src/adapters/persistence/orm.ts';
import { openStore } from '../../src/adapters/persistence/store.ts';
import { freshPostgresDatabase } from './postgres.ts';

/** A store under test and how to throw it away. */
export interface StoreUnderTest {
  readonly store: MemoryInventoryStore;
  readonly dispose: () => Promise<void>;
}

/** An empty database and how to throw it away. */
export interface FreshDatabase {
  readonly location: StoreLocation;
  readonly drop: () => Promise<void>;
}

/** A fresh, empty database of each kind the SQL store runs on: a PostgreSQL database, an SQLite file. */
export const FRESH_DATABASES: ReadonlyArray<[string, () => Promise<FreshDatabase>]> = [
  [
    'PostgreSQL',
    async () => {
      const database = await freshPostgresDatabase();
      return { location: { postgresUrl: database.url }, drop: database.drop };
    },
  ],
  [
    'SQLite',
    async () => {
      const folder = mkdtempSync(join(tmpdir(), 'oms-inventory-sync-sqlite-'));
      return {
        location: { sqliteFile: join(folder, 'inventory.sqlite') },
        drop: async () => rmSync(folder, { recursive: true, force: true }),
      };
    },
  ],
];

// One store object per adapter serves both contracts: the import's ports and the Shopify jobs' ports.
export const STORE_ADAPTERS: ReadonlyArray<[string, () => Promise<StoreUnderTest>]> = [
  ['memory', async () => ({ store: memoryInventoryStore(), dispose: async () => undefined })],
  ...FRESH_DATABASES.map(([name, fresh]): [string, () => Promise<StoreUnderTest>] => [
    name,
    async () => {
      const database = await fresh();
      const store = await openStore(database.location);
      await store.migrate();
      return {
        store,
        dispose: async () => {
          await store.close();
          await database.drop();
        },
      };
    },
  ]),
];
