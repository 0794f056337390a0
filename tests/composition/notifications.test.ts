// The run notifications against a local HTTP receiver: runJobOn (what the CLI, the worker and the console run
// through) posts Slack-compatible JSON for a failed run and for a run that needs a person, with the run's console
// link and reason and no secret; a webhook that fails is logged and never fails the run.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { loadConfig } from '../../src/composition/config.ts';
import { type LiveStore, openLiveStore, runJobOn } from '../../src/composition/jobs.ts';
import { notificationText, runLink } from '../../src/composition/notifications.ts';
import { exportCsv, FACILITIES, PRODUCTS, STOCK } from '../support/import-scenario.ts';
import { run } from '../support/run.ts';

const TOKEN = 'shpat_notifications_secret_token';
const HOOK_SECRET = 'T000/B000/hook-secret-part';

interface Received {
  readonly path: string;
  readonly type: string | undefined;
  readonly body: unknown;
}

// A webhook receiver on an ephemeral port: answers `status` to every post and keeps what it was sent.
const receiver = async (status = 200) => {
  const received: Received[] = [];
  const read = (req: IncomingMessage) =>
    new Promise<string>((resolve) => {
      let body = '';
      req.on('data', (c: Buffer) => void (body += c.toString()));
      req.on('end', () => resolve(body));
    });
  const server: Server = createServer(async (req, res) => {
    received.push({ path: req.url ?? '', type: req.headers['content-type'], body: JSON.parse(await read(req)) });
    res.writeHead(status).end('ok');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/services/${HOOK_SECRET}`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
};

const setUp = async (webhookUrl: string) => {
  const dir = mkdtempSync(join(tmpdir(), 'oms-inventory-sync-notify-'));
  mkdirSync(join(dir, 'inbox'));
  const config = loadConfig(
    {
      inventoryStore: { sqlite: { file: join(dir, 'inventory.sqlite') } },
      inbox: { local: { root: join(dir, 'inbox') } },
      outbox: { local: { root: join(dir, 'outbox') } },
      import: { settleMs: 0 },
      shopify: { shop: 'notify-test.myshopify.com', adminUrl: 'http://127.0.0.1:9' },
      notifications: { consoleUrl: 'https://oms.example.com/console/', timeoutMs: 2_000 },
    },
    { SHOPIFY_ACCESS_TOKEN: TOKEN, NOTIFY_WEBHOOK_URL: webhookUrl },
  );
  if (config._tag === 'Left') throw new Error(config.left.problems.join('; '));
  const opened = await openLiveStore(config.right)();
  if (opened._tag === 'Left') throw new Error(opened.left.reason);
  const live: LiveStore = opened.right;
  await run(live.store.saveFacilities(FACILITIES));
  await run(live.store.saveProducts(PRODUCTS));
  await run(live.store.saveStockLevels(STOCK));
  const drop = (name: string, rows: string[]) => {
    writeFileSync(join(dir, 'inbox', name), exportCsv(rows));
    const old = new Date(Date.now() - 60_000);
    utimesSync(join(dir, 'inbox', name), old, old);
  };
  return {
    live,
    drop,
    dispose: async () => {
      await live.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
};

const text = suite('notificationText and runLink');
text('one line of what happened, the reason (Slack markup escaped), the link', () => {
  assert.is(
    runLink('https://oms.example.com/console/', 'hard-sync-1 2'),
    'https://oms.example.com/console/runs/hard-sync-1%202',
  );
  assert.is(runLink(null, 'x'), null);
  assert.is(
    notificationText(
      {
        runId: 'r1',
        job: 'hard-sync',
        parameters: { facilityGroupId: 'SHOPIFY_US' },
        outcome: 'failed',
        reason: 'ShopifyUnavailable: <!channel> & co',
        report: null,
        retriable: true,
      },
      'https://oms.example.com',
    ),
    ':x: hard-sync (SHOPIFY_US) failed (run r1)\nShopifyUnavailable: &lt;!channel&gt; &amp; co\nhttps://oms.example.com/runs/r1',
  );
  assert.is(
    notificationText(
      {
        runId: 'r2',
        job: 'import',
        parameters: {},
        outcome: 'needs-attention',
        reason: '1 file(s) held-back',
        report: null,
        retriable: false,
      },
      null,
    ),
    ':warning: import needs a person (run r2)\n1 file(s) held-back',
  );
});
text.run();

const webhook = suite('the webhook, called as runs end');
let hook: Awaited<ReturnType<typeof receiver>>;
let world: Awaited<ReturnType<typeof setUp>>;
webhook.after.each(async () => {
  await world?.dispose();
  await hook?.close();
});

webhook('a failed run and a run that held a file back are posted, with the link and reason, no secret', async () => {
  hook = await receiver();
  world = await setUp(hook.url);
  const logged: string[] = [];
  const log = (level: string, msg: string, fields: Record<string, unknown> = {}) =>
    void logged.push(`${level} ${msg} ${JSON.stringify(fields)}`);
  // A hard sync of a group that is not a channel: it fails before any call.
  const failed = await runJobOn(
    world.live,
    { job: 'hard-sync', parameters: { facilityGroupId: 'NOPE' } },
    { worker: 'w', runId: 'run-failed', log },
  );
  assert.is(failed._tag, 'Left');
  // An export whose every row is bad: held back (a person must look), the run itself succeeds.
  world.drop('inventory-20261122T010000Z.csv', ['A,101,lots,9001', 'B,101,many,9002']);
  const held = await runJobOn(world.live, { job: 'import', parameters: {} }, { worker: 'w', runId: 'run-held', log });
  assert.is(held._tag, 'Right');
  // A clean import needs nobody: nothing is posted for it.
  world.drop('inventory-20261122T020000Z.csv', ['A,101,42,9001']);
  assert.is(
    (await runJobOn(world.live, { job: 'import', parameters: {} }, { worker: 'w', runId: 'run-clean', log }))._tag,
    'Right',
  );

  assert.equal(
    hook.received.map((r) => [r.path, r.type]),
    [
      [`/services/${HOOK_SECRET}`, 'application/json'],
      [`/services/${HOOK_SECRET}`, 'application/json'],
    ],
  );
  const [first, second] = hook.received.map((r) => (r.body as { text: string }).text);
  assert.equal(Object.keys(hook.received[0]!.body as object), ['text']);
  assert.match(
    first!,
    /^:x: hard-sync \(NOPE\) failed \(run run-failed\)\n.+\nhttps:\/\/oms\.example\.com\/console\/runs\/run-failed$/,
  );
  assert.match(
    second!,
    /^:warning: import needs a person \(run run-held\)\n1 file\(s\) held-back, 2 row\(s\) rejected\nhttps:\/\/oms\.example\.com\/console\/runs\/run-held$/,
  );
  for (const body of [first!, second!]) {
    assert.not.match(body, TOKEN);
    assert.not.match(body, HOOK_SECRET);
  }
  assert.equal(
    logged.filter((l) => l.includes('webhook')),
    [],
  );
});

webhook(
  'a webhook that refuses or cannot be reached is logged (its URL redacted) and the run ends as it would',
  async () => {
    hook = await receiver(500);
    world = await setUp(hook.url);
    const logged: string[] = [];
    const log = (level: string, msg: string, fields: Record<string, unknown> = {}) =>
      void logged.push(`${level} ${msg} ${JSON.stringify(fields)}`);
    const failed = await runJobOn(
      world.live,
      { job: 'hard-sync', parameters: { facilityGroupId: 'NOPE' } },
      { worker: 'w', runId: 'run-a', log },
    );
    assert.is(failed._tag, 'Left');
    assert.is(failed._tag === 'Left' ? failed.left._tag : '', 'JobFailed');
    assert.equal(logged, [
      'warn notification webhook refused the message {"runId":"run-a","job":"hard-sync","status":500}',
    ]);
    await hook.close();
    // Nobody listens there now.
    logged.length = 0;
    const again = await runJobOn(
      world.live,
      { job: 'hard-sync', parameters: { facilityGroupId: 'NOPE' } },
      { worker: 'w', runId: 'run-b', log },
    );
    assert.is(again._tag, 'Left');
    assert.is(logged.length, 1);
    assert.match(logged[0]!, /^warn notification webhook could not be called/);
    assert.not.match(logged[0]!, HOOK_SECRET);
    const runs = await run(world.live.store.listRuns({ limit: 10 }));
    assert.equal(
      runs.map((r) => [r.runId, r.outcome]),
      [
        ['run-b', 'failed'],
        ['run-a', 'failed'],
      ],
    );
  },
);

webhook(
  'without a webhook nothing is posted; a bad NOTIFY_WEBHOOK_URL is a configuration problem that hides it',
  async () => {
    const bad = loadConfig({}, { NOTIFY_WEBHOOK_URL: 'ftp://hooks.example.com/secret-path' });
    assert.equal(bad._tag === 'Left' ? bad.left.problems : [], [
      'NOTIFY_WEBHOOK_URL: not an http(s) URL (its value is not shown)',
    ]);
    const none = loadConfig({}, {});
    assert.is(none._tag === 'Right' ? none.right.notifications : 'left', undefined);
    const fileOnly = loadConfig({ notifications: { webhookUrl: 'https://hooks.example.com/x' } }, {});
    assert.equal(fileOnly._tag === 'Right' ? fileOnly.right.notifications : null, {
      webhookUrl: 'https://hooks.example.com/x',
      consoleUrl: null,
      timeoutMs: 5_000,
    });
    const unknown = loadConfig({ notifications: { webhook: 'x' } }, {});
    assert.match(unknown._tag === 'Left' ? unknown.left.problems.join() : '', /notifications\.webhook: unknown key/);
  },
);
webhook.run();
