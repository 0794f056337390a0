#!/usr/bin/env -S node --max-semi-space-size=1
/**
 * (The shebang's `--max-semi-space-size=1` keeps V8's young generation at 1 MB: a 1M-row import then peaks near
 * 280 MB instead of 430 MB for a few percent of speed; `npm run bench:import` measures both.)
 *
 * The `oms-inventory-sync` command line: a thin edge that builds a job from the configuration, runs it, prints its
 * report and sets the exit code (0 done, 1 failed and worth retrying, 2 usage or configuration error, 3 done but a
 * file was held back).
 */
import { createReadStream, mkdtempSync, openSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isLeft, left, right, type Either } from 'fp-ts/lib/Either.js';
import { pipe } from 'fp-ts/lib/function.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import { auditLedger, formatAuditLedgerReport } from '../application/audit-ledger.ts';
import type { InventoryLedgerEntry } from '../application/inventory-ledger.ts';
import { recentLedgerEntries } from '../application/recent-ledger-entries.ts';
import { lineCursorOf } from '../adapters/local-files/line-reader.ts';
import type { LineCursor } from '../application/line-reader.ts';
import { recordInventoryEvents, type RecordedEventOutcome } from '../application/record-inventory-events.ts';
import type { JobRun } from '../application/run-log.ts';
import { openInventoryStore } from '../composition/live.ts';
import { loadConfig, type Config } from '../composition/config.ts';
import {
  BatchSize,
  CHANNEL_FAC_GROUP,
  explainOnlineAtp,
  formatOnlineAtpExplanation,
  isChannelFacilityGroup,
} from '../domain/index.ts';
import { SHOPIFY_MAX_QUANTITIES_PER_CALL } from '../adapters/shopify/shopify-inventory.ts';
import { formatJobReport, jobNeedsAttention } from '../composition/job-catalogue.ts';
import { JOB_NAMES, runJob, validateRequest, workerName, type JobName } from '../composition/jobs.ts';
import { redact } from '../application/redaction.ts';
import { configuredLogger, secretsOf } from '../composition/log.ts';
import { progressBar } from './terminal.ts';
import { formatDemoReport, runDemo } from './demo.ts';
import { SETUP_USAGE, setupCommand } from './setup-commands.ts';

const USAGE = `Usage: oms-inventory-sync <command> [options]

Commands:
  demo [--batch-size N] [--data-dir DIR]   the whole pipeline on embedded defaults (SQLite, local folders, the test
                                           kit's local Shopify server): import, online ATP, Hard Sync, delta push,
                                           and the worked example's 75
  import                                   "Import inventory" (RESET_INVENTORY): NetSuite exports from the inbox
                                           (SFTP or a folder) into the inventory store (PostgreSQL or SQLite)
  import-events                            event feeds (ERP, WMS, POS: *.jsonl, *.csv) from their own inbox
                                           (importEvents.inbox) into the ledger; each line applied, a duplicate,
                                           refused, conflicting or rejected (error/); the feed to archive/
  map-products                             product -> Shopify inventory item by SKU; reports unmatched and ambiguous SKUs
  hard-sync --facility-group ID            online ATP of every mapped product as a feed for process-uploads
  push-changes --facility-group ID         only what changed since the last push, as a feed
  process-uploads                          applies the outbox's feeds to Shopify, exactly once
  verify --facility-group ID [--sample N]  reads Shopify's available quantities and reports drift from online ATP
  explain <sku|productId> --facility-group ID [--events N]   the online ATP of one product, term by term, and
                                           the last N (default 5) ledger events behind it
  audit-ledger                             folds the inventory ledger from empty and reports every position, safety
                                           stock, threshold or brokering queue that disagrees with it (exit 3)
  runs [--job NAME] [--limit N]            the recorded runs, newest first
  record-events FILE|-                     records inventory events (JSON Lines, one event a line; - reads stdin)
                                           in the ledger, read line by line and recorded 1,000 a call: each
                                           applied, refused (with its reason), a duplicate or a conflict
  history <sku|productId> [--facility ID] [--limit N]   a product's ledger, oldest first
  worker                                   runs the jobs on their schedules (config section "worker"; pg-boss on
                                           the PostgreSQL store; many workers share the work)
  help                                     this text

Setup (each with --config FILE, --json and --help; see the README, "Set up an OMS in a few commands"):
${SETUP_USAGE}

Options:
  --json            the report as JSON
  --config FILE     settings (JSON); secrets come from the environment: DATABASE_URL, SFTP_PRIVATE_KEY,
                    SFTP_PRIVATE_KEY_FILE, SFTP_PASSWORD, SFTP_PASSPHRASE, SHOPIFY_ACCESS_TOKEN. Without it: the
                    embedded defaults. OMS_WORKER_ID names this worker (default: host:pid).

Progress bars go to stderr on a terminal; job events are JSON lines on stderr.
Exit codes: 0 done, 1 failed (worth retrying), 2 usage or configuration error, 3 done but something needs a person
(a file held back, lines Shopify refused, drift found, SKUs unmatched or ambiguous, events refused, the
ledger audit disagreeing).`;

const option = (args: ReadonlyArray<string>, name: string): string | undefined => {
  const at = args.indexOf(name);
  return at === -1 ? undefined : args[at + 1];
};

/** The configuration from `--config FILE` (or the embedded defaults) and the environment, or what is wrong with it. */
const configFrom = (args: ReadonlyArray<string>): Either<string, Config> => {
  const file = option(args, '--config');
  let settings: unknown;
  try {
    settings = file === undefined ? undefined : JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    return left(`cannot read the config file ${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const config = loadConfig(settings, process.env);
  return isLeft(config) ? left(`invalid configuration:\n  ${config.left.problems.join('\n  ')}`) : right(config.right);
};

const worker = workerName();

const formatRuns = (runs: ReadonlyArray<JobRun>): string =>
  runs.length === 0
    ? 'no runs recorded'
    : runs
        .map((r) => {
          const took = r.finishedAt === null ? 'running' : `${r.finishedAt.getTime() - r.startedAt.getTime()} ms`;
          const params = Object.entries(r.parameters)
            .map(([k, v]) => `${k}=${v}`)
            .join(' ');
          const counts = Object.entries(r.counts)
            .map(([k, v]) => `${k} ${v}`)
            .join(', ');
          return `${r.startedAt.toISOString()}  ${r.job.padEnd(15)} ${r.outcome.padEnd(9)} ${took.padStart(10)}  ${r.runId}${params === '' ? '' : `  ${params}`}${counts === '' ? '' : `  (${counts})`}${r.error === null ? '' : `  ${r.error}`}  [${r.worker}]`;
        })
        .join('\n');

/** A ledger entry as `explain` shows it: what happened, where, from which source, and what it moved. */
const recentEventOf = (e: InventoryLedgerEntry) => ({
  sequence: e.sequence,
  type: e.event.type,
  facilityId: e.event.facilityId ?? null,
  toFacilityId: e.event.toFacilityId ?? null,
  quantity: e.event.quantity,
  source: e.event.source,
  reason: e.event.reason ?? null,
  occurredAt: e.event.occurredAt,
  eventId: e.event.eventId,
  changes: e.changes,
});

/** The last events of a product, oldest first, one a line, each with the before -> after of what it changed. */
const formatRecentEvents = (productId: string, entries: ReadonlyArray<InventoryLedgerEntry>): string =>
  entries.length === 0
    ? `no ledger events for ${productId}`
    : [
        `last ${entries.length} ledger event${entries.length === 1 ? '' : 's'} of ${productId}:`,
        ...entries.map((e) => {
          const where =
            e.event.facilityId === undefined
              ? ''
              : ` at ${e.event.facilityId}${e.event.toFacilityId === undefined ? '' : ` to ${e.event.toFacilityId}`}`;
          const moved = e.changes
            .map((c) =>
              c.kind === 'position'
                ? `${c.facilityId} QOH ${c.before.quantityOnHand} -> ${c.after.quantityOnHand}, reserved ${c.before.reservedQuantity} -> ${c.after.reservedQuantity}`
                : `${c.kind}${c.kind === 'safety-stock' ? ` at ${c.facilityId}` : ''} ${c.before} -> ${c.after}`,
            )
            .join('; ');
          return `  #${e.sequence} ${e.event.occurredAt} ${e.event.type} ${e.event.quantity}${where} (${e.event.source}${e.event.reason === undefined ? '' : `, ${e.event.reason}`}): ${moved}`;
        }),
      ].join('\n');

const describeError = (e: unknown): string =>
  typeof e === 'object' && e !== null && 'reason' in e
    ? `${String((e as { _tag?: string })._tag)}: ${String(e.reason)}`
    : JSON.stringify(e, (k, v) => (k === 'cause' ? undefined : v));

const RECORD_BATCH = 1_000;

const describeOutcome = (o: RecordedEventOutcome): string =>
  `${o.outcome === 'undecodable' ? `#${o.index + 1} ${o.eventId ?? '(no eventId)'}` : o.eventId}: ${o.outcome}${
    o.outcome === 'refused'
      ? ` (${o.reason}: ${o.detail})`
      : o.outcome === 'conflict'
        ? ` (${o.detail})`
        : o.outcome === 'undecodable'
          ? ` (${o.errors.map((e) => `${e.field === '' ? 'event' : e.field}: ${e.reason}`).join('; ')})`
          : ''
  }`;

/**
 * `record-events`: the lines of a JSON Lines source, read `RECORD_BATCH` at a time (never the whole source) and
 * recorded a call each; each outcome printed as it is known (`--json`: one report object, written as it goes).
 * A failed call stops the command (exit 1): the calls before it stay recorded, and a rerun finds them duplicates.
 */
const recordEventLines = async (
  cursor: LineCursor,
  store: Parameters<ReturnType<typeof recordInventoryEvents>>[0],
  json: boolean,
  fail: (message: string, code: number) => number,
): Promise<number> => {
  const counts = { applied: 0, refused: 0, duplicate: 0, conflict: 0, undecodable: 0 };
  const unreadable: string[] = [];
  let inputsSoFar = 0;
  let first = true;
  if (json) process.stdout.write('{\n  "outcomes": [');
  for (;;) {
    const lines = await cursor.next(RECORD_BATCH)();
    if (isLeft(lines)) return fail(describeError(lines.left), 1);
    if (lines.right.length === 0) break;
    const inputs: unknown[] = [];
    for (const l of lines.right) {
      if ('unreadable' in l) {
        unreadable.push(`line ${l.line}: ${l.unreadable === 'too-long' ? `too long (${l.bytes} bytes)` : 'not UTF-8'}`);
        inputs.push(null);
        continue;
      }
      if (l.text.trim() === '') continue;
      try {
        inputs.push(JSON.parse(l.text));
      } catch {
        unreadable.push(`line ${l.line}: not JSON`);
        inputs.push(null);
      }
    }
    const report = await recordInventoryEvents(inputs)(store)();
    if (isLeft(report)) return fail(describeError(report.left), 1);
    for (const o of report.right.outcomes) {
      const outcome = { ...o, index: o.index + inputsSoFar };
      counts[o.outcome]++;
      if (json) process.stdout.write(`${first ? '' : ','}\n    ${JSON.stringify(outcome)}`);
      else process.stdout.write(`${describeOutcome(outcome)}\n`);
      first = false;
    }
    inputsSoFar += inputs.length;
  }
  if (json) process.stdout.write(`\n  ],\n  "counts": ${JSON.stringify(counts)}\n}\n`);
  else
    process.stdout.write(
      `${counts.applied} applied, ${counts.refused} refused, ${counts.duplicate} duplicate, ${counts.conflict} conflict, ${counts.undecodable} undecodable${unreadable.length > 0 ? ` (${unreadable.join(', ')})` : ''}\n`,
    );
  return counts.refused + counts.conflict + counts.undecodable > 0 ? 3 : 0;
};

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
      const size = BatchSize.decode(given === undefined ? SHOPIFY_MAX_QUANTITIES_PER_CALL : Number(given));
      if (isLeft(size))
        return fail(`--batch-size must be a whole number from 1, got ${JSON.stringify(given ?? '')}`, 2);
      const dataDir = option(rest, '--data-dir') ?? mkdtempSync(join(tmpdir(), 'oms-inventory-sync-demo-'));
      const result = await runDemo(dataDir, size.right)();
      if (isLeft(result)) return fail(describeError(result.left), 1);
      process.stdout.write(`${json ? JSON.stringify(result.right, null, 2) : formatDemoReport(result.right)}\n`);
      return 0;
    }
    case 'import':
    case 'import-events':
    case 'map-products':
    case 'hard-sync':
    case 'push-changes':
    case 'process-uploads':
    case 'verify': {
      const config = configFrom(rest);
      if (isLeft(config)) return fail(config.left, 2);
      const parameters: Record<string, string> = {};
      const group = option(rest, '--facility-group');
      if (group !== undefined) parameters.facilityGroupId = group;
      const sample = option(rest, '--sample');
      if (sample !== undefined) parameters.sample = sample;
      const request = validateRequest(command, parameters);
      if (isLeft(request)) return fail(request.left.problems.join('; '), 2);
      const bar = progressBar();
      // Job events as JSON lines on stderr, every secret of the configuration redacted (as the worker's).
      const log = configuredLogger(config.right);
      log('info', 'job started', { job: command, parameters, worker });
      const result = await runJob(config.right, request.right, { worker, progress: bar.update });
      bar.done();
      if (isLeft(result)) {
        const e = result.left;
        log('error', 'job failed', {
          job: command,
          ...(e._tag === 'JobFailed' ? { runId: e.runId } : {}),
          error: describeError(e),
          retriable: e.retriable,
        });
        return fail(
          redact(describeError(e._tag === 'JobFailed' ? e.error : e), secretsOf(config.right)),
          e._tag === 'JobParametersInvalid' ? 2 : 1,
        );
      }
      const outcome = result.right;
      log('info', outcome.status === 'skipped' ? 'job skipped: another worker holds it' : 'job finished', {
        job: command,
        runId: outcome.runId,
        counts: outcome.counts,
      });
      if (outcome.report === null) {
        process.stdout.write(
          json
            ? `${JSON.stringify(outcome, null, 2)}\n`
            : `${command}: another worker is running this job for the shop; nothing done\n`,
        );
        return 0;
      }
      process.stdout.write(
        `${json ? JSON.stringify(outcome.report, null, 2) : formatJobReport(outcome.job, outcome.report)}\n`,
      );
      return jobNeedsAttention(outcome.job, outcome.report) ? 3 : 0;
    }
    case 'explain': {
      const target = rest.find(
        (a, i) =>
          !a.startsWith('--') && !(i > 0 && ['--config', '--facility-group', '--events'].includes(rest[i - 1]!)),
      );
      const group = option(rest, '--facility-group');
      if (target === undefined || group === undefined)
        return fail('explain needs a SKU or product id and --facility-group ID', 2);
      const eventsText = option(rest, '--events') ?? '5';
      if (!/^\d+$/.test(eventsText)) return fail(`--events must be a whole number from 0, got "${eventsText}"`, 2);
      const config = configFrom(rest);
      if (isLeft(config)) return fail(config.left, 2);
      const store = await openInventoryStore(config.right.inventoryStore)();
      if (isLeft(store)) return fail(describeError(store.left), 1);
      try {
        const found = await pipe(
          TE.Do,
          TE.bind('group', () => store.right.facilityGroup(group)),
          TE.bind('product', () => store.right.productInventory(target)),
        )();
        if (isLeft(found)) return fail(describeError(found.left), 1);
        const { group: g, product } = found.right;
        if (g === null) return fail(`no facility group '${group}'`, 2);
        if (!isChannelFacilityGroup(g))
          return fail(`facility group '${group}' is of type ${g.facilityGroupTypeId}, not ${CHANNEL_FAC_GROUP}`, 2);
        if (product === null) return fail(`no product with id or SKU '${target}'`, 2);
        const explanation = explainOnlineAtp(g, product.inventory);
        const events = await recentLedgerEntries({ productId: product.productId }, Number(eventsText))(store.right)();
        if (isLeft(events)) return fail(describeError(events.left), 1);
        process.stdout.write(
          json
            ? `${JSON.stringify({ ...explanation, events: events.right.map(recentEventOf) }, null, 2)}\n`
            : `${formatOnlineAtpExplanation(explanation)}\n${formatRecentEvents(product.productId, events.right)}\n`,
        );
        return 0;
      } finally {
        await store.right.close();
      }
    }
    case 'audit-ledger': {
      const config = configFrom(rest);
      if (isLeft(config)) return fail(config.left, 2);
      const store = await openInventoryStore(config.right.inventoryStore)();
      if (isLeft(store)) return fail(describeError(store.left), 1);
      try {
        const report = await auditLedger()(store.right)();
        if (isLeft(report)) return fail(describeError(report.left), 1);
        process.stdout.write(
          `${json ? JSON.stringify(report.right, null, 2) : formatAuditLedgerReport(report.right)}\n`,
        );
        return report.right.agrees ? 0 : 3;
      } finally {
        await store.right.close();
      }
    }
    case 'record-events': {
      const source = rest.find((a, i) => !a.startsWith('--') && !(i > 0 && rest[i - 1] === '--config'));
      if (source === undefined) return fail('record-events needs a file of events (JSON Lines) or - for stdin', 2);
      const config = configFrom(rest);
      if (isLeft(config)) return fail(config.left, 2);
      let fd: number;
      try {
        fd = source === '-' ? 0 : openSync(source, 'r');
      } catch (error) {
        return fail(`cannot read ${source}: ${error instanceof Error ? error.message : String(error)}`, 2);
      }
      const cursor = lineCursorOf(
        source === '-' ? process.stdin : createReadStream('', { fd, highWaterMark: 64 * 1024 }),
        config.right.importEvents.settings.maxLineBytes,
        { store: 'local', path: source === '-' ? 'stdin' : source },
      );
      const store = await openInventoryStore(config.right.inventoryStore)();
      if (isLeft(store)) {
        await cursor.close();
        return fail(describeError(store.left), 1);
      }
      try {
        return await recordEventLines(cursor, store.right, json, fail);
      } finally {
        await cursor.close();
        await store.right.close();
      }
    }
    case 'history': {
      const target = rest.find(
        (a, i) => !a.startsWith('--') && !(i > 0 && ['--config', '--facility', '--limit'].includes(rest[i - 1]!)),
      );
      if (target === undefined) return fail('history needs a SKU or product id', 2);
      const limitText = option(rest, '--limit') ?? '50';
      if (!/^[1-9]\d*$/.test(limitText)) return fail(`--limit must be a whole number from 1, got "${limitText}"`, 2);
      const facility = option(rest, '--facility');
      const config = configFrom(rest);
      if (isLeft(config)) return fail(config.left, 2);
      const store = await openInventoryStore(config.right.inventoryStore)();
      if (isLeft(store)) return fail(describeError(store.left), 1);
      try {
        const product = await store.right.productInventory(target)();
        if (isLeft(product)) return fail(describeError(product.left), 1);
        if (product.right === null) return fail(`no product with id or SKU '${target}'`, 2);
        const entries = await store.right.ledgerEntries(null, Number(limitText), {
          productId: product.right.productId,
          ...(facility === undefined ? {} : { facilityId: facility }),
        })();
        if (isLeft(entries)) return fail(describeError(entries.left), 1);
        if (json) process.stdout.write(`${JSON.stringify(entries.right, null, 2)}\n`);
        else if (entries.right.length === 0)
          process.stdout.write(`no events recorded for ${product.right.productId}\n`);
        else
          for (const e of entries.right)
            process.stdout.write(
              `#${e.sequence} ${e.event.occurredAt} ${e.event.type} ${e.event.quantity}${e.event.facilityId === undefined ? '' : ` at ${e.event.facilityId}`}${e.event.toFacilityId === undefined ? '' : ` to ${e.event.toFacilityId}`} (${e.event.source}${e.event.reason === undefined ? '' : `, ${e.event.reason}`}) ${e.event.eventId}: ${e.changes
                .map((c) =>
                  c.kind === 'position'
                    ? `${c.facilityId} QOH ${c.before.quantityOnHand} -> ${c.after.quantityOnHand}, reserved ${c.before.reservedQuantity} -> ${c.after.reservedQuantity}`
                    : `${c.kind} ${JSON.stringify(c.before)} -> ${JSON.stringify(c.after)}`,
                )
                .join('; ')}\n`,
            );
        return 0;
      } finally {
        await store.right.close();
      }
    }
    case 'runs': {
      const config = configFrom(rest);
      if (isLeft(config)) return fail(config.left, 2);
      const job = option(rest, '--job');
      if (job !== undefined && !(JOB_NAMES as ReadonlyArray<string>).includes(job))
        return fail(`unknown job '${job}' (jobs: ${JOB_NAMES.join(', ')})`, 2);
      const limitText = option(rest, '--limit') ?? '20';
      if (!/^[1-9]\d*$/.test(limitText)) return fail(`--limit must be a whole number from 1, got "${limitText}"`, 2);
      const store = await openInventoryStore(config.right.inventoryStore)();
      if (isLeft(store)) return fail(describeError(store.left), 1);
      try {
        const runs = await store.right.listRuns({
          ...(job === undefined ? {} : { job: job as JobName }),
          limit: Number(limitText),
        })();
        if (isLeft(runs)) return fail(describeError(runs.left), 1);
        process.stdout.write(`${json ? JSON.stringify(runs.right, null, 2) : formatRuns(runs.right)}\n`);
        return 0;
      } finally {
        await store.right.close();
      }
    }
    case 'worker': {
      const config = configFrom(rest);
      if (isLeft(config)) return fail(config.left, 2);
      // Loaded on demand: the other commands do not pay for pg-boss at start.
      const { workerCommand } = await import('../worker/worker.ts');
      const stopped = await workerCommand(config.right, process.env);
      if (isLeft(stopped)) {
        const e = stopped.left;
        return fail(
          e._tag === 'WorkerConfigInvalid'
            ? `invalid configuration:\n  ${e.problems.join('\n  ')}`
            : `${e._tag}: ${e.reason}`,
          e._tag === 'WorkerConfigInvalid' ? 2 : 1,
        );
      }
      return 0;
    }
    case 'facility':
    case 'product':
    case 'group':
    case 'sell-online':
    case 'safety-stock':
    case 'threshold':
    case 'channel':
    case 'shopify':
    case 'check':
      return setupCommand(command, rest);
    case 'help':
    case '--help':
      process.stdout.write(`${USAGE}\n`);
      return 0;
    default:
      return fail(`unknown command '${command}'`, 2);
  }
};

process.exitCode = await main(process.argv.slice(2));
