// Waiting in tests for what another process does: a probe polled until it answers, within a time limit.

/** Resolves after `ms`. */
export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls `probe` every `everyMs` until it answers something other than undefined; fails after `timeoutMs`. */
export const until = async <A>(
  what: string,
  probe: () => Promise<A | undefined>,
  timeoutMs: number,
  everyMs = 50,
): Promise<A> => {
  for (const end = Date.now() + timeoutMs; ; ) {
    const found = await probe();
    if (found !== undefined) return found;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
};
