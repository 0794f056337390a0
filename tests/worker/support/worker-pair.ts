// Two or more worker processes of a test (tests/worker/support/shopify-worker.ts), each in a folder of its own, on
// one store: start one by name, wait until it is ready, read the run log, wait until Process uploads applied N lines.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { JobRun } from '../../../src/application/run-log.ts';
import type { PostgresInventoryStore } from '../../../src/adapters/persistence/postgres-inventory-store.ts';
import { run } from '../../support/run.ts';
import { until } from '../../support/wait.ts';

const shopifyWorker = fileURLToPath(new URL('./shopify-worker.ts', import.meta.url));

/** What the workers share: their parent folder, environment, settings by own folder, store, and the test's lists. */
export interface WorkerPairOptions {
  readonly dir: string;
  readonly env: Readonly<Record<string, string>>;
  readonly settingsOf: (own: string) => unknown;
  readonly store: PostgresInventoryStore;
  /** The test's started children, killed by its clean-up. */
  readonly children: ChildProcess[];
}

/** Starts and watches the workers of one test. */
export const workerPair = ({ dir, env, settingsOf, store, children }: WorkerPairOptions) => {
  const output: Record<string, string> = {};
  const start = (name: string) => {
    const own = join(dir, name);
    mkdirSync(join(own, 'inbox'), { recursive: true });
    const child = spawn(process.execPath, [shopifyWorker], {
      env: { ...process.env, ...env, SETTINGS: JSON.stringify(settingsOf(own)), WORKER_NAME: name },
      // In its own folder: a local outbox by default would be written here.
      cwd: own,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    children.push(child);
    output[name] = '';
    child.stdout!.on('data', (d: Buffer) => void (output[name] += d.toString()));
    child.stderr!.on('data', (d: Buffer) => void (output[name] += d.toString()));
    return child;
  };
  const ready = (name: string) =>
    until(`${name} to start`, async () => (output[name]?.includes('ready') ? true : undefined), 60_000);
  const runs = (): Promise<ReadonlyArray<JobRun>> => run(store.listRuns({ limit: 20, at: new Date() }));
  const uploadsApplied = async (n: number) => {
    const all = await runs();
    const done = all.filter((r) => r.job === 'process-uploads' && r.outcome === 'succeeded');
    return done.reduce((sum, r) => sum + (r.counts.applied ?? 0), 0) >= n ? all : undefined;
  };
  const failWith = (e: unknown): never => {
    throw new Error(`${String(e)}\n${output['worker-a']}\n${output['worker-b']}`);
  };
  return { start, ready, runs, uploadsApplied, failWith };
};
