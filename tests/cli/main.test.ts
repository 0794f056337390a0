import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';

const main = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));
const cli = (...args: string[]) => spawnSync('node', [main, ...args], { encoding: 'utf8' });

const command = suite('oms-inventory-sync command');

command('demo explains the worked example: 75', () => {
  const { status, stdout } = cli('demo');
  assert.is(status, 0);
  assert.ok(
    stdout.includes(
      "Online ATP 75 = QOH 100 - (reserved 5 + safety stock 5 + threshold 5 + brokering queue 5 + excluded facilities' ATP 5)",
    ),
    stdout,
  );
  assert.ok(
    stdout.includes('inventory-20261122T010000Z.csv: applied - 5 rows read, 2 adjusted, 1 unchanged, 2 rejected'),
    stdout,
  );
  assert.ok(
    stdout.includes('line 5, availableQty: conflicting duplicate: product SKU-300 at facility WAREHOUSE_NJ'),
    stdout,
  );
});

command('demo without --data-dir works in a temporary folder and leaves nothing behind', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'oms-inventory-sync-tmpdir-'));
  try {
    const { status, stdout } = spawnSync('node', [main, 'demo'], {
      encoding: 'utf8',
      env: { ...process.env, TMPDIR: tmp },
    });
    assert.is(status, 0);
    assert.ok(stdout.includes('data: a temporary folder, removed afterwards'), stdout);
    assert.equal(readdirSync(tmp), []);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});

command('demo --json is the report as data', () => {
  const { status, stdout } = cli('demo', '--json', '--batch-size', '1');
  assert.is(status, 0);
  const report = JSON.parse(stdout) as { delta: { changes: unknown[] }; batches: number };
  assert.is(report.batches, report.delta.changes.length);
});

command('import runs the job on a configured inbox and store, and reports held-back files with exit code 3', () => {
  const dir = mkdtempSync(join(tmpdir(), 'oms-inventory-sync-cli-'));
  try {
    mkdirSync(join(dir, 'inbox'));
    writeFileSync(join(dir, 'inbox', 'a.csv'), 'Item,externalFacilityId,availableQty,idValue\nX,1,oops,9\n');
    writeFileSync(
      join(dir, 'config.json'),
      JSON.stringify({
        inventoryStore: { sqlite: { file: join(dir, 'db.sqlite') } },
        inbox: { local: { root: join(dir, 'inbox') } },
        import: { settleMs: 0 },
      }),
    );
    const { status, stdout } = cli('import', '--config', join(dir, 'config.json'), '--json');
    assert.is(status, 3);
    const report = JSON.parse(stdout) as { files: { name: string; outcome: string }[] };
    assert.equal(
      report.files.map((f) => [f.name, f.outcome]),
      [['a.csv', 'held-back']],
    );
    const bad = cli('import', '--config', join(dir, 'config.json').replace('config.json', 'missing.json'));
    assert.is(bad.status, 2);
    writeFileSync(join(dir, 'bad.json'), JSON.stringify({ import: { method: 'nope' } }));
    const invalid = cli('import', '--config', join(dir, 'bad.json'));
    assert.is(invalid.status, 2);
    assert.match(invalid.stderr, /import\.method/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

command('a bad option or command is a usage error with exit code 2', () => {
  const bad = cli('demo', '--batch-size', '0');
  assert.is(bad.status, 2);
  assert.ok(bad.stderr.includes('--batch-size must be a whole number from 1, got "0"'), bad.stderr);
  const unknown = cli('frobnicate');
  assert.is(unknown.status, 2);
  assert.ok(unknown.stderr.includes("unknown command 'frobnicate'"));
});

command.run();
