// `oms-inventory-sync import-events` and `record-events` end to end: the command run as a user runs it, on an
// SQLite store and a local inbox.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { openSqliteInventoryStore } from '../../src/adapters/persistence/sqlite-inventory-store.ts';
import { run } from '../support/run.ts';

const main = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));

const cli = (args: ReadonlyArray<string>, stdin?: string) =>
  new Promise<{ status: number; stdout: string; stderr: string }>((resolve) => {
    const child = execFile(
      'node',
      [main, ...args],
      { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) =>
        resolve({ status: error === null ? 0 : typeof error.code === 'number' ? error.code : 1, stdout, stderr }),
    );
    if (stdin !== undefined) child.stdin!.end(stdin);
  });

const event = (eventId: string, type: string, quantity: number, extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    eventId,
    type,
    productId: 'P1',
    facilityId: 'WH',
    quantity,
    occurredAt: '2026-12-01T10:00:00Z',
    source: 'wms',
    ...extra,
  });

const folder = (path: string) => {
  try {
    return readdirSync(path).sort();
  } catch {
    return [];
  }
};

// A data folder with an SQLite store (P1/SKU-1 at WH), an events inbox and the config file naming both.
const world = async () => {
  const dir = mkdtempSync(join(tmpdir(), 'oms-inventory-sync-events-cli-'));
  const file = join(dir, 'inventory.sqlite');
  const store = await openSqliteInventoryStore({ file });
  await store.migrate();
  await run(store.saveFacilities([{ facilityId: 'WH', externalId: '1' }]));
  await run(store.saveProducts([{ productId: 'P1', externalId: '9001' }]));
  await run(store.saveProductSkus([{ productId: 'P1', sku: 'SKU-1' }]));
  await store.close();
  const inbox = join(dir, 'events');
  mkdirSync(inbox);
  const config = join(dir, 'config.json');
  writeFileSync(
    config,
    JSON.stringify({
      inventoryStore: { sqlite: { file } },
      inbox: { local: { root: join(dir, 'netsuite') } },
      importEvents: { inbox: { local: { root: inbox } }, settleMs: 0, maxLineBytes: 1024 },
    }),
  );
  return { dir, inbox, config, dispose: () => rmSync(dir, { recursive: true, force: true }) };
};

const test = suite('oms-inventory-sync import-events');

test('imports the feeds in the inbox: each line reported, the feeds archived, rejections in error/', async () => {
  const w = await world();
  try {
    writeFileSync(
      join(w.inbox, 'a-wms.jsonl'),
      [event('e1', 'received', 10), event('e2', 'reserved', 3), '{ broken', event('e3', 'released', 9)].join('\n'),
    );
    writeFileSync(
      join(w.inbox, 'b-pos.csv'),
      'eventId,type,productId,facilityId,quantity,occurredAt,source\nc1,shipped,P1,WH,2,2026-12-01T11:00:00Z,pos\n',
    );
    const first = await cli(['import-events', '--config', w.config]);
    assert.is(first.status, 3, `a rejected or refused line needs a person: ${first.stderr}`);
    assert.match(first.stdout, /^Import events \(run import-events-[^)]+\): 2 feed\(s\) seen in \d+ ms$/m);
    assert.match(
      first.stdout,
      /^ {2}a-wms\.jsonl: archived - 4 lines, 2 applied, 0 duplicate, 1 refused, 0 conflict, 1 rejected$/m,
    );
    assert.match(first.stdout, /^ {4}line 3, \(line\): not JSON: /m);
    assert.match(first.stdout, /^ {4}line 4, quantity: refused \(release-exceeds-reserved\): releasing 9 at WH/m);
    assert.match(first.stdout, /^ {4}report: error\/a-wms\.jsonl\.[0-9a-f]{8}\.rejected-lines\.csv$/m);
    assert.match(first.stdout, /^ {2}b-pos\.csv: archived - 1 lines, 1 applied, 0 duplicate/m);
    assert.match(first.stdout, /^ {2}total: 5 lines, 3 applied, 0 duplicate, 1 refused, 0 conflict, 1 rejected$/m);
    assert.equal(folder(w.inbox), ['archive', 'error']);
    assert.equal(folder(join(w.inbox, 'archive')), ['a-wms.jsonl', 'b-pos.csv']);
    assert.is(folder(join(w.inbox, 'error')).length, 1);

    const history = await cli(['history', 'SKU-1', '--config', w.config]);
    assert.equal(
      history.stdout
        .trim()
        .split('\n')
        .map((l) => / (received|reserved|shipped) /.exec(l)?.[1]),
      ['received', 'reserved', 'shipped'],
    );

    const nothing = await cli(['import-events', '--config', w.config]);
    assert.is(nothing.status, 0, nothing.stderr);
    assert.match(nothing.stdout, /^Import events \(run [^)]+\): no event feeds in the inbox, nothing to do$/m);

    writeFileSync(join(w.inbox, 'c.jsonl'), `${event('e1', 'received', 10)}\n`);
    const replay = await cli(['import-events', '--config', w.config, '--json']);
    assert.is(replay.status, 0, replay.stderr);
    const report = JSON.parse(replay.stdout) as { applied: number; duplicate: number; files: Array<{ name: string }> };
    assert.equal([report.applied, report.duplicate, report.files[0]!.name], [0, 1, 'c.jsonl']);

    const runs = await cli(['runs', '--job', 'import-events', '--config', w.config]);
    assert.is(runs.stdout.trim().split('\n').length, 3);
    assert.match(runs.stdout, /import-events +succeeded .*applied 3/);
  } finally {
    w.dispose();
  }
});

test('the events inbox must not be the NetSuite inbox', async () => {
  const w = await world();
  try {
    writeFileSync(
      w.config,
      JSON.stringify({
        inbox: { local: { root: w.inbox } },
        importEvents: { inbox: { local: { root: `${w.inbox}/` } } },
      }),
    );
    const refused = await cli(['import-events', '--config', w.config]);
    assert.is(refused.status, 2);
    assert.match(refused.stderr, /importEvents\.inbox: the same folder as inbox/);
  } finally {
    w.dispose();
  }
});

const record = suite('oms-inventory-sync record-events, line by line');

record('a file of 2,500 events (3 calls), an over-long line and stdin: every line recorded or named', async () => {
  const w = await world();
  try {
    const lines = Array.from({ length: 2_500 }, (_, i) => event(`r${i}`, 'received', 1));
    lines.splice(1_200, 0, event('long', 'received', 1, { reason: 'x'.repeat(2_000) }));
    const file = join(w.dir, 'events.jsonl');
    writeFileSync(file, `${lines.join('\n')}\n`);
    const recorded = await cli(['record-events', file, '--config', w.config, '--json']);
    assert.is(recorded.status, 3, recorded.stderr);
    const report = JSON.parse(recorded.stdout) as {
      outcomes: Array<{ index: number; outcome: string; eventId?: string }>;
      counts: Record<string, number>;
    };
    assert.equal(report.counts, { applied: 2_500, refused: 0, duplicate: 0, conflict: 0, undecodable: 1 });
    assert.equal(
      report.outcomes.map((o) => o.index),
      Array.from({ length: 2_501 }, (_, i) => i),
    );
    assert.equal(report.outcomes[1_200]!.outcome, 'undecodable');

    const text = await cli(['record-events', file, '--config', w.config]);
    assert.match(
      text.stdout,
      /^0 applied, 0 refused, 2500 duplicate, 0 conflict, 1 undecodable \(line 1201: too long \(\d+ bytes\)\)$/m,
    );

    const stdin = await cli(
      ['record-events', '-', '--config', w.config],
      `${event('s1', 'received', 2)}\n\n${event('r0', 'received', 1)}\n`,
    );
    assert.is(stdin.status, 0, stdin.stderr);
    assert.match(
      stdin.stdout,
      /^s1: applied\nr0: duplicate\n1 applied, 0 refused, 1 duplicate, 0 conflict, 0 undecodable$/m,
    );

    const missing = await cli(['record-events', join(w.dir, 'nope.jsonl'), '--config', w.config]);
    assert.is(missing.status, 2);
    assert.match(missing.stderr, /cannot read .*nope\.jsonl/);
  } finally {
    w.dispose();
  }
});

test.run();
record.run();
