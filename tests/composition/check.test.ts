import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { checkExitCode, runChecks, type CheckLine } from '../../src/composition/check.ts';
import { DATABASE_URL } from '../support/postgres.ts';

const checks = suite('runChecks and checkExitCode');

const line = (status: CheckLine['status'], kind?: CheckLine['kind']): CheckLine => ({
  check: 'x',
  status,
  detail: '',
  ...(kind === undefined ? {} : { kind }),
});

checks('exit 0 when nothing failed (not configured passes), 2 for a configuration failure, else 1', () => {
  assert.is(checkExitCode([line('ok'), line('not configured')]), 0);
  assert.is(checkExitCode([line('ok'), line('failed', 'unavailable')]), 1);
  assert.is(checkExitCode([line('failed', 'unavailable'), line('failed', 'configuration')]), 2);
});

checks('an invalid settings file: the configuration line says why, nothing else is checked', async () => {
  const lines = await runChecks({ inventoryStore: { sqlite: {} }, bogus: 1 }, {});
  assert.equal(
    lines.map((l) => [l.check, l.status]),
    [
      ['configuration', 'failed'],
      ['the rest', 'not checked'],
    ],
  );
  assert.match(lines[0]!.detail, /bogus: unknown key/);
});

checks(
  'PostgreSQL: without DATABASE_URL its own line fails; with it, a fresh database is reachable but not migrated',
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'oms-check-unit-'));
    try {
      const settings = { inventoryStore: { postgres: {} }, inbox: { local: { root: dir } } };
      const without = await runChecks(settings, {});
      assert.match(without.find((l) => l.check === 'database')!.detail, /DATABASE_URL is not set/);
      assert.is(without.find((l) => l.check === 'inbox')?.status, 'ok', 'the inbox checked all the same');
      const unreachable = await runChecks(settings, { DATABASE_URL: 'postgres://postgres:s3cret-pw@127.0.0.1:9/none' });
      const database = unreachable.find((l) => l.check === 'database')!;
      assert.equal([database.status, database.kind], ['failed', 'unavailable']);
      assert.not.match(database.detail, /s3cret-pw/);
      assert.is(checkExitCode(unreachable), 1);
      const name = `oms_check_${process.pid}_${Date.now()}`;
      const pg = (await import('pg')).default;
      const admin = new pg.Client({ connectionString: DATABASE_URL });
      await admin.connect();
      try {
        await admin.query(`create database ${name}`);
        const url = new URL(DATABASE_URL);
        url.pathname = `/${name}`;
        const missing = new URL(url.href);
        missing.pathname = `/${name}_typo`;
        const typo = await runChecks(settings, { DATABASE_URL: missing.href });
        const line = typo.find((l) => l.check === 'database')!;
        assert.equal([line.status, line.kind], ['failed', 'configuration']);
        assert.match(line.detail, /does not exist/);
        assert.is(checkExitCode(typo), 2, 'a mistyped database is for a person to fix');
        const fresh = await runChecks(settings, { DATABASE_URL: url.href });
        assert.match(
          fresh.find((l) => l.check === 'database')!.detail,
          /reachable but not migrated: \d+ steps? pending/,
        );
      } finally {
        await admin.query(`drop database if exists ${name} with (force)`);
        await admin.end();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
);

checks.run();
