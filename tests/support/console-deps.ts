// ConsoleDeps for the page tests built with `consoleClient`: the embedded default configuration, a job control
// double, a fixed clock and a log kept in memory. The pages under test use only the job control.
import { loadConfig } from '../../src/composition/config.ts';
import type { LiveStore } from '../../src/composition/jobs.ts';
import type { ConsoleDeps } from '../../src/console/deps.ts';
import { jobControlDouble, type JobControlDouble } from './job-control-double.ts';

export const NOW = new Date('2026-12-02T04:00:00Z');

/** Deps over a job control double; `logged` holds what the console logged. */
export const doubleDeps = (
  schedulesShared = true,
): { deps: ConsoleDeps; jobs: JobControlDouble; logged: Array<{ msg: string; fields: unknown }> } => {
  const config = loadConfig(undefined, {}, ['store']);
  if (config._tag === 'Left') throw new Error('config');
  const jobs = jobControlDouble({ groups: ['SHOPIFY_US', 'SHOPIFY_CA'], schedulesShared, now: NOW });
  const logged: Array<{ msg: string; fields: unknown }> = [];
  return {
    jobs,
    logged,
    deps: {
      config: config.right,
      live: { config: config.right } as unknown as LiveStore,
      jobs,
      now: () => NOW,
      log: (_level, msg, fields) => logged.push({ msg, fields }),
    },
  };
};
