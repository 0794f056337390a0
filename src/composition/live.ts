import { mkdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { pipe } from 'fp-ts/lib/function.js';
import * as TE from 'fp-ts/lib/TaskEither.js';
import { redact } from '../application/redaction.ts';
import { netsuiteExportReader } from '../adapters/csv/netsuite-export-reader.ts';
import { localFileStore } from '../adapters/local-files/local-file-store.ts';
import { isDatabaseMissing } from '../adapters/persistence/postgres-dialect.ts';
import { openPostgresInventoryStore } from '../adapters/persistence/postgres-inventory-store.ts';
import { openSqliteInventoryStore } from '../adapters/persistence/sqlite-inventory-store.ts';
import { sftpFileStore, type SftpCredentials } from '../adapters/sftp/sftp-file-store.ts';
import type { Clock } from '../application/clock.ts';
import type { FileStore, InboxUpkeep } from '../application/file-store.ts';
import {
  defaultImportEventsConfig,
  type ImportEventsConfig,
  type ImportEventsDeps,
} from '../application/import-events.ts';
import { defaultImportConfig, type ImportConfig, type ImportDeps } from '../application/import-inventory.ts';
import type { Store } from '../application/index.ts';
import type { FeedReader } from '../application/feed-file.ts';
import { defaultProcessUploadsConfig, type ProcessUploadsConfig } from '../application/process-uploads.ts';
import { localFeedReader } from '../adapters/local-files/feed-reader.ts';
import { localLineReader } from '../adapters/local-files/line-reader.ts';
import { localRowSpools } from '../adapters/local-files/row-spool.ts';
import {
  shopifyInventory,
  type ShopifyInventoryAdapter,
  type ShopifyWait,
} from '../adapters/shopify/shopify-inventory.ts';
import { configuredLogger, type Logger } from './log.ts';
import type { Config, InboxConfig, OutboxConfig, ShopifyConfig, StoreConfig } from './config.ts';

/** The system clock. */
export const systemClock: Clock = {
  now: () => new Date(),
  sleep: (ms) => () => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** A live dependency that could not be started (the message names what, never a secret). */
export interface StartupError {
  readonly _tag: 'StartupFailed';
  readonly component: string;
  readonly reason: string;
  /** The configuration names something that is not there (a database that does not exist): not worth retrying. */
  readonly misconfigured?: true;
}

const startup =
  (component: string) =>
  (cause: unknown): StartupError => ({
    _tag: 'StartupFailed',
    component,
    reason: redact(cause instanceof Error ? cause.message : String(cause)),
  });

/** An opened inventory store (migrated to the current schema) and how to close it. */
export type OpenedStore = Store & {
  readonly close: () => Promise<void>;
  /** A file store in the store's database (the SQL stores have it): the `store` outbox. */
  readonly fileStore?: (options?: { readonly tempDir?: string }) => FileStore;
};

/** Opens the configured inventory store and brings its schema up to date. */
export const openInventoryStore = (config: StoreConfig): TE.TaskEither<StartupError, OpenedStore> =>
  TE.tryCatch(
    async () => {
      if (config.kind === 'postgres') {
        const store = await openPostgresInventoryStore({
          url: config.url,
          createDatabase: config.createDatabase === true,
        });
        await store.migrate();
        return store;
      }
      mkdirSync(dirname(config.file), { recursive: true });
      const store = await openSqliteInventoryStore({ file: config.file });
      await store.migrate();
      return store;
    },
    (cause): StartupError => ({
      ...startup(`inventory store (${config.kind})`)(cause),
      ...(isDatabaseMissing(cause) ? { misconfigured: true } : {}),
    }),
  );

/** The exit code of a start failure: 2 for a configuration that names what is not there, 1 (worth retrying) else. */
export const startupExitCode = (e: StartupError): number => (e.misconfigured === true ? 2 : 1);

/** Opens the configured inbox (or the outbox: `component` names it in a start failure). */
export const openInbox = (
  config: InboxConfig,
  component = 'inbox',
): TE.TaskEither<StartupError, FileStore & InboxUpkeep & { readonly close: () => Promise<void> }> =>
  TE.tryCatch(
    async () => {
      if (config.kind === 'local') {
        mkdirSync(config.root, { recursive: true });
        return { ...localFileStore({ root: config.root }), close: async () => undefined };
      }
      const privateKey =
        config.privateKey === undefined
          ? undefined
          : 'pem' in config.privateKey
            ? config.privateKey.pem
            : await readFile(config.privateKey.file, 'utf8');
      const credentials: SftpCredentials =
        privateKey !== undefined
          ? { privateKey, ...(config.passphrase === undefined ? {} : { passphrase: config.passphrase }) }
          : { password: config.password ?? '' };
      return sftpFileStore({
        ...credentials,
        host: config.host,
        port: config.port,
        username: config.username,
        remoteRoot: config.remoteRoot,
        hostKeySha256: config.hostKeySha256,
        ...(config.tempDir === undefined ? {} : { tempDir: config.tempDir }),
      });
    },
    startup(`${component} (${config.kind})`),
  );

/** Everything the import job needs, live, and how to close it. */
export interface ImportJob {
  readonly deps: ImportDeps;
  readonly store: OpenedStore;
  readonly importConfig: (runId: string, owner: string) => ImportConfig;
  readonly close: () => Promise<void>;
}

/**
 * The import job's adapters over a store that is already open (the process's one store): the inbox is opened for
 * the run; `close` closes the inbox only.
 */
export const importJobOn = (config: Config, store: OpenedStore): TE.TaskEither<StartupError, ImportJob> =>
  pipe(
    openInbox(config.inbox),
    TE.map(
      (inbox): ImportJob => ({
        deps: { ...inbox, ...netsuiteExportReader(), ...localRowSpools(), ...store, ...systemClock },
        store,
        importConfig: (runId, owner) => ({ ...defaultImportConfig(runId, owner), ...config.import }),
        close: () => inbox.close(),
      }),
    ),
  );

/** Everything the event feed import needs, live, and how to close it. */
export interface EventsImportJob {
  readonly deps: ImportEventsDeps;
  readonly importEventsConfig: (runId: string, owner: string) => ImportEventsConfig;
  readonly close: () => Promise<void>;
}

/**
 * The event feed import's adapters over a store that is already open: its own inbox (`importEvents.inbox`) is
 * opened for the run; `close` closes the inbox only.
 */
export const importEventsJobOn = (config: Config, store: OpenedStore): TE.TaskEither<StartupError, EventsImportJob> =>
  pipe(
    openInbox(config.importEvents.inbox),
    TE.map(
      (inbox): EventsImportJob => ({
        deps: { ...inbox, ...localLineReader(), ...localRowSpools(), ...store, ...systemClock },
        importEventsConfig: (runId, owner) => ({
          ...defaultImportEventsConfig(runId, owner),
          ...config.importEvents.settings,
        }),
        close: () => inbox.close(),
      }),
    ),
  );

// A wait for a free bulk operation, in the process's log: when it starts, and when it ends.
const logBulkWait =
  (log: Logger) =>
  (wait: ShopifyWait): void =>
    log(
      wait.phase === 'gave-up' ? 'error' : 'warn',
      wait.phase === 'waiting'
        ? `Shopify: ${wait.operation} waits for a free bulk operation (${wait.code}), at most ${wait.limitMs} ms`
        : `Shopify: ${wait.operation} ${wait.phase === 'started' ? 'started' : 'gave up'} after waiting ${wait.waitedMs} ms (${wait.code})`,
      { ...wait },
    );

/** Everything the Shopify jobs (Hard Sync, push changes, Process uploads, map products) need, live. */
export interface ShopifyJobs {
  readonly deps: OpenedStore & ShopifyInventoryAdapter & FeedReader & { readonly outbox: FileStore } & Clock;
  readonly shop: string;
  readonly processUploadsConfig: (runId: string) => ProcessUploadsConfig;
  readonly close: () => Promise<void>;
}

/**
 * The Shopify jobs' adapters over a store that is already open; fails when the configuration has no `shopify`
 * section. The outbox is opened for the jobs; `close` closes it and leaves the store open.
 */
export const shopifyJobsOn = (config: Config, store: OpenedStore): TE.TaskEither<StartupError, ShopifyJobs> => {
  const shopify = config.shopify;
  if (shopify === undefined)
    return TE.left({
      _tag: 'StartupFailed',
      component: 'shopify',
      reason: 'the configuration has no shopify section (shop, apiVersion) for the Shopify jobs',
    });
  return pipe(
    openOutbox(config.outbox, store),
    TE.chain((outbox) =>
      pipe(
        shopifyJobsOver(config, shopify, store, outbox),
        // The outbox opened before a failure is closed again.
        TE.orElseFirst(() => TE.fromTask(() => outbox.close())),
      ),
    ),
  );
};

/** The Shopify Admin API adapter of the configured shop (no outbox: for reads such as a console's live drift). */
export const shopifyAdapterOf = (config: Config, shopify: ShopifyConfig): ShopifyInventoryAdapter =>
  shopifyInventory({
    shop: shopify.shop,
    accessToken: shopify.accessToken,
    apiVersion: shopify.apiVersion,
    timeoutMs: shopify.timeoutMs,
    throttleWaitMs: shopify.throttleWaitMs,
    bulkWaitMs: shopify.bulkWaitMs,
    bulkThreshold: shopify.bulkThreshold,
    bulkBatch: shopify.bulkBatch,
    bulkReadThreshold: shopify.bulkReadThreshold,
    bulkSkuThreshold: shopify.bulkSkuThreshold,
    maxInFlight: shopify.maxInFlight,
    onWait: logBulkWait(configuredLogger(config)),
    maxQuantitiesPerCall: shopify.batchSize,
    ...(shopify.adminUrl === undefined ? {} : { adminUrl: shopify.adminUrl }),
  });

// The configured outbox: a folder (local, SFTP) as an inbox is opened, or the store's own file store.
const openOutbox = (
  config: OutboxConfig,
  store: OpenedStore,
): TE.TaskEither<StartupError, FileStore & { readonly close: () => Promise<void> }> => {
  if (config.kind !== 'store') return openInbox(config, 'outbox');
  const fileStore = store.fileStore;
  if (fileStore === undefined)
    return TE.left({
      _tag: 'StartupFailed',
      component: 'outbox (store)',
      reason: 'this inventory store keeps no files: give the outbox a local folder or an SFTP server',
      misconfigured: true,
    });
  return TE.right({
    ...fileStore(config.tempDir === undefined ? {} : { tempDir: config.tempDir }),
    close: async () => undefined,
  });
};

// The Shopify jobs' adapters over the open store and outbox.
const shopifyJobsOver = (
  config: Config,
  shopify: ShopifyConfig,
  store: OpenedStore,
  outbox: FileStore & { readonly close: () => Promise<void> },
): TE.TaskEither<StartupError, ShopifyJobs> =>
  TE.tryCatch(async (): Promise<ShopifyJobs> => {
    const adapter = shopifyAdapterOf(config, shopify);
    return {
      deps: {
        ...store,
        ...adapter,
        ...localFeedReader(),
        outbox,
        ...systemClock,
      },
      shop: shopify.shop,
      processUploadsConfig: (runId) => ({
        ...defaultProcessUploadsConfig(runId),
        reason: shopify.reason,
        staleRounds: shopify.staleRounds,
      }),
      close: () => outbox.close(),
    };
  }, startup('shopify'));

// A job opener over a store of its own: opens (and migrates) the store, then the job's adapters; closes both.
const withOwnStore =
  <J extends { readonly close: () => Promise<void> }>(
    on: (config: Config, store: OpenedStore) => TE.TaskEither<StartupError, J>,
  ) =>
  (config: Config): TE.TaskEither<StartupError, J> =>
    pipe(
      openInventoryStore(config.inventoryStore),
      TE.chain((store) =>
        pipe(
          on(config, store),
          // Whatever was opened before a failure is closed again.
          TE.orElseFirst(() => TE.fromTask(() => store.close())),
          TE.map((job) => ({
            ...job,
            close: async () => {
              await job.close();
              await store.close();
            },
          })),
        ),
      ),
    );

/** The composition root of the import job: the validated config turned into live adapters, with a store of its own. */
export const openImportJob: (config: Config) => TE.TaskEither<StartupError, ImportJob> = withOwnStore(importJobOn);

/** The composition root of the Shopify jobs, with a store of its own. */
export const openShopifyJobs: (config: Config) => TE.TaskEither<StartupError, ShopifyJobs> =
  withOwnStore(shopifyJobsOn);
