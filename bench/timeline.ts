/**
 * A timeline of a Process uploads run for the Shopify benchmarks (`BENCH_TIMELINE=1`): the ports it calls are
 * wrapped, each call's start and end recorded, and a summary printed: per port, how many calls and how long they took
 * in all; the time no set call was in flight (what the bucket did not bound), and of it the longest stretches with
 * what ran in them. A profile, not a figure: the wrapping itself costs a little.
 */
import type * as TE from 'fp-ts/lib/TaskEither.js';

interface Span {
  readonly name: string;
  readonly start: number;
  end: number;
}

/** The wrapped ports and the spans they recorded. */
export interface Timeline {
  readonly wrap: <D extends object>(deps: D) => D;
  readonly summary: (label: string) => string;
  readonly reset: () => void;
}

const WRAPPED = [
  'availableAtLocation',
  'mappedProductPage',
  'setAvailable',
  'availableOf',
  'ledger',
  'freezeBatch',
  'settleBatch',
  'feedProgress',
  'failedLines',
];

export const timeline = (): Timeline => {
  let spans: Span[] = [];
  let origin = performance.now();
  const wrap = <D extends object>(deps: D): D => {
    const wrapped: Record<string, unknown> = { ...(deps as Record<string, unknown>) };
    for (const name of WRAPPED) {
      const port = (deps as Record<string, unknown>)[name];
      if (typeof port !== 'function') continue;
      wrapped[name] =
        (...args: unknown[]): TE.TaskEither<unknown, unknown> =>
        async () => {
          const span: Span = { name, start: performance.now(), end: 0 };
          spans.push(span);
          try {
            return await (port as (...a: unknown[]) => TE.TaskEither<unknown, unknown>)(...args)();
          } finally {
            span.end = performance.now();
          }
        };
    }
    return wrapped as D;
  };
  const summary = (label: string): string => {
    if (spans.length === 0) return `${label}: no calls recorded`;
    const first = Math.min(...spans.map((s) => s.start));
    const last = Math.max(...spans.map((s) => s.end));
    const byName = new Map<string, { n: number; ms: number; max: number }>();
    for (const s of spans) {
      const t = byName.get(s.name) ?? { n: 0, ms: 0, max: 0 };
      t.n++;
      t.ms += s.end - s.start;
      t.max = Math.max(t.max, s.end - s.start);
      byName.set(s.name, t);
    }
    // The stretches with no set call in flight, between the first port call and the last.
    const sets = spans.filter((s) => s.name === 'setAvailable').sort((a, b) => a.start - b.start);
    const gaps: Array<{ from: number; to: number }> = [];
    let covered = first;
    for (const s of sets) {
      if (s.start > covered) gaps.push({ from: covered, to: s.start });
      covered = Math.max(covered, s.end);
    }
    if (last > covered) gaps.push({ from: covered, to: last });
    const idle = gaps.reduce((n, g) => n + g.to - g.from, 0);
    const inGap = (g: { from: number; to: number }) =>
      spans
        .filter((s) => s.name !== 'setAvailable' && s.end > g.from && s.start < g.to)
        .map((s) => `${s.name} ${(Math.min(s.end, g.to) - Math.max(s.start, g.from)).toFixed(0)}`)
        .join(', ');
    const longest = [...gaps].sort((a, b) => b.to - b.from - (a.to - a.from)).slice(0, 3);
    return [
      `${label}: timeline of ${((last - first) / 1000).toFixed(2)} s from the first port call (run started ${((first - origin) / 1000).toFixed(2)} s before it; first set call ${sets.length === 0 ? 'none' : `${((sets[0]!.start - origin) / 1000).toFixed(2)} s after the start`})`,
      `  ${[...byName].map(([name, t]) => `${name} ${t.n}x ${(t.ms / 1000).toFixed(2)} s (mean ${(t.ms / t.n).toFixed(1)} ms, max ${t.max.toFixed(0)})`).join('; ')}`,
      `  no set call in flight: ${(idle / 1000).toFixed(2)} s in ${gaps.length} stretches (mean ${(idle / Math.max(1, gaps.length)).toFixed(1)} ms); longest: ${longest.map((g) => `${(g.to - g.from).toFixed(0)} ms at ${((g.from - first) / 1000).toFixed(2)} s [${inGap(g)}]`).join('; ')}`,
    ].join('\n');
  };
  return {
    wrap,
    summary,
    reset: () => {
      spans = [];
      origin = performance.now();
    },
  };
};
