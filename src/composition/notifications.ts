/**
 * Announcing runs that a person must look at: a failed run, and a run that succeeded but left something for a person
 * (the command's exit code 3: files held back, rows rejected, lines refused, products drifted). The configured
 * webhook (`notifications`, NOTIFY_WEBHOOK_URL) is posted Slack-compatible JSON, `{"text": ...}`, with the job, the
 * run's id, the reason and the run's console link. Called by runJobOn as the run ends, so the CLI, the worker and
 * the console all announce. A webhook that fails is logged and never fails the run. No secret goes out: the text
 * passes through the configuration's redactor, and the reason is a run log error (never a secret) to begin with.
 */
import { redactor } from '../application/redaction.ts';
import type { RunReport } from '../application/run-log.ts';
import type { Config } from './config.ts';
import type { JobName } from './job-catalogue.ts';
import { type Logger, secretsOf } from './log.ts';

/** A run that ended in a way a person must see. */
export interface RunEnded {
  readonly runId: string;
  readonly job: JobName;
  readonly parameters: Readonly<Record<string, string>>;
  readonly outcome: 'failed' | 'needs-attention';
  /** Why it failed, or what it left for a person. */
  readonly reason: string;
  /** For a failed run: whether running it again may succeed (a worker retries such a run before announcing it). */
  readonly retriable: boolean;
  readonly report: RunReport | null;
}

/** How an ended run is announced (notifyRunEnded, or a test's own). Resolves once done; never rejects. */
export type Notify = (config: Config, event: RunEnded, log?: Logger) => Promise<void>;

/** The link to a run's page in the console, or null without a console URL. */
export const runLink = (consoleUrl: string | null, runId: string): string | null =>
  consoleUrl === null ? null : `${consoleUrl.replace(/\/+$/, '')}/runs/${encodeURIComponent(runId)}`;

// Slack's mrkdwn reads <, > and & as markup: a reason from outside must not become a link or a mention.
const plain = (s: string): string => s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');

/** The message of an ended run: one line of what happened, the reason, the link. */
export const notificationText = (event: RunEnded, consoleUrl: string | null): string => {
  const group = event.parameters.facilityGroupId;
  const what = `${event.job}${group === undefined ? '' : ` (${group})`}`;
  const head =
    event.outcome === 'failed'
      ? `:x: ${plain(what)} failed (run ${plain(event.runId)})`
      : `:warning: ${plain(what)} needs a person (run ${plain(event.runId)})`;
  const link = runLink(consoleUrl, event.runId);
  return [head, plain(event.reason.length > 500 ? `${event.reason.slice(0, 500)}...` : event.reason), link]
    .filter((line): line is string => line !== null)
    .join('\n');
};

/** Posts the message of `event` to the configured webhook (nothing without one); a failure is logged. */
export const notifyRunEnded: Notify = async (config, event, log) => {
  const settings = config.notifications;
  if (settings?.webhookUrl === undefined || settings.webhookUrl === null) return;
  const redact = redactor(secretsOf(config));
  const text = redact(notificationText(event, settings.consoleUrl));
  try {
    const response = await fetch(settings.webhookUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text }),
      signal: AbortSignal.timeout(settings.timeoutMs),
      redirect: 'error',
    });
    // The body is read to free the connection; it is not logged (a receiver may echo what it was sent).
    await response.arrayBuffer().catch(() => undefined);
    if (!response.ok)
      log?.('warn', 'notification webhook refused the message', {
        runId: event.runId,
        job: event.job,
        status: response.status,
      });
  } catch (error) {
    log?.('warn', 'notification webhook could not be called', {
      runId: event.runId,
      job: event.job,
      error: redact(error instanceof Error ? error.message : String(error)),
    });
  }
};
