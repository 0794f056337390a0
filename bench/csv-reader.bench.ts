/**
 * CSV reader benchmark: a 1,000,000-row NetSuite export (100,000 items x 10 locations) read by the reader
 * (`netsuiteExportReader`), by csv-parse alone over the same stream (the straightforward adapter, for the design
 * decision), and by the baseline: a plain `readline` loop that splits each line on commas and calls `Number`, without
 * quotes, checks or problems. Every contender stores its rows in the same columnar table the reader returns, so the
 * figures compare reading, not storage. Two files: as NetSuite prints by default (quotes only where needed) and with
 * every field quoted. Each run is a child process of its own, so its peak RSS is its own; best of 3 after one warm-up.
 *
 *   node bench/csv-reader.bench.ts            # 1,000,000 rows
 *   node bench/csv-reader.bench.ts 200000     # fewer rows
 */
import { execFileSync } from 'node:child_process';
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse';
import { netsuiteExportReader } from '../src/adapters/csv/netsuite-export-reader.ts';
import { exportRowsBuilder } from '../src/application/columnar.ts';
import { DEFAULT_EXPORT_COLUMNS } from '../src/application/inventory-export.ts';

const CONTENDERS = ['reader', 'csv-parse', 'baseline'] as const;
type Contender = (typeof CONTENDERS)[number];

// One child run: reads the file, prints {seconds, rows, problems, peakRssMb}.
const child = async (contender: Contender, path: string): Promise<void> => {
  const started = performance.now();
  let rows = 0;
  let problems = 0;
  if (contender === 'reader') {
    const result = await netsuiteExportReader().readExport(path, 'bench.csv', {
      columns: DEFAULT_EXPORT_COLUMNS,
      maxBytes: 2 ** 31,
    })();
    if (result._tag === 'Left') throw new Error(JSON.stringify(result.left));
    rows = result.right.rows.length;
    problems = result.right.problems.length;
  } else if (contender === 'csv-parse') {
    // csv-parse on its own: `info` for the line where each record starts, the header read by csv-parse too.
    const table = exportRowsBuilder();
    const parser = createReadStream(path, { highWaterMark: 1 << 16 }).pipe(
      parse({ bom: true, info: true, relax_quotes: true, relax_column_count: true, skip_empty_lines: true }),
    );
    let header: string[] | undefined;
    for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      if (header === undefined) {
        header = record.map((f) => f.trim());
        continue;
      }
      table.add({
        line: info.lines,
        item: record[0]!.trim(),
        location: record[1]!.trim(),
        quantity: Number(record[2]!.replace(/,/g, '')),
        itemInternalId: record[3]!.trim(),
      });
    }
    rows = table.build().length;
  } else {
    // The baseline: what one writes first, and is wrong on any quoted field.
    const table = exportRowsBuilder();
    let line = 0;
    for await (const text of createInterface({ input: createReadStream(path), crlfDelay: Infinity })) {
      line++;
      if (line === 1) continue;
      const f = text.split(',');
      table.add({ line, item: f[0]!, location: f[1]!, quantity: Number(f[2]), itemInternalId: f[3]! });
    }
    rows = table.build().length;
  }
  const seconds = (performance.now() - started) / 1000;
  process.stdout.write(JSON.stringify({ seconds, rows, problems, peakRssMb: process.resourceUsage().maxRSS / 1024 }));
};

const writeExport = async (path: string, rows: number, quoteAll: boolean): Promise<void> => {
  const out = createWriteStream(path);
  const q = (s: string) => (quoteAll ? `"${s}"` : s);
  out.write(`\ufeff${['Item', 'externalFacilityId', 'availableQty', 'idValue'].map(q).join(',')}\r\n`);
  const items = Math.ceil(rows / 10);
  let written = 0;
  for (let i = 0; i < items && written < rows; i++) {
    let chunk = '';
    for (let l = 0; l < 10 && written < rows; l++, written++) {
      const quantity = (i * 7 + l * 13) % 500;
      // Quoted throughout, NetSuite also groups thousands and prints decimals.
      const printed = quoteAll && l === 0 ? (quantity * 10.25).toLocaleString('en-US') : String(quantity);
      chunk += `${q(`SKU-${String(i).padStart(7, '0')}-BLUE-M`)},${q(String(101 + l))},${q(printed)},${q(String(100000 + i))}\r\n`;
    }
    if (!out.write(chunk)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
  }
  await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
};

interface Measured {
  readonly seconds: number;
  readonly rows: number;
  readonly problems: number;
  readonly peakRssMb: number;
}

const measure = (contender: Contender, path: string): Measured => {
  const runOnce = (): Measured =>
    JSON.parse(
      execFileSync(process.execPath, [fileURLToPath(import.meta.url), '--child', contender, path], {
        encoding: 'utf8',
        maxBuffer: 1 << 20,
      }),
    ) as Measured;
  runOnce(); // warm-up: the file in the page cache
  const runs = [runOnce(), runOnce(), runOnce()];
  return runs.reduce((best, r) => (r.seconds < best.seconds ? r : best));
};

if (process.argv[2] === '--child') {
  await child(process.argv[3] as Contender, process.argv[4]!);
} else {
  const rows = Number(process.argv[2] ?? 1_000_000);
  const work = mkdtempSync(join(tmpdir(), 'oms-inventory-sync-csv-bench-'));
  try {
    console.log(
      `node ${process.version}; best of 3 runs, each in its own process; rows stored in the same columnar table by every contender`,
    );
    for (const quoteAll of [false, true]) {
      const path = join(work, quoteAll ? 'quoted.csv' : 'plain.csv');
      await writeExport(path, rows, quoteAll);
      const mb = statSync(path).size / 2 ** 20;
      console.log(
        `\n${quoteAll ? 'every field quoted' : 'quotes only where needed'}: ${rows.toLocaleString('en')} rows, ${mb.toFixed(1)} MB`,
      );
      const results = new Map(CONTENDERS.map((c) => [c, measure(c, path)] as const));
      const baseline = results.get('baseline')!;
      for (const [contender, r] of results) {
        if (r.rows !== rows && contender !== 'baseline')
          throw new Error(`${contender} read ${r.rows} rows, ${r.problems} problems`);
        console.log(
          `  ${contender.padEnd(10)} ${r.seconds.toFixed(2).padStart(6)} s  ${Math.round(rows / r.seconds)
            .toLocaleString('en')
            .padStart(
              10,
            )} rows/s  peak RSS ${r.peakRssMb.toFixed(0).padStart(4)} MB  ${(r.seconds / baseline.seconds).toFixed(2)}x baseline`,
        );
      }
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
