import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { loadConfig, type Config } from '../../src/composition/config.ts';
import type { JobControl } from '../../src/composition/job-control.ts';
import { openLiveStore, runJobOn, type LiveStore } from '../../src/composition/jobs.ts';
import * as demo from '../../src/cli/demo-data.ts';
import type { Logger } from '../../src/composition/log.ts';
import { credentialsFromEnv } from '../../src/console/auth.ts';
import type { ConsoleDeps } from '../../src/console/deps.ts';
import { PAGES, startConsole, type PageModule, type RunningConsole } from '../../src/console/server.ts';
import { openJobControl } from '../../src/worker/job-control-live.ts';
import { startShopifyAdminServer, type ShopifyAdminServer } from '../../src/testkit/shopify-admin-server.ts';
import { freshPostgresDatabase } from './postgres.ts';

/** The operator the console under test accepts. */
export const CONSOLE_USER = 'operator';
export const CONSOLE_PASSWORD = 'correct horse battery staple';

/** Where the tests save their screenshots (gitignored). */
export const SCREENSHOTS = fileURLToPath(new URL('../../test-output/screenshots/', import.meta.url));

/** The chromium flags the browser tests run with. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** Launches Debian's chromium headless (`CHROMIUM_PATH` overrides /usr/bin/chromium). */
export const launchChromium = (): Promise<Browser> =>
  chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });

/** A PostgreSQL database of its own (name `<prefix><random>`), and how to drop it. */
export const prefixedDatabase = (prefix: string): Promise<{ url: string; drop: () => Promise<void> }> =>
  freshPostgresDatabase(prefix);

const refused = async () =>
  ({ _tag: 'Left', left: { _tag: 'JobControlFailed', message: 'no job control in this test' } }) as const;

/** A job control that refuses every call: for the tests of pages that do not use it. */
export const noJobControl: JobControl = {
  schedulesShared: false,
  cards: refused,
  setSchedule: refused,
  removeSchedule: refused,
  pause: refused,
  resume: refused,
  skipOnce: refused,
  resetSchedules: refused,
  preview: () => ({ _tag: 'Left', left: { _tag: 'JobControlFailed', message: 'no job control in this test' } }),
  runNow: refused,
  rerun: refused,
  cancel: refused,
  pipeline: refused,
  run: refused,
  errorFile: refused,
  close: async () => undefined,
};

/** What `seedDemoChannel` set up: the demo's channel group, its Shopify location and an item per product. */
export interface SeededChannel {
  readonly facilityGroupId: string;
  readonly locationId: string;
  readonly items: ReadonlyMap<string, string>;
}

/**
 * The demo's small retailer (src/cli/demo-data.ts) in the world's store and shop: facilities, products, the
 * SHOPIFY_US channel group selling through a Shopify location, SKUs, positions, thresholds, the brokering queue, an
 * item per SKU in the test kit's shop; then the real map-products job maps them.
 */
export const seedDemoChannel = async (world: Pick<ConsoleWorld, 'live' | 'shopify'>): Promise<SeededChannel> => {
  const store = world.live.store;
  const locationId = world.shopify.addLocation(demo.demoShopifyLocationName);
  const items = new Map<string, string>();
  for (const p of demo.demoProducts) {
    const item = world.shopify.addInventoryItem({ sku: p.sku });
    world.shopify.stock(item, locationId, p.shopifyAvailable);
    items.set(p.productId, item);
  }
  const steps = [
    store.saveFacilities(demo.demoFacilities),
    store.saveProducts(demo.demoProducts.map((p) => ({ productId: p.productId, externalId: p.externalId }))),
    store.saveFacilityGroup(demo.demoChannelGroup),
    store.saveSalesChannel({
      facilityGroupId: demo.demoChannelGroup.facilityGroupId,
      shop: world.shopify.shopDomain,
      locationId,
    }),
    store.saveProductSkus(demo.demoProducts.map((p) => ({ productId: p.productId, sku: p.sku }))),
    store.savePositions(demo.demoPositions),
    store.saveThresholds(demo.demoThresholds),
    store.saveBrokeringQueue(demo.demoBrokeringQueue),
  ];
  for (const step of steps) {
    const done = await step();
    if (done._tag === 'Left') throw new Error(`seedDemoChannel: ${JSON.stringify(done.left)}`);
  }
  const mapped = await runJobOn(world.live, { job: 'map-products', parameters: {} }, { worker: 'test-seed' });
  if (mapped._tag === 'Left') throw new Error(`seedDemoChannel: map-products: ${mapped.left._tag}`);
  return { facilityGroupId: demo.demoChannelGroup.facilityGroupId, locationId, items };
};

/** What a console test drives. */
export interface ConsoleWorld {
  readonly url: string;
  readonly config: Config;
  readonly env: Readonly<Record<string, string>>;
  readonly live: LiveStore;
  readonly shopify: ShopifyAdminServer;
  readonly console: RunningConsole;
  readonly browser: Browser;
  /** The inbox folder (NetSuite exports land here) and the outbox (feeds). */
  readonly inbox: string;
  readonly outbox: string;
  /** Every log line the console wrote. */
  readonly logLines: ReadonlyArray<{ level: string; msg: string; fields: Readonly<Record<string, unknown>> }>;
  /** A new browser context (own cookies), signed in; its page is on the dashboard. */
  readonly signedInPage: () => Promise<Page>;
  /** A new browser context, signed out. */
  readonly freshPage: () => Promise<Page>;
  /** Saves a full-page screenshot as test-output/screenshots/<name>.png. */
  readonly screenshot: (page: Page, name: string) => Promise<void>;
  readonly jobs: JobControl;
  /** Errors the browser reported (console errors, CSP refusals, uncaught exceptions), of every page. */
  readonly browserErrors: ReadonlyArray<string>;
  readonly close: () => Promise<void>;
}

/** How to build the world: the store kind, the database prefix, the pages, extra ConsoleDeps. */
export interface ConsoleWorldOptions {
  /** PostgreSQL database name prefix (h_cc_, h_cj_, h_cd_ ...); default h_console_. */
  readonly prefix?: string;
  readonly store?: 'postgres' | 'sqlite';
  readonly pages?: ReadonlyArray<PageModule>;
  /** Extra settings merged into the config file (worker schedules, import settings ...). */
  readonly settings?: Readonly<Record<string, unknown>>;
  /**
   * Opens the job control over the world's live store; by default the live one (src/worker/job-control-live.ts:
   * pg-boss on PostgreSQL, in-process runs on SQLite). `async () => noJobControl` for pages that never use it.
   */
  readonly openJobs?: (live: LiveStore, log: Logger) => Promise<JobControl>;
  /** Sign-in attempts allowed a minute (default 1,000, so the tests' own sign-ins never hit it). */
  readonly signInMax?: number;
}

/** Starts the world; `close` stops every part and drops the database. */
export const startConsoleWorld = async (options: ConsoleWorldOptions = {}): Promise<ConsoleWorld> => {
  const cleanups: Array<() => Promise<void>> = [];
  const close = async () => {
    for (const c of cleanups.reverse()) await c().catch(() => undefined);
  };
  try {
    const folder = mkdtempSync(join(tmpdir(), 'oms-console-'));
    cleanups.push(async () => rmSync(folder, { recursive: true, force: true }));
    const shopify = await startShopifyAdminServer();
    cleanups.push(() => shopify.close());
    const env: Record<string, string> = {
      SHOPIFY_ACCESS_TOKEN: shopify.accessToken,
      CONSOLE_USER,
      CONSOLE_PASSWORD,
    };
    let storeSettings: unknown = { sqlite: { file: join(folder, 'inventory.sqlite') } };
    if ((options.store ?? 'postgres') === 'postgres') {
      const database = await prefixedDatabase(options.prefix ?? 'h_console_');
      cleanups.push(database.drop);
      env.DATABASE_URL = database.url;
      storeSettings = { postgres: {} };
    }
    const inbox = join(folder, 'inbox');
    const outbox = join(folder, 'outbox');
    for (const d of [inbox, outbox, join(folder, 'events')]) mkdirSync(d, { recursive: true });
    const config = loadConfig(
      {
        inventoryStore: storeSettings,
        inbox: { local: { root: inbox } },
        outbox: { local: { root: outbox } },
        importEvents: { inbox: { local: { root: join(folder, 'events') } } },
        import: { settleMs: 0 },
        shopify: { shop: shopify.shopDomain, adminUrl: shopify.url, timeoutMs: 10_000 },
        ...options.settings,
      },
      env,
    );
    if (config._tag === 'Left') throw new Error(`console world config: ${config.left.problems.join('; ')}`);
    const live = await openLiveStore(config.right)();
    if (live._tag === 'Left') throw new Error(`console world store: ${live.left.reason}`);
    cleanups.push(() => live.right.close());
    const logLines: Array<{ level: string; msg: string; fields: Readonly<Record<string, unknown>> }> = [];
    const log: Logger = (level, msg, fields = {}) => logLines.push({ level, msg, fields });
    const jobs =
      options.openJobs === undefined
        ? await openJobControl(live.right, { log }).then((j) => {
            if (j._tag === 'Left') throw new Error(`console world job control: ${j.left.reason}`);
            return j.right;
          })
        : await options.openJobs(live.right, log);
    cleanups.push(() => jobs.close());
    const deps: ConsoleDeps = { config: config.right, live: live.right, jobs, now: () => new Date(), log };
    const credentials = credentialsFromEnv(env);
    if (!credentials.ok) throw new Error(credentials.message);
    const running = await startConsole(
      deps,
      {
        credentials: credentials.credentials,
        host: '127.0.0.1',
        port: 0,
        signInLimit: { max: options.signInMax ?? 1_000, windowMs: 60_000 },
      },
      options.pages ?? PAGES,
    );
    cleanups.push(() => running.close());
    const browser = await launchChromium();
    cleanups.push(() => browser.close());
    const contexts: BrowserContext[] = [];
    const browserErrors: string[] = [];
    const freshPage = async (): Promise<Page> => {
      const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
      contexts.push(context);
      const page = await context.newPage();
      // A CSP refusal, a script error or a failed htmx request shows here; the tests expect none.
      page.on('console', (m) => {
        if (m.type() === 'error' && !/status of (401|403|404)/.test(m.text())) browserErrors.push(m.text());
      });
      page.on('pageerror', (e) => browserErrors.push(e.message));
      return page;
    };
    return {
      url: running.url,
      config: config.right,
      env,
      live: live.right,
      shopify,
      console: running,
      browser,
      inbox,
      outbox,
      logLines,
      jobs,
      browserErrors,
      freshPage,
      signedInPage: async () => {
        const page = await freshPage();
        await page.goto(`${running.url}/sign-in`);
        await page.fill('input[name=user]', CONSOLE_USER);
        await page.fill('input[name=password]', CONSOLE_PASSWORD);
        await Promise.all([
          page.waitForURL((u) => !u.pathname.startsWith('/sign-in')),
          page.click('button[type=submit]'),
        ]);
        return page;
      },
      screenshot: async (page, name) => {
        mkdirSync(SCREENSHOTS, { recursive: true });
        await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
};
