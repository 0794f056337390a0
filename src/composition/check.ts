import { existsSync } from 'node:fs';
import { isLeft } from 'fp-ts/lib/Either.js';
import { openOrm, type StoreLocation } from '../adapters/persistence/orm.ts';
import { isDatabaseMissing } from '../adapters/persistence/postgres-dialect.ts';
import { shopifyInventory } from '../adapters/shopify/shopify-inventory.ts';
import type { FileStoreError } from '../application/file-store.ts';
import type { SalesChannel } from '../application/catalogue.ts';
import { redactor } from '../application/redaction.ts';
import type { ShopifyError } from '../application/shopify-inventory.ts';
import type { ShopifyShop } from '../application/shopify-shop.ts';
import { type Config, type InboxConfig, loadConfig, type ShopifyConfig, type StoreConfig } from './config.ts';
import { openInbox, openInventoryStore } from './live.ts';

/**
 * One line of `check`: what was checked, whether it passed, and why. A failure is of kind `configuration` when a
 * rerun cannot fix it (a setting, a secret, a refused token, a host key mismatch, a missing scope or location), else
 * `unavailable` (worth retrying: a server did not answer).
 */
export interface CheckLine {
  readonly check: string;
  readonly status: 'ok' | 'failed' | 'not configured' | 'not checked';
  readonly detail: string;
  readonly kind?: 'configuration' | 'unavailable';
}

/** The scopes the Shopify jobs need of the access token. */
export const REQUIRED_SCOPES = ['read_inventory', 'write_inventory', 'read_products'] as const;

const ok = (check: string, detail: string): CheckLine => ({ check, status: 'ok', detail });
const failed = (check: string, detail: string, kind: CheckLine['kind'] = 'configuration'): CheckLine => ({
  check,
  status: 'failed',
  detail,
  kind,
});
const skipped = (check: string, detail: string): CheckLine => ({ check, status: 'not checked', detail });
const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** Whether the database answers and its schema is current; never creates an SQLite file. */
const checkStore = async (store: StoreConfig, say: (s: string) => string): Promise<CheckLine> => {
  const name = 'database';
  if (store.kind === 'postgres' && store.url === '')
    return failed(name, 'DATABASE_URL is not set (the postgres store needs it in the environment)');
  if (store.kind === 'sqlite' && !existsSync(store.file))
    return failed(name, `no SQLite database at ${store.file} yet (any setup command creates and migrates it)`);
  const location: StoreLocation = store.kind === 'postgres' ? { postgresUrl: store.url } : { sqliteFile: store.file };
  let orm: Awaited<ReturnType<typeof openOrm>> | undefined;
  try {
    orm = await openOrm(location);
    const pending = await orm.pendingMigrations();
    return pending.length === 0
      ? ok(name, `${store.kind} reachable and migrated`)
      : failed(
          name,
          `${store.kind} reachable but not migrated: ${pending.length} step${pending.length === 1 ? '' : 's'} pending (${pending.join(', ')}); any setup command applies them`,
        );
  } catch (error) {
    // A database that is not there is for a person to fix (its name, or createDatabase), not a server away.
    if (isDatabaseMissing(error)) return failed(name, say(messageOf(error)));
    return failed(name, `${store.kind} not reachable: ${say(messageOf(error))}`, 'unavailable');
  } finally {
    await orm?.close().catch(() => undefined);
  }
};

const fileStoreReason = (e: FileStoreError): string =>
  e._tag === 'HostKeyMismatch'
    ? `the server presented ${e.actual}, not the pinned ${e.expected}`
    : e._tag === 'FileStoreUnavailable' || e._tag === 'FileStoreFailed'
      ? e.reason
      : e._tag === 'FileNotFound'
        ? `no folder ${e.path}`
        : `unsafe name ${e.name}`;

/** The inbox's lines: a local folder (one line), or an SFTP server's host key, authentication and folder. */
const checkInbox = async (label: string, inbox: InboxConfig, say: (s: string) => string): Promise<CheckLine[]> => {
  if (inbox.kind === 'local')
    return [
      existsSync(inbox.root)
        ? ok(label, `local folder ${inbox.root}`)
        : failed(label, `no folder ${inbox.root} (the import creates it, or point the configuration elsewhere)`),
    ];
  const where = `sftp://${inbox.username}@${inbox.host}:${inbox.port}`;
  const [hostKey, auth, folder] = [`${label} host key`, `${label} authentication`, `${label} folder`];
  if (inbox.password === undefined && inbox.privateKey === undefined)
    return [
      skipped(hostKey, 'no credential to connect with'),
      failed(auth, 'no credential: set SFTP_PRIVATE_KEY, SFTP_PRIVATE_KEY_FILE (or privateKeyFile) or SFTP_PASSWORD'),
      skipped(folder, 'not connected'),
    ];
  const opened = await openInbox(inbox)();
  if (isLeft(opened))
    return [failed(auth, say(opened.left.reason)), skipped(hostKey, 'not connected'), skipped(folder, 'not connected')];
  try {
    const listed = await opened.right.list('')();
    if (!isLeft(listed))
      return [
        ok(hostKey, `${where} presented ${inbox.hostKeySha256}`),
        ok(auth, `logged in as ${inbox.username}`),
        ok(folder, `${inbox.remoteRoot}: ${listed.right.length} file${listed.right.length === 1 ? '' : 's'} waiting`),
      ];
    const e = listed.left;
    const reason = say(fileStoreReason(e));
    if (e._tag === 'HostKeyMismatch')
      return [failed(hostKey, reason), skipped(auth, 'not attempted'), skipped(folder, 'not connected')];
    if (e._tag === 'FileStoreFailed' && e.operation === 'connect')
      return /authentication/.test(e.reason)
        ? [
            ok(hostKey, `${where} presented the pinned key`),
            failed(auth, `cannot log in as ${inbox.username}: ${reason}`),
            skipped(folder, 'not logged in'),
          ]
        : [failed(hostKey, reason), skipped(auth, 'not connected'), skipped(folder, 'not connected')];
    if (e._tag === 'FileStoreUnavailable' && !/during list/.test(e.reason))
      return [
        failed(hostKey, `cannot connect to ${where}: ${reason}`, 'unavailable'),
        skipped(auth, 'not connected'),
        skipped(folder, 'not connected'),
      ];
    return [
      ok(hostKey, `${where} presented the pinned key`),
      ok(auth, `logged in as ${inbox.username}`),
      failed(folder, `${inbox.remoteRoot}: ${reason}`, e.retriable ? 'unavailable' : 'configuration'),
    ];
  } finally {
    await opened.right.close();
  }
};

/**
 * The shop's reads (`ShopifyShop`) for the setup commands and `check`: a few attempts only, since an operator waits
 * on the answer.
 */
export const shopifyShopOf = (shopify: ShopifyConfig): ShopifyShop =>
  shopifyInventory({
    shop: shopify.shop,
    accessToken: shopify.accessToken,
    apiVersion: shopify.apiVersion,
    timeoutMs: shopify.timeoutMs,
    maxAttempts: 2,
    ...(shopify.adminUrl === undefined ? {} : { adminUrl: shopify.adminUrl }),
  });

/** A Shopify error as a sentence's end: its reason, or what it is. */
export const shopifyReason = (e: ShopifyError): string =>
  'reason' in e ? e.reason : e._tag === 'ShopifyThrottled' ? `throttled (retry after ${e.retryAfterMs} ms)` : e._tag;

/** The token (accepted, its scopes) and the locations the store's sales channels of this shop name. */
const checkShopify = async (
  config: Config,
  channels: ReadonlyArray<SalesChannel> | string,
  say: (s: string) => string,
): Promise<CheckLine[]> => {
  const shopify = config.shopify;
  if (shopify === undefined) return [{ check: 'shopify', status: 'not configured', detail: 'no shopify section' }];
  if (shopify.accessToken === '')
    return [
      failed('shopify token', 'SHOPIFY_ACCESS_TOKEN is not set (the shopify section needs it in the environment)'),
      skipped('shopify scopes', 'no token'),
      skipped('shopify locations', 'no token'),
    ];
  const adapter = shopifyShopOf(shopify);
  const scopes = await adapter.accessScopes()();
  if (isLeft(scopes)) {
    const e = scopes.left;
    return [
      e._tag === 'ShopifyUnauthorized'
        ? failed('shopify token', `${shopify.shop} refused the access token`)
        : failed(
            'shopify token',
            `${shopify.shop}: ${say(shopifyReason(e))}`,
            e.retriable ? 'unavailable' : 'configuration',
          ),
      skipped('shopify scopes', 'token not accepted'),
      skipped('shopify locations', 'token not accepted'),
    ];
  }
  const lines = [ok('shopify token', `${shopify.shop} accepted the access token (API ${shopify.apiVersion})`)];
  const missing = REQUIRED_SCOPES.filter((s) => !scopes.right.includes(s));
  lines.push(
    missing.length === 0
      ? ok('shopify scopes', REQUIRED_SCOPES.join(', '))
      : failed('shopify scopes', `missing ${missing.join(', ')} (granted: ${scopes.right.join(', ') || 'none'})`),
  );
  if (typeof channels === 'string') return [...lines, skipped('shopify locations', channels)];
  const mine = channels.filter((c) => c.shop === shopify.shop);
  if (mine.length === 0)
    return [
      ...lines,
      failed('shopify locations', `no sales channel of ${shopify.shop} in the store (channel add sets one)`),
    ];
  const locations = await adapter.locations()();
  if (isLeft(locations))
    return [
      ...lines,
      failed(
        'shopify locations',
        say(shopifyReason(locations.left)),
        locations.left.retriable ? 'unavailable' : 'configuration',
      ),
    ];
  const byId = new Map(locations.right.map((l) => [l.id, l]));
  const absent = mine.filter((c) => !byId.has(c.locationId));
  return [
    ...lines,
    absent.length === 0
      ? ok(
          'shopify locations',
          mine
            .map((c) => `${c.facilityGroup.facilityGroupId} -> ${c.locationId} (${byId.get(c.locationId)!.name})`)
            .join(', '),
        )
      : failed(
          'shopify locations',
          `${absent.map((c) => `${c.facilityGroup.facilityGroupId} -> ${c.locationId}`).join(', ')} not a location of ${shopify.shop} (shopify locations lists them)`,
        ),
  ];
};

/** The sales channels the store holds, or why they could not be read. */
const salesChannelsOf = async (config: Config, storeLine: CheckLine): Promise<ReadonlyArray<SalesChannel> | string> => {
  if (storeLine.status !== 'ok') return 'the database did not pass';
  const store = await openInventoryStore(config.inventoryStore)();
  if (isLeft(store)) return store.left.reason;
  try {
    const groups = await store.right.facilityGroups()();
    if (isLeft(groups)) return groups.left.reason;
    const channels: SalesChannel[] = [];
    for (const g of groups.right) {
      const channel = await store.right.salesChannel(g.facilityGroupId)();
      if (isLeft(channel)) return channel.left.reason;
      if (channel.right !== null) channels.push(channel.right);
    }
    return channels;
  } finally {
    await store.right.close();
  }
};

/**
 * Every check of a configuration (the settings file's parsed JSON, or undefined for the embedded defaults) and the
 * environment, one line each: the configuration, the database, the inboxes, an SFTP outbox, Shopify. Each check uses only its own
 * settings and secrets, so a missing secret fails its own line (and the configuration's), not the others.
 */
export const runChecks = async (
  file: unknown,
  env: Readonly<Record<string, string | undefined>>,
): Promise<ReadonlyArray<CheckLine>> => {
  const real = loadConfig(file, env);
  const lines: CheckLine[] = [
    isLeft(real) ? failed('configuration', real.left.problems.join('; ')) : ok('configuration', 'valid'),
  ];
  // The configuration's shape without its secrets (none needed): each check below says what its own secret lacks.
  const shaped = isLeft(real) ? loadConfig(file, env, []) : real;
  if (isLeft(shaped)) return [...lines, skipped('the rest', 'the configuration file is invalid')];
  const config = shaped.right;
  const secrets = [
    env.DATABASE_URL,
    env.SHOPIFY_ACCESS_TOKEN,
    env.SFTP_PASSWORD,
    env.SFTP_PASSPHRASE,
    env.SFTP_PRIVATE_KEY,
  ];
  const say = redactor(secrets.filter((s): s is string => s !== undefined && s !== ''));
  const storeLine = await checkStore(config.inventoryStore, say);
  lines.push(storeLine);
  lines.push(...(await checkInbox('inbox', config.inbox, say)));
  lines.push(
    ...(config.importEvents.configured === true
      ? await checkInbox('event feeds inbox', config.importEvents.inbox, say)
      : [{ check: 'event feeds inbox', status: 'not configured' as const, detail: 'no importEvents section' }]),
  );
  // An SFTP outbox is checked as an inbox is (a local one is created by the first Hard Sync).
  if (config.outbox.kind === 'sftp') lines.push(...(await checkInbox('outbox', config.outbox, say)));
  const channels = config.shopify === undefined ? [] : await salesChannelsOf(config, storeLine);
  lines.push(...(await checkShopify(config, channels, say)));
  return lines;
};

/** The exit code of a check: 0 when nothing failed, 2 when a failure is of configuration, else 1. */
export const checkExitCode = (lines: ReadonlyArray<CheckLine>): number =>
  lines.some((l) => l.status === 'failed' && l.kind === 'configuration')
    ? 2
    : lines.some((l) => l.status === 'failed')
      ? 1
      : 0;
