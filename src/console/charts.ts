/**
 * The dashboard's pictures as plain inline SVG, drawn by pure functions: bars (stacked by series) and a line. Each
 * chart is an `img` with its title and description for screen readers, every bar or point has its own tooltip
 * (`<title>`), axis labels are text, and every label goes through the `html` template (escaped).
 */
import { html, type Html } from './html.ts';

/** One series of a chart: its name (the legend), its colour and one value per category. */
export interface ChartSeries {
  readonly name: string;
  readonly color: string;
  readonly values: ReadonlyArray<number>;
}

/** What a chart shows: an id (unique on the page), a title, a sentence describing it, the categories (x axis). */
export interface ChartInput {
  readonly id: string;
  readonly title: string;
  readonly description: string;
  readonly categories: ReadonlyArray<string>;
  readonly series: ReadonlyArray<ChartSeries>;
  readonly width?: number;
  readonly height?: number;
}

const MARGIN = { top: 12, right: 40, left: 52 } as const;
const WIDTH = 420;
const HEIGHT = 230;

// Where each legend entry goes (wrapping to more rows when the names do not fit one), and the bottom margin that
// leaves room for the category labels and the legend's rows.
const layoutOf = (input: ChartInput) => {
  const width = input.width ?? WIDTH;
  const height = input.height ?? HEIGHT;
  let x = MARGIN.left;
  let row = 0;
  const legend = input.series.map((s) => {
    const w = 18 + 6.2 * s.name.length + 12;
    if (x + w > width && x > MARGIN.left) {
      x = MARGIN.left;
      row++;
    }
    const at = { x: round(x), row };
    x += w;
    return at;
  });
  const rows = input.series.length === 0 ? 0 : row + 1;
  const bottom = 28 + 14 * rows;
  return {
    width,
    height,
    bottom,
    legend,
    rows,
    plotWidth: width - MARGIN.left - MARGIN.right,
    plotHeight: height - MARGIN.top - bottom,
  };
};

/** The smallest "nice" number (1, 2 or 5 times a power of ten) at least `value`; 1 for 0 or less. */
export const niceCeiling = (value: number): number => {
  if (!(value > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 5, 10]) if (step * power >= value) return step * power;
  return 10 * power;
};

/** A number as an axis shows it: 1,234 / 12.5k / 3.4M. */
export const compactNumber = (value: number): string => {
  const abs = Math.abs(value);
  if (abs >= 1_000_000) return `${+(value / 1_000_000).toFixed(1)}M`;
  if (abs >= 10_000) return `${+(value / 1_000).toFixed(1)}k`;
  return Number.isInteger(value) ? value.toLocaleString('en-US') : String(+value.toFixed(2));
};

const round = (n: number): number => Math.round(n * 10) / 10;

// The frame both charts share: the svg element, its title and description, the y axis with 4 ticks, the legend.
const frame = (input: ChartInput, max: number, body: Html, xLabels: Html): Html => {
  const { width, height, plotHeight, legend, rows } = layoutOf(input);
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => {
    const y = round(MARGIN.top + plotHeight * (1 - f));
    return html`<line x1="${MARGIN.left}" x2="${width - MARGIN.right}" y1="${y}" y2="${y}" stroke="#d9dde5" stroke-width="1"/><text x="${MARGIN.left - 6}" y="${y + 4}" text-anchor="end" font-size="11" fill="#5b6474">${compactNumber(max * f)}</text>`;
  });
  const legendMarks = input.series.map(
    (s, i) =>
      html`<g transform="translate(${legend[i]!.x},${height - 6 - 14 * (rows - 1 - legend[i]!.row)})"><rect width="10" height="10" y="-9" fill="${s.color}"/><text x="14" font-size="11" fill="#1d2330">${s.name}</text></g>`,
  );
  return html`<div class="chart" id="${input.id}"><svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 ${width} ${height}" width="100%" preserveAspectRatio="xMidYMid meet" aria-labelledby="${input.id}-title ${input.id}-desc"><title id="${input.id}-title">${input.title}</title><desc id="${input.id}-desc">${input.description}</desc>${ticks}${body}${xLabels}${legendMarks}</svg><p class="muted">${input.title}</p></div>`;
};

const plotSize = (input: ChartInput) => {
  const layout = layoutOf(input);
  return { width: layout.plotWidth, height: layout.plotHeight };
};

// At most ~12 category labels under the axis, evenly spread, so long series stay legible.
const xLabelsOf = (input: ChartInput, xOf: (i: number) => number): Html => {
  const n = input.categories.length;
  const every = Math.max(1, Math.ceil(n / 12));
  const layout = layoutOf(input);
  const y = layout.height - layout.bottom + 14;
  return html`${input.categories.map((c, i) =>
    i % every === 0
      ? html`<text x="${round(xOf(i))}" y="${y}" text-anchor="middle" font-size="10" fill="#5b6474">${c}</text>`
      : '',
  )}`;
};

/**
 * Bars, one per category, each stacked from its series' values (a single series is a plain bar chart). A bar's
 * segments each carry a tooltip "category — series: value"; an empty chart says so in its description.
 */
export const stackedBarChart = (input: ChartInput): Html => {
  const { width, height } = plotSize(input);
  const n = input.categories.length;
  const totals = input.categories.map((_, i) =>
    input.series.reduce((sum, s) => sum + Math.max(0, s.values[i] ?? 0), 0),
  );
  const max = niceCeiling(Math.max(0, ...totals));
  const slot = n === 0 ? width : width / n;
  const barWidth = round(Math.max(1, slot * 0.7));
  const xOf = (i: number) => MARGIN.left + slot * i + slot / 2;
  const bars = input.categories.map((category, i) => {
    let base = 0;
    return input.series.map((s) => {
      const value = Math.max(0, s.values[i] ?? 0);
      if (value === 0) return '';
      const y0 = MARGIN.top + height * (1 - base / max);
      base += value;
      const y1 = MARGIN.top + height * (1 - base / max);
      return html`<rect class="bar" x="${round(xOf(i) - barWidth / 2)}" y="${round(y1)}" width="${barWidth}" height="${round(Math.max(0.5, y0 - y1))}" fill="${s.color}"><title>${category} — ${s.name}: ${value.toLocaleString('en-US')}</title></rect>`;
    });
  });
  return frame(input, max, html`${bars}`, xLabelsOf(input, xOf));
};

/** Lines, one per series, a point per category (with its tooltip); a single category draws its point alone. */
export const lineChart = (input: ChartInput): Html => {
  const { width, height } = plotSize(input);
  const n = input.categories.length;
  const max = niceCeiling(Math.max(0, ...input.series.flatMap((s) => s.values)));
  const xOf = (i: number) => MARGIN.left + (n <= 1 ? width / 2 : (width * i) / (n - 1));
  const yOf = (v: number) => MARGIN.top + height * (1 - Math.max(0, v) / max);
  const lines = input.series.map((s) => {
    const points = input.categories.map((_, i) => `${round(xOf(i))},${round(yOf(s.values[i] ?? 0))}`).join(' ');
    return html`<polyline fill="none" stroke="${s.color}" stroke-width="2" points="${points}"/>${input.categories.map(
      (category, i) =>
        html`<circle class="point" cx="${round(xOf(i))}" cy="${round(yOf(s.values[i] ?? 0))}" r="3" fill="${s.color}"><title>${category} — ${s.name}: ${(s.values[i] ?? 0).toLocaleString('en-US')}</title></circle>`,
    )}`;
  });
  return frame(input, max, html`${lines}`, xLabelsOf(input, xOf));
};
