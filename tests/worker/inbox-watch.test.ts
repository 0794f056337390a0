// The inbox watch over the real local-folder inbox (openInbox), with the queue recorded: what it queues, that its
// polls never overlap, that a failing inbox is logged once per change of state, that every inbox it opens is closed.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isLeft, type Either } from 'fp-ts/lib/Either.js';
import type { TaskEither } from 'fp-ts/lib/TaskEither.js';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { FileStoreError, StoredFile } from '../../src/application/file-store.ts';
import { loadConfig, type InboxConfig } from '../../src/composition/config.ts';
import { openInbox, type StartupError } from '../../src/composition/live.ts';
import {
  startInboxWatch,
  watchedInboxes,
  type InboxWatch,
  type InboxWatchOptions,
  type OpenedInbox,
  type WatchedJob,
} from '../../src/worker/inbox-watch.ts';
import { startSshd, type SshServer } from '../support/sshd.ts';

const folders: string[] = [];
const watches: InboxWatch[] = [];
const folder = (): string => {
  const f = mkdtempSync(join(tmpdir(), 'oms-inventory-sync-watch-'));
  folders.push(f);
  return f;
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// The real openInbox, counted: every open, close and listing, and the most listings in flight at once.
const counted = (around: (store: OpenedInbox) => OpenedInbox = (s) => s) => {
  const c = { opens: 0, closes: 0, lists: 0, inFlight: 0, maxInFlight: 0 };
  const open =
    (inbox: InboxConfig): TaskEither<StartupError, OpenedInbox> =>
    async () => {
      const o = await openInbox(inbox)();
      if (isLeft(o)) return o;
      c.opens += 1;
      const inner = around(o.right);
      return {
        _tag: 'Right',
        right: {
          ...inner,
          list: (f: string) => async () => {
            c.lists += 1;
            c.inFlight += 1;
            c.maxInFlight = Math.max(c.maxInFlight, c.inFlight);
            try {
              return await inner.list(f)();
            } finally {
              c.inFlight -= 1;
            }
          },
          close: async () => {
            c.closes += 1;
            await inner.close();
          },
        },
      };
    };
  return { c, open };
};

const logged: Array<{ level: string; msg: string; fields: Record<string, unknown> }> = [];
const watch = (
  options: Partial<InboxWatchOptions> & Pick<InboxWatchOptions, 'inboxes' | 'open'>,
): { w: InboxWatch; queued: WatchedJob[] } => {
  const queued: WatchedJob[] = [];
  const w = startInboxWatch({
    periodMs: 50,
    pending: async () => false,
    queue: async (job): Promise<Either<{ reason: string }, string | null>> => {
      queued.push(job);
      return { _tag: 'Right', right: `id-${queued.length}` };
    },
    log: (level, msg, fields = {}) => void logged.push({ level, msg, fields: { ...fields } }),
    worker: 'watch-test',
    ...options,
  });
  watches.push(w);
  return { w, queued };
};
const local = (root: string): InboxConfig => ({ kind: 'local', root });
const csvInbox = (root: string) => ({
  job: 'import' as const,
  inbox: local(root),
  takes: (n: string) => /\.csv$/.test(n),
});

const test = suite('inbox watch');

let sshd: SshServer | undefined;
test.after(async () => {
  await Promise.allSettled(watches.map((w) => w.stop()));
  await sshd?.stop();
  for (const f of folders) rmSync(f, { recursive: true, force: true });
});

test('queues the job only while a file it would take is at the root: not for archive/, error/ or other names', async () => {
  const root = folder();
  mkdirSync(join(root, 'archive'));
  mkdirSync(join(root, 'error'));
  writeFileSync(join(root, 'archive', 'old.csv'), 'x');
  writeFileSync(join(root, 'error', 'bad.csv'), 'x');
  writeFileSync(join(root, 'notes.txt'), 'x');
  const { open, c } = counted();
  const { w, queued } = watch({ inboxes: [csvInbox(root)], open });
  await w.polled();
  await w.polled();
  assert.equal(queued, [], 'nothing pending: nothing queued');
  writeFileSync(join(root, 'inventory-20261201T000000Z.csv'), 'x');
  await w.polled();
  await w.polled();
  assert.ok(queued.length >= 1 && queued.every((j) => j === 'import'), queued.join());
  const line = logged.find((l) => l.msg === 'inbox watch: 1 file(s) waiting; import queued');
  assert.equal(line?.fields.names, ['inventory-20261201T000000Z.csv']);
  await w.stop();
  const lists = c.lists;
  await sleep(200);
  assert.is(c.lists, lists, 'stop stopped the timer');
  assert.equal([c.opens, c.closes], [1, 1], 'opened once, kept, closed at stop');
});

test('no request while a run already waits or runs; one again when it has gone', async () => {
  const root = folder();
  writeFileSync(join(root, 'a.csv'), 'x');
  let pending = true;
  const { open } = counted();
  const { w, queued } = watch({ inboxes: [csvInbox(root)], open, pending: async () => pending });
  await w.polled();
  await w.polled();
  assert.equal(queued, []);
  pending = false;
  await w.polled();
  assert.equal(queued, ['import']);
  await w.stop();
});

test('one poll at a time: a listing slower than the period is never overlapped', async () => {
  const root = folder();
  writeFileSync(join(root, 'a.csv'), 'x');
  const { open, c } = counted((s) => ({
    ...s,
    list: (f) => async () => {
      await sleep(120);
      return s.list(f)();
    },
  }));
  const { w } = watch({
    inboxes: [csvInbox(root), { ...csvInbox(folder()), job: 'import-events' }],
    open,
    periodMs: 10,
  });
  await sleep(700);
  await w.stop();
  assert.ok(c.lists >= 3, `${c.lists} listings`);
  assert.is(c.maxInFlight, 1);
  assert.is(c.opens, c.closes);
});

test('a failing listing is logged once when it starts and once when it works again; its inbox is closed each time', async () => {
  const root = folder();
  writeFileSync(join(root, 'a.csv'), 'x');
  let failures = 4;
  const { open, c } = counted((s) => ({
    ...s,
    list: (f) => async (): Promise<Either<FileStoreError, ReadonlyArray<StoredFile>>> => {
      if (failures > 0) {
        failures -= 1;
        return {
          _tag: 'Left',
          left: {
            _tag: 'FileStoreUnavailable',
            store: 'sftp',
            reason: 'cannot connect: ECONNREFUSED',
            retriable: true,
          },
        };
      }
      return s.list(f)();
    },
  }));
  const before = logged.length;
  const { w, queued } = watch({ inboxes: [csvInbox(root)], open });
  while (queued.length === 0) await w.polled();
  await w.polled();
  await w.stop();
  const mine = logged.slice(before).filter((l) => l.msg.startsWith('inbox watch: failing') || l.msg.includes('again'));
  assert.equal(
    mine.map((l) => [l.level, l.msg, l.fields.error, l.fields.failedPolls]),
    [
      [
        'warn',
        'inbox watch: failing; logged again when it works (the schedule still runs the job)',
        'sftp: cannot connect: ECONNREFUSED',
        undefined,
      ],
      ['info', 'inbox watch: working again', 'sftp: cannot connect: ECONNREFUSED', 4],
    ],
  );
  assert.is(c.opens, 5, 'opened again after each failed listing');
  assert.is(c.closes, c.opens, 'every inbox opened was closed');
});

test('an inbox that cannot be opened, and a queue that refuses, are logged once too', async () => {
  const before = logged.length;
  let opens = 0;
  const { w } = watch({
    inboxes: [csvInbox(folder())],
    open: () => async () => {
      opens += 1;
      return { _tag: 'Left', left: { _tag: 'StartupFailed', component: 'inbox (sftp)', reason: 'no such key file' } };
    },
  });
  await w.polled();
  await w.polled();
  await w.polled();
  await w.stop();
  assert.ok(opens >= 3);
  assert.equal(
    logged.slice(before).map((l) => [l.msg, l.fields.error]),
    [
      [
        'inbox watch: failing; logged again when it works (the schedule still runs the job)',
        'inbox (sftp): no such key file',
      ],
    ],
  );
  const root = folder();
  writeFileSync(join(root, 'a.csv'), 'x');
  const mark = logged.length;
  const { open } = counted();
  const refusing = watch({
    inboxes: [csvInbox(root)],
    open,
    queue: async () => ({ _tag: 'Left', left: { reason: 'Connection terminated' } }),
  });
  await refusing.w.polled();
  await refusing.w.polled();
  await refusing.w.stop();
  assert.equal(
    logged.slice(mark).map((l) => l.fields.error),
    ['queueing import: Connection terminated'],
  );
});

test('stop during a slow listing: no request after it, and the inbox is closed', async () => {
  const root = folder();
  writeFileSync(join(root, 'a.csv'), 'x');
  const { open, c } = counted((s) => ({
    ...s,
    list: (f) => async () => {
      await sleep(200);
      return s.list(f)();
    },
  }));
  const { w, queued } = watch({ inboxes: [csvInbox(root)], open });
  await sleep(50);
  await w.stop();
  await w.stop();
  await sleep(100);
  assert.equal(queued, []);
  assert.equal([c.opens, c.closes], [1, 1]);
});

test('an SFTP inbox: opened once and kept across polls, through a dropped connection; stop closes it', async () => {
  sshd = await startSshd();
  const { open, c } = counted();
  const inbox: InboxConfig = {
    kind: 'sftp',
    host: sshd.host,
    port: sshd.port,
    username: sshd.username,
    remoteRoot: sshd.root,
    hostKeySha256: sshd.hostKeySha256,
    privateKey: { pem: sshd.privateKey },
  };
  const before = logged.length;
  const { w, queued } = watch({ inboxes: [{ job: 'import', inbox, takes: (n) => /\.csv$/.test(n) }], open });
  await w.polled();
  await w.polled();
  assert.equal(queued, []);
  await sshd.dropConnections();
  writeFileSync(join(sshd.root, 'inventory-20261201T000000Z.csv'), 'x');
  while (queued.length === 0 && c.lists < 50) await w.polled();
  assert.equal(queued.slice(0, 1), ['import']);
  await w.stop();
  assert.equal([c.opens, c.closes], [1, 1], 'one inbox, kept; the adapter reconnected on its own');
  assert.equal(
    logged.slice(before).filter((l) => l.level !== 'info'),
    [],
    'a dropped idle connection is no failure',
  );
  // An SFTP connection left open would keep this process running after the suite: stop closed it.
});

test('watched inboxes: the NetSuite inbox; the event feeds inbox with an importEvents section or schedule', () => {
  const config = (file: Record<string, unknown>) => {
    const c = loadConfig({ inventoryStore: { postgres: {} }, ...file }, { DATABASE_URL: 'postgres://db/oms' });
    if (isLeft(c)) throw new Error(c.left.problems.join('; '));
    return c.right;
  };
  const bare = watchedInboxes(config({}), []);
  assert.equal(
    bare.map((w) => w.job),
    ['import'],
  );
  const [netsuite] = bare;
  assert.equal(
    ['inventory-20261201T000000Z.csv', 'X.CSV', 'a.csv.part', '.a.csv', 'a.jsonl', 'a.txt'].filter(netsuite!.takes),
    ['inventory-20261201T000000Z.csv', 'X.CSV'],
  );
  const feeds = watchedInboxes(config({ importEvents: { inbox: { local: { root: '/srv/feeds' } } } }), []);
  assert.equal(
    feeds.map((w) => [w.job, w.inbox]),
    [
      ['import', { kind: 'local', root: '.oms-inventory-sync/inbox' }],
      ['import-events', { kind: 'local', root: '/srv/feeds' }],
    ],
  );
  assert.equal(['wms.jsonl', 'pos.CSV', '~wms.jsonl', 'a.txt'].filter(feeds[1]!.takes), ['wms.jsonl', 'pos.CSV']);
  assert.equal(
    watchedInboxes(config({}), [{ job: 'import-events', cron: '*/5 * * * *', parameters: {} }]).map((w) => w.job),
    ['import', 'import-events'],
  );
});

test.run();
