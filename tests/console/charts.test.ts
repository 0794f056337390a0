import fc from 'fast-check';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { compactNumber, lineChart, niceCeiling, stackedBarChart } from '../../src/console/charts.ts';
import { render } from '../../src/console/html.ts';

const input = {
  id: 'runs',
  title: 'Runs per day',
  description: 'Runs of every job per day, by outcome',
  categories: ['12-01', '12-02', '12-03'],
  series: [
    { name: 'succeeded', color: '#1f7a3d', values: [3, 0, 5] },
    { name: 'failed', color: '#b42318', values: [1, 2, 0] },
  ],
};

const rects = (svg: string) =>
  [...svg.matchAll(/<rect class="bar" x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="([\d.]+)"/g)].map((m) => ({
    x: Number(m[1]),
    y: Number(m[2]),
    height: Number(m[4]),
  }));

const bars = suite('stackedBarChart');

bars('an accessible image: role img, labelled by its title and description', () => {
  const svg = render(stackedBarChart(input));
  assert.match(svg, '<svg xmlns="http://www.w3.org/2000/svg" role="img"');
  assert.match(svg, 'aria-labelledby="runs-title runs-desc"');
  assert.match(svg, '<title id="runs-title">Runs per day</title>');
  assert.match(svg, '<desc id="runs-desc">Runs of every job per day, by outcome</desc>');
  assert.match(svg, '<p class="muted">Runs per day</p>');
});

bars('one segment per non-zero value, each with its tooltip; stacked segments touch, taller for more', () => {
  const svg = render(stackedBarChart(input));
  const drawn = rects(svg);
  assert.is(drawn.length, 4, '3 + 1, 2, 5: zeros draw nothing');
  assert.match(svg, '<title>12-01 — succeeded: 3</title>');
  assert.match(svg, '<title>12-02 — failed: 2</title>');
  const [ok, failed] = [drawn[0]!, drawn[1]!];
  assert.is(ok.x, failed.x, 'the same bar');
  assert.ok(Math.abs(failed.y + failed.height - ok.y) < 0.2, 'the failed segment sits on the succeeded one');
  assert.ok(Math.abs(ok.height - 3 * failed.height) < 0.3, 'heights in proportion to the values');
});

bars('every label escaped: a category or series name with markup stays text', () => {
  const svg = render(
    stackedBarChart({
      ...input,
      title: '<script>alert(1)</script>',
      categories: ['"><img src=x onerror=alert(1)>'],
      series: [{ name: '<b>x</b>', color: '#000', values: [1] }],
    }),
  );
  assert.not.match(svg, '<script>');
  assert.not.match(svg, '<img');
  assert.not.match(svg, '<b>');
  assert.match(svg, '&lt;script&gt;alert(1)&lt;/script&gt;');
});

bars('a legend entry per series, wrapped to a second row when the names do not fit one', () => {
  const many = ['succeeded', 'failed', 'abandoned', 'skipped', 'running'].map((name) => ({
    name,
    color: '#000',
    values: [1, 1, 1],
  }));
  const svg = render(stackedBarChart({ ...input, series: many }));
  const rows = new Set([...svg.matchAll(/<g transform="translate\([\d.]+,([\d.]+)\)">/g)].map((m) => m[1]));
  assert.is(rows.size, 2);
  assert.is(svg.match(/<g transform=/g)?.length, 5);
});

bars('no categories: the frame alone, no bar', () => {
  const svg = render(stackedBarChart({ ...input, categories: [], series: [] }));
  assert.is(rects(svg).length, 0);
  assert.match(svg, '</svg>');
});

bars('property: every segment inside the plot, whatever the values', () => {
  fc.assert(
    fc.property(fc.array(fc.array(fc.nat(1_000_000), { minLength: 3, maxLength: 3 }), { maxLength: 4 }), (values) => {
      const svg = render(
        stackedBarChart({ ...input, series: values.map((v, i) => ({ name: `s${i}`, color: '#000', values: v })) }),
      );
      // The plot lies between the top tick line and the zero line (the first tick drawn).
      const ys = [...svg.matchAll(/<line x1="[\d.]+" x2="[\d.]+" y1="([\d.]+)"/g)].map((m) => Number(m[1]));
      const [zero, top] = [ys[0]!, ys[ys.length - 1]!];
      for (const r of rects(svg)) {
        assert.ok(r.y >= top - 0.1 && r.y + r.height <= zero + 0.6, `${r.y} + ${r.height} within ${top}..${zero}`);
      }
    }),
  );
});

const line = suite('lineChart');

line('a polyline per series and a point per category, each with its tooltip', () => {
  const svg = render(
    lineChart({ ...input, id: 'drift', series: [{ name: 'drifted', color: '#9a6700', values: [2, 0, 7] }] }),
  );
  assert.is(svg.match(/<polyline/g)?.length, 1);
  assert.is(svg.match(/<circle class="point"/g)?.length, 3);
  assert.match(svg, '<title>12-03 — drifted: 7</title>');
  const ys = [...svg.matchAll(/<circle class="point" cx="[\d.]+" cy="([\d.]+)"/g)].map((m) => Number(m[1]));
  assert.ok(ys[2]! < ys[0]! && ys[0]! < ys[1]!, 'higher values higher up');
});

const numbers = suite('niceCeiling, compactNumber');

numbers('nice ceilings and compact numbers', () => {
  assert.equal([0, 1, 3, 7, 10, 11, 240, 1_000_001].map(niceCeiling), [1, 1, 5, 10, 10, 20, 500, 2_000_000]);
  assert.equal([0, 950, 1234, 12_500, 3_400_000, 2.5].map(compactNumber), [
    '0',
    '950',
    '1,234',
    '12.5k',
    '3.4M',
    '2.5',
  ]);
});

bars.run();
line.run();
numbers.run();
