import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { localRowSpools } from '../../../src/adapters/local-files/row-spool.ts';
import type { RejectedRow } from '../../../src/application/import-inventory.ts';
import { run, runLeft } from '../../support/run.ts';

const collect = async (rows: AsyncIterable<RejectedRow>): Promise<RejectedRow[]> => {
  const out: RejectedRow[] = [];
  for await (const row of rows) out.push(row);
  return out;
};

const test = suite('localRowSpools');
const dir = mkdtempSync(join(tmpdir(), 'oms-inventory-sync-spool-test-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

test('gives back every row added, in order, as often as asked; leaves no file in its folder', async () => {
  const spool = await run(localRowSpools({ tempDir: dir }).openRowSpool());
  assert.equal(readdirSync(dir), [], 'removed as soon as it is opened');
  const rows: RejectedRow[] = Array.from({ length: 50_000 }, (_, i) => ({
    line: i + 2,
    field: i % 3 === 0 ? '' : 'quantity',
    reason: i % 5 === 0 ? `odd "text"\nwith a break, and é ${'x'.repeat(i % 100)}` : `not a number: '${i}'`,
  }));
  for (const row of rows.slice(0, 20_000)) spool.add(row);
  assert.equal(await collect(spool.rows()), rows.slice(0, 20_000), 'what was added so far');
  for (const row of rows.slice(20_000)) spool.add(row);
  assert.is(spool.count(), 50_000);
  assert.equal(await collect(spool.rows()), rows);
  await spool.release();
  await spool.release();
  assert.equal(readdirSync(dir), []);
});

test('a spool that cannot be made is a FileStoreFailed naming the folder', async () => {
  const missing = join(dir, 'no-such-folder');
  const failed = await runLeft(localRowSpools({ tempDir: missing }).openRowSpool());
  assert.equal([failed._tag, failed._tag === 'FileStoreFailed' && failed.path], ['FileStoreFailed', missing]);
});

test.run();
