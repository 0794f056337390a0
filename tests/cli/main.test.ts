import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';

const main = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));
const cli = (...args: string[]) => spawnSync('node', [main, ...args], { encoding: 'utf8' });

const command = suite('oms-inventory-sync command');

command('demo explains the worked example: 75', () => {
  const { status, stdout } = cli('demo');
  assert.is(status, 0);
  assert.ok(stdout.includes("Online ATP 75 = QOH 100 - (reserved 5 + safety stock 5 + threshold 5 + brokering queue 5 + excluded facilities' ATP 5)"), stdout);
  assert.ok(stdout.includes('held back SKU-300 @ WAREHOUSE_NJ: conflicting-duplicate'), stdout);
});

command('demo --json is the report as data', () => {
  const { status, stdout } = cli('demo', '--json', '--batch-size', '1');
  assert.is(status, 0);
  const report = JSON.parse(stdout) as { delta: { changes: unknown[] }; batches: number };
  assert.is(report.batches, report.delta.changes.length);
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
