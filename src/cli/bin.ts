#!/usr/bin/env -S node --max-semi-space-size=1
/**
 * The installed `oms-inventory-sync` command. It checks the Node.js version before anything else is loaded (an
 * older Node would otherwise die on `node:sqlite` or MikroORM with a stack trace), then runs the command line.
 *
 * (The shebang's `--max-semi-space-size=1` keeps V8's young generation at 1 MB: a 1M-row import then peaks near
 * 280 MB instead of 430 MB for a few percent of speed; `npm run bench:import` measures both.)
 *
 * Its one static import has no imports of its own, so that this file loads on any Node.js.
 */

import { MINIMUM_NODE, nodeAtLeast } from './node-version.ts';

if (nodeAtLeast(process.versions.node, MINIMUM_NODE)) await import('./main.ts');
else {
  process.stderr.write(
    `oms-inventory-sync: needs Node.js ${MINIMUM_NODE} or newer; this is Node.js ${process.versions.node}\n`,
  );
  process.exitCode = 2;
}
