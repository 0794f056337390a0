/**
 * The one redactor: what every message that may leave the process (a log line, an error's reason, a run's recorded
 * error) passes through so that it carries no credential. Pure, so the adapters (their error reasons), the
 * composition root and the edges (the CLI's and the worker's log) all use this one.
 *
 * Two ways a secret is found:
 * - by value, when the caller knows it (the configuration's database URL, Shopify token, SFTP password, passphrase
 *   and private key): each occurrence becomes `[redacted]`; a URL's password is looked for on its own too, as written
 *   and percent-decoded (a driver may print either);
 * - by form, when nobody told: a PostgreSQL URL (`postgres://user:password@host/db`, `postgresql://...`) becomes
 *   `postgres://…`, a Shopify Admin API token (`shpat_…`, `shpca_…`, `shppa_…`, `shpss_…`) and a PEM private key
 *   (`-----BEGIN … PRIVATE KEY-----` to its end line) become `[redacted]`.
 */

/** What a secret found in a text is replaced with. */
export const REDACTED = '[redacted]';

/** Known values shorter than this are not looked for: they would cut ordinary words out of messages. */
export const MIN_SECRET_LENGTH = 4;

const POSTGRES_URL = /postgres(?:ql)?:\/\/[^\s'"]+/gi;
const SHOPIFY_TOKEN = /\bshp(?:at|ca|pa|ss)_[A-Za-z0-9_]+/g;
const PRIVATE_KEY = /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z0-9 ]*PRIVATE KEY-----|$)/g;

const passwordsOf = (value: string): ReadonlyArray<string> => {
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) return [];
  try {
    const { password } = new URL(value);
    if (password === '') return [];
    try {
      return [password, decodeURIComponent(password)];
    } catch {
      return [password];
    }
  } catch {
    return [];
  }
};

/**
 * The values to look for among `secrets` (absent ones skipped): each value, and each URL's password as written and
 * decoded; at least MIN_SECRET_LENGTH characters, no repeats, longest first (so a secret that holds another is
 * replaced whole).
 */
export const secretValues = (secrets: ReadonlyArray<string | undefined>): ReadonlyArray<string> =>
  [...new Set(secrets.flatMap((s) => (s === undefined ? [] : [s, ...passwordsOf(s)])))]
    .filter((s) => s.length >= MIN_SECRET_LENGTH)
    .sort((a, b) => b.length - a.length);

/** A redactor knowing `secrets`: the text with every known secret, then every secret of a known form, replaced. */
export const redactor = (secrets: ReadonlyArray<string | undefined> = []): ((text: string) => string) => {
  const values = secretValues(secrets);
  return (text) =>
    values
      .reduce((t, secret) => t.split(secret).join(REDACTED), text)
      .replace(PRIVATE_KEY, REDACTED)
      .replace(POSTGRES_URL, 'postgres://…')
      .replace(SHOPIFY_TOKEN, REDACTED);
};

/** `text` redacted (see the file comment); `secrets` are the values the caller knows. */
export const redact = (text: string, secrets: ReadonlyArray<string | undefined> = []): string =>
  redactor(secrets)(text);

/**
 * A JSON-like value (a log line's fields) with every string in it (keys too) redacted by `redactText`, an Error as its
 * `name: message`, a Date as it is; objects and arrays are copied, eight levels deep at most (deeper values are left
 * out as `[deep]`, never passed on unredacted).
 */
export const redactValue = (redactText: (text: string) => string, value: unknown, depth = 0): unknown => {
  if (typeof value === 'string') return redactText(value);
  if (value instanceof Error) return redactText(`${value.name}: ${value.message}`);
  if (typeof value !== 'object' || value === null || value instanceof Date) return value;
  if (depth >= 8) return '[deep]';
  if (Array.isArray(value)) return value.map((v) => redactValue(redactText, v, depth + 1));
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [redactText(k), redactValue(redactText, v, depth + 1)]),
  );
};
