import { readFileSync } from 'node:fs';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { MINIMUM_NODE, nodeAtLeast } from '../../src/cli/node-version.ts';

const version = suite('nodeAtLeast');

version('compares major, minor and patch as numbers', () => {
  assert.ok(nodeAtLeast('22.17.0', '22.17.0'));
  assert.ok(nodeAtLeast('22.17.1', '22.17.0'));
  assert.ok(nodeAtLeast('22.100.0', '22.17.0'));
  assert.ok(nodeAtLeast('24.0.0', '22.17.0'));
  assert.not.ok(nodeAtLeast('22.12.0', '22.17.0'));
  assert.not.ok(nodeAtLeast('22.9.5', '22.17.0'));
  assert.not.ok(nodeAtLeast('20.20.2', '22.17.0'));
  assert.not.ok(nodeAtLeast('9.99.99', '22.17.0'));
});

version("the minimum is package.json's engines", () => {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    engines: { node: string };
  };
  assert.is(pkg.engines.node, `>=${MINIMUM_NODE}`);
});

version.run();
