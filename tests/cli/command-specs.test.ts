import { readFileSync } from 'node:fs';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { COMMANDS, EXIT, usageText } from '../../src/cli/command-specs.ts';
import { JOB_NAMES } from '../../src/composition/jobs.ts';

const specs = suite('command specs');

specs('every job is a command, and every command is in the usage text', () => {
  for (const job of JOB_NAMES) assert.ok(job in COMMANDS, job);
  const usage = usageText();
  for (const name of Object.keys(COMMANDS)) assert.match(usage, new RegExp(`^  ${name}( |$)`, 'm'), name);
});

specs("the exit codes are distinct, and the README's table states each of them", () => {
  const codes = Object.values(EXIT);
  assert.is(new Set(codes).size, codes.length);
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  for (const code of codes) assert.match(readme, new RegExp(`^\\| ${code} +\\|`, 'm'), `README exit code ${code}`);
});

specs.run();
