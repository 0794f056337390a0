// The built package as a user gets it: packed by npm, unpacked into a node_modules, imported by name from another
// project, type-checked against its declarations, its command run, and the examples type-checked and run there. Needs `npm run build` first (npm test does it).
import { execFileSync, spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';

const root = fileURLToPath(new URL('..', import.meta.url));
const pkg = suite('the packed package');
let packDir = '';
let tarball = '';
let project = '';
let files: string[] = [];

// A project with the packed package unpacked in its node_modules, and what npm would install next to it: the
// runtime dependencies and, as the consumer chooses, packages of its own (symlinked from this checkout).
const consumerProject = (prefix: string, own: ReadonlyArray<string>): string => {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const installed = join(dir, 'node_modules', 'oms-inventory-sync');
  mkdirSync(installed, { recursive: true });
  execFileSync('tar', ['-xzf', tarball, '-C', installed, '--strip-components=1']);
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
    dependencies: Record<string, string>;
  };
  for (const dep of [...Object.keys(manifest.dependencies), ...own]) {
    mkdirSync(dirname(join(dir, 'node_modules', dep)), { recursive: true });
    symlinkSync(join(root, 'node_modules', dep), join(dir, 'node_modules', dep), 'dir');
  }
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'consumer', type: 'module', private: true }));
  return dir;
};

/** The compiler options every consumer project here shares: a strict ESM project on Node. */
const compilerBase = {
  module: 'nodenext',
  moduleResolution: 'nodenext',
  target: 'es2023',
  strict: true,
  noEmit: true,
};

pkg.before(() => {
  packDir = mkdtempSync(join(tmpdir(), 'oms-inventory-sync-pack-'));
  const [packed] = JSON.parse(
    execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', packDir], {
      cwd: root,
      encoding: 'utf8',
    }),
  ) as [{ filename: string; files: { path: string }[] }];
  files = packed.files.map((f) => f.path);
  tarball = join(packDir, packed.filename);
  // The optional peers fast-check and graphql installed, as a user of `oms-inventory-sync/testkit` would.
  project = consumerProject('oms-inventory-sync-consumer-', ['fast-check', 'graphql']);
});

pkg.after(() => {
  rmSync(project, { recursive: true, force: true });
  rmSync(packDir, { recursive: true, force: true });
});

pkg('ships the built files and declarations, not the sources, tests or benchmarks', () => {
  for (const f of [
    'dist/index.js',
    'dist/index.d.ts',
    'dist/application/index.js',
    'dist/adapters/index.d.ts',
    'dist/composition/index.js',
    'dist/worker/index.js',
    'dist/testkit/index.js',
    'dist/testkit/shopify-admin-server.js',
    'dist/cli/main.js',
    'dist/cli/bin.js',
    'README.md',
    'CHANGELOG.md',
    'package.json',
    // The SDF project with the built SuiteScripts, and the examples the README points to.
    'suitecloud/suitecloud.config.js',
    'suitecloud/src/manifest.xml',
    'suitecloud/src/deploy.xml',
    'suitecloud/src/Objects/customscript_hc_generate_inventory_csv.xml',
    'suitecloud/src/FileCabinet/SuiteScripts/HotWax/InventorySync/HC_generateCSV_InventoryItems.js',
    'suitecloud/src/FileCabinet/SuiteScripts/HotWax/InventorySync/HC_uploadCSV_InventoryItems.js',
    'examples/custom-runner.ts',
    'examples/explain-online-atp.ts',
    'examples/record-events.ts',
  ])
    assert.ok(files.includes(f), f);
  assert.not.ok(files.includes('suitecloud/project.json'));
  assert.equal(
    files.filter((f) => /^(src|tests|bench|scripts)\//.test(f)),
    [],
  );
});

const consumer = `
import { CHANNEL_FAC_GROUP, onlineAtp, explainOnlineAtp, type ChannelFacilityGroup } from 'oms-inventory-sync';
import { detectChanges } from 'oms-inventory-sync/domain';
import { atpScenario } from 'oms-inventory-sync/testkit';
import fc from 'fast-check';

const group: ChannelFacilityGroup = { facilityGroupId: 'G', facilityGroupTypeId: CHANNEL_FAC_GROUP, facilityIds: ['W'] };
const product = {
  productId: 'SKU-100',
  positions: [
    { facilityId: 'W', quantityOnHand: 95, reservedQuantity: 5, safetyStock: 5 },
    { facilityId: 'X', quantityOnHand: 5, reservedQuantity: 0, safetyStock: 0 },
  ],
  threshold: 5,
  brokeringQueue: 5,
};
const atp: number = onlineAtp(group, product);
fc.assert(fc.property(atpScenario(), ({ group, product }) => onlineAtp(group, product) >= 0), { numRuns: 50 });
const changes = detectChanges([], [{ inventoryItemId: 'I', locationId: 'L', quantity: atp }]).changes;
console.log(JSON.stringify({ atp, excluded: explainOnlineAtp(group, product).excludedFacilitiesAtp, changes: changes.length }));
`;

pkg('imports by name from another project, entry points and testkit included', () => {
  writeFileSync(join(project, 'consumer.ts'), consumer);
  const out = execFileSync('node', ['consumer.ts'], { cwd: project, encoding: 'utf8' });
  assert.equal(JSON.parse(out), { atp: 75, excluded: 5, changes: 1 });
});

pkg('type-checks a consumer against the shipped declarations', () => {
  writeFileSync(join(project, 'consumer.ts'), consumer);
  writeFileSync(
    join(project, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        ...compilerBase,
        allowImportingTsExtensions: true,
        skipLibCheck: false,
        types: [],
      },
      files: ['consumer.ts'],
    }),
  );
  // A declaration that no longer matches what consumer.ts uses makes tsc exit non-zero, which throws here.
  execFileSync(join(root, 'node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.json'], { cwd: project, encoding: 'utf8' });
  assert.ok(readdirSync(join(project, 'node_modules', 'oms-inventory-sync', 'dist')).includes('index.d.ts'));
});

pkg('the installed command runs the demo: the whole pipeline to the local Shopify server, 75 explained', () => {
  const out = execFileSync(
    'node',
    [join(project, 'node_modules', 'oms-inventory-sync', 'dist', 'cli', 'main.js'), 'demo', '--json'],
    { encoding: 'utf8' },
  );
  const report = JSON.parse(out) as {
    onlineAtp: { productId: string; onlineAtp: number }[];
    quantities: { sku: string; afterHardSync: number }[];
    explanation: { shopifyAvailable: number; onlineAtp: { onlineAtp: number } };
  };
  assert.is(report.onlineAtp.find((e) => e.productId === 'SKU-100')?.onlineAtp, 75);
  assert.is(report.quantities.find((q) => q.sku === 'SKU-100')?.afterHardSync, 75);
  assert.equal([report.explanation.shopifyAvailable, report.explanation.onlineAtp.onlineAtp], [75, 75]);
});

pkg(
  'the examples type-check against the shipped declarations, and custom-runner.ts runs, without the optional fast-check',
  () => {
    // A TypeScript project on Node (@types/node); no @types/ssh2-sftp-client (the SFTP adapter's declarations name only
    // its own client type); fast-check is not installed, and `testkit/shopify` must not need it.
    const runner = consumerProject('oms-inventory-sync-runner-', ['@types/node', 'graphql']);
    try {
      assert.not.ok(existsSync(join(runner, 'node_modules', 'fast-check')));
      for (const example of ['custom-runner.ts', 'explain-online-atp.ts', 'record-events.ts'])
        copyFileSync(join(root, 'examples', example), join(runner, example));
      writeFileSync(
        join(runner, 'tsconfig.json'),
        JSON.stringify({
          compilerOptions: {
            module: 'nodenext',
            moduleResolution: 'nodenext',
            target: 'es2023',
            strict: true,
            noEmit: true,
            skipLibCheck: false,
            types: ['node'],
          },
          files: ['custom-runner.ts', 'explain-online-atp.ts', 'record-events.ts'],
        }),
      );
      execFileSync(join(root, 'node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.json'], {
        cwd: runner,
        encoding: 'utf8',
      });
      const out = execFileSync('node', ['custom-runner.ts'], { cwd: runner, encoding: 'utf8' });
      assert.ok(out.includes('mapped 2 of 2 products by SKU'), out);
      assert.ok(out.includes('process uploads: 2 set in 1 call(s), 0 failed'), out);
      assert.ok(out.includes('Shopify available: SKU-100 75, SKU-200 12'), out);
    } finally {
      rmSync(runner, { recursive: true, force: true });
    }
  },
);

pkg('without the optional graphql: the library and the command load; demo says what to install, exit 2', () => {
  const bare = consumerProject('oms-inventory-sync-bare-', []);
  try {
    assert.not.ok(existsSync(join(bare, 'node_modules', 'graphql')));
    writeFileSync(
      join(bare, 'uses.ts'),
      [
        "import { onlineAtp } from 'oms-inventory-sync';",
        "import { loadConfig } from 'oms-inventory-sync/composition';",
        "import { openStore, localFileStore } from 'oms-inventory-sync/adapters';",
        "console.log([typeof onlineAtp, typeof loadConfig, typeof openStore, typeof localFileStore].join(','));",
        // node:sqlite (and its ExperimentalWarning on Node 22) only when an SQLite store is opened.
        'const loaded = (process as unknown as { moduleLoadList: string[] }).moduleLoadList;',
        "if (loaded.some((m) => m.includes('sqlite'))) throw new Error('node:sqlite loaded on import');",
      ].join('\n'),
    );
    assert.is(
      execFileSync('node', ['uses.ts'], { cwd: bare, encoding: 'utf8' }).trim(),
      'function,function,function,function',
    );
    const bin = join(bare, 'node_modules', 'oms-inventory-sync', 'dist', 'cli', 'bin.js');
    const help = spawnSync('node', [bin, 'help'], { encoding: 'utf8' });
    assert.is(help.status, 0, help.stderr);
    const demo = spawnSync('node', [bin, 'demo'], { encoding: 'utf8' });
    assert.is(demo.status, 2);
    assert.match(demo.stderr, /the demo needs the optional package 'graphql'.*npm install graphql/);
    assert.not.match(demo.stderr, /\n\s+at /);
  } finally {
    rmSync(bare, { recursive: true, force: true });
  }
});

// Every TypeScript block of the README, pasted as a user would into a file of its own, type-checks against the
// shipped declarations (the blocks that are meant as complete programs also run in the tests of their own topic).
pkg('every ts code block of the README type-checks against the packed package', () => {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const blocks = [...readme.matchAll(/^```ts\n([\s\S]*?)^```$/gm)].map((m) => m[1] ?? '');
  assert.ok(blocks.length >= 2, `found ${blocks.length} ts blocks`);
  const names = blocks.map((block, i) => {
    const name = `readme-${i + 1}.ts`;
    // Each block is its own module (an \`export {}\` makes one of a block without imports).
    writeFileSync(join(project, name), `${block}\nexport {};\n`);
    return name;
  });
  writeFileSync(
    join(project, 'tsconfig.readme.json'),
    JSON.stringify({
      compilerOptions: {
        ...compilerBase,
        skipLibCheck: true,
        types: [],
      },
      files: names,
    }),
  );
  const tsc = spawnSync(join(root, 'node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.readme.json'], {
    cwd: project,
    encoding: 'utf8',
  });
  assert.is(tsc.status, 0, `${tsc.stdout}${tsc.stderr}`);
});

pkg.run();

const examples = suite('examples');

examples('explain-online-atp runs against the built package and shows 75', () => {
  const out = execFileSync('node', [join(root, 'examples', 'explain-online-atp.ts')], { cwd: root, encoding: 'utf8' });
  assert.ok(out.startsWith('SKU-100 in SHOPIFY_US: Online ATP 75 = QOH 100'), out);
  assert.ok(out.includes('1 change(s) in 1 batch(es)'), out);
});

examples('record-events runs against the built package: applied, refused with its reason, a replay a duplicate', () => {
  const out = execFileSync('node', [join(root, 'examples', 'record-events.ts')], { cwd: root, encoding: 'utf8' });
  assert.ok(out.includes('order-1002-ship: refused (ship-exceeds-reserved)'), out);
  assert.ok(out.includes('order-1001: duplicate'), out);
  assert.ok(out.includes('SKU-100 at WAREHOUSE_NJ: QOH 98, reserved 0'), out);
  assert.ok(
    out.includes(
      '3 ledger entries folded (through sequence 3), 1 position and 0 terms checked: the positions and terms agree with the ledger',
    ),
    out,
  );
});

examples.run();
