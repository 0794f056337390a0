// The event feed import over real SFTP (OpenSSH's sshd): the feeds fetched from the server's inbox, read line by
// line from the local copy, the error report written and the feeds archived on the server; the same feed dropped
// again is all duplicates. On SQLite.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { localLineReader } from '../../src/adapters/local-files/line-reader.ts';
import { localRowSpools } from '../../src/adapters/local-files/row-spool.ts';
import { openSqliteInventoryStore } from '../../src/adapters/persistence/sqlite-inventory-store.ts';
import { sftpFileStore } from '../../src/adapters/sftp/sftp-file-store.ts';
import { defaultImportEventsConfig, importEvents } from '../../src/application/import-events.ts';
import { systemClock } from '../../src/composition/live.ts';
import { run } from '../support/run.ts';
import { startSshd, type SshServer } from '../support/sshd.ts';

const test = suite('importEvents over SFTP');
let sshd: SshServer;
const work = mkdtempSync(join(tmpdir(), 'oms-inventory-sync-events-sftp-'));

test.before(async () => {
  sshd = await startSshd();
});

test.after(async () => {
  await sshd.stop();
  rmSync(work, { recursive: true, force: true });
});

const event = (eventId: string, type: string, quantity: number) =>
  JSON.stringify({
    eventId,
    type,
    productId: 'P1',
    facilityId: 'WH',
    quantity,
    occurredAt: '2026-12-01T10:00:00Z',
    source: 'wms',
  });

test('feeds in the SFTP inbox: recorded, rejections reported in error/, archived on the server', async () => {
  const store = await openSqliteInventoryStore({ file: join(work, 'inventory.sqlite') });
  const inbox = sftpFileStore({
    host: sshd.host,
    port: sshd.port,
    username: sshd.username,
    privateKey: sshd.privateKey,
    hostKeySha256: sshd.hostKeySha256,
    remoteRoot: sshd.root,
    tempDir: join(work, 'sftp-tmp'),
  });
  try {
    await store.migrate();
    await run(store.saveFacilities([{ facilityId: 'WH', externalId: '1' }]));
    await run(store.saveProducts([{ productId: 'P1', externalId: '9001' }]));
    const lines = Array.from({ length: 2_500 }, (_, i) => event(`s${i}`, 'received', 1));
    lines.splice(7, 0, '{ not json');
    const feed = `${lines.join('\n')}\n`;
    writeFileSync(join(sshd.root, 'wms-1.jsonl'), feed);
    writeFileSync(
      join(sshd.root, 'pos-1.csv'),
      'eventId,type,productId,facilityId,quantity,occurredAt,source\np1,shipped,P1,WH,1,2026-12-01T11:00:00Z,pos\n',
    );
    const deps = { ...inbox, ...localLineReader(), ...localRowSpools(), ...store, ...systemClock };
    const config = { ...defaultImportEventsConfig('sftp', 'sftp-worker'), settleMs: 10 };
    const report = await run(importEvents(config)(deps));
    assert.equal(
      report.files.map((f) => [f.name, f.outcome, f.applied, f.refused, f.rejected]),
      [
        ['pos-1.csv', 'archived', 0, 1, 0],
        ['wms-1.jsonl', 'archived', 2_500, 0, 1],
      ],
    );
    assert.equal(readdirSync(join(sshd.root, 'archive')).sort(), ['pos-1.csv', 'wms-1.jsonl']);
    const reports = readdirSync(join(sshd.root, 'error')).sort();
    assert.is(reports.length, 2);
    assert.match(
      readFileSync(join(sshd.root, 'error', reports[1]!), 'utf8'),
      /^file,line,field,reason\nwms-1\.jsonl,8,,"?not JSON/,
    );
    assert.match(
      readFileSync(join(sshd.root, 'error', reports[0]!), 'utf8'),
      /pos-1\.csv,2,quantity,"?refused \(ship-exceeds-reserved\)/,
    );
    assert.equal(readdirSync(join(work, 'sftp-tmp')), [], 'no local copy left');

    writeFileSync(join(sshd.root, 'wms-1.jsonl'), feed);
    const again = await run(importEvents({ ...config, runId: 'again' })(deps));
    assert.equal([again.applied, again.duplicate, again.rejected], [0, 2_500, 1]);
    assert.is(readdirSync(join(sshd.root, 'archive')).length, 3, 'archived beside the first copy');
    assert.is((await run(store.ledgerEntries(null, 10_000))).length, 2_500);
  } finally {
    await inbox.close();
    await store.close();
  }
});

test.run();
