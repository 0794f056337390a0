import * as E from 'fp-ts/lib/Either.js';
import { pipe } from 'fp-ts/lib/function.js';
import * as t from 'io-ts';
import { DEFAULT_EXPORT_COLUMNS } from './application/inventory-export.ts';
import { RESET_METHODS, type ResetMethod } from './domain/index.ts';
import { SHOPIFY_API_VERSION } from './adapters/shopify/api-version.ts';

const ResetMethodCodec = t.keyof(Object.fromEntries(RESET_METHODS.map((m) => [m, null])) as Record<ResetMethod, null>, 'ResetMethod');

const PositiveInt = t.refinement(t.number, (n) => Number.isSafeInteger(n) && n > 0, 'PositiveInteger');
const Share = t.refinement(t.number, (n) => n >= 0 && n <= 1, 'ShareBetween0And1');
const NonEmpty = t.refinement(t.string, (s) => s.length > 0, 'NonEmptyString');

/** The file of settings; secrets never go here (they come from the environment). Every key is optional. */
export const ConfigFile = t.exact(
  t.partial({
    inventoryStore: t.union([
      t.exact(t.type({ sqlite: t.exact(t.type({ file: NonEmpty })) })),
      t.exact(t.type({ postgres: t.exact(t.partial({})) })),
    ]),
    inbox: t.union([
      t.exact(t.type({ local: t.exact(t.type({ root: NonEmpty })) })),
      t.exact(
        t.type({
          sftp: t.exact(
            t.intersection([
              t.type({ host: NonEmpty, username: NonEmpty, remoteRoot: NonEmpty, hostKeySha256: t.refinement(t.string, (s) => /^SHA256:[A-Za-z0-9+/]{43}$/.test(s), 'HostKeyFingerprint') }),
              t.partial({ port: PositiveInt, privateKeyFile: NonEmpty, tempDir: NonEmpty }),
            ]),
          ),
        }),
      ),
    ]),
    outbox: t.exact(t.type({ local: t.exact(t.type({ root: NonEmpty })) })),
    shopify: t.exact(
      t.intersection([
        t.type({ shop: t.refinement(t.string, (s) => /^[a-z0-9][a-z0-9-]*\.myshopify\.com$/.test(s), 'MyshopifyDomain') }),
        t.partial({
          apiVersion: t.refinement(t.string, (s) => /^\d{4}-(01|04|07|10)$|^unstable$/.test(s), 'ApiVersion'),
          adminUrl: t.refinement(t.string, (s) => /^https?:\/\/[^\s/]+\/?$/.test(s), 'Origin'),
          batchSize: t.refinement(t.number, (n) => Number.isSafeInteger(n) && n >= 1 && n <= 250, 'BatchSizeUpTo250'),
          reason: NonEmpty,
          staleRounds: PositiveInt,
          timeoutMs: PositiveInt,
        }),
      ]),
    ),
    import: t.exact(
      t.partial({
        method: ResetMethodCodec,
        columns: t.exact(t.partial({ item: NonEmpty, location: NonEmpty, quantity: NonEmpty, itemInternalId: NonEmpty })),
        maxBytes: PositiveInt,
        maxRejectedShare: Share,
        settleMs: t.refinement(t.number, (n) => Number.isSafeInteger(n) && n >= 0, 'NonNegativeInteger'),
        lockLeaseMs: PositiveInt,
      }),
    ),
  }),
  'ConfigFile',
);
export type ConfigFile = t.TypeOf<typeof ConfigFile>;

/** Where the inventory store lives. */
export type StoreConfig = { readonly kind: 'sqlite'; readonly file: string } | { readonly kind: 'postgres'; readonly url: string };

/** Where the NetSuite exports arrive. Secrets are read from the environment, never from the file. */
export type InboxConfig =
  | { readonly kind: 'local'; readonly root: string }
  | {
      readonly kind: 'sftp';
      readonly host: string;
      readonly port: number;
      readonly username: string;
      readonly remoteRoot: string;
      readonly hostKeySha256: string;
      readonly privateKey?: { readonly file: string } | { readonly pem: string };
      readonly password?: string;
      readonly passphrase?: string;
      readonly tempDir?: string;
    };

/** The Shopify shop the push jobs write to; the access token comes from SHOPIFY_ACCESS_TOKEN, never from the file. */
export interface ShopifyConfig {
  readonly shop: string;
  readonly accessToken: string;
  /** Pinned: the version this release is tested against unless configured. */
  readonly apiVersion: string;
  /** Another origin for the Admin API (the test kit's local server); absent: https://{shop}. */
  readonly adminUrl?: string;
  readonly batchSize: number;
  readonly reason: string;
  readonly staleRounds: number;
  readonly timeoutMs: number;
}

/** The validated configuration of the jobs. */
export interface Config {
  readonly inventoryStore: StoreConfig;
  readonly inbox: InboxConfig;
  /** Where feed files wait for Process uploads. */
  readonly outbox: { readonly kind: 'local'; readonly root: string };
  /** Absent when the file has no `shopify` section: the Shopify jobs then refuse to start. */
  readonly shopify?: ShopifyConfig;
  readonly import: {
    readonly method: ResetMethod;
    readonly columns: typeof DEFAULT_EXPORT_COLUMNS;
    readonly maxBytes: number;
    readonly maxRejectedShare: number;
    readonly settleMs: number;
    readonly lockLeaseMs: number;
  };
}

/** A configuration that cannot be used, with every bad key named. */
export interface ConfigError {
  readonly _tag: 'ConfigInvalid';
  readonly problems: ReadonlyArray<string>;
}

/** The folder the embedded defaults keep their data in, relative to the working directory. */
export const DEFAULT_DATA_DIR = '.oms-inventory-sync';

// Every key the settings file may have: a misspelt key is an error, not a setting silently ignored.
type KeyTree = { readonly [key: string]: KeyTree | null };
const KNOWN_KEYS: KeyTree = {
  inventoryStore: { sqlite: { file: null }, postgres: {} },
  outbox: { local: { root: null } },
  shopify: { shop: null, apiVersion: null, adminUrl: null, batchSize: null, reason: null, staleRounds: null, timeoutMs: null },
  inbox: { local: { root: null }, sftp: { host: null, port: null, username: null, remoteRoot: null, hostKeySha256: null, privateKeyFile: null, tempDir: null } },
  import: { method: null, columns: { item: null, location: null, quantity: null, itemInternalId: null }, maxBytes: null, maxRejectedShare: null, settleMs: null, lockLeaseMs: null },
};

const unknownKeys = (value: unknown, known: KeyTree, path: string): ReadonlyArray<string> => {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [];
  return Object.entries(value).flatMap(([key, inner]) => {
    const at = path === '' ? key : `${path}.${key}`;
    if (!Object.hasOwn(known, key)) return [`${at}: unknown key (known here: ${Object.keys(known).join(', ') || 'none'})`];
    const below = known[key];
    return below === null || below === undefined ? [] : unknownKeys(inner, below, at);
  });
};

const describe = (errors: t.Errors): ReadonlyArray<string> =>
  Array.from(
    new Set(
      errors.map((e) => {
        const path = e.context.map((c) => c.key).filter((k) => k !== '' && !/^\d+$/.test(k)).join('.');
        const expected = e.context[e.context.length - 1]?.type.name ?? 'a valid value';
        return `${path || '(root)'}: expected ${expected}, got ${JSON.stringify(e.value)}`;
      }),
    ),
  );

/**
 * The configuration from a config file's parsed JSON (or undefined: none) and the environment:
 * DATABASE_URL (PostgreSQL, when the store is `postgres`), SFTP_PRIVATE_KEY or SFTP_PRIVATE_KEY_FILE, SFTP_PASSWORD,
 * SFTP_PASSPHRASE, SHOPIFY_ACCESS_TOKEN (an offline Admin API token, when there is a `shopify` section). Without a file, the embedded defaults: SQLite and a local inbox under `.oms-inventory-sync/`.
 */
export const loadConfig = (file: unknown, env: Readonly<Record<string, string | undefined>>): E.Either<ConfigError, Config> =>
  pipe(
    ConfigFile.decode(file ?? {}),
    E.mapLeft((errors): ConfigError => ({ _tag: 'ConfigInvalid', problems: [...unknownKeys(file, KNOWN_KEYS, ''), ...describe(errors)] })),
    E.chain((c) => {
      const unknown = unknownKeys(file, KNOWN_KEYS, '');
      return unknown.length === 0 ? E.right(c) : E.left<ConfigError, ConfigFile>({ _tag: 'ConfigInvalid', problems: unknown });
    }),
    E.chain((c) => {
      const problems: string[] = [];
      const store: StoreConfig =
        c.inventoryStore !== undefined && 'postgres' in c.inventoryStore
          ? { kind: 'postgres', url: env.DATABASE_URL ?? '' }
          : { kind: 'sqlite', file: c.inventoryStore?.sqlite.file ?? `${DEFAULT_DATA_DIR}/inventory.sqlite` };
      if (store.kind === 'postgres' && store.url === '') problems.push('DATABASE_URL: the postgres store needs the database URL in the environment');
      let inbox: InboxConfig = { kind: 'local', root: `${DEFAULT_DATA_DIR}/inbox` };
      if (c.inbox !== undefined && 'local' in c.inbox) inbox = { kind: 'local', root: c.inbox.local.root };
      if (c.inbox !== undefined && 'sftp' in c.inbox) {
        const s = c.inbox.sftp;
        const keyFile = s.privateKeyFile ?? env.SFTP_PRIVATE_KEY_FILE;
        const privateKey = env.SFTP_PRIVATE_KEY !== undefined ? { pem: env.SFTP_PRIVATE_KEY } : keyFile !== undefined ? { file: keyFile } : undefined;
        if (privateKey === undefined && env.SFTP_PASSWORD === undefined) problems.push('inbox.sftp: no credential: set SFTP_PRIVATE_KEY, SFTP_PRIVATE_KEY_FILE (or privateKeyFile) or SFTP_PASSWORD');
        inbox = {
          kind: 'sftp',
          host: s.host,
          port: s.port ?? 22,
          username: s.username,
          remoteRoot: s.remoteRoot.replaceAll('{sftp.user}', s.username),
          hostKeySha256: s.hostKeySha256,
          ...(privateKey === undefined ? {} : { privateKey }),
          ...(env.SFTP_PASSWORD === undefined ? {} : { password: env.SFTP_PASSWORD }),
          ...(env.SFTP_PASSPHRASE === undefined ? {} : { passphrase: env.SFTP_PASSPHRASE }),
          ...(s.tempDir === undefined ? {} : { tempDir: s.tempDir }),
        };
      }
      let shopify: ShopifyConfig | undefined;
      if (c.shopify !== undefined) {
        const token = env.SHOPIFY_ACCESS_TOKEN ?? '';
        if (token === '') problems.push('SHOPIFY_ACCESS_TOKEN: the shopify section needs an Admin API access token in the environment');
        shopify = {
          shop: c.shopify.shop,
          accessToken: token,
          apiVersion: c.shopify.apiVersion ?? SHOPIFY_API_VERSION,
          ...(c.shopify.adminUrl === undefined ? {} : { adminUrl: c.shopify.adminUrl }),
          batchSize: c.shopify.batchSize ?? 250,
          reason: c.shopify.reason ?? 'correction',
          staleRounds: c.shopify.staleRounds ?? 3,
          timeoutMs: c.shopify.timeoutMs ?? 30_000,
        };
      }
      const i = c.import ?? {};
      const config: Config = {
        inventoryStore: store,
        inbox,
        outbox: { kind: 'local', root: c.outbox?.local.root ?? `${DEFAULT_DATA_DIR}/outbox` },
        ...(shopify === undefined ? {} : { shopify }),
        import: {
          method: i.method ?? 'exact-atp',
          columns: { ...DEFAULT_EXPORT_COLUMNS, ...i.columns },
          maxBytes: i.maxBytes ?? 1024 ** 3,
          maxRejectedShare: i.maxRejectedShare ?? 0.5,
          settleMs: i.settleMs ?? 2_000,
          lockLeaseMs: i.lockLeaseMs ?? 10 * 60_000,
        },
      };
      return problems.length === 0 ? E.right(config) : E.left({ _tag: 'ConfigInvalid', problems });
    }),
  );
