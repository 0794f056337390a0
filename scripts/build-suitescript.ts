/**
 * `npm run build:suitescript`: builds the SuiteScript 2.1 files of src/suitescript into the SDF project at
 * suitecloud/src/FileCabinet/SuiteScripts/HotWax/InventorySync/ (or `--out DIR`).
 *
 * TypeScript 7 emits no AMD, so the build is two steps: Node's own type stripper (`module.stripTypeScriptTypes`,
 * the same erasure Node applies when it runs the sources) turns each module into plain ESM, and rollup bundles each
 * entry point with its imports into one AMD module, `define(['N/file', ...], function (file, ...) { ... return
 * { execute }; })`, with the N/* modules left to NetSuite's loader. The entry's JSDoc header (`@NApiVersion 2.1`,
 * `@NScriptType ScheduledScript`) is put back at the top of the file, where NetSuite reads it.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { stripTypeScriptTypes } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { rollup, type Plugin } from 'rollup';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The SuiteScript entry points and the file names NetSuite knows them by. */
export const SUITESCRIPT_ENTRIES: ReadonlyArray<{ readonly source: string; readonly output: string }> = [
  {
    source: 'src/suitescript/entry-points/hc-generate-csv-inventory-items.ts',
    output: 'HC_generateCSV_InventoryItems.js',
  },
  { source: 'src/suitescript/entry-points/hc-upload-csv-inventory-items.ts', output: 'HC_uploadCSV_InventoryItems.js' },
];

/** Where the built files go in the SDF project, and their File Cabinet path. */
export const SUITESCRIPT_OUT_DIR = 'suitecloud/src/FileCabinet/SuiteScripts/HotWax/InventorySync';
export const SUITESCRIPT_CABINET_DIR = '/SuiteScripts/HotWax/InventorySync';

const stripTypes: Plugin = {
  name: 'strip-types',
  transform(code, id) {
    return id.endsWith('.ts') ? { code: stripTypeScriptTypes(code, { mode: 'transform' }), map: null } : null;
  },
};

/** The leading JSDoc block of a source (the NetSuite script header). */
export const scriptHeader = (source: string): string => {
  const match = /^\s*(\/\*\*[\s\S]*?\*\/)/.exec(source);
  if (match === null || !/@NApiVersion\s+2\.1/.test(match[1]!) || !/@NScriptType\s+\w+/.test(match[1]!)) {
    throw new Error('a SuiteScript entry point must open with a JSDoc block holding @NApiVersion 2.1 and @NScriptType');
  }
  return match[1]!;
};

/** Builds every entry point into `outDir`; returns the written paths. */
export const buildSuiteScripts = async (
  outDir: string = join(root, SUITESCRIPT_OUT_DIR),
): Promise<ReadonlyArray<string>> => {
  mkdirSync(outDir, { recursive: true });
  const written: string[] = [];
  for (const entry of SUITESCRIPT_ENTRIES) {
    const input = join(root, entry.source);
    const bundle = await rollup({
      input,
      external: (id) => /^N(\/|$)/.test(id),
      plugins: [stripTypes],
      treeshake: { moduleSideEffects: false },
      onwarn(warning) {
        throw new Error(`rollup: ${warning.message}`);
      },
    });
    const { output } = await bundle.generate({
      format: 'amd',
      exports: 'default',
      interop: 'esModule',
      externalLiveBindings: false,
      freeze: false,
      esModule: false,
      generatedCode: 'es2015',
      banner: `${scriptHeader(readFileSync(input, 'utf8'))}\n// Built from ${entry.source} by scripts/build-suitescript.ts; do not edit.`,
    });
    await bundle.close();
    const path = join(outDir, entry.output);
    writeFileSync(path, output[0].code);
    written.push(path);
  }
  return written;
};

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const at = process.argv.indexOf('--out');
  const written = await buildSuiteScripts(at === -1 ? undefined : process.argv[at + 1]);
  for (const path of written) console.log(`built ${path}`);
}
