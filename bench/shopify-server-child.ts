/**
 * The test kit's Shopify server in a process of its own, for `shopify.bench.ts`: what the server does (running a bulk
 * query's whole GraphQL document at once, answering calls) is Shopify's work, and in the bench's own process it held
 * the event loop of the side being measured (a bulk read of 100,000 levels blocked it for 0.5-0.7 s). The bench drives
 * it through `remoteShopifyServer` (IPC messages), whole catalogues at a time.
 */
import { fork } from 'node:child_process';
import { join } from 'node:path';
import { SHOPIFY_PLANS, startShopifyAdminServer } from '../src/testkit/index.ts';

/** What the bench asks of the server (every call answers once the child has done it). */
export interface RemoteShopifyServer {
  readonly url: string;
  readonly shopDomain: string;
  /** Adds a location (its id) and `count` inventory items SKU-0..SKU-(count-1) (their ids, in order). */
  readonly catalogue: (location: string, count: number) => Promise<{ location: string; items: string[] }>;
  /** Sets the available quantity of the i-th item of the catalogue to `quantities[i]` (null: unchanged). */
  readonly stockAll: (quantities: ReadonlyArray<number | null>) => Promise<void>;
  /** Adds `delta` to every catalogue item's available quantity. */
  readonly bumpAll: (delta: number) => Promise<void>;
  /** The available quantity of every `step`-th catalogue item, from the first. */
  readonly availableAll: (step: number) => Promise<Array<number | null>>;
  readonly setCalls: () => Promise<number>;
  /**
   * Kills process `pid` with SIGKILL once the server has taken `calls` calls in all (watched every 2 ms in the
   * server's process, as cheap as reading a counter); answers the times (ms from now) at which each further call was
   * seen, once killed, or the process ended first.
   */
  readonly killAt: (pid: number, calls: number) => Promise<number[]>;
  /** The same, once the server has created `operations` bulk operations in all (a bulk push killed as it runs). */
  readonly killAtBulk: (pid: number, operations: number) => Promise<number[]>;
  readonly bulkOperations: () => Promise<number>;
  readonly adjustmentCount: () => Promise<number>;
  /** Starts another client at `pointsPerSecond`; the answer stops it. */
  readonly compete: (pointsPerSecond: number) => Promise<() => Promise<void>>;
  readonly close: () => Promise<void>;
}

type Request = { readonly id: number; readonly op: string; readonly args: ReadonlyArray<unknown> };
type Ask = <T>(op: string, ...args: unknown[]) => Promise<T>;

const client = (url: string, shopDomain: string, ask: Ask, after: () => void): RemoteShopifyServer => ({
  url,
  shopDomain,
  catalogue: (location, count) => ask('catalogue', location, count),
  stockAll: (quantities) => ask('stockAll', quantities),
  bumpAll: (delta) => ask('bumpAll', delta),
  availableAll: (step) => ask('availableAll', step),
  setCalls: () => ask('setCalls'),
  killAt: (pid, calls) => ask('killAt', pid, calls),
  killAtBulk: (pid, operations) => ask('killAtBulk', pid, operations),
  bulkOperations: () => ask('bulkOperations'),
  adjustmentCount: () => ask('adjustmentCount'),
  compete: async (pointsPerSecond) => {
    const handle = await ask<number>('compete', pointsPerSecond);
    return () => ask('stopCompete', handle);
  },
  close: async () => {
    await ask('close');
    after();
  },
});

/** The server's options: plan by name, latency in ms. */
export interface BenchServerOptions {
  readonly accessToken: string;
  readonly plan: keyof typeof SHOPIFY_PLANS;
  readonly latencyMs?: number;
}

/**
 * The server for the bench: in a child process (the default), or in the bench's own process with
 * `BENCH_SERVER=in-process` (as the bench ran before: the server's work then counts against the measured side).
 */
export const benchShopifyServer = (options: BenchServerOptions): Promise<RemoteShopifyServer> =>
  process.env.BENCH_SERVER === 'in-process' ? localShopifyServer(options) : remoteShopifyServer(options);

/** The server in this process, behind the same interface. */
export const localShopifyServer = async (options: BenchServerOptions): Promise<RemoteShopifyServer> => {
  const server = await startShopifyAdminServer({
    accessToken: options.accessToken,
    plan: SHOPIFY_PLANS[options.plan],
    latencyMs: options.latencyMs ?? 0,
  });
  const ops = operations(server);
  const ask: Ask = async <T>(op: string, ...args: unknown[]) =>
    (await (ops[op] as (...a: unknown[]) => unknown)(...args)) as T;
  return client(server.url, server.shopDomain, ask, () => undefined);
};

/** Starts the server in a child process. */
export const remoteShopifyServer = (options: BenchServerOptions): Promise<RemoteShopifyServer> =>
  new Promise((resolve, reject) => {
    const proc = fork(join(import.meta.dirname, 'shopify-server-child.ts'), [], {
      env: {
        ...process.env,
        BENCH_SERVER_CHILD: '1',
        BENCH_SERVER_TOKEN: options.accessToken,
        BENCH_SERVER_PLAN: options.plan,
        BENCH_SERVER_LATENCY: String(options.latencyMs ?? 0),
      },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let next = 0;
    const waiting = new Map<number, { ok: (v: unknown) => void; fail: (e: Error) => void }>();
    const ask: Ask = <T>(op: string, ...args: unknown[]): Promise<T> =>
      new Promise<T>((ok, fail) => {
        const id = ++next;
        waiting.set(id, { ok: ok as (v: unknown) => void, fail });
        proc.send({ id, op, args } satisfies Request);
      });
    proc.on('exit', (code) => {
      for (const w of waiting.values()) w.fail(new Error(`the Shopify server child exited ${code}`));
      waiting.clear();
      reject(new Error(`the Shopify server child exited ${code}`));
    });
    proc.on('message', (message: { id: number; result?: unknown; error?: string }) => {
      if (message.id === 0) {
        const { url, shopDomain } = message.result as { url: string; shopDomain: string };
        resolve(client(url, shopDomain, ask, () => proc.disconnect()));
        return;
      }
      const w = waiting.get(message.id);
      if (w === undefined) return;
      waiting.delete(message.id);
      if (message.error !== undefined) w.fail(new Error(message.error));
      else w.ok(message.result);
    });
    proc.on('error', reject);
  });

type Server = Awaited<ReturnType<typeof startShopifyAdminServer>>;

// The operations, over the server itself.
// Kills `pid` with SIGKILL once `count()` reaches `at` (watched every 2 ms, as cheap as reading a counter); answers
// the times (ms from now) at which each further count was seen, once killed, or the process ended first.
const killWhen = (pid: number, at: number, count: () => number) =>
  new Promise<number[]>((resolve) => {
    const start = performance.now();
    const base = count();
    const seen: number[] = [];
    const watch = setInterval(() => {
      while (base + seen.length < count()) seen.push(performance.now() - start);
      try {
        if (count() >= at) process.kill(pid, 'SIGKILL');
        else {
          process.kill(pid, 0);
          return;
        }
      } catch {
        // The process ended before.
      }
      clearInterval(watch);
      resolve(seen);
    }, 2);
  });

const operations = (server: Server): Record<string, (...args: never[]) => unknown> => {
  let location = '';
  const items: string[] = [];
  const stops = new Map<number, () => void>();
  let competitors = 0;
  return {
    catalogue: (name: string, count: number) => {
      location = server.addLocation(name);
      for (let i = 0; i < count; i++) items.push(server.addInventoryItem({ sku: `SKU-${i}` }));
      return { location, items };
    },
    stockAll: (quantities: ReadonlyArray<number | null>) => {
      quantities.forEach((q, i) => {
        if (q !== null) server.stock(items[i]!, location, q);
      });
    },
    bumpAll: (delta: number) => {
      for (const id of items) server.stock(id, location, (server.available(id, location) ?? 0) + delta);
    },
    availableAll: (step: number) => {
      const out: Array<number | null> = [];
      for (let i = 0; i < items.length; i += step) out.push(server.available(items[i]!, location) ?? null);
      return out;
    },
    setCalls: () => server.stats.setCalls,
    killAt: (pid: number, calls: number) => killWhen(pid, calls, () => server.stats.setCalls),
    killAtBulk: (pid: number, operations: number) => killWhen(pid, operations, () => server.stats.bulkOperations),
    bulkOperations: () => server.stats.bulkOperations,
    adjustmentCount: () => server.adjustments().length,
    compete: (pointsPerSecond: number) => {
      const handle = ++competitors;
      stops.set(handle, server.compete(pointsPerSecond));
      return handle;
    },
    stopCompete: (handle: number) => {
      stops.get(handle)?.();
      stops.delete(handle);
    },
    close: () => server.close(),
  };
};

if (process.env.BENCH_SERVER_CHILD === '1' && process.send !== undefined) {
  const send = process.send.bind(process);
  const server = await startShopifyAdminServer({
    accessToken: process.env.BENCH_SERVER_TOKEN ?? 'shpat_bench',
    plan: SHOPIFY_PLANS[(process.env.BENCH_SERVER_PLAN ?? 'standard') as keyof typeof SHOPIFY_PLANS],
    latencyMs: Number(process.env.BENCH_SERVER_LATENCY ?? 0),
  });
  const ops = operations(server);
  process.on('message', async (request: Request) => {
    try {
      const op = ops[request.op];
      if (op === undefined) throw new Error(`unknown operation ${request.op}`);
      send({ id: request.id, result: (await (op as (...a: unknown[]) => unknown)(...request.args)) ?? null });
    } catch (error) {
      send({ id: request.id, error: error instanceof Error ? error.message : String(error) });
    }
  });
  send({ id: 0, result: { url: server.url, shopDomain: server.shopDomain } });
}
