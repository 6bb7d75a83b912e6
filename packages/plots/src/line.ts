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
  /** Default 460 (plus the legend's width with several series). */
  width?: number;
  /** Default 280. */
  height?: number;
  /** Dots on the points: default when a series has at most 60 points. */
  markers?: boolean;
}

/**
 * A line chart: one `<polyline>` per series (a point per (x, y), non-finite points
 * skipped), optional error bars, axes with nice ticks, and a legend when there are
 * several series. Score curves, stability against k, and the like.
 *
 * @example
 * lineChart({ title: 'Score', xLabel: 'iteration', yLabel: 'score', series: [{ name: 'score', x: [0, 10], y: [2, 1] }] });
 */
export function lineChart(options: LineChartOptions): string {
  const { series } = options;
  const legendWidth = series.length > 1 ? 150 : 0;
  const width = (options.width ?? 460) + legendWidth;
  const height = options.height ?? 280;
  const frame = { left: 64, top: 28, width: width - 64 - 14 - legendWidth, height: height - 28 - 44 };
  const ys = series.flatMap((s) => {
    if (!s.errors) return [s.y];
    const lo = Array.from(s.y, (v, i) => v - (s.errors![i] ?? 0));
    const hi = Array.from(s.y, (v, i) => v + (s.errors![i] ?? 0));
    return [s.y, lo, hi];
  });
  const positive = series.every((s) => Array.from(s.y).every((v) => !Number.isFinite(v) || v > 0));
  const xAxis = makeAxis(finiteExtent(...series.map((s) => s.x)), frame.left, frame.left + frame.width, 'linear');
  const yAxis = makeAxis(finiteExtent(...ys), frame.top + frame.height, frame.top, options.yScale === 'log' && positive ? 'log' : 'linear');
  let body = titleMarkup(frame.left, options.title);
  body += axesMarkup(frame, xAxis, yAxis, options.xLabel, yAxis.scale === 'log' ? `${options.yLabel} (log scale)` : options.yLabel);
  const colours = series.map((s, i) => s.colour ?? PALETTE[i % PALETTE.length]);
  series.forEach((s, i) => {
    const points: string[] = [];
    const markers = options.markers ?? s.x.length <= 60;
    let dots = '';
    let bars = '';
    for (let p = 0; p < s.x.length; p++) {
      const xv = s.x[p];
      const yv = s.y[p];
      if (!Number.isFinite(xv) || !Number.isFinite(yv) || (yAxis.scale === 'log' && yv <= 0)) continue;
      const cx = num(xAxis.map(xv));
      const cy = num(yAxis.map(yv));
      points.push(`${cx},${cy}`);
      if (markers) dots += `<circle cx="${cx}" cy="${cy}" r="2.5" fill="${colours[i]}"><title>${escapeXml(`${s.name}: ${formatValue(xv)}, ${formatValue(yv)}`)}</title></circle>\n`;
      const e = s.errors?.[p];
      if (e !== undefined && Number.isFinite(e) && e > 0) {
        const lo = yAxis.scale === 'log' ? Math.max(yv - e, yv / 100) : yv - e;
        bars += `<line x1="${cx}" x2="${cx}" y1="${num(yAxis.map(lo))}" y2="${num(yAxis.map(yv + e))}" stroke="${colours[i]}" stroke-width="1"/>\n`;
      }
    }
    body += `<polyline points="${points.join(' ')}" fill="none" stroke="${colours[i]}" stroke-width="1.6"${s.dashed ? ' stroke-dasharray="5 3"' : ''}/>\n`;
    body += bars + dots;
  });
  if (legendWidth > 0) {
    body += legendMarkup(width - legendWidth + 8, frame.top + 8, series.map((s, i) => ({ name: s.name, colour: colours[i], line: true, dashed: s.dashed })));
  }
  return svgDocument(width, height, options.title, body);
}
