// A fresh PostgreSQL database per test suite on the server at DATABASE_URL (default: the local `test` database),
// dropped afterwards, so suites never see each other's rows.
import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** The server the tests use. */
export const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** Creates an empty database (named `<prefix><random>`) and returns its URL and a function that drops it. */
export const freshPostgresDatabase = async (
  prefix = 'oms_inventory_sync_test_',
): Promise<{ url: string; drop: () => Promise<void> }> => {
  const name = `${prefix}${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: DATABASE_URL });
  await admin.connect();
  await admin.query(`create database "${name}"`);
  await admin.end();
  const url = new URL(DATABASE_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const client = new pg.Client({ connectionString: DATABASE_URL });
      await client.connect();
      await client.query(`drop database if exists "${name}" with (force)`);
      await client.end();
    },
  };
};
