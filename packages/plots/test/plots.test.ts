import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as api from '../src/index.js';
import {
  barChart,
  categoryColours,
  chartGrid,
  embeddingCoordinates,
  heatmapChart,
  histogramChart,
  imageGrid,
  lineChart,
  rampColour,
  scatterChart,
  squareImageSide,
  svgSize,
} from '../src/index.js';
import { pngRenderer } from '../src/png.js';

/** The numbers of the attribute `name` of every element `tag` of an SVG, in order. */
function attrs(svg: string, tag: string, name: string): number[] {
  return [...svg.matchAll(new RegExp(`<${tag}\\b[^>]*\\s${name}="([-\\d.]+)"`, 'g'))].map((m) => Number(m[1]));
}

describe('@bcnmf/plots', () => {
  it('exports exactly these names', () => {
    assert.deepEqual(Object.keys(api).sort(), [
      'OTHER_COLOUR', 'PALETTE', 'barChart', 'categoryColours', 'categoryOrder', 'chartGrid', 'embeddingCoordinates', 'escapeXml', 'formatValue',
      'heatmapChart', 'histogramChart', 'imageGrid', 'lineChart', 'rampColour', 'scatterChart', 'squareImageSide', 'svgSize',
    ]);
  });

  it('scatter: one circle per finite point, placed in data order on both axes, coloured by group', () => {
    const x = [0, 1, 2, Number.NaN, 3];
    const y = [3, 2, 1, 0, 0];
    const svg = scatterChart({ title: 'a <b>', xLabel: 'x', yLabel: 'y', x, y, groups: ['b', 'a', 'b', 'a', '10'] });
    const cx = attrs(svg, 'circle', 'cx');
    const cy = attrs(svg, 'circle', 'cy');
    assert.equal(cx.length, 4, 'the NaN point is skipped');
    for (let i = 1; i < cx.length; i++) assert.ok(cx[i] > cx[i - 1], 'x increases left to right');
    assert.ok(cy[0] < cy[1] && cy[1] < cy[2] && cy[2] < cy[3], 'larger y is higher (smaller pixel y)');
    const colours = categoryColours(['b', 'a', 'b', 'a', '10']);
    assert.deepEqual([...colours.keys()], ['10', 'a', 'b']);
    const fills = [...svg.matchAll(/<circle\b[^>]*fill="(#[0-9a-fA-F]{6})"/g)].map((m) => m[1]);
    assert.deepEqual(fills, ['b', 'a', 'b', '10'].map((g) => colours.get(g)));
    assert.match(svg, /<title>a &lt;b&gt;<\/title>/);
    assert.throws(() => scatterChart({ title: '', xLabel: '', yLabel: '', x: [1], y: [1, 2] }), /1 x values but 2 y values/);
  });

  it('line chart: a polyline per series through every finite point; a log axis where all y are positive', () => {
    const svg = lineChart({ title: 't', xLabel: 'i', yLabel: 'e', yScale: 'log', series: [{ name: 'a', x: [0, 10, 20], y: [1, 0.1, 0.01] }, { name: 'b', x: [0, 10, 20], y: [2, 1, 0.5] }] });
    const lines = [...svg.matchAll(/<polyline points="([^"]+)"/g)].map((m) => m[1].split(' ').map((p) => p.split(',').map(Number)));
    assert.equal(lines.length, 2);
    assert.equal(lines[0].length, 3);
    // equal ratios are equal steps on a log axis
    const [p0, p1, p2] = lines[0];
    assert.ok(Math.abs((p1[1] - p0[1]) - (p2[1] - p1[1])) < 0.05, `${p0} ${p1} ${p2}`);
    assert.match(svg, /e \(log scale\)/);
  });

  it('line chart: a log x axis where all x are positive (equal ratios, equal steps), linear otherwise', () => {
    const points = (svg: string) => [...svg.matchAll(/<polyline points="([^"]+)"/g)][0][1].split(' ').map((p) => p.split(',').map(Number));
    const logLog = lineChart({ title: 't', xLabel: 'samples', yLabel: 'ms', xScale: 'log', yScale: 'log', series: [{ name: 'a', x: [10, 100, 1000], y: [1, 4, 16] }] });
    const [q0, q1, q2] = points(logLog);
    assert.ok(Math.abs((q1[0] - q0[0]) - (q2[0] - q1[0])) < 0.05, `${q0} ${q1} ${q2}`);
    assert.ok(Math.abs((q1[1] - q0[1]) - (q2[1] - q1[1])) < 0.05, `${q0} ${q1} ${q2}`);
    assert.match(logLog, /samples \(log scale\)/);
    // a zero x: the axis stays linear (1 - 0 and 2 - 1 are equal steps)
    const [r0, r1, r2] = points(lineChart({ title: 't', xLabel: 'samples', yLabel: 'ms', xScale: 'log', series: [{ name: 'a', x: [0, 1, 2], y: [1, 2, 3] }] }));
    assert.ok(Math.abs((r1[0] - r0[0]) - (r2[0] - r1[0])) < 0.05);
  });

  it('line chart: a missing point breaks the line; explicit x ticks, a y range that covers yInclude, rings on chosen points', () => {
    const svg = lineChart({
      title: 't', xLabel: 'k', yLabel: 's', xTicks: [2, 3, 4, 5], yInclude: [0, 1], legend: true,
      series: [{ name: 'α = 1', x: [2, 3, 4, 5], y: [0.5, Number.NaN, 0.7, 0.8] }, { name: 'α = 2', x: [2, 3, 4, 5], y: [0.6, 0.65, 0.7, 0.75] }],
      highlights: [{ x: 4, y: 0.7, name: 'recommended' }, { x: 3, y: Number.NaN, name: 'off the axis' }],
    });
    const lines = [...svg.matchAll(/<polyline points="([^"]+)"/g)].map((m) => m[1].split(' ').map((p) => p.split(',').map(Number)));
    // α = 1: the lone first point has no line (its dot only), then a line through 4 and 5; α = 2: one line
    assert.deepEqual(lines.map((l) => l.length), [2, 4]);
    const ring = /<circle class="highlight" cx="([\d.]+)" cy="([\d.]+)"[^>]*><title>recommended<\/title>/.exec(svg)!;
    assert.deepEqual([Number(ring[1]), Number(ring[2])], lines[0][0], 'the ring sits on the point (4, 0.7)');
    assert.equal((svg.match(/class="highlight"/g) ?? []).length, 1);
    // x tick labels are exactly the given values
    const xTickLabels = [...svg.matchAll(/<text [^>]*text-anchor="middle">([^<]*)<\/text>/g)].map((m) => m[1]).slice(0, 4);
    assert.deepEqual(xTickLabels, ['2', '3', '4', '5']);
    // y covers 0 and 1: tick labels 0 and 1 present though the data lie in [0.5, 0.8]
    const yTickLabels = [...svg.matchAll(/text-anchor="end">([^<]*)<\/text>/g)].map((m) => Number(m[1]));
    assert.ok(yTickLabels.includes(0) && yTickLabels.includes(1), yTickLabels.join(' '));
    assert.match(svg, /<g class="legend">[\s\S]*α = 1[\s\S]*α = 2[\s\S]*<\/g>/);
    // one series: no legend unless asked
    assert.doesNotMatch(lineChart({ title: 't', xLabel: 'x', yLabel: 'y', series: [{ name: 'a', x: [0, 1], y: [0, 1] }] }), /class="legend"/);
  });

  it('bar chart: a bar per finite value, its height proportional to the value, down from zero when negative', () => {
    const svg = barChart({
      title: 'topics', xLabel: 'topic', yLabel: 'value', categories: ['1', '2', '3'],
      series: [{ name: 'reproducibility', values: [1, 0.5, 0.25] }, { name: 'silhouette', values: [0.5, -0.25, Number.NaN] }],
    });
    const bars = [...svg.matchAll(/<rect class="bar" data-series="([^"]+)" x="([-\d.]+)" y="([-\d.]+)" width="([\d.]+)" height="([\d.]+)"/g)]
      .map((m) => ({ series: m[1], x: Number(m[2]), y: Number(m[3]), height: Number(m[5]) }));
    assert.equal(bars.filter((b) => b.series === 'reproducibility').length, 3);
    assert.equal(bars.filter((b) => b.series === 'silhouette').length, 2, 'the NaN draws no bar');
    const [r1, s1, r2, s2, r3] = bars;
    assert.ok(Math.abs(r1.height - 2 * r2.height) < 0.02 && Math.abs(r2.height - 2 * r3.height) < 0.02, `${r1.height} ${r2.height} ${r3.height}`);
    assert.ok(Math.abs(s1.height - 2 * Math.abs(s2.height)) < 0.02);
    // the bars of a value and of its negative meet at zero: the positive ends there, the negative starts there
    assert.ok(Math.abs((s1.y + s1.height) - s2.y) < 0.02);
    assert.ok(r1.x < s1.x && s1.x < r2.x, 'grouped: the categories in order, the series side by side');
    assert.match(svg, /<title>silhouette · 2: -0\.25<\/title>/);
    assert.throws(() => barChart({ title: '', xLabel: '', yLabel: '', categories: ['a'], series: [{ name: 's', values: [1, 2] }] }), /series 's' has 2 values for 1 categories/);
  });

  it('histogram: counts per equal-width bin, against a hand count; a threshold line inside the domain only', () => {
    const values = [0.05, 0.15, 0.15, 0.95, 1, Number.NaN, 0.5];
    const svg = histogramChart({ title: 'd', xLabel: 'density', values, bins: 10, domain: [0, 1], thresholds: [{ x: 0.7, name: 'threshold 0.7' }, { x: 2, name: 'beyond' }] });
    const bins = [...svg.matchAll(/<rect class="bin" [^>]*height="([\d.]+)"[^>]*><title>([^<]+)<\/title>/g)].map((m) => ({ height: Number(m[1]), title: m[2] }));
    assert.deepEqual(bins.map((b) => b.title), ['0 to 0.1: 1', '0.1 to 0.2: 2', '0.5 to 0.6: 1', '0.9 to 1: 2']);
    assert.ok(Math.abs(bins[1].height - 2 * bins[0].height) < 0.02);
    assert.equal((svg.match(/class="threshold"/g) ?? []).length, 1);
    assert.match(svg, /<title>threshold 0\.7<\/title>/);
    // whole-number count ticks only
    const yTicks = [...svg.matchAll(/text-anchor="end">([^<]*)<\/text>/g)].map((m) => Number(m[1]));
    assert.ok(yTicks.length >= 2 && yTicks.every(Number.isInteger), yTicks.join(' '));
  });

  it('heatmap: a rect per cell, shaded by its share of the row\'s largest value', () => {
    const svg = heatmapChart({ title: 'W', rowNames: ['t1', 't2'], columnNames: ['g1', 'g2', 'g3'], values: [[0, 1, 2], [4, 4, 0]] });
    const cells = /<g class="cells"[^>]*>([\s\S]*?)<\/g>/.exec(svg)![1];
    const fills = [...cells.matchAll(/fill="(#[0-9a-f]{6})"/g)].map((m) => m[1]);
    assert.deepEqual(fills, [rampColour('blues', 0), rampColour('blues', 0.5), rampColour('blues', 1), rampColour('blues', 1), rampColour('blues', 1), rampColour('blues', 0)]);
    assert.throws(() => heatmapChart({ title: '', rowNames: ['a'], columnNames: ['b'], values: [[1, 2]] }), /2 values for 1 rows x 1 columns/);
    assert.deepEqual([.../<g class="column-names">([\s\S]*?)<\/g>/.exec(svg)![1].matchAll(/>([^<]+)<\/text>/g)].map((m) => m[1]), ['g1', 'g2', 'g3']);
    const many = heatmapChart({ title: 'W', rowNames: ['t'], columnNames: Array.from({ length: 61 }, (_, i) => `g${i}`), values: [Array.from({ length: 61 }, () => 1)] });
    assert.doesNotMatch(many, /column-names/);
    assert.match(many, /61 columns, in order/);
  });

  it('image grid: square pixel features are found; a zero image draws no pixel', () => {
    assert.equal(squareImageSide(Array.from({ length: 784 }, (_, i) => `pixel_${i}`)), 28);
    assert.equal(squareImageSide(['g1', 'g2', 'g3', 'g4']), null);
    const svg = imageGrid({ title: 'W', images: [[0, 0, 0, 0], [1, 0, 0, 1]], imageWidth: 2, imageHeight: 2, names: ['a', 'b'] });
    const groups = [...svg.matchAll(/<g class="image"[^>]*>([\s\S]*?)<\/g>/g)].map((m) => (m[1].match(/<rect/g) ?? []).length);
    assert.deepEqual(groups, [0, 2]);
  });

  it('embedding coordinates: the two topics for k = 2; for k > 2 the principal components, against a hand computation', () => {
    const two = embeddingCoordinates({ data: [1, 2, 3, 4], shape: [2, 2] });
    assert.deepEqual([...two.x, ...two.y], [1, 3, 2, 4]);
    // points on a line in 3-D: PC1 carries all the variance, PC2 none
    const H = { data: [0, 0, 0, 1, 2, 2, 2, 4, 4], shape: [3, 3] };
    const c = embeddingCoordinates(H);
    const norm = Math.sqrt(1 + 4 + 4);
    assert.deepEqual([...c.x].map((v) => Math.round(v * 1e9) / 1e9), [-norm, 0, norm].map((v) => Math.round(v * 1e9) / 1e9));
    for (const v of c.y) assert.ok(Math.abs(v) < 1e-9);
    const projected = c.project({ data: [1, 2, 2], shape: [1, 3] });
    assert.ok(Math.abs(projected.x[0]) < 1e-9);
  });

  it('grid: charts side by side in one svg of their summed width', () => {
    const a = lineChart({ title: 'a', xLabel: 'x', yLabel: 'y', series: [{ name: 'a', x: [0, 1], y: [0, 1] }] });
    const grid = chartGrid({ charts: [a, a], columns: 2, title: 'both' });
    assert.equal(svgSize(grid).width, 2 * svgSize(a).width);
    assert.equal((grid.match(/<svg\b/g) ?? []).length, 3);
    const captioned = chartGrid({ charts: [a, a], columns: 2, title: 'both', caption: 'ringed: <the> best' });
    assert.equal(svgSize(captioned).height, svgSize(grid).height + 22);
    assert.match(captioned, />ringed: &lt;the&gt; best<\/text>\n<\/svg>/);
  });

  it('PNG through resvg: a PNG of the chart\'s size, or the reason it cannot render here', async () => {
    const png = await pngRenderer();
    if (!png.ok) {
      assert.match(png.reason, /@resvg\/resvg-js did not load here/);
      return;
    }
    const svg = scatterChart({ title: 't', xLabel: 'x', yLabel: 'y', x: [0, 1], y: [1, 0] });
    const bytes = png.render(svg);
    assert.deepEqual([...bytes.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const { width, height } = svgSize(svg);
    assert.equal(bytes.readUInt32BE(16), width);
    assert.equal(bytes.readUInt32BE(20), height);
  });
});
