/**
 * The layer rules of ARCHITECTURE.md, checked from the import specifiers of every source file:
 * - src/domain imports only fp-ts, io-ts and src/domain;
 * - src/application imports only fp-ts, io-ts, src/domain and src/application (never an adapter or a client);
 * - src/suitescript imports only NetSuite's N/* modules, src/domain and src/suitescript;
 * - src/adapters imports src/domain, src/application and src/adapters, never the composition or an edge;
 * - src/composition imports the layers below it, never an edge (cli, worker) nor pg-boss or graphql (heavy clients
 *   load only where they are used, so `oms-inventory-sync/composition` stays light);
 * - src/worker imports the composition and the layers below it, never the CLI.
 * - src/console (an edge like the CLI and the worker) imports the composition and the layers below it, never the CLI,
 *   the worker or an adapter.
 * Run as a script, it prints every violation and exits 1 when there is one.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** One import that breaks a layer rule. */
export interface LayerViolation {
  readonly file: string;
  readonly line: number;
  readonly specifier: string;
  readonly rule: string;
}

interface Layer {
  readonly folder: string;
  readonly packages: RegExp;
  readonly folders: ReadonlyArray<string>;
  readonly rule: string;
}

const LAYERS: ReadonlyArray<Layer> = [
  {
    folder: 'src/domain',
    packages: /^(fp-ts|io-ts)(\/|$)/,
    folders: ['src/domain'],
    rule: 'the domain imports only fp-ts, io-ts and itself',
  },
  {
    folder: 'src/application',
    packages: /^(fp-ts|io-ts)(\/|$)/,
    folders: ['src/domain', 'src/application'],
    rule: 'the application imports only fp-ts, io-ts, the domain and itself (never an adapter or a client)',
  },
  {
    folder: 'src/suitescript',
    packages: /^N(\/|$)/,
    folders: ['src/domain', 'src/suitescript'],
    rule: 'SuiteScripts import only N/* modules, the domain and themselves',
  },
  {
    folder: 'src/adapters',
    packages: /^/,
    folders: ['src/domain', 'src/application', 'src/adapters'],
    rule: 'adapters import the domain, the application and adapters (never the composition or an edge)',
  },
  {
    folder: 'src/composition',
    packages: /^(?!pg-boss|graphql)/,
    folders: ['src/domain', 'src/application', 'src/adapters', 'src/composition'],
    rule: 'the composition imports the layers below it, never an edge (cli, worker), pg-boss or graphql',
  },
  {
    folder: 'src/worker',
    packages: /^/,
    folders: ['src/domain', 'src/application', 'src/composition', 'src/worker'],
    rule: 'the worker imports the composition and the layers below it, never the CLI or an adapter',
  },
  {
    folder: 'src/console',
    packages: /^/,
    folders: ['src/domain', 'src/application', 'src/composition', 'src/console'],
    rule: 'the console imports the composition and the layers below it, never the CLI, the worker or an adapter',
  },
];

// Comments may mention imports; strings are left alone, since the specifiers live in them.
const stripComments = (source: string): string =>
  source.replace(/\/\*[\s\S]*?\*\//g, (c) => c.replace(/[^\n]/g, ' ')).replace(/(^|[^:'"`])\/\/.*$/gm, '$1');

const SPECIFIER =
  /\b(?:import|export)\s[^'"`;]*?\bfrom\s*['"]([^'"]+)['"]|\bimport\s*\(\s*['"]([^'"]+)['"]|\bimport\s+['"]([^'"]+)['"]|\brequire\s*\(\s*['"]([^'"]+)['"]/g;

/** Every import specifier of a source text with its line number. */
export const importSpecifiers = (source: string): ReadonlyArray<{ specifier: string; line: number }> => {
  const text = stripComments(source);
  return Array.from(text.matchAll(SPECIFIER), (m) => ({
    specifier: (m[1] ?? m[2] ?? m[3] ?? m[4])!,
    line: text.slice(0, m.index).split('\n').length,
  }));
};

/** The violations in one file, given its path relative to the package root (with forward slashes). */
export const layerViolations = (file: string, source: string): ReadonlyArray<LayerViolation> => {
  const layer = LAYERS.find((l) => file.startsWith(`${l.folder}/`));
  if (layer === undefined) return [];
  return importSpecifiers(source).flatMap(({ specifier, line }) => {
    if (specifier.startsWith('.')) {
      const target = normalize(join(dirname(file), specifier))
        .split(sep)
        .join('/');
      return layer.folders.some((f) => target === f || target.startsWith(`${f}/`))
        ? []
        : [{ file, line, specifier, rule: layer.rule }];
    }
    return layer.packages.test(specifier) ? [] : [{ file, line, specifier, rule: layer.rule }];
  });
};

const sourceFiles = (root: string, folder: string): string[] =>
  readdirSync(join(root, folder), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && /\.(ts|mts|js|mjs)$/.test(e.name))
    .map((e) => relative(root, join(e.parentPath, e.name)).split(sep).join('/'));

/** Every violation under `root` (the package root). */
export const checkLayers = (root: string): ReadonlyArray<LayerViolation> =>
  LAYERS.flatMap((l) => {
    try {
      return sourceFiles(root, l.folder);
    } catch {
      return [];
    }
  }).flatMap((file) => layerViolations(file, readFileSync(join(root, file), 'utf8')));

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const violations = checkLayers(join(dirname(fileURLToPath(import.meta.url)), '..'));
  for (const v of violations) console.error(`${v.file}:${v.line}: imports '${v.specifier}': ${v.rule}`);
  console.log(violations.length === 0 ? 'layer rules: ok' : `layer rules: ${violations.length} violation(s)`);
  process.exitCode = violations.length === 0 ? 0 : 1;
}
