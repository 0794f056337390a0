import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { loadConfig } from '../../src/composition/config.ts';
import { startConsoleCommand } from '../../src/console/command.ts';
import { openJobControl } from '../../src/worker/job-control-live.ts';
import { prefixedDatabase } from '../support/console.ts';

const main = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));
const src = fileURLToPath(new URL('../../src/', import.meta.url));

const Command = suite('console command');

const sqliteConfig = (dir: string) => {
  const c = loadConfig(
    { inventoryStore: { sqlite: { file: join(dir, 'db.sqlite') } }, inbox: { local: { root: join(dir, 'inbox') } } },
    {},
  );
  if (c._tag === 'Left') throw new Error(c.left.problems.join('; '));
  return c.right;
};

Command('without CONSOLE_PASSWORD it does not start (exit code 2)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'oms-console-cmd-'));
  try {
    const started = await startConsoleCommand(
      sqliteConfig(dir),
      { host: '127.0.0.1', port: 0, openJobs: (live, log) => openJobControl(live, { log }) },
      {},
    );
    assert.is(started._tag, 'Left');
    if (started._tag === 'Left') {
      assert.is(started.left.exitCode, 2);
      assert.match(started.left.reason, 'CONSOLE_PASSWORD');
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

Command('on SQLite it serves on 127.0.0.1: sign-in page, security headers; a used port is a usage error', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'oms-console-cmd-'));
  const logged: string[] = [];
  try {
    const started = await startConsoleCommand(
      sqliteConfig(dir),
      { host: '127.0.0.1', port: 0, openJobs: (live, log) => openJobControl(live, { log }) },
      { CONSOLE_PASSWORD: 'pw-cmd-test' },
      (_level, msg, fields) => logged.push(`${msg} ${JSON.stringify(fields)}`),
    );
    if (started._tag === 'Left') throw new Error(started.left.reason);
    try {
      assert.match(started.right.url, /^http:\/\/127\.0\.0\.1:\d+$/);
      const res = await fetch(`${started.right.url}/jobs`, { redirect: 'manual' });
      assert.is(res.status, 302);
      const signIn = await fetch(`${started.right.url}/sign-in`);
      assert.is(signIn.status, 200);
      assert.match(signIn.headers.get('content-security-policy') ?? '', "default-src 'self'");
      const port = Number(new URL(started.right.url).port);
      const again = await startConsoleCommand(
        sqliteConfig(dir),
        { host: '127.0.0.1', port, openJobs: (live, log) => openJobControl(live, { log }) },
        { CONSOLE_PASSWORD: 'pw-cmd-test' },
      );
      assert.is(again._tag, 'Left');
      if (again._tag === 'Left') {
        assert.is(again.left.exitCode, 2);
        assert.match(again.left.reason, 'in use');
      }
    } finally {
      await started.right.stop();
    }
    assert.not.match(logged.join('\n'), 'pw-cmd-test');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

Command(
  "on PostgreSQL it serves with the workers' queue (pg-boss): the Jobs API says schedules are shared",
  async () => {
    const database = await prefixedDatabase('h_cc_cmd_');
    try {
      const c = loadConfig({ inventoryStore: { postgres: {} } }, { DATABASE_URL: database.url });
      if (c._tag === 'Left') throw new Error(c.left.problems.join('; '));
      const started = await startConsoleCommand(
        c.right,
        { host: '127.0.0.1', port: 0, openJobs: (live, log) => openJobControl(live, { log }) },
        { CONSOLE_PASSWORD: 'pw-pg-test' },
        () => undefined,
      );
      if (started._tag === 'Left') throw new Error(started.left.reason);
      try {
        const url = started.right.url;
        const session = await fetch(`${url}/api/session`);
        const cookie = session.headers
          .getSetCookie()
          .map((h) => h.split(';')[0])
          .join('; ');
        const { csrfToken } = (await session.json()) as { csrfToken: string };
        const signIn = await fetch(`${url}/sign-in`, {
          method: 'POST',
          redirect: 'manual',
          headers: { cookie, 'x-csrf-token': csrfToken, 'content-type': 'application/json' },
          body: JSON.stringify({ user: 'operator', password: 'pw-pg-test' }),
        });
        assert.is(signIn.status, 303);
        const sessionCookie = signIn.headers
          .getSetCookie()
          .find((h) => h.startsWith('oms_console_session='))
          ?.split(';')[0];
        assert.ok(sessionCookie);
        const jobs = await fetch(`${url}/api/jobs`, { headers: { cookie: sessionCookie } });
        assert.is(jobs.status, 200);
        assert.is(((await jobs.json()) as { schedulesShared: boolean }).schedulesShared, true);
      } finally {
        await started.right.stop();
      }
    } finally {
      await database.drop();
    }
  },
);

Command(
  'the CLI: `console --port 0` prints its URL, serves, and stops on SIGTERM with exit 0; bad flags exit 2',
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'oms-console-cli-'));
    try {
      writeFileSync(
        join(dir, 'config.json'),
        JSON.stringify({
          inventoryStore: { sqlite: { file: join(dir, 'db.sqlite') } },
          inbox: { local: { root: join(dir, 'inbox') } },
        }),
      );
      const badPort = spawnSync('node', [main, 'console', '--port', '70000'], {
        encoding: 'utf8',
        env: { ...process.env, CONSOLE_PASSWORD: 'x' },
      });
      assert.is(badPort.status, 2);
      assert.match(badPort.stderr, '--port must be a whole number from 0 to 65535');
      const noPassword = spawnSync('node', [main, 'console', '--config', join(dir, 'config.json'), '--port', '0'], {
        encoding: 'utf8',
        env: { ...process.env, CONSOLE_PASSWORD: '', CONSOLE_PASSWORD_HASH: '' },
      });
      assert.is(noPassword.status, 2);
      assert.match(noPassword.stderr, 'CONSOLE_PASSWORD');
      const help = spawnSync('node', [main, 'console', '--help'], { encoding: 'utf8' });
      assert.is(help.status, 0);
      assert.match(help.stdout, 'Usage: oms-inventory-sync console [--host HOST] [--port PORT] [--config FILE]');
      const child = spawn('node', [main, 'console', '--config', join(dir, 'config.json'), '--port', '0'], {
        env: { ...process.env, CONSOLE_PASSWORD: 'pw-cli-test' },
      });
      let out = '';
      let err = '';
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
      });
      child.stderr.on('data', (d: Buffer) => {
        err += d.toString();
      });
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      const deadline = Date.now() + 30_000;
      while (!/console: http:\/\/127\.0\.0\.1:\d+/.test(out) && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 100));
      const url = /console: (http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1];
      assert.ok(url, `${out}\n${err}`);
      assert.is((await fetch(`${url}/sign-in`)).status, 200);
      child.kill('SIGTERM');
      assert.is(await exited, 0);
      assert.not.match(out + err, 'pw-cli-test');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
);

Command(
  'Fastify loads only for the console: no source outside src/console imports it, the CLI only dynamically',
  () => {
    const files = readdirSync(src, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile() && e.name.endsWith('.ts'))
      .map((e) => join(e.parentPath, e.name));
    for (const file of files) {
      if (file.includes(`${join(src, 'console')}/`)) continue;
      const text = readFileSync(file, 'utf8');
      assert.not.match(text, /from '(fastify|@fastify\/[a-z-]+|playwright-core|htmx\.org)'/, file);
      assert.not.match(text, /^import [^(]*from '\.\.\/console\//m, `${file} imports the console statically`);
    }
    assert.match(readFileSync(join(src, 'cli/main.ts'), 'utf8'), "await import('../console/command.ts')");
    assert.not.match(readFileSync(join(src, 'index.ts'), 'utf8'), 'console');
  },
);

Command.run();
