// The dialect seam: one contract for its few functions, run against PostgreSQL and SQLite.
import { sql } from 'kysely';
import pg from 'pg';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { Columns, Value } from '../../../src/adapters/persistence/dialect.ts';
import { openOrm, type StoreLocation, type StoreOrm } from '../../../src/adapters/persistence/orm.ts';
import { stockLevelsOf } from '../../../src/application/columnar.ts';
import { openStore } from '../../../src/adapters/persistence/store.ts';
import { DATABASE_URL, freshPostgresDatabase } from '../../support/postgres.ts';
import { run } from '../../support/run.ts';
import { FRESH_DATABASES } from '../../support/stores.ts';

const COLUMNS: Columns = [
  ['id', 'text'],
  ['quantity', 'bigint'],
  ['line', 'int'],
  ['created', 'boolean'],
];

// The columns of `inventory_position`, for positions filled in directly.
const POSITION_COLUMNS: Columns = [
  ['product_id', 'text'],
  ['facility_id', 'text'],
  ['quantity_on_hand_scaled', 'bigint'],
  ['available_to_promise_scaled', 'bigint'],
  ['updated_at', 'bigint'],
];

// Texts a store must not mangle (tabs, line breaks and backslashes are COPY's own syntax), extreme integers, nulls.
const ODD: ReadonlyArray<ReadonlyArray<Value>> = [
  ['plain', 0, 1, true],
  ['tab\there, new\nline, return\r', -1, 2, false],
  ['back\\slash \\N \\t', 2 ** 53 - 1, 3, null],
  [`quote ' and "double"`, -(2 ** 53 - 1), null, true],
  ['Ø, 😀, 中文, \u2028', 100_000, 2_147_483_647, false],
  ['', null, -2_147_483_648, true],
  [null, 5, 0, false],
];

// As both databases answer them: BIGINT as text or number, booleans as true/false or 1/0.
const normal = (row: Record<string, unknown>): Value[] => [
  row.id === null ? null : String(row.id),
  row.quantity === null ? null : Number(row.quantity),
  row.line === null ? null : Number(row.line),
  row.created === null ? null : row.created === true || row.created === 1,
];

for (const [name, fresh] of FRESH_DATABASES) {
  const test = suite(`StoreDialect contract: ${name}`);
  let orm: StoreOrm;
  let drop: () => Promise<void>;
  let location: StoreLocation;
  test.before.each(async () => {
    const opened = await fresh();
    drop = opened.drop;
    location = opened.location;
    orm = await openOrm(opened.location);
    await orm.migrate();
  });
  test.after.each(async () => {
    await orm.close();
    await drop();
  });

  test('rows: every value of every column type comes back as bound, in one relation', async () => {
    const { rows } = orm.dialect;
    const back = await sql<Record<string, unknown>>`select * from ${rows(COLUMNS, ODD)} as "u"`.execute(orm.db());
    assert.equal(back.rows.map(normal), ODD);
    const none = await sql`select * from ${rows(COLUMNS, [])} as "u"`.execute(orm.db());
    assert.equal(none.rows, [], 'no rows, no relation rows');
    // Texts that mean something inside an array's text (PostgreSQL binds each column as one).
    const awkward = ['NULL', 'null', '{a,b}', 'a,b', ' padded ', '\\"', '"', '\\', '{}', 'x"y\\z'].map(
      (id, line): Value[] => [id, line, line, null],
    );
    const back2 = await sql<Record<string, unknown>>`select * from ${rows(COLUMNS, awkward)} as "u"`.execute(orm.db());
    assert.equal(back2.rows.map(normal), awkward);
  });

  test('bindColumn: columns bound ahead come back as the rows would bind them, beside columns bound from the rows', async () => {
    const { rows, bindColumn } = orm.dialect;
    if (bindColumn === undefined) {
      // SQLite binds the rows as one JSON text: a column is never bound on its own.
      assert.is(name.includes('SQLite'), true, `${name} binds columns on their own`);
      return;
    }
    // The id and created columns bound ahead from other rows' values than the rows carry: the bound ones win.
    const swapped = ODD.map((r, i): Value[] => [`not ${i}`, r[1]!, r[2]!, !r[3]]);
    const bound = [bindColumn(ODD.map((r) => r[0]!)), undefined, undefined, bindColumn(ODD.map((r) => r[3]!))];
    const back = await sql<Record<string, unknown>>`select * from ${rows(COLUMNS, swapped, bound)} as "u"`.execute(
      orm.db(),
    );
    assert.equal(back.rows.map(normal), ODD);
  });

  test('forUpdate: a select that ends with it reads the rows and keeps them for its transaction', async () => {
    await sql`create table "locked" ("id" text primary key, "n" bigint)`.execute(orm.db());
    await sql`insert into "locked" values ('a', 1), ('b', 2)`.execute(orm.db());
    const read = await orm.transaction(async (trx) => {
      const rowsRead = await sql<{ id: string }>`select "t"."id" from "locked" as "t" where "t"."id" = 'a'
        order by "t"."id"${orm.dialect.forUpdate('t')}`.execute(trx);
      if ('postgresUrl' in location) {
        // Another connection cannot take the row while this transaction holds it.
        const other = new pg.Client({ connectionString: location.postgresUrl });
        await other.connect();
        try {
          const skip = (id: string) =>
            other.query(`select "id" from "locked" where "id" = $1 for update skip locked`, [id]);
          assert.equal((await skip('a')).rows, [], 'the row is locked');
          assert.equal((await skip('b')).rows.length, 1, 'the row it did not read is not');
        } finally {
          await other.end();
        }
      }
      return rowsRead.rows.map((r) => r.id);
    });
    assert.equal(read, ['a']);
  });

  test('fence: a subquery ending with it answers its rows, and its scalar subquery runs once per row', async () => {
    const { rows, fence } = orm.dialect;
    await sql`create table "looked_up" ("id" text primary key, "v" text)`.execute(orm.db());
    await sql`insert into "looked_up" values ('a', 'x'), ('c', 'z')`.execute(orm.db());
    const query = sql<{ id: string; v: string }>`select * from (select "k"."id",
        (select "l"."v" from "looked_up" as "l" where "l"."id" = "k"."id") as "v"
      from ${rows([['id', 'text']], [['a'], ['b'], ['c']])} as "k"${fence}) as "r" where "v" is not null order by "id"`;
    assert.equal(
      (await query.execute(orm.db())).rows.map((r) => [r.id, r.v]),
      [
        ['a', 'x'],
        ['c', 'z'],
      ],
    );
    if ('postgresUrl' in location) {
      // Merged into the outer query, the filter and the column would each run the lookup (two subplans).
      const plan = await sql<Record<string, string>>`explain ${query}`.execute(orm.db());
      const text = plan.rows.map((r) => Object.values(r)[0]).join('\n');
      assert.equal(text.match(/SubPlan/g)?.length, 1, text);
    }
  });

  test('among: a column against a list of ids bound as one parameter', async () => {
    const { rows, among } = orm.dialect;
    const ids = ODD.flatMap(([id]) => (typeof id === 'string' ? [id] : []));
    const list = [ids[1]!, ids[4]!, ids[1]!, 'absent', ''];
    const found = await sql<{ id: string }>`select "id" from ${rows(COLUMNS, ODD)} as "u" where ${among('id', list)}
      order by "line"`.execute(orm.db());
    assert.equal(
      found.rows.map((r) => r.id),
      ['', ids[1], ids[4]],
    );
    const none = await sql`select "id" from ${rows(COLUMNS, ODD)} as "u" where ${among('id', [])}`.execute(orm.db());
    assert.equal(none.rows, [], 'an empty list matches nothing');
  });

  test('fill: rows into a staging table inside a transaction, in batches past any chunk size', async () => {
    const many = Array.from({ length: 120_000 }, (_, i): Value[] => [`id-${i}\t${i % 7}`, i * 100_000, i, i % 2 === 0]);
    const counted = await orm.transaction(async (trx) => {
      await sql`create temp table "staging" ("id" text, "quantity" bigint, "line" int, "created" boolean)`.execute(trx);
      await orm.dialect.fill(trx, 'staging', COLUMNS, [...ODD, ...many]);
      const odd = await sql<Record<string, unknown>>`select * from "staging" where "line" < 4 or "line" is null
        or "line" = 2147483647 or "line" = -2147483648 or "line" = 0 order by "line"`.execute(trx);
      const total = await sql<{ n: unknown }>`select count(*) as "n" from "staging"`.execute(trx);
      const last = await sql<Record<string, unknown>>`select * from "staging" where "line" = 119999`.execute(trx);
      return { odd: odd.rows.map(normal), total: Number(total.rows[0]?.n), last: last.rows.map(normal) };
    });
    assert.is(counted.total, ODD.length + many.length);
    assert.equal(counted.last, [['id-119999\t5', 119_999 * 100_000, 119_999, false]]);
    for (const row of ODD)
      assert.ok(
        counted.odd.some((r) => JSON.stringify(r) === JSON.stringify(row)),
        `${JSON.stringify(row)} came back`,
      );
  });

  test('fill: rows that fail as they are made fail the fill, past many chunks; the store goes on', async () => {
    const failing = function* (): Generator<Value[]> {
      for (let i = 0; i < 50_000; i++) yield [`id-${i}`, i, i, true];
      throw new Error('the rows broke');
    };
    const outcome = await orm
      .transaction(async (trx) => {
        await sql`create temp table "staging" ("id" text, "quantity" bigint, "line" int, "created" boolean)`.execute(
          trx,
        );
        await orm.dialect.fill(trx, 'staging', COLUMNS, failing());
      })
      .then(
        () => 'filled',
        (error: unknown) => (error instanceof Error ? error.message : String(error)),
      );
    assert.match(outcome, 'the rows broke');
    const after = await orm.transaction(async (trx) => {
      await sql`create temp table "staging" ("id" text, "quantity" bigint, "line" int, "created" boolean)`.execute(trx);
      await orm.dialect.fill(trx, 'staging', COLUMNS, [['one', 1, 1, true]]);
      return Number((await sql<{ n: unknown }>`select count(*) as "n" from "staging"`.execute(trx)).rows[0]?.n);
    });
    assert.is(after, 1, 'the next fill works');
  });

  test('load: rows into a store table, empty or not; its unique constraint and indexes hold after, a rollback keeps them', async () => {
    const db = orm.db();
    await sql`create table "loaded" ("id" text primary key, "quantity" bigint, "line" int, "created" boolean,
      constraint "loaded_line_unique" unique ("line"))`.execute(db);
    await sql`create index "loaded_quantity_index" on "loaded" ("quantity", "id")`.execute(db);
    const indexes = async () =>
      name === 'PostgreSQL'
        ? (
            await sql<{ d: string }>`select pg_get_indexdef(indexrelid) as "d" from pg_index
              where indrelid = 'loaded'::regclass order by 1`.execute(db)
          ).rows.map((r) => r.d)
        : (
            await sql<{ d: string }>`select "sql" as "d" from sqlite_master where "type" = 'index'
              and "tbl_name" = 'loaded' order by "name"`.execute(db)
          ).rows.map((r) => String(r.d));
    const before = await indexes();
    const oid = async () =>
      name === 'PostgreSQL'
        ? Number(
            (await sql<{ o: unknown }>`select 'loaded_quantity_index'::regclass::oid as "o"`.execute(db)).rows[0]?.o,
          )
        : 0;
    const first = await oid();
    const rows = (from: number, to: number) =>
      Array.from({ length: to - from }, (_, k): Value[] => [`id-${from + k}`, (from + k) % 10, from + k, true]);
    // Into the empty table, then a failure: nothing stays, the indexes are as they were.
    await orm
      .transaction(async (trx) => {
        await orm.dialect.load(trx, 'loaded', COLUMNS, rows(0, 1000));
        throw new Error('rolled back');
      })
      .catch(() => undefined);
    assert.equal(await indexes(), before, 'a rolled-back load keeps the indexes');
    await orm.transaction((trx) => orm.dialect.load(trx, 'loaded', COLUMNS, [...ODD.slice(0, 5), ...rows(10, 5000)]));
    assert.equal(await indexes(), before, 'the same indexes after a load into the empty table');
    const built = await oid();
    if (name === 'PostgreSQL') assert.is.not(built, first, 'built again after the rows went in');
    // Not empty any more: the indexes stay in place while the rows go in.
    await orm.transaction((trx) => orm.dialect.load(trx, 'loaded', COLUMNS, rows(5000, 6000)));
    assert.equal(await indexes(), before);
    assert.is(await oid(), built, 'not built again');
    const count = await sql<{ n: unknown }>`select count(*) as "n" from "loaded"`.execute(db);
    assert.is(Number(count.rows[0]?.n), 5 + 5990);
    const found = await sql<
      Record<string, unknown>
    >`select * from "loaded" where "quantity" = 7 and "id" = 'id-4997'`.execute(db);
    assert.equal(found.rows.map(normal), [['id-4997', 7, 4997, true]]);
    const duplicate = await orm
      .transaction((trx) => orm.dialect.load(trx, 'loaded', COLUMNS, [['another', 1, 4997, false]]))
      .then(
        () => 'loaded',
        () => 'refused',
      );
    assert.is(duplicate, 'refused', 'the unique constraint holds after the load');
  });

  test('load: with primaryKey, an empty table gets its rows in any order and its primary key built after them', async () => {
    const db = orm.db();
    await sql`create table "loaded" ("id" text primary key, "quantity" bigint, "line" int, "created" boolean)`.execute(
      db,
    );
    const key = async () =>
      name === 'PostgreSQL'
        ? (
            await sql<{ o: unknown; d: string }>`select indexrelid::oid as "o", pg_get_indexdef(indexrelid) as "d"
              from pg_index where indrelid = 'loaded'::regclass and indisprimary`.execute(db)
          ).rows.map((r) => ({ oid: Number(r.o), definition: r.d }))
        : [];
    const before = await key();
    const told: boolean[] = [];
    const rows = (from: number, to: number) => (locked: boolean) => {
      told.push(locked);
      // Backwards: the order does not matter when the table is locked.
      return Array.from({ length: to - from }, (_, k): Value[] => [`id-${to - 1 - k}`, k, k, true]);
    };
    // The index builds get 256 MB of maintenance_work_mem (PostgreSQL), to the commit only.
    const setting = async (trx: Parameters<Parameters<typeof orm.transaction>[0]>[0]) =>
      name === 'PostgreSQL'
        ? Number(
            (
              await sql<{
                m: unknown;
              }>`select pg_size_bytes(current_setting('maintenance_work_mem')) as "m"`.execute(trx)
            ).rows[0]?.m,
          )
        : 0;
    const { locked, during, unlocked } = await orm.transaction(async (trx) => {
      const unlocked = await setting(trx);
      const locked = await orm.dialect.load(trx, 'loaded', COLUMNS, rows(0, 3000), { primaryKey: true });
      return { locked, during: await setting(trx), unlocked };
    });
    if (name === 'PostgreSQL') {
      assert.is(during, Math.max(unlocked, 256 * 2 ** 20));
      assert.is(await orm.transaction(setting), unlocked, 'as it was after the commit');
    }
    assert.is(locked, name === 'PostgreSQL', 'locked (PostgreSQL) as the rows were made');
    assert.equal(told, [locked]);
    const after = await key();
    assert.equal(
      after.map((k) => k.definition),
      before.map((k) => k.definition),
      'the same primary key',
    );
    if (name === 'PostgreSQL') assert.is.not(after[0]!.oid, before[0]!.oid, 'built again after the rows');
    const count = await sql<{ n: unknown }>`select count(*) as "n" from "loaded"`.execute(db);
    assert.is(Number(count.rows[0]?.n), 3000);
    // Not empty any more: the key stays, the rows are told so, and a duplicate is refused.
    const again = await orm.transaction((trx) =>
      orm.dialect.load(trx, 'loaded', COLUMNS, rows(3000, 3001), { primaryKey: true }),
    );
    assert.is(again, false);
    assert.equal(told, [locked, false]);
    const duplicate = await orm
      .transaction((trx) => orm.dialect.load(trx, 'loaded', COLUMNS, [['id-5', 1, 1, false]], { primaryKey: true }))
      .then(
        () => 'loaded',
        () => 'refused',
      );
    assert.is(duplicate, 'refused', 'the primary key holds after the load');
    // A load into the empty table whose rows break the key fails whole, and the key is as it was.
    await sql`delete from "loaded"`.execute(db);
    const broken = await orm
      .transaction((trx) =>
        orm.dialect.load(
          trx,
          'loaded',
          COLUMNS,
          [
            ['same', 1, 1, true],
            ['same', 2, 2, true],
          ],
          { primaryKey: true },
        ),
      )
      .then(
        () => 'loaded',
        () => 'refused',
      );
    assert.is(broken, 'refused');
    assert.equal(
      (await key()).map((k) => k.definition),
      before.map((k) => k.definition),
    );
  });

  if (name === 'PostgreSQL')
    test('load: with another transaction reading the empty table, its indexes stay and nothing waits', async () => {
      const db = orm.db();
      await sql`create table "loaded" ("id" text primary key, "quantity" bigint, "line" int, "created" boolean)`.execute(
        db,
      );
      await sql`create index "loaded_quantity_index" on "loaded" ("quantity")`.execute(db);
      const oid = async () =>
        Number(
          (await sql<{ o: unknown }>`select 'loaded_quantity_index'::regclass::oid as "o"`.execute(db)).rows[0]?.o,
        );
      const before = await oid();
      // The reader holds its lock on the table until the load has committed.
      let release = (): void => undefined;
      const held = new Promise<void>((resolve) => {
        release = resolve;
      });
      let reading = (): void => undefined;
      const read = new Promise<void>((resolve) => {
        reading = resolve;
      });
      const reader = orm.transaction(async (trx) => {
        await sql`select count(*) from "loaded"`.execute(trx);
        reading();
        await held;
      });
      await read;
      await orm.transaction((trx) => orm.dialect.load(trx, 'loaded', COLUMNS, [['a', 1, 1, true]]));
      release();
      await reader;
      assert.is(await oid(), before, 'the index was not built again');
    });

  test('roomToSort: 64 MB of work_mem (PostgreSQL) to the commit only, a larger setting kept; nothing on SQLite', async () => {
    const setting = async (trx: Parameters<Parameters<typeof orm.transaction>[0]>[0]) =>
      name === 'PostgreSQL'
        ? Number(
            (await sql<{ m: unknown }>`select pg_size_bytes(current_setting('work_mem')) as "m"`.execute(trx)).rows[0]
              ?.m,
          )
        : 0;
    const { before, during } = await orm.transaction(async (trx) => {
      const before = await setting(trx);
      await orm.dialect.roomToSort(trx);
      return { before, during: await setting(trx) };
    });
    if (name !== 'PostgreSQL') return;
    assert.is(during, Math.max(before, 64 * 2 ** 20));
    assert.is(await orm.transaction(setting), before, 'as it was after the commit');
    const larger = await orm.transaction(async (trx) => {
      await sql`select set_config('work_mem', '128MB', true)`.execute(trx);
      await orm.dialect.roomToSort(trx);
      return setting(trx);
    });
    assert.is(larger, 128 * 2 ** 20, 'a larger setting stays');
  });

  test('stockLevels: every position, in one snapshot, past a page', async () => {
    const count = 60_000;
    await orm.transaction(async (trx) => {
      await orm.dialect.fill(
        trx,
        'inventory_position',
        POSITION_COLUMNS,
        Array.from({ length: count }, (_, i) => [`P\\${i}`, i % 3 === 0 ? 'F\t1' : 'F 2', i * 100_000, -i, 0]),
      );
    });
    const levels = stockLevelsOf(await orm.transaction(orm.dialect.stockLevels));
    assert.is(levels.length, count);
    const byProduct = new Map(levels.map((l) => [l.productId, l]));
    assert.equal(byProduct.get('P\\59999'), {
      productId: 'P\\59999',
      facilityId: 'F 2',
      quantityOnHand: 59_999,
      availableToPromise: -0.59999,
    });
    assert.is(byProduct.size, count, 'no position read twice');
  });

  test('stockLevels: runs of one product, facilities in a repeated order and out of it, ids alike but for their ends', async () => {
    // In the table's order: a product's positions together, its facilities in the order the previous product had
    // them, then in another; ids that start like the previous row's (one longer, one shorter), escaped ones repeated.
    const facilities = ['F1', 'F\t', 'F1x', 'F', 'F\\'];
    const rows: Value[][] = [];
    // (An empty id first: no row before it to be taken for.)
    const products = ['', 'P1', 'P12', 'P1', 'P\\1', 'P\\1', 'P\n', 'P', 'Ø😀', 'P12'];
    // (A product met again takes other facilities: a position is one row.)
    const suffixes = ['', '', '', 'b', '', 'c', '', '6', '7', '8'];
    for (const [p, product] of products.entries()) {
      const order = p % 3 === 2 ? [...facilities].reverse() : p % 3 === 1 ? facilities.slice(1) : facilities;
      for (const [f, facility] of order.entries())
        rows.push([product, `${facility}${suffixes[p]}`, (p * 10 + f) * 100_000 + 1, -(p * 10 + f) * 7, 0]);
    }
    await orm.transaction(async (trx) => {
      await orm.dialect.fill(trx, 'inventory_position', POSITION_COLUMNS, rows);
    });
    const expected = rows
      .map((r) => JSON.stringify([r[0], r[1], Number(r[2]) / 100_000, Number(r[3]) / 100_000]))
      .sort();
    const read = stockLevelsOf(await orm.transaction(orm.dialect.stockLevels))
      .map((l) => JSON.stringify([l.productId, l.facilityId, l.quantityOnHand, l.availableToPromise]))
      .sort();
    assert.equal(read, expected);
  });

  test.run();
}

// A prefix search's one index range holds only under code-point order: PostgreSQL with an ICU collation (where `{`
// sorts before `z`) answers false, and the store's search still finds every match there.
const collation = suite('codePointOrder and searchProducts under the database collation (PostgreSQL)');

collation(
  'C.UTF-8 (the test server) orders by code point; an ICU database does not, and its search is exact',
  async () => {
    const plain = await freshPostgresDatabase();
    const icuName = `h_cd_icu_${Math.random().toString(16).slice(2, 10)}`;
    const admin = new pg.Client({ connectionString: DATABASE_URL });
    await admin.connect();
    try {
      const orm = await openOrm({ postgresUrl: plain.url });
      try {
        assert.is(await orm.dialect.codePointOrder(orm.db()), true);
      } finally {
        await orm.close();
        await plain.drop();
      }
      await admin.query(
        `create database "${icuName}" template template0 locale_provider icu icu_locale 'en-US' encoding 'UTF8'`,
      );
      const url = new URL(DATABASE_URL);
      url.pathname = `/${icuName}`;
      const store = await openStore({ postgresUrl: url.toString() });
      try {
        await store.migrate();
        assert.is(await storeDialectOrder(url.toString()), false);
        await run(
          store.saveProducts([
            { productId: 'Pz1', externalId: '1' },
            { productId: 'Pz', externalId: '2' },
            { productId: 'P{', externalId: '3' },
            { productId: 'Q', externalId: '4' },
          ]),
        );
        await run(store.saveProductSkus([{ productId: 'Q', sku: 'SKU-zebra' }]));
        assert.equal(
          (await run(store.searchProducts('Pz', null, 10))).map((m) => m.productId),
          ['Pz', 'Pz1'],
          'P{ (the code-point successor of Pz) sorts before Pz under ICU: a range would find nothing',
        );
        assert.equal(
          (await run(store.searchProducts('SKU-z', null, 10))).map((m) => m.key),
          ['SKU-zebra'],
        );
      } finally {
        await store.close();
      }
    } finally {
      await admin.query(`drop database if exists "${icuName}" with (force)`);
      await admin.end();
    }
  },
);

const storeDialectOrder = async (url: string): Promise<boolean> => {
  const orm = await openOrm({ postgresUrl: url });
  try {
    return await orm.dialect.codePointOrder(orm.db());
  } finally {
    await orm.close();
  }
};

collation.run();
