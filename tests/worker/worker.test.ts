// The worker against a real PostgreSQL: pg-boss queues shared by several workers, retries, a worker killed mid-run,
// process-uploads after a sync, schedules and the worker configuration. Runs are recorded by an injected `run`.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EventEmitter } from 'node:events';
import { mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isLeft, isRight, type Either } from 'fp-ts/lib/Either.js';
import type { PgBoss, JobWithMetadata } from 'pg-boss';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { loadConfig, type Config } from '../../src/composition/config.ts';
import type { JobError, JobName, JobOutcome } from '../../src/composition/jobs.ts';
import { openInbox } from '../../src/composition/live.ts';
import {
  queueName,
  startWorker,
  workerCommand,
  type RunJob,
  type StartWorkerOptions,
  type Worker,
} from '../../src/worker/worker.ts';
import { openPostgresInventoryStore } from '../../src/adapters/persistence/postgres-inventory-store.ts';
import { exportCsv, FACILITIES, PRODUCTS, STOCK } from '../support/import-scenario.ts';
import { bossReader } from '../support/boss-reader.ts';
import { freshPostgresDatabase } from '../support/postgres.ts';
import { run } from '../support/run.ts';

const SHOP = 'worker-test.myshopify.com';
const TOKEN = 'shpat_worker_test_secret_token';
const FAST = { pollingIntervalSeconds: 0.5, superviseIntervalSeconds: 1 };
const hangingWorker = fileURLToPath(new URL('./support/hanging-worker.ts', import.meta.url));

// Everything a test starts, stopped in `after` even when the test failed half-way.
const workers: Worker[] = [];
const clients: PgBoss[] = [];
const children: ChildProcess[] = [];
const drops: Array<() => Promise<void>> = [];
const folders: string[] = [];

const database = async (): Promise<string> => {
  const db = await freshPostgresDatabase();
  drops.push(db.drop);
  return db.url;
};

// The inbox watch is off unless a test turns it on: the other tests queue every run themselves.
const configFor = (url: string, worker: Record<string, unknown>, file: Record<string, unknown> = {}): Config => {
  const c = loadConfig(
    { inventoryStore: { postgres: {} }, shopify: { shop: SHOP }, worker: { inboxPollSeconds: 0, ...worker }, ...file },
    { DATABASE_URL: url, SHOPIFY_ACCESS_TOKEN: TOKEN },
  );
  if (isLeft(c)) throw new Error(c.left.problems.join('; '));
  return c.right;
};

const lines: Array<{ level: string; msg: string; fields: Record<string, unknown>; at: number }> = [];
const start = async (options: StartWorkerOptions): Promise<Worker> => {
  const w = await startWorker({
    schedules: [],
    tuning: FAST,
    logger: (level, msg, fields = {}) => void lines.push({ level, msg, fields: { ...fields }, at: Date.now() }),
    ...options,
  });
  if (isLeft(w)) throw new Error(JSON.stringify(w.left));
  workers.push(w.right);
  return w.right;
};

// A pg-boss client that only reads (no supervision, no schedules, no work).
const reader = async (url: string): Promise<PgBoss> => {
  const boss = await bossReader(url);
  clients.push(boss);
  return boss;
};

type Behaviour =
  | { readonly kind: 'ok'; readonly ms: number }
  | { readonly kind: 'retriable' }
  | { readonly kind: 'fatal'; readonly reason: string }
  | { readonly kind: 'skipped' }
  | { readonly kind: 'hang'; readonly until: Promise<void> };

interface Call {
  readonly job: JobName;
  readonly group: string;
  readonly worker: string;
  readonly runId: string;
  readonly leaseMs: number | undefined;
  readonly start: number;
  end: number | null;
  outcome: string | null;
}

// An injected run: records every run (job, facility group, worker, start and end) and behaves as planned per
// `job:facilityGroupId`, one behaviour per attempt, then `ok`.
const recorder = (defaultMs = 50) => {
  const calls: Call[] = [];
  const plans = new Map<string, Behaviour[]>();
  const run: RunJob = async (_config, request, context): Promise<Either<JobError, JobOutcome>> => {
    const group = request.parameters.facilityGroupId ?? '';
    const behaviour = plans.get(`${request.job}:${group}`)?.shift() ?? { kind: 'ok', ms: defaultMs };
    const runId = context.runId ?? 'none';
    const call: Call = {
      job: request.job,
      group,
      worker: context.worker,
      runId,
      leaseMs: context.leaseMs,
      start: Date.now(),
      end: null,
      outcome: null,
    };
    calls.push(call);
    const finish = <A>(outcome: string, value: A): A => {
      call.end = Date.now();
      call.outcome = outcome;
      return value;
    };
    const success = (status: 'succeeded' | 'skipped'): Either<JobError, JobOutcome> => ({
      _tag: 'Right',
      right: { runId, job: request.job, parameters: request.parameters, status, report: null, counts: {} },
    });
    switch (behaviour.kind) {
      case 'ok':
        await new Promise((r) => setTimeout(r, behaviour.ms));
        return finish('ok', success('succeeded'));
      case 'skipped':
        return finish('skipped', success('skipped'));
      case 'retriable':
        return finish('retriable', {
          _tag: 'Left',
          left: {
            _tag: 'JobFailed',
            job: request.job,
            runId,
            reason: 'Shopify away (503)',
            retriable: true,
            error: null,
          },
        });
      case 'fatal':
        return finish('fatal', {
          _tag: 'Left',
          left: { _tag: 'JobFailed', job: request.job, runId, reason: behaviour.reason, retriable: false, error: null },
        });
      case 'hang':
        await behaviour.until;
        return finish('ok', success('succeeded'));
    }
  };
  const of = (job: JobName, group = '') => calls.filter((c) => c.job === job && c.group === group);
  return { calls, of, run, plan: (key: string, ...behaviours: Behaviour[]) => void plans.set(key, behaviours) };
};

const until = async (what: string, done: () => boolean, timeoutMs: number): Promise<void> => {
  const end = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// Stops what the tests before started (stop is idempotent; `after` stops all again): PostgreSQL has connections to
// spare for the next test's workers.
const quiesce = async (): Promise<void> => {
  await Promise.allSettled(workers.map((w) => w.stop()));
};

const jobsOf = async (boss: PgBoss, job: JobName): Promise<JobWithMetadata[]> => boss.findJobs(queueName(job));

const worker = suite('worker: pg-boss queues on the PostgreSQL store');

worker.after(async () => {
  for (const child of children) child.kill('SIGKILL');
  await Promise.allSettled(workers.map((w) => w.stop()));
  await Promise.allSettled(clients.map((c) => c.stop({ graceful: false })));
  await Promise.allSettled(drops.map((drop) => drop()));
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

worker(
  'two workers, N runs of one job and facility group sent at once: never two at a time, each run once',
  async () => {
    const url = await database();
    const config = configFor(url, {
      retryDelaySeconds: 1,
      heartbeatSeconds: 10,
      expireInSeconds: 60,
      stopTimeoutSeconds: 1,
    });
    const rec = recorder(250);
    const a = await start({ config, worker: 'worker-a', run: rec.run });
    const b = await start({ config, worker: 'worker-b', run: rec.run });
    const N = 6;
    const sent = await Promise.all(
      Array.from({ length: N }, (_, i) =>
        (i % 2 === 0 ? a : b).enqueue({ job: 'hard-sync', parameters: { facilityGroupId: 'SHOPIFY_US' } }),
      ),
    );
    const ids = sent.map((s) => (isRight(s) ? s.right : null));
    assert.is(
      new Set(ids.filter((id) => id !== null)).size,
      N,
      'every run is queued (singleton policy keeps all queued runs)',
    );
    await until(
      `${N} hard-sync runs ended`,
      () => rec.of('hard-sync', 'SHOPIFY_US').filter((c) => c.end !== null).length >= N,
      20_000,
    );
    await sleep(1_000);
    const runs = rec.of('hard-sync', 'SHOPIFY_US').sort((x, y) => x.start - y.start);
    assert.is(runs.length, N, 'each run once, none repeated');
    for (let i = 1; i < runs.length; i++)
      assert.ok(
        runs[i]!.start >= runs[i - 1]!.end!,
        `run ${i} started ${runs[i - 1]!.end! - runs[i]!.start} ms before run ${i - 1} ended`,
      );
    assert.ok(
      runs.every((r) => r.leaseMs === 5_000),
      'the store lease is half the heartbeat',
    );
    const boss = await reader(url);
    const states = (await jobsOf(boss, 'hard-sync')).map((j) => j.state);
    assert.equal(states, Array(N).fill('completed'));
  },
);

worker(
  'a retriable failure is retried with backoff, a lease held elsewhere too; a non-retriable one is not retried',
  async () => {
    const url = await database();
    const config = configFor(url, {
      retryLimit: 2,
      retryDelaySeconds: 1,
      retryDelayMaxSeconds: 10,
      heartbeatSeconds: 10,
      expireInSeconds: 60,
      stopTimeoutSeconds: 1,
    });
    const rec = recorder();
    rec.plan('push-changes:RETRY', { kind: 'retriable' }, { kind: 'retriable' }, { kind: 'ok', ms: 10 });
    rec.plan('push-changes:FATAL', {
      kind: 'fatal',
      reason: `a bad feed; token ${TOKEN} at ${config.inventoryStore.kind === 'postgres' ? config.inventoryStore.url : ''}`,
    });
    rec.plan('verify:SKIP', { kind: 'skipped' }, { kind: 'ok', ms: 10 });
    const w = await start({ config, worker: 'worker-retry', run: rec.run });
    const queued = await Promise.all(
      ['RETRY', 'FATAL'].map((g) => w.enqueue({ job: 'push-changes', parameters: { facilityGroupId: g } })),
    );
    const skipped = await w.enqueue({ job: 'verify', parameters: { facilityGroupId: 'SKIP' } });
    await until(
      'three attempts of the retriable run',
      () => rec.of('push-changes', 'RETRY').filter((c) => c.end !== null).length === 3,
      20_000,
    );
    await until(
      'the skipped run retried',
      () => rec.of('verify', 'SKIP').filter((c) => c.end !== null).length === 2,
      10_000,
    );
    const [first, second, third] = rec.of('push-changes', 'RETRY');
    // pg-boss backoff: retryDelay * 2^n * (1 + random) / 2 after the n-th attempt: [1, 2) s, then [2, 4) s.
    const gap1 = second!.start - first!.end!;
    const gap2 = third!.start - second!.end!;
    assert.ok(gap1 >= 900 && gap1 < 4_000, `first retry after ${gap1} ms`);
    assert.ok(gap2 >= 1_900 && gap2 < 6_000, `second retry after ${gap2} ms`);
    assert.is(rec.of('push-changes', 'FATAL').length, 1, 'a non-retriable failure runs once');

    const boss = await reader(url);
    // pg-boss settles a job just after its handler returned: read the states once none is active any more.
    let settled: JobWithMetadata[] = [];
    const end = Date.now() + 10_000;
    do {
      settled = [...(await jobsOf(boss, 'push-changes')), ...(await jobsOf(boss, 'verify'))];
      if (settled.every((j) => j.state !== 'active' && j.state !== 'created' && j.state !== 'retry')) break;
      await sleep(100);
    } while (Date.now() < end);
    const byId = new Map(settled.map((j) => [j.id, j]));
    const retried = byId.get(isRight(queued[0]!) ? queued[0].right! : '')!;
    const fatal = byId.get(isRight(queued[1]!) ? queued[1].right! : '')!;
    assert.equal([retried.state, retried.retryCount], ['completed', 2]);
    assert.equal([fatal.state, fatal.retryCount], ['failed', 0], 'failed at once, its retries skipped');
    const verify = byId.get(isRight(skipped) ? skipped.right! : '')!;
    assert.equal([verify.state, verify.retryCount], ['completed', 1]);

    const refusal = lines.find((l) => l.msg === 'job failed; not retriable, not retried');
    assert.ok(refusal !== undefined);
    const text = JSON.stringify(lines);
    assert.ok(!text.includes(TOKEN) && !text.includes(url), 'no secret in the log');
    assert.match(String(refusal.fields.error), /token \[redacted\] at \[redacted\]/);
  },
);

worker(
  'a worker killed with SIGKILL mid-run: another worker takes the run over once its heartbeat is missed, its lease lapsed',
  async () => {
    const url = await database();
    const store = await openPostgresInventoryStore({ url });
    await store.migrate();
    const section = {
      heartbeatSeconds: 10,
      expireInSeconds: 60,
      retryDelaySeconds: 1,
      stopTimeoutSeconds: 1,
      inboxPollSeconds: 0,
    };
    const child = spawn(process.execPath, [hangingWorker], {
      env: { ...process.env, DATABASE_URL: url, WORKER_FILE: JSON.stringify(section), ENQUEUE: 'hard-sync:SHOPIFY_US' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    let out = '';
    let err = '';
    child.stdout!.on('data', (d: Buffer) => void (out += d.toString()));
    child.stderr!.on('data', (d: Buffer) => void (err += d.toString()));
    await until(
      'the child worker started the run',
      () => /^started hard-sync SHOPIFY_US \S+ \d+$/m.test(out),
      20_000,
    ).catch((e: unknown) => {
      throw new Error(`${String(e)}\nstdout: ${out}\nstderr: ${err}`);
    });
    const leaseMs = Number(/^started hard-sync SHOPIFY_US \S+ (\d+)$/m.exec(out)![1]);
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;
    const killedAt = Date.now();

    // The survivor's run takes the same store lease as runJob would, and is skipped (retried later) if it is held.
    const rec = recorder();
    const lease: Array<boolean> = [];
    const survivor: RunJob = async (config, request, context) => {
      const now = new Date();
      const held = await run(
        store.acquireJobLock(
          `${request.job}:${SHOP}`,
          context.worker,
          new Date(now.getTime() + (context.leaseMs ?? 0)),
          now,
        ),
      );
      // Process uploads, queued after the Hard Sync (and woken at once), takes a lease of its own.
      if (request.job === 'hard-sync') lease.push(held);
      if (!held)
        return {
          _tag: 'Right',
          right: {
            runId: context.runId ?? '',
            job: request.job,
            parameters: request.parameters,
            status: 'skipped',
            report: null,
            counts: {},
          },
        };
      const result = await rec.run(config, request, context);
      await run(store.releaseJobLock(`${request.job}:${SHOP}`, context.worker));
      return result;
    };
    await start({ config: configFor(url, section), worker: 'worker-survivor', run: survivor });
    await until(
      'the survivor finished the run',
      () => rec.of('hard-sync', 'SHOPIFY_US').some((c) => c.end !== null),
      30_000,
    );
    await store.close();
    assert.equal(lease, [true], "the dead worker's lease had lapsed when its run was taken over");
    const takeover = rec.of('hard-sync', 'SHOPIFY_US')[0]!.start - killedAt;
    assert.is(leaseMs, 5_000);
    assert.ok(
      takeover >= leaseMs,
      `taken over ${takeover} ms after the kill, before the dead worker's ${leaseMs} ms lease could lapse`,
    );
    assert.ok(takeover < 25_000, `taken over only ${takeover} ms after the kill`);
    const boss = await reader(url);
    // pg-boss completes the job just after the handler returned.
    let [job] = await jobsOf(boss, 'hard-sync');
    for (const end = Date.now() + 10_000; job?.state === 'active' && Date.now() < end; ) {
      await sleep(100);
      [job] = await jobsOf(boss, 'hard-sync');
    }
    assert.equal([job!.state, job!.retryCount], ['completed', 1]);
  },
);

worker('process-uploads is queued after a successful sync only, and coalesces: one running, one queued', async () => {
  const url = await database();
  const config = configFor(url, {
    retryDelaySeconds: 1,
    heartbeatSeconds: 10,
    expireInSeconds: 60,
    stopTimeoutSeconds: 1,
  });
  const rec = recorder();
  let release: () => void = () => undefined;
  const released = new Promise<void>((r) => (release = r));
  rec.plan('hard-sync:SHOPIFY_CA', { kind: 'fatal', reason: 'facility group not found' });
  rec.plan('process-uploads:', { kind: 'hang', until: released });
  const w = await start({ config, worker: 'worker-uploads', run: rec.run });
  await w.enqueue({ job: 'hard-sync', parameters: { facilityGroupId: 'SHOPIFY_CA' } });
  await until('the failing hard sync', () => rec.of('hard-sync', 'SHOPIFY_CA').some((c) => c.end !== null), 10_000);
  await sleep(1_500);
  assert.is(rec.of('process-uploads').length, 0, 'nothing to upload after a failed sync');

  await w.enqueue({ job: 'hard-sync', parameters: { facilityGroupId: 'SHOPIFY_US' } });
  await until('process-uploads after the hard sync', () => rec.of('process-uploads').length === 1, 10_000);
  const sync = rec.of('hard-sync', 'SHOPIFY_US')[0]!;
  assert.ok(rec.of('process-uploads')[0]!.start >= sync.end!, 'after the sync ended');

  const more = await Promise.all([
    w.enqueue({ job: 'process-uploads', parameters: {} }),
    w.enqueue({ job: 'process-uploads', parameters: {} }),
  ]);
  assert.equal(
    more.map((m) => isRight(m) && m.right !== null).sort(),
    [false, true],
    'one queued beside the running one, the other dropped',
  );
  release();
  await until(
    'the queued process-uploads ran',
    () => rec.of('process-uploads').filter((c) => c.end !== null).length === 2,
    10_000,
  );
  await sleep(1_000);
  assert.is(rec.of('process-uploads').length, 2);
});

worker(
  'schedules are seeded per job and facility group where the database has none, and kept; the CLI command stops on SIGTERM',
  async () => {
    const url = await database();
    const config = configFor(url, { facilityGroupId: 'SHOPIFY_US', timezone: 'Europe/Berlin', stopTimeoutSeconds: 1 });
    const schedules = [
      ...config.worker!.schedules,
      { job: 'hard-sync' as const, cron: '30 3 * * *', parameters: { facilityGroupId: 'SHOPIFY_CA' } },
    ];
    const rec = recorder();
    const first = await start({ config, worker: 'worker-schedules', run: rec.run, schedules });
    const boss = await reader(url);
    const read = async () =>
      (await boss.getSchedules())
        .map((s) => ({
          name: s.name,
          key: s.key,
          cron: s.cron,
          timezone: s.timezone,
          data: s.data,
          singletonKey: s.options?.singletonKey,
        }))
        .sort((x, y) => `${x.name} ${x.key}`.localeCompare(`${y.name} ${y.key}`));
    assert.equal(await read(), [
      {
        name: 'oms-inventory-sync.hard-sync',
        key: 'SHOPIFY_CA',
        cron: '30 3 * * *',
        timezone: 'Europe/Berlin',
        data: { facilityGroupId: 'SHOPIFY_CA', _oms: { trigger: 'schedule', key: 'SHOPIFY_CA' } },
        singletonKey: SHOP,
      },
      {
        name: 'oms-inventory-sync.hard-sync',
        key: 'SHOPIFY_US',
        cron: '0 3 * * *',
        timezone: 'Europe/Berlin',
        data: { facilityGroupId: 'SHOPIFY_US', _oms: { trigger: 'schedule', key: 'SHOPIFY_US' } },
        singletonKey: SHOP,
      },
      {
        name: 'oms-inventory-sync.import',
        key: '',
        cron: '0 2 * * *',
        timezone: 'Europe/Berlin',
        data: { _oms: { trigger: 'schedule', key: '' } },
        singletonKey: undefined,
      },
      {
        name: 'oms-inventory-sync.push-changes',
        key: 'SHOPIFY_US',
        cron: '*/15 * * * *',
        timezone: 'Europe/Berlin',
        data: { facilityGroupId: 'SHOPIFY_US', _oms: { trigger: 'schedule', key: 'SHOPIFY_US' } },
        singletonKey: SHOP,
      },
    ]);
    const queues = await boss.getQueues();
    assert.equal(
      queues
        .filter((q) => q.name.startsWith('oms-inventory-sync.'))
        .map((q) => [
          q.name,
          q.policy,
          q.retryLimit,
          q.retryDelay,
          q.retryBackoff,
          q.expireInSeconds,
          q.heartbeatSeconds,
        ])
        .sort(),
      [
        ['oms-inventory-sync.hard-sync', 'singleton', 5, 30, true, 3600, 60],
        ['oms-inventory-sync.import', 'stately', 5, 30, true, 3600, 60],
        ['oms-inventory-sync.import-events', 'stately', 5, 30, true, 3600, 60],
        ['oms-inventory-sync.map-products', 'stately', 5, 30, true, 3600, 60],
        ['oms-inventory-sync.process-uploads', 'stately', 5, 30, true, 3600, 60],
        ['oms-inventory-sync.push-changes', 'singleton', 5, 30, true, 3600, 60],
        ['oms-inventory-sync.verify', 'singleton', 5, 30, true, 3600, 60],
      ],
    );
    await first.stop();

    // The CLI's command, started on a configuration with only the import scheduled, stopped by SIGTERM.
    const signals = new EventEmitter();
    const logged: string[] = [];
    const command = workerCommand(
      configFor(url, { stopTimeoutSeconds: 1 }),
      { OMS_WORKER_ID: 'worker-cli' },
      { signals, logger: (_level, msg) => void logged.push(msg), run: rec.run, tuning: FAST },
    );
    await until('the command started its worker', () => logged.includes('worker started'), 10_000);
    assert.equal(
      (await read()).map((s) => `${s.name} ${s.key} ${s.cron}`),
      [
        'oms-inventory-sync.hard-sync SHOPIFY_CA 30 3 * * *',
        'oms-inventory-sync.hard-sync SHOPIFY_US 0 3 * * *',
        'oms-inventory-sync.import  0 2 * * *',
        'oms-inventory-sync.push-changes SHOPIFY_US */15 * * * *',
      ],
      'the schedules in the database stay: the settings only seed them',
    );
    signals.emit('SIGTERM');
    const ended = await command;
    assert.equal(ended, { _tag: 'Right', right: { signal: 'SIGTERM' } });
    assert.ok(logged.includes('worker stopped'));
    assert.is(signals.listenerCount('SIGTERM') + signals.listenerCount('SIGINT'), 0, 'its signal handlers are gone');
  },
);

worker(
  'stop: a run ending within stopTimeoutSeconds completes; one still running then is released to another worker',
  async () => {
    const url = await database();
    const config = configFor(url, {
      retryDelaySeconds: 1,
      heartbeatSeconds: 10,
      expireInSeconds: 60,
      stopTimeoutSeconds: 1,
    });
    const rec = recorder();
    rec.plan('verify:SHORT', { kind: 'ok', ms: 400 });
    rec.plan('verify:LONG', { kind: 'hang', until: new Promise<void>(() => undefined) });
    const a = await start({ config, worker: 'worker-stopping', run: rec.run });
    await a.enqueue({ job: 'verify', parameters: { facilityGroupId: 'SHORT' } });
    await until('the short run started', () => rec.of('verify', 'SHORT').length === 1, 10_000);
    await a.stop();
    assert.ok(rec.of('verify', 'SHORT')[0]!.end !== null, 'stop waited for the run');
    const boss = await reader(url);
    assert.equal(
      (await jobsOf(boss, 'verify')).map((j) => j.state),
      ['completed'],
    );

    const b = await start({ config, worker: 'worker-stopping-2', run: rec.run });
    await b.enqueue({ job: 'verify', parameters: { facilityGroupId: 'LONG' } });
    await until('the long run started', () => rec.of('verify', 'LONG').length === 1, 10_000);
    const stopped = Date.now();
    await b.stop();
    assert.ok(Date.now() - stopped < 3_000, 'stop waits stopTimeoutSeconds, not for the run');
    const released = (await jobsOf(boss, 'verify')).find(
      (j) => j.data !== null && (j.data as { facilityGroupId?: string }).facilityGroupId === 'LONG',
    )!;
    assert.is(released.state, 'retry', 'released to be retried');
    await start({ config, worker: 'worker-taking-over', run: rec.run });
    await until(
      'another worker ran the released run',
      () => rec.of('verify', 'LONG').length === 2 && rec.of('verify', 'LONG')[1]!.end !== null,
      10_000,
    );
    assert.equal(
      rec.of('verify', 'LONG').map((c) => c.worker),
      ['worker-stopping-2', 'worker-taking-over'],
    );
  },
);

worker(
  'the real runJob: a queued import reads the local inbox into the PostgreSQL store and is in the run log',
  async () => {
    const url = await database();
    const store = await openPostgresInventoryStore({ url });
    try {
      await store.migrate();
      await run(store.saveFacilities(FACILITIES));
      await run(store.saveProducts(PRODUCTS));
      await run(store.saveStockLevels(STOCK));
      const inbox = mkdtempSync(join(tmpdir(), 'oms-inventory-sync-worker-inbox-'));
      folders.push(inbox);
      const file = join(inbox, 'inventory-2026-11-22T010000Z.csv');
      writeFileSync(file, exportCsv(['ITEM-1,101,85,9001', 'ITEM-2,101,20,9002', 'ITEM-1,102,7,9001']));
      const settled = new Date(Date.now() - 60_000);
      utimesSync(file, settled, settled);
      const config = configFor(
        url,
        { stopTimeoutSeconds: 1 },
        { inbox: { local: { root: inbox } }, import: { settleMs: 0 } },
      );
      const w = await start({ config, worker: 'worker-real' });
      await w.enqueue({ job: 'import', parameters: {} });
      await until(
        'the import finished',
        () =>
          lines.some((l) => l.msg === 'job finished' && l.fields.job === 'import' && l.fields.worker === 'worker-real'),
        20_000,
      );
      const finished = lines.find((l) => l.msg === 'job finished' && l.fields.worker === 'worker-real')!;
      assert.equal(finished.fields.counts, {
        filesSeen: 1,
        files: 1,
        rowsRead: 3,
        adjusted: 2,
        unchanged: 1,
        rejected: 0,
      });
      assert.equal(readdirSync(join(inbox, 'archive')), ['inventory-2026-11-22T010000Z.csv']);
      const [logged] = await run(store.listRuns({ job: 'import', limit: 5 }));
      assert.equal(
        [logged!.runId, logged!.worker, logged!.outcome, logged!.counts.rowsRead],
        [finished.fields.runId, 'worker-real', 'succeeded', 3],
      );
    } finally {
      await store.close();
    }
  },
);

worker(
  'an import that adjusted stock queues the delta push of every pushed group at once; one that did not, none',
  async () => {
    const url = await database();
    const config = configFor(url, {
      retryDelaySeconds: 1,
      heartbeatSeconds: 10,
      expireInSeconds: 60,
      stopTimeoutSeconds: 1,
    });
    const calls: Array<{ job: JobName; group: string }> = [];
    let adjusted = 0;
    const run: RunJob = async (_config, request, context) => {
      calls.push({ job: request.job, group: request.parameters.facilityGroupId ?? '' });
      const counts = request.job === 'import' ? { adjusted } : {};
      return {
        _tag: 'Right',
        right: {
          runId: context.runId ?? 'r',
          job: request.job,
          parameters: request.parameters,
          status: 'succeeded',
          report: null,
          counts,
        },
      };
    };
    // Pushed on a schedule far away: only the import can queue them now.
    const schedules = [
      { job: 'push-changes' as const, cron: '0 0 1 1 *', parameters: { facilityGroupId: 'SHOPIFY_US' } },
      { job: 'push-changes' as const, cron: '0 0 1 1 *', parameters: { facilityGroupId: 'SHOPIFY_CA' } },
      { job: 'hard-sync' as const, cron: '0 0 1 1 *', parameters: { facilityGroupId: 'SHOPIFY_EU' } },
    ];
    const w = await start({ config, worker: 'worker-fresh', run, schedules });
    await w.enqueue({ job: 'import', parameters: {} });
    await until('the import', () => calls.some((c) => c.job === 'import'), 10_000);
    await sleep(1_500);
    assert.equal(
      calls.filter((c) => c.job === 'push-changes'),
      [],
      'nothing changed, nothing pushed early',
    );
    adjusted = 3;
    await w.enqueue({ job: 'import', parameters: {} });
    await until('both delta pushes', () => calls.filter((c) => c.job === 'push-changes').length === 2, 10_000);
    assert.equal(
      calls
        .filter((c) => c.job === 'push-changes')
        .map((c) => c.group)
        .sort(),
      ['SHOPIFY_CA', 'SHOPIFY_US'],
    );
    await until('process-uploads after them', () => calls.some((c) => c.job === 'process-uploads'), 10_000);
    assert.ok(
      calls.every((c) => c.group !== 'SHOPIFY_EU'),
      'a group that is only hard-synced is not pushed',
    );
  },
);

worker(
  'the real runJob: a queued event feed import records the local inbox in PostgreSQL and queues the delta push',
  async () => {
    const url = await database();
    const store = await openPostgresInventoryStore({ url });
    try {
      await store.migrate();
      await run(store.saveFacilities(FACILITIES));
      await run(store.saveProducts(PRODUCTS));
      const inbox = mkdtempSync(join(tmpdir(), 'oms-inventory-sync-worker-events-'));
      folders.push(inbox);
      const feed = join(inbox, 'wms.jsonl');
      writeFileSync(
        feed,
        `${JSON.stringify({ eventId: 'w1', type: 'received', productId: 'SKU-1', facilityId: 'WAREHOUSE', quantity: 4, occurredAt: '2026-12-01T10:00:00Z', source: 'wms' })}\n`,
      );
      const config = configFor(
        url,
        { stopTimeoutSeconds: 1 },
        {
          inbox: { local: { root: join(inbox, 'netsuite') } },
          importEvents: { inbox: { local: { root: inbox } }, settleMs: 0 },
        },
      );
      const schedules = [
        { job: 'push-changes' as const, cron: '0 0 1 1 *', parameters: { facilityGroupId: 'SHOPIFY_US' } },
      ];
      const w = await start({ config, worker: 'worker-real-feed', schedules });
      await w.enqueue({ job: 'import-events', parameters: {} });
      await until(
        'the delta push queued after the feed',
        () =>
          lines.some(
            (l) =>
              l.msg === 'delta push queued: the stock changed' &&
              l.fields.job === 'import-events' &&
              l.fields.worker === 'worker-real-feed',
          ),
        20_000,
      );
      const finished = lines.find(
        (l) => l.msg === 'job finished' && l.fields.job === 'import-events' && l.fields.worker === 'worker-real-feed',
      )!;
      assert.equal(finished.fields.counts, {
        filesSeen: 1,
        files: 1,
        lines: 1,
        applied: 1,
        duplicate: 0,
        refused: 0,
        conflict: 0,
        rejected: 0,
      });
      assert.equal(readdirSync(join(inbox, 'archive')), ['wms.jsonl']);
      assert.equal(
        (await run(store.ledgerEntries(null, 10))).map((e) => e.event.eventId),
        ['w1'],
      );
    } finally {
      await store.close();
    }
  },
);

worker(
  'an event feed import that applied an event queues the delta push of every pushed group at once; one that applied none, none',
  async () => {
    const url = await database();
    const config = configFor(url, {
      retryDelaySeconds: 1,
      heartbeatSeconds: 10,
      expireInSeconds: 60,
      stopTimeoutSeconds: 1,
    });
    const calls: Array<{ job: JobName; group: string }> = [];
    let applied = 0;
    const run: RunJob = async (_config, request, context) => {
      calls.push({ job: request.job, group: request.parameters.facilityGroupId ?? '' });
      // Duplicates, refusals and rejections change nothing: only an applied event is news for the push.
      const counts = request.job === 'import-events' ? { applied, duplicate: 5, refused: 1, rejected: 2 } : {};
      return {
        _tag: 'Right',
        right: {
          runId: context.runId ?? 'r',
          job: request.job,
          parameters: request.parameters,
          status: 'succeeded',
          report: null,
          counts,
        },
      };
    };
    const schedules = [
      { job: 'import-events' as const, cron: '0 0 1 1 *', parameters: {} },
      { job: 'push-changes' as const, cron: '0 0 1 1 *', parameters: { facilityGroupId: 'SHOPIFY_US' } },
      { job: 'push-changes' as const, cron: '0 0 1 1 *', parameters: { facilityGroupId: 'SHOPIFY_CA' } },
      { job: 'hard-sync' as const, cron: '0 0 1 1 *', parameters: { facilityGroupId: 'SHOPIFY_EU' } },
    ];
    const w = await start({ config, worker: 'worker-feeds', run, schedules });
    await w.enqueue({ job: 'import-events', parameters: {} });
    await until('the feed import', () => calls.some((c) => c.job === 'import-events'), 10_000);
    await sleep(1_500);
    assert.equal(
      calls.filter((c) => c.job === 'push-changes'),
      [],
      'nothing applied, nothing pushed early',
    );
    applied = 1;
    await w.enqueue({ job: 'import-events', parameters: {} });
    await until('both delta pushes', () => calls.filter((c) => c.job === 'push-changes').length === 2, 10_000);
    assert.equal(
      calls
        .filter((c) => c.job === 'push-changes')
        .map((c) => c.group)
        .sort(),
      ['SHOPIFY_CA', 'SHOPIFY_US'],
    );
    assert.ok(
      lines.some(
        (l) =>
          l.msg === 'delta push queued: the stock changed' &&
          l.fields.job === 'import-events' &&
          l.fields.worker === 'worker-feeds',
      ),
    );
    assert.ok(calls.every((c) => c.group !== 'SHOPIFY_EU'));
  },
);

worker(
  'the inbox watch: a file dropped into the inbox is imported within a few polls, no schedule firing, and the delta push queued',
  async () => {
    await quiesce();
    const url = await database();
    const store = await openPostgresInventoryStore({ url });
    try {
      await store.migrate();
      await run(store.saveFacilities(FACILITIES));
      await run(store.saveProducts(PRODUCTS));
      await run(store.saveStockLevels(STOCK));
      const inbox = mkdtempSync(join(tmpdir(), 'oms-inventory-sync-worker-watch-'));
      folders.push(inbox);
      const config = configFor(
        url,
        { inboxPollSeconds: 1, stopTimeoutSeconds: 1 },
        { inbox: { local: { root: inbox } }, import: { settleMs: 200 } },
      );
      // Schedules that do not fire today: only the watch can queue the import.
      const schedules = [
        { job: 'import' as const, cron: '0 0 1 1 *', parameters: {} },
        { job: 'push-changes' as const, cron: '0 0 1 1 *', parameters: { facilityGroupId: 'SHOPIFY_US' } },
      ];
      let lists = 0;
      const w = await start({
        config,
        worker: 'worker-watch',
        schedules,
        // pg-boss's own polling interval: the run the watch queues is fetched at once all the same.
        tuning: { pollingIntervalSeconds: 2, superviseIntervalSeconds: 1 },
        openInbox: (i) => async () => {
          const o = await openInbox(i)();
          return isLeft(o)
            ? o
            : {
                _tag: 'Right',
                right: {
                  ...o.right,
                  list: (f: string) => {
                    lists += 1;
                    return o.right.list(f);
                  },
                },
              };
        },
      });
      const boss = await reader(url);
      const mine = (msg: string, job: JobName) =>
        lines.filter((l) => l.msg === msg && l.fields.job === job && l.fields.worker === 'worker-watch');
      await until('three polls of the empty inbox', () => lists >= 3, 10_000);
      assert.equal(await jobsOf(boss, 'import'), [], 'an empty inbox queues nothing');
      assert.equal(mine('job started', 'import'), []);
      const file = join(inbox, 'inventory-20261201T100000Z.csv');
      writeFileSync(file, exportCsv(['ITEM-1,101,85,9001', 'ITEM-2,101,20,9002', 'ITEM-1,102,7,9001']));
      const dropped = Date.now();
      await until('the import finished', () => mine('job finished', 'import').length > 0, 15_000);
      const ms = Date.now() - dropped;
      // A poll period (1 s), pg-boss picking it up (0.5 s), the import's settle time (0.2 s) and the import itself.
      assert.ok(ms < 5_000, `imported ${ms} ms after it landed`);
      assert.equal(mine('job finished', 'import')[0]!.fields.counts, {
        filesSeen: 1,
        files: 1,
        rowsRead: 3,
        adjusted: 2,
        unchanged: 1,
        rejected: 0,
      });
      assert.equal(readdirSync(join(inbox, 'archive')), ['inventory-20261201T100000Z.csv']);
      const queuedAt = mine('inbox watch: 1 file(s) waiting; import queued', 'import');
      assert.is(queuedAt.length, 1);
      const wait = mine('job started', 'import')[0]!.at - queuedAt[0]!.at;
      assert.ok(wait < 500, `the import started ${wait} ms after it was queued (pg-boss polls every 2 s)`);
      // Logged just after the import's own "job finished": waited for, not read at once.
      await until(
        'the delta push queued',
        () => mine('delta push queued: the stock changed', 'import').length > 0,
        5_000,
      );
      assert.is(mine('delta push queued: the stock changed', 'import').length, 1);
      assert.ok((await jobsOf(boss, 'push-changes')).length >= 1, 'the delta push is in its queue');
      // The archived file is not pending: no further import is queued.
      const polled = lists;
      await until('two more polls', () => lists >= polled + 2, 10_000);
      assert.is((await jobsOf(boss, 'import')).length, 1, 'one import run: none queued behind it');
      await w.stop();
      const stopped = lists;
      await sleep(2_500);
      assert.is(lists, stopped, 'stop ends the watch');
    } finally {
      await store.close();
    }
  },
);

worker(
  'the inbox watch with many workers: one run at a time and one queued; the event feeds inbox too; 0 polls never',
  async () => {
    await quiesce();
    const url = await database();
    const netsuite = mkdtempSync(join(tmpdir(), 'oms-inventory-sync-worker-watch-ns-'));
    const feeds = mkdtempSync(join(tmpdir(), 'oms-inventory-sync-worker-watch-feeds-'));
    folders.push(netsuite, feeds);
    writeFileSync(join(netsuite, 'inventory-20261201T100000Z.csv'), 'x');
    writeFileSync(join(feeds, 'wms.jsonl'), 'x');
    const file = { inbox: { local: { root: netsuite } }, importEvents: { inbox: { local: { root: feeds } } } };
    const off = configFor(url, { inboxPollSeconds: 0, stopTimeoutSeconds: 1 }, file);
    let offOpens = 0;
    const rec = recorder();
    await start({
      config: off,
      worker: 'worker-watch-off',
      run: rec.run,
      openInbox: (i) => {
        offOpens += 1;
        return openInbox(i);
      },
    });
    await sleep(2_500);
    assert.is(offOpens, 0, 'inboxPollSeconds 0: the inbox is never listed');
    assert.equal(rec.calls, []);
    // The runner does not move the files: they stay pending, and every worker keeps asking for a run.
    let release = (): void => undefined;
    const hang = new Promise<void>((r) => {
      release = r;
    });
    rec.plan('import:', { kind: 'hang', until: hang });
    rec.plan('import-events:', { kind: 'hang', until: hang });
    const on = configFor(url, { inboxPollSeconds: 1, stopTimeoutSeconds: 1 }, file);
    await start({ config: on, worker: 'worker-watch-a', run: rec.run });
    await start({ config: on, worker: 'worker-watch-b', run: rec.run });
    await until(
      'both imports running',
      () => rec.of('import').length > 0 && rec.of('import-events').length > 0,
      10_000,
    );
    await sleep(3_000);
    const boss = await reader(url);
    for (const job of ['import', 'import-events'] as const) {
      assert.is(rec.of(job).length, 1, `${job}: one run at a time`);
      assert.is(
        (await boss.findJobs(queueName(job), { queued: true })).length,
        1,
        `${job}: the requests of two workers are one queued run`,
      );
    }
    release();
    await until(
      'the queued runs ran',
      () => rec.of('import').length >= 2 && rec.of('import-events').length >= 2,
      10_000,
    );
  },
);

worker('a retriable failure is announced once the retries are spent; a non-retriable one at once', async () => {
  const url = await database();
  const posted: string[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => void (body += c.toString()));
    req.on('end', () => {
      posted.push((JSON.parse(body) as { text: string }).text);
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  drops.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const { port } = server.address() as AddressInfo;
  const config = configFor(
    url,
    { retryLimit: 1, retryDelaySeconds: 1, retryDelayMaxSeconds: 1 },
    { notifications: { webhookUrl: `http://127.0.0.1:${port}/hook` } },
  );
  const attempts: string[] = [];
  // As runJobOn does as a run fails: it announces through the context's notify.
  const failing: RunJob = async (c, request, context) => {
    const group = request.parameters.facilityGroupId ?? '';
    const retriable = group === 'RETRIED';
    attempts.push(group);
    await context.notify?.(c, {
      runId: context.runId ?? '',
      job: request.job,
      parameters: request.parameters,
      outcome: 'failed',
      reason: 'ShopifyUnavailable: 503',
      report: null,
      retriable,
    });
    return {
      _tag: 'Left',
      left: { _tag: 'JobFailed', job: request.job, runId: context.runId ?? '', reason: 'down', retriable, error: null },
    };
  };
  const w = await start({ config, worker: 'worker-notify', run: failing });
  await w.enqueue({ job: 'verify', parameters: { facilityGroupId: 'RETRIED' } });
  await until('two attempts', () => attempts.filter((a) => a === 'RETRIED').length === 2, 20_000);
  await until('one post', () => posted.length === 1, 10_000);
  await w.enqueue({ job: 'verify', parameters: { facilityGroupId: 'FATAL' } });
  await until('the second post', () => posted.length === 2, 20_000);
  await sleep(1_500);
  assert.equal(attempts, ['RETRIED', 'RETRIED', 'FATAL']);
  assert.equal(
    posted.map((p) => p.split('\n')[0]?.replace(/run [^)]+/, 'run')),
    [':x: verify (RETRIED) failed (run)', ':x: verify (FATAL) failed (run)'],
  );
});

worker.run();

const settings = suite('worker configuration');

settings(
  'defaults: the nightly import, and with a facility group the daily Hard Sync and the delta push every 15 minutes',
  () => {
    const bare = configFor('postgres://db/oms', {});
    assert.equal(bare.worker!.schedules, [{ job: 'import', cron: '0 2 * * *', parameters: {} }]);
    assert.equal(
      [
        bare.worker!.timezone,
        bare.worker!.retryLimit,
        bare.worker!.retryDelaySeconds,
        bare.worker!.expireInSeconds,
        bare.worker!.heartbeatSeconds,
      ],
      ['UTC', 5, 30, 3600, 60],
    );
    const grouped = configFor('postgres://db/oms', { facilityGroupId: 'SHOPIFY_US' });
    assert.equal(grouped.worker!.schedules, [
      { job: 'import', cron: '0 2 * * *', parameters: {} },
      { job: 'hard-sync', cron: '0 3 * * *', parameters: { facilityGroupId: 'SHOPIFY_US' } },
      { job: 'push-changes', cron: '*/15 * * * *', parameters: { facilityGroupId: 'SHOPIFY_US' } },
    ]);
    const issue = configFor('postgres://db/oms', {
      schedules: [
        { job: 'import', cron: '0 2 * * *' },
        { job: 'hard-sync', cron: '0 3 * * *', facilityGroupId: 'SHOPIFY_US' },
        { job: 'push-changes', cron: '*/15 * * * *', facilityGroupId: 'SHOPIFY_US' },
      ],
      timezone: 'UTC',
      retryLimit: 5,
      retryDelaySeconds: 30,
      expireInSeconds: 3600,
    });
    assert.equal(
      issue.worker!.schedules,
      grouped.worker!.schedules,
      "the issue's example is the default with a facility group",
    );
  },
);

settings(
  'every bad key is named: job, cron expression, missing facility group, time zone, unknown keys, the store',
  () => {
    const problems = (
      worker: unknown,
      file: Record<string, unknown> = { inventoryStore: { postgres: {} }, shopify: { shop: SHOP } },
    ): string[] => {
      const c = loadConfig({ ...file, worker }, { DATABASE_URL: 'postgres://db/oms', SHOPIFY_ACCESS_TOKEN: TOKEN });
      return isLeft(c) ? [...c.left.problems] : [];
    };
    const bad = problems({
      schedules: [
        { job: 'imprt', cron: '0 2 * * *' },
        { job: 'hard-sync', cron: '61 3 * * *', facilityGroupId: 'SHOPIFY_US' },
        { job: 'push-changes', cron: '*/15 * * * *' },
        { job: 'import', cron: 'every night' },
        { job: 'import', cron: '0 4 * * *', facilityGroupId: 'SHOPIFY_US', colour: 'red' },
        { job: 'hard-sync', cron: '0 5 * * *', facilityGroupId: 'SHOPIFY_US' },
        { job: 'hard-sync', cron: '0 6 * * *', facilityGroupId: 'SHOPIFY_US' },
      ],
      timezone: 'Mars/Olympus_Mons',
      retryLimit: -1,
      heartbeatSeconds: 5,
      retries: 3,
    });
    const at = (key: string) => bad.find((p) => p.startsWith(`${key}:`));
    assert.match(at('worker.schedules[0].job') ?? '', /unknown job "imprt" \(jobs: import, import-events, hard-sync/);
    assert.match(
      at('worker.schedules[1].cron') ?? '',
      /"61 3 \* \* \*" is not a cron expression: minute: 61 is outside 0-59/,
    );
    assert.match(at('worker.schedules[2].facilityGroupId') ?? '', /missing; push-changes needs a facility group/);
    assert.match(at('worker.schedules[3].cron') ?? '', /expected 5 fields/);
    assert.match(at('worker.schedules[4].facilityGroupId') ?? '', /import takes no facility group/);
    assert.match(at('worker.schedules[4].colour') ?? '', /unknown key/);
    assert.match(
      at('worker.schedules[6]') ?? '',
      /a second schedule of hard-sync for SHOPIFY_US \(the first is worker.schedules\[5\]\)/,
    );
    assert.match(at('worker.timezone') ?? '', /IANA time zone/);
    assert.match(at('worker.retryLimit') ?? '', /whole number from 0/);
    assert.match(at('worker.heartbeatSeconds') ?? '', /whole number from 10/);
    assert.match(at('worker.retries') ?? '', /unknown key/);
    assert.is(bad.length, 11, bad.join('\n'));
    assert.equal(
      problems({ heartbeatSeconds: 120, expireInSeconds: 60 }).map((p) => p.split(':')[0]),
      ['worker.heartbeatSeconds'],
    );
    assert.match(problems({}, {})[0] ?? '', /^worker: the worker needs the PostgreSQL store/);
    assert.match(
      problems(
        { schedules: [{ job: 'hard-sync', cron: '0 3 * * *', facilityGroupId: 'US' }] },
        { inventoryStore: { postgres: {} } },
      )[0] ?? '',
      /^worker.schedules\[0\].job: hard-sync needs the shopify section/,
    );
  },
);

settings('inboxPollSeconds: 15 by default, 0 turns the watch off, a bad value is named', () => {
  const load = (worker: Record<string, unknown> | undefined) =>
    loadConfig(
      { inventoryStore: { postgres: {} }, ...(worker === undefined ? {} : { worker }) },
      { DATABASE_URL: 'postgres://db/oms' },
    );
  const polls = (worker: Record<string, unknown> | undefined) => {
    const c = load(worker);
    return isLeft(c) ? c.left.problems : c.right.worker!.inboxPollSeconds;
  };
  assert.is(polls(undefined), 15);
  assert.is(polls({}), 15);
  assert.is(polls({ inboxPollSeconds: 0 }), 0);
  assert.is(polls({ inboxPollSeconds: 1 }), 1);
  assert.is(polls({ inboxPollSeconds: 3600 }), 3600);
  for (const bad of [-1, 1.5, 3601, '15', null, true])
    assert.equal(
      polls({ inboxPollSeconds: bad }),
      [
        `worker.inboxPollSeconds: expected a whole number of seconds from 1 to 3600, or 0 (no inbox watch), got ${JSON.stringify(bad)}`,
      ],
      String(bad),
    );
});

settings('startWorker refuses a store other than PostgreSQL', async () => {
  const c = loadConfig(undefined, {});
  assert.ok(isRight(c));
  if (!isRight(c)) return;
  const w = await startWorker({ config: c.right, logger: () => undefined });
  assert.ok(
    isLeft(w) && w.left._tag === 'WorkerConfigInvalid' && /needs the PostgreSQL store/.test(w.left.problems[0] ?? ''),
  );
});

settings('startWorker judges schedules handed in past the configuration by its rule, before connecting', async () => {
  // An unreachable server: the refusal comes before pg-boss is asked anything.
  const config = configFor('postgres://127.0.0.1:1/none', {});
  const w = await startWorker({
    config,
    schedules: [
      { job: 'import', cron: '@daily', parameters: {} },
      { job: 'import', cron: '0 0 31 2 *', parameters: {} },
    ],
    logger: () => undefined,
  });
  assert.ok(isLeft(w) && w.left._tag === 'WorkerConfigInvalid');
  if (isLeft(w) && w.left._tag === 'WorkerConfigInvalid')
    assert.equal(w.left.problems, [
      'schedules[1].cron: "0 0 31 2 *" is not a cron expression: day of month: 31 is a day of none of the months given (2)',
    ]);
});

settings.run();
