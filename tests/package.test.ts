// The built package as a user gets it: packed by npm, unpacked into a node_modules, imported by name from another
// project, type-checked against its declarations, and its command run. Needs `npm run build` first (npm test does it).
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';

const root = fileURLToPath(new URL('..', import.meta.url));
const pkg = suite('the packed package');
let project = '';
let files: string[] = [];

pkg.before(() => {
  project = mkdtempSync(join(tmpdir(), 'oms-inventory-sync-consumer-'));
  const [packed] = JSON.parse(execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', project], { cwd: root, encoding: 'utf8' })) as [{ filename: string; files: { path: string }[] }];
  files = packed.files.map((f) => f.path);
  const installed = join(project, 'node_modules', 'oms-inventory-sync');
  mkdirSync(installed, { recursive: true });
  execFileSync('tar', ['-xzf', join(project, packed.filename), '-C', installed, '--strip-components=1']);
  // The runtime dependencies (and the optional peer fast-check) as npm would install them next to the package.
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
  for (const dep of [...Object.keys(manifest.dependencies), 'fast-check']) {
    mkdirSync(dirname(join(project, 'node_modules', dep)), { recursive: true });
    symlinkSync(join(root, 'node_modules', dep), join(project, 'node_modules', dep), 'dir');
  }
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', type: 'module', private: true }));
});

pkg.after(() => rmSync(project, { recursive: true, force: true }));

pkg('ships the built files and declarations, not the sources, tests or benchmarks', () => {
  for (const f of ['dist/index.js', 'dist/index.d.ts', 'dist/testkit/index.js', 'dist/cli/main.js', 'README.md', 'CHANGELOG.md', 'package.json']) assert.ok(files.includes(f), f);
  assert.equal(files.filter((f) => /^(src|tests|bench|scripts)\//.test(f)), []);
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
    JSON.stringify({ compilerOptions: { module: 'nodenext', moduleResolution: 'nodenext', target: 'es2023', strict: true, noEmit: true, allowImportingTsExtensions: true, skipLibCheck: false, types: [] }, files: ['consumer.ts'] }),
  );
  // A declaration that no longer matches what consumer.ts uses makes tsc exit non-zero, which throws here.
  execFileSync(join(root, 'node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.json'], { cwd: project, encoding: 'utf8' });
  assert.ok(readdirSync(join(project, 'node_modules', 'oms-inventory-sync', 'dist')).includes('index.d.ts'));
});

pkg('the installed command runs the demo', () => {
  const out = execFileSync('node', [join(project, 'node_modules', 'oms-inventory-sync', 'dist', 'cli', 'main.js'), 'demo', '--json'], { encoding: 'utf8' });
  const report = JSON.parse(out) as { onlineAtp: { productId: string; onlineAtp: number }[] };
  assert.is(report.onlineAtp.find((e) => e.productId === 'SKU-100')?.onlineAtp, 75);
});

pkg.run();

const examples = suite('examples');

examples('explain-online-atp runs against the built package and shows 75', () => {
  const out = execFileSync('node', [join(root, 'examples', 'explain-online-atp.ts')], { cwd: root, encoding: 'utf8' });
  assert.ok(out.startsWith("SKU-100 in SHOPIFY_US: Online ATP 75 = QOH 100"), out);
  assert.ok(out.includes('1 change(s) in 1 batch(es)'), out);
});

examples.run();
