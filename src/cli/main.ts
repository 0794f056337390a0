#!/usr/bin/env -S node --max-semi-space-size=1
/**
 * (The shebang's `--max-semi-space-size=1` keeps V8's young generation at 1 MB: a 1M-row import then peaks near
 * 280 MB instead of 430 MB for a few percent of speed; `npm run bench:import` measures both.)
 *
 * The `oms-inventory-sync` command line: a thin edge that builds a job from the configuration, runs it, prints its
 * report and sets the exit code (0 done, 1 failed and worth retrying, 2 usage or configuration error, 3 done but a
 * file was held back).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { isLeft } from 'fp-ts/lib/Either.js';
import { pipe } from 'fp-ts/lib/function.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import { importInventory, type ImportReport } from '../application/import-inventory.ts';
import { openImportJob } from '../composition-root.ts';
import { loadConfig } from '../config.ts';
import { BatchSize, formatOnlineAtpExplanation } from '../domain/index.ts';
import { runDemo, type DemoReport } from './demo.ts';

const USAGE = `Usage: oms-inventory-sync <command> [options]

Commands:
  demo [--batch-size N] [--data-dir DIR]   the whole pipeline on embedded defaults (SQLite, local folders):
                                           a NetSuite export is imported, online ATP computed, changes batched
  import [--config FILE]                   the "Import inventory" job (RESET_INVENTORY): NetSuite exports from the
                                           inbox (SFTP or a folder) into the inventory store (PostgreSQL or SQLite)
  help                                     this text

Options:
  --json            the report as JSON
  --config FILE     settings (JSON); secrets come from the environment: DATABASE_URL, SFTP_PRIVATE_KEY,
                    SFTP_PRIVATE_KEY_FILE, SFTP_PASSWORD, SFTP_PASSPHRASE. Without it: the embedded defaults.
                    OMS_WORKER_ID names this worker for the job lock (default: host:pid).

Exit codes: 0 done, 1 failed (worth retrying), 2 usage or configuration error, 3 done but a file was held back.`;

const option = (args: ReadonlyArray<string>, name: string): string | undefined => {
  const at = args.indexOf(name);
  return at === -1 ? undefined : args[at + 1];
};

const formatImport = (r: ImportReport): string[] => {
  const out = [`Import inventory (run ${r.runId}): ${r.filesSeen} file(s) seen in ${r.durationMs} ms${r.lockAcquired ? '' : ' - another worker holds the job, nothing done'}`];
  for (const f of r.files) {
    out.push(`  ${f.name}: ${f.outcome}${f.heldBackBecause === undefined ? '' : ` (${f.heldBackBecause})`} - ${f.rowsRead} rows read, ${f.adjusted} adjusted, ${f.unchanged} unchanged, ${f.rejected} rejected`);
    for (const row of f.rejectedRows.slice(0, 20)) out.push(`    line ${row.line}, ${row.field}: ${row.reason}`);
    if (f.rejectedRows.length > 20) out.push(`    ... and ${f.rejectedRows.length - 20} more in error/${f.name}.rejected-rows.csv`);
  }
  out.push(`  total: ${r.rowsRead} rows read, ${r.adjusted} adjusted, ${r.unchanged} unchanged, ${r.rejected} rejected`);
  return out;
};

const formatDemo = (r: DemoReport): string => {
  const out = [`Embedded defaults in ${r.dataDir} (SQLite store, local inbox)`, '', 'NetSuite -> OMS', ...formatImport(r.import), ''];
  out.push('Online ATP for the channel facility group');
  for (const e of r.onlineAtp) out.push(formatOnlineAtpExplanation(e).replace(/^/gm, '  '));
  out.push('', 'OMS -> Shopify: changes against the last push');
  for (const c of r.delta.changes) out.push(`  ${c.inventoryItemId} @ ${c.locationId}: ${c.previous ?? 'never pushed'} -> ${c.next}`);
  out.push(`  ${r.delta.changes.length} change(s) in ${r.batches} batch(es), ${r.delta.unchanged} unchanged`);
  return out.join('\n');
};

const describeError = (e: unknown): string => (typeof e === 'object' && e !== null && 'reason' in e ? `${String((e as { _tag?: string })._tag)}: ${String(e.reason)}` : JSON.stringify(e, (k, v) => (k === 'cause' ? undefined : v)));

/** Runs one command; resolves to the exit code. */
export const main = async (argv: ReadonlyArray<string>): Promise<number> => {
  const [command = 'help', ...rest] = argv;
  const json = rest.includes('--json');
  const fail = (message: string, code: number): number => {
    process.stderr.write(`oms-inventory-sync: ${message}\n${code === 2 ? `${USAGE}\n` : ''}`);
    return code;
  };
  switch (command) {
    case 'demo': {
      const given = option(rest, '--batch-size');
      const size = BatchSize.decode(given === undefined ? 250 : Number(given));
      if (isLeft(size)) return fail(`--batch-size must be a whole number from 1, got ${JSON.stringify(given ?? '')}`, 2);
      const dataDir = option(rest, '--data-dir') ?? mkdtempSync(join(tmpdir(), 'oms-inventory-sync-demo-'));
      const result = await runDemo(dataDir, size.right)();
      if (isLeft(result)) return fail(describeError(result.left), 1);
      process.stdout.write(`${json ? JSON.stringify(result.right, null, 2) : formatDemo(result.right)}\n`);
      return 0;
    }
    case 'import': {
      const file = option(rest, '--config');
      let settings: unknown;
      try {
        settings = file === undefined ? undefined : JSON.parse(readFileSync(file, 'utf8'));
      } catch (error) {
        return fail(`cannot read the config file ${file}: ${error instanceof Error ? error.message : String(error)}`, 2);
      }
      const config = loadConfig(settings, process.env);
      if (isLeft(config)) return fail(`invalid configuration:\n  ${config.left.problems.join('\n  ')}`, 2);
      const runId = `import-${new Date().toISOString().replace(/[-:.]/g, '')}-${randomBytes(3).toString('hex')}`;
      const result = await pipe(
        openImportJob(config.right),
        TE.chainW((job) => async () => {
          // The lock owner: OMS_WORKER_ID when a supervisor names its workers (a restarted worker then takes its own
          // lease back at once), else host and process, so two processes never share a lease.
          const owner = process.env.OMS_WORKER_ID ?? `${hostname()}:${process.pid}`;
          const report = await importInventory(job.importConfig(runId, owner))(job.deps)();
          await job.close();
          return report;
        }),
      )();
      if (isLeft(result)) return fail(describeError(result.left), 1);
      process.stdout.write(`${json ? JSON.stringify(result.right, null, 2) : formatImport(result.right).join('\n')}\n`);
      return result.right.files.some((f) => f.outcome === 'held-back') ? 3 : 0;
    }
    case 'help':
    case '--help':
      process.stdout.write(`${USAGE}\n`);
      return 0;
    default:
      return fail(`unknown command '${command}'`, 2);
  }
};

process.exitCode = await main(process.argv.slice(2));
