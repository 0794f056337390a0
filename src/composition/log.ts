/**
 * The one log of the edges (the CLI's job events, the worker's): one JSON object a line (`{ time, level, msg, ...
 * fields }`), on stderr unless told otherwise, with every secret of the configuration redacted by the one redactor
 * (src/application/redaction.ts) wherever it would appear, in the message or any field.
 */
import { redactor, redactValue } from '../application/redaction.ts';
import type { Config } from './config.ts';

/** Where the CLI and the worker say what they do; tests and runners hand in their own. */
export type Logger = (
  level: 'info' | 'warn' | 'error',
  msg: string,
  fields?: Readonly<Record<string, unknown>>,
) => void;

/** A logger writing one JSON line per entry (to stderr by default), stamped with the time. */
export const jsonLineLogger =
  (write: (line: string) => void = (line) => process.stderr.write(line), now: () => Date = () => new Date()): Logger =>
  (level, msg, fields = {}) =>
    write(`${JSON.stringify({ time: now().toISOString(), level, msg, ...fields })}\n`);

/**
 * The secrets a configuration carries: the database URL, the Shopify token, the SFTP password, passphrase and key,
 * and the notification webhook's URL (a Slack URL's path is its token).
 */
export const secretsOf = (config: Config): ReadonlyArray<string | undefined> => [
  config.inventoryStore.kind === 'postgres' ? config.inventoryStore.url : undefined,
  config.shopify?.accessToken,
  ...(config.inbox.kind === 'sftp'
    ? [
        config.inbox.password,
        config.inbox.passphrase,
        config.inbox.privateKey !== undefined && 'pem' in config.inbox.privateKey
          ? config.inbox.privateKey.pem
          : undefined,
      ]
    : []),
  ...(config.notifications?.webhookUrl == null ? [] : [config.notifications.webhookUrl]),
];

/** `logger` with every secret of `secrets` (and every secret of a known form) redacted in the message and fields. */
export const redactingLogger = (secrets: ReadonlyArray<string | undefined>, logger: Logger): Logger => {
  const redact = redactor(secrets);
  return (level, msg, fields = {}) =>
    logger(level, redact(msg), redactValue(redact, fields) as Record<string, unknown>);
};

/** The log of a process running on `config`: JSON lines (on stderr unless `logger` says otherwise), secrets redacted. */
export const configuredLogger = (config: Config, logger: Logger = jsonLineLogger()): Logger =>
  redactingLogger(secretsOf(config), logger);
