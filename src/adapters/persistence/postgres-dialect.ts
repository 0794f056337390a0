import { StringDecoder } from 'node:string_decoder';
import type { Writable } from 'node:stream';
import { PostgreSqlDriver } from '@mikro-orm/postgresql';
import { CompiledQuery, PostgresDialect, sql, type PostgresPool, type PostgresPoolClient } from 'kysely';
import { finished } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import { stockTableBuilder } from '../../application/columnar.ts';
import { fromScaled } from '../../domain/index.ts';
import { copyField, copyValue } from './copy-text.ts';
import type { Columns, Db, StoreDialect, Value } from './dialect.ts';

/** Options: the database URL (credentials come with it, from the environment; never logged) and the pool's size. */
export interface PostgresStoreOptions {
  readonly url: string;
  /** The most connections the store holds at once (default 4): MikroORM, the import's COPY and the lease share them. */
  readonly maxConnections?: number;
  /** Create the URL's database when it does not exist (default false: a missing database is `DatabaseMissing`). */
  readonly createDatabase?: boolean;
}

/** The name an error has when the configured database does not exist and is not to be created. */
export const DATABASE_MISSING = 'DatabaseMissing';

/** True for the error of a configured database that does not exist (a configuration error, not worth retrying). */
export const isDatabaseMissing = (e: unknown): boolean => e instanceof Error && e.name === DATABASE_MISSING;

// PostgreSQL's SQLSTATE for a database that does not exist, and for one created meanwhile by someone else.
const INVALID_CATALOG_NAME = '3D000';
const DUPLICATE_DATABASE = '42P04';

const codeOf = (e: unknown): string => String((e as { code?: unknown } | null)?.code ?? '');

/**
 * Checks that the database of `url` exists, by connecting to it; when it does not, creates it (connected to the
 * server's `postgres` database) if `create`, else throws `DatabaseMissing` naming the database and the server (never
 * the user or password). Any other failure to connect (a server away) is left to the store's own calls to report, as
 * retriable errors, as when no check is made.
 */
export const requireDatabase = async (url: string, create: boolean): Promise<void> => {
  const probe = new pg.Client({ connectionString: url, connectionTimeoutMillis: 15_000 });
  probe.on('error', noop);
  try {
    await probe.connect();
    return;
  } catch (e) {
    if (codeOf(e) !== INVALID_CATALOG_NAME) return;
  } finally {
    await probe.end().catch(noop);
  }
  const where = `${probe.host}:${probe.port}`;
  if (!create)
    throw Object.assign(
      new Error(
        `the database "${probe.database}" does not exist on ${where} (DATABASE_URL): check its name, or create it (inventoryStore.postgres.createDatabase: true creates it)`,
      ),
      { name: DATABASE_MISSING },
    );
  const server = new URL(url);
  server.pathname = '/postgres';
  const admin = new pg.Client({ connectionString: server.toString(), connectionTimeoutMillis: 15_000 });
  admin.on('error', noop);
  try {
    await admin.connect();
    await admin.query(`create database ${admin.escapeIdentifier(probe.database ?? '')}`);
  } catch (e) {
    if (codeOf(e) !== DUPLICATE_DATABASE) throw e;
  } finally {
    await admin.end().catch(noop);
  }
};

/** The pool size when none is given: a running import's transaction, a lease renewal and a small query at once. */
export const DEFAULT_MAX_CONNECTIONS = 4;

// Asked of a connection in place of SQL: "which pg client are you?" (see `kyselyPool`).
const PG_CLIENT = Symbol('the pg client behind this kysely connection');

const noop = (): void => undefined;

/**
 * The store's one pg pool as kysely's `PostgresPool`. Each client kysely gets is the pooled pg client behind a thin
 * facade that forwards every query and answers one question of the store's in-band: a query whose only parameter is
 * `PG_CLIENT` is answered with the pg client itself, without reaching the server. So COPY (which kysely cannot send)
 * runs on the very connection kysely holds, inside the transaction MikroORM opened, with no second pool.
 */
const kyselyPool = (pool: pg.Pool): PostgresPool => {
  const facades = new WeakMap<pg.PoolClient, { facade: PostgresPoolClient; checkOut: () => void }>();
  const facadeOf = (client: pg.PoolClient) => {
    let checkedOut = false;
    const release = (destroy: boolean): void => {
      if (!checkedOut) return;
      checkedOut = false;
      client.release(destroy);
    };
    // Kysely hands a client back only after its commit or rollback succeeded; on a lost connection the rollback
    // fails, and the pool would wait for that client forever (a slot lost, and `close` never ending). So a client
    // whose connection ends while it is checked out is handed back here, to be destroyed.
    client.on('end', () => release(true));
    const facade = {
      get processID() {
        return (client as { processID?: number }).processID;
      },
      query: (text: unknown, parameters?: ReadonlyArray<unknown>) =>
        parameters?.[0] === PG_CLIENT
          ? Promise.resolve({ command: 'SELECT', rowCount: 1, rows: [client] })
          : client.query(text as string, parameters as unknown[]),
      release: () => release(false),
    } as unknown as PostgresPoolClient;
    return {
      facade,
      checkOut: () => {
        checkedOut = true;
      },
    };
  };
  return {
    options: pool.options,
    end: () => pool.end(),
    connect: async () => {
      const client = await pool.connect();
      const known = facades.get(client) ?? facadeOf(client);
      facades.set(client, known);
      known.checkOut();
      return known.facade;
    },
  };
};

/** The pg client of the connection a kysely transaction holds (see `kyselyPool`). */
const clientOf = async (trx: Db): Promise<pg.PoolClient> => {
  // Outside a transaction the connection would go back to the pool before the client is used.
  if (!trx.isTransaction) throw new Error('COPY runs inside a transaction');
  const { rows } = await trx.executeQuery(CompiledQuery.raw('select 1', [PG_CLIENT]));
  return rows[0] as pg.PoolClient;
};

// Rows as COPY text, in two buffers of 64 KiB taking turns: one is filled while the other is being sent, and is
// filled again only once it has been handed to the socket whole. A fresh buffer per chunk (or a chunk built as one
// string of thousands of pieces) outlived V8's young generation in the stream's queue and waited for the old
// generation's collector: 20-150 MB of peak memory for a million rows.
const CHUNK_BYTES = 1 << 16;
const writeCopyText = async (copy: Writable, rows: Iterable<ReadonlyArray<Value>>): Promise<void> => {
  // A COPY the server refuses, or a stream closed before it finished (the connection lost under it), fails here,
  // whatever write is waiting (its callback may never come): `finished` rejects on an error or a premature close.
  const ended = finished(copy);
  ended.catch(() => undefined);
  const failed = ended.then((): never => {
    throw new Error('the COPY stream ended before its rows were written');
  });
  failed.catch(() => undefined);
  const write = (chunk: Buffer) =>
    Promise.race([
      new Promise<void>((resolve, reject) => copy.write(chunk, (error) => (error ? reject(error) : resolve()))),
      failed,
    ]);
  const buffers = [Buffer.allocUnsafeSlow(CHUNK_BYTES), Buffer.allocUnsafeSlow(CHUNK_BYTES)] as const;
  let turn = 0;
  let chunk: Buffer = buffers[0];
  let used = 0;
  let sending: Promise<void> = Promise.resolve();
  const send = async (bytes: Buffer) => {
    await sending;
    sending = write(bytes);
  };
  for (const row of rows) {
    let line = copyField(row[0] ?? null);
    for (let i = 1; i < row.length; i++) line += `\t${copyField(row[i] ?? null)}`;
    line += '\n';
    // At most 3 bytes of UTF-8 per UTF-16 code unit.
    const most = line.length * 3;
    if (used + most <= chunk.length) {
      used += chunk.write(line, used);
      continue;
    }
    if (used > 0) {
      await send(chunk.subarray(0, used));
      turn ^= 1;
      chunk = turn === 0 ? buffers[0] : buffers[1];
      used = 0;
    }
    // The other buffer's turn comes once its bytes are sent; a line longer than a buffer goes on its own.
    await sending;
    if (most <= chunk.length) used = chunk.write(line, 0);
    else await send(Buffer.from(line));
  }
  if (used > 0) await send(chunk.subarray(0, used));
  await sending;
  copy.end();
  await ended;
};

/**
 * Values as the text of a PostgreSQL array (`{"a","b\\"c",NULL,5}`), bound as one parameter and cast to the column's
 * array type: what pg would send for a JS array, built faster (pg escapes every element with two regular expressions,
 * a good part of a bulk call's time). JSON's text of the list is that text already (its brackets aside) unless it
 * escapes something other than `"` and `\` (a control character, a lone surrogate), which only PostgreSQL's own
 * rules (`\` before `"` and `\`) then spell.
 */
export const arrayText = (values: ReadonlyArray<Value | undefined>): string => {
  const json = JSON.stringify(values);
  if (!OTHER_ESCAPE.test(json)) return `{${json.slice(1, -1)}}`;
  let text = '{';
  for (let i = 0; i < values.length; i++) {
    if (i > 0) text += ',';
    const value = values[i];
    if (value === null || value === undefined) text += 'NULL';
    else if (typeof value === 'string') text += `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
    else text += String(value);
  }
  return `${text}}`;
};
// A JSON escape other than \" and \\ (\n, \u0000, …).
const OTHER_ESCAPE = /\\[^"\\]/;

// The collations that order text by code point (glibc's C.UTF-8 does; `ucs_basic` is PostgreSQL's own name for C).
const CODE_POINT_COLLATIONS: ReadonlySet<string> = new Set(['c', 'posix', 'c.utf-8', 'c.utf8', 'ucs_basic']);

const columnList = (columns: Columns): string => columns.map(([name]) => `"${name}"`).join(', ');

const copyInto = async (
  client: pg.PoolClient,
  table: string,
  columns: Columns,
  rows: Iterable<ReadonlyArray<Value>>,
) => {
  const copy = client.query(copyFrom(`copy "${table}" (${columnList(columns)}) from stdin`));
  // Whether the stream itself failed (the server refused the COPY, or the connection was lost under it).
  let streamFailed = false;
  copy.on('error', () => {
    streamFailed = true;
  });
  try {
    await writeCopyText(copy, rows);
  } catch (error) {
    // A failure of the rows themselves (not of the server) ends the COPY with CopyFail, so the connection is usable.
    // Not after the stream failed: its CopyFail would wait for an answer a lost connection never sends.
    if (!streamFailed && !copy.destroyed)
      await new Promise<void>((resolve) => copy.destroy(error as Error).once('close', resolve));
    throw error;
  }
};

/**
 * When `table` is empty and no other transaction holds a lock on it (`nowait`: never a wait, so never a deadlock),
 * locks it to the commit (`access exclusive`: readers of it wait too), drops its secondary indexes and unique
 * constraints (and its primary key, with `primaryKey`), and answers the statements that build them again
 * (PostgreSQL's own definitions); else changes nothing and answers none. A failure on the way (a lock held, an
 * object depending on an index) is undone by its savepoint.
 */
const dropIndexesOfEmpty = async (client: pg.PoolClient, table: string, primaryKey: boolean): Promise<string[]> => {
  const { rows: indexes } = await client.query<{ drop: string; create: string }>(
    `select case when c.oid is null then format('drop index %s', i.indexrelid::regclass)
        else format('alter table %s drop constraint %I', i.indrelid::regclass, c.conname) end as "drop",
      case when c.oid is null then pg_get_indexdef(i.indexrelid)
        else format('alter table %s add constraint %I %s', i.indrelid::regclass, c.conname, pg_get_constraintdef(c.oid)) end as "create"
    from pg_index i left join pg_constraint c on c.conindid = i.indexrelid and c.conrelid = i.indrelid
    where i.indrelid = $1::regclass and (not i.indisprimary or $2) order by i.indisprimary desc, i.indexrelid`,
    [table, primaryKey],
  );
  if (indexes.length === 0) return [];
  const empty = async () =>
    (await client.query<{ empty: boolean }>(`select not exists (select 1 from "${table}") as "empty"`)).rows[0]!.empty;
  if (!(await empty())) return [];
  await client.query('savepoint "load_indexes"');
  try {
    await client.query(`lock table "${table}" in access exclusive mode nowait`);
    // Under the lock no other transaction can hold rows of it that this one does not see.
    if (!(await empty())) throw new Error(`${table} is no longer empty`);
    for (const { drop } of indexes) await client.query(drop);
    await client.query('release savepoint "load_indexes"');
    return indexes.map((i) => i.create);
  } catch {
    // The lock, if taken, goes with the savepoint.
    await client.query('rollback to savepoint "load_indexes"');
    await client.query('release savepoint "load_indexes"');
    return [];
  }
};

// The integer COPY spells in `text` from `from` to `to` (a bigint column: an optional minus and digits, exact below
// 2^53 as every scaled quantity is), read without cutting it out.
const integerAt = (text: string, from: number, to: number): number => {
  const negative = text.charCodeAt(from) === 45;
  let value = 0;
  for (let i = negative ? from + 1 : from; i < to; i++) value = value * 10 + (text.charCodeAt(i) - 48);
  return negative ? -value : value;
};

/**
 * PostgreSQL: one pg pool, handed to MikroORM as its kysely dialect, so the ORM, the migrations, every statement
 * and the COPY streams share it. Bulk rows are bound as one array per column (`unnest`) or copied.
 */
export const postgresDialect = (options: PostgresStoreOptions): StoreDialect => {
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.maxConnections ?? DEFAULT_MAX_CONNECTIONS,
    // A server that stops answering fails a connect after 15 s instead of hanging the job.
    connectionTimeoutMillis: 15_000,
    keepAlive: true,
    application_name: 'oms-inventory-sync',
  });
  // A connection lost while idle, or while no query waits on it, is reported by an 'error' event, which would end
  // the process without a listener; the query in flight (or the next one) fails and carries the error instead.
  pool.on('error', noop);
  pool.on('connect', (client) => client.on('error', noop));
  return {
    writableCte: true,
    prepare: () => requireDatabase(options.url, options.createDatabase === true),
    orm: {
      driver: PostgreSqlDriver,
      // `prepare` saw to the database; MikroORM's own check would end the store's pool to reconnect elsewhere.
      ensureDatabase: false,
      // MikroORM reads the database name from the URL; it connects through the pool below only.
      clientUrl: options.url,
      driverOptions: new PostgresDialect({ pool: kyselyPool(pool) }),
    },
    rows: (columns, rows, bound) => {
      const arrays = columns.map(
        ([, type], i) => sql`${bound?.[i]?.text ?? arrayText(rows.map((row) => row[i]))}::${sql.raw(type)}[]`,
      );
      return sql`(select * from unnest(${sql.join(arrays)}) as "u"(${sql.raw(columnList(columns))}))`;
    },
    bindColumn: (values) => ({ _tag: 'BoundColumn', text: arrayText(values) }),
    among: (column, ids) => sql`${sql.ref(column)} = any(${arrayText(ids)}::text[])`,
    // `limit 1` (the key is unique) keeps the lateral subquery from being pulled up into a join the planner may hash.
    byKey: (table, columns, where, column, ids) =>
      sql`(select "k".* from (select distinct unnest(${arrayText(ids)}::text[]) as "id") as "u" cross join lateral (select ${sql.join(
        columns.map((c) => sql.ref(c)),
      )} from ${sql.table(table)} where ${where} and ${sql.ref(column)} = "u"."id" limit 1) as "k")`,
    forUpdate: (alias) => sql` for update of ${sql.ref(alias)}`,
    fence: sql` offset 0`,
    codePointOrder: async (db) => {
      // The provider column (PostgreSQL 15+: c libc, i ICU, b builtin) read through to_jsonb, so older servers answer
      // too; an ICU collation never orders by code point, the builtin ones (C, C.UTF-8) always do.
      const { rows } = await sql<{ collation: string | null; provider: string | null }>`
        select "datcollate" as "collation", to_jsonb(d) ->> 'datlocprovider' as "provider"
        from pg_database as d where "datname" = current_database()`.execute(db);
      const { collation, provider } = rows[0] ?? { collation: null, provider: null };
      if (provider === 'b') return true;
      if (provider !== null && provider !== 'c') return false;
      return CODE_POINT_COLLATIONS.has((collation ?? '').toLowerCase());
    },
    rowAddress: {
      of: (alias) => sql`cast(${sql.ref(`${alias}.ctid`)} as text)`,
      at: (alias, address) => sql`${sql.ref(`${alias}.ctid`)} = cast(${address} as tid)`,
      waitAtMost: (ms) => sql`set_config('lock_timeout', ${`${Math.round(ms)}ms`}, true)`,
    },
    fill: async (trx, table, columns, rows) => copyInto(await clientOf(trx), table, columns, rows),
    load: async (trx, table, columns, rows, { primaryKey = false } = {}) => {
      const client = await clientOf(trx);
      const rebuild = await dropIndexesOfEmpty(client, table, primaryKey);
      const locked = rebuild.length > 0;
      await copyInto(client, table, columns, typeof rows === 'function' ? await rows(locked) : rows);
      // The sorts of the builds in memory: at least 256 MB for them, to the commit (PostgreSQL's default, 64 MB, made
      // the four ledger indexes of a million rows sort on disk: 3.9-4.1 s against 3.1 s). A larger setting stays.
      if (locked)
        await client.query(
          `select set_config('maintenance_work_mem', '256MB', true)
           where pg_size_bytes(current_setting('maintenance_work_mem')) < pg_size_bytes('256MB')`,
        );
      // The primary key first (it is listed first), as the table had it.
      for (const statement of rebuild) await client.query(statement);
      return locked;
    },
    roomToSort: async (trx) => {
      await sql`select set_config('work_mem', '64MB', true)
        where pg_size_bytes(current_setting('work_mem')) < pg_size_bytes('64MB')`.execute(trx);
    },
    stockLevels: async (trx) => {
      // Sized from the planner's row estimate, so a million rows are not copied over and over as the table grows.
      const estimate = await sql<{ rows: number }>`
        select greatest(reltuples, 0)::float8 as "rows" from pg_class where oid = 'inventory_position'::regclass`.execute(
        trx,
      );
      const levels = stockTableBuilder((estimate.rows[0]?.rows ?? 0) * 1.05 + 1024);
      const client = await clientOf(trx);
      const stream = client.query(
        copyTo(`copy (select "product_id", "facility_id", "quantity_on_hand_scaled", "available_to_promise_scaled"
                from "inventory_position") to stdout`),
      );
      let rest = '';
      // COPY's chunks end anywhere, inside a row and inside a character: one decoder keeps a character split
      // between two chunks whole (decoding each chunk on its own turned it into U+FFFD).
      const utf8 = new StringDecoder('utf8');
      // A million rows: no string cut out of the text and no lookup for an id the reader can tell it knows. The rows
      // of a product mostly come together (a product's positions are written together), and its facilities in the
      // same order each time: the field is compared in place with the previous row's product, and with the facility
      // that followed this row's predecessor last time (`after`); only a new one is cut out and looked up.
      let product = '';
      let productNumber = -1;
      let facility = -1;
      const facilityText: string[] = [];
      const after: number[] = [];
      const known = (text: string, from: number, to: number, field: string) =>
        to - from === field.length && text.startsWith(field, from);
      const facilityNumber = (text: string, from: number, to: number): number => {
        const predicted = facility === -1 ? -1 : (after[facility] ?? -1);
        if (predicted !== -1 && known(text, from, to, facilityText[predicted]!)) return predicted;
        const field = text.slice(from, to);
        const number = levels.numberOf(copyValue(field));
        facilityText[number] = field;
        if (facility !== -1) after[facility] = number;
        return number;
      };
      for await (const chunk of stream as AsyncIterable<Buffer>) {
        const text = rest + utf8.write(chunk);
        let start = 0;
        for (let end = text.indexOf('\n', start); end !== -1; end = text.indexOf('\n', start)) {
          const t1 = text.indexOf('\t', start);
          const t2 = text.indexOf('\t', t1 + 1);
          const t3 = text.indexOf('\t', t2 + 1);
          if (productNumber === -1 || !known(text, start, t1, product)) {
            product = text.slice(start, t1);
            productNumber = levels.numberOf(copyValue(product));
          }
          facility = facilityNumber(text, t1 + 1, t2);
          levels.addNumbered(
            productNumber,
            facility,
            fromScaled(integerAt(text, t2 + 1, t3)),
            fromScaled(integerAt(text, t3 + 1, end)),
          );
          start = end + 1;
        }
        rest = text.slice(start);
      }
      return levels.build();
    },
  };
};
