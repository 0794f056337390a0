import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import {
  downloadCopyName,
  hiddenTempName,
  isLeftoverDownloadCopy,
  isLeftoverHiddenTemp,
  isSafeFileName,
  OWNERLESS_TEMP_MAX_AGE_MS,
  processEnded,
  safeFileName,
  safeFolder,
} from '../../src/adapters/file-names.ts';

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

const temps = suite('temp names and leftovers');

temps('temp names carry the pid, stay within 255 bytes whatever the name, and are told apart from leftovers', () => {
  const long = `${'é'.repeat(125)}.csv`;
  for (const name of [downloadCopyName(long), hiddenTempName(long, true), hiddenTempName(long, false)])
    assert.ok(Buffer.byteLength(name) <= 255, name);
  assert.match(downloadCopyName('a.csv'), new RegExp(`^oms-inventory-sync-p${process.pid}-[0-9a-f]{16}-a\\.csv$`));
  assert.match(hiddenTempName('a.csv', true), new RegExp(`^\\.a\\.csv\\.p${process.pid}-[0-9a-f]{12}\\.part$`));
  assert.match(hiddenTempName('a.csv', false), /^\.a\.csv\.[0-9a-f]{12}\.part$/);
  assert.is.not(hiddenTempName('a.csv', true), hiddenTempName('a.csv', true));
});

temps('a leftover is a temp name whose process ended, or an ownerless one an hour old; never a live one', () => {
  const now = new Date();
  const dead = spawnSync(process.execPath, ['-e', '0']).pid!;
  const old = new Date(now.getTime() - OWNERLESS_TEMP_MAX_AGE_MS - 1_000);
  assert.ok(processEnded(dead, now));
  assert.not.ok(processEnded(process.pid, now), 'this process, on a file it made');
  assert.ok(processEnded(process.pid, new Date(0)), 'this pid on a file older than this process: a former owner');
  assert.ok(isLeftoverDownloadCopy(`oms-inventory-sync-p${dead}-0123456789abcdef-a.csv`, now, now));
  assert.not.ok(isLeftoverDownloadCopy(downloadCopyName('a.csv'), now, now));
  assert.ok(isLeftoverDownloadCopy('oms-inventory-sync-0123456789abcdef-a.csv', old, now), 'an earlier version');
  assert.not.ok(isLeftoverDownloadCopy('oms-inventory-sync-0123456789abcdef-a.csv', now, now));
  assert.not.ok(isLeftoverDownloadCopy('a.csv', old, now));
  assert.ok(isLeftoverHiddenTemp(`.a.csv.p${dead}-0123456789ab.part`, now, now));
  assert.not.ok(isLeftoverHiddenTemp(hiddenTempName('a.csv', true), now, now));
  assert.not.ok(isLeftoverHiddenTemp(`.a.csv.p${dead}-0123456789ab.part`, now, now, false), 'another machine');
  assert.ok(isLeftoverHiddenTemp('.a.csv.0123456789ab.part', old, now, false));
  assert.not.ok(isLeftoverHiddenTemp('.hidden.part', old, now));
});

names.run();
folders.run();
temps.run();
