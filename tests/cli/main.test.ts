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

command('strict arguments: unknown flags, missing values, --flag=value, per-command --help, no arguments', () => {
  const dir = mkdtempSync(join(tmpdir(), 'oms-inventory-sync-cli-args-'));
  try {
    // Nothing may run: every case below is refused or only prints help, so the embedded defaults' folder stays absent.
    const inDir = (...args: string[]) => spawnSync('node', [main, ...args], { encoding: 'utf8', cwd: dir });
    const sampel = inDir('verify', '--facility-group', 'WEB', '--sampel', '1');
    assert.is(sampel.status, 2);
    assert.is(
      sampel.stderr,
      'oms-inventory-sync: verify: unknown flag --sampel (its flags: --facility-group, --sample, --config, --json)\nusage: oms-inventory-sync verify --facility-group ID [--sample N] [--config FILE] [--json]\n',
    );
    const confg = inDir('import', '--confg', 'x.json');
    assert.is(confg.status, 2);
    assert.match(confg.stderr, /import: unknown flag --confg/);
    const missing = inDir('runs', '--limit');
    assert.is(missing.status, 2);
    assert.match(missing.stderr, /runs: --limit needs a value \(--limit N\)/);
    const help = inDir('import', '--help');
    assert.is(help.status, 0);
    assert.ok(help.stdout.startsWith('Usage: oms-inventory-sync import [--config FILE] [--json]'), help.stdout);
    assert.not.match(help.stdout, /Commands:/);
    const none = inDir();
    assert.is(none.status, 2);
    assert.match(none.stderr, /^Usage: oms-inventory-sync <command>/);
    assert.equal(readdirSync(dir), [], 'nothing ran');
    // --flag=value is understood.
    const equals = inDir('runs', '--limit=3', '--job=hard-sync');
    assert.is(equals.status, 0, equals.stderr);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

command('with --json, a failure is one JSON error object on stdout', () => {
  const bad = cli('runs', '--limit', '0', '--json');
  assert.is(bad.status, 2);
  assert.equal(JSON.parse(bad.stdout), {
    error: { message: '--limit must be a whole number from 1, got "0"', exitCode: 2 },
  });
  const unknown = cli('import', '--bogus', '--json');
  assert.is(unknown.status, 2);
  assert.equal((JSON.parse(unknown.stdout) as { error: { exitCode: number } }).error.exitCode, 2);
});

command(
  'a mistyped DATABASE_URL is a configuration error that shows neither the value nor a library option name',
  () => {
    const dir = mkdtempSync(join(tmpdir(), 'oms-inventory-sync-cli-url-'));
    try {
      writeFileSync(join(dir, 'pg.json'), JSON.stringify({ inventoryStore: { postgres: {} } }));
      const out = spawnSync('node', [main, 'runs', '--config', join(dir, 'pg.json')], {
        encoding: 'utf8',
        env: { ...process.env, DATABASE_URL: 'not a url with secret-pw' },
      });
      assert.is(out.status, 2);
      assert.match(out.stderr, /DATABASE_URL: not a PostgreSQL URL/);
      assert.not.match(out.stderr, /clientUrl|secret-pw/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
);

command.run();
