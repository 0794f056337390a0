// The import job as the benchmark runs it: one process, the SFTP inbox of the local sshd, PostgreSQL.
import { sftpFileStore } from '../src/adapters/sftp/sftp-file-store.ts';
import { netsuiteExportReader } from '../src/adapters/csv/netsuite-export-reader.ts';
import { openPostgresInventoryStore } from '../src/adapters/persistence/postgres-inventory-store.ts';
import { defaultImportConfig, importInventory } from '../src/application/import-inventory.ts';
import { systemClock } from '../src/composition-root.ts';
import { run } from '../tests/support/run.ts';

const ssh = JSON.parse(process.env.BENCH_SSH ?? '{}') as { host: string; port: number; username: string; privateKey: string; hostKeySha256: string; root: string };
const start = process.hrtime.bigint();
const store = await openPostgresInventoryStore({ url: process.env.BENCH_DATABASE_URL ?? '' });
const inbox = sftpFileStore({ host: ssh.host, port: ssh.port, username: ssh.username, privateKey: ssh.privateKey, hostKeySha256: ssh.hostKeySha256, remoteRoot: ssh.root });
const report = await run(importInventory({ ...defaultImportConfig('bench', 'bench-worker'), settleMs: 0 })({ ...inbox, ...netsuiteExportReader(), ...store, ...systemClock }));
await inbox.close();
await store.close();
const seconds = Number(process.hrtime.bigint() - start) / 1e9;
process.stdout.write(JSON.stringify({ seconds, peakRssMb: process.resourceUsage().maxRSS / 1024, report: { rowsRead: report.rowsRead, adjusted: report.adjusted, unchanged: report.unchanged, rejected: report.rejected } }));
