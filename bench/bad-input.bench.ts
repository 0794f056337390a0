/**
 * Bad-input benchmark: the shipped CLI (`dist/cli/main.js import`, as users run it) on files that must not cost more
 * than their bytes, each in a process of its own, its time and peak RSS (GNU time) printed beside a baseline measured
 * in the same run (`wc -l` reading the same bytes):
 *   - 1 GiB without a line break (the first line is where the header should be: held back at the line limit);
 *   - a header, then 1 GiB less its header in one line (read through, rejected as one too-long row);
 *   - 10,000,000 invalid rows (every quantity `lots`): every row streamed into the error report;
 *   - a 524 MB export with 200-character item names, none known to the store: every row rejected (the report is
 *     larger than V8's longest string, which once ended in `RangeError: Invalid string length`);
 *   - a 2 GB (sparse) file on SFTP (the test sshd): refused from the listing's size, nothing downloaded.
 * and, through `import-events`, an event feed of 1 GiB without a line break and one of 10,000,000 lines that are no JSON.
 * Goal: peak RSS under 300 MB in every case, time linear in the bytes. Files are generated (sparse where that is
 * enough) and deleted after each case.
 *
 *   npm run bench:bad-input      (BENCH_CASES=524,sftp runs the cases whose names contain one of these words)
 */
import { execFileSync, spawnSync } from 'node:child_process';
import {
  chmodSync,
  closeSync,
  createWriteStream,
  ftruncateSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startSshd } from '../tests/support/sshd.ts';

const GiB = 1024 ** 3;
const HEADER = 'Item,externalFacilityId,availableQty,idValue\n';
const NAME = 'inventory-20261122T010000Z.csv';

const work = mkdtempSync(join(tmpdir(), 'oms-inventory-sync-bad-input-bench-'));
const bin = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
chmodSync(bin, 0o755); // as npm makes an installed package's bin

// A file of `size` bytes starting with `head`, the rest a hole (NUL bytes: no line break, valid UTF-8).
const sparse = (path: string, head: string, size: number): void => {
  const fd = openSync(path, 'w');
  if (head !== '') writeSync(fd, head);
  ftruncateSync(fd, size);
  closeSync(fd);
};

const generated = async (path: string, rows: number, row: (i: number) => string, head = HEADER): Promise<void> => {
  const out = createWriteStream(path);
  out.write(head);
  for (let i = 0; i < rows; ) {
    let chunk = '';
    for (const end = Math.min(rows, i + 1_000); i < end; i++) chunk += row(i);
    if (!out.write(chunk)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
  }
  await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
};

const wc = (path: string): number => {
  const start = process.hrtime.bigint();
  execFileSync('wc', ['-l', path]);
  return Number(process.hrtime.bigint() - start) / 1e9;
};

interface FileOutcome {
  readonly outcome: string;
  readonly heldBackBecause?: string;
  // The NetSuite import's counts, or the event import's.
  readonly rowsRead?: number;
  readonly lines?: number;
  readonly rejected: number;
  readonly errorRows?: number;
}

interface Outcome {
  readonly seconds: number;
  readonly peakMb: number;
  readonly status: number | null;
  readonly file: FileOutcome;
}

const cli = (configFile: string, command = 'import'): Outcome => {
  const start = process.hrtime.bigint();
  const run = spawnSync('/usr/bin/time', ['-f', 'peak-rss-kb=%M', bin, command, '--config', configFile, '--json'], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ''}` },
  });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  // 0: done; 3: done, a file held back (which every case here is).
  if (run.status !== 0 && run.status !== 3)
    throw new Error(`oms-inventory-sync import failed (${run.status}): ${run.stderr.slice(-2_000)}`);
  const peakMb = Number(/peak-rss-kb=(\d+)/.exec(run.stderr)?.[1] ?? Number.NaN) / 1024;
  const report = JSON.parse(run.stdout) as { files: FileOutcome[] };
  return { seconds, peakMb, status: run.status, file: report.files[0]! };
};

// BENCH_CASES: words (case-insensitive) of the case names to run; unset, every case.
const WANTED = (process.env.BENCH_CASES ?? '')
  .toLowerCase()
  .split(',')
  .filter((w) => w !== '');
const wanted = (name: string): boolean => WANTED.length === 0 || WANTED.some((w) => name.toLowerCase().includes(w));

const results: string[] = [];
const show = (name: string, bytes: number, outcome: Outcome, baseline: number | null, extra = ''): void => {
  const f = outcome.file;
  results.push(
    [
      `${name}: ${(bytes / 2 ** 20).toFixed(0)} MiB`,
      `  import: ${outcome.seconds.toFixed(2)} s${baseline === null ? '' : ` (wc -l: ${baseline.toFixed(2)} s, ${(outcome.seconds / baseline).toFixed(1)}x)`}, peak RSS ${outcome.peakMb.toFixed(0)} MB ${outcome.peakMb < 300 ? '(< 300 MB)' : '(OVER 300 MB)'}, exit ${outcome.status}`,
      `  ${f.outcome}: ${f.rowsRead === undefined ? `${f.lines} lines, ${f.errorRows} error report rows,` : `${f.rowsRead} rows read,`} ${f.rejected} rejected${f.heldBackBecause === undefined ? '' : ` - ${f.heldBackBecause.slice(0, 160)}`}${extra}`,
    ].join('\n'),
  );
  console.log(results.at(-1));
};

// One case on a local inbox of its own: the file, the import, the report's size; everything deleted after.
const localCase = async (
  name: string,
  make: (path: string) => Promise<void> | void,
  command: 'import' | 'import-events' = 'import',
): Promise<void> => {
  if (!wanted(name)) return;
  const inbox = join(work, 'inbox');
  mkdirSync(inbox, { recursive: true });
  const path = join(inbox, command === 'import' ? NAME : 'wms-feed.jsonl');
  await make(path);
  const bytes = statSync(path).size;
  const baseline = wc(path);
  const configFile = join(work, 'local.json');
  writeFileSync(
    configFile,
    JSON.stringify({
      inventoryStore: { sqlite: { file: join(work, 'inventory.sqlite') } },
      inbox: { local: { root: command === 'import' ? inbox : join(work, 'unused-inbox') } },
      import: { settleMs: 0 },
      importEvents: {
        inbox: { local: { root: command === 'import' ? join(work, 'unused-inbox') : inbox } },
        settleMs: 0,
      },
    }),
  );
  const outcome = cli(configFile, command);
  const reports = readdirSync(join(inbox, 'error')).filter((n) => n.endsWith('.csv') && n !== NAME);
  const reportBytes = reports.reduce((n, r) => n + statSync(join(inbox, 'error', r)).size, 0);
  show(name, bytes, outcome, baseline, `; error report ${(reportBytes / 2 ** 20).toFixed(0)} MiB`);
  rmSync(inbox, { recursive: true, force: true });
};

console.log(
  `node ${process.version}; load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
try {
  await localCase('1 GiB without a line break', (path) => sparse(path, '', GiB));
  await localCase('a header, then one line to 1 GiB', (path) => sparse(path, HEADER, GiB));
  await localCase('10,000,000 invalid rows', (path) =>
    generated(path, 10_000_000, (i) => `ITEM-${i},${101 + (i % 10)},lots,${9_000_000 + i}\n`),
  );
  await localCase('524 MB export, 200-character item names, none known', (path) =>
    generated(path, 2_450_000, (i) => {
      const item = Math.floor(i / 10);
      return `${`ITEM ${item} `.padEnd(200, 'long name ')},${101 + (i % 10)},5,${100_000 + item}\n`;
    }),
  );
  // The event feed import (import-events) on the same kinds of bad input.
  await localCase('event feed: 1 GiB without a line break', (path) => sparse(path, '', GiB), 'import-events');
  await localCase(
    'event feed: 10,000,000 lines that are no JSON',
    (path) => generated(path, 10_000_000, (i) => `{ "eventId": "e-${i}", not json\n`, ''),
    'import-events',
  );

  // 2 GB on SFTP, refused from the listing.
  const sshd = wanted('2 GB (sparse) on SFTP') ? await startSshd() : null;
  if (sshd !== null)
    try {
      const path = join(sshd.root, NAME);
      sparse(path, HEADER, 2 * 10 ** 9);
      const keyFile = join(work, 'id_ed25519');
      writeFileSync(keyFile, sshd.privateKey, { mode: 0o600 });
      const tempDir = join(work, 'sftp-tmp');
      mkdirSync(tempDir, { recursive: true });
      const configFile = join(work, 'sftp.json');
      writeFileSync(
        configFile,
        JSON.stringify({
          inventoryStore: { sqlite: { file: join(work, 'inventory.sqlite') } },
          inbox: {
            sftp: {
              host: sshd.host,
              port: sshd.port,
              username: sshd.username,
              remoteRoot: sshd.root,
              hostKeySha256: sshd.hostKeySha256,
              privateKeyFile: keyFile,
              tempDir,
            },
          },
          import: { settleMs: 0 },
        }),
      );
      const outcome = cli(configFile);
      show('2 GB (sparse) on SFTP', 2 * 10 ** 9, outcome, null, `; local temp copies: ${readdirSync(tempDir).length}`);
    } finally {
      await sshd.stop();
    }
} finally {
  rmSync(work, { recursive: true, force: true });
}
console.log(
  `load average after: ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
