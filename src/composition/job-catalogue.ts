/**
 * The job catalogue: one typed record per job, with everything a runner needs to know of it (its title, its
 * parameters, whether it talks to Shopify, how to run it over the live adapters, the counts the run log keeps, its
 * report as text, and whether a finished run left something for a person). The CLI, the worker and the run log all
 * read it; no runner switches on job names.
 */
import type { Either } from 'fp-ts/lib/Either.js';
import { hardSync, type HardSyncReport } from '../application/hard-sync.ts';
import { importEvents, type ImportEventsReport } from '../application/import-events.ts';
import {
  HELD_BACK_REPORT,
  importInventory,
  type ImportReport,
  REJECTED_ROWS_REPORT,
  reportName,
} from '../application/import-inventory.ts';
import { DEFAULT_LEASE_MS } from '../application/job-lease.ts';
import { printable } from '../application/printable.ts';
import { mapProducts, type MapProductsReport } from '../application/map-products.ts';
import { processUploads, type ProcessUploadsReport } from '../application/process-uploads.ts';
import type { Progress, ProgressEvent } from '../application/progress.ts';
import { pushRecentChanges, type PushChangesReport } from '../application/push-recent-changes.ts';
import {
  JOB_NAMES,
  type JobName,
  REPORT_SAMPLE,
  REPORT_TEXT_MAX,
  type RunReport,
  type RunReportFile,
} from '../application/run-log.ts';
import { verifyInventory, type VerifyReport } from '../application/verify-inventory.ts';
import type { EventsImportJob, ImportJob, ShopifyJobs } from './live.ts';

export { JOB_NAMES, type JobName };

/** The report of each job, by name. */
export interface JobReports {
  readonly import: ImportReport;
  readonly 'import-events': ImportEventsReport;
  readonly 'hard-sync': HardSyncReport;
  readonly 'push-changes': PushChangesReport;
  readonly 'process-uploads': ProcessUploadsReport;
  readonly 'map-products': MapProductsReport;
  readonly verify: VerifyReport;
}

/** The report of any job. */
export type JobReport = JobReports[JobName];

/** What a run is handed: its id, who runs it, its parameters, where progress goes and the lease's signal. */
export interface JobRunContext {
  readonly runId: string;
  readonly owner: string;
  readonly parameters: Readonly<Record<string, string>>;
  readonly progress?: (event: ProgressEvent) => void;
  /** Aborted when the run's lease is lost: the run stops at its next safe point. */
  readonly signal: AbortSignal;
  /** How long the run's lease lasts without renewal (the imports take theirs for that long). */
  readonly leaseMs: number;
}

/** The jobs that hold a lease of their own and need no Shopify connection. */
export type LocalJobName = 'import' | 'import-events';

/** The live adapters a job runs over: the import's, the event feed import's or the Shopify jobs'. */
export type JobAdapters<K extends JobName> = K extends 'import'
  ? ImportJob
  : K extends 'import-events'
    ? EventsImportJob
    : ShopifyJobs;

/** One job of the catalogue. */
export interface JobDefinition<K extends JobName> {
  readonly name: K;
  /** The job's name as the OMS's job manager shows it. */
  readonly title: string;
  /** Its parameters: required ones must be given; no other parameter is accepted. */
  readonly parameters: { readonly required: ReadonlyArray<string>; readonly optional: ReadonlyArray<string> };
  /**
   * Whether runs of the job need a Shopify connection. Such jobs run under the `<job>:<shop>` lease taken by the
   * runner; the imports hold their own leases (`RESET_INVENTORY`, `IMPORT_EVENTS`), as they do when a user's runner
   * calls them directly.
   */
  readonly shopify: K extends LocalJobName ? false : true;
  readonly run: (adapters: JobAdapters<K>, context: JobRunContext) => Promise<Either<unknown, JobReports[K]>>;
  /** The counts the run log keeps of a report. */
  readonly counts: (report: JobReports[K]) => Readonly<Record<string, number>>;
  /** The report as text, for a terminal. */
  readonly format: (report: JobReports[K]) => string;
  /** True when a finished run left something for a person (the command's exit code 3). */
  readonly needsAttention: (report: JobReports[K]) => boolean;
  /** What the console's run page shows of a report beyond its counts: files, rejected rows, refused lines. */
  readonly details: (report: JobReports[K]) => RunDetails;
  /** True when the run found its own lease held by another owner and did nothing (the imports hold theirs). */
  readonly busy: (report: JobReports[K]) => boolean;
  /** How long the job's lease lasts without renewal when the runner does not say: the imports' configured one. */
  readonly leaseMs: (adapters: JobAdapters<K>) => number;
}

/** A report's files, rejected rows and Shopify's refused lines, unbounded (runReportOf bounds them). */
export interface RunDetails {
  readonly files: ReadonlyArray<RunReportFile>;
  readonly rejectedRows: RunReport['rejectedRows'];
  readonly rejectedRowsTotal: number;
  readonly refusedLines: RunReport['refusedLines'];
  readonly refusedLinesTotal: number;
}

const NO_DETAILS: RunDetails = {
  files: [],
  rejectedRows: [],
  rejectedRowsTotal: 0,
  refusedLines: [],
  refusedLinesTotal: 0,
};

const importDetails = (r: ImportReport): RunDetails => ({
  files: r.files.map((f) => {
    const inError = f.outcome === 'held-back' || f.outcome === 'failed';
    // The error report the import wrote for the file in error/: the held-back file's, or the rejected rows'.
    const errorFile = inError
      ? reportName(f.errorAs ?? f.name, HELD_BACK_REPORT)
      : f.rejected > 0 && f.outcome === 'applied'
        ? reportName(f.errorAs ?? f.name, REJECTED_ROWS_REPORT)
        : undefined;
    return {
      name: f.name,
      outcome: f.outcome,
      ...(f.heldBackBecause === undefined ? {} : { reason: f.heldBackBecause }),
      rowsRead: f.rowsRead,
      applied: f.adjusted,
      rejected: f.rejected,
      ...(errorFile === undefined ? {} : { errorFile }),
    };
  }),
  rejectedRows: r.files.flatMap((f) => f.rejectedRows.map((row) => ({ file: f.name, ...row }))),
  rejectedRowsTotal: r.rejected,
  refusedLines: [],
  refusedLinesTotal: 0,
});

const importEventsDetails = (r: ImportEventsReport): RunDetails => ({
  files: r.files.map((f) => ({
    name: f.name,
    outcome: f.outcome,
    ...(f.heldBackBecause === undefined ? {} : { reason: f.heldBackBecause }),
    rowsRead: f.lines,
    applied: f.applied,
    rejected: f.errorRows,
    ...(f.errorReport === undefined ? {} : { errorFile: f.errorReport }),
  })),
  rejectedRows: r.files.flatMap((f) => f.rejectedLines.map((row) => ({ file: f.name, ...row }))),
  rejectedRowsTotal: r.files.reduce((n, f) => n + f.errorRows, 0),
  refusedLines: [],
  refusedLinesTotal: 0,
});

const uploadsDetails = (u: ProcessUploadsReport): RunDetails => ({
  files: u.feeds.map((f) => ({
    name: f.feed,
    outcome: f.outcome,
    ...(f.invalid === undefined ? {} : { reason: `line ${f.invalid.line}: ${f.invalid.reason}` }),
    rowsRead: f.lines,
    applied: f.applied,
    rejected: f.failed.length,
  })),
  rejectedRows: [],
  rejectedRowsTotal: 0,
  refusedLines: u.feeds.flatMap((f) => f.failed),
  refusedLinesTotal: u.feeds.reduce((n, f) => n + f.failed.length, 0),
});

const PAGE_SIZE = 10_000;
const MAP_PAGE_SIZE = 1_000;

// At most `max` items of a list, one a line, and how many more there are.
const lines = <A>(items: ReadonlyArray<A>, show: (a: A) => string, more: string, max = 20): string[] => [
  ...items.slice(0, max).map((a) => `    ${show(a)}`),
  ...(items.length > max ? [`    ... and ${items.length - max} more ${more}`] : []),
];

// The outcomes of a file a person must look at: held back, failed (both in error/), passed over (left in the inbox).
const ATTENTION: ReadonlySet<string> = new Set(['held-back', 'failed', 'passed-over']);

const formatImport = (r: ImportReport): string => {
  const out = [
    `Import inventory (run ${r.runId}): ${r.filesSeen} file(s) seen in ${r.durationMs} ms${r.lockAcquired ? '' : ' - another worker holds the job, nothing done'}`,
  ];
  for (const f of r.files) {
    out.push(
      `  ${f.name}: ${f.outcome}${f.heldBackBecause === undefined ? '' : ` (${f.heldBackBecause})`} - ${f.rowsRead} rows read, ${f.adjusted} adjusted, ${f.unchanged} unchanged, ${f.rejected} rejected`,
    );
    if (f.archivedAs !== undefined)
      out.push(`    archived as archive/${f.archivedAs} (an earlier export has its name)`);
    if (f.snapshotOrder === 'arrival')
      out.push('    no export time in its name: taken in arrival order, not checked against newer snapshots');
    // The report holds the first rejected rows (REJECTED_ROWS_SAMPLE); the error report in error/ has them all.
    for (const row of f.rejectedRows.slice(0, 20)) out.push(`    line ${row.line}, ${row.field}: ${row.reason}`);
    const more = f.rejected - Math.min(f.rejectedRows.length, 20);
    if (more > 0)
      out.push(
        `    ... and ${more} more in error/${reportName(f.errorAs ?? f.name, f.outcome === 'held-back' || f.outcome === 'failed' ? HELD_BACK_REPORT : REJECTED_ROWS_REPORT)}`,
      );
    if ((f.outcome === 'held-back' || f.outcome === 'failed') && f.errorAs !== undefined)
      out.push(`    moved as error/${f.errorAs} (an earlier file has its name)`);
  }
  out.push(
    `  total: ${r.rowsRead} rows read, ${r.adjusted} adjusted, ${r.unchanged} unchanged, ${r.rejected} rejected`,
  );
  // Names and fields come from outside: one line each, their CRs and line breaks shown escaped.
  return out.map(printable).join('\n');
};

const formatImportEvents = (r: ImportEventsReport): string => {
  const counts = (c: ImportEventsReport | ImportEventsReport['files'][number]) =>
    `${c.lines} lines, ${c.applied} applied, ${c.duplicate} duplicate, ${c.refused} refused, ${c.conflict} conflict, ${c.rejected} rejected`;
  if (!r.lockAcquired) return `Import events (run ${r.runId}): another worker holds the job, nothing done`;
  if (r.filesSeen === 0) return `Import events (run ${r.runId}): no event feeds in the inbox, nothing to do`;
  const out = [`Import events (run ${r.runId}): ${r.filesSeen} feed(s) seen in ${r.durationMs} ms`];
  for (const f of r.files) {
    out.push(
      `  ${f.name}: ${f.outcome}${f.heldBackBecause === undefined ? '' : ` (${f.heldBackBecause})`}${f.outcome === 'in-progress' ? ' - still being written, left for the next run' : ` - ${counts(f)}`}`,
    );
    if (f.movedAs !== undefined)
      out.push(
        `    moved as ${f.outcome === 'archived' ? 'archive' : 'error'}/${f.movedAs} (an earlier file has its name)`,
      );
    for (const row of f.rejectedLines.slice(0, 20))
      out.push(`    line ${row.line}, ${row.field || '(line)'}: ${row.reason}`);
    const more = f.errorRows - Math.min(f.rejectedLines.length, 20);
    if (more > 0) out.push(`    ... and ${more} more`);
    if (f.errorReport !== undefined) out.push(`    report: error/${f.errorReport}`);
  }
  out.push(`  total: ${counts(r)}`);
  return out.map(printable).join('\n');
};

// The Shopify jobs run under the runner's `<job>:<shop>` lease: a run that started holds it.
const RUNNER_LEASE = { busy: () => false, leaseMs: () => DEFAULT_LEASE_MS } as const;

const group = (context: JobRunContext): string => context.parameters.facilityGroupId ?? '';

/** Every job, by name. */
export const JOBS: { readonly [K in JobName]: JobDefinition<K> } = {
  import: {
    name: 'import',
    title: 'Import inventory (RESET_INVENTORY)',
    parameters: { required: [], optional: [] },
    shopify: false,
    run: (job, { runId, owner, progress, leaseMs }) =>
      importInventory({ ...job.importConfig(runId, owner), lockLeaseMs: leaseMs })({
        ...job.deps,
        ...(progress === undefined ? {} : { progress }),
      })(),
    counts: (i) => ({
      filesSeen: i.filesSeen,
      files: i.files.length,
      rowsRead: i.rowsRead,
      adjusted: i.adjusted,
      unchanged: i.unchanged,
      rejected: i.rejected,
    }),
    format: formatImport,
    needsAttention: (i) => i.files.some((f) => ATTENTION.has(f.outcome)),
    details: importDetails,
    busy: (i) => !i.lockAcquired,
    leaseMs: (job) => job.importConfig('', '').lockLeaseMs,
  },
  'import-events': {
    name: 'import-events',
    title: 'Import inventory events (ERP, WMS and POS feeds)',
    parameters: { required: [], optional: [] },
    shopify: false,
    run: (job, { runId, owner, progress, leaseMs }) =>
      importEvents({ ...job.importEventsConfig(runId, owner), lockLeaseMs: leaseMs })({
        ...job.deps,
        ...(progress === undefined ? {} : { progress }),
      })(),
    counts: (r) => ({
      filesSeen: r.filesSeen,
      files: r.files.length,
      lines: r.lines,
      applied: r.applied,
      duplicate: r.duplicate,
      refused: r.refused,
      conflict: r.conflict,
      rejected: r.rejected,
    }),
    format: formatImportEvents,
    details: importEventsDetails,
    needsAttention: (r) => r.refused + r.conflict + r.rejected > 0 || r.files.some((f) => ATTENTION.has(f.outcome)),
    busy: (r) => !r.lockAcquired,
    leaseMs: (job) => job.importEventsConfig('', '').lockLeaseMs,
  },
  'hard-sync': {
    name: 'hard-sync',
    title: 'Hard Sync',
    parameters: { required: ['facilityGroupId'], optional: [] },
    shopify: true,
    run: (jobs, context) =>
      hardSync({ facilityGroupId: group(context), runId: context.runId, pageSize: PAGE_SIZE })(
        withProgress(jobs, context),
      )(),
    counts: (h) => ({
      products: h.products,
      lines: h.lines,
      alreadyEqual: h.alreadyEqual,
      notStocked: h.notStocked.length,
      sharedInventoryItems: h.sharedInventoryItems.length,
    }),
    format: (h) =>
      [
        `Hard Sync (run ${h.runId}) of ${h.facilityGroupId} to ${h.shop} ${h.locationId}: ${h.products} products, ${h.lines} lines (${h.alreadyEqual} already equal) in ${h.durationMs} ms`,
        `  feed: ${h.feed ?? 'none (no mapped products)'}; process-uploads applies it`,
        ...(h.notStocked.length > 0
          ? [
              `  ${h.notStocked.length} not stocked at the location:`,
              ...lines(
                h.notStocked,
                (t) => `${t.productId} (${t.inventoryItemId}) should show ${t.quantity}`,
                'in --json',
              ),
            ]
          : []),
        ...(h.sharedInventoryItems.length > 0
          ? [
              `  ${h.sharedInventoryItems.length} inventory items claimed by several products (not pushed):`,
              ...lines(h.sharedInventoryItems, (x) => `${x.inventoryItemId}: ${x.productIds.join(', ')}`, 'in --json'),
            ]
          : []),
      ].join('\n'),
    needsAttention: () => false,
    details: () => NO_DETAILS,
    ...RUNNER_LEASE,
  },
  'push-changes': {
    name: 'push-changes',
    title: 'Upload recent inventory changes',
    parameters: { required: ['facilityGroupId'], optional: [] },
    shopify: true,
    run: (jobs, context) =>
      pushRecentChanges({ facilityGroupId: group(context), runId: context.runId, pageSize: PAGE_SIZE })(
        withProgress(jobs, context),
      )(),
    counts: (p) => ({
      changedProducts: p.changedProducts,
      mappedProducts: p.mappedProducts,
      lines: p.lines,
      unchanged: p.unchanged,
      rejected: p.rejected.length,
    }),
    format: (p) =>
      [
        `Upload recent inventory changes (run ${p.runId}) for ${p.facilityGroupId}: ${p.changedProducts} changed products, ${p.mappedProducts} mapped, ${p.lines} to push, ${p.unchanged} unchanged in ${p.durationMs} ms`,
        `  feed: ${p.feed ?? 'none: no change, no call'}`,
      ].join('\n'),
    needsAttention: () => false,
    details: () => NO_DETAILS,
    ...RUNNER_LEASE,
  },
  'process-uploads': {
    name: 'process-uploads',
    title: 'Process uploads to eCommerce',
    parameters: { required: [], optional: [] },
    shopify: true,
    run: (jobs, context) => processUploads(jobs.processUploadsConfig(context.runId))(withProgress(jobs, context))(),
    counts: (u) => ({ feeds: u.feeds.length, applied: u.applied, failed: u.failed, calls: u.calls }),
    format: (u) =>
      [
        `Process uploads (run ${u.runId}): ${u.feeds.length} feed(s), ${u.applied} applied, ${u.failed} failed, ${u.calls} calls in ${u.durationMs} ms`,
        ...u.feeds.flatMap((f) => [
          `  ${f.feed}: ${f.outcome}${f.resumed ? ' (resumed)' : ''} - ${f.lines} lines, ${f.applied} applied, ${f.alreadyEqual} already equal, ${f.staleResolved} raced by sales, ${f.failed.length} failed; ${f.calls} calls, ${f.bulkOperations} bulk`,
          ...(f.invalid === undefined ? [] : [`    line ${f.invalid.line}: ${f.invalid.reason} (moved to error/)`]),
          ...lines(
            f.failed,
            (x) => `line ${x.line}, ${x.productId} (${x.inventoryItemId}): ${x.code} ${x.message}`,
            'in --json',
          ),
        ]),
      ].join('\n'),
    needsAttention: (u) => u.failed > 0,
    details: uploadsDetails,
    ...RUNNER_LEASE,
  },
  'map-products': {
    name: 'map-products',
    title: 'Map products to Shopify',
    // `all`: 'true' for a full remap (mapped products looked up again too).
    parameters: { required: [], optional: ['all'] },
    shopify: true,
    run: (jobs, context) =>
      mapProducts({ shop: jobs.shop, pageSize: MAP_PAGE_SIZE, all: context.parameters.all === 'true' })(
        withProgress(jobs, context),
      )(),
    counts: (m) => ({
      products: m.products,
      mapped: m.mapped,
      unmatched: m.unmatched.length,
      ambiguous: m.ambiguous.length,
    }),
    format: (m) =>
      [
        `Map products in ${m.shop}: ${m.products} products, ${m.mapped} mapped, ${m.unmatched.length} unmatched, ${m.ambiguous.length} ambiguous`,
        ...lines(m.unmatched, (x) => `${x.productId}: no inventory item with SKU ${x.sku}`, 'unmatched in --json'),
        ...lines(
          m.ambiguous,
          (x) => `${x.productId}: SKU ${x.sku} matches ${x.status === 'ambiguous' ? x.candidates.join(', ') : ''}`,
          'ambiguous in --json',
        ),
      ].join('\n'),
    needsAttention: (m) => m.unmatched.length > 0 || m.ambiguous.length > 0,
    details: () => NO_DETAILS,
    ...RUNNER_LEASE,
  },
  verify: {
    name: 'verify',
    title: 'Verify inventory against Shopify',
    parameters: { required: ['facilityGroupId'], optional: ['sample'] },
    shopify: true,
    run: (jobs, context) =>
      verifyInventory({
        facilityGroupId: group(context),
        sample: context.parameters.sample === undefined ? null : Number(context.parameters.sample),
        pageSize: PAGE_SIZE,
      })(withProgress(jobs, context))(),
    counts: (v) => ({ checked: v.checked, equal: v.equal, drifted: v.drifted.length }),
    format: (v) =>
      [
        `Verify ${v.facilityGroupId} against ${v.shop} ${v.locationId}: ${v.checked} checked, ${v.equal} equal, ${v.drifted.length} drifted`,
        ...lines(
          v.drifted,
          (d) => `${d.productId} (${d.inventoryItemId}): OMS ${d.quantity}, Shopify ${d.shopify ?? 'not stocked'}`,
          'in --json',
        ),
      ].join('\n'),
    needsAttention: (v) => v.drifted.length > 0,
    details: () => NO_DETAILS,
    ...RUNNER_LEASE,
  },
};

function withProgress(jobs: ShopifyJobs, context: JobRunContext): ShopifyJobs['deps'] & Progress {
  return context.progress === undefined ? jobs.deps : { ...jobs.deps, progress: context.progress };
}

/** The catalogue entry of a job, for code that holds a job name and a report of that job. */
export const jobDefinition = <K extends JobName>(job: K): JobDefinition<K> => JOBS[job] as JobDefinition<K>;

/** A report of `job` as text. */
export const formatJobReport = <K extends JobName>(job: K, report: JobReports[K]): string =>
  jobDefinition(job).format(report);

/** Whether a finished run of `job` left something for a person. */
export const jobNeedsAttention = <K extends JobName>(job: K, report: JobReports[K]): boolean =>
  jobDefinition(job).needsAttention(report);

/**
 * A finished run's report as the run log stores it, bounded whatever the run's size: its counts, files, the first
 * REPORT_SAMPLE rejected rows and refused lines (with their totals), whether it needs a person, its text cut at
 * REPORT_TEXT_MAX characters.
 */
export const runReportOf = <K extends JobName>(job: K, report: JobReports[K]): RunReport => {
  const definition = jobDefinition(job);
  const details = definition.details(report);
  const text = definition.format(report);
  return {
    counts: definition.counts(report),
    files: details.files.slice(0, REPORT_SAMPLE),
    rejectedRows: details.rejectedRows.slice(0, REPORT_SAMPLE),
    rejectedRowsTotal: details.rejectedRowsTotal,
    refusedLines: details.refusedLines.slice(0, REPORT_SAMPLE),
    refusedLinesTotal: details.refusedLinesTotal,
    attention: definition.needsAttention(report),
    text: text.length > REPORT_TEXT_MAX ? `${text.slice(0, REPORT_TEXT_MAX)}\n...` : text,
  };
};
