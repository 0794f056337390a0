/**
 * Every error a command can end with, as a sentence for a person: what failed and, where it helps, what to check.
 * No `_tag`, no JSON, no library option names; secrets never reach these values (the adapters redact them).
 */

type Fields = Readonly<Record<string, unknown>>;

const text = (v: unknown): string => (typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v));

/** `ImportFailed` -> `import failed`. */
const words = (tag: string): string =>
  tag
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .toLowerCase();

const withReason = (head: string, reason: unknown): string => (text(reason) === '' ? head : `${head}: ${text(reason)}`);

const sentences: Readonly<Record<string, (e: Fields) => string>> = {
  HostKeyMismatch: (e) =>
    `the SFTP server ${text(e.store)} did not show the pinned host key (pinned SHA256:${text(e.expected)}, shown SHA256:${text(e.actual)}): check hostKeySha256 in the settings, or whether the server is the one you mean`,
  UnsafeFileName: (e) =>
    `the file name ${JSON.stringify(text(e.name))} on ${text(e.store)} is not safe to use, so it was left alone`,
  FileNotFound: (e) => `${text(e.path)} was not found on ${text(e.store)}`,
  FileStoreUnavailable: (e) => withReason(`${text(e.store)} is not reachable`, e.reason),
  FileStoreFailed: (e) => withReason(`${text(e.operation)} ${text(e.path)} on ${text(e.store)} failed`, e.reason),
  ShopifyUnauthorized: (e) =>
    withReason('Shopify refused the access token (SHOPIFY_ACCESS_TOKEN): check the token and its shop', e.reason),
  ShopifyThrottled: (e) => `Shopify kept throttling the requests (it asked to wait ${text(e.retryAfterMs)} ms)`,
  ShopifyUnavailable: (e) => withReason('Shopify is not reachable', e.reason),
  ShopifyRejected: (e) =>
    withReason(`Shopify refused the request${text(e.code) === '' ? '' : ` (${text(e.code)})`}`, e.reason),
  ShopifyBulkOperationFailed: (e) =>
    `Shopify's bulk operation ${text(e.operationId)} ended ${text(e.status).toLowerCase()}${text(e.errorCode) === '' ? '' : ` (${text(e.errorCode)})`}`,
  ShopifyAnswerInvalid: (e) => withReason("Shopify's answer was not what its API version promises", e.reason),
  InventoryStoreUnavailable: (e) => withReason('the inventory store is not reachable', e.reason),
  InventoryStoreFailed: (e) => withReason(`the inventory store could not ${text(e.operation)}`, e.reason),
  StartupFailed: (e) => withReason(`${text(e.component)} could not be started`, e.reason),
  JobStartFailed: (e) => withReason(`${text(e.job)}: ${text(e.component)} could not be started`, e.reason),
  JobParametersInvalid: (e) =>
    Array.isArray(e.problems) ? e.problems.map(text).join('; ') : `${text(e.job)}: invalid parameters`,
  JobFailed: (e) => (e.error === undefined ? withReason(`${text(e.job)} failed`, e.reason) : failureSentence(e.error)),
};

/** An error as one sentence (the CLI prints it after `oms-inventory-sync: `). */
export const failureSentence = (e: unknown): string => {
  if (typeof e === 'string') return e;
  if (e instanceof Error) return e.message;
  if (typeof e !== 'object' || e === null) return `an unexpected failure: ${String(e)}`;
  const fields = e as Fields;
  const tag = text(fields._tag);
  const known = sentences[tag];
  if (known !== undefined) return known(fields);
  if (text(fields.reason) !== '') return text(fields.reason);
  return tag === '' ? 'an unexpected failure' : words(tag);
};
