import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { RuntimeScript } from '../../src/suitescript/netsuite-modules.ts';
import {
  MIN_PART_BYTES,
  SFTP_MAX_FILE_BYTES,
  defaultRemoteDirectory,
  readExportSettings,
  readUploadSettings,
  type Checked,
} from '../../src/suitescript/parameters.ts';
import { EXPORT_PARAMETERS as E, UPLOAD_PARAMETERS as U } from '../../src/suitescript/script-ids.ts';

/** A running deployment with these parameters (NetSuite answers null for one that is not set). */
const script = (parameters: Record<string, unknown>): RuntimeScript => ({
  id: 'customscript_x',
  deploymentId: 'customdeploy_x',
  getParameter: ({ name }) => parameters[name] ?? null,
  getRemainingUsage: () => 10_000,
});

const problemsOf = <A>(checked: Checked<A>): ReadonlyArray<string> => (checked.ok ? [] : checked.problems);
const settingsOf = <A>(checked: Checked<A>): A => {
  if (!checked.ok) throw new Error(`expected settings, got problems: ${checked.problems.join('; ')}`);
  return checked.value;
};

const exporting = suite('readExportSettings');

exporting('a saved search and a folder; the prefix defaults to inventory; values are trimmed', () => {
  assert.equal(
    settingsOf(readExportSettings(script({ [E.savedSearchId]: ' customsearch_inv ', [E.folderId]: '11' }))),
    {
      savedSearchId: 'customsearch_inv',
      folderId: 11,
      filePrefix: 'inventory',
    },
  );
  assert.equal(
    settingsOf(readExportSettings(script({ [E.savedSearchId]: 's', [E.folderId]: 11, [E.filePrefix]: 'hc_inv' })))
      .filePrefix,
    'hc_inv',
  );
});

exporting('every problem at once, each naming its parameter id', () => {
  const problems = problemsOf(readExportSettings(script({ [E.filePrefix]: 'bad prefix:' })));
  assert.is(problems.length, 3);
  assert.match(problems[0]!, E.savedSearchId);
  assert.match(problems[1]!, E.folderId);
  assert.match(problems[2]!, /bad prefix:/);
});

exporting('a folder id must be a positive whole number', () => {
  for (const bad of ['0', '-1', '1.5', 'abc', '1e400'])
    assert.match(
      problemsOf(readExportSettings(script({ [E.savedSearchId]: 's', [E.folderId]: bad })))[0] ?? '',
      /must be a positive whole number/,
      bad,
    );
});

// The least an upload deployment needs: folders, the SFTP server, its key and one credential.
const UPLOAD = {
  [U.exportFolderId]: '11',
  [U.archiveFolderId]: '12',
  [U.errorFolderId]: '13',
  [U.host]: 'sftp.hotwax.example',
  [U.username]: 'hotwax',
  [U.hostKey]: 'AAAAB3NzaC1yc2E',
  [U.keyId]: 'custkey_hc_oms_sftp',
};
const upload = (over: Record<string, unknown> = {}) => readUploadSettings(script({ ...UPLOAD, ...over }));

const uploading = suite('readUploadSettings');

uploading('the defaults: port 22, the user inbox, archive and error delivered, parts up to 100,000,000 bytes', () => {
  assert.equal(settingsOf(upload()), {
    exportFolderId: 11,
    archiveFolderId: 12,
    errorFolderId: 13,
    host: 'sftp.hotwax.example',
    port: 22,
    username: 'hotwax',
    hostKey: 'AAAAB3NzaC1yc2E',
    hostKeyType: undefined,
    credential: { keyId: 'custkey_hc_oms_sftp' },
    remoteDirectory: '/home/hotwax/netsuite/inventoryitem/csv',
    deliveredDirectories: ['archive', 'error'],
    maxPartBytes: SFTP_MAX_FILE_BYTES,
  });
  assert.is(defaultRemoteDirectory('hotwax'), '/home/hotwax/netsuite/inventoryitem/csv');
});

uploading('credentials: a key, a password GUID, a secret, or a key with either; never a GUID with a secret', () => {
  const credential = (over: Record<string, unknown>) => settingsOf(upload({ [U.keyId]: null, ...over })).credential;
  assert.equal(credential({ [U.passwordGuid]: 'guid' }), { passwordGuid: 'guid' });
  assert.equal(credential({ [U.secret]: 'custsecret_x' }), { secret: 'custsecret_x' });
  assert.equal(credential({ [U.keyId]: 'k', [U.passwordGuid]: 'guid' }), { keyId: 'k', passwordGuid: 'guid' });
  assert.equal(credential({ [U.keyId]: 'k', [U.secret]: 's' }), { keyId: 'k', secret: 's' });
  assert.match(problemsOf(upload({ [U.passwordGuid]: 'guid', [U.secret]: 's' }))[0]!, /not both/);
  assert.match(problemsOf(upload({ [U.keyId]: '  ' }))[0]!, /no SFTP credential/);
});

uploading('the archive and error folders must differ from the export folder', () => {
  assert.equal(problemsOf(upload({ [U.archiveFolderId]: '11' })), [
    'the archive and error folders must differ from the export folder',
  ]);
  assert.is(problemsOf(upload({ [U.errorFolderId]: 11 })).length, 1);
});

uploading('port, user and host key type are checked', () => {
  assert.is(settingsOf(upload({ [U.port]: '2222' })).port, 2222);
  assert.match(problemsOf(upload({ [U.port]: '65536' }))[0]!, /at most 65535/);
  assert.match(problemsOf(upload({ [U.port]: '0' }))[0]!, /positive whole number/);
  for (const user of ['hot wax', 'hot/wax', 'hot\\wax'])
    assert.match(problemsOf(upload({ [U.username]: user }))[0]!, /must not contain/, user);
  assert.is(settingsOf(upload({ [U.hostKeyType]: ' RSA ' })).hostKeyType, 'rsa');
  assert.match(problemsOf(upload({ [U.hostKeyType]: 'ed25519' }))[0]!, /rsa, ecdsa or dsa, got 'ed25519'/);
});

uploading('the remote directory is absolute, without . or .. segments', () => {
  assert.is(settingsOf(upload({ [U.remoteDirectory]: '/srv/inbox' })).remoteDirectory, '/srv/inbox');
  for (const bad of ['inbox', '/srv/../etc', '/srv/./inbox', '/srv/..'])
    assert.match(problemsOf(upload({ [U.remoteDirectory]: bad }))[0] ?? '', /absolute path/, bad);
  assert.is(settingsOf(upload({ [U.remoteDirectory]: '/srv/..inbox' })).remoteDirectory, '/srv/..inbox');
});

uploading("delivered directories: a list relative to the inbox; '-' for none", () => {
  assert.equal(settingsOf(upload({ [U.deliveredDirectories]: ' done, failed ,,' })).deliveredDirectories, [
    'done',
    'failed',
  ]);
  assert.equal(settingsOf(upload({ [U.deliveredDirectories]: '-' })).deliveredDirectories, []);
  assert.equal(settingsOf(upload({ [U.deliveredDirectories]: 'archive/2026' })).deliveredDirectories, ['archive/2026']);
  for (const bad of ['/abs', 'a/../b', '..'])
    assert.match(problemsOf(upload({ [U.deliveredDirectories]: bad }))[0] ?? '', /relative to the inbox/, bad);
});

uploading('a part holds 1024 bytes at least and N/sftp’s 100,000,000 at most', () => {
  assert.is(MIN_PART_BYTES, 1024);
  assert.is(settingsOf(upload({ [U.maxPartBytes]: '1024' })).maxPartBytes, 1024);
  assert.is(settingsOf(upload({ [U.maxPartBytes]: 100_000_000 })).maxPartBytes, 100_000_000);
  for (const bad of ['1023', '100000001'])
    assert.match(problemsOf(upload({ [U.maxPartBytes]: bad }))[0] ?? '', /between 1024 and 100000000/, bad);
});

uploading('an empty deployment names every required parameter at once', () => {
  const problems = problemsOf(readUploadSettings(script({})));
  for (const id of [U.exportFolderId, U.archiveFolderId, U.errorFolderId, U.host, U.username, U.hostKey])
    assert.ok(
      problems.some((p) => p.includes(`(${id}) is required`)),
      `${id} in ${problems.join('; ')}`,
    );
  assert.ok(problems.some((p) => p.startsWith('no SFTP credential')));
});

exporting.run();
uploading.run();
