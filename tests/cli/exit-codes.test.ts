// The exit codes of the README's table, each from the real command against real parts: an SFTP server (the test
// sshd) with a wrong pinned host key is for a person to fix (2); a server that is down is worth retrying (1).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { startSshd, type SshServer } from '../support/sshd.ts';

const main = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));
const codes = suite('exit codes against real parts');
let sshd: SshServer;
let dir = '';

codes.before(async () => {
  sshd = await startSshd();
  dir = mkdtempSync(join(tmpdir(), 'oms-inventory-sync-exit-codes-'));
});
codes.after(async () => {
  await sshd.stop();
  rmSync(dir, { recursive: true, force: true });
});

const importWith = (sftp: Record<string, unknown>) => {
  const config = join(dir, `config-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(
    config,
    JSON.stringify({
      inventoryStore: { sqlite: { file: join(dir, 'db.sqlite') } },
      inbox: { sftp: { host: sshd.host, username: sshd.username, remoteRoot: sshd.root, ...sftp } },
      import: { settleMs: 0 },
    }),
  );
  return spawnSync('node', [main, 'import', '--config', config], {
    encoding: 'utf8',
    env: { ...process.env, SFTP_PRIVATE_KEY: sshd.privateKey },
  });
};

codes('an SFTP host key other than the pinned one: exit 2, a sentence naming the server, no JSON', () => {
  const wrong = `SHA256:${'A'.repeat(43)}`;
  const out = importWith({ port: sshd.port, hostKeySha256: wrong });
  assert.is(out.status, 2, out.stderr);
  // stderr: the job's JSON log lines, then the failure as one sentence.
  const said = out.stderr.split('\n').filter((l) => l.startsWith('oms-inventory-sync: '));
  assert.is(said.length, 1, out.stderr);
  assert.match(said[0]!, /did not show the pinned host key/);
  assert.not.match(said[0]!, /_tag|HostKeyMismatch|\{/);
  assert.not.match(out.stderr + out.stdout, /BEGIN OPENSSH PRIVATE KEY/);
});

codes('the right host key: the import runs (exit 0, an empty inbox)', () => {
  const out = importWith({ port: sshd.port, hostKeySha256: sshd.hostKeySha256 });
  assert.is(out.status, 0, out.stderr);
});

codes('an SFTP server that does not answer: exit 1, worth retrying', () => {
  // A port nothing listens on: the sshd's port + 1 is free in practice; a refused connection is what is wanted.
  const out = importWith({ port: 1, hostKeySha256: sshd.hostKeySha256 });
  assert.is(out.status, 1, out.stderr);
  assert.match(out.stderr, /not reachable/);
});

codes.run();
