// The import job as the benchmark runs it: one process, the built package as users run it (dist/, so the timing does
// not include stripping TypeScript types at load), the SFTP inbox of the local sshd, PostgreSQL.
import { isLeft } from 'fp-ts/lib/Either.js';
import { netsuiteExportReader } from '../dist/adapters/csv/netsuite-export-reader.js';
import { localRowSpools } from '../dist/adapters/local-files/row-spool.js';
import { openPostgresInventoryStore } from '../dist/adapters/persistence/postgres-inventory-store.js';
import { sftpFileStore } from '../dist/adapters/sftp/sftp-file-store.js';
import { defaultImportConfig, importInventory } from '../dist/application/import-inventory.js';
import { systemClock } from '../dist/composition/live.js';

const run = async <E, A>(task: () => Promise<import('fp-ts/lib/Either.js').Either<E, A>>): Promise<A> => {
  const result = await task();
  if (isLeft(result)) throw new Error(JSON.stringify(result.left));
  return result.right;
};

const ssh = JSON.parse(process.env.BENCH_SSH ?? '{}') as {
  host: string;
  port: number;
  username: string;
  privateKey: string;
  hostKeySha256: string;
  root: string;
};
const start = process.hrtime.bigint();
const store = await openPostgresInventoryStore({ url: process.env.BENCH_DATABASE_URL ?? '' });
const inbox = sftpFileStore({
  host: ssh.host,
  port: ssh.port,
  username: ssh.username,
  privateKey: ssh.privateKey,
  hostKeySha256: ssh.hostKeySha256,
  remoteRoot: ssh.root,
});
// Each port call the import makes, timed (wall time from its call to its answer, summed by name): the phases.
const phases: Record<string, number> = {};
const timed = <D extends object>(deps: D): D =>
  Object.fromEntries(
    Object.entries(deps).map(([name, f]) => [
      name,
      typeof f !== 'function'
        ? f
        : (...args: unknown[]) => {
            const answer = f(...args);
            if (typeof answer !== 'function') return answer;
            return async () => {
              const began = process.hrtime.bigint();
              try {
                return await answer();
              } finally {
                phases[name] = (phases[name] ?? 0) + Number(process.hrtime.bigint() - began) / 1e6;
              }
            };
          },
    ]),
  ) as D;
const opened = Number(process.hrtime.bigint() - start) / 1e6;
const report = await run(
  importInventory({ ...defaultImportConfig('bench', 'bench-worker'), settleMs: 0 })(
    timed({
      ...inbox,
      ...netsuiteExportReader(),
      ...localRowSpools(),
      ...store,
      ...systemClock,
    }),
  ),
);
await inbox.close();
await store.close();
const seconds = Number(process.hrtime.bigint() - start) / 1e9;
process.stdout.write(
  JSON.stringify({
    seconds,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    phasesMs: { open: opened, ...phases },
    report: {
      rowsRead: report.rowsRead,
      adjusted: report.adjusted,
      unchanged: report.unchanged,
      rejected: report.rejected,
    },
  }),
);
