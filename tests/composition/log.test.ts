import fc from 'fast-check';
import { isRight } from 'fp-ts/lib/Either.js';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { loadConfig, type Config } from '../../src/composition/config.ts';
import { configuredLogger, jsonLineLogger, secretsOf } from '../../src/composition/log.ts';

const PEM =
  '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAAtestkeymaterial\n-----END OPENSSH PRIVATE KEY-----';

const configWith = (env: Record<string, string>): Config => {
  const c = loadConfig(
    {
      inventoryStore: { postgres: {} },
      inbox: {
        sftp: { host: 'sftp.example', username: 'acme', remoteRoot: '/in', hostKeySha256: `SHA256:${'A'.repeat(43)}` },
      },
      shopify: { shop: 'acme.myshopify.com' },
    },
    env,
  );
  if (!isRight(c)) throw new Error('the test configuration is invalid');
  return c.right;
};

const ENV = {
  DATABASE_URL: 'postgres://oms:db%2Fpass-9x@db.internal:5432/oms',
  SHOPIFY_ACCESS_TOKEN: 'shpat_log_test_0123456789abcdef',
  SFTP_PASSWORD: 'sftp-pass-42',
  SFTP_PASSPHRASE: 'passphrase-7',
  SFTP_PRIVATE_KEY: PEM,
};
// The configured values and the database password in both spellings a driver may print.
const SECRETS = [...Object.values(ENV), 'db%2Fpass-9x', 'db/pass-9x'];

// Every string of a parsed line, keys too (a secret with a line break is escaped in the raw line).
const strings = (value: unknown): string[] =>
  typeof value === 'string'
    ? [value]
    : typeof value === 'object' && value !== null
      ? Object.entries(value).flatMap(([k, v]) => [k, ...strings(v)])
      : [];

const log = suite('configuredLogger');

log('one JSON object a line: time, level, message and the fields', () => {
  const lines: string[] = [];
  const at = new Date('2026-11-22T01:00:00Z');
  jsonLineLogger(
    (line) => lines.push(line),
    () => at,
  )('warn', 'job failed', { job: 'import', attempt: 2 });
  assert.equal(lines, [
    '{"time":"2026-11-22T01:00:00.000Z","level":"warn","msg":"job failed","job":"import","attempt":2}\n',
  ]);
});

log('the configuration names its secrets: database URL, Shopify token, SFTP password, passphrase and key', () => {
  assert.equal(secretsOf(configWith(ENV)), [
    ENV.DATABASE_URL,
    ENV.SHOPIFY_ACCESS_TOKEN,
    ENV.SFTP_PASSWORD,
    ENV.SFTP_PASSPHRASE,
    PEM,
  ]);
});

log('the notification webhook URL is a secret too', () => {
  const hook = 'https://hooks.slack.com/services/T000/B000/abcdefSECRET';
  const config = loadConfig({}, { NOTIFY_WEBHOOK_URL: hook });
  if (config._tag === 'Left') throw new Error(config.left.problems.join('; '));
  assert.equal(secretsOf(config.right).at(-1), hook);
  const lines: string[] = [];
  configuredLogger(
    config.right,
    jsonLineLogger((line) => lines.push(line)),
  )('warn', `posting to ${hook} failed`);
  assert.not.ok(lines[0]!.includes('abcdefSECRET'), lines[0]);
});

log('a line never holds a configured secret, in the message, a field, an error, a list or a nested object', () => {
  const lines: string[] = [];
  const logger = configuredLogger(
    configWith(ENV),
    jsonLineLogger((line) => lines.push(line)),
  );
  logger('error', `cannot reach ${ENV.DATABASE_URL}`, {
    error: new Error(`password authentication failed: db/pass-9x; token ${ENV.SHOPIFY_ACCESS_TOKEN}`),
    tried: [ENV.SFTP_PASSWORD, { passphrase: ENV.SFTP_PASSPHRASE, key: PEM }],
    hint: 'encoded db%2Fpass-9x',
  });
  assert.is(lines.length, 1);
  const read = strings(JSON.parse(lines[0]!));
  for (const secret of [...SECRETS, 'b3BlbnNz'])
    assert.not.ok(lines[0]!.includes(secret) || read.some((s) => s.includes(secret)), secret);
  const parsed = JSON.parse(lines[0]!) as Record<string, unknown>;
  assert.is(parsed.msg, 'cannot reach [redacted]');
  assert.is(parsed.hint, 'encoded [redacted]');
});

log('property: whatever the message and fields, no line holds a configured secret', () => {
  const config = configWith(ENV);
  const piece = fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom(...SECRETS));
  const text = fc.array(piece, { maxLength: 6 }).map((ps) => ps.join(''));
  const fields = fc.dictionary(text, fc.oneof(text, fc.array(text, { maxLength: 3 })), {
    maxKeys: 4,
  });
  fc.assert(
    fc.property(text, fields, (msg, extra) => {
      const lines: string[] = [];
      configuredLogger(
        config,
        jsonLineLogger((line) => lines.push(line)),
      )('info', msg, extra);
      const raw = lines.join('');
      const read = strings(JSON.parse(raw));
      for (const secret of SECRETS) assert.not.ok(raw.includes(secret) || read.some((s) => s.includes(secret)), secret);
    }),
    { numRuns: 300 },
  );
});

log.run();
