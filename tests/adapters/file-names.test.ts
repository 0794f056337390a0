import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { isSafeFileName, safeFileName, safeFolder } from '../../src/adapters/file-names.ts';

const names = suite('isSafeFileName and safeFileName');

names('plain names pass, dots and spaces inside included', () => {
  for (const ok of ['inventory-20261122T010000Z.csv', '.hidden', '...', 'a b', 'ümlaut.csv', 'x'.repeat(300)])
    assert.ok(isSafeFileName(ok), ok);
  assert.equal(safeFileName('sftp:inbox', 'a.csv'), E.right('a.csv'));
});

names(
  "empty, '.', '..', a slash, a backslash or a NUL anywhere: refused as UnsafeFileName with the store and name",
  () => {
    for (const bad of ['', '.', '..', '/etc/passwd', 'a/b', '../a', 'a\\b', '..\\a', 'a\u0000b', 'a/'])
      assert.not.ok(isSafeFileName(bad), JSON.stringify(bad));
    assert.equal(
      safeFileName('local-files:/data', '../secret'),
      E.left({ _tag: 'UnsafeFileName', store: 'local-files:/data', name: '../secret', retriable: false }),
    );
  },
);

names('property: a name is safe exactly when it cannot name another folder', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'binary', maxLength: 12 }), (name) => {
      const leaves = name === '' || name === '.' || name === '..' || /[/\\\0]/.test(name);
      return isSafeFileName(name) === !leaves && E.isRight(safeFileName('s', name)) === !leaves;
    }),
    { numRuns: 1000 },
  );
});

const folders = suite('safeFolder');

folders("'' is the root; 'a/b' is two levels down", () => {
  assert.equal(safeFolder('s', ''), E.right([]));
  assert.equal(safeFolder('s', 'archive'), E.right(['archive']));
  assert.equal(safeFolder('s', 'archive/2026-11'), E.right(['archive', '2026-11']));
});

folders("'/a', 'a/', 'a//b', 'a/../b', '.', a backslash or a NUL: refused, naming the whole folder", () => {
  for (const bad of ['/a', 'a/', 'a//b', 'a/../b', '..', '.', './a', 'a\\b', 'a\u0000', '/'])
    assert.equal(
      safeFolder('s', bad),
      E.left({ _tag: 'UnsafeFileName', store: 's', name: bad, retriable: false }),
      JSON.stringify(bad),
    );
});

folders('property: a folder joined from safe names gives those names back', () => {
  fc.assert(
    fc.property(
      fc.array(fc.string({ minLength: 1, maxLength: 6 }).filter(isSafeFileName), { minLength: 1, maxLength: 4 }),
      (segments) => {
        const result = safeFolder('s', segments.join('/'));
        return E.isRight(result) && result.right.join('\u0001') === segments.join('\u0001');
      },
    ),
    { numRuns: 300 },
  );
});

names.run();
folders.run();
