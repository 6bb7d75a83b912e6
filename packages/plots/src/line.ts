import { axesMarkup, finiteExtent, legendMarkup, makeAxis, titleMarkup, type AxisScale } from './axes.js';
import { PALETTE } from './colours.js';
import { escapeXml, formatValue, num, svgDocument } from './svg.js';

/** One line of a {@link lineChart}. */
export interface LineSeries {
  /** Its name in the legend and in each point's tooltip. */
  name: string;
  x: ArrayLike<number>;
  y: ArrayLike<number>;
  /** Half-lengths of vertical error bars (e.g. standard deviations), one per point. */
  errors?: ArrayLike<number>;
  /** Default: the palette's next colour. */
  colour?: string;
  dashed?: boolean;
}

/** What {@link lineChart} draws. */
export interface LineChartOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  series: LineSeries[];
  /** 'log' where every y is positive, else linear (the default). */
  yScale?: AxisScale;
  /** 'log' where every x is positive (times against sizes), else linear (the default). */
  xScale?: AxisScale;
  /** Default 460 (plus the legend's width with several series). */
  width?: number;
  /** Default 280. */
  height?: number;
  /** Dots on the points: default when a series has at most 60 points. */
  markers?: boolean;
  /** Tick values of the x axis (e.g. the k values of a sweep); default: nice ticks. */
  xTicks?: readonly number[];
  /** Values the y axis must cover besides the data (e.g. 0 and 1 for a silhouette). */
  yInclude?: readonly number[];
  /** A legend of the series: default when there are several. */
  legend?: boolean;
  /**
   * Points to ring (e.g. the recommended setting): a black ring, `<circle class="highlight">`,
   * with its name as the tooltip. Rings off the axis (non-finite, or not positive on a log
   * axis) are left out.
   */
  highlights?: readonly { x: number; y: number; name: string }[];
}

/**
 * A line chart: a `<polyline>` per series through its points in order, optional error
 * bars, rings on chosen points, axes with nice ticks, and a legend when there are several
 * series. A point with a non-finite coordinate (a failed run, a missing value) is not
 * drawn and breaks its line: each run of two or more drawable points is one `<polyline>`,
 * so a series without gaps is exactly one. Score curves, stability against k, and the like.
 *
 * @example
 * lineChart({ title: 'Score', xLabel: 'iteration', yLabel: 'score', series: [{ name: 'score', x: [0, 10], y: [2, 1] }] });
 */
export function lineChart(options: LineChartOptions): string {
  const { series } = options;
  const legendWidth = (options.legend ?? series.length > 1) ? 150 : 0;
  const width = (options.width ?? 460) + legendWidth;
  const height = options.height ?? 280;
  const frame = { left: 64, top: 28, width: width - 64 - 14 - legendWidth, height: height - 28 - 44 };
  const ys = series.flatMap((s) => {
    if (!s.errors) return [s.y];
    const lo = Array.from(s.y, (v, i) => v - (s.errors![i] ?? 0));
    const hi = Array.from(s.y, (v, i) => v + (s.errors![i] ?? 0));
    return [s.y, lo, hi];
  });
  const yInclude = options.yInclude ?? [];
  const positive = [...series.map((s) => s.y), yInclude].every((values) => Array.from(values).every((v) => !Number.isFinite(v) || v > 0));
  const positiveX = [...series.map((s) => s.x), options.xTicks ?? []].every((values) => Array.from(values).every((v) => !Number.isFinite(v) || v > 0));
  const xScale = options.xScale === 'log' && positiveX ? 'log' : 'linear';
  const xAxis = makeAxis(finiteExtent(...series.map((s) => s.x), options.xTicks ?? []), frame.left, frame.left + frame.width, xScale);
  if (options.xTicks) {
    // d3's tick format suits its own ticks' step; given values are labelled as they are
    xAxis.ticks = [...options.xTicks];
    xAxis.label = formatValue;
  }
  const yAxis = makeAxis(finiteExtent(...ys, yInclude), frame.top + frame.height, frame.top, options.yScale === 'log' && positive ? 'log' : 'linear');
  const drawable = (xv: number, yv: number) => Number.isFinite(xv) && Number.isFinite(yv) && !(yAxis.scale === 'log' && yv <= 0) && !(xAxis.scale === 'log' && xv <= 0);
  let body = titleMarkup(frame.left, options.title);
  body += axesMarkup(frame, xAxis, yAxis, xAxis.scale === 'log' ? `${options.xLabel} (log scale)` : options.xLabel, yAxis.scale === 'log' ? `${options.yLabel} (log scale)` : options.yLabel);
  const colours = series.map((s, i) => s.colour ?? PALETTE[i % PALETTE.length]);
  series.forEach((s, i) => {
    const runs: string[][] = [[]];
    const markers = options.markers ?? s.x.length <= 60;
    let dots = '';
    let bars = '';
    for (let p = 0; p < s.x.length; p++) {
      const xv = s.x[p];
      const yv = s.y[p];
      if (!drawable(xv, yv)) {
        if (runs[runs.length - 1].length > 0) runs.push([]);
        continue;
      }
      const cx = num(xAxis.map(xv));
      const cy = num(yAxis.map(yv));
      runs[runs.length - 1].push(`${cx},${cy}`);
      const isolated = !drawable(s.x[p - 1], s.y[p - 1]) && !drawable(s.x[p + 1], s.y[p + 1]);
      // a point with no line to either neighbour gets its dot even without markers
      if (markers || isolated) dots += `<circle cx="${cx}" cy="${cy}" r="2.5" fill="${colours[i]}"><title>${escapeXml(`${s.name}: ${formatValue(xv)}, ${formatValue(yv)}`)}</title></circle>\n`;
      const e = s.errors?.[p];
      if (e !== undefined && Number.isFinite(e) && e > 0) {
        const lo = yAxis.scale === 'log' ? Math.max(yv - e, yv / 100) : yv - e;
        bars += `<line x1="${cx}" x2="${cx}" y1="${num(yAxis.map(lo))}" y2="${num(yAxis.map(yv + e))}" stroke="${colours[i]}" stroke-width="1"/>\n`;
      }
    }
    for (const run of runs) {
      if (run.length < 2) continue;
      body += `<polyline points="${run.join(' ')}" fill="none" stroke="${colours[i]}" stroke-width="1.6"${s.dashed ? ' stroke-dasharray="5 3"' : ''}/>\n`;
    }
    body += bars + dots;
  });
  for (const h of options.highlights ?? []) {
    if (!drawable(h.x, h.y)) continue;
    body += `<circle class="highlight" cx="${num(xAxis.map(h.x))}" cy="${num(yAxis.map(h.y))}" r="8" fill="none" stroke="#000000" stroke-width="1.5"><title>${escapeXml(h.name)}</title></circle>\n`;
  }
  if (legendWidth > 0) {
    body += legendMarkup(width - legendWidth + 8, frame.top + 8, series.map((s, i) => ({ name: s.name, colour: colours[i], line: true, dashed: s.dashed })));
  }
  return svgDocument(width, height, options.title, body);
}
