// The outbox on SFTP (OpenSSH's sshd): a Hard Sync run by one worker writes its feed to the server, and Process
// uploads run by another worker, with local folders of its own, applies it exactly once. With a local outbox per
// worker (the control), the second worker finds nothing.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { loadConfig, type Config } from '../../src/composition/config.ts';
import { openLiveStore, runJobOn, validateRequest, type LiveStore } from '../../src/composition/jobs.ts';
import { shopifyScenario, TOKEN } from '../support/shopify-scenario.ts';
import { startSshd, type SshServer } from '../support/sshd.ts';

const outboxSftp = suite('the outbox on SFTP: any worker applies any feed, once');
let sshd: SshServer;
outboxSftp.before(async () => {
  sshd = await startSshd();
});
outboxSftp.after(async () => {
  await sshd.stop();
});

const request = (job: string, parameters: Record<string, string> = {}) => {
  const checked = validateRequest(job, parameters);
  if (checked._tag === 'Left') throw new Error(checked.left.problems.join('; '));
  return checked.right;
};

const files = (dir: string): string[] => {
  try {
    return readdirSync(dir, { withFileTypes: true })
      .filter((f) => f.isFile() && !f.name.startsWith('.'))
      .map((f) => f.name)
      .sort();
  } catch {
    return [];
  }
};

// One store, shared by two workers; each worker has local folders of its own (its inbox, its temp copies) and the
// outbox `outbox(workerDir)` answers.
const setUp = async (outbox: (workerDir: string) => unknown) => {
  const dir = mkdtempSync(join(tmpdir(), 'oms-inventory-sync-outbox-sftp-'));
  const store = { sqlite: { file: join(dir, 'inventory.sqlite') } };
  const bare = loadConfig({ inventoryStore: store }, {});
  if (bare._tag === 'Left') throw new Error(bare.left.problems.join('; '));
  const opened = await openLiveStore(bare.right)();
  if (opened._tag === 'Left') throw new Error(opened.left.reason);
  const s = await shopifyScenario(opened.right.store);
  const worker = (name: string): LiveStore => {
    const own = join(dir, name);
    mkdirSync(join(own, 'inbox'), { recursive: true });
    const config = loadConfig(
      {
        inventoryStore: store,
        inbox: { local: { root: join(own, 'inbox') } },
        outbox: outbox(own),
        shopify: { shop: s.server.shopDomain, adminUrl: s.server.url },
      },
      { SHOPIFY_ACCESS_TOKEN: TOKEN, SFTP_PRIVATE_KEY: sshd.privateKey },
    );
    if (config._tag === 'Left') throw new Error(config.left.problems.join('; '));
    return { ...opened.right, config: config.right as Config };
  };
  return {
    dir,
    s,
    a: worker('a'),
    b: worker('b'),
    dispose: async () => {
      await opened.right.close();
      await s.dispose();
      rmSync(dir, { recursive: true, force: true });
    },
  };
};

const sftpOutbox = (remoteRoot: string) => (own: string) => ({
  sftp: {
    host: sshd.host,
    port: sshd.port,
    username: sshd.username,
    remoteRoot,
    hostKeySha256: sshd.hostKeySha256,
    tempDir: join(own, 'tmp'),
  },
});

outboxSftp('a feed written by one worker is applied once by the other, from the SFTP outbox', async () => {
  // The server's folder exists (as the inbox's must): the sshd serves this machine's files at the same paths.
  const remote = join(sshd.root, 'outbox-1');
  mkdirSync(remote);
  const t = await setUp(sftpOutbox(remote));
  try {
    assert.is((await runJobOn(t.a, request('map-products'), { worker: 'a' }))._tag, 'Right');
    const synced = await runJobOn(t.a, request('hard-sync', { facilityGroupId: 'SHOPIFY_US' }), { worker: 'a' });
    assert.ok(synced._tag === 'Right' && synced.right.status === 'succeeded', JSON.stringify(synced));
    const feed = (synced.right.report as { feed: string }).feed;
    assert.equal(files(remote), [feed], 'the feed waits on the SFTP server');
    assert.not.ok(existsSync(join(t.dir, 'a', 'outbox')), 'nothing written to worker a’s disk');
    assert.is(t.s.server.available(t.s.items.P1, t.s.location), 0, 'not applied yet');

    const setCallsBefore = t.s.server.stats.setCalls;
    const applied = await runJobOn(t.b, request('process-uploads'), { worker: 'b' });
    assert.ok(applied._tag === 'Right' && applied.right.status === 'succeeded', JSON.stringify(applied));
    const report = applied.right.report as { applied: number; feeds: ReadonlyArray<{ feed: string }> };
    assert.is(report.applied, 3);
    assert.equal(
      report.feeds.map((f) => f.feed),
      [feed],
    );
    assert.is(t.s.server.available(t.s.items.P1, t.s.location), 75);
    assert.is(t.s.server.stats.setCalls - setCallsBefore, 1, 'one call for the three lines');
    assert.equal(files(remote), [], 'taken from the outbox');
    assert.equal(files(join(remote, 'archive')), [feed], 'archived on the server');
    assert.equal(files(join(t.dir, 'b', 'tmp')), [], 'worker b’s local copy released');

    // Either worker running again finds nothing left to apply: the feed was applied once.
    for (const [w, live] of [
      ['a', t.a],
      ['b', t.b],
    ] as const) {
      const again = await runJobOn(live, request('process-uploads'), { worker: w });
      assert.ok(again._tag === 'Right' && again.right.status === 'succeeded');
      assert.is((again.right.report as { applied: number }).applied, 0);
    }
    assert.is(t.s.server.stats.setCalls - setCallsBefore, 1, 'nothing sent again');
    assert.is(t.s.server.available(t.s.items.P1, t.s.location), 75);
  } finally {
    await t.dispose();
  }
});

outboxSftp('the control: with a local outbox per worker, the other worker finds no feed', async () => {
  const t = await setUp((own) => ({ local: { root: join(own, 'outbox') } }));
  try {
    assert.is((await runJobOn(t.a, request('map-products'), { worker: 'a' }))._tag, 'Right');
    const synced = await runJobOn(t.a, request('hard-sync', { facilityGroupId: 'SHOPIFY_US' }), { worker: 'a' });
    assert.ok(synced._tag === 'Right' && synced.right.status === 'succeeded');
    const applied = await runJobOn(t.b, request('process-uploads'), { worker: 'b' });
    assert.ok(applied._tag === 'Right');
    assert.is((applied.right.report as { applied: number }).applied, 0);
    assert.is(t.s.server.available(t.s.items.P1, t.s.location), 0);
  } finally {
    await t.dispose();
  }
});

outboxSftp.run();
