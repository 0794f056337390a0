import fc from 'fast-check';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { fitName, MAX_NAME_BYTES, nameBytes, nameDigest, withSuffix } from '../../src/application/file-name-limit.ts';

const test = suite('fitName, withSuffix');

test('a name within the limit is kept as it is', () => {
  for (const name of ['a.csv', 'x'.repeat(255), `${'é'.repeat(125)}.csv`]) assert.is(fitName(name), name);
});

test('a longer name: its start cut at a whole character, ~, a digest of the whole name, its extension', () => {
  const name = `${'é'.repeat(200)}.csv`; // 404 bytes
  const fitted = fitName(name);
  assert.ok(nameBytes(fitted) <= MAX_NAME_BYTES, String(nameBytes(fitted)));
  assert.match(fitted, /^é+~[0-9a-f]{16}\.csv$/);
  assert.is(fitted, fitName(name), 'the same name always fits to the same');
  assert.is.not(fitName(`${'é'.repeat(201)}.csv`), fitted, 'two long names fit to two names');
  // 4-byte characters: the cut keeps whole ones (22 bytes left before the tail: 5 of them, never half of one).
  assert.is(fitName('😀'.repeat(100), 37), `${'😀'.repeat(5)}~${nameDigest('😀'.repeat(100))}`);
});

test('withSuffix keeps the suffix whole and the total within the limit', () => {
  const name = `inventory-${'x'.repeat(240)}.csv`;
  const report = withSuffix(name, '.errors.csv');
  assert.ok(report.endsWith('.csv.errors.csv'));
  assert.ok(nameBytes(report) <= MAX_NAME_BYTES);
  assert.is(withSuffix('a.csv', '.errors.csv'), 'a.csv.errors.csv');
});

test('property: any name fits within any limit from 40 bytes up, and names within it are kept', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'grapheme', maxLength: 300 }), fc.integer({ min: 40, max: 255 }), (name, limit) => {
      const fitted = fitName(name, limit);
      assert.ok(nameBytes(fitted) <= limit);
      if (nameBytes(name) <= limit) assert.is(fitted, name);
    }),
  );
});

test.run();
