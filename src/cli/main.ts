#!/usr/bin/env node
/**
 * The `oms-inventory-sync` command line: a thin edge that runs a job, prints its report and sets the exit code.
 */
import { isLeft } from 'fp-ts/lib/Either.js';
import { BatchSize, formatOnlineAtpExplanation } from '../domain/index.ts';
import { runDemo, type DemoReport } from './demo.ts';

const USAGE = `Usage: oms-inventory-sync <command> [--json]

Commands:
  demo [--batch-size N]   run the sync math on the bundled example (no server needed)
  help                    show this text`;

const formatDemo = (r: DemoReport): string => {
  const out: string[] = ['NetSuite -> OMS: reset quantities on hand to the NetSuite snapshot'];
  for (const v of r.reset.variances) out.push(`  ${v.productId} @ ${v.facilityId}: ${v.previous} -> ${v.next} (${v.delta > 0 ? '+' : ''}${v.delta}, line ${v.line})`);
  for (const x of r.reset.rejected) out.push(`  held back ${x.productId} @ ${x.facilityId}: ${x.reason} ${JSON.stringify(x.quantities)} on lines ${x.lines.join(', ')}`);
  out.push(`  ${r.reset.variances.length} variance(s), ${r.reset.unchanged} unchanged, ${r.reset.rejected.length} held back`, '');
  out.push('Online ATP for the channel facility group');
  for (const e of r.onlineAtp) out.push(formatOnlineAtpExplanation(e).replace(/^/gm, '  '));
  out.push('', 'OMS -> Shopify: changes against the last push');
  for (const c of r.delta.changes) out.push(`  ${c.inventoryItemId} @ ${c.locationId}: ${c.previous ?? 'never pushed'} -> ${c.next}`);
  out.push(`  ${r.delta.changes.length} change(s) in ${r.batches} batch(es), ${r.delta.unchanged} unchanged`);
  return out.join('\n');
};

/** Runs one command; returns the exit code. */
export const main = (argv: ReadonlyArray<string>): number => {
  const [command = 'help', ...rest] = argv;
  const json = rest.includes('--json');
  const fail = (message: string): number => {
    process.stderr.write(`oms-inventory-sync: ${message}\n${USAGE}\n`);
    return 2;
  };
  switch (command) {
    case 'demo': {
      const at = rest.indexOf('--batch-size');
      const size = BatchSize.decode(at === -1 ? 250 : Number(rest[at + 1]));
      if (isLeft(size)) return fail(`--batch-size must be a whole number from 1, got ${JSON.stringify(rest[at + 1] ?? '')}`);
      const report = runDemo(size.right);
      process.stdout.write(`${json ? JSON.stringify(report, null, 2) : formatDemo(report)}\n`);
      return 0;
    }
    case 'help':
    case '--help':
      process.stdout.write(`${USAGE}\n`);
      return 0;
    default:
      return fail(`unknown command '${command}'`);
  }
};

process.exitCode = main(process.argv.slice(2));
