import { axesMarkup, finiteExtent, legendMarkup, makeAxis, titleMarkup, type Axis } from './axes.js';
import { PALETTE } from './colours.js';
import { escapeXml, formatValue, num, shorten, svgDocument } from './svg.js';

/** One set of bars of a {@link barChart}: a value per category. */
export interface BarSeries {
  /** Its name in the legend, in each bar's tooltip and in each bar's `data-series`. */
  name: string;
  values: ArrayLike<number>;
  /** Default: the palette's next colour. */
  colour?: string;
}

/** What {@link barChart} draws. */
export interface BarChartOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  /** The categories along the x axis, in order (e.g. the consensus topics). */
  categories: readonly string[];
  /** One or more series, side by side within each category. */
  series: readonly BarSeries[];
  /** Values the y axis must cover besides the bars (0 always is: bars start there). */
  yInclude?: readonly number[];
  /** A legend of the series: default when there are several. */
  legend?: boolean;
  /** Default 460 (plus the legend's width). */
  width?: number;
  /** Default 280. */
  height?: number;
}

/**
 * A bar chart of values per category: for each category, one bar per series side by side
 * (grouped), each bar a `<rect class="bar" data-series="NAME">` from 0 to its value (down
 * for a negative value; a non-finite value draws no bar), with a tooltip; category names
 * under the axis, a legend of the series.
 *
 * @example
 * barChart({ title: 'Topics', xLabel: 'topic', yLabel: 'fraction', categories: ['1', '2'], series: [{ name: 'kept', values: [0.9, 1] }] });
 */
export function barChart(options: BarChartOptions): string {
  const { categories, series } = options;
  for (const s of series) {
    if (s.values.length !== categories.length) throw new Error(`barChart: series '${s.name}' has ${s.values.length} values for ${categories.length} categories`);
  }
  const legendWidth = (options.legend ?? series.length > 1) ? 150 : 0;
  const width = (options.width ?? 460) + legendWidth;
  const height = options.height ?? 280;
  const frame = { left: 64, top: 28, width: width - 64 - 14 - legendWidth, height: height - 28 - 44 };
  const slot = frame.width / Math.max(1, categories.length);
  const xAxis: Axis = {
    map: (c) => frame.left + (c + 0.5) * slot,
    ticks: categories.map((_, c) => c),
    label: (c) => shorten(categories[c] ?? '', Math.max(3, Math.floor(slot / 6))),
    scale: 'linear',
  };
  const yAxis = makeAxis(finiteExtent(...series.map((s) => s.values), [0], options.yInclude ?? []), frame.top + frame.height, frame.top, 'linear');
  let body = titleMarkup(frame.left, options.title);
  body += axesMarkup(frame, xAxis, yAxis, options.xLabel, options.yLabel, { xGrid: false });
  const colours = series.map((s, i) => s.colour ?? PALETTE[i % PALETTE.length]);
  const barWidth = Math.max(1, Math.min(24, (slot * 0.8) / Math.max(1, series.length)));
  const zero = yAxis.map(0);
  const bars: string[] = [];
  categories.forEach((category, c) => {
    const start = xAxis.map(c) - (barWidth * series.length) / 2;
    series.forEach((s, i) => {
      const v = s.values[c];
      if (!Number.isFinite(v)) return;
      const y = yAxis.map(v);
      bars.push(
        `<rect class="bar" data-series="${escapeXml(s.name)}" x="${num(start + i * barWidth)}" y="${num(Math.min(y, zero))}" width="${num(barWidth)}" height="${num(Math.abs(zero - y))}" fill="${colours[i]}">` +
          `<title>${escapeXml(`${s.name} · ${category}: ${formatValue(v)}`)}</title></rect>`,
      );
    });
  });
  body += `<g class="bars">\n${bars.join('\n')}${bars.length ? '\n' : ''}</g>\n`;
  body += `<line x1="${num(frame.left)}" x2="${num(frame.left + frame.width)}" y1="${num(zero)}" y2="${num(zero)}" stroke="#666666"/>\n`;
  if (legendWidth > 0) body += legendMarkup(width - legendWidth + 8, frame.top + 8, series.map((s, i) => ({ name: s.name, colour: colours[i] })));
  return svgDocument(width, height, options.title, body);
}
