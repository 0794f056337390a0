/**
 * Import benchmark (NetSuite -> OMS): a 1,000,000-row export (100,000 items x 10 locations) on a real local sshd,
 * imported into PostgreSQL that already holds the previous night's 1M positions with 5% of quantities changed.
 * Baseline: `psql \copy` of the same file into a staging table plus one set-based
 * INSERT ... ON CONFLICT DO UPDATE ... WHERE qoh IS DISTINCT FROM. The shipped command and the baseline take turns
 * (BENCH_PAIRS pairs, 3 by default; the store and the baseline's table put back before each run), each pair's ratio
 * printed and their median, so that a busy moment of the shared machine does not decide the ratio. Before them the
 * import job runs once in a child process of its own (import-job.ts) for the time of each phase: the SFTP download,
 * the parse, the read of the stored positions, the diff, the commit.
 * Second case, "first load": the same file through the shipped CLI into an empty store (products and facilities, no
 * positions yet), in a database of its own, against `psql \copy` of the same rows into a staging table plus an
 * INSERT ... SELECT into each of the empty tables the import writes (the positions and their `reset` ledger rows, the
 * store's shape, indexes and all, in one transaction): the goal's baseline, since the import writes through the
 * ledger. The positions-only INSERT is measured too, for reference (what the import wrote before the ledger).
 *
 *   npm run bench:import      (BENCH_CASES=first or BENCH_CASES=changed runs one case only)
 */
import { execFileSync, spawnSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  createWriteStream,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openPostgresInventoryStore } from '../src/adapters/persistence/postgres-inventory-store.ts';
import type { StockLevel } from '../src/domain/index.ts';
import { freshPostgresDatabase } from '../tests/support/postgres.ts';
import { run } from '../tests/support/run.ts';
import { startSshd } from '../tests/support/sshd.ts';

const ITEMS = 100_000;
const LOCATIONS = 10;
const CASES = new Set((process.env.BENCH_CASES ?? 'changed,first').split(','));
const quantity = (i: number, l: number): number => ((i * 7 + l * 13) % 500) + ((i + l) % 20 === 0 ? 0.5 : 0);

// The products and facilities the export names.
const saveCatalogue = async (store: Awaited<ReturnType<typeof openPostgresInventoryStore>>): Promise<void> => {
  await run(
    store.saveFacilities(
      Array.from({ length: LOCATIONS }, (_, l) => ({ facilityId: `FAC_${l}`, externalId: String(101 + l) })),
    ),
  );
  await run(
    store.saveProducts(
      Array.from({ length: ITEMS }, (_, i) => ({ productId: `PROD_${i}`, externalId: String(100000 + i) })),
    ),
  );
};

// The baseline in seconds: `psql \\copy` of the file into a staging table, then `inserts` (SQL reading "staging").
const baseline = (url: string, ...inserts: ReadonlyArray<string>): number => {
  const start = process.hrtime.bigint();
  execFileSync('psql', [
    url,
    '-q',
    '-v',
    'ON_ERROR_STOP=1',
    '-c',
    'create temp table "staging" ("item" text, "location" text, "qty" numeric, "id_value" text)',
    '-c',
    `\\copy "staging" from '${file}' with (format csv, header true)`,
    ...inserts.flatMap((insert) => ['-c', insert]),
  ]);
  return Number(process.hrtime.bigint() - start) / 1e9;
};

const writeExport = async (path: string): Promise<void> => {
  const out = createWriteStream(path);
  out.write('Item,externalFacilityId,availableQty,idValue\r\n');
  for (let i = 0; i < ITEMS; i++) {
    let chunk = '';
    for (let l = 0; l < LOCATIONS; l++)
      chunk += `SKU-${String(i).padStart(7, '0')}-BLUE-M,${101 + l},${quantity(i, l)},${100000 + i}\r\n`;
    if (!out.write(chunk)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
  }
  await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
};

const work = mkdtempSync(join(tmpdir(), 'oms-inventory-sync-import-bench-'));
const file = join(work, 'inventory-2026-11-22T010000Z.csv');
await writeExport(file);
const bytes = statSync(file).size;
const database = await freshPostgresDatabase();
const sshd = await startSshd();
try {
  const keyFile = join(work, 'id_ed25519');
  writeFileSync(keyFile, sshd.privateKey, { mode: 0o600 });
  const configFile = join(work, 'config.json');
  writeFileSync(
    configFile,
    JSON.stringify({
      inventoryStore: { postgres: {} },
      inbox: {
        sftp: {
          host: sshd.host,
          port: sshd.port,
          username: sshd.username,
          remoteRoot: sshd.root,
          hostKeySha256: sshd.hostKeySha256,
          privateKeyFile: keyFile,
        },
      },
      import: { settleMs: 0 },
    }),
  );
  const bin = fileURLToPath(new URL('../dist/cli/bin.js', import.meta.url));
  chmodSync(bin, 0o755); // as npm makes an installed package's bin
  const runCli = (url: string) => {
    copyFileSync(file, join(sshd.root, 'inventory-2026-11-22T010000Z.csv'));
    const cliStart = process.hrtime.bigint();
    const cli = spawnSync(
      '/usr/bin/time',
      ['-f', 'peak-rss-kb=%M cpu-s=%U+%S', bin, 'import', '--config', configFile, '--json'],
      {
        encoding: 'utf8',
        env: { ...process.env, DATABASE_URL: url, PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ''}` },
      },
    );
    const seconds = Number(process.hrtime.bigint() - cliStart) / 1e9;
    if (cli.status !== 0) throw new Error(`oms-inventory-sync import failed: ${cli.stderr}`);
    const peakMb = Number(/peak-rss-kb=(\d+)/.exec(cli.stderr)?.[1] ?? Number.NaN) / 1024;
    const cpu = /cpu-s=([\d.]+)\+([\d.]+)/.exec(cli.stderr);
    return {
      seconds,
      peakMb,
      cpuSeconds: Number(cpu?.[1] ?? Number.NaN) + Number(cpu?.[2] ?? Number.NaN),
      report: JSON.parse(cli.stdout) as { adjusted: number; unchanged: number; rowsRead: number },
    };
  };
  if (CASES.has('changed')) {
    const store = await openPostgresInventoryStore({ url: database.url });
    await store.migrate();
    await saveCatalogue(store);
    // Last night's stock: equal to tonight's file except 5% of positions.
    const previous: StockLevel[] = [];
    for (let i = 0; i < ITEMS; i++) {
      for (let l = 0; l < LOCATIONS; l++) {
        const changed = (i * LOCATIONS + l) % 20 === 7;
        const q = quantity(i, l) + (changed ? 3 : 0);
        previous.push({ productId: `PROD_${i}`, facilityId: `FAC_${l}`, quantityOnHand: q + 2, availableToPromise: q });
      }
    }
    await run(store.saveStockLevels(previous));
    await store.close();
    execFileSync('psql', [
      database.url,
      '-q',
      '-c',
      'create table "baseline_position" as select "product_id", "facility_id", "available_to_promise_scaled" as "qoh" from "inventory_position"',
      '-c',
      'alter table "baseline_position" add primary key ("product_id", "facility_id")',
      '-c',
      'create table "baseline_before" as select * from "baseline_position"',
      '-c',
      'vacuum analyze',
    ]);

    // Baseline: raw SQL on the same file, read from local disk.
    const changedBaseline = (): number =>
      baseline(
        database.url,
        `insert into "baseline_position" ("product_id", "facility_id", "qoh")
           select p."product_id", f."facility_id", round(s."qty" * 100000)::bigint from "staging" s
           join "product" p on p."external_id" = s."id_value" join "facility" f on f."external_id" = s."location"
           on conflict ("product_id", "facility_id") do update set "qoh" = excluded."qoh"
           where "baseline_position"."qoh" is distinct from excluded."qoh"`,
      );

    // Before each timed run (untimed): the store and the baseline's table put back as last night left them (only the
    // rows a run changed are written back), and both vacuumed, so that every run, job or baseline, starts alike.
    const putBack = (): void => {
      execFileSync('psql', [
        database.url,
        '-q',
        '-c',
        'truncate "imported_file", "inventory_variance", "changed_product", "inventory_event", "ledger_head"',
        '-c',
        `update "inventory_position" p set "available_to_promise_scaled" = b."qoh", "quantity_on_hand_scaled" = b."qoh" + 200000
           from "baseline_before" b where p."product_id" = b."product_id" and p."facility_id" = b."facility_id"
           and (p."available_to_promise_scaled" <> b."qoh" or p."quantity_on_hand_scaled" <> b."qoh" + 200000)`,
        '-c',
        `update "baseline_position" p set "qoh" = b."qoh" from "baseline_before" b
           where p."product_id" = b."product_id" and p."facility_id" = b."facility_id" and p."qoh" <> b."qoh"`,
        '-c',
        'vacuum analyze "inventory_position", "baseline_position", "changed_product", "inventory_event", "ledger_head"',
      ]);
    };

    // The job, from the SFTP inbox, in its own process, with the shipped command's V8 flag (a 1 MB young-generation
    // semi-space): once, for the time of each of its phases (see import-job.ts).
    const runJob = (flags: ReadonlyArray<string>) => {
      copyFileSync(file, join(sshd.root, 'inventory-2026-11-22T010000Z.csv'));
      const child = spawnSync(
        process.execPath,
        [...flags, fileURLToPath(new URL('./import-job.ts', import.meta.url))],
        {
          encoding: 'utf8',
          env: {
            ...process.env,
            BENCH_DATABASE_URL: database.url,
            BENCH_SSH: JSON.stringify({
              host: sshd.host,
              port: sshd.port,
              username: sshd.username,
              privateKey: sshd.privateKey,
              hostKeySha256: sshd.hostKeySha256,
              root: sshd.root,
            }),
          },
        },
      );
      if (child.status !== 0) throw new Error(`import job failed: ${child.stderr}`);
      return JSON.parse(child.stdout) as {
        seconds: number;
        peakRssMb: number;
        report: { rowsRead: number; adjusted: number; unchanged: number; rejected: number };
        phasesMs: Record<string, number>;
      };
    };
    putBack();
    const lean = runJob(['--max-semi-space-size=1']);

    // The shipped command as users run it (dist/cli/bin.js, the package's bin, started through its shebang, which passes
    // --max-semi-space-size=1; configured by a file and the environment; GNU time reports its peak RSS) and the
    // baseline, taking turns: a busy moment of the shared machine then falls on both alike, and the ratio is each
    // pair's own, their median the figure.
    const PAIRS = Number(process.env.BENCH_PAIRS ?? 3);
    const pairs: Array<{
      cli: ReturnType<typeof runCli>;
      baselineSeconds: number;
      load: string;
      cliCheckpoints: number;
      baselineCheckpoints: number;
    }> = [];
    // The server's checkpoints so far (any database's, this machine's other work too): the first write of a page
    // after one logs the whole page, so a run with a checkpoint in it writes several times the WAL of one without.
    const checkpoints = (): number =>
      Number(
        execFileSync(
          'psql',
          [database.url, '-Atc', 'select checkpoints_timed + checkpoints_req from pg_stat_bgwriter'],
          { encoding: 'utf8' },
        ).trim(),
      );
    for (let k = 0; k < PAIRS; k++) {
      const load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
      putBack();
      let before = checkpoints();
      const cli = runCli(database.url);
      const cliCheckpoints = checkpoints() - before;
      putBack();
      before = checkpoints();
      const baselineSeconds = changedBaseline();
      pairs.push({ cli, baselineSeconds, load, cliCheckpoints, baselineCheckpoints: checkpoints() - before });
    }

    console.log(
      `node ${process.version}; export: ${(bytes / 2 ** 20).toFixed(1)} MB, ${ITEMS * LOCATIONS} rows; 5% of positions changed since last night`,
    );
    const ms = (n: number | undefined) => (n ?? 0).toFixed(0);
    const p = lean.phasesMs;
    const known = ['open', 'fetch', 'productIdsByExternalId', 'readExport', 'stockLevels', 'commitImport', 'move'];
    const rest = Object.entries(p)
      .filter(([name]) => !known.includes(name))
      .reduce((n, [, v]) => n + v, 0);
    const diffMs = lean.seconds * 1000 - Object.values(p).reduce((n, v) => n + v, 0);
    console.log(
      `import job (SFTP download, parse, diff, commit, archive; --max-semi-space-size=1): ${lean.seconds.toFixed(2)} s, peak RSS ${lean.peakRssMb.toFixed(0)} MB; adjusted ${lean.report.adjusted}, unchanged ${lean.report.unchanged}, rejected ${lean.report.rejected}`,
    );
    console.log(
      `  phases (ms): store open ${ms(p.open)}, download ${ms(p.fetch)}, id maps ${ms((p.productIdsByExternalId ?? 0) + (p.facilityIdsByExternalId ?? 0))}, parse ${ms(p.readExport)}, positions read ${ms(p.stockLevels)}, commit ${ms(p.commitImport)}, archive ${ms(p.move)}, lease and listings ${ms(rest - (p.facilityIdsByExternalId ?? 0))}, diff and the rest ${ms(diffMs)}`,
    );
    for (const [k, pair] of pairs.entries())
      console.log(
        `pair ${k + 1} (load ${pair.load}): oms-inventory-sync import (the shipped command, process start to exit) ${pair.cli.seconds.toFixed(2)} s (CPU ${pair.cli.cpuSeconds.toFixed(2)} s), peak RSS ${pair.cli.peakMb.toFixed(0)} MB, adjusted ${pair.cli.report.adjusted}; baseline (psql \\copy + one INSERT ... ON CONFLICT, local file) ${pair.baselineSeconds.toFixed(2)} s; ratio ${(pair.cli.seconds / pair.baselineSeconds).toFixed(2)}x; server checkpoints during them: ${pair.cliCheckpoints}, ${pair.baselineCheckpoints}`,
      );
    const ratios = pairs.map((pair) => pair.cli.seconds / pair.baselineSeconds).sort((a, b) => a - b);
    const median = ratios[Math.floor(ratios.length / 2)]!;
    console.log(
      `ratio, median of ${pairs.length} pairs: ${median.toFixed(2)}x the baseline (goal <= 1.0x); peak RSS ${Math.min(...pairs.map((x) => x.cli.peakMb)).toFixed(0)}-${Math.max(...pairs.map((x) => x.cli.peakMb)).toFixed(0)} MB (goal < 300 MB)`,
    );
  }

  // First load: an empty store (products and facilities, no positions), a database of its own.
  if (CASES.has('first')) {
    const empty = await freshPostgresDatabase();
    try {
      const fresh = await openPostgresInventoryStore({ url: empty.url });
      await fresh.migrate();
      await saveCatalogue(fresh);
      await fresh.close();
      execFileSync('psql', [
        empty.url,
        '-q',
        '-c',
        'create table "baseline_first" (like "inventory_position" including all)',
        '-c',
        'create table "baseline_ledger_position" (like "inventory_position" including all)',
        '-c',
        'create table "baseline_ledger_event" (like "inventory_event" including all)',
        '-c',
        'vacuum analyze',
      ]);
      const firstBaselineSeconds = baseline(
        empty.url,
        `insert into "baseline_first" ("product_id", "facility_id", "quantity_on_hand_scaled", "available_to_promise_scaled", "updated_at")
             select p."product_id", f."facility_id", round(s."qty" * 100000)::bigint, round(s."qty" * 100000)::bigint, 0 from "staging" s
             join "product" p on p."external_id" = s."id_value" join "facility" f on f."external_id" = s."location"`,
      );
      // The same with the ledger: the positions and one `reset` row each (the columns the import writes), both
      // into empty tables of the store's shape, indexes and all, in one transaction.
      const ledgerBaselineSeconds = baseline(
        empty.url,
        'begin',
        `insert into "baseline_ledger_position" ("product_id", "facility_id", "quantity_on_hand_scaled", "available_to_promise_scaled", "updated_at")
             select p."product_id", f."facility_id", round(s."qty" * 100000)::bigint, round(s."qty" * 100000)::bigint, 0 from "staging" s
             join "product" p on p."external_id" = s."id_value" join "facility" f on f."external_id" = s."location"`,
        `insert into "baseline_ledger_event" ("sequence", "event_id", "type", "product_id", "facility_id", "payload", "changes",
               "recorded_at", "source_file", "run_id", "line", "quantity_on_hand_before_scaled", "quantity_on_hand_after_scaled",
               "available_to_promise_before_scaled", "available_to_promise_after_scaled", "file_quantity_scaled", "created")
             select n, 'reset:import-20261122T010000000Z-000000:000000000000:00000000:' || (n - 1), 'reset', "product_id",
               "facility_id", '', '', 0, 'inventory-2026-11-22T010000Z.csv', 'import-20261122T010000000Z-000000', n + 1,
               0, "q", 0, "q", "q", true
             from (select row_number() over () as n, p."product_id", f."facility_id", round(s."qty" * 100000)::bigint as "q"
               from "staging" s join "product" p on p."external_id" = s."id_value"
               join "facility" f on f."external_id" = s."location") as "rows"`,
        'commit',
      );
      const first = runCli(empty.url);
      const positions = execFileSync('psql', [empty.url, '-Atc', 'select count(*) from "inventory_position"'], {
        encoding: 'utf8',
      }).trim();
      console.log('first load (1M rows into an empty store: products and facilities, no positions):');
      console.log(
        `  baseline, positions only (psql \\copy + one INSERT ... SELECT into an empty positions table; for reference): ${firstBaselineSeconds.toFixed(2)} s, ${Math.round((ITEMS * LOCATIONS) / firstBaselineSeconds).toLocaleString('en')} rows/s`,
      );
      console.log(
        `  baseline (psql \\copy + an INSERT ... SELECT into each empty table the import writes: the positions and one reset row each in the ledger, one transaction): ${ledgerBaselineSeconds.toFixed(2)} s`,
      );
      console.log(
        `  oms-inventory-sync import (the shipped CLI, process start to exit): ${first.seconds.toFixed(2)} s (${(first.seconds / ledgerBaselineSeconds).toFixed(2)}x the baseline, goal <= 1.0x; ${(first.seconds / firstBaselineSeconds).toFixed(2)}x the positions-only INSERT), peak RSS ${first.peakMb.toFixed(0)} MB (goal < 300 MB); adjusted ${first.report.adjusted}, unchanged ${first.report.unchanged}; ${positions} positions after`,
      );
    } finally {
      await empty.drop();
    }
  }
} finally {
  await sshd.stop();
  await database.drop();
  rmSync(work, { recursive: true, force: true });
}
