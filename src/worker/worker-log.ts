/**
 * The worker's log: one JSON object a line (`{ time, level, msg, job, runId, ... }`), on stderr unless told
 * otherwise, with every secret of the configuration replaced by `[redacted]` wherever it would appear.
 */
import type { Config } from '../composition/config.ts';

/** Where the worker says what it does; the same shape as the CLI's logger, so the CLI can hand in its own. */
export type Logger = (
  level: 'info' | 'warn' | 'error',
  msg: string,
  fields?: Readonly<Record<string, unknown>>,
) => void;

/** A logger writing one JSON line per entry (to stderr by default). */
export const jsonLineLogger =
  (write: (line: string) => void = (line) => process.stderr.write(line)): Logger =>
  (level, msg, fields = {}) =>
    write(`${JSON.stringify({ time: new Date().toISOString(), level, msg, ...fields })}\n`);

// Short values would redact ordinary words; no real secret is this short.
const MIN_SECRET_LENGTH = 6;

/** The secrets a configuration carries: the database URL and its password, the Shopify token, SFTP credentials. */
export const secretsOf = (config: Config): ReadonlyArray<string> => {
  const found: string[] = [];
  if (config.inventoryStore.kind === 'postgres') {
    found.push(config.inventoryStore.url);
    try {
      const url = new URL(config.inventoryStore.url);
      found.push(decodeURIComponent(url.password), url.password);
    } catch {
      // not a URL: the whole string is redacted already
    }
  }
  if (config.shopify !== undefined) found.push(config.shopify.accessToken);
  if (config.inbox.kind === 'sftp') {
    const { password, passphrase, privateKey } = config.inbox;
    found.push(password ?? '', passphrase ?? '');
    if (privateKey !== undefined && 'pem' in privateKey) found.push(privateKey.pem);
  }
  // Longest first, so a secret containing another is replaced whole.
  return Array.from(new Set(found.filter((s) => s.length >= MIN_SECRET_LENGTH))).sort((a, b) => b.length - a.length);
};

const scrub = (secrets: ReadonlyArray<string>, value: unknown, depth = 0): unknown => {
  if (typeof value === 'string') return secrets.reduce((text, secret) => text.split(secret).join('[redacted]'), value);
  if (value instanceof Error) return scrub(secrets, `${value.name}: ${value.message}`, depth);
  if (depth > 8 || typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map((v) => scrub(secrets, v, depth + 1));
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scrub(secrets, v, depth + 1)]));
};

/** The logger with every secret of `secrets` replaced by `[redacted]` in the message and the fields. */
export const redactingLogger =
  (secrets: ReadonlyArray<string>, logger: Logger): Logger =>
  (level, msg, fields = {}) =>
    logger(level, scrub(secrets, msg) as string, scrub(secrets, fields) as Record<string, unknown>);
