#!/usr/bin/env -S node --max-semi-space-size=1
/**
 * The installed `oms-inventory-sync` command. It checks the Node.js version before anything else is loaded (an
 * older Node would otherwise die on `node:sqlite` or MikroORM with a stack trace), then runs the command line.
 *
 * (The shebang's `--max-semi-space-size=1` keeps V8's young generation at 1 MB: a 1M-row import then peaks near
 * 260-280 MB instead of 400-430 MB for a few percent of speed; `npm run bench:import` measures the command with it.)
 *
 * Its static imports have no imports of their own, so that this file loads on any Node.js.
 *
 * It turns on Node's compile cache (`module.enableCompileCache`, in `<os.tmpdir()>/node-compile-cache`; off with
 * `NODE_DISABLE_COMPILE_CACHE=1`) before the command line is loaded: the compiled code of the few hundred modules a
 * command loads is then read back instead of compiled again, which took a fifth of a second off each start.
 */

import * as nodeModule from 'node:module';
import { MINIMUM_NODE, nodeAtLeast } from './node-version.ts';

if (nodeAtLeast(process.versions.node, MINIMUM_NODE)) {
  // A namespace import: an older Node.js has no such export, and a named import of it would not even load.
  (nodeModule as { enableCompileCache?: () => unknown }).enableCompileCache?.();
  await import('./main.ts');
} else {
  process.stderr.write(
    `oms-inventory-sync: needs Node.js ${MINIMUM_NODE} or newer; this is Node.js ${process.versions.node}\n`,
  );
  process.exitCode = 2;
}
