/**
 * End-to-end benchmark (NetSuite -> OMS -> Shopify): a 1,000,000-row NetSuite export (100,000 items x 10 locations,
 * 5% of positions changed against the OMS's stock) lands in the SFTP inbox of a real local sshd; the shipped
 * worker (`oms-inventory-sync worker`, dist/cli/main.js, pg-boss on PostgreSQL) imports it, queues the delta push of
 * the channel group because the import adjusted stock, pushes, and Process uploads sets the new online ATP on the
 * test kit's local Shopify Admin API server (Standard bucket: 2,000 points, 100/s), where every product is mapped.
 * Measured: from the file landing (renamed into the inbox) until the server holds the new online ATP of every
 * changed item, with each step's time from the worker's log. Before the timing, a Hard Sync through the worker
 * makes Shopify equal to the OMS and moves the delta push's cursor.
 *
 * Nothing queues the import but the worker's inbox watch (worker.inboxPollSeconds, the default 15 s unless
 * BENCH_INBOX_POLL_SECONDS says otherwise; the import's own schedule is far away): the wait for its next poll is in
 * the figure.
 *
 *   npm run bench:e2e        (BENCH_ITEMS=10000 for a quick run)
 */
import { type ChildProcess, spawn } from 'node:child_process';
import {
  chmodSync,
  createWriteStream,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { PgBoss } from 'pg-boss';
import { from as copyFrom } from 'pg-copy-streams';
import { openPostgresInventoryStore } from '../src/adapters/persistence/postgres-inventory-store.ts';
import { WORKER_BOSS_SCHEMA } from '../src/composition/config.ts';
import { CHANNEL_FAC_GROUP, onlineAtp, QUANTITY_SCALE } from '../src/domain/index.ts';
import { SHOPIFY_PLANS, startShopifyAdminServer } from '../src/testkit/index.ts';
import { queueName } from '../src/worker/worker.ts';
import { freshPostgresDatabase } from '../tests/support/postgres.ts';
import { run } from '../tests/support/run.ts';
import { startSshd } from '../tests/support/sshd.ts';

const ITEMS = Number(process.env.BENCH_ITEMS ?? 100_000);
const LOCATIONS = 10;
const RESERVED = 2;
const TOKEN = 'shpat_bench_e2e';
const GROUP = 'SHOPIFY_US';
const TIMEOUT_MS = Number(process.env.BENCH_TIMEOUT_MS ?? 600_000);
const S = QUANTITY_SCALE;

const quantity = (i: number, l: number): number => ((i * 7 + l * 13) % 500) + ((i + l) % 20 === 0 ? 0.5 : 0);
// 5% of positions differ from tonight's file: last night's ATP (and QOH) was 3 units higher there.
const changed = (i: number, l: number): boolean => (i * LOCATIONS + l) % 20 === 7;
const pid = (i: number) => `PROD_${String(i).padStart(7, '0')}`;
const fid = (l: number) => `FAC_${l}`;
const group = {
  facilityGroupId: GROUP,
  facilityGroupTypeId: CHANNEL_FAC_GROUP,
  facilityIds: Array.from({ length: LOCATIONS }, (_, l) => fid(l)),
} as const;
const atpOf = (i: number, qoh: (l: number) => number) =>
  onlineAtp(group, {
    productId: pid(i),
    positions: Array.from({ length: LOCATIONS }, (_, l) => ({
      facilityId: fid(l),
      quantityOnHand: qoh(l),
      reservedQuantity: RESERVED,
      safetyStock: 0,
    })),
    threshold: 0,
    brokeringQueue: 0,
  });
// The import's default method (exact-atp): ATP becomes the file's quantity and QOH moves by the same delta, so the
// reservations stay.
const before = (i: number) => atpOf(i, (l) => quantity(i, l) + (changed(i, l) ? 3 : 0) + RESERVED);
const after = (i: number) => atpOf(i, (l) => quantity(i, l) + RESERVED);

const writeExport = async (path: string): Promise<void> => {
  const out = createWriteStream(path);
  out.write('Item,externalFacilityId,availableQty,idValue\r\n');
  for (let i = 0; i < ITEMS; i++) {
    let chunk = '';
    for (let l = 0; l < LOCATIONS; l++)
      chunk += `SKU-${String(i).padStart(7, '0')}-BLUE-M,${101 + l},${quantity(i, l)},${100000 + i}\r\n`;
    if (!out.write(chunk)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
  }
  await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
};

const copyRows = async (client: pg.Client, table: string, columns: string, rows: () => Generator<string>) =>
  pipeline(Readable.from(rows()), client.query(copyFrom(`copy "${table}" (${columns}) from stdin`)));

interface LogLine {
  readonly at: number;
  readonly msg: string;
  readonly job?: string;
  readonly ms?: number;
  readonly counts?: Record<string, number>;
  readonly [key: string]: unknown;
}

const work = mkdtempSync(join(tmpdir(), 'oms-inventory-sync-e2e-bench-'));
const database = await freshPostgresDatabase();
const sshd = await startSshd();
const server = await startShopifyAdminServer({ accessToken: TOKEN, plan: SHOPIFY_PLANS.standard });
let worker: ChildProcess | undefined;
let boss: PgBoss | undefined;
try {
  const staged = join(work, 'inventory-20261201T010000Z.csv');
  await writeExport(staged);
  const bytes = statSync(staged).size;

  // The OMS: products, facilities and last night's positions by COPY; the channel group, its Shopify location and
  // every product mapped through the store.
  const store = await openPostgresInventoryStore({ url: database.url });
  await store.migrate();
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  await copyRows(client, 'facility', '"facility_id", "external_id"', function* () {
    for (let l = 0; l < LOCATIONS; l++) yield `${fid(l)}\t${101 + l}\n`;
  });
  await copyRows(client, 'product', '"product_id", "external_id", "sku"', function* () {
    for (let i = 0; i < ITEMS; i++) yield `${pid(i)}\t${100000 + i}\tSKU-${i}\n`;
  });
  await copyRows(
    client,
    'inventory_position',
    '"product_id", "facility_id", "quantity_on_hand_scaled", "available_to_promise_scaled", "updated_at"',
    function* () {
      for (let i = 0; i < ITEMS; i++) {
        let chunk = '';
        for (let l = 0; l < LOCATIONS; l++) {
          const atp = Math.round((quantity(i, l) + (changed(i, l) ? 3 : 0)) * S);
          chunk += `${pid(i)}\t${fid(l)}\t${atp + RESERVED * S}\t${atp}\t0\n`;
        }
        yield chunk;
      }
    },
  );
  await client.query('vacuum analyze');
  await client.end();
  const location = server.addLocation('Web warehouse');
  const itemIds = Array.from({ length: ITEMS }, (_, i) => {
    const id = server.addInventoryItem({ sku: `SKU-${i}` });
    server.stock(id, location, 0);
    return id;
  });
  await run(store.saveFacilityGroup(group));
  await run(store.saveSalesChannel({ facilityGroupId: GROUP, shop: server.shopDomain, locationId: location }));
  await run(
    store.saveMappings(
      server.shopDomain,
      itemIds.map((inventoryItemId, i) => ({
        productId: pid(i),
        sku: `SKU-${i}`,
        status: 'mapped' as const,
        inventoryItemId,
      })),
    ),
  );
  await store.close();

  // The shipped worker, configured by a file and the environment as users run it.
  const keyFile = join(work, 'id_ed25519');
  writeFileSync(keyFile, sshd.privateKey, { mode: 0o600 });
  const outbox = join(work, 'outbox');
  mkdirSync(outbox);
  const configFile = join(work, 'config.json');
  writeFileSync(
    configFile,
    JSON.stringify({
      inventoryStore: { postgres: {} },
      inbox: {
        sftp: {
          host: sshd.host,
          port: sshd.port,
          username: sshd.username,
          remoteRoot: sshd.root,
          hostKeySha256: sshd.hostKeySha256,
          privateKeyFile: keyFile,
        },
      },
      outbox: { local: { root: outbox } },
      shopify: { shop: server.shopDomain, adminUrl: server.url },
      worker: {
        inboxPollSeconds: Number(process.env.BENCH_INBOX_POLL_SECONDS ?? 15),
        schedules: [
          { job: 'import', cron: '0 2 * * *' },
          { job: 'hard-sync', cron: '0 3 * * *', facilityGroupId: GROUP },
          { job: 'push-changes', cron: '*/15 * * * *', facilityGroupId: GROUP },
        ],
      },
    }),
  );
  const bin = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
  chmodSync(bin, 0o755);
  const log: LogLine[] = [];
  const waiters: Array<() => void> = [];
  worker = spawn(bin, ['worker', '--config', configFile], {
    env: {
      ...process.env,
      DATABASE_URL: database.url,
      SHOPIFY_ACCESS_TOKEN: TOKEN,
      OMS_WORKER_ID: 'bench-worker',
      PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ''}`,
    },
    stdio: ['ignore', 'inherit', 'pipe'],
  });
  let rest = '';
  const exited = new Promise<void>((resolve) => worker?.once('exit', () => resolve()));
  worker.stderr?.setEncoding('utf8');
  worker.stderr?.on('data', (chunk: string) => {
    const lines = (rest + chunk).split('\n');
    rest = lines.pop() ?? '';
    for (const line of lines) {
      if (!line.startsWith('{')) {
        if (line.trim() !== '') console.error(`worker: ${line}`);
        continue;
      }
      const entry = JSON.parse(line) as LogLine & { time: string; level: string };
      log.push({ ...entry, at: Date.parse(entry.time) });
      if (entry.level !== 'info') console.error(`worker ${entry.level}: ${line}`);
      for (const w of waiters.splice(0)) w();
    }
  });
  const until = async (what: string, found: () => boolean, timeoutMs = TIMEOUT_MS) => {
    const deadline = Date.now() + timeoutMs;
    while (!found()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise<void>((resolve) => {
        waiters.push(resolve);
        setTimeout(resolve, 50);
      });
    }
  };
  const logged = (msg: string, job?: string, since = 0) =>
    log.find((l) => l.at >= since && l.msg === msg && (job === undefined || l.job === job));
  await until('the worker to start', () => logged('worker started') !== undefined, 60_000);

  boss = new PgBoss({
    connectionString: database.url,
    schema: WORKER_BOSS_SCHEMA,
    supervise: false,
    schedule: false,
    migrate: false,
  });
  boss.on('error', () => undefined);
  await boss.start();

  // Before: a Hard Sync, so that Shopify holds last night's online ATP and the delta push's cursor is current.
  const syncStart = Date.now();
  await boss.send(queueName('hard-sync'), { facilityGroupId: GROUP }, { singletonKey: server.shopDomain });
  await until('the Hard Sync', () => logged('job finished', 'process-uploads', syncStart) !== undefined);
  let wrongBefore = 0;
  for (let i = 0; i < ITEMS; i++) if (server.available(itemIds[i]!, location) !== before(i)) wrongBefore++;
  console.log(
    `node ${process.version}; export ${(bytes / 2 ** 20).toFixed(1)} MB, ${(ITEMS * LOCATIONS).toLocaleString('en')} rows, 5% of positions changed; Shopify test kit, Standard bucket; SFTP inbox on a local sshd`,
  );
  console.log(
    `setup: Hard Sync + Process uploads of ${ITEMS.toLocaleString('en')} items through the worker in ${((Date.now() - syncStart) / 1000).toFixed(1)} s; Shopify then differs from last night's online ATP on ${wrongBefore} items`,
  );

  // The items whose online ATP the file changes.
  const expected = new Map<number, number>();
  for (let i = 0; i < ITEMS; i++) {
    const a = after(i);
    if (a !== before(i)) expected.set(i, a);
  }
  const statsBefore = { ...server.stats };

  // The export lands: renamed into the inbox (a complete file, as an SFTP upload that finishes with a rename).
  renameSync(staged, join(sshd.root, 'inventory-20261201T010000Z.csv'));
  const landed = Date.now();
  let waiting = new Set(expected.keys());
  const holdsAll = () => {
    for (const i of waiting) if (server.available(itemIds[i]!, location) === expected.get(i)) waiting.delete(i);
    return waiting.size === 0;
  };
  const deadline = landed + TIMEOUT_MS;
  while (!holdsAll()) {
    if (Date.now() > deadline)
      throw new Error(
        `timed out: ${waiting.size} items still wrong on Shopify; the worker logged since the file landed:\n${log
          .filter((l) => l.at >= landed)
          .map((l) => JSON.stringify(l))
          .join('\n')}`,
      );
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const done = Date.now();
  await until(
    'process-uploads to finish',
    () => logged('job finished', 'process-uploads', landed) !== undefined,
    60_000,
  );
  waiting = new Set(Array.from({ length: ITEMS }, (_, i) => i).filter((i) => !expected.has(i)));
  let unchangedWrong = 0;
  for (const i of waiting) if (server.available(itemIds[i]!, location) !== before(i)) unchangedWrong++;

  const step = (label: string, line: LogLine | undefined, extra = '') =>
    console.log(
      `  ${label.padEnd(34)} ${line === undefined ? 'not seen' : `+${((line.at - landed) / 1000).toFixed(2)} s`}${extra}`,
    );
  const importQueued = log.find((l) => l.at >= landed && l.msg.startsWith('inbox watch:') && l.job === 'import');
  const importStarted = logged('job started', 'import', landed);
  const importDone = logged('job finished', 'import', landed);
  const pushQueued = log.find((l) => l.at >= landed && l.msg.startsWith('delta push') && l.job === 'import');
  const pushStarted = logged('job started', 'push-changes', landed);
  const pushDone = logged('job finished', 'push-changes', landed);
  const uploadsStarted = logged('job started', 'process-uploads', landed);
  const uploadsDone = logged('job finished', 'process-uploads', landed);
  const total = (done - landed) / 1000;
  console.log('from the file landing (t = 0):');
  step('import queued by the inbox watch', importQueued);
  step('import started', importStarted);
  step(
    'import done',
    importDone,
    importDone === undefined
      ? ''
      : ` (${((importDone.ms ?? 0) / 1000).toFixed(2)} s; ${JSON.stringify(importDone.counts ?? {})})`,
  );
  step('push-changes queued', pushQueued, pushQueued === undefined ? '' : ` (${pushQueued.msg})`);
  step('push-changes started', pushStarted);
  step(
    'push-changes done',
    pushDone,
    pushDone === undefined
      ? ''
      : ` (${((pushDone.ms ?? 0) / 1000).toFixed(2)} s; ${JSON.stringify(pushDone.counts ?? {})})`,
  );
  step('process-uploads started', uploadsStarted);
  step(
    'process-uploads done',
    uploadsDone,
    uploadsDone === undefined
      ? ''
      : ` (${((uploadsDone.ms ?? 0) / 1000).toFixed(2)} s; ${JSON.stringify(uploadsDone.counts ?? {})})`,
  );
  console.log(
    `  Shopify holds the new online ATP of all ${expected.size.toLocaleString('en')} changed items: +${total.toFixed(2)} s (goal < 60 s)`,
  );
  console.log(
    `  Shopify: ${server.stats.requests - statsBefore.requests} requests, ${server.stats.pointsSpent - statsBefore.pointsSpent} points, ${server.stats.throttled - statsBefore.throttled} throttled, ${server.stats.bulkOperations - statsBefore.bulkOperations} bulk operations; ${unchangedWrong} of the ${waiting.size.toLocaleString('en')} unchanged items wrong`,
  );
  if (pushQueued === undefined)
    console.log('  the worker did NOT queue the delta push after the import adjusted stock (src/worker/worker.ts)');
  // The worker's peak RSS so far (the kernel's high-water mark), read before it stops.
  const peakRssKb = Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${worker.pid}/status`, 'utf8'))?.[1]);
  worker.kill('SIGTERM');
  await exited;
  worker = undefined;
  console.log(
    `  worker peak RSS ${(peakRssKb / 1024).toFixed(0)} MB (the whole process's life: Hard Sync, import, push)`,
  );
} finally {
  await boss?.stop({ graceful: false }).catch(() => undefined);
  worker?.kill('SIGKILL');
  await server.close();
  await sshd.stop();
  await database.drop();
  rmSync(work, { recursive: true, force: true });
}
