// tests/ mirrors src/: every source file `src/a/b.ts` has its test `tests/a/b.test.ts`, unless the allowlist below
// says why not. A new source file without a test fails here, named; so does an allowlist entry that is out of date.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

// ---- The allowlist: keep each list sorted; the lead updates it when files come and go. ----

/** Files that declare types only (ports, records, errors): no code to test. Checked: no runtime statement. */
const TYPE_ONLY: ReadonlyArray<string> = [
  'src/application/catalogue.ts',
  'src/application/change-log.ts',
  'src/application/channel-seed.ts',
  'src/application/clock.ts',
  'src/application/file-store.ts',
  'src/application/inventory-ledger.ts',
  'src/application/inventory-lookup.ts',
  'src/application/inventory-store.ts',
  'src/application/inventory-terms.ts',
  'src/application/line-reader.ts',
  'src/application/product-mapping.ts',
  'src/application/push-ledger.ts',
  'src/application/shopify-inventory.ts',
  'src/application/shopify-shop.ts',
  'src/application/store-error.ts',
  'src/console/deps.ts',
];

/** Entry points of the package that only re-export (tests/package.test.ts imports them from the built package). */
const RE_EXPORTS: ReadonlyArray<string> = [
  'src/adapters/index.ts',
  'src/application/index.ts',
  'src/composition/index.ts',
  'src/domain/index.ts',
  'src/index.ts',
  'src/worker/index.ts',
];

/** Files tested by design in another test file (or a contract suite run from one): where. Checked: it exists. */
const TESTED_ELSEWHERE: Readonly<Record<string, ReadonlyArray<string>>> = {
  // The reference store: every store contract runs against it, and every use-case test uses it.
  'src/adapters/memory/memory-inventory-store.ts': ['tests/adapters/persistence/inventory-store.test.ts'],
  // The database stores: one contract suite per port (tests/adapters/persistence/*.contract.ts), run against
  // PostgreSQL and SQLite by inventory-store.test.ts, and the schema checks of schema.test.ts.
  // The two dialects: the seam's one contract, run against both databases.
  'src/adapters/persistence/postgres-dialect.ts': ['tests/adapters/persistence/dialect.test.ts'],
  'src/adapters/persistence/sqlite-dialect.ts': ['tests/adapters/persistence/dialect.test.ts'],
  // The row decoders: every read of the store contracts goes through them.
  'src/adapters/persistence/rows.ts': ['tests/adapters/persistence/inventory-store.test.ts'],
  'src/adapters/persistence/entities.ts': ['tests/adapters/persistence/schema.test.ts'],
  'src/adapters/persistence/migrations.ts': ['tests/adapters/persistence/schema.test.ts'],
  'src/adapters/persistence/orm.ts': ['tests/adapters/persistence/schema.test.ts'],
  'src/adapters/persistence/postgres-inventory-store.ts': ['tests/adapters/persistence/inventory-store.test.ts'],
  'src/adapters/persistence/sqlite-inventory-store.ts': ['tests/adapters/persistence/inventory-store.test.ts'],
  // Process uploads needs the whole push (feeds, the ledger, Shopify): the Shopify jobs run it on every store.
  'src/application/process-uploads.ts': ['tests/application/shopify-jobs.test.ts'],
  // The run-log port (and JOB_NAMES): its contract suite, run against every store.
  'src/application/run-log.ts': ['tests/adapters/persistence/run-log.contract.ts'],
  // The pg-boss job queue: through job control on PostgreSQL and the worker's own tests.
  'src/worker/boss-queue.ts': ['tests/worker/job-control-live.test.ts', 'tests/worker/worker.test.ts'],
  // The schedule book port: its contract suite, run against every store.
  'src/application/schedule-book.ts': ['tests/adapters/persistence/schedule-book.contract.ts'],
  // The demo's data: the demo runs on it.
  'src/cli/demo-data.ts': ['tests/cli/demo.test.ts'],
  // The console's static files and shared route helpers: served and used by the server under test.
  'src/console/assets.ts': ['tests/console/server.test.ts'],
  'src/console/http.ts': ['tests/console/server.test.ts'],
  // The live wiring: the CLI and the job catalogue run through it.
  'src/composition/live.ts': ['tests/cli/main.test.ts', 'tests/composition/jobs.test.ts'],
  // SuiteScript entry points are bundled and run against the fake NetSuite; the scripts are tested through them.
  'src/suitescript/entry-points/hc-generate-csv-inventory-items.ts': ['tests/suitescript/build.test.ts'],
  'src/suitescript/entry-points/hc-upload-csv-inventory-items.ts': ['tests/suitescript/build.test.ts'],
  'src/suitescript/generate-inventory-csv.ts': ['tests/suitescript/inventory-scripts.test.ts'],
  'src/suitescript/upload-inventory-csv.ts': ['tests/suitescript/inventory-scripts.test.ts'],
  // The local Admin server's parts that need the server around them: tested through its HTTP API.
  'src/testkit/shopify-admin-server/bulk-operations.ts': ['tests/testkit/shopify-admin-server.test.ts'],
  'src/testkit/shopify-admin-server/graphql-endpoint.ts': ['tests/testkit/shopify-admin-server.test.ts'],
  'src/testkit/shopify-admin-server/inventory-set-quantities.ts': ['tests/testkit/shopify-admin-server.test.ts'],
  'src/testkit/shopify-admin-server/request-errors.ts': ['tests/testkit/shopify-admin-server.test.ts'],
  'src/testkit/shopify-admin-server/schema.ts': ['tests/testkit/shopify-admin-server.test.ts'],
  'src/testkit/shopify-admin-server/state.ts': ['tests/testkit/shopify-admin-server.test.ts'],
  'src/testkit/shopify-admin-server/views.ts': ['tests/testkit/shopify-admin-server.test.ts'],
};

// ---- The rule and its checks. ----

/** Every `.ts` file under `dir` (relative to the repository, with '/'), sorted. */
const sourceFiles = (dir = 'src'): ReadonlyArray<string> =>
  readdirSync(join(ROOT, dir), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('.d.ts'))
    .map((e) => join(e.parentPath, e.name).slice(ROOT.length).split('\\').join('/').replace(/^\//, ''))
    .sort();

/** The test of the same name: `src/a/b.ts` -> `tests/a/b.test.ts`. */
const mirrorOf = (source: string): string => source.replace(/^src\//, 'tests/').replace(/\.ts$/, '.test.ts');

/**
 * What a file holds, from its statements at the start of a line (Biome formats every file so): only types, only
 * re-exports (and types), or code. Comments are skipped; anything else at the start of a line is code.
 */
const contentKind = (source: string): 'types' | 're-exports' | 'code' => {
  const lines = source
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .split('\n')
    .filter((line) => line !== '' && !/^\s/.test(line) && !line.startsWith('//'));
  const isType = (l: string) =>
    /^(export\s+)?(declare\s+)?(type|interface)\b/.test(l) ||
    /^(import|export)\s+type\b/.test(l) ||
    /^[}\])|&;,]/.test(l);
  const isReExport = (l: string) => /^export\s*(\*|\{)/.test(l) || /^import\s/.test(l);
  if (lines.some((l) => !isType(l) && !isReExport(l))) return 'code';
  return lines.some((l) => !isType(l)) ? 're-exports' : 'types';
};

const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');

const layout = suite('layout: tests/ mirrors src/');

const sources = sourceFiles();
const mirrored = sources.filter((s) => existsSync(join(ROOT, mirrorOf(s))));
const allowed = new Set([...TYPE_ONLY, ...RE_EXPORTS, ...Object.keys(TESTED_ELSEWHERE)]);

/** The lines that name each source file without a test and not allowlisted, with a hint of which list fits it. */
const unexplained = (
  files: ReadonlyArray<string>,
  hasTest: (source: string) => boolean,
  isAllowed: (source: string) => boolean,
  kindOf: (source: string) => 'types' | 're-exports' | 'code',
): ReadonlyArray<string> =>
  files
    .filter((s) => !hasTest(s) && !isAllowed(s))
    .map((s) => {
      const kind = kindOf(s);
      const hint =
        kind === 'types'
          ? ' (it declares types only: add it to TYPE_ONLY)'
          : kind === 're-exports'
            ? ' (it only re-exports: add it to RE_EXPORTS)'
            : ' (write the test, or add it to TESTED_ELSEWHERE saying where its tests are)';
      return `${s} has no ${mirrorOf(s)}${hint}`;
    });

layout(
  `every source file has a test of the same name or a reason not to (${mirrored.length} of ${sources.length} have one)`,
  () => {
    const missing = unexplained(
      sources,
      (s) => mirrored.includes(s),
      (s) => allowed.has(s),
      (s) => contentKind(read(s)),
    );
    assert.equal(
      missing,
      [],
      `source files without a test of the same name (see the allowlist in tests/layout.test.ts):\n  - ${missing.join('\n  - ')}`,
    );
  },
);

layout('a new file without a test is named, with the list it may belong to', () => {
  const kinds: Record<string, 'types' | 're-exports' | 'code'> = {
    'src/application/new-port.ts': 'types',
    'src/application/new-use-case.ts': 'code',
    'src/application/tested.ts': 'code',
    'src/application/allowed.ts': 'code',
    'src/widgets/index.ts': 're-exports',
  };
  assert.equal(
    unexplained(
      Object.keys(kinds),
      (s) => s === 'src/application/tested.ts',
      (s) => s === 'src/application/allowed.ts',
      (s) => kinds[s]!,
    ),
    [
      'src/application/new-port.ts has no tests/application/new-port.test.ts (it declares types only: add it to TYPE_ONLY)',
      'src/application/new-use-case.ts has no tests/application/new-use-case.test.ts (write the test, or add it to TESTED_ELSEWHERE saying where its tests are)',
      'src/widgets/index.ts has no tests/widgets/index.test.ts (it only re-exports: add it to RE_EXPORTS)',
    ],
  );
});

layout('the allowlist is up to date: no entry for a file that is gone or that has its own test now', () => {
  const stale = [...allowed].flatMap((s) =>
    !sources.includes(s)
      ? [`${s} is gone: remove it from the allowlist`]
      : mirrored.includes(s)
        ? [`${s} has ${mirrorOf(s)} now: remove it from the allowlist`]
        : [],
  );
  assert.equal(stale, [], `stale allowlist entries in tests/layout.test.ts:\n  - ${stale.join('\n  - ')}`);
  const twice = [TYPE_ONLY, RE_EXPORTS, Object.keys(TESTED_ELSEWHERE)]
    .flat()
    .filter((s, i, all) => all.indexOf(s) !== i);
  assert.equal(twice, [], 'a file is in two lists of the allowlist');
});

layout('what the allowlist says of a file holds: types only, re-exports only, a test file that exists', () => {
  const wrong = [
    ...TYPE_ONLY.filter((s) => sources.includes(s) && contentKind(read(s)) !== 'types').map(
      (s) => `${s} is in TYPE_ONLY but has code now: it needs ${mirrorOf(s)}`,
    ),
    ...RE_EXPORTS.filter((s) => sources.includes(s) && contentKind(read(s)) === 'code').map(
      (s) => `${s} is in RE_EXPORTS but has code now: it needs ${mirrorOf(s)}`,
    ),
    ...Object.entries(TESTED_ELSEWHERE).flatMap(([s, where]) =>
      where.length === 0
        ? [`${s} is in TESTED_ELSEWHERE without saying where`]
        : where
            .filter((w) => !existsSync(join(ROOT, w)))
            .map((w) => `${s}: its tests are said to be in ${w}, which is gone`),
    ),
  ];
  assert.equal(wrong, [], `the allowlist in tests/layout.test.ts is wrong:\n  - ${wrong.join('\n  - ')}`);
});

layout('contentKind tells types, re-exports and code apart', () => {
  const types = [
    "import type { A } from './a.ts';",
    '/** A doc comment with code() in it. */',
    'export interface B {',
    '  readonly f: (x: number) => void;',
    '}',
    'export type C =',
    "  | { readonly _tag: 'x' }",
    "  | { readonly _tag: 'y' };",
    "export type { D } from './d.ts';",
  ].join('\n');
  assert.is(contentKind(types), 'types');
  assert.is(contentKind(`${types}\nexport * from './e.ts';\nexport {\n  f,\n} from './f.ts';`), 're-exports');
  for (const code of [
    'export const x = 1;',
    'const y = 2;',
    'export function f() {}',
    'export default {};',
    'export class K {}',
    'export enum E { A }',
    'main();',
    'await run();',
  ])
    assert.is(contentKind(`${types}\n${code}`), 'code', code);
});

layout('mirrorOf: src/a/b.ts is tested by tests/a/b.test.ts', () => {
  assert.is(mirrorOf('src/application/verify-inventory.ts'), 'tests/application/verify-inventory.test.ts');
  assert.is(mirrorOf('src/index.ts'), 'tests/index.test.ts');
  assert.ok(sources.includes('src/application/verify-inventory.ts'));
  assert.ok(sources.every((s) => s.startsWith('src/') && s.endsWith('.ts')));
});

layout.run();
