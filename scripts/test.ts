/**
 * `npm test`: builds the package, type-checks everything, checks the layer rules, checks formatting and lint (Biome),
 * runs every uvu test, and ends with one line `N passed, M failed` (each of the five checks counts as one test). Exits 1 when anything failed.
 */
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';

interface Outcome {
  readonly passed: number;
  readonly failed: number;
}

const run = (command: string, args: ReadonlyArray<string>): Promise<{ code: number; output: string }> =>
  new Promise((resolve) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const tee = (sink: NodeJS.WriteStream) => (chunk: Buffer) => {
      output += chunk.toString();
      sink.write(chunk);
    };
    child.stdout.on('data', tee(process.stdout));
    child.stderr.on('data', tee(process.stderr));
    child.on('error', (error) => resolve({ code: 1, output: String(error) }));
    child.on('close', (code) => resolve({ code: code ?? 1, output }));
  });

const check = async (name: string, command: string, args: ReadonlyArray<string>): Promise<Outcome> => {
  process.stdout.write(`\n> ${name}\n`);
  const { code } = await run(command, args);
  process.stdout.write(`${code === 0 ? 'ok' : 'FAILED'}: ${name}\n`);
  return code === 0 ? { passed: 1, failed: 0 } : { passed: 0, failed: 1 };
};

// uvu prints "Total: N", "Passed: N" and "Skipped: N"; a crash before its summary counts as one failure.
const tests = async (): Promise<Outcome> => {
  process.stdout.write('\n> uvu tests\n');
  const { code, output } = await run('uvu', ['tests', '\\.test\\.ts$', '--no-color']);
  const count = (label: string) => Number(new RegExp(`${label}:\\s+(\\d+)`).exec(output)?.[1] ?? Number.NaN);
  const [total, passed] = [count('Total'), count('Passed')];
  if (Number.isNaN(total) || Number.isNaN(passed)) return { passed: 0, failed: 1 };
  // uvu's Total leaves skipped tests out already: Total - Passed is the failures.
  const failed = total - passed;
  return { passed, failed: code !== 0 && failed === 0 ? 1 : failed };
};

// A fresh dist/, so that the package test never sees files of a source that is gone.
rmSync('dist', { recursive: true, force: true });
const outcomes = [
  await check('build', 'tsc', ['-p', 'tsconfig.build.json']),
  // The SDF project's built SuiteScripts, which the package ships (as `npm run build` builds them).
  await check('build the SuiteScripts', 'node', [
    '--disable-warning=ExperimentalWarning',
    'scripts/build-suitescript.ts',
  ]),
  await check('typecheck', 'tsc', ['-p', 'tsconfig.json']),
  await check('layer rules', 'node', ['scripts/check-layers.ts']),
  await check('format and lint (biome)', 'biome', ['check', '--error-on-warnings', '.']),
  await tests(),
];
const passed = outcomes.reduce((n, o) => n + o.passed, 0);
const failed = outcomes.reduce((n, o) => n + o.failed, 0);
process.stdout.write(`\n${passed} passed, ${failed} failed\n`);
process.exitCode = failed === 0 ? 0 : 1;
