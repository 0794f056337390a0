import { isLeft, isRight } from 'fp-ts/lib/Either.js';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { defaultImportEventsConfig } from '../../src/application/import-events.ts';
import { defaultImportConfig } from '../../src/application/import-inventory.ts';
import { defaultProcessUploadsConfig } from '../../src/application/process-uploads.ts';
import { loadConfig } from '../../src/composition/config.ts';
import { shopifyAdapterOf } from '../../src/composition/live.ts';
import {
  SHOPIFY_DEFAULT_BULK_BATCH,
  SHOPIFY_DEFAULT_BULK_READ_THRESHOLD,
  SHOPIFY_DEFAULT_BULK_SKU_THRESHOLD,
  SHOPIFY_DEFAULT_BULK_THRESHOLD,
  SHOPIFY_DEFAULT_BULK_WAIT_MS,
  SHOPIFY_DEFAULT_THROTTLE_WAIT_MS,
  SHOPIFY_DEFAULT_TIMEOUT_MS,
  SHOPIFY_MAX_QUANTITIES_PER_CALL,
} from '../../src/adapters/shopify/shopify-inventory.ts';

const config = suite('loadConfig');

config('no file: the embedded defaults (SQLite, a local inbox, exact ATP)', () => {
  const c = loadConfig(undefined, {});
  assert.ok(isRight(c));
  if (!isRight(c)) return;
  assert.equal(c.right.inventoryStore, { kind: 'sqlite', file: '.oms-inventory-sync/inventory.sqlite' });
  assert.equal(c.right.inbox, { kind: 'local', root: '.oms-inventory-sync/inbox' });
  assert.equal(
    [c.right.import.method, c.right.import.maxRejectedShare, c.right.import.columns.quantity],
    ['exact-atp', 0.5, 'availableQty'],
  );
});

config('PostgreSQL and SFTP take their secrets from the environment', () => {
  const file = {
    inventoryStore: { postgres: {} },
    inbox: {
      sftp: {
        host: 'sftp.example',
        username: 'acme',
        remoteRoot: '/home/{sftp.user}/netsuite/inventoryitem/csv',
        hostKeySha256: `SHA256:${'A'.repeat(43)}`,
      },
    },
    import: { method: 'exact-qoh', columns: { quantity: 'Available' } },
  };
  const c = loadConfig(file, { DATABASE_URL: 'postgres://u:secret@db/oms', SFTP_PRIVATE_KEY_FILE: '/keys/id' });
  assert.ok(isRight(c));
  if (!isRight(c)) return;
  assert.equal(c.right.inventoryStore, { kind: 'postgres', url: 'postgres://u:secret@db/oms', createDatabase: false });
  const creating = loadConfig(
    { inventoryStore: { postgres: { createDatabase: true } } },
    { DATABASE_URL: 'postgres://u:secret@db/oms' },
  );
  assert.equal(isRight(creating) && creating.right.inventoryStore, {
    kind: 'postgres',
    url: 'postgres://u:secret@db/oms',
    createDatabase: true,
  });
  const misspelt = loadConfig({ inventoryStore: { postgres: { createDatabse: true } } }, { DATABASE_URL: 'x' });
  assert.ok(
    isLeft(misspelt) && misspelt.left.problems.some((p) => p.includes('createDatabse')),
    JSON.stringify(misspelt),
  );
  assert.equal(c.right.inbox, {
    kind: 'sftp',
    host: 'sftp.example',
    port: 22,
    username: 'acme',
    remoteRoot: '/home/acme/netsuite/inventoryitem/csv',
    hostKeySha256: `SHA256:${'A'.repeat(43)}`,
    privateKey: { file: '/keys/id' },
  });
  assert.equal(
    [c.right.import.method, c.right.import.columns.quantity, c.right.import.columns.location],
    ['exact-qoh', 'Available', 'externalFacilityId'],
  );
});

config('every bad key is named, and no secret is echoed', () => {
  const c = loadConfig(
    {
      import: { method: 'reset-everything', maxRejectedShare: 2 },
      inbox: { sftp: { host: 'h', username: 'u', remoteRoot: '/r', hostKeySha256: 'accept-any' } },
    },
    {},
  );
  assert.ok(isLeft(c));
  if (!isLeft(c)) return;
  const text = c.left.problems.join('\n');
  assert.match(text, /import\.method/);
  assert.match(text, /import\.maxRejectedShare/);
  assert.match(text, /hostKeySha256: expected HostKeyFingerprint/);
  const missing = loadConfig({ inventoryStore: { postgres: {} } }, {});
  assert.ok(isLeft(missing) && missing.left.problems.some((p) => p.startsWith('DATABASE_URL')));
  const noCredential = loadConfig(
    { inbox: { sftp: { host: 'h', username: 'u', remoteRoot: '/r', hostKeySha256: `SHA256:${'A'.repeat(43)}` } } },
    {},
  );
  assert.ok(isLeft(noCredential) && noCredential.left.problems.some((p) => p.startsWith('inbox.sftp: no credential')));
});

config('import.exportTimePattern: the SuiteScript names by default, another pattern when set, a bad one named', () => {
  const c = loadConfig(undefined, {});
  assert.ok(isRight(c) && c.right.import.exportTimePattern === defaultImportConfig('', '').exportTimePattern);
  const exportTimePattern = 'stock_(?<year>\\d{4})(?<month>\\d{2})(?<day>\\d{2})_(?<hour>\\d{2})(?<minute>\\d{2})';
  const set = loadConfig({ import: { exportTimePattern } }, {});
  assert.ok(isRight(set) && set.right.import.exportTimePattern === exportTimePattern);
  for (const bad of ['(', 'inventory-(?<year>\\d{4})\\.csv']) {
    const refused = loadConfig({ import: { exportTimePattern: bad } }, {});
    assert.ok(isLeft(refused) && refused.left.problems.some((p) => /import\.exportTimePattern/.test(p)), bad);
  }
});

config('a misspelt key is an error naming it, not a setting silently ignored', () => {
  const c = loadConfig(
    { import: { metod: 'exact-qoh', columns: { qty: 'x' } }, inbox: { local: { root: '/in', rot: '/x' } } },
    {},
  );
  assert.ok(isLeft(c));
  if (!isLeft(c)) return;
  assert.equal(c.left.problems.map((p) => p.split(':')[0]).sort(), [
    'import.columns.qty',
    'import.metod',
    'inbox.local.rot',
  ]);
});

config('import.maxLineBytes: 64 KiB by default, 1 KiB to 16 MiB', () => {
  const of = (maxLineBytes?: number) => loadConfig(maxLineBytes === undefined ? {} : { import: { maxLineBytes } }, {});
  const byDefault = of();
  assert.ok(isRight(byDefault) && byDefault.right.import.maxLineBytes === 65_536);
  const set = of(4_096);
  assert.ok(isRight(set) && set.right.import.maxLineBytes === 4_096);
  for (const bad of [10, 32 * 1024 * 1024, 1.5]) {
    const refused = of(bad);
    assert.ok(
      isLeft(refused) &&
        refused.left.problems.some((p) => /^import\.maxLineBytes: expected LineBytesFrom1KiBTo16MiB/.test(p)),
      String(bad),
    );
  }
});

config('every default is the one its use case defines: the import, Process uploads', () => {
  const c = loadConfig({ shopify: { shop: 'acme.myshopify.com' } }, { SHOPIFY_ACCESS_TOKEN: 'shpat_x' });
  assert.ok(isRight(c));
  if (!isRight(c)) return;
  const { runId, owner, ...importDefaults } = defaultImportConfig('run', 'owner');
  assert.equal([runId, owner], ['run', 'owner']);
  assert.equal(c.right.import, importDefaults);
  const uploads = defaultProcessUploadsConfig('run');
  assert.equal(
    [c.right.shopify?.batchSize, c.right.shopify?.reason, c.right.shopify?.staleRounds],
    [SHOPIFY_MAX_QUANTITIES_PER_CALL, uploads.reason, uploads.staleRounds],
  );
  const {
    timeoutMs,
    throttleWaitMs,
    bulkWaitMs,
    bulkThreshold,
    bulkBatch,
    bulkReadThreshold,
    bulkSkuThreshold,
    maxInFlight,
  } = c.right.shopify ?? {};
  assert.equal(
    [timeoutMs, throttleWaitMs, bulkWaitMs, bulkThreshold, bulkBatch, bulkReadThreshold, bulkSkuThreshold, maxInFlight],
    [
      SHOPIFY_DEFAULT_TIMEOUT_MS,
      SHOPIFY_DEFAULT_THROTTLE_WAIT_MS,
      SHOPIFY_DEFAULT_BULK_WAIT_MS,
      SHOPIFY_DEFAULT_BULK_THRESHOLD,
      SHOPIFY_DEFAULT_BULK_BATCH,
      SHOPIFY_DEFAULT_BULK_READ_THRESHOLD,
      SHOPIFY_DEFAULT_BULK_SKU_THRESHOLD,
      'auto',
    ],
  );
  // Each is settable.
  const settings = {
    timeoutMs: 5_000,
    throttleWaitMs: 60_000,
    bulkWaitMs: 120_000,
    bulkThreshold: 1_000,
    bulkBatch: 2_000,
    bulkReadThreshold: 300,
    bulkSkuThreshold: 400,
    maxInFlight: 4,
  };
  const set = loadConfig({ shopify: { shop: 'acme.myshopify.com', ...settings } }, { SHOPIFY_ACCESS_TOKEN: 'x' });
  assert.ok(isRight(set));
  if (isRight(set)) {
    const s = set.right.shopify;
    assert.equal(
      [
        s?.timeoutMs,
        s?.throttleWaitMs,
        s?.bulkWaitMs,
        s?.bulkThreshold,
        s?.bulkBatch,
        s?.bulkReadThreshold,
        s?.bulkSkuThreshold,
        s?.maxInFlight,
      ],
      Object.values(settings),
    );
    // The adapter of the live jobs takes the setting: map-products looks 400 SKUs up in bulk, not 399.
    if (s !== undefined) assert.equal([399, 400].map(shopifyAdapterOf(set.right, s).findsSkusInBulk), [false, true]);
  }
  // The largest batch is Shopify's limit, from its adapter.
  const tooLarge = loadConfig(
    { shopify: { shop: 'acme.myshopify.com', batchSize: 251 } },
    { SHOPIFY_ACCESS_TOKEN: 'x' },
  );
  assert.ok(isLeft(tooLarge) && tooLarge.left.problems.some((p) => /batchSize: expected BatchSizeUpTo250/.test(p)));
  const noSkus = loadConfig(
    { shopify: { shop: 'acme.myshopify.com', bulkSkuThreshold: 0 } },
    { SHOPIFY_ACCESS_TOKEN: 'x' },
  );
  assert.ok(isLeft(noSkus) && noSkus.left.problems.some((p) => /bulkSkuThreshold: expected PositiveInt/.test(p)));
});

config(
  'importEvents: its own inbox (local or SFTP), its settings with the use case defaults, never the NetSuite inbox',
  () => {
    const { runId, owner, ...defaults } = defaultImportEventsConfig('run', 'owner');
    assert.equal([runId, owner], ['run', 'owner']);
    const none = loadConfig(undefined, {});
    assert.ok(isRight(none));
    if (!isRight(none)) return;
    assert.equal(none.right.importEvents, {
      inbox: { kind: 'local', root: '.oms-inventory-sync/events-inbox' },
      settings: defaults,
    });
    const sftp = {
      host: 'sftp.example',
      username: 'acme',
      remoteRoot: '/home/{sftp.user}/events',
      hostKeySha256: `SHA256:${'A'.repeat(43)}`,
    };
    const set = loadConfig(
      { importEvents: { inbox: { sftp }, batchSize: 500, maxLineBytes: 4096, settleMs: 0, lockLeaseMs: 60_000 } },
      { SFTP_PASSWORD: 'pw' },
    );
    assert.ok(isRight(set));
    if (!isRight(set)) return;
    assert.equal(set.right.importEvents, {
      configured: true,
      inbox: {
        kind: 'sftp',
        host: 'sftp.example',
        port: 22,
        username: 'acme',
        remoteRoot: '/home/acme/events',
        hostKeySha256: `SHA256:${'A'.repeat(43)}`,
        password: 'pw',
      },
      settings: { batchSize: 500, maxLineBytes: 4096, settleMs: 0, lockLeaseMs: 60_000 },
    });
    const bad = loadConfig({ importEvents: { colour: 'red' } }, {});
    assert.ok(isLeft(bad));
    if (!isLeft(bad)) return;
    assert.equal(bad.left.problems, [
      'importEvents.colour: unknown key (known here: inbox, batchSize, maxLineBytes, settleMs, lockLeaseMs)',
    ]);
    const badValues = loadConfig({ importEvents: { inbox: { sftp }, batchSize: 0, maxLineBytes: 10 } }, {});
    assert.ok(isLeft(badValues));
    if (!isLeft(badValues)) return;
    assert.ok(
      badValues.left.problems.some((p) => /^importEvents\.batchSize: expected BatchSizeUpTo10000, got 0$/.test(p)),
    );
    assert.ok(
      badValues.left.problems.some((p) => /^importEvents\.maxLineBytes: expected LineBytesFrom1KiBTo16MiB/.test(p)),
    );
    const noCredential = loadConfig({ importEvents: { inbox: { sftp } } }, {});
    assert.ok(
      isLeft(noCredential) &&
        noCredential.left.problems.some((p) => p.startsWith('importEvents.inbox.sftp: no credential')),
    );
    const same = loadConfig(
      { inbox: { sftp: { ...sftp, remoteRoot: '/home/acme/events/' } }, importEvents: { inbox: { sftp } } },
      { SFTP_PASSWORD: 'pw' },
    );
    assert.ok(
      isLeft(same) && same.left.problems.some((p) => p.startsWith('importEvents.inbox: the same folder as inbox')),
    );
    const sameLocal = loadConfig({ importEvents: { inbox: { local: { root: './.oms-inventory-sync/inbox' } } } }, {});
    assert.ok(isLeft(sameLocal));
  },
);

config('outbox: a local folder (the default) or an SFTP server, never the inbox or the event inbox', () => {
  const sftp = {
    host: 'sftp.example',
    username: 'acme',
    remoteRoot: '/home/{sftp.user}/feeds',
    hostKeySha256: `SHA256:${'A'.repeat(43)}`,
    tempDir: '/var/tmp/worker-a',
  };
  const byDefault = loadConfig(undefined, {});
  assert.ok(isRight(byDefault));
  if (!isRight(byDefault)) return;
  assert.equal(byDefault.right.outbox, { kind: 'local', root: '.oms-inventory-sync/outbox' });
  const remote = loadConfig({ outbox: { sftp } }, { SFTP_PRIVATE_KEY: 'PEM', SFTP_PASSPHRASE: 'pp' });
  assert.ok(isRight(remote));
  if (!isRight(remote)) return;
  assert.equal(remote.right.outbox, {
    kind: 'sftp',
    host: 'sftp.example',
    port: 22,
    username: 'acme',
    remoteRoot: '/home/acme/feeds',
    hostKeySha256: `SHA256:${'A'.repeat(43)}`,
    privateKey: { pem: 'PEM' },
    passphrase: 'pp',
    tempDir: '/var/tmp/worker-a',
  });
  // The credential is the Shopify jobs' secret: a command that never touches the outbox runs without it.
  const noCredential = loadConfig({ outbox: { sftp } }, {});
  assert.ok(isLeft(noCredential) && noCredential.left.problems.some((p) => p.startsWith('outbox.sftp: no credential')));
  assert.ok(isRight(loadConfig({ outbox: { sftp } }, {}, ['store', 'inbox'])));
  const unknown = loadConfig({ outbox: { sftp: { ...sftp, colour: 'red' } } }, { SFTP_PASSWORD: 'pw' });
  assert.ok(isLeft(unknown) && unknown.left.problems.some((p) => p.startsWith('outbox.sftp.colour: unknown key')));
  const asInbox = loadConfig(
    { inbox: { sftp: { ...sftp, remoteRoot: '/home/acme/feeds/' } }, outbox: { sftp } },
    { SFTP_PASSWORD: 'pw' },
  );
  assert.ok(isLeft(asInbox) && asInbox.left.problems.some((p) => p.startsWith('outbox: the same folder as inbox')));
  const asEvents = loadConfig(
    { importEvents: { inbox: { local: { root: 'data/feeds' } } }, outbox: { local: { root: './data/feeds' } } },
    {},
  );
  assert.ok(
    isLeft(asEvents) &&
      asEvents.left.problems.some((p) => p.startsWith('outbox: the same folder as importEvents.inbox')),
  );
  const otherServer = loadConfig(
    { inbox: { sftp: { ...sftp, host: 'other.example' } }, outbox: { sftp } },
    { SFTP_PASSWORD: 'pw' },
  );
  assert.ok(isRight(otherServer), 'the same path on another server is another folder');
});

config('outbox: the store, by default with the PostgreSQL store and on request with SQLite', () => {
  const url = { DATABASE_URL: 'postgres://u@h:5432/d' };
  const postgres = loadConfig({ inventoryStore: { postgres: {} } }, url);
  assert.ok(isRight(postgres) && postgres.right.outbox.kind === 'store');
  const folder = loadConfig({ inventoryStore: { postgres: {} }, outbox: { local: { root: 'feeds' } } }, url);
  assert.ok(isRight(folder) && folder.right.outbox.kind === 'local', 'a folder when the file names one');
  const sqlite = loadConfig({ outbox: { store: { tempDir: '/var/tmp/copies' } } }, {});
  assert.ok(isRight(sqlite));
  if (isRight(sqlite)) assert.equal(sqlite.right.outbox, { kind: 'store', tempDir: '/var/tmp/copies' });
  const unknown = loadConfig({ outbox: { store: { table: 'x' } } }, {});
  assert.ok(isLeft(unknown) && unknown.left.problems.some((p) => p.startsWith('outbox.store.table: unknown key')));
});

config.run();
