#!/usr/bin/env -S node --max-semi-space-size=1
/**
 * (The shebang's `--max-semi-space-size=1` keeps V8's young generation at 1 MB: a 1M-row import then peaks near
 * 260-280 MB instead of 400-430 MB for a few percent of speed; `npm run bench:import` measures the command with it.)
 *
 * The `oms-inventory-sync` command line: a thin edge that builds a job from the configuration, runs it, prints its
 * report and sets the exit code (0 done, 1 failed and worth retrying, 2 usage or configuration error, 3 done but a
 * file was held back, 4 skipped: another run holds the job's lease; the README's table).
 */
import { createReadStream, mkdtempSync, openSync, rmSync } from 'node:fs';
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
import { openInventoryStore, startupExitCode } from '../composition/live.ts';
import { CONFIG_SECTIONS, type Config, type ConfigSection } from '../composition/config.ts';
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
import {
  commandHelp,
  parseCommandArguments,
  textFlag,
  usageLine,
  wholeNumber,
  type ParsedArguments,
} from './arguments.ts';
import { COMMANDS, EXIT, usageText } from './command-specs.ts';
import { failureSentence } from './failure.ts';
import { readSettings } from './settings-file.ts';
import { isSetupCommand, setupCommand } from './setup-commands.ts';

/**
 * The configuration from `--config FILE` (or the embedded defaults) and the environment, or what is wrong with it.
 * Only the secrets of `needs` are required: `runs` needs no Shopify token, an import worker no Shopify secret.
 */
const configFrom = (
  args: ParsedArguments,
  needs: ReadonlyArray<ConfigSection>,
  shopifySection = needs.includes('shopify'),
): Either<string, Config> => {
  const file = textFlag(args, 'config');
  const config = readSettings(file, needs);
  if (isLeft(config)) return config;
  if (shopifySection && config.right.shopify === undefined)
    return left(
      file === undefined
        ? 'this command needs a shopify section (shop, apiVersion): give the settings with --config FILE'
        : `the settings in ${file} have no shopify section (shop, apiVersion), which this command needs`,
    );
  return right(config.right);
};

const worker = workerName();

const formatRuns = (runs: ReadonlyArray<JobRun>): string =>
  runs.length === 0
    ? 'no runs recorded'
    : runs
        .map((r) => {
          const took = r.finishedAt === null ? '-' : `${r.finishedAt.getTime() - r.startedAt.getTime()} ms`;
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

const describeError = failureSentence;

const RECORD_BATCH = 1_000;

const describeOutcome = (o: RecordedEventOutcome): string =>
  `${o.outcome === 'undecodable' ? `#${o.index + 1} ${o.eventId ?? '(no eventId)'}` : o.eventId}: ${o.outcome}${
    o.outcome === 'refused'
      ? ` (${o.reason}: ${o.detail})`
      : o.outcome === 'conflict'
        ? ` (${o.detail})`
        : o.outcome === 'undecodable'
          ? ` (${o.errors.map((e) => `${e.field === '' ? 'event' : e.field}: ${e.reason}`).join('; ')})`
          : o.outcome === 'duplicate' && o.refused !== undefined
            ? ` (refused before: ${o.refused.reason}: ${o.refused.detail})`
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

/** The package an import failed to find (ERR_MODULE_NOT_FOUND), or null. */
const missingPackage = (cause: unknown): string | null => {
  if (typeof cause !== 'object' || cause === null || (cause as { code?: unknown }).code !== 'ERR_MODULE_NOT_FOUND')
    return null;
  const found = /Cannot find package '([^']+)'/.exec(String((cause as { message?: unknown }).message));
  return found?.[1] ?? null;
};

/** The secrets each command needs (see `configFrom`). */
const NEEDS: Readonly<Record<string, ReadonlyArray<ConfigSection>>> = {
  import: ['store', 'inbox'],
  'import-events': ['store', 'importEvents'],
  'map-products': ['store', 'shopify'],
  'hard-sync': ['store', 'shopify'],
  'push-changes': ['store', 'shopify'],
  'process-uploads': ['store', 'shopify'],
  verify: ['store', 'shopify'],
  worker: CONFIG_SECTIONS,
  console: CONFIG_SECTIONS,
};
const needsOf = (command: string): ReadonlyArray<ConfigSection> => NEEDS[command] ?? ['store'];

/** Runs one command; resolves to the exit code. */
export const main = async (argv: ReadonlyArray<string>): Promise<number> => {
  const [command, ...rest] = argv;
  const json = rest.includes('--json');
  // A failure is one line on stderr, and with --json also one JSON object on stdout; a usage error adds the usage line.
  const fail = (message: string, code: number, usage?: string): number => {
    process.stderr.write(`oms-inventory-sync: ${message}\n${usage === undefined ? '' : `usage: ${usage}\n`}`);
    if (json) process.stdout.write(`${JSON.stringify({ error: { message, exitCode: code } }, null, 2)}\n`);
    return code;
  };
  if (command === undefined) {
    process.stderr.write(`${usageText()}\n`);
    return EXIT.usage;
  }
  if (command === 'help' || command === '--help' || command === '-h') {
    process.stdout.write(`${usageText()}\n`);
    return EXIT.done;
  }
  // The setup commands (facility, product, group, ..., check) parse their own arguments as strictly.
  if (isSetupCommand(command)) return setupCommand(command, rest);
  const spec = COMMANDS[command];
  if (spec === undefined)
    return fail(
      `unknown command '${command}' (commands: ${Object.keys(COMMANDS).join(', ')}; oms-inventory-sync help lists them)`,
      EXIT.usage,
    );
  const parsed = parseCommandArguments(command, spec, rest);
  if (parsed._tag === 'help') {
    process.stdout.write(`${commandHelp(command, spec)}\n`);
    return EXIT.done;
  }
  if (parsed._tag === 'usage-error') return fail(parsed.message, EXIT.usage, usageLine(command, spec));
  const args = parsed.args;
  const usage = (message: string): number => fail(message, EXIT.usage, usageLine(command, spec));
  switch (command) {
    case 'demo': {
      const given = textFlag(args, 'batch-size');
      const size = BatchSize.decode(given === undefined ? SHOPIFY_MAX_QUANTITIES_PER_CALL : Number(given));
      if (isLeft(size)) return usage(`--batch-size must be a whole number from 1, got ${JSON.stringify(given ?? '')}`);
      // The demo runs the test kit's local Shopify server, which needs the optional peer `graphql`.
      const demo = await import('./demo.ts').catch((cause: unknown) => {
        if (missingPackage(cause) === 'graphql') return null;
        throw cause;
      });
      if (demo === null)
        return fail(
          "the demo needs the optional package 'graphql' for its local Shopify server: run `npm install graphql` next to oms-inventory-sync",
          2,
        );
      const given_ = textFlag(args, 'data-dir');
      // Without --data-dir the demo works in a temporary folder and removes it afterwards.
      const dataDir = given_ ?? mkdtempSync(join(tmpdir(), 'oms-inventory-sync-demo-'));
      try {
        const result = await demo.runDemo(dataDir, size.right)();
        if (isLeft(result)) return fail(describeError(result.left), 1);
        const report = given_ === undefined ? { ...result.right, dataDir: null } : result.right;
        process.stdout.write(`${json ? JSON.stringify(report, null, 2) : demo.formatDemoReport(report)}\n`);
        return 0;
      } finally {
        if (given_ === undefined) rmSync(dataDir, { recursive: true, force: true });
      }
    }
    case 'import':
    case 'import-events':
    case 'map-products':
    case 'hard-sync':
    case 'push-changes':
    case 'process-uploads':
    case 'verify': {
      const config = configFrom(args, needsOf(command));
      if (isLeft(config)) return fail(config.left, EXIT.usage);
      const parameters: Record<string, string> = {};
      const group = textFlag(args, 'facility-group');
      if (group !== undefined) parameters.facilityGroupId = group;
      const sample = textFlag(args, 'sample');
      if (sample !== undefined) parameters.sample = sample;
      if (command === 'map-products' && args.values.all === true) parameters.all = 'true';
      const request = validateRequest(command, parameters);
      if (isLeft(request)) return usage(request.left.problems.join('; '));
      const bar = progressBar();
      // Job events as JSON lines on stderr, every secret of the configuration redacted (as the worker's).
      const log = configuredLogger(config.right);
      log('info', 'job started', { job: command, parameters, worker });
      const result = await runJob(config.right, request.right, { worker, progress: bar.update, trigger: 'cli', log });
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
          // Worth retrying (a server down, a lease lost) or not: a refused token, a host key mismatch, an unknown
          // facility group are for a person to fix, and a rerun would fail the same way.
          e.retriable ? EXIT.retry : EXIT.usage,
        );
      }
      const outcome = result.right;
      log('info', outcome.status === 'skipped' ? 'job skipped: another worker holds it' : 'job finished', {
        job: command,
        runId: outcome.runId,
        counts: outcome.counts,
      });
      if (outcome.status === 'skipped') {
        // Another run holds the job's lease: nothing done, recorded as skipped, and not a success (exit 4).
        process.stdout.write(
          json
            ? `${JSON.stringify(outcome.report ?? outcome, null, 2)}\n`
            : outcome.report === null
              ? `${command}: another run holds this job's lease; nothing done\n`
              : `${formatJobReport(outcome.job, outcome.report)}\n`,
        );
        return EXIT.skipped;
      }
      if (outcome.report === null) return 0;
      process.stdout.write(
        `${json ? JSON.stringify(outcome.report, null, 2) : formatJobReport(outcome.job, outcome.report)}\n`,
      );
      return jobNeedsAttention(outcome.job, outcome.report) ? 3 : 0;
    }
    case 'explain': {
      const target = args.positionals[0] ?? '';
      const group = textFlag(args, 'facility-group') ?? '';
      const events = wholeNumber(args, 'events', 5, 0);
      if (!events.ok) return usage(events.message);
      const config = configFrom(args, needsOf(command));
      if (isLeft(config)) return fail(config.left, EXIT.usage);
      const store = await openInventoryStore(config.right.inventoryStore)();
      if (isLeft(store)) return fail(describeError(store.left), startupExitCode(store.left));
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
        const recent = await recentLedgerEntries({ productId: product.productId }, events.value)(store.right)();
        if (isLeft(recent)) return fail(describeError(recent.left), 1);
        process.stdout.write(
          json
            ? `${JSON.stringify({ ...explanation, events: recent.right.map(recentEventOf) }, null, 2)}\n`
            : `${formatOnlineAtpExplanation(explanation)}\n${formatRecentEvents(product.productId, recent.right)}\n`,
        );
        return 0;
      } finally {
        await store.right.close();
      }
    }
    case 'audit-ledger': {
      const config = configFrom(args, needsOf(command));
      if (isLeft(config)) return fail(config.left, EXIT.usage);
      const store = await openInventoryStore(config.right.inventoryStore)();
      if (isLeft(store)) return fail(describeError(store.left), startupExitCode(store.left));
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
      const source = args.positionals[0] ?? '-';
      const config = configFrom(args, needsOf(command));
      if (isLeft(config)) return fail(config.left, EXIT.usage);
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
        return fail(describeError(store.left), startupExitCode(store.left));
      }
      try {
        return await recordEventLines(cursor, store.right, json, fail);
      } finally {
        await cursor.close();
        await store.right.close();
      }
    }
    case 'history': {
      const target = args.positionals[0] ?? '';
      const limit = wholeNumber(args, 'limit', 50, 1);
      if (!limit.ok) return usage(limit.message);
      const facility = textFlag(args, 'facility');
      const config = configFrom(args, needsOf(command));
      if (isLeft(config)) return fail(config.left, EXIT.usage);
      const store = await openInventoryStore(config.right.inventoryStore)();
      if (isLeft(store)) return fail(describeError(store.left), startupExitCode(store.left));
      try {
        const product = await store.right.productInventory(target)();
        if (isLeft(product)) return fail(describeError(product.left), 1);
        if (product.right === null) return fail(`no product with id or SKU '${target}'`, 2);
        const entries = await recentLedgerEntries(
          { productId: product.right.productId, ...(facility === undefined ? {} : { facilityId: facility }) },
          limit.value,
        )(store.right)();
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
      const config = configFrom(args, needsOf(command));
      if (isLeft(config)) return fail(config.left, EXIT.usage);
      const job = textFlag(args, 'job');
      if (job !== undefined && !(JOB_NAMES as ReadonlyArray<string>).includes(job))
        return usage(`unknown job '${job}' (jobs: ${JOB_NAMES.join(', ')})`);
      const limit = wholeNumber(args, 'limit', 20, 1);
      if (!limit.ok) return usage(limit.message);
      const store = await openInventoryStore(config.right.inventoryStore)();
      if (isLeft(store)) return fail(describeError(store.left), startupExitCode(store.left));
      try {
        const runs = await store.right.listRuns({
          ...(job === undefined ? {} : { job: job as JobName }),
          limit: limit.value,
          at: new Date(),
        })();
        if (isLeft(runs)) return fail(describeError(runs.left), 1);
        process.stdout.write(`${json ? JSON.stringify(runs.right, null, 2) : formatRuns(runs.right)}\n`);
        return 0;
      } finally {
        await store.right.close();
      }
    }
    case 'worker': {
      // Every configured section's secrets; the shopify section itself only where the schedules ask for it.
      const config = configFrom(args, needsOf(command), false);
      if (isLeft(config)) return fail(config.left, EXIT.usage);
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
    case 'console': {
      const port = wholeNumber(args, 'port', 8080, 0);
      if (!port.ok || port.value > 65_535)
        return usage(port.ok ? `--port must be a whole number from 0 to 65535, got "${port.value}"` : port.message);
      const host = textFlag(args, 'host') ?? '127.0.0.1';
      // Every configured section's secrets (Run now runs any job); the shopify section itself only when there is one.
      const config = configFrom(args, needsOf(command), false);
      if (isLeft(config)) return fail(config.left, EXIT.usage);
      // Loaded on demand: Fastify and the pages load for this command only.
      const { consoleCommand } = await import('../console/command.ts');
      // Job control with the workers' pg-boss queue on PostgreSQL (the console itself never loads pg-boss).
      const { openJobControl } = await import('../worker/job-control-live.ts');
      return consoleCommand(
        config.right,
        { host, port: port.value, openJobs: (live, log) => openJobControl(live, { log }) },
        process.env,
      );
    }
    default:
      return fail(`unknown command '${command}'`, EXIT.usage);
  }
};

process.exitCode = await main(process.argv.slice(2));
