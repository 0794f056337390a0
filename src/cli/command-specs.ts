/**
 * Every command of `oms-inventory-sync` with its arguments (the one list the parser, each command's `--help` and
 * the usage text are made from), and the exit codes.
 */
import { CONFIG_FLAG, JSON_FLAG, usageLine, type CommandSpec, type FlagSpec } from './arguments.ts';
import { SETUP_USAGE } from './setup-commands.ts';

/** The exit codes, as the README's table states them. */
export const EXIT = {
  /** Done. */
  done: 0,
  /** Failed, and worth retrying: the next run continues where this one stopped. */
  retry: 1,
  /** A usage or configuration error: anything a rerun cannot fix (a refused token, a host key mismatch, ...). */
  usage: 2,
  /** Done, but something needs a person (a file held back, lines refused, drift, ...). */
  attention: 3,
  /** Skipped: another run holds the job's lease; nothing done. */
  skipped: 4,
} as const;

const common: Readonly<Record<string, FlagSpec>> = { ...CONFIG_FLAG, ...JSON_FLAG };
const group: Readonly<Record<string, FlagSpec>> = {
  'facility-group': { value: 'ID', help: 'the CHANNEL_FAC_GROUP facility group (the channel) to sync' },
};

export const COMMANDS: Readonly<Record<string, CommandSpec>> = {
  demo: {
    summary:
      "The whole pipeline on embedded defaults (SQLite, local folders, the test kit's local Shopify server): import, online ATP, Hard Sync, delta push, and the worked example's 75.",
    flags: {
      'batch-size': { value: 'N', help: 'quantities per Shopify call (1-250)' },
      'data-dir': { value: 'DIR', help: 'keep the store, inbox and outbox in DIR (new or empty)' },
      ...JSON_FLAG,
    },
  },
  import: {
    summary:
      '"Import inventory" (RESET_INVENTORY): NetSuite exports from the inbox (SFTP or a folder) into the inventory store (PostgreSQL or SQLite).',
    flags: common,
  },
  'import-events': {
    summary:
      'Event feeds (ERP, WMS, POS: *.jsonl, *.csv) from their own inbox (importEvents.inbox) into the ledger; each line applied, a duplicate, refused, conflicting or rejected (error/); the feed to archive/.',
    flags: common,
  },
  'map-products': {
    summary:
      'Product -> Shopify inventory item by SKU, for products not mapped or whose SKU changed (--all: every product); reports unmatched and ambiguous SKUs.',
    flags: { all: { help: 'remap every product, not only the new and changed ones' }, ...common },
  },
  'hard-sync': {
    summary: 'Online ATP of every mapped product as a feed for process-uploads.',
    flags: { ...group, ...common },
    required: ['facility-group'],
  },
  'push-changes': {
    summary: 'Only what changed since the last push, as a feed.',
    flags: { ...group, ...common },
    required: ['facility-group'],
  },
  'process-uploads': { summary: "Applies the outbox's feeds to Shopify, exactly once.", flags: common },
  verify: {
    summary: "Reads Shopify's available quantities and reports drift from online ATP.",
    flags: { ...group, sample: { value: 'N', help: 'check N products only' }, ...common },
    required: ['facility-group'],
  },
  explain: {
    summary:
      'The online ATP of one product, term by term, and the last N (default 5) ledger events behind it, newest last.',
    positionals: ['sku|productId'],
    flags: { ...group, events: { value: 'N', help: 'how many ledger events to show (default 5)' }, ...common },
    required: ['facility-group'],
  },
  'audit-ledger': {
    summary:
      'Folds the inventory ledger from empty and reports every position, safety stock, threshold or brokering queue that disagrees with it (exit 3).',
    flags: common,
  },
  runs: {
    summary: 'The recorded runs, newest first.',
    flags: {
      job: { value: 'NAME', help: 'only the runs of this job' },
      limit: { value: 'N', help: 'at most N runs (default 20)' },
      ...common,
    },
  },
  'record-events': {
    summary:
      'Records inventory events (JSON Lines, one event a line; - reads stdin) in the ledger, 1,000 a call: each applied, refused (with its reason), a duplicate or a conflict.',
    positionals: ['FILE|-'],
    flags: common,
  },
  history: {
    summary: "A product's last N ledger entries (default 50), oldest first.",
    positionals: ['sku|productId'],
    flags: {
      facility: { value: 'ID', help: 'only the events at this facility' },
      limit: { value: 'N', help: 'at most N events (default 50)' },
      ...common,
    },
  },
  worker: {
    summary:
      'Runs the jobs on their schedules (config section "worker"; pg-boss on the PostgreSQL store; many workers share the work).',
    flags: CONFIG_FLAG,
  },
  console: {
    summary:
      'Serves the web console (Jobs, Pipeline, runs, facilities, products, dashboard) and its JSON API, on 127.0.0.1:8080 unless --host/--port say otherwise; sign-in with CONSOLE_USER (default operator) and CONSOLE_PASSWORD (or CONSOLE_PASSWORD_HASH). Stops on SIGTERM or SIGINT.',
    flags: {
      host: {
        value: 'HOST',
        help: 'the address to listen on (default 127.0.0.1; any other is reachable from other machines)',
      },
      port: { value: 'PORT', help: 'the port to listen on (default 8080; 0 picks a free one)' },
      ...CONFIG_FLAG,
    },
  },
  help: { summary: 'This text.', flags: {} },
};

const wrap = (text: string, width: number, indent: string): string => {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  if (line !== '') lines.push(line);
  return lines.map((l) => `${indent}${l}`).join('\n');
};

/** The usage text: every command's usage line and what it does, the secrets, and the exit codes. */
export const usageText = (): string =>
  [
    'Usage: oms-inventory-sync <command> [options]   (oms-inventory-sync <command> --help: that command only)',
    '',
    'Commands:',
    ...Object.entries(COMMANDS).map(
      ([name, spec]) =>
        `  ${usageLine(name, spec).replace(/^oms-inventory-sync /, '')}\n${wrap(spec.summary, 110, '      ')}`,
    ),
    '',
    'Setting up an OMS (each with --help; see "Set up an OMS in a few commands" in the README):',
    SETUP_USAGE,
    '',
    'Secrets come from the environment, each read only by the commands that use it: DATABASE_URL, SFTP_PRIVATE_KEY,',
    'SFTP_PRIVATE_KEY_FILE, SFTP_PASSWORD, SFTP_PASSPHRASE, SHOPIFY_ACCESS_TOKEN; the console: CONSOLE_USER, CONSOLE_PASSWORD',
    '(or CONSOLE_PASSWORD_HASH), CONSOLE_SESSION_SECRET, CONSOLE_SECURE_COOKIES. OMS_WORKER_ID names this worker',
    '(default: host:pid). Progress bars go to stderr on a terminal; job events are JSON lines on stderr.',
    '',
    `Exit codes: ${EXIT.done} done; ${EXIT.retry} failed, worth retrying; ${EXIT.usage} usage or configuration error (a rerun cannot fix it);`,
    `${EXIT.attention} done but something needs a person (a file held back, lines refused, drift, unmatched SKUs, the ledger audit`,
    `disagreeing); ${EXIT.skipped} skipped: another run holds the job's lease, nothing done.`,
  ].join('\n');
