/**
 * `oms-inventory-sync console`: opens the store once, the job control over it, and serves the console on
 * 127.0.0.1 (or the host given) until SIGTERM or SIGINT; then stops serving and closes what it opened.
 * Loaded by the CLI with a dynamic import, so Fastify never loads for another command or a library user.
 */
import { type Either, isLeft } from 'fp-ts/lib/Either.js';
import type { Config } from '../composition/config.ts';
import type { JobControl } from '../composition/job-control.ts';
import { openLiveStore, type LiveStore } from '../composition/jobs.ts';
import { configuredLogger, type Logger } from '../composition/log.ts';
import { credentialsFromEnv } from './auth.ts';
import type { ConsoleDeps } from './deps.ts';
import { startConsole, type RunningConsole } from './server.ts';

/** Why the console did not start: a usage problem (exit 2) or a failure to start (exit 1). */
export interface ConsoleStartFailed {
  readonly _tag: 'ConsoleStartFailed';
  readonly reason: string;
  readonly exitCode: 1 | 2;
}

/** Where and how the command serves. */
export interface ConsoleCommandOptions {
  readonly host: string;
  readonly port: number;
  /**
   * Opens the job control over the live store (the edge that calls this hands in the live one, with pg-boss on
   * PostgreSQL, which the console itself never imports), or says why it could not.
   */
  readonly openJobs: (live: LiveStore, log: Logger) => Promise<Either<{ readonly reason: string }, JobControl>>;
}

/** The console, started: its URL, and `stop` closing the server, the job control and the store. */
export interface StartedConsole {
  readonly url: string;
  readonly running: RunningConsole;
  readonly stop: () => Promise<void>;
}

/**
 * Starts the console on a validated configuration and the environment (CONSOLE_USER, CONSOLE_PASSWORD or
 * CONSOLE_PASSWORD_HASH, CONSOLE_SESSION_SECRET, CONSOLE_SECURE_COOKIES=1 behind HTTPS). Never rejects.
 */
export const startConsoleCommand = async (
  config: Config,
  options: ConsoleCommandOptions,
  env: Readonly<Record<string, string | undefined>>,
  logger?: Logger,
): Promise<
  | { readonly _tag: 'Left'; readonly left: ConsoleStartFailed }
  | { readonly _tag: 'Right'; readonly right: StartedConsole }
> => {
  const failed = (reason: string, exitCode: 1 | 2) =>
    ({ _tag: 'Left', left: { _tag: 'ConsoleStartFailed', reason, exitCode } }) as const;
  const credentials = credentialsFromEnv(env);
  if (!credentials.ok) return failed(credentials.message, 2);
  const log = configuredLogger(config, logger);
  const live = await openLiveStore(config)();
  if (isLeft(live))
    return failed(`${live.left.component}: ${live.left.reason}`, live.left.misconfigured === true ? 2 : 1);
  const opened = await options.openJobs(live.right, log).catch(
    (error: unknown): Either<{ reason: string }, never> => ({
      _tag: 'Left',
      left: { reason: error instanceof Error ? error.message : String(error) },
    }),
  );
  if (isLeft(opened)) {
    await live.right.close().catch(() => undefined);
    return failed(`job control: ${opened.left.reason}`, 1);
  }
  const jobs = opened.right;
  const deps: ConsoleDeps = { config, live: live.right, jobs, now: () => new Date(), log };
  try {
    const running = await startConsole(deps, {
      credentials: credentials.credentials,
      host: options.host,
      port: options.port,
      ...(env.CONSOLE_SESSION_SECRET === undefined || env.CONSOLE_SESSION_SECRET === ''
        ? {}
        : { sessionSecret: env.CONSOLE_SESSION_SECRET }),
      secureCookies: env.CONSOLE_SECURE_COOKIES === '1' || env.CONSOLE_SECURE_COOKIES === 'true',
    });
    return {
      _tag: 'Right',
      right: {
        url: running.url,
        running,
        stop: async () => {
          await running.close().catch(() => undefined);
          await jobs.close().catch(() => undefined);
          await live.right.close().catch(() => undefined);
        },
      },
    };
  } catch (error) {
    await jobs.close().catch(() => undefined);
    await live.right.close().catch(() => undefined);
    const code = (error as { code?: unknown }).code;
    return failed(
      code === 'EADDRINUSE'
        ? `${options.host}:${options.port} is in use: give another --port`
        : code === 'EADDRNOTAVAIL'
          ? `${options.host} is not an address of this machine`
          : `the console did not start: ${error instanceof Error ? error.message : String(error)}`,
      code === 'EADDRINUSE' || code === 'EADDRNOTAVAIL' ? 2 : 1,
    );
  }
};

/** Serves until SIGTERM or SIGINT, then stops; resolves to the exit code. */
export const consoleCommand = async (
  config: Config,
  options: ConsoleCommandOptions,
  env: Readonly<Record<string, string | undefined>>,
  io: {
    readonly stdout: (line: string) => void;
    readonly stderr: (line: string) => void;
    readonly signals: NodeJS.EventEmitter;
  } = {
    stdout: (line) => process.stdout.write(line),
    stderr: (line) => process.stderr.write(line),
    signals: process,
  },
): Promise<number> => {
  const started = await startConsoleCommand(config, options, env);
  if (isLeft(started)) {
    io.stderr(`oms-inventory-sync: console: ${started.left.reason}\n`);
    return started.left.exitCode;
  }
  io.stdout(
    `console: ${started.right.url} (sign in as ${credentialsFromEnv(env).ok ? env.CONSOLE_USER || 'operator' : ''})\n`,
  );
  if (!['127.0.0.1', '::1', 'localhost'].includes(options.host))
    io.stdout(
      `console: listening on ${options.host}, beyond this machine: put it behind HTTPS (CONSOLE_SECURE_COOKIES=1)\n`,
    );
  await new Promise<void>((resolve) => {
    const stop = () => {
      io.signals.off('SIGTERM', stop);
      io.signals.off('SIGINT', stop);
      resolve();
    };
    io.signals.on('SIGTERM', stop);
    io.signals.on('SIGINT', stop);
  });
  await started.right.stop();
  return 0;
};
