import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { startShopifyAdminServer } from '../../src/testkit/shopify-admin-server.ts';
import { startSshd, type SshServer } from '../support/sshd.ts';

const main = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));
const README = fileURLToPath(new URL('../../README.md', import.meta.url));
const TOKEN = 'shpat_setup_commands_5d1e';

interface Ran {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

// The CLI in a child process (the local Shopify server answers from this one): asynchronously.
const cli = (cwd: string, env: Record<string, string>, args: ReadonlyArray<string>) =>
  new Promise<Ran>((resolve) => {
    execFile(
      'node',
      [main, ...args],
      { cwd, encoding: 'utf8', env: { ...process.env, SHOPIFY_ACCESS_TOKEN: '', ...env } },
      (error, stdout, stderr) =>
        resolve({ status: error === null ? 0 : typeof error.code === 'number' ? error.code : 1, stdout, stderr }),
    );
  });

/** A shell line's words: blanks split, double quotes group, a `#` outside quotes starts a comment. */
const words = (line: string): string[] => {
  const out: string[] = [];
  let word: string | null = null;
  let quoted = false;
  for (const c of line) {
    if (quoted) {
      if (c === '"') quoted = false;
      else word += c;
    } else if (c === '"') {
      quoted = true;
      word ??= '';
    } else if (c === '#' && word === null) break;
    else if (c === ' ') {
      if (word !== null) out.push(word);
      word = null;
    } else word = (word ?? '') + c;
  }
  if (word !== null) out.push(word);
  return out;
};

/** The README section's code blocks of a language, in order. */
const readmeBlocks = (language: string): string[] => {
  const text = readFileSync(README, 'utf8');
  const start = text.indexOf('## Set up an OMS in a few commands');
  const section = text.slice(start, text.indexOf('\n## ', start + 1));
  return [...section.matchAll(new RegExp(`\`\`\`${language}\\n([\\s\\S]*?)\`\`\``, 'g'))].map((m) => m[1]!);
};

const readme = suite('the README: set up an OMS in a few commands');

readme(
  'exactly its commands on a fresh SQLite store, then a NetSuite export, a Hard Sync and process-uploads: Shopify holds online ATP',
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'oms-setup-readme-'));
    const shopify = await startShopifyAdminServer({ accessToken: TOKEN });
    try {
      const location = shopify.addLocation('Main warehouse');
      assert.is(location, 'gid://shopify/Location/1', 'the id the README names');
      const sku100 = shopify.addInventoryItem({ sku: 'SKU-100' });
      const sku200 = shopify.addInventoryItem({ sku: 'SKU-200' });
      shopify.stock(sku100, location, 0);
      shopify.stock(sku200, location, 0);
      // The README's settings, pointed at the local server, with no settle time for the export written just now.
      const settings = JSON.parse(readmeBlocks('json')[0]!) as { shopify: Record<string, unknown> };
      settings.shopify = { shop: shopify.shopDomain, adminUrl: shopify.url };
      writeFileSync(join(dir, 'oms.json'), JSON.stringify({ ...settings, import: { settleMs: 0 } }));
      mkdirSync(join(dir, 'oms-data', 'inbox'), { recursive: true });
      writeFileSync(
        join(dir, 'oms-data', 'inbox', 'inventory-20261201T010000Z.csv'),
        'Item,externalFacilityId,availableQty,idValue\nSKU-100,12,40,901\nSKU-100,13,10,901\nSKU-200,12,7,902\n',
      );
      const commands = readmeBlocks('sh')[0]!
        .split('\n')
        .map(words)
        .filter((w) => w[0] === 'oms-inventory-sync');
      assert.ok(commands.length >= 16, `the README's commands: ${commands.length}`);
      for (const command of commands) {
        const args = command.slice(1).map((a) => (a === 'acme.myshopify.com' ? shopify.shopDomain : a));
        const ran = await cli(dir, { SHOPIFY_ACCESS_TOKEN: TOKEN }, args);
        assert.is(ran.status, 0, `${args.join(' ')}\n${ran.stdout}\n${ran.stderr}`);
        if (args[0] === 'shopify') assert.match(ran.stdout, /gid:\/\/shopify\/Location\/1\s+Main warehouse/);
        if (args[0] === 'check') assert.not.match(ran.stdout, /^failed/m, ran.stdout);
      }
      // P100: (40 - safety stock 5) at WH1 + 10 at STORE7 - threshold 2 = 43; P200: 7.
      assert.is(shopify.available(sku100, location), 43);
      assert.is(shopify.available(sku200, location), 7);
    } finally {
      await shopify.close();
      rmSync(dir, { recursive: true, force: true });
    }
  },
);

readme.run();

const args = suite('setup commands: strict arguments, help, --json failures, CSV imports');
let dir = '';
args.before.each(() => {
  dir = mkdtempSync(join(tmpdir(), 'oms-setup-args-'));
  writeFileSync(join(dir, 'oms.json'), JSON.stringify({ inventoryStore: { sqlite: { file: 'db/inventory.sqlite' } } }));
});
args.after.each(() => rmSync(dir, { recursive: true, force: true }));
const run = (...a: string[]) => cli(dir, {}, [...a, '--config', 'oms.json']);

args(
  'an unknown flag or a missing value: exit 2, naming it, the command’s flags and usage line (the parser of every command)',
  async () => {
    const typo = await run('facility', 'add', '--id', 'WH1', '--netsuite-locaton', '12');
    assert.is(typo.status, 2);
    assert.match(
      typo.stderr,
      /facility add: unknown flag --netsuite-locaton \(its flags: --id, --netsuite-location, --name, --config, --json\)/,
    );
    assert.match(
      typo.stderr,
      /usage: oms-inventory-sync facility add --id ID --netsuite-location ID \[--name NAME\] \[--config FILE\] \[--json\]/,
    );
    assert.not.match(typo.stderr, /Commands:/, 'the command’s usage line, not the whole text');
    const missing = await run('threshold', 'set', '--product');
    assert.is(missing.status, 2);
    assert.match(missing.stderr, /threshold set: --product needs a value \(--product ID\)/);
    const absent = await run('channel', 'add', '--group', 'WEB');
    assert.is(absent.status, 2);
    assert.match(absent.stderr, /channel add: needs --shop SHOP\.myshopify\.com/);
    const sub = await run('group', 'remove');
    assert.is(sub.status, 2);
    assert.match(sub.stderr, /group needs one of: add, list, show \(not "remove"\)/);
  },
);

args('--help prints the command’s help and does nothing else; --flag=value works', async () => {
  const help = await run('facility', 'add', '--id', 'WH1', '--netsuite-location', '12', '--help');
  assert.is(help.status, 0);
  assert.match(help.stdout, /^Usage: oms-inventory-sync facility add --id ID --netsuite-location ID/);
  assert.match(help.stdout, /--netsuite-location ID +the NetSuite location internal id/);
  assert.equal(JSON.parse((await run('facility', 'list', '--json')).stdout), [], 'nothing added');
  const added = await run('facility', 'add', '--id=WH1', '--netsuite-location=12', '--name=Main warehouse');
  assert.is(added.status, 0, added.stderr);
  assert.equal(JSON.parse((await run('facility', 'list', '--json')).stdout), [
    { facilityId: 'WH1', externalId: '12', name: 'Main warehouse' },
  ]);
});

args('with --json a failure is one JSON error object on stdout', async () => {
  const unknown = await run('sell-online', 'WH9', '--group', 'WEB', 'on', '--json');
  assert.is(unknown.status, 2);
  const error = JSON.parse(unknown.stdout) as {
    error: { exitCode: number; faults: { field: string; reason: string }[] };
  };
  assert.is(error.error.exitCode, 2);
  assert.equal(error.error.faults, [
    { field: 'facilityGroupId', reason: 'no facility group WEB (add it with group add)' },
  ]);
  const usage = await run('facility', 'add', '--bogus', '--json');
  assert.is(usage.status, 2);
  assert.match(
    (JSON.parse(usage.stdout) as { error: { message: string } }).error.message,
    /facility add: unknown flag --bogus/,
  );
});

args(
  'CSV imports: one bad row refuses the file with file, line, field and reason; a good file applies whole',
  async () => {
    writeFileSync(join(dir, 'bad.csv'), 'facilityId,netsuiteLocationId,name\nWH1,12,Main\nWH2,12,Second\n,14,\n');
    const bad = await run('facility', 'import', 'bad.csv');
    assert.is(bad.status, 2);
    assert.match(bad.stderr, /bad\.csv:line 3: netsuiteLocationId: 12 is given to WH1 too \(line 2\)/);
    assert.match(bad.stderr, /bad\.csv:line 4: facilityId: missing/);
    assert.equal(JSON.parse((await run('facility', 'list', '--json')).stdout), [], 'nothing of it written');
    writeFileSync(join(dir, 'products.csv'), 'productId,netsuiteItemId,sku\nP1,901,SKU-1\nP2,902,\n');
    const good = await run('product', 'import', 'products.csv');
    assert.is(good.status, 0, good.stderr);
    assert.is(good.stdout, 'P1: added\nP2: added\n');
    const listed = await run('product', 'list', '--limit', '1');
    assert.is(listed.stdout.trim().split('\n').length, 1);
    assert.match(listed.stdout, /^P1\s+NetSuite item 901\s+SKU SKU-1/);
    const header = await run('product', 'import', 'products.csv'.replace('products', 'nope'));
    assert.is(header.status, 2);
    assert.match(header.stderr, /cannot read nope\.csv/);
  },
);

args('group list and show; safety stock refused for an unknown product, with the reason', async () => {
  await run('facility', 'add', '--id', 'WH1', '--netsuite-location', '12');
  await run('group', 'add', '--id', 'WEB', '--type', 'CHANNEL_FAC_GROUP');
  assert.is((await run('sell-online', 'WH1', '--group', 'WEB', 'on')).stdout, 'WH1: added\n');
  assert.is((await run('sell-online', 'WH1', '--group', 'WEB', 'maybe')).status, 2);
  const shown = await run('group', 'show', 'WEB');
  assert.match(shown.stdout, /^WEB\s+CHANNEL_FAC_GROUP\s+members: WH1/);
  assert.is((await run('group', 'show', 'NONE')).status, 2);
  const refused = await run('safety-stock', 'set', '--product', 'P9', '--facility', 'WH1', '--quantity', '5');
  assert.is(refused.status, 2);
  assert.match(refused.stderr, /productId: no product P9/);
  const bad = await run('threshold', 'set', '--product', 'P9', '--quantity', 'lots');
  assert.match(bad.stderr, /quantity: "lots" is not a quantity/);
});

args('shopify locations needs the shopify section and only the Shopify token, not the store', async () => {
  const none = await run('shopify', 'locations');
  assert.is(none.status, 2);
  assert.match(none.stderr, /no shopify section/);
});

args.run();

const check = suite('check: one line each, exit 0 only when all pass');

check(
  'a fresh setup: the SQLite file not there yet, the inbox missing, the token refused, a scope missing',
  async () => {
    const work = mkdtempSync(join(tmpdir(), 'oms-check-'));
    const shopify = await startShopifyAdminServer({ accessToken: TOKEN, accessScopes: ['read_inventory'] });
    try {
      writeFileSync(
        join(work, 'oms.json'),
        JSON.stringify({
          inventoryStore: { sqlite: { file: 'db/inventory.sqlite' } },
          inbox: { local: { root: 'inbox' } },
          shopify: { shop: shopify.shopDomain, adminUrl: shopify.url },
        }),
      );
      const fresh = await cli(work, { SHOPIFY_ACCESS_TOKEN: 'shpat_not_the_token_0000' }, [
        'check',
        '--config',
        'oms.json',
      ]);
      assert.is(fresh.status, 2, fresh.stdout);
      assert.match(fresh.stdout, /^ok\s+configuration\s+valid$/m);
      assert.match(fresh.stdout, /^failed\s+database\s+no SQLite database at db\/inventory\.sqlite yet/m);
      assert.match(fresh.stdout, /^failed\s+inbox\s+no folder inbox/m);
      assert.match(fresh.stdout, /^not configured\s+event feeds inbox/m);
      assert.match(fresh.stdout, /^failed\s+shopify token\s+oms-test\.myshopify\.com refused the access token/m);
      assert.not.match(fresh.stdout + fresh.stderr, /shpat_not_the_token_0000/);

      mkdirSync(join(work, 'inbox'));
      assert.is((await cli(work, {}, ['facility', 'list', '--config', 'oms.json'])).status, 0, 'opens and migrates');
      const scopes = await cli(work, { SHOPIFY_ACCESS_TOKEN: TOKEN }, ['check', '--config', 'oms.json', '--json']);
      assert.is(scopes.status, 2);
      const report = JSON.parse(scopes.stdout) as {
        passed: boolean;
        checks: { check: string; status: string; detail: string }[];
      };
      assert.is(report.passed, false);
      const byName = new Map(report.checks.map((c) => [c.check, c]));
      assert.is(byName.get('database')?.status, 'ok');
      assert.is(byName.get('inbox')?.status, 'ok');
      assert.is(byName.get('shopify token')?.status, 'ok');
      assert.is(
        byName.get('shopify scopes')?.detail,
        'missing write_inventory, read_products (granted: read_inventory)',
      );
      assert.match(byName.get('shopify locations')?.detail ?? '', /no sales channel of oms-test\.myshopify\.com/);

      const noToken = await cli(work, {}, ['check', '--config', 'oms.json']);
      assert.is(noToken.status, 2);
      assert.match(noToken.stdout, /^failed\s+configuration\s+SHOPIFY_ACCESS_TOKEN/m);
      assert.match(noToken.stdout, /^ok\s+database/m, 'the database checked without the Shopify secret');
      assert.match(noToken.stdout, /^failed\s+shopify token\s+SHOPIFY_ACCESS_TOKEN is not set/m);
    } finally {
      await shopify.close();
      rmSync(work, { recursive: true, force: true });
    }
  },
);

check(
  'SFTP: the host key, the login and the folder, three lines; a wrong pinned key and a wrong login fail',
  async () => {
    const work = mkdtempSync(join(tmpdir(), 'oms-check-sftp-'));
    let sshd: SshServer | undefined;
    try {
      sshd = await startSshd();
      const keyFile = join(work, 'id');
      writeFileSync(keyFile, sshd.privateKey, { mode: 0o600 });
      const sftpAt = (remoteRoot: string, hostKeySha256: string, username: string) => ({
        sftp: { host: sshd!.host, port: sshd!.port, username, remoteRoot, hostKeySha256, privateKeyFile: keyFile },
      });
      const settings = (hostKeySha256: string, username: string, outbox?: string) =>
        JSON.stringify({
          inventoryStore: { sqlite: { file: 'inventory.sqlite' } },
          inbox: sftpAt(sshd!.root, hostKeySha256, username),
          ...(outbox === undefined ? {} : { outbox: sftpAt(outbox, hostKeySha256, username) }),
        });
      writeFileSync(join(work, 'good.json'), settings(sshd.hostKeySha256, sshd.username));
      writeFileSync(join(work, 'key.json'), settings(`SHA256:${'A'.repeat(43)}`, sshd.username));
      writeFileSync(join(work, 'user.json'), settings(sshd.hostKeySha256, 'nobody-here'));
      writeFileSync(join(sshd.root, 'inventory-1.csv'), 'x');
      await cli(work, {}, ['facility', 'list', '--config', 'good.json']);
      const good = await cli(work, {}, ['check', '--config', 'good.json']);
      assert.is(good.status, 0, good.stdout);
      assert.match(good.stdout, /^ok\s+inbox host key/m);
      assert.match(good.stdout, /^ok\s+inbox authentication\s+logged in as/m);
      assert.match(good.stdout, /^ok\s+inbox folder\s+.*1 file waiting/m);
      assert.not.match(good.stdout, /outbox/, 'a local outbox has no line');
      // An SFTP outbox: the same three lines; its folder must be there.
      mkdirSync(join(sshd.root, 'outbox'));
      writeFileSync(join(work, 'outbox.json'), settings(sshd.hostKeySha256, sshd.username, join(sshd.root, 'outbox')));
      writeFileSync(join(work, 'nofolder.json'), settings(sshd.hostKeySha256, sshd.username, join(sshd.root, 'none')));
      const outbox = await cli(work, {}, ['check', '--config', 'outbox.json']);
      assert.is(outbox.status, 0, outbox.stdout);
      assert.match(outbox.stdout, /^ok\s+outbox host key/m);
      assert.match(outbox.stdout, /^ok\s+outbox authentication\s+logged in as/m);
      assert.match(outbox.stdout, /^ok\s+outbox folder\s+.*0 files waiting/m);
      const noFolder = await cli(work, {}, ['check', '--config', 'nofolder.json']);
      assert.is(noFolder.status, 2, noFolder.stdout);
      assert.match(noFolder.stdout, /^failed\s+outbox folder\s+/m);
      const key = await cli(work, {}, ['check', '--config', 'key.json']);
      assert.is(key.status, 2, key.stdout);
      assert.match(
        key.stdout,
        new RegExp(
          `^failed\\s+inbox host key\\s+the server presented ${sshd.hostKeySha256.replace(/[+/]/g, '\\$&')}`,
          'm',
        ),
      );
      const user = await cli(work, {}, ['check', '--config', 'user.json']);
      assert.is(user.status, 2, user.stdout);
      assert.match(user.stdout, /^ok\s+inbox host key/m);
      assert.match(
        user.stdout,
        /^failed\s+inbox authentication\s+cannot log in as nobody-here: .*authentication/m,
        user.stdout,
      );
    } finally {
      await sshd?.stop();
      rmSync(work, { recursive: true, force: true });
    }
  },
);

check.run();
