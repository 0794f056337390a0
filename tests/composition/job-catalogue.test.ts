import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { MAX_NAME_BYTES, nameBytes } from '../../src/application/file-name-limit.ts';
import { HELD_BACK_REPORT, REJECTED_ROWS_REPORT, reportName } from '../../src/application/import-inventory.ts';
import { JOB_NAMES, JOBS, formatJobReport, jobNeedsAttention } from '../../src/composition/job-catalogue.ts';

const catalogue = suite('the job catalogue');

catalogue('has one entry per job name, each with its own name', () => {
  assert.equal(Object.keys(JOBS).sort(), [...JOB_NAMES].sort());
  for (const name of JOB_NAMES) assert.is(JOBS[name].name, name);
  assert.is(JOBS.import.shopify, false);
  assert.is(JOBS['import-events'].shopify, false);
  assert.ok(JOB_NAMES.filter((j) => j !== 'import' && j !== 'import-events').every((j) => JOBS[j].shopify));
});

catalogue('format and needs-attention come from the entry of the report’s job', () => {
  const verify = { facilityGroupId: 'G', shop: 's', locationId: 'L', checked: 2, equal: 1, drifted: [] };
  const drifted = {
    ...verify,
    drifted: [{ productId: 'P1', inventoryItemId: 'I1', locationId: 'L', quantity: 3, shopify: 2 }],
  };
  assert.is(jobNeedsAttention('verify', verify as never), false);
  assert.is(jobNeedsAttention('verify', drifted as never), true);
  assert.match(formatJobReport('verify', drifted as never), /P1 \(I1\): OMS 3, Shopify 2/);
});

catalogue(
  'every job counts and formats its own report; only held-back files, failed lines, drift and unmapped SKUs need a person',
  () => {
    const file = { name: 'a.csv', rowsRead: 3, adjusted: 1, unchanged: 1, rejected: 1, rejectedRows: [] };
    const imported = {
      runId: 'r',
      startedAt: new Date(0),
      finishedAt: new Date(5),
      durationMs: 5,
      lockAcquired: true,
      filesSeen: 1,
      files: [{ ...file, outcome: 'applied' }],
      rowsRead: 3,
      adjusted: 1,
      unchanged: 1,
      rejected: 1,
    };
    assert.equal(JOBS.import.counts(imported as never), {
      filesSeen: 1,
      files: 1,
      rowsRead: 3,
      adjusted: 1,
      unchanged: 1,
      rejected: 1,
    });
    assert.is(JOBS.import.needsAttention(imported as never), false);
    const heldBack = { ...imported, files: [{ ...file, outcome: 'held-back', heldBackBecause: 'most rows bad' }] };
    assert.is(JOBS.import.needsAttention(heldBack as never), true);
    assert.match(JOBS.import.format(heldBack as never), /a\.csv: held-back \(most rows bad\)/);
    const noted = {
      ...imported,
      files: [{ ...file, outcome: 'applied', archivedAs: 'a.0123abcd.csv', snapshotOrder: 'arrival' }],
    };
    assert.match(JOBS.import.format(noted as never), /archived as archive\/a\.0123abcd\.csv/);
    assert.match(JOBS.import.format(noted as never), /no export time in its name: taken in arrival order/);
    const unmapped = {
      shop: 's',
      products: 2,
      mapped: 1,
      unmatched: [{ productId: 'P2', sku: 'X', status: 'unmatched' }],
      ambiguous: [],
    };
    assert.is(JOBS['map-products'].needsAttention(unmapped as never), true);
    assert.match(JOBS['map-products'].format(unmapped as never), /P2: no inventory item with SKU X/);
    const uploads = { runId: 'r', feeds: [], applied: 3, failed: 0, calls: 1, durationMs: 1 };
    assert.is(JOBS['process-uploads'].needsAttention(uploads as never), false);
    assert.is(JOBS['process-uploads'].needsAttention({ ...uploads, failed: 1 } as never), true);
    assert.equal(JOBS['process-uploads'].counts(uploads as never), { feeds: 0, applied: 3, failed: 0, calls: 1 });
  },
);

catalogue('import-events: counts per outcome, a run that did nothing says so, a rejected line needs a person', () => {
  const counts = { lines: 3, applied: 1, duplicate: 1, refused: 0, conflict: 0, rejected: 1 };
  const run = {
    runId: 'r',
    startedAt: new Date(0),
    finishedAt: new Date(5),
    durationMs: 5,
    lockAcquired: true,
    filesSeen: 1,
    files: [
      {
        name: 'a.jsonl',
        format: 'jsonl',
        outcome: 'archived',
        ...counts,
        errorReport: 'a.jsonl.01234567.rejected-lines.csv',
        rejectedLines: [{ line: 2, field: 'quantity', reason: 'expected number, got "x"' }],
      },
    ],
    ...counts,
  };
  assert.equal(JOBS['import-events'].counts(run as never), { filesSeen: 1, files: 1, ...counts });
  assert.is(JOBS['import-events'].needsAttention(run as never), true);
  const text = JOBS['import-events'].format(run as never);
  assert.match(text, /a\.jsonl: archived - 3 lines, 1 applied, 1 duplicate, 0 refused, 0 conflict, 1 rejected/);
  assert.match(text, /line 2, quantity: expected number, got "x"/);
  assert.match(text, /report: error\/a\.jsonl\.01234567\.rejected-lines\.csv/);
  const clean = { ...run, ...counts, rejected: 0, files: [{ ...run.files[0], rejected: 0, rejectedLines: [] }] };
  assert.is(JOBS['import-events'].needsAttention(clean as never), false);
  const nothing = { ...run, filesSeen: 0, files: [], lines: 0, applied: 0, duplicate: 0, rejected: 0 };
  assert.match(JOBS['import-events'].format(nothing as never), /no event feeds in the inbox, nothing to do$/);
  assert.is(JOBS['import-events'].needsAttention(nothing as never), false);
  assert.match(
    JOBS['import-events'].format({ ...nothing, lockAcquired: false } as never),
    /another worker holds the job, nothing done$/,
  );
});

catalogue('the parameters each job takes', () => {
  assert.equal(
    JOB_NAMES.map((j) => [j, JOBS[j].parameters.required, JOBS[j].parameters.optional]),
    [
      ['import', [], []],
      ['import-events', [], []],
      ['hard-sync', ['facilityGroupId'], []],
      ['push-changes', ['facilityGroupId'], []],
      ['process-uploads', [], []],
      ['map-products', [], ['all']],
      ['verify', ['facilityGroupId'], ['sample']],
    ],
  );
});

catalogue(
  'the import report names the real error report of the rows beyond its first 20, within the name limit',
  () => {
    const long = `inventory-20261122T010000Z-${'x'.repeat(219)}.csv`;
    const rows = Array.from({ length: 20 }, (_, i) => ({ line: i + 2, field: 'Item', reason: 'unknown item' }));
    const counts = { rowsRead: 30, adjusted: 0, unchanged: 0, rejected: 25, rejectedRows: rows };
    const report = (f: Record<string, unknown>) =>
      JOBS.import.format({
        runId: 'r',
        startedAt: new Date(0),
        finishedAt: new Date(5),
        durationMs: 5,
        lockAcquired: true,
        filesSeen: 1,
        files: [{ name: long, ...counts, ...f }],
        rowsRead: 30,
        adjusted: 0,
        unchanged: 0,
        rejected: 25,
      } as never);
    const named = (text: string): string => /\.\.\. and 5 more in error\/(.+)$/m.exec(text)![1]!;
    const heldBack = named(report({ outcome: 'held-back', heldBackBecause: 'most rows bad' }));
    assert.is(heldBack, reportName(long, HELD_BACK_REPORT));
    assert.ok(nameBytes(heldBack) <= MAX_NAME_BYTES, heldBack);
    assert.is(named(report({ outcome: 'failed', heldBackBecause: 'boom' })), heldBack);
    const applied = named(report({ outcome: 'applied', errorAs: 'a.0123abcd.csv' }));
    assert.is(applied, reportName('a.0123abcd.csv', REJECTED_ROWS_REPORT));
  },
);

catalogue.run();
