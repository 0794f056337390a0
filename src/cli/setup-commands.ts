/**
 * The setup commands of `oms-inventory-sync` (facilities, products, facility groups, "sell online", safety stock,
 * thresholds, sales channels, the shop's locations) and `check`: each command's arguments read strictly with
 * `node:util` parseArgs, each needing only its own settings and secrets, each with `--json`.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { type Either, isLeft } from 'fp-ts/lib/Either.js';
import { readSetupCsv, type SetupCsvError } from '../adapters/csv/setup-csv.ts';
import type { FacilityGroup } from '../domain/index.ts';
import {
  addFacilityGroup,
  saveFacilityRecords,
  saveProductRecords,
  saveSalesChannel,
  setSafetyStock,
  setSellOnline,
  setThreshold,
  type SetupError,
  type SetupFault,
  type SetupReport,
} from '../application/oms-setup.ts';
import { redact } from '../application/redaction.ts';
import type { Config, ConfigSection } from '../composition/config.ts';
import { readSettings } from './settings-file.ts';
import { type OpenedStore, openInventoryStore } from '../composition/live.ts';
import { secretsOf } from '../composition/log.ts';
import { checkExitCode, runChecks, shopifyReason, shopifyShopOf } from '../composition/check.ts';

type Options = NonNullable<Parameters<typeof parseArgs>[0]>['options'];

/** One command: its usage line, its own options (besides --config, --json, --help) and how many positionals. */
interface CommandSpec {
  readonly usage: string;
  readonly summary: string;
  readonly options: Options;
  /** The options that must be given. */
  readonly required?: ReadonlyArray<string>;
  readonly positionals: ReadonlyArray<string>;
}

const COMMON: Options = {
  config: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean' },
};

const SPECS: Readonly<Record<string, CommandSpec>> = {
  'facility add': {
    usage: 'facility add --id ID --netsuite-location ID [--name NAME]',
    summary: 'adds a facility (or saves it again, whole) with its NetSuite location internal id',
    options: { id: { type: 'string' }, 'netsuite-location': { type: 'string' }, name: { type: 'string' } },
    required: ['id', 'netsuite-location'],
    positionals: [],
  },
  'facility list': { usage: 'facility list', summary: 'every facility', options: {}, positionals: [] },
  'facility import': {
    usage: 'facility import FILE.csv',
    summary: 'facilities from a CSV file (columns facilityId, netsuiteLocationId, name); all or nothing',
    options: {},
    positionals: ['FILE.csv'],
  },
  'product add': {
    usage: 'product add --id ID --netsuite-item ID [--sku SKU]',
    summary: 'adds a product (or saves it again, whole) with its NetSuite item internal id and SKU',
    options: { id: { type: 'string' }, 'netsuite-item': { type: 'string' }, sku: { type: 'string' } },
    required: ['id', 'netsuite-item'],
    positionals: [],
  },
  'product list': {
    usage: 'product list [--after ID] [--limit N]',
    summary: 'products in id order (all of them unless --limit)',
    options: { after: { type: 'string' }, limit: { type: 'string' } },
    positionals: [],
  },
  'product import': {
    usage: 'product import FILE.csv',
    summary: 'products from a CSV file (columns productId, netsuiteItemId, sku); all or nothing',
    options: {},
    positionals: ['FILE.csv'],
  },
  'group add': {
    usage: 'group add --id ID --type TYPE',
    summary: 'adds a facility group (type CHANNEL_FAC_GROUP for a group that sells online), without members',
    options: { id: { type: 'string' }, type: { type: 'string' } },
    required: ['id', 'type'],
    positionals: [],
  },
  'group list': {
    usage: 'group list',
    summary: 'every facility group, its members and sales channel',
    options: {},
    positionals: [],
  },
  'group show': {
    usage: 'group show ID',
    summary: "one group's type, members and sales channel",
    options: {},
    positionals: ['ID'],
  },
  'sell-online': {
    usage: 'sell-online FACILITY --group ID on|off',
    summary: "puts a facility in (on) or out of (off) a CHANNEL_FAC_GROUP group's online ATP",
    options: { group: { type: 'string' } },
    required: ['group'],
    positionals: ['FACILITY', 'on|off'],
  },
  'safety-stock set': {
    usage: 'safety-stock set --product ID --facility ID --quantity N',
    summary: 'the safety stock of a product at a facility (a ledger event)',
    options: { product: { type: 'string' }, facility: { type: 'string' }, quantity: { type: 'string' } },
    required: ['product', 'facility', 'quantity'],
    positionals: [],
  },
  'threshold set': {
    usage: 'threshold set --product ID --quantity N',
    summary: "a product's threshold: units held back from online sale",
    options: { product: { type: 'string' }, quantity: { type: 'string' } },
    required: ['product', 'quantity'],
    positionals: [],
  },
  'channel add': {
    usage: 'channel add --group ID --shop SHOP.myshopify.com --location gid://shopify/Location/N',
    summary: 'the shop and Shopify location a CHANNEL_FAC_GROUP group sells through',
    options: { group: { type: 'string' }, shop: { type: 'string' }, location: { type: 'string' } },
    required: ['group', 'shop', 'location'],
    positionals: [],
  },
  'shopify locations': {
    usage: 'shopify locations',
    summary: "the shop's locations and their ids (for channel add)",
    options: {},
    positionals: [],
  },
  check: {
    usage: 'check',
    summary: 'configuration, database, SFTP inboxes and Shopify, one line each; exit 0 only when all pass',
    options: {},
    positionals: [],
  },
};

/** The commands this file runs (the first word of each). */
export const SETUP_COMMANDS: ReadonlyArray<string> = [...new Set(Object.keys(SPECS).map((k) => k.split(' ')[0]!))];

/** The usage lines of the setup commands, for the CLI's help text. */
/** Whether `command` is one of the setup commands (`facility`, `product`, ..., `check`). */
export const isSetupCommand = (command: string): boolean =>
  Object.keys(SPECS).some((k) => k === command || k.startsWith(`${command} `));

export const SETUP_USAGE = Object.values(SPECS)
  .map((s) =>
    s.usage.length > 40 ? `  ${s.usage}\n${' '.repeat(43)}${s.summary}` : `  ${s.usage.padEnd(40)} ${s.summary}`,
  )
  .join('\n');

const flagsOf = (spec: CommandSpec): string =>
  [...Object.keys(spec.options ?? {}), ...Object.keys(COMMON ?? {})].map((f) => `--${f}`).join(', ');

/** What the command prints and the exit code it ends with. */
interface Out {
  readonly json: boolean;
  readonly print: (text: string, data: unknown) => number;
  readonly fail: (
    code: number,
    message: string,
    faults?: ReadonlyArray<SetupFault & { readonly file?: string }>,
    usage?: string,
  ) => number;
}

const outOf = (json: boolean): Out => ({
  json,
  print: (text, data) => {
    process.stdout.write(`${json ? JSON.stringify(data, null, 2) : text}\n`);
    return 0;
  },
  fail: (code, message, faults = [], usage) => {
    if (json)
      process.stdout.write(
        `${JSON.stringify({ error: { exitCode: code, message, ...(faults.length === 0 ? {} : { faults }), ...(usage === undefined ? {} : { usage: `oms-inventory-sync ${usage}` }) } }, null, 2)}\n`,
      );
    const lines = faults.map(
      (f) =>
        `  ${f.file === undefined ? '' : `${f.file}:`}${f.line === undefined ? '' : `line ${f.line}: `}${f.field === '' ? '' : `${f.field}: `}${f.reason}`,
    );
    process.stderr.write(
      `oms-inventory-sync: ${message}\n${lines.length === 0 ? '' : `${lines.join('\n')}\n`}${usage === undefined ? '' : `usage: oms-inventory-sync ${usage}\n`}`,
    );
    return code;
  },
});

/** The configuration from `--config FILE` (or the embedded defaults), asking only for the secrets of `needs`. */
const configFor = (
  file: string | undefined,
  needs: { readonly store: boolean; readonly shopify: boolean },
): { readonly config: Config } | { readonly problem: string } => {
  const sections: ConfigSection[] = [];
  if (needs.store) sections.push('store');
  if (needs.shopify) sections.push('shopify');
  const config = readSettings(file, sections);
  return isLeft(config) ? { problem: config.left } : { config: config.right };
};

const describeStartup = (e: { readonly component: string; readonly reason: string }) =>
  `cannot open the ${e.component}: ${e.reason}`;

const reportText = (report: SetupReport): string => report.outcomes.map((o) => `${o.id}: ${o.outcome}`).join('\n');

const facilityLine = (f: { facilityId: string; externalId: string; name: string | null }) =>
  `${f.facilityId.padEnd(16)} NetSuite location ${f.externalId.padEnd(8)} ${f.name ?? ''}`.trimEnd();

const groupText = (group: FacilityGroup, channel: { shop: string; locationId: string } | null): string =>
  `${group.facilityGroupId.padEnd(16)} ${group.facilityGroupTypeId.padEnd(18)} members: ${group.facilityIds.join(', ') || '(none)'}${channel === null ? '' : `  sells through ${channel.shop} ${channel.locationId}`}`;

/** Runs one setup command (`command` is its first word, `argv` the rest); resolves to the exit code. */
export const setupCommand = async (command: string, argv: ReadonlyArray<string>): Promise<number> => {
  const json = argv.includes('--json');
  const out = outOf(json);
  const second = argv[0];
  const key = SPECS[command] !== undefined ? command : `${command} ${second ?? ''}`;
  const spec = SPECS[key];
  if (spec === undefined) {
    const subcommands = Object.keys(SPECS).filter((k) => k.startsWith(`${command} `));
    if (argv.includes('--help') && (second === undefined || second.startsWith('--'))) {
      process.stdout.write(`${subcommands.map((k) => `oms-inventory-sync ${SPECS[k]!.usage}`).join('\n')}\n`);
      return 0;
    }
    return out.fail(
      2,
      `${command} needs one of: ${subcommands.map((k) => k.split(' ')[1]).join(', ')}${second === undefined ? '' : ` (not ${JSON.stringify(second)})`}`,
      [],
      subcommands.map((k) => SPECS[k]!.usage).join(' | '),
    );
  }
  const args = key === command ? argv : argv.slice(1);
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: [...args],
      options: { ...spec.options, ...COMMON },
      strict: true,
      allowPositionals: true,
    });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const code = (error as { code?: string }).code;
    const flag = /'(-[^' ]+)/.exec(message)?.[1];
    return out.fail(
      2,
      code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION'
        ? `unknown option ${flag} for ${key} (its options: ${flagsOf(spec)})`
        : code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE'
          ? `${flag ?? 'an option'} ${/does not take/.test(message) ? 'takes no value' : 'needs a value'} (${key} options: ${flagsOf(spec)})`
          : message,
      [],
      spec.usage,
    );
  }
  const values = parsed.values as Record<string, string | boolean | undefined>;
  if (values.help === true) {
    process.stdout.write(`usage: oms-inventory-sync ${spec.usage}\n  ${spec.summary}\n  options: ${flagsOf(spec)}\n`);
    return 0;
  }
  if (parsed.positionals.length !== spec.positionals.length)
    return out.fail(
      2,
      spec.positionals.length === 0
        ? `${key} takes no arguments (got ${parsed.positionals.map((p) => JSON.stringify(p)).join(' ')})`
        : `${key} needs ${spec.positionals.join(' ')}`,
      [],
      spec.usage,
    );
  const required = (name: string): string | undefined => {
    const v = values[name];
    return typeof v === 'string' ? v : undefined;
  };
  const missing = (spec.required ?? []).filter((name) => required(name) === undefined);
  if (missing.length > 0) return out.fail(2, `${key} needs ${missing.map((m) => `--${m}`).join(', ')}`, [], spec.usage);
  const configFile = required('config');

  if (key === 'check') {
    let settings: unknown;
    try {
      settings = configFile === undefined ? undefined : JSON.parse(readFileSync(configFile, 'utf8'));
    } catch (error) {
      return out.fail(
        2,
        `cannot read the config file ${configFile}: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    const lines = await runChecks(settings, process.env);
    const code = checkExitCode(lines);
    process.stdout.write(
      json
        ? `${JSON.stringify({ passed: code === 0, exitCode: code, checks: lines }, null, 2)}\n`
        : `${lines.map((l) => `${l.status.padEnd(14)} ${l.check.padEnd(32)} ${l.detail}`).join('\n')}\n`,
    );
    return code;
  }
  const needs = { store: key !== 'shopify locations', shopify: key === 'shopify locations' };
  const found = configFor(configFile, needs);
  if ('problem' in found) return out.fail(2, found.problem);
  const { config } = found;

  if (key === 'shopify locations') {
    const shopify = config.shopify;
    if (shopify === undefined)
      return out.fail(
        2,
        'the configuration has no shopify section (shop, and SHOPIFY_ACCESS_TOKEN in the environment)',
      );
    const locations = await shopifyShopOf(shopify).locations()();
    if (isLeft(locations)) {
      const e = locations.left;
      const reason = redact(shopifyReason(e), secretsOf(config));
      return out.fail(e.retriable ? 1 : 2, `Shopify did not list the locations of ${shopify.shop}: ${reason}`);
    }
    return out.print(
      locations.right.length === 0
        ? `${shopify.shop} has no locations`
        : locations.right
            .map(
              (l) =>
                `${l.id.padEnd(28)} ${l.name}${l.isActive ? '' : ' (inactive)'}${l.fulfillsOnlineOrders ? '' : ' (does not fulfil online orders)'}`,
            )
            .join('\n'),
      locations.right,
    );
  }

  const opened = await openInventoryStore(config.inventoryStore)();
  if (isLeft(opened)) return out.fail(1, redact(describeStartup(opened.left), secretsOf(config)));
  const store = opened.right;
  try {
    return await withStore(key, store, values, parsed.positionals, out);
  } finally {
    await store.close();
  }
};

const setupFailed = (out: Out, e: SetupError, file?: string): number =>
  e._tag === 'SetupRefused'
    ? out.fail(
        2,
        `refused, nothing written (${e.faults.length} problem${e.faults.length === 1 ? '' : 's'})`,
        e.faults.map((f) => ({ ...(file === undefined ? {} : { file }), ...f })),
      )
    : out.fail(e.retriable ? 1 : 2, `the store failed: ${e.reason}`);

const csvFailed = (out: Out, e: SetupCsvError): number =>
  e._tag === 'SetupFileUnreadable'
    ? out.fail(2, `cannot read ${e.file}: ${e.reason}`)
    : out.fail(
        2,
        `${e.file} refused, nothing written (${e.faults.length} problem${e.faults.length === 1 ? '' : 's'})`,
        e.faults.map((f) => ({ file: e.file, ...f })),
      );

const reported = async (out: Out, task: () => Promise<Either<SetupError, SetupReport>>, file?: string) => {
  const result = await task();
  return isLeft(result) ? setupFailed(out, result.left, file) : out.print(reportText(result.right), result.right);
};

const withStore = async (
  key: string,
  store: OpenedStore,
  values: Record<string, string | boolean | undefined>,
  positionals: ReadonlyArray<string>,
  out: Out,
): Promise<number> => {
  const text = (name: string) => (typeof values[name] === 'string' ? (values[name] as string) : undefined);
  const quantity = (name: string) => {
    const v = text(name);
    return v !== undefined && /^\s*[+-]?(\d+(\.\d*)?|\.\d+)\s*$/.test(v) ? Number(v) : v;
  };
  switch (key) {
    case 'facility add':
      return reported(
        out,
        saveFacilityRecords([
          {
            facilityId: text('id'),
            externalId: text('netsuite-location'),
            ...(text('name') === undefined ? {} : { name: text('name') }),
          },
        ])(store),
      );
    case 'product add':
      return reported(
        out,
        saveProductRecords([
          {
            productId: text('id'),
            externalId: text('netsuite-item'),
            ...(text('sku') === undefined ? {} : { sku: text('sku') }),
          },
        ])(store),
      );
    case 'facility import':
    case 'product import': {
      const file = positionals[0]!;
      const facilities = key === 'facility import';
      const rows = await readSetupCsv(
        file,
        facilities
          ? { required: ['facilityId', 'netsuiteLocationId'], optional: ['name'] }
          : { required: ['productId', 'netsuiteItemId'], optional: ['sku'] },
      )();
      if (isLeft(rows)) return csvFailed(out, rows.left);
      return reported(
        out,
        facilities
          ? saveFacilityRecords(
              rows.right.map((r) => ({
                line: r.line,
                facilityId: r.cells.facilityId,
                externalId: r.cells.netsuiteLocationId,
                name: r.cells.name,
              })),
            )(store)
          : saveProductRecords(
              rows.right.map((r) => ({
                line: r.line,
                productId: r.cells.productId,
                externalId: r.cells.netsuiteItemId,
                sku: r.cells.sku,
              })),
            )(store),
        file,
      );
    }
    case 'facility list': {
      const facilities = await store.facilities()();
      if (isLeft(facilities)) return setupFailed(out, facilities.left);
      return out.print(
        facilities.right.length === 0
          ? 'no facilities (add one with facility add)'
          : facilities.right.map(facilityLine).join('\n'),
        facilities.right,
      );
    }
    case 'product list': {
      const limitText = text('limit');
      if (limitText !== undefined && !/^[1-9]\d*$/.test(limitText))
        return out.fail(
          2,
          `--limit must be a whole number from 1, got ${JSON.stringify(limitText)}`,
          [],
          SPECS[key]!.usage,
        );
      // A page at a time, printed as it comes: a store may hold a million products.
      let left = limitText === undefined ? Number.POSITIVE_INFINITY : Number(limitText);
      let after = text('after') ?? null;
      let first = true;
      if (out.json) process.stdout.write('[');
      while (left > 0) {
        const page = await store.productPage(after, Math.min(1000, left))();
        if (isLeft(page)) return setupFailed(out, page.left);
        for (const p of page.right) {
          process.stdout.write(
            out.json
              ? `${first ? '' : ','}\n  ${JSON.stringify(p)}`
              : `${p.productId.padEnd(16)} NetSuite item ${p.externalId.padEnd(8)} ${p.sku === null ? '(no SKU)' : `SKU ${p.sku}`}\n`,
          );
          first = false;
        }
        left -= page.right.length;
        if (page.right.length < 1000) break;
        after = page.right[page.right.length - 1]!.productId;
      }
      if (out.json) process.stdout.write(`${first ? '' : '\n'}]\n`);
      else if (first) process.stdout.write('no products (add one with product add)\n');
      return 0;
    }
    case 'group add':
      return reported(out, addFacilityGroup(text('id'), text('type'))(store));
    case 'group list':
    case 'group show': {
      const groups =
        key === 'group list' ? await store.facilityGroups()() : await store.facilityGroup(positionals[0]!)();
      if (isLeft(groups)) return setupFailed(out, groups.left);
      const list =
        groups.right === null ? [] : Array.isArray(groups.right) ? groups.right : [groups.right as FacilityGroup];
      if (key === 'group show' && list.length === 0)
        return out.fail(2, `no facility group ${positionals[0]} (group list lists them)`);
      const shown: { group: FacilityGroup; salesChannel: { shop: string; locationId: string } | null }[] = [];
      for (const group of list) {
        const channel = await store.salesChannel(group.facilityGroupId)();
        if (isLeft(channel)) return setupFailed(out, channel.left);
        shown.push({
          group,
          salesChannel:
            channel.right === null ? null : { shop: channel.right.shop, locationId: channel.right.locationId },
        });
      }
      return out.print(
        shown.length === 0
          ? 'no facility groups (add one with group add)'
          : shown.map((s) => groupText(s.group, s.salesChannel)).join('\n'),
        key === 'group show' ? shown[0] : shown,
      );
    }
    case 'sell-online': {
      const [facility, toggle] = positionals;
      if (toggle !== 'on' && toggle !== 'off')
        return out.fail(2, `sell-online takes on or off, not ${JSON.stringify(toggle)}`, [], SPECS[key]!.usage);
      return reported(out, setSellOnline(facility, text('group'), toggle === 'on')(store));
    }
    case 'safety-stock set':
      return reported(
        out,
        setSafetyStock(text('product'), text('facility'), quantity('quantity'), {
          eventId: `cli:safety-stock:${randomUUID()}`,
          occurredAt: new Date().toISOString(),
          source: 'cli',
        })(store),
      );
    case 'threshold set':
      return reported(out, setThreshold(text('product'), quantity('quantity'))(store));
    case 'channel add':
      return reported(out, saveSalesChannel(text('group'), text('shop'), text('location'))(store));
    default:
      return out.fail(2, `unknown command ${key}`);
  }
};
