import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { RunDetail } from '../../../src/composition/job-control.ts';
import { isPlainFileName, registerRunPages } from '../../../src/console/pages/runs.ts';
import { consoleClient } from '../../support/console-client.ts';
import { doubleDeps, NOW } from '../../support/console-deps.ts';

const failedImport: RunDetail = {
  run: {
    runId: 'import-1',
    job: 'import',
    parameters: {},
    worker: 'w1',
    startedAt: new Date(NOW.getTime() - 3000),
    finishedAt: NOW,
    outcome: 'failed',
    leaseUntil: null,
    counts: { rowsRead: 3, rejected: 1 },
    error: 'CsvHeaderInvalid: missing column <availableQty>',
    trigger: 'schedule',
    progress: null,
  },
  report: {
    counts: { rowsRead: 3, rejected: 1 },
    files: [
      {
        name: 'a.csv',
        outcome: 'held-back',
        rowsRead: 3,
        applied: 2,
        rejected: 1,
        errorFile: 'a.csv.rejected-rows.csv',
      },
    ],
    rejectedRows: [{ file: 'a.csv', line: 4, field: 'availableQty', reason: "not a number: '<b>'" }],
    rejectedRowsTotal: 1,
    refusedLines: [
      {
        feed: 'f.jsonl',
        line: 2,
        productId: 'SKU-1',
        inventoryItemId: 'gid://shopify/InventoryItem/1',
        code: 'INVALID_LOCATION',
        message: 'gone',
      },
    ],
    refusedLinesTotal: 1,
    attention: true,
    text: 'Import inventory: 1 file',
  },
  rerunnable: true,
};

const Runs = suite('Run page');

Runs(
  'the report: files with the error file link, each rejected row, refused lines with codes, the failure reason, Re-run',
  async () => {
    const { deps, jobs } = doubleDeps();
    jobs.runs.set('import-1', failedImport);
    const client = await consoleClient(deps, [registerRunPages]);
    const page = await client.get('/runs/import-1');
    assert.is(page.statusCode, 200);
    assert.match(page.body, '<span class="badge failed">failed</span>');
    assert.match(page.body, 'CsvHeaderInvalid: missing column &lt;availableQty&gt;');
    assert.match(page.body, 'href="/runs/import-1/error-file?file=a.csv.rejected-rows.csv"');
    assert.match(page.body, '<td class="num">4</td><td>availableQty</td><td>not a number: &#39;&lt;b&gt;&#39;</td>');
    assert.match(page.body, '<code>INVALID_LOCATION</code>');
    assert.match(page.body, 'action="/runs/import-1/rerun"');
    assert.not.match(page.body, 'hx-trigger="every 2s"', 'an ended run is not polled');
    const rerun = await client.post('/runs/import-1/rerun');
    assert.is(rerun.statusCode, 303);
    assert.is(rerun.headers.location, '/pipeline?job=import&queued=1');
    assert.equal(jobs.calls.at(-1), { method: 'rerun', args: ['import-1', 'ops'] });
    assert.is((await client.post('/runs/import-1/rerun', {}, false)).statusCode, 403);
    await client.close();
  },
);

Runs('a running run polls its facts; the fragment asks for a reload once it ended', async () => {
  const { deps, jobs } = doubleDeps();
  jobs.runs.set('import-1', { ...failedImport, run: { ...failedImport.run, outcome: 'running', finishedAt: null } });
  const client = await consoleClient(deps, [registerRunPages]);
  assert.match((await client.get('/runs/import-1')).body, 'hx-get="/runs/import-1/facts" hx-trigger="every 2s"');
  jobs.runs.set('import-1', failedImport);
  const facts = await client.get('/runs/import-1/facts');
  assert.is(facts.headers['hx-refresh'], 'true');
  await client.close();
});

Runs('the error file downloads as an attachment; other names and unknown runs are refused', async () => {
  const { deps, jobs } = doubleDeps();
  jobs.runs.set('import-1', failedImport);
  jobs.errorFiles.set('import-1|a.csv.rejected-rows.csv', 'line,field,reason\n4,availableQty,not a number\n');
  const client = await consoleClient(deps, [registerRunPages]);
  const file = await client.get('/runs/import-1/error-file?file=a.csv.rejected-rows.csv');
  assert.is(file.statusCode, 200);
  assert.match(String(file.headers['content-disposition']), 'attachment; filename="a.csv.rejected-rows.csv"');
  assert.match(file.body, '4,availableQty,not a number');
  assert.is((await client.get('/runs/import-1/error-file?file=..%2F..%2Fetc%2Fpasswd')).statusCode, 400);
  assert.is((await client.get('/runs/import-1/error-file?file=other.csv')).statusCode, 404);
  assert.is((await client.get('/runs/nope')).statusCode, 404);
  assert.is((await client.get('/runs/%3Cscript%3E')).statusCode, 400);
  const json = await client.get('/api/runs/import-1');
  assert.is((json.json() as RunDetail).report?.rejectedRowsTotal, 1);
  await client.close();
});

Runs('isPlainFileName: a name, never a path', () => {
  assert.ok(isPlainFileName('inventory-1.csv.rejected-rows.csv'));
  for (const bad of ['', '.', '..', 'a/b', 'a\\b', 'a\u0000b', 'x'.repeat(256), 42])
    assert.is(isPlainFileName(bad), false);
});

Runs.run();
