// The inventory ledger on every store: its contract (the memory store as the reference), and concurrent writers in
// separate processes on PostgreSQL and SQLite.
import { spawn } from 'node:child_process';
import { DatabaseSync } from 'node:sqlite';
import { fileURLToPath } from 'node:url';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { sql } from 'kysely';
import { MIGRATIONS_TABLE } from '../../../src/adapters/persistence/migrations.ts';
import { openOrm, type StoreLocation } from '../../../src/adapters/persistence/orm.ts';
import { changesOf, changesText } from '../../../src/adapters/persistence/ledger.ts';
import { openStore } from '../../../src/adapters/persistence/store.ts';
import { applyInventoryEvents, emptyLedgerState } from '../../../src/domain/index.ts';
import { CONCURRENT_FACILITIES, CONCURRENT_PRODUCTS } from '../../support/concurrent-positions.ts';
import { run } from '../../support/run.ts';
import { FRESH_DATABASES, STORE_ADAPTERS as adapters } from '../../support/stores.ts';
import { inventoryLedgerContract, seedCatalogue, storeState } from './inventory-ledger.contract.ts';

for (const [adapter, open] of adapters) inventoryLedgerContract(adapter, open);

// ---- Concurrent writers: separate processes, each recording its own random events on 10 shared positions. ----

const CHILD = fileURLToPath(new URL('../../support/record-events-child.ts', import.meta.url));

const writer = (
  location: StoreLocation,
  seed: number,
  count: number,
  killAfterCalls?: number,
): Promise<WriterResult | 'killed'> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CHILD, JSON.stringify(location), String(seed), String(count), '20'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.on('data', (d) => {
      err += d;
      if (killAfterCalls !== undefined && err.includes(`committed ${killAfterCalls}\n`)) child.kill('SIGKILL');
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (signal === 'SIGKILL') resolve('killed');
      else if (code !== 0) reject(new Error(`writer ${seed} exited ${code}: ${err}`));
      else resolve(JSON.parse(out) as WriterResult);
    });
  });

interface WriterResult {
  readonly applied: ReadonlyArray<string>;
  readonly counts: Readonly<Record<string, number>>;
}

const concurrent = suite('InventoryLedger: concurrent writer processes');
const CASES: ReadonlyArray<[string, number, number]> = [
  ['PostgreSQL', 4, 500],
  ['SQLite', 2, 200],
];
for (const [name, writers, count] of CASES) {
  concurrent(
    `${name}: ${writers} processes x ${count} events; the positions equal the fold of the ledger, none lost`,
    async () => {
      const fresh = FRESH_DATABASES.find(([n]) => n === name)![1];
      const database = await fresh();
      const store = await openStore(database.location);
      try {
        await store.migrate();
        await seedCatalogue(store, CONCURRENT_PRODUCTS, CONCURRENT_FACILITIES);
        const started = Date.now();
        const results = await Promise.all(
          Array.from({ length: writers }, (_, i) => writer(database.location, i + 1, count)),
        );
        const elapsed = Date.now() - started;
        const entries = await run(store.ledgerEntries(null, 1_000_000));
        const finished = results.flatMap((r) => (r === 'killed' ? [] : [r]));
        assert.is(finished.length, writers, 'every writer ran to its end');
        const accepted = finished.flatMap((r) => r.applied);
        assert.equal(
          entries.map((e) => e.event.eventId).sort(),
          [...accepted].sort(),
          'the ledger holds exactly the events the writers were told were applied',
        );
        const sequences = entries.map((e) => e.sequence);
        assert.equal(
          sequences,
          [...sequences].sort((a, b) => a - b),
        );
        // Folding the ledger's events in sequence order decides every one the same way, with the same before/after.
        const folded = applyInventoryEvents(
          emptyLedgerState(),
          entries.map((e) => e.event),
          {
            knownProducts: new Set(CONCURRENT_PRODUCTS),
            knownFacilities: new Set(CONCURRENT_FACILITIES),
            recorded: new Map(),
          },
        );
        assert.equal(
          folded.outcomes.map((o) => (o.outcome === 'applied' ? o.changes : o.outcome)),
          entries.map((e) => e.changes),
          'a serial order: each before is the after of the event before it',
        );
        assert.equal(await storeState(store, CONCURRENT_PRODUCTS), {
          positions: folded.state.positions,
          safetyStock: new Map(),
          thresholds: new Map(),
          brokeringQueue: new Map(),
        });
        const counts: Record<string, number> = {};
        for (const r of finished) for (const [k, v] of Object.entries(r.counts)) counts[k] = (counts[k] ?? 0) + v;
        console.log(`  ${name}: ${writers} x ${count} events in ${elapsed} ms: ${JSON.stringify(counts)}`);
      } finally {
        await store.close();
        await database.drop();
      }
    },
  );
}

for (const [name] of CASES)
  concurrent(
    `${name}: a writer killed (SIGKILL) in the middle of its run, then rerun: the state of one clean run`,
    async () => {
      const fresh = FRESH_DATABASES.find(([n]) => n === name)![1];
      const outcome = async (kill: boolean) => {
        const database = await fresh();
        const store = await openStore(database.location);
        try {
          await store.migrate();
          await seedCatalogue(store, CONCURRENT_PRODUCTS, CONCURRENT_FACILITIES);
          if (kill) assert.is(await writer(database.location, 7, 300, 4), 'killed');
          const rerun = await writer(database.location, 7, 300);
          const entries = await run(store.ledgerEntries(null, 1_000_000));
          return {
            rerun,
            ledger: entries.map((e) => [e.event.eventId, e.changes]),
            state: await storeState(store, CONCURRENT_PRODUCTS),
          };
        } finally {
          await store.close();
          await database.drop();
        }
      };
      const clean = await outcome(false);
      const killed = await outcome(true);
      assert.equal(
        [...killed.state.positions].sort(),
        [...clean.state.positions].sort(),
        `positions (${killed.ledger.length} and ${clean.ledger.length} entries)`,
      );
      assert.equal(killed.state, clean.state);
      assert.equal(
        killed.ledger,
        clean.ledger,
        'the same events applied, in the same order, with the same before/after',
      );
      const rerun = killed.rerun as WriterResult;
      const whole = clean.rerun as WriterResult;
      assert.ok(rerun.applied.length < whole.applied.length, 'the rerun applied only what the killed run had not');
      assert.ok(
        (rerun.counts.duplicate ?? 0) >= 4 * 20,
        'the calls committed before the kill are duplicates on the rerun, refused events included',
      );
    },
  );

concurrent.run();

// ---- A refusal recorded before the ledger kept its detail (a database migrated from an earlier release). ----

const upgraded = suite('InventoryLedger: a refusal recorded without its detail');
upgraded('SQLite: its replay is a duplicate carrying the reason, with the reason as the detail', async () => {
  const [, fresh] = FRESH_DATABASES.find(([name]) => name === 'SQLite')!;
  const database = await fresh();
  const store = await openStore(database.location);
  try {
    await store.migrate();
    await seedCatalogue(store);
    const release = {
      eventId: 'OLD-1',
      type: 'released' as const,
      productId: 'P1',
      facilityId: 'WH1',
      quantity: 2,
      occurredAt: '2026-12-01T10:00:00Z',
      source: 'upgrade-test',
    };
    const first = await run(store.recordEvents([release]));
    assert.is(first[0]!.outcome, 'refused');
    assert.equal(await run(store.recordEvents([release])), [
      {
        outcome: 'duplicate',
        eventId: 'OLD-1',
        refused: { reason: 'release-exceeds-reserved', detail: 'releasing 2 at WH1, where 0 is reserved' },
      },
    ]);
    const file = (database.location as { sqliteFile: string }).sqliteFile;
    const raw = new DatabaseSync(file);
    try {
      raw.prepare(`update "inventory_event" set "refusal_detail" = null where "event_id" = 'OLD-1'`).run();
    } finally {
      raw.close();
    }
    assert.equal(await run(store.recordEvents([release])), [
      {
        outcome: 'duplicate',
        eventId: 'OLD-1',
        refused: { reason: 'release-exceeds-reserved', detail: 'release-exceeds-reserved' },
      },
    ]);
  } finally {
    await store.close();
    await database.drop();
  }
});

upgraded.run();

// ---- The marks of changed products: the ledger's writes mark nothing; the delta push's first page folds them in. ----

const marks = suite('InventoryLedger: changed products marked from the ledger');
for (const [name, fresh] of FRESH_DATABASES)
  marks(
    `${name}: the rows after the mark are folded in once, up to the head; the import's resets are not`,
    async () => {
      const database = await fresh();
      const store = await openStore(database.location);
      const orm = await openOrm(database.location);
      try {
        await store.migrate();
        await seedCatalogue(store, ['P1', 'P2', 'P3']);
        const marked = async () =>
          (
            await sql<{ product_id: string; sequence: unknown; version: unknown }>`select "product_id", "sequence",
            "version" from "changed_product" order by "product_id"`.execute(orm.db())
          ).rows.map((r) => [r.product_id, Number(r.sequence), Number(r.version)]);
        const mark = async () =>
          Number(
            (await sql<{ sequence: unknown }>`select "sequence" from "changed_product_mark"`.execute(orm.db())).rows[0]!
              .sequence,
          );
        assert.is(await mark(), 0, 'a fresh database: nothing to fold');
        const received = (n: number, productId: string) => ({
          eventId: `mark-${n}`,
          type: 'received' as const,
          productId,
          facilityId: 'WH1',
          quantity: 1,
          occurredAt: '2026-12-01T10:00:00Z',
          source: 'marks-test',
        });
        await run(store.recordEvents([received(1, 'P1'), received(2, 'P2'), received(3, 'P1')]));
        assert.equal(await marked(), [], 'the ledger write marked nothing');
        assert.equal(
          (await run(store.changedProducts('c', null, 10))).map((c) => [c.productId, c.sequence]),
          [
            ['P1', 3],
            ['P2', 2],
          ],
          "each product at its last row's number",
        );
        assert.is(await mark(), 3, 'the mark at the head');
        await run(store.changedProducts('c', null, 10));
        assert.equal(
          await marked(),
          [
            ['P1', 3, 1],
            ['P2', 2, 1],
          ],
          'folded once',
        );
        await run(
          store.commitImport({
            runId: 'run-marks',
            file: { name: 'inv.csv', sha256: 'b'.repeat(64), bytes: 10 },
            outcome: 'applied',
            method: 'exact-atp',
            adjustments: [
              {
                productId: 'P3',
                facilityId: 'WH1',
                quantityOnHandBefore: 0,
                quantityOnHandAfter: 4,
                availableToPromiseBefore: 0,
                availableToPromiseAfter: 4,
                fileQuantity: 4,
                created: true,
                line: 2,
              },
            ],
            counts: { rowsRead: 1, adjusted: 1, unchanged: 0, rejected: 0 },
            at: new Date('2026-12-01T00:00:00.000Z'),
          }),
        );
        assert.is(await mark(), 4, "nothing was left to fold before the import's numbers: the mark moved past them");
        await run(store.recordEvents([received(4, 'P2')]));
        await run(store.changedProducts('c', null, 10));
        assert.equal(
          await marked(),
          [
            ['P1', 3, 1],
            ['P2', 5, 2],
            ['P3', 4, 1],
          ],
          'the reset marked by the import only; P2 again at its new row',
        );
        assert.is(await mark(), 5);
        // A change that is no ledger row (a new mapping) drawn while a ledger row waits to be folded: the mark stays.
        await run(store.recordEvents([received(5, 'P1')]));
        await run(
          store.saveMappings('marks.myshopify.com', [
            { productId: 'P3', sku: 'SKU-3', status: 'mapped', inventoryItemId: 'gid://shopify/InventoryItem/3' },
          ]),
        );
        assert.is(await mark(), 5, 'a ledger row before it is not folded yet');
        assert.equal(
          (await run(store.changedProducts('c', 'P1', 10))).map((c) => c.productId),
          ['P2', 'P3'],
          'a later page folds nothing',
        );
        assert.is(await mark(), 5);
        assert.equal(
          (await run(store.changedProducts('c', null, 10))).map((c) => c.productId),
          ['P1', 'P2', 'P3'],
        );
        assert.is(await mark(), await run(store.ledgerHead()));
      } finally {
        await orm.close();
        await store.close();
        await database.drop();
      }
    },
  );
marks.run();

// ---- The changes as the ledger keeps them: compact when they follow the event, objects otherwise (and as before). ----

const compact = suite('InventoryLedger: the changes kept compact');
compact('each change as numbers when it follows the event; read back whole; rows of objects read as before', () => {
  const base = { productId: 'P1', occurredAt: '2026-12-01T10:00:00Z', source: 'test' };
  const at = (facilityId: string, qb: number, rb: number, qa: number, ra: number) => ({
    kind: 'position' as const,
    productId: 'P1',
    facilityId,
    before: { quantityOnHand: qb, reservedQuantity: rb },
    after: { quantityOnHand: qa, reservedQuantity: ra },
  });
  const transfer = {
    ...base,
    eventId: 't',
    type: 'transferred' as const,
    facilityId: 'WH1',
    toFacilityId: 'WH2',
    quantity: 2,
  };
  const moved = [at('WH1', 5, 1, 3, 1), at('WH2', 0, 0, 2, 0)];
  assert.is(changesText(transfer, moved), '[[5,1,3,1],[0,0,2,0]]');
  assert.equal(changesOf(transfer, changesText(transfer, moved)), moved);
  const safety = { ...base, eventId: 's', type: 'safety-stock-set' as const, facilityId: 'WH1', quantity: 1.5 };
  const set = [{ kind: 'safety-stock' as const, productId: 'P1', facilityId: 'WH1', before: 0, after: 1.5 }];
  assert.is(changesText(safety, set), '[[0,1.5]]');
  assert.equal(changesOf(safety, changesText(safety, set)), set);
  const queue = { ...base, eventId: 'q', type: 'brokering-queue-changed' as const, quantity: -1 };
  const queued = [{ kind: 'brokering-queue' as const, productId: 'P1', before: 3, after: 2 }];
  assert.equal(changesOf(queue, changesText(queue, queued)), queued);
  // A change that does not follow its event (another facility) is kept as objects, and read back as such.
  const odd = [at('WH3', 1, 0, 2, 0)];
  const received = { ...base, eventId: 'r', type: 'received' as const, facilityId: 'WH1', quantity: 1 };
  assert.is(changesText(received, odd), JSON.stringify(odd));
  assert.equal(changesOf(received, changesText(received, odd)), odd);
  assert.equal(changesOf(received, '[]'), []);
  assert.throws(() => changesOf(received, '[[1,2]]'), /unreadable changes list/, 'a position needs four numbers');
});
compact.run();

// ---- Review: the delta push against concurrent writers, imports and mappings; replays racing; the upgrade. ----

const review = suite('InventoryLedger: the delta push folds every change once, under concurrent writers');

/** A `received` event of 1 WH1 position (of P1 unless told), from `source`. */
const receivedBy =
  (source: string) =>
  (eventId: string, quantity: number, productId = 'P1') => ({
    eventId,
    type: 'received' as const,
    productId,
    facilityId: 'WH1',
    quantity,
    occurredAt: '2026-12-01T10:00:00Z',
    source,
  });

/** `body` on a fresh migrated store of `fresh` (and the ORM on its database, for raw reads), closed and dropped after. */
const withFreshStore = async (
  fresh: (typeof FRESH_DATABASES)[number][1],
  body: (store: Awaited<ReturnType<typeof openStore>>, orm: Awaited<ReturnType<typeof openOrm>>) => Promise<void>,
) => {
  const database = await fresh();
  const store = await openStore(database.location);
  const orm = await openOrm(database.location);
  try {
    await store.migrate();
    await body(store, orm);
  } finally {
    await orm.close();
    await store.close();
    await database.drop();
  }
};

/** One delta push as pushRecentChanges runs it (cursor, head, every page, the cursor moved to the head). */
const pushRun = async (store: Awaited<ReturnType<typeof openStore>>, consumer: string) => {
  const cursor = await run(store.changeCursor(consumer));
  const head = await run(store.ledgerHead());
  const listed = new Set<string>();
  let after: string | null = null;
  for (;;) {
    const page: ReadonlyArray<{ readonly productId: string }> = await run(store.changedProducts(consumer, after, 3));
    for (const c of page) listed.add(c.productId);
    if (page.length < 3) break;
    after = page[page.length - 1]!.productId;
  }
  await run(store.moveCursor(consumer, head));
  return { after: cursor ?? -1, through: head, listed };
};

const REVIEW_CASES: ReadonlyArray<[string, number, number]> = [
  ['PostgreSQL', 3, 300],
  ['SQLite', 2, 150],
];
for (const [name, writers, count] of REVIEW_CASES)
  review(
    `${name}: writer processes, imports and mapping saves while pushes run: every ledger row's product is listed by the run whose range holds its number`,
    async () => {
      const fresh = FRESH_DATABASES.find(([n]) => n === name)![1];
      const database = await fresh();
      const store = await openStore(database.location);
      // PostgreSQL: the imports and mappings on a pool of their own (SQLite: one connection per process).
      const other = name === 'PostgreSQL' ? await openStore(database.location) : store;
      const orm = await openOrm(database.location);
      try {
        await store.migrate();
        const imported = Array.from({ length: 12 }, (_, i) => `Q${i}`);
        // Products changed once each, just before an import or a mapping draws its numbers: a miss is not hidden by
        // a later change of the same product.
        const once = Array.from({ length: 24 }, (_, i) => `R${i}`);
        await seedCatalogue(store, [...CONCURRENT_PRODUCTS, ...imported, ...once], CONCURRENT_FACILITIES);
        const receivedOnce = (i: number) => receivedBy('review')(`once-${i}`, 1, once[i]!);
        const runs: Array<Awaited<ReturnType<typeof pushRun>>> = [];
        let writing = true;
        const pushing = (async () => {
          while (writing) {
            runs.push(await pushRun(store, 'review'));
            // A macrotask between runs: SQLite's calls settle without one, and the writers' exits must be heard.
            await new Promise((resolve) => setTimeout(resolve, 5));
          }
        })();
        const side = (async () => {
          for (let k = 0; k < imported.length && writing; k++) {
            await run(other.recordEvents([receivedOnce(2 * k)]));
            await run(
              other.commitImport({
                runId: `review-run-${k}`,
                file: { name: `inv-${k}.csv`, sha256: String(k).repeat(64).slice(0, 64), bytes: 10 },
                outcome: 'applied',
                method: 'exact-atp',
                adjustments: [
                  {
                    productId: imported[k]!,
                    facilityId: 'WH1',
                    quantityOnHandBefore: 0,
                    quantityOnHandAfter: 3,
                    availableToPromiseBefore: 0,
                    availableToPromiseAfter: 3,
                    fileQuantity: 3,
                    created: true,
                    line: 2,
                  },
                ],
                counts: { rowsRead: 1, adjusted: 1, unchanged: 0, rejected: 0 },
                at: new Date('2026-12-01T00:00:00.000Z'),
              }),
            );
            await run(other.recordEvents([receivedOnce(2 * k + 1)]));
            await run(
              other.saveMappings('review.myshopify.com', [
                {
                  productId: CONCURRENT_PRODUCTS[k % CONCURRENT_PRODUCTS.length]!,
                  sku: `SKU-${k}`,
                  status: 'mapped',
                  inventoryItemId: `gid://shopify/InventoryItem/${k}`,
                },
              ]),
            );
            await new Promise((resolve) => setTimeout(resolve, 20));
          }
        })();
        const results = await Promise.all(
          Array.from({ length: writers }, (_, i) => writer(database.location, 40 + i, count)),
        ).finally(() => {
          writing = false;
        });
        await Promise.all([pushing, side]);
        runs.push(await pushRun(store, 'review'));
        assert.ok(results.every((r) => r !== 'killed'));
        const rows = (
          await sql<{ sequence: unknown; product_id: string }>`select "sequence", "product_id" from "inventory_event"
            where "refusal" is null order by "sequence"`.execute(orm.db())
        ).rows.map((r) => [Number(r.sequence), r.product_id] as const);
        assert.ok(
          rows.some(([, p]) => p.startsWith('Q')),
          'imports ran among the writers',
        );
        assert.ok(runs.length > 2, `${runs.length} runs`);
        const missed: string[] = [];
        for (const [s, p] of rows) {
          const taking = runs.find((r) => r.after < s && s <= r.through);
          if (taking === undefined) missed.push(`#${s} ${p}: no run took its number`);
          else if (!taking.listed.has(p))
            missed.push(`#${s} ${p}: not listed by the run (${taking.after}, ${taking.through}]`);
        }
        assert.equal(missed, [], `${rows.length} rows, ${runs.length} runs`);
        const mark = Number(
          (await sql<{ sequence: unknown }>`select "sequence" from "changed_product_mark"`.execute(orm.db())).rows[0]!
            .sequence,
        );
        assert.is(mark, await run(store.ledgerHead()), 'the last run folded up to the head');
        // Every product's mark is at the number of its last change (a ledger row, or a mapping's drawn number).
        const lastRow = new Map(rows.map(([s, p]) => [p, s] as const));
        const marks = (
          await sql<{
            product_id: string;
            sequence: unknown;
          }>`select "product_id", "sequence" from "changed_product"`.execute(orm.db())
        ).rows;
        for (const m of marks) {
          const s = lastRow.get(m.product_id);
          if (s !== undefined)
            assert.ok(Number(m.sequence) >= s, `${m.product_id} marked at ${m.sequence}, its last row #${s}`);
        }
      } finally {
        await orm.close();
        if (other !== store) await other.close();
        await store.close();
        await database.drop();
      }
    },
  );

// Two stores (their own pools) record the same new events at once: one applies each, the other is told duplicate (a
// different payload: conflict), a batch's new events are applied around the replayed one, nothing is counted twice.
review('PostgreSQL: the same new event id recorded by two writers at once, alone and within batches', async () => {
  const fresh = FRESH_DATABASES.find(([n]) => n === 'PostgreSQL')![1];
  const database = await fresh();
  const a = await openStore(database.location);
  const b = await openStore(database.location);
  try {
    await a.migrate();
    await seedCatalogue(a, ['P1', 'P2'], ['WH1']);
    const received = receivedBy('race-test');
    let expected = 0;
    const ROUNDS = 40;
    for (let k = 0; k < ROUNDS; k++) {
      const variant = k % 4;
      // 0: the same event alone; 1: within batches of new ones; 2: a different payload under the same id; 3: an
      // event of an unknown product (refused: it locks no row the other call locks).
      const shared = received(`shared-${k}`, 1, variant === 3 ? 'UNKNOWN' : 'P1');
      const left = variant === 1 ? [received(`a-${k}`, 10, 'P2'), shared] : [shared];
      const right =
        variant === 1
          ? [shared, received(`b-${k}`, 100, 'P2')]
          : variant === 2
            ? [received(`shared-${k}`, 7)]
            : [shared];
      const [x, y] = await Promise.all([run(a.recordEvents(left)), run(b.recordEvents(right))]);
      const sharedOutcomes = [...x, ...y]
        .filter((o) => o.eventId === `shared-${k}`)
        .map((o) => o.outcome)
        .sort();
      assert.equal(
        sharedOutcomes,
        variant === 3 ? ['duplicate', 'refused'] : ['applied', variant === 2 ? 'conflict' : 'duplicate'],
        `round ${k}`,
      );
      if (variant === 3) continue;
      for (const o of [...x, ...y]) if (o.eventId !== `shared-${k}`) assert.is(o.outcome, 'applied', o.eventId);
      const won = [...x, ...y].find((o) => o.eventId === `shared-${k}` && o.outcome === 'applied');
      expected += variant === 2 && y.includes(won!) ? 7 : 1;
    }
    const p1 = (await run(a.productInventory('P1')))!;
    const p2 = (await run(a.productInventory('P2')))!;
    const qoh = (r: typeof p1) => r.inventory.positions.reduce((t, p) => t + p.quantityOnHand, 0);
    assert.is(qoh(p1), expected, 'each shared event applied once');
    const batches = ROUNDS / 4;
    assert.is(qoh(p2), 110 * batches, 'the batches’ own events each applied once');
    const entries = await run(a.ledgerEntries(null, 10_000));
    assert.is(entries.length, (ROUNDS * 3) / 4 + 2 * batches, 'one ledger row per event applied');
    // A replay afterwards, from either store: nothing changes.
    const again = await run(
      b.recordEvents([received('shared-0', 1), received('shared-1', 9), received('shared-3', 1, 'UNKNOWN')]),
    );
    assert.equal(
      again.map((o) => o.outcome),
      ['duplicate', 'conflict', 'duplicate'],
    );
    assert.is(qoh((await run(a.productInventory('P1')))!), expected);
    assert.is((await run(a.ledgerEntries(null, 10_000))).length, entries.length);
  } finally {
    await a.close();
    await b.close();
    await database.drop();
  }
});
for (const [name, fresh] of FRESH_DATABASES)
  review(
    `${name}: a store from before the mark (rows of object changes, marks written by the ledger) upgrades whole`,
    () =>
      withFreshStore(fresh, async (store, orm) => {
        await seedCatalogue(store, ['P1', 'P2', 'P3'], ['WH1', 'WH2']);
        const event = (n: number, productId: string, type: 'received' | 'transferred' = 'received') => ({
          eventId: `up-${n}`,
          type,
          productId,
          facilityId: 'WH1',
          ...(type === 'transferred' ? { toFacilityId: 'WH2' } : {}),
          quantity: 1,
          occurredAt: '2026-12-01T10:00:00Z',
          source: 'upgrade-test',
        });
        await run(store.recordEvents([event(1, 'P1'), event(2, 'P2'), event(3, 'P1', 'transferred')]));
        await run(store.moveCursor('up', await run(store.ledgerHead())));
        // The release before: the table and its step absent; the ledger marked each product at its row's number.
        await sql`drop table "changed_product_mark"`.execute(orm.db());
        await sql`delete from ${sql.table(MIGRATIONS_TABLE)} where "name" = 'Migration20270103000000_ChangedProductMark'`.execute(
          orm.db(),
        );
        await run(store.recordEvents([event(4, 'P3'), event(5, 'P2')]));
        await sql`delete from "changed_product"`.execute(orm.db());
        await sql`insert into "changed_product" ("product_id", "changed_at", "sequence")
        select "product_id", max("recorded_at"), max("sequence") from "inventory_event" where "refusal" is null
        group by "product_id"`.execute(orm.db());
        const entries = await run(store.ledgerEntries(null, 100));
        for (const e of entries)
          await sql`update "inventory_event" set "changes" = ${JSON.stringify(e.changes)} where "sequence" = ${e.sequence}`.execute(
            orm.db(),
          );
        await store.migrate();
        const mark = Number(
          (await sql<{ sequence: unknown }>`select "sequence" from "changed_product_mark"`.execute(orm.db())).rows[0]!
            .sequence,
        );
        assert.is(mark, await run(store.ledgerHead()), 'the mark starts at the head: every row before was marked');
        assert.is(mark, 5);
        assert.equal(await run(store.ledgerEntries(null, 100)), entries, 'rows of objects read as they were written');
        assert.equal(
          (await run(store.changedProducts('up', null, 10))).map((c) => [c.productId, c.sequence]),
          [
            ['P2', 5],
            ['P3', 4],
          ],
          'the changes after the cursor, each once, at its number',
        );
        await run(store.recordEvents([event(6, 'P1')]));
        const compactText = (
          await sql<{ changes: string }>`select "changes" from "inventory_event" where "event_id" = 'up-6'`.execute(
            orm.db(),
          )
        ).rows[0]!.changes;
        assert.is(compactText, '[[0,0,1,0]]', 'a new row keeps its changes compact');
        const all = await run(store.ledgerEntries(null, 100));
        assert.equal(all.slice(0, entries.length), entries);
        assert.equal(all[entries.length]!.changes, [
          {
            kind: 'position',
            productId: 'P1',
            facilityId: 'WH1',
            before: { quantityOnHand: 0, reservedQuantity: 0 },
            after: { quantityOnHand: 1, reservedQuantity: 0 },
          },
        ]);
        assert.equal(
          (await run(store.changedProducts('up', null, 10))).map((c) => [c.productId, c.sequence]),
          [
            ['P1', 6],
            ['P2', 5],
            ['P3', 4],
          ],
        );
      }),
  );
for (const [name, fresh] of FRESH_DATABASES)
  review(`${name}: a batch mixing replayed, conflicting and new events: only the new one changes anything`, () =>
    withFreshStore(fresh, async (store) => {
      await seedCatalogue(store, ['P1', 'P2'], ['WH1']);
      const received = receivedBy('mixed-test');
      const released = { ...received('refused-1', 5), type: 'released' as const };
      assert.equal(
        (await run(store.recordEvents([received('a', 1), received('b', 2, 'P2'), released]))).map((o) => o.outcome),
        ['applied', 'applied', 'refused'],
      );
      const before = await storeState(store, ['P1', 'P2']);
      const entries = await run(store.ledgerEntries(null, 100));
      const head = await run(store.ledgerHead());
      // Twice: the first call reads first (PostgreSQL), the second after it raced (locking at once).
      for (const round of [1, 2]) {
        const outcomes = await run(
          store.recordEvents([
            received('a', 1),
            received(`new-${round}`, 10, 'P2'),
            received('b', 3, 'P2'),
            released,
            received(`new-${round}`, 10, 'P2'),
          ]),
        );
        assert.equal(
          outcomes.map((o) => o.outcome),
          ['duplicate', 'applied', 'conflict', 'duplicate', 'duplicate'],
          `round ${round}`,
        );
        assert.ok(outcomes[3]!.outcome === 'duplicate' && outcomes[3]!.refused?.reason === 'release-exceeds-reserved');
      }
      const after = await storeState(store, ['P1', 'P2']);
      assert.equal(after.positions.size, before.positions.size);
      const p1 = (await run(store.productInventory('P1')))!;
      assert.is(
        p1.inventory.positions.reduce((t, p) => t + p.quantityOnHand, 0),
        1,
        'the replays changed nothing',
      );
      const now = await run(store.ledgerEntries(null, 100));
      assert.equal(now.slice(0, entries.length), entries);
      assert.equal(
        now.slice(entries.length).map((e) => e.event.eventId),
        ['new-1', 'new-2'],
      );
      assert.is(await run(store.ledgerHead()), head + 2, 'two numbers drawn: one per new event');
      const p2 = (await run(store.productInventory('P2')))!;
      assert.is(
        p2.inventory.positions.reduce((t, p) => t + p.quantityOnHand, 0),
        22,
      );
    }),
  );
review.run();
