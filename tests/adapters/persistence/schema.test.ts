import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { openOrm, type StoreLocation } from '../../../src/adapters/persistence/orm.ts';
import { freshPostgresDatabase } from '../../support/postgres.ts';

const schema = suite('one set of entities and migrations for both databases');

const migratedWithoutDrift = async (location: StoreLocation) => {
  const orm = await openOrm(location);
  try {
    assert.is.not(await orm.schemaDrift(), '', 'an empty database differs from the entities');
    await orm.migrate();
    assert.is(await orm.schemaDrift(), '', 'after the migrations the database matches the entities exactly');
    await orm.migrate();
    assert.is(await orm.schemaDrift(), '', 'migrating again changes nothing');
  } finally {
    await orm.close();
  }
};

schema('PostgreSQL', async () => {
  const database = await freshPostgresDatabase();
  try {
    await migratedWithoutDrift({ postgresUrl: database.url });
  } finally {
    await database.drop();
  }
});

schema('SQLite', async () => {
  const folder = mkdtempSync(join(tmpdir(), 'oms-inventory-sync-schema-'));
  try {
    await migratedWithoutDrift({ sqliteFile: join(folder, 'inventory.sqlite') });
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});

schema.run();
