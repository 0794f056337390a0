// The installed command's launcher: on a Node.js older than the dependencies need, one line and exit 2; otherwise the
// command line itself.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { MINIMUM_NODE, nodeAtLeast } from '../../src/cli/node-version.ts';

const bin = fileURLToPath(new URL('../../src/cli/bin.ts', import.meta.url));
const launcher = suite('the installed command');

launcher('runs the command line on this Node.js', () => {
  const { status, stdout } = spawnSync(process.execPath, [bin, 'help'], { encoding: 'utf8' });
  assert.is(status, 0);
  assert.ok(stdout.startsWith('Usage: oms-inventory-sync <command>'), stdout);
});

launcher("turns on Node's compile cache, in the temp folder, before the command line loads", () => {
  const tmp = mkdtempSync(join(tmpdir(), 'oms-inventory-sync-bin-'));
  try {
    const { NODE_COMPILE_CACHE: _set, NODE_DISABLE_COMPILE_CACHE: _off, ...env } = process.env;
    const { status } = spawnSync(process.execPath, [bin, 'help'], { encoding: 'utf8', env: { ...env, TMPDIR: tmp } });
    assert.is(status, 0);
    const cache = join(tmp, 'node-compile-cache');
    assert.ok(existsSync(cache), 'no node-compile-cache in the temp folder');
    // The command line's modules are in it (one folder per Node.js version and cache format, its entries inside).
    const entries = readdirSync(cache, { recursive: true });
    assert.ok(entries.length > 20, `${entries.length} entries`);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});

// The machine's own Node.js (Debian's /usr/bin/node, 20 here) stands for an older install. Node 20 cannot strip
// types, so it runs the built launcher (npm test builds dist first).
const oldNode = ['/usr/bin/node', '/usr/local/bin/node'].find((path) => {
  if (!existsSync(path)) return false;
  const v = spawnSync(path, ['-p', 'process.versions.node'], { encoding: 'utf8' }).stdout.trim();
  return v !== '' && !nodeAtLeast(v, MINIMUM_NODE);
});
const built = fileURLToPath(new URL('../../dist/cli/bin.js', import.meta.url));

launcher('on an older Node.js: one line naming both versions, exit 2, no stack trace', () => {
  if (oldNode === undefined || !existsSync(built)) {
    console.warn('  (no Node.js older than %s on this machine, or dist not built: not tried)', MINIMUM_NODE);
    return;
  }
  const { status, stdout, stderr } = spawnSync(oldNode, [built, 'help'], { encoding: 'utf8' });
  assert.is(status, 2);
  assert.is(stdout, '');
  assert.match(
    stderr,
    new RegExp(
      `^oms-inventory-sync: needs Node\\.js ${MINIMUM_NODE.replace(/\./g, '\\.')} or newer; this is Node\\.js 2\\d\\.`,
    ),
  );
  assert.is(stderr.trim().split('\n').length, 1, stderr);
});

launcher.run();
