import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { fileURLToPath } from 'node:url';
import { checkLayers, importSpecifiers, layerViolations } from '../scripts/check-layers.ts';

const layers = suite('layer rules');

layers('finds static, re-export, side-effect, dynamic and multi-line imports, and skips comments', () => {
  const source = [
    "import * as t from 'io-ts';",
    'import {',
    '  a,',
    "} from './a.ts';",
    "export { b } from '../adapters/x.ts';",
    "import 'node:fs';",
    "// import { c } from 'ssh2-sftp-client';",
    "const d = await import('pg');",
  ].join('\n');
  assert.equal(importSpecifiers(source), [
    { specifier: 'io-ts', line: 1 },
    { specifier: './a.ts', line: 2 },
    { specifier: '../adapters/x.ts', line: 5 },
    { specifier: 'node:fs', line: 6 },
    { specifier: 'pg', line: 8 },
  ]);
});

layers('a domain file importing beyond fp-ts, io-ts and itself fails', () => {
  assert.equal(
    layerViolations('src/domain/x.ts', "import { a } from './y.ts';\nimport { pipe } from 'fp-ts/lib/function.js';")
      .length,
    0,
  );
  for (const bad of [
    "import { readFile } from 'node:fs';",
    "import { x } from '../application/y.ts';",
    "import fc from 'fast-check';",
  ]) {
    assert.is(layerViolations('src/domain/x.ts', bad).length, 1, bad);
  }
});

layers('an application file importing an adapter or a client fails', () => {
  assert.equal(
    layerViolations('src/application/import.ts', "import { resetDiff } from '../domain/index.ts';").length,
    0,
  );
  for (const bad of [
    "import { sftpFileStore } from '../adapters/sftp/sftp-file-store.ts';",
    "import Client from 'ssh2-sftp-client';",
    "import { MikroORM } from '@mikro-orm/postgresql';",
  ]) {
    assert.is(layerViolations('src/application/import.ts', bad).length, 1, bad);
  }
});

layers('SuiteScripts import only N/* and the domain', () => {
  assert.equal(
    layerViolations('src/suitescript/a.ts', "import task from 'N/task';\nimport { x } from '../domain/index.ts';")
      .length,
    0,
  );
  assert.is(layerViolations('src/suitescript/a.ts', "import fs from 'node:fs';").length, 1);
});

layers('adapters never import the composition or an edge', () => {
  assert.is(
    layerViolations(
      'src/adapters/sftp/x.ts',
      "import Client from 'ssh2-sftp-client';\nimport type { FileStore } from '../../application/file-store.ts';",
    ).length,
    0,
  );
  for (const bad of [
    "import { loadConfig } from '../../composition/config.ts';",
    "import { main } from '../../cli/main.ts';",
    "import { startWorker } from '../../worker/worker.ts';",
  ])
    assert.is(layerViolations('src/adapters/sftp/x.ts', bad).length, 1, bad);
});

layers('the composition never imports an edge, pg-boss or graphql; the worker never an adapter or the CLI', () => {
  assert.is(
    layerViolations(
      'src/composition/live.ts',
      "import { localFileStore } from '../adapters/local-files/local-file-store.ts';\nimport { hostname } from 'node:os';",
    ).length,
    0,
  );
  for (const bad of [
    "import { PgBoss } from 'pg-boss';",
    "const { parse } = await import('graphql');",
    "import { startWorker } from '../worker/worker.ts';",
    "import { main } from '../cli/main.ts';",
  ])
    assert.is(layerViolations('src/composition/jobs.ts', bad).length, 1, bad);
  assert.is(layerViolations('src/worker/worker.ts', "import { PgBoss } from 'pg-boss';").length, 0);
  for (const bad of ["import { main } from '../cli/main.ts';", "import { x } from '../adapters/shopify/y.ts';"])
    assert.is(layerViolations('src/worker/worker.ts', bad).length, 1, bad);
});

layers('this repository keeps them', () => {
  assert.equal(checkLayers(fileURLToPath(new URL('..', import.meta.url))), []);
});

layers.run();
