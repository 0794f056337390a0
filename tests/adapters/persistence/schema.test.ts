import { sql } from 'kysely';
import pg from 'pg';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { MIGRATION_NAMES, MIGRATIONS_TABLE } from '../../../src/adapters/persistence/migrations.ts';
import { openOrm, type StoreLocation, storeError } from '../../../src/adapters/persistence/orm.ts';
import { openStore } from '../../../src/adapters/persistence/store.ts';
import { LEGACY_MIGRATIONS, migrateLegacy } from '../../support/legacy-migrations.ts';
import { freshPostgresDatabase } from '../../support/postgres.ts';
import { FRESH_DATABASES } from '../../support/stores.ts';
import { run } from '../../support/run.ts';

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

// Each case runs on a fresh PostgreSQL database and a fresh SQLite file.
const DATABASES = FRESH_DATABASES.map(
  ([name, fresh]): [string, (body: (location: StoreLocation) => Promise<void>) => Promise<void>] => [
    name,
    async (body) => {
      const database = await fresh();
      try {
        await body(database.location);
      } finally {
        await database.drop();
      }
    },
  ],
);

/** The names the migrations table records, oldest first. */
const recorded = async (location: StoreLocation): Promise<string[]> => {
  const orm = await openOrm(location);
  try {
    const rows = await sql<{ name: string }>`select "name" from ${sql.table(MIGRATIONS_TABLE)} order by "id"`.execute(
      orm.db(),
    );
    return rows.rows.map((r) => r.name);
  } finally {
    await orm.close();
  }
};

const LEGACY = LEGACY_MIGRATIONS.map((m) => m.name);
const CURRENT = [...MIGRATION_NAMES];

for (const [name, withDatabase] of DATABASES) {
  schema(name, () => withDatabase(migratedWithoutDrift));

  schema(`${name}: a fresh database records the current steps only`, () =>
    withDatabase(async (location) => {
      await migratedWithoutDrift(location);
      assert.equal(await recorded(location), CURRENT);
    }),
  );

  schema(`${name}: a database made by the three legacy migrations opens, migrates without drift, keeps its data`, () =>
    withDatabase(async (location) => {
      await migrateLegacy(location);
      // A facility in the legacy schema's own terms (it had no name then), and a run through the store.
      const legacy = await openOrm(location);
      try {
        await sql`insert into "facility" ("facility_id", "external_id") values ('WH1', '101')`.execute(legacy.db());
      } finally {
        await legacy.close();
      }
      const before = await openStore(location);
      try {
        await run(before.startRun({ runId: 'r1', job: 'import', parameters: {}, worker: 'w', startedAt: new Date(0) }));
      } finally {
        await before.close();
      }
      const orm = await openOrm(location);
      try {
        // The legacy DDL is the entities' schema but for what was added since (the inventory ledger, its numbering
        // and the delta push's cursor, the run log's heartbeat, the facility's name, the console's run log columns
        // and indexes, the schedules' state and the feeds' first reading).
        const drift = (await orm.schemaDrift())
          .split('\n')
          .filter((line) => /^(create|alter|drop)\b/i.test(line.trim()));
        const added =
          /inventory_event|ledger_head|change_cursor|changed_product|lease_until|outbox_(file|chunk)|facility.*\bname\b|job_schedule|job_run.*\b(trigger|progress|report)\b|job_run_(started_at_run_id|outcome_started_at|job_outcome_started_at)_index|feed_progress.*\bscan_(lines|candidates)\b/;
        assert.ok(drift.length > 0 && drift.every((line) => added.test(line)), drift.join('\n'));
        await orm.migrate();
        assert.is(await orm.schemaDrift(), '', 'and migrating it changes nothing');
      } finally {
        await orm.close();
      }
      assert.equal(await recorded(location), [...LEGACY, ...CURRENT], 'the legacy record is kept');
      const after = await openStore(location);
      try {
        assert.equal([...(await run(after.facilityIdsByExternalId()))], [['101', 'WH1']]);
        assert.equal(
          (await run(after.listRuns({ limit: 10 }))).map((r) => r.runId),
          ['r1'],
        );
      } finally {
        await after.close();
      }
    }),
  );

  schema(`${name}: a database made by the first step, before the inventory ledger, gets its tables`, () =>
    withDatabase(async (location) => {
      await migratedWithoutDrift(location);
      const orm = await openOrm(location);
      try {
        for (const table of ['inventory_event', 'ledger_head', 'change_cursor'])
          await sql`drop table ${sql.table(table)}`.execute(orm.db());
        for (const step of CURRENT.slice(1))
          await sql`delete from ${sql.table(MIGRATIONS_TABLE)} where "name" = ${step}`.execute(orm.db());
        assert.is.not(await orm.schemaDrift(), '');
        await orm.migrate();
        assert.is(await orm.schemaDrift(), '', 'the ledger step added the table');
      } finally {
        await orm.close();
      }
      assert.equal(await recorded(location), CURRENT);
    }),
  );

  schema(`${name}: progress written before the feeds' first reading was stored reads as none, and gets one`, () =>
    withDatabase(async (location) => {
      await migratedWithoutDrift(location);
      const orm = await openOrm(location);
      try {
        // The table as the steps before FeedScan made it, with a feed part applied.
        for (const column of ['scan_lines', 'scan_candidates'])
          await sql`alter table "feed_progress" drop column ${sql.ref(column)}`.execute(orm.db());
        await sql`delete from ${sql.table(MIGRATIONS_TABLE)} where "name" = ${CURRENT.at(-1)!}`.execute(orm.db());
        await sql`insert into "feed_progress" ("feed", "next_line", "pending", "updated_at")
          values ('feed-1', 250, null, 0)`.execute(orm.db());
        assert.match(await orm.schemaDrift(), /scan_lines/);
        await orm.migrate();
        assert.is(await orm.schemaDrift(), '', 'the step added the columns');
      } finally {
        await orm.close();
      }
      assert.equal(await recorded(location), CURRENT);
      const store = await openStore(location);
      try {
        assert.equal(await run(store.feedProgress('feed-1')), { nextLine: 250, pending: null, scan: null });
        const scan = { lines: 1000, candidates: 40 };
        await run(
          store.settleBatch({
            feed: 'feed-1',
            nextLine: 500,
            shop: 's',
            confirmed: [],
            failed: [],
            at: new Date(0),
            scan,
          }),
        );
        assert.equal(await run(store.feedProgress('feed-1')), { nextLine: 500, pending: null, scan });
      } finally {
        await store.close();
      }
    }),
  );

  schema(`${name}: a database that ran only the first legacy migration gets the rest of the schema`, () =>
    withDatabase(async (location) => {
      await migrateLegacy(location, 1);
      const orm = await openOrm(location);
      try {
        assert.is.not(await orm.schemaDrift(), '');
        await orm.migrate();
        assert.is(await orm.schemaDrift(), '');
      } finally {
        await orm.close();
      }
    }),
  );
}

// `body` on a fresh PostgreSQL database, then on one made by the legacy migrations (`legacy`), each dropped after.
const freshAndMigrated = async (body: (location: StoreLocation, url: string, legacy: boolean) => Promise<void>) => {
  for (const legacy of [false, true]) {
    const database = await freshPostgresDatabase();
    try {
      const location = { postgresUrl: database.url };
      if (legacy) await migrateLegacy(location);
      await body(location, database.url, legacy);
    } finally {
      await database.drop();
    }
  }
};
// A table's storage settings (`fillfactor=N`), null when it has none.
const storageOf = async (client: pg.Client, table: string) =>
  (
    await client.query<{ options: string[] | null }>(
      `select "reloptions" as "options" from pg_class where oid = $1::regclass`,
      [table],
    )
  ).rows[0]?.options;

// PostgreSQL: the positions keep a tenth of each page free, fresh or migrated from an older schema, so that a
// position's update is written beside it (HOT: no new index entry) even on a page filled by the first load.
schema('PostgreSQL: inventory_position has fillfactor 90, fresh or migrated, and updates on a full page are HOT', () =>
  freshAndMigrated(async (location, url, legacy) => {
    const store = await openStore(location);
    try {
      await store.migrate();
      const ids = Array.from({ length: 1000 }, (_, i) => `P${i}`);
      await run(store.saveFacilities([{ facilityId: 'F1', externalId: '1' }]));
      await run(store.saveProducts(ids.map((productId, i) => ({ productId, externalId: String(i) }))));
      await run(
        store.saveStockLevels(
          ids.map((productId) => ({ productId, facilityId: 'F1', quantityOnHand: 5, availableToPromise: 5 })),
        ),
      );
    } finally {
      await store.close();
    }
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      assert.equal(await storageOf(client, 'inventory_position'), ['fillfactor=90'], legacy ? 'migrated' : 'fresh');
      // The positions filled their first page as far as the fillfactor lets them: updates of its rows stay on it.
      await client.query('begin');
      const updated = await client.query(
        `update "inventory_position" set "quantity_on_hand_scaled" = "quantity_on_hand_scaled" + 1
           where ctid = any(array['(0,1)', '(0,2)', '(0,3)', '(0,4)', '(0,5)']::tid[])`,
      );
      assert.is(updated.rowCount, 5);
      const { rows } = await client.query<{ hot: string }>(
        `select n_tup_hot_upd as "hot" from pg_stat_xact_user_tables where relname = 'inventory_position'`,
      );
      await client.query('rollback');
      assert.is(Number(rows[0]?.hot), 5, 'every update HOT');
    } finally {
      await client.end();
    }
  }),
);

// PostgreSQL: the Shopify ledger keeps half of each page free, fresh or migrated, so a settle's updates are HOT.
schema('PostgreSQL: shopify_ledger has fillfactor 50, fresh or migrated, and a settle that updates is HOT', () =>
  freshAndMigrated(async (location, url, legacy) => {
    const store = await openStore(location);
    const client = new pg.Client({ connectionString: url });
    let closed = false;
    const settle = (quantity: number, at: number) =>
      run(
        store.settleBatch({
          shop: 'shop.myshopify.com',
          feed: 'feed',
          nextLine: 0,
          confirmed: Array.from({ length: 200 }, (_, i) => ({
            inventoryItemId: `gid://shopify/InventoryItem/${i}`,
            locationId: 'gid://shopify/Location/1',
            quantity,
            runId: `run-${quantity}`,
          })),
          failed: [],
          at: new Date(at),
        }),
      );
    try {
      await store.migrate();
      await settle(1, 1_000);
      await client.connect();
      assert.equal(await storageOf(client, 'shopify_ledger'), ['fillfactor=50'], legacy ? 'migrated' : 'fresh');
      await settle(2, 2_000);
      // The store's connections flush their statistics as they end.
      await store.close();
      closed = true;
      let hot = 0;
      for (let tries = 0; tries < 50 && hot < 200; tries++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        await client.query('select pg_stat_clear_snapshot()');
        const { rows } = await client.query<{ hot: string }>(
          `select n_tup_hot_upd as "hot" from pg_stat_user_tables where relname = 'shopify_ledger'`,
        );
        hot = Number(rows[0]?.hot ?? 0);
      }
      assert.is(hot, 200, 'every update of the second settle HOT');
    } finally {
      await client.end().catch(() => undefined);
      if (!closed) await store.close();
    }
  }),
);

// A deadlock or a serialization failure rolls the transaction back whole: the same call run again can succeed.
const conflicts = suite('storeError: PostgreSQL transaction conflicts');

/** Two connections to a fresh database with one table of two rows; `body` makes them conflict and answers the failure. */
const conflicting = async (body: (a: pg.Client, b: pg.Client) => Promise<unknown>): Promise<unknown> => {
  const database = await freshPostgresDatabase();
  const [a, b] = [new pg.Client({ connectionString: database.url }), new pg.Client({ connectionString: database.url })];
  try {
    await a.connect();
    await b.connect();
    await a.query('create table "t" ("id" int primary key, "n" int not null); insert into "t" values (1, 0), (2, 0)');
    return await body(a, b);
  } finally {
    await Promise.allSettled([a.end(), b.end()]);
    await database.drop();
  }
};
const failure = (settled: ReadonlyArray<PromiseSettledResult<unknown>>) => {
  const rejected = settled.filter((s): s is PromiseRejectedResult => s.status === 'rejected');
  assert.is(rejected.length, 1, 'exactly one of the two transactions failed');
  return rejected[0]!.reason;
};

conflicts('a deadlock (40P01) is retriable', async () => {
  const cause = await conflicting(async (a, b) => {
    for (const c of [a, b]) await c.query('begin');
    await a.query('update "t" set "n" = 1 where "id" = 1');
    await b.query('update "t" set "n" = 1 where "id" = 2');
    // Each now waits for the row the other holds: the server detects the cycle and fails one of them.
    const settled = await Promise.allSettled([
      a.query('update "t" set "n" = 2 where "id" = 2'),
      b.query('update "t" set "n" = 2 where "id" = 1'),
    ]);
    for (const c of [a, b]) await c.query('rollback');
    return failure(settled);
  });
  assert.is((cause as { code?: string }).code, '40P01');
  const error = storeError('recordEvents')(cause);
  assert.is(error._tag, 'InventoryStoreFailed');
  assert.is(error.retriable, true);
});

conflicts('a serialization failure (40001) is retriable', async () => {
  const cause = await conflicting(async (a, b) => {
    for (const c of [a, b]) await c.query('begin isolation level repeatable read');
    for (const c of [a, b]) await c.query('select * from "t"');
    await a.query('update "t" set "n" = 1 where "id" = 1');
    // Settled from the start: b's failure may arrive before a's commit answers, and must not be an unhandled rejection.
    const waiting = Promise.allSettled([b.query('update "t" set "n" = 2 where "id" = 1')]);
    await a.query('commit');
    const settled = await waiting;
    await b.query('rollback');
    return failure(settled);
  });
  assert.is((cause as { code?: string }).code, '40001');
  assert.is(storeError('recordEvents')(cause).retriable, true);
});

conflicts('any other SQL error is not retriable', async () => {
  const cause = await conflicting(async (a) => {
    const settled = await Promise.allSettled([a.query('insert into "t" values (1, 0)')]);
    return failure(settled);
  });
  assert.is((cause as { code?: string }).code, '23505');
  assert.is(storeError('recordEvents')(cause).retriable, false);
});

schema.run();
conflicts.run();
