import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { formatDemoReport, runDemo, type DemoReport } from '../../src/cli/demo.ts';
import { demoExportName } from '../../src/cli/demo-data.ts';
import { BatchSize } from '../../src/domain/index.ts';
import { run, runLeft } from '../support/run.ts';

const size = (n: number): BatchSize => {
  if (!BatchSize.is(n)) throw new Error(`not a batch size: ${n}`);
  return n;
};

const demo = suite('runDemo: the whole pipeline on embedded defaults, in-process');
let dataDir = '';
let report: DemoReport;

demo.before(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'oms-inventory-sync-demo-test-'));
  report = await run(runDemo(dataDir, size(250)));
});
demo.after(() => rmSync(dataDir, { recursive: true, force: true }));

const quantities = (r: DemoReport, when: 'before' | 'afterHardSync' | 'afterPush') =>
  Object.fromEntries(r.quantities.map((q) => [q.sku, q[when]]));

demo('imports the NetSuite export with the real job: applied, the conflicting duplicate reported', () => {
  assert.equal(
    report.import.files.map((f) => [f.name, f.outcome, f.rowsRead, f.adjusted, f.unchanged, f.rejected]),
    [[demoExportName, 'applied', 5, 2, 1, 2]],
  );
  assert.equal(report.mapping.products, 3);
  assert.equal(report.mapping.mapped, 3);
});

demo('Hard Sync reaches the local Shopify: it holds online ATP, 75 for the worked example', () => {
  assert.equal(quantities(report, 'before'), { 'SKU-100': 70, 'SKU-200': 5, 'SKU-300': 37 });
  assert.equal(Object.fromEntries(report.onlineAtp.map((e) => [e.productId, e.onlineAtp])), {
    'SKU-100': 75,
    'SKU-200': 3,
    'SKU-300': 37,
  });
  assert.equal(quantities(report, 'afterHardSync'), { 'SKU-100': 75, 'SKU-200': 3, 'SKU-300': 37 });
  assert.equal([report.hardSync.products, report.hardSync.lines, report.hardSync.alreadyEqual], [3, 3, 1]);
  // The one already equal costs no call; the two others go in one call, as the domain's batching said.
  assert.equal([report.delta.changes.length, report.batches], [2, 1]);
  assert.equal(
    [report.hardSyncUpload.applied, report.hardSyncUpload.failed, report.hardSyncUpload.calls],
    [2, 0, report.batches],
  );
});

demo('the delta push sends exactly the product the OMS change moved', () => {
  assert.equal([report.sale.productId, report.sale.reservedBefore, report.sale.reservedAfter], ['SKU-300', 0.25, 2.25]);
  assert.equal([report.pushChanges.changedProducts, report.pushChanges.lines, report.pushChanges.unchanged], [1, 1, 0]);
  assert.equal([report.pushUpload.applied, report.pushUpload.calls], [1, 1]);
  assert.equal(quantities(report, 'afterPush'), { 'SKU-100': 75, 'SKU-200': 3, 'SKU-300': 35 });
  assert.is(report.shopifySetCalls, report.hardSyncUpload.calls + report.pushUpload.calls);
  const feed = report.pushChanges.feed;
  assert.ok(feed !== null);
  const lines = readFileSync(join(dataDir, 'outbox', 'archive', feed), 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => JSON.parse(l) as { productId: string; quantity: number });
  assert.equal(
    lines.map((l) => [l.productId, l.quantity]),
    [['SKU-300', 35]],
  );
});

demo('explains the 75 from the store, and Shopify shows 75', () => {
  assert.equal(
    [
      report.explanation.productId,
      report.explanation.sku,
      report.explanation.shopifyAvailable,
      report.explanation.onlineAtp.onlineAtp,
    ],
    ['SKU-100', 'SKU-100', 75, 75],
  );
  const text = formatDemoReport(report);
  const lastSection = text.slice(text.lastIndexOf('\n6. '));
  assert.ok(lastSection.startsWith('\n6. Why does Shopify show 75 for SKU-100?'), lastSection);
  assert.ok(
    lastSection.includes(
      "SKU-100 in SHOPIFY_US: Online ATP 75 = QOH 100 - (reserved 5 + safety stock 5 + threshold 5 + brokering queue 5 + excluded facilities' ATP 5)",
    ),
    lastSection,
  );
  for (const heading of [
    '1. The example',
    '2. NetSuite -> OMS',
    '3. Map products by SKU',
    '4. Online ATP for SHOPIFY_US, then Hard Sync',
    '5. An OMS change',
  ])
    assert.ok(text.includes(`\n${heading}`), heading);
  assert.ok(text.includes(`${demoExportName}: applied - 5 rows read, 2 adjusted, 1 unchanged, 2 rejected`), text);
  assert.ok(text.includes('SKU-100 70 -> 75, SKU-200 5 -> 3, SKU-300 37 -> 37'), text);
  assert.ok(text.includes('SKU-300 37 -> 35'), text);
});

demo('the data dir holds the store, the archived export and the archived feeds', () => {
  assert.equal(readdirSync(join(dataDir, 'inbox', 'archive')), [demoExportName]);
  assert.equal(report.files.archivedExports, [demoExportName]);
  const feeds = readdirSync(join(dataDir, 'outbox', 'archive')).sort();
  assert.equal(feeds, [report.hardSync.feed, report.pushChanges.feed].sort());
  assert.equal(report.files.archivedFeeds, feeds);
  assert.ok(readdirSync(dataDir).includes('inventory.sqlite'));
  assert.equal(
    readdirSync(join(dataDir, 'outbox')).filter((f) => f.endsWith('.jsonl')),
    [],
    'every feed applied',
  );
});

demo('a batch size of 1 makes one call per changed quantity', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'oms-inventory-sync-demo-test-'));
  try {
    const small = await run(runDemo(dir, size(1)));
    assert.equal([small.batches, small.hardSyncUpload.calls, small.delta.changes.length], [2, 2, 2]);
    assert.equal(quantities(small, 'afterPush'), quantities(report, 'afterPush'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

demo('refuses a data dir that already holds files, and leaves them alone', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'oms-inventory-sync-demo-test-'));
  try {
    writeFileSync(join(dir, 'keep.txt'), 'mine');
    const error = await runLeft(runDemo(dir, size(250)));
    assert.equal(error._tag, 'DemoFailed');
    assert.match(JSON.stringify(error), /not empty/);
    assert.equal(readdirSync(dir), ['keep.txt']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

demo.run();
