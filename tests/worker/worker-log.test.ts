import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { Config } from '../../src/composition/config.ts';
import { jsonLineLogger, redactingLogger, secretsOf, type Logger } from '../../src/worker/worker-log.ts';

const TOKEN = 'shpat_0123456789abcdef';

/** A logger that keeps what it is given. */
const recording = () => {
  const entries: Array<{ level: string; msg: string; fields: Record<string, unknown> | undefined }> = [];
  const logger: Logger = (level, msg, fields) =>
    entries.push({ level, msg, fields: fields as Record<string, unknown> });
  return { logger, entries };
};

const lines = suite('jsonLineLogger');

lines('one JSON object a line: time, level, msg, then the fields', () => {
  const out: string[] = [];
  jsonLineLogger((l) => out.push(l))('info', 'job done', { job: 'hard-sync', runId: 'r-1', lines: 3 });
  assert.is(out.length, 1);
  assert.ok(out[0]!.endsWith('\n'));
  const entry = JSON.parse(out[0]!);
  assert.equal(Object.keys(entry), ['time', 'level', 'msg', 'job', 'runId', 'lines']);
  assert.equal([entry.level, entry.msg, entry.job, entry.lines], ['info', 'job done', 'hard-sync', 3]);
  assert.ok(!Number.isNaN(Date.parse(entry.time)));
});

const redacting = suite('redactingLogger');

redacting('every secret in the message and in string fields, nested in objects and arrays, is [redacted]', () => {
  const { logger, entries } = recording();
  redactingLogger([TOKEN, 'hunter22'], logger)('error', `refused ${TOKEN}`, {
    header: `X-Shopify-Access-Token: ${TOKEN}`,
    attempts: [{ url: 'postgres://oms:hunter22@db/oms' }, 'plain'],
    count: 3,
    none: null,
  });
  assert.equal(entries, [
    {
      level: 'error',
      msg: 'refused [redacted]',
      fields: {
        header: 'X-Shopify-Access-Token: [redacted]',
        attempts: [{ url: 'postgres://oms:[redacted]@db/oms' }, 'plain'],
        count: 3,
        none: null,
      },
    },
  ]);
});

redacting('an Error becomes "name: message", scrubbed', () => {
  const { logger, entries } = recording();
  redactingLogger([TOKEN], logger)('error', 'x', { error: new TypeError(`bad token ${TOKEN}`) });
  assert.equal(entries[0]!.fields, { error: 'TypeError: bad token [redacted]' });
});

redacting('every occurrence goes, and the level passes unchanged', () => {
  const { logger, entries } = recording();
  redactingLogger([TOKEN], logger)('warn', `${TOKEN}${TOKEN} and ${TOKEN}`);
  assert.equal([entries[0]!.level, entries[0]!.msg], ['warn', '[redacted][redacted] and [redacted]']);
});

redacting('no secrets: the entry passes as it is', () => {
  const { logger, entries } = recording();
  redactingLogger([], logger)('info', 'hello', { a: 1 });
  assert.equal(entries, [{ level: 'info', msg: 'hello', fields: { a: 1 } }]);
});

const secrets = suite('secretsOf');

// Only the parts of a configuration that carry secrets; the rest of it plays no part.
const config = (parts: Record<string, unknown>): Config =>
  ({
    inventoryStore: { kind: 'sqlite', file: 'x' },
    inbox: { kind: 'local', root: '/in' },
    ...parts,
  }) as unknown as Config;

secrets('the database URL and its password (as written and decoded), the Shopify token, SFTP credentials', () => {
  const found = secretsOf(
    config({
      inventoryStore: { kind: 'postgres', url: 'postgres://oms:p%40ssw0rd@db:5432/oms' },
      shopify: { accessToken: TOKEN },
      inbox: {
        kind: 'sftp',
        password: 'sftp-password',
        passphrase: 'key-passphrase',
        privateKey: { pem: '-----BEGIN KEY-----' },
      },
    }),
  );
  assert.equal(
    [...found].sort(),
    [
      '-----BEGIN KEY-----',
      'key-passphrase',
      'p%40ssw0rd',
      'p@ssw0rd',
      'postgres://oms:p%40ssw0rd@db:5432/oms',
      'sftp-password',
      TOKEN,
    ].sort(),
  );
});

secrets('longest first, so a secret holding another is redacted whole; short values and duplicates left out', () => {
  const found = secretsOf(
    config({
      inventoryStore: { kind: 'postgres', url: 'postgres://oms:abc@db/oms' },
      shopify: { accessToken: 'short' },
    }),
  );
  assert.equal(found, ['postgres://oms:abc@db/oms']);
  const nested = secretsOf(config({ inventoryStore: { kind: 'postgres', url: 'postgres://oms:longpassword@db/oms' } }));
  assert.equal(nested, ['postgres://oms:longpassword@db/oms', 'longpassword']);
  const { logger, entries } = recording();
  redactingLogger(nested, logger)('error', 'cannot reach postgres://oms:longpassword@db/oms');
  assert.is(entries[0]!.msg, 'cannot reach [redacted]');
});

secrets('a key file path is no secret; a configuration without secrets has none', () => {
  assert.equal(secretsOf(config({ inbox: { kind: 'sftp', privateKey: { file: '/keys/id_ed25519' } } })), []);
  assert.equal(secretsOf(config({})), []);
});

lines.run();
redacting.run();
secrets.run();
