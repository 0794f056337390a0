import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { RejectedRow } from '../../src/application/import-inventory.ts';
import {
  allRejections,
  errorReport,
  errorReportPieces,
  fromIterable,
  mergeByLine,
  noRejections,
  REJECTED_ROWS_SAMPLE,
} from '../../src/application/rejected-rows.ts';

const rowAt = (line: number, reason = `r${line}`, field = 'f'): RejectedRow => ({ line, field, reason });
const collect = async <A>(items: AsyncIterable<A>): Promise<A[]> => {
  const out: A[] = [];
  for await (const item of items) out.push(item);
  return out;
};

const merge = suite('mergeByLine');

merge('merges sources in line order; on one line the earlier source first; empty sources are fine', async () => {
  const merged = await collect(
    mergeByLine([
      fromIterable([rowAt(2, 'a'), rowAt(5, 'a'), rowAt(9, 'a')]),
      fromIterable<RejectedRow>([]),
      fromIterable([rowAt(1, 'c'), rowAt(5, 'c'), rowAt(5, 'c2'), rowAt(10, 'c')]),
    ]),
  );
  assert.equal(
    merged.map((r) => `${r.line}${r.reason}`),
    ['1c', '2a', '5a', '5c', '5c2', '9a', '10c'],
  );
  assert.equal(await collect(mergeByLine([])), []);
});

merge.run();

const all = suite('allRejections');

all('counts every source, samples the first rows by line, and reads each source once when written', async () => {
  let reads = 0;
  const source = (lines: ReadonlyArray<number>, tag: string) => ({
    count: lines.length,
    sample: lines.slice(0, REJECTED_ROWS_SAMPLE).map((l) => rowAt(l, tag)),
    rows: () => {
      reads++;
      return fromIterable(lines.map((l) => rowAt(l, tag)));
    },
  });
  const odd = Array.from({ length: 30 }, (_, i) => 2 * i + 1);
  const even = Array.from({ length: 30 }, (_, i) => 2 * i + 2);
  const joined = allRejections([source(odd, 'odd'), noRejections, source(even, 'even')]);
  assert.is(joined.count, 60);
  assert.equal(
    joined.sample.map((r) => r.line),
    Array.from({ length: REJECTED_ROWS_SAMPLE }, (_, i) => i + 1),
  );
  assert.is(reads, 0, 'nothing read before the report is written');
  const rows = await collect(joined.rows());
  assert.equal(
    rows.map((r) => r.line),
    Array.from({ length: 60 }, (_, i) => i + 1),
  );
  assert.is(reads, 2);
});

all.run();

const pieces = suite('errorReportPieces');

pieces('the same text as errorReport, in pieces of about 16 KiB', async () => {
  const rows = Array.from({ length: 2_500 }, (_, i) =>
    rowAt(i + 2, i % 7 === 0 ? 'a "quoted", reason\nsplit' : 'plain'),
  );
  for (const because of [undefined, 'a broken export']) {
    const parts = await collect(errorReportPieces('f,1.csv', because, fromIterable(rows)));
    assert.is(parts.join(''), errorReport('f,1.csv', because, rows));
    assert.ok(parts.length > 3, `${parts.length} pieces`);
    assert.ok(
      parts.every((p) => p.length < 17 * 1024),
      'none much over 16 KiB',
    );
  }
  assert.equal(await collect(errorReportPieces('f.csv', undefined, fromIterable([]))), ['file,line,field,reason\n']);
  assert.is(errorReport('f.csv', 'too large', []), 'file,line,field,reason\nf.csv,,,file held back: too large\n');
});

pieces.run();
