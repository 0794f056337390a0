import type { ProgressEvent } from '../application/progress.ts';

/**
 * A progress bar on a terminal: one line redrawn in place, at most ten times a second, cleared by `done`. Off when
 * stderr is not a TTY (logs and pipes get the final report only).
 */
export const progressBar = (
  stream: NodeJS.WriteStream = process.stderr,
): { readonly update: (event: ProgressEvent) => void; readonly done: () => void } => {
  if (!stream.isTTY) return { update: () => undefined, done: () => undefined };
  let last = 0;
  let drawn = false;
  return {
    update: (e) => {
      const now = Date.now();
      if (now - last < 100 && e.done !== e.total) return;
      last = now;
      const width = 30;
      const line =
        e.total === null || e.total === 0
          ? `${e.job}: ${e.done.toLocaleString('en')} ${e.step}`
          : `${e.job} [${'#'.repeat(Math.round((width * e.done) / e.total)).padEnd(width, '.')}] ${Math.floor((100 * e.done) / e.total)}% ${e.done.toLocaleString('en')}/${e.total.toLocaleString('en')} ${e.step}`;
      stream.write(`\r\x1b[2K${line.slice(0, (stream.columns ?? 120) - 1)}`);
      drawn = true;
    },
    done: () => {
      if (drawn) stream.write('\r\x1b[2K');
      drawn = false;
    },
  };
};
