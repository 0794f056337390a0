/**
 * How the console writes times, durations, counts, parameters and statuses: pure functions of their data (the
 * time a page is drawn at comes in as a parameter), shared by every page so each fact reads the same everywhere.
 */
import type { JobControlProblem } from '../composition/job-control.ts';
import { jobDefinition, type JobName } from '../composition/job-catalogue.ts';
import { html, type Html } from './html.ts';

/** A time as `2026-12-02 04:30:05 UTC`. */
export const formatTime = (at: Date): string => `${at.toISOString().slice(0, 19).replace('T', ' ')} UTC`;

/** A duration in words a person reads at a glance: `850 ms`, `12.4 s`, `3 min 05 s`, `2 h 07 min`. */
export const formatDuration = (ms: number): string => {
  if (!Number.isFinite(ms) || ms < 0) return '-';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const s = Math.floor(ms / 1000);
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} min`;
};

/** How far ahead a time is from `now`: `in 4 min`, `in 2 h`, `now`, `3 min ago`. */
export const formatRelative = (at: Date, now: Date): string => {
  const ms = at.getTime() - now.getTime();
  const abs = Math.abs(ms);
  if (abs < 30_000) return 'now';
  const words =
    abs < 3_600_000
      ? `${Math.round(abs / 60_000)} min`
      : abs < 172_800_000
        ? `${Math.round(abs / 3_600_000)} h`
        : `${Math.round(abs / 86_400_000)} days`;
  return ms > 0 ? `in ${words}` : `${words} ago`;
};

/** A run's counts as `rowsRead 5, applied 3`, in the order recorded; '' when none. */
export const formatCounts = (counts: Readonly<Record<string, number>>): string =>
  Object.entries(counts)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');

/** Parameters as chips (`facilityGroupId SHOPIFY_US`). */
export const parameterChips = (parameters: Readonly<Record<string, string>>): Html =>
  html`<span class="chips">${Object.entries(parameters).map(
    ([k, v]) => html`<span class="chip">${k} ${v}</span>`,
  )}</span>`;

/** A status badge (succeeded, failed, running, paused, ...): its word, coloured by the stylesheet. */
export const badge = (status: string): Html => html`<span class="badge ${status}">${status}</span>`;

/** The job's title from the catalogue (`Hard Sync`, `Upload recent inventory changes`). */
export const jobTitle = (job: JobName): string => jobDefinition(job).title;

/** The HTTP status of a job-control refusal: 400 for bad input, 404 for what is not there, 409 for a state, 503 else. */
export const problemStatus = (problem: JobControlProblem): number => {
  switch (problem._tag) {
    case 'ParametersInvalid':
    case 'CronInvalid':
    case 'TooFrequent':
      return 400;
    case 'ScheduleNotFound':
    case 'RunNotFound':
    case 'QueuedRunNotFound':
      return 404;
    case 'SchedulesNeedPostgres':
    case 'NotRerunnable':
      return 409;
    case 'JobControlFailed':
      return 503;
  }
};
