/**
 * The setup commands of `oms-inventory-sync` (facilities, products, facility groups, "sell online", safety stock,
 * thresholds, sales channels, the shop's locations) and `check`: each command's arguments read strictly with
 * `node:util` parseArgs, each needing only its own settings and secrets, each with `--json`.
 */
import { randomUUID } from 'node:crypto';
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
import { readSettings, readSettingsFile } from './settings-file.ts';
import {
  CONFIG_FLAG,
  type CommandSpec,
  commandHelp,
  type FlagSpec,
  JSON_FLAG,
  parseCommandArguments,
  textFlag,
  usageLine,
} from './arguments.ts';
import { type OpenedStore, openInventoryStore } from '../composition/live.ts';
import { secretsOf } from '../composition/log.ts';
import { checkExitCode, runChecks, shopifyReason, shopifyShopOf } from '../composition/check.ts';

/** One setup command's arguments (arguments.ts's spec: its flags, positionals and required flags). */
const setup = (
  summary: string,
  flags: Readonly<Record<string, FlagSpec>>,
  more: Pick<CommandSpec, 'positionals' | 'required'> = {},
): CommandSpec => ({ summary, ...more, flags: { ...flags, ...CONFIG_FLAG, ...JSON_FLAG } });

const SPECS: Readonly<Record<string, CommandSpec>> = {
  'facility add': setup(
    'adds a facility (or saves it again, whole) with its NetSuite location internal id',
    {
      id: { value: 'ID', help: 'the OMS facility id' },
      'netsuite-location': { value: 'ID', help: 'the NetSuite location internal id' },
      name: { value: 'NAME', help: 'a name to show' },
    },
    { required: ['id', 'netsuite-location'] },
  ),
  'facility list': setup('every facility', {}),
  'facility import': setup(
    'facilities from a CSV file (columns facilityId, netsuiteLocationId, name); all or nothing',
    {},
    { positionals: ['FILE.csv'] },
  ),
  'product add': setup(
    'adds a product (or saves it again, whole) with its NetSuite item internal id and SKU',
    {
      id: { value: 'ID', help: 'the OMS product id' },
      'netsuite-item': { value: 'ID', help: 'the NetSuite item internal id' },
      sku: { value: 'SKU', help: 'the SKU Shopify knows it by' },
    },
    { required: ['id', 'netsuite-item'] },
  ),
  'product list': setup('products in id order (all of them unless --limit)', {
    after: { value: 'ID', help: 'start after this product id' },
    limit: { value: 'N', help: 'at most N products' },
  }),
  'product import': setup(
    'products from a CSV file (columns productId, netsuiteItemId, sku); all or nothing',
    {},
    { positionals: ['FILE.csv'] },
  ),
  'group add': setup(
    'adds a facility group (type CHANNEL_FAC_GROUP for a group that sells online), without members',
    {
      id: { value: 'ID', help: 'the facility group id' },
      type: { value: 'TYPE', help: 'its type, e.g. CHANNEL_FAC_GROUP' },
    },
    { required: ['id', 'type'] },
  ),
  'group list': setup('every facility group, its members and sales channel', {}),
  'group show': setup("one group's type, members and sales channel", {}, { positionals: ['ID'] }),
  'sell-online': setup(
    "puts a facility in (on) or out of (off) a CHANNEL_FAC_GROUP group's online ATP",
    { group: { value: 'ID', help: 'the CHANNEL_FAC_GROUP group' } },
    { positionals: ['FACILITY', 'on|off'], required: ['group'] },
  ),
  'safety-stock set': setup(
    'the safety stock of a product at a facility (a ledger event)',
    {
      product: { value: 'ID', help: 'the product id' },
      facility: { value: 'ID', help: 'the facility id' },
      quantity: { value: 'N', help: 'units held back at the facility' },
    },
    { required: ['product', 'facility', 'quantity'] },
  ),
  'threshold set': setup(
    "a product's threshold: units held back from online sale",
    {
      product: { value: 'ID', help: 'the product id' },
      quantity: { value: 'N', help: 'units held back from online sale' },
    },
    { required: ['product', 'quantity'] },
  ),
  'channel add': setup(
    'the shop and Shopify location a CHANNEL_FAC_GROUP group sells through',
    {
      group: { value: 'ID', help: 'the CHANNEL_FAC_GROUP group' },
      shop: { value: 'SHOP.myshopify.com', help: 'the shop' },
      location: { value: 'gid://shopify/Location/N', help: 'the Shopify location (see shopify locations)' },
    },
    { required: ['group', 'shop', 'location'] },
  ),
  'shopify locations': setup("the shop's locations and their ids (for channel add)", {}),
  check: setup('configuration, database, SFTP inboxes and Shopify, one line each; exit 0 only when all pass', {}),
};

/** A setup command's usage line (`oms-inventory-sync facility add --id ID ...`), without the program name. */
const usageOf = (key: string): string => usageLine(key, SPECS[key]!).replace(/^oms-inventory-sync /, '');

/** The commands this file runs (the first word of each). */
export const SETUP_COMMANDS: ReadonlyArray<string> = [...new Set(Object.keys(SPECS).map((k) => k.split(' ')[0]!))];

/** The usage lines of the setup commands, for the CLI's help text. */
/** Whether `command` is one of the setup commands (`facility`, `product`, ..., `check`). */
export const isSetupCommand = (command: string): boolean =>
  Object.keys(SPECS).some((k) => k === command || k.startsWith(`${command} `));

export const SETUP_USAGE = Object.entries(SPECS)
  .map(([key, spec]) => {
    const usage = usageOf(key);
    return usage.length > 40 ? `  ${usage}\n${' '.repeat(43)}${spec.summary}` : `  ${usage.padEnd(40)} ${spec.summary}`;
  })
  .join('\n');

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
      process.stdout.write(`${subcommands.map((k) => `oms-inventory-sync ${usageOf(k)}`).join('\n')}\n`);
      return 0;
    }
    return out.fail(
      2,
      `${command} needs one of: ${subcommands.map((k) => k.split(' ')[1]).join(', ')}${second === undefined ? '' : ` (not ${JSON.stringify(second)})`}`,
      [],
      subcommands.map(usageOf).join(' | '),
    );
  }
  const parsed = parseCommandArguments(key, spec, key === command ? argv : argv.slice(1));
  if (parsed._tag === 'help') {
    process.stdout.write(`${commandHelp(key, spec)}\n`);
    return 0;
  }
  if (parsed._tag === 'usage-error') return out.fail(2, parsed.message, [], usageOf(key));
  const { values, positionals } = parsed.args;
  const required = (name: string): string | undefined => textFlag(parsed.args, name);
  const configFile = required('config');

  if (key === 'check') {
    const settings = readSettingsFile(configFile);
    if (isLeft(settings)) return out.fail(2, settings.left);
    const lines = await runChecks(settings.right, process.env);
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
    return await withStore(key, store, values, positionals, out);
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
        return out.fail(2, `--limit must be a whole number from 1, got ${JSON.stringify(limitText)}`, [], usageOf(key));
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
        return out.fail(2, `sell-online takes on or off, not ${JSON.stringify(toggle)}`, [], usageOf(key));
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
