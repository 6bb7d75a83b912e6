import { axesMarkup, finiteExtent, makeAxis, titleMarkup } from './axes.js';
import { PALETTE } from './colours.js';
import { escapeXml, formatValue, num, svgDocument } from './svg.js';

/** What {@link histogramChart} draws. */
export interface HistogramChartOptions {
  title: string;
  xLabel: string;
  /** Default 'count'. */
  yLabel?: string;
  /** The values to count (non-finite ones are left out). */
  values: ArrayLike<number>;
  /** Number of equal-width bins (default 30). */
  bins?: number;
  /** The range the bins cover; default the values' smallest to largest. Values outside it are counted in the first or last bin. */
  domain?: readonly [number, number];
  /**
   * Vertical dashed lines at chosen values (e.g. a filter's threshold), `<line class="threshold">`
   * with the name as the tooltip; left out where outside the domain.
   */
  thresholds?: readonly { x: number; name: string }[];
  /** Default: the palette's first colour. */
  colour?: string;
  /** Default 460. */
  width?: number;
  /** Default 280. */
  height?: number;
}

/** The counts of equal-width bins over `[lo, hi]` (a value at `hi` is in the last bin; outside: the nearest end bin). */
export function binCounts(values: ArrayLike<number>, bins: number, lo: number, hi: number): number[] {
  if (!(bins >= 1) || !Number.isInteger(bins)) throw new Error(`histogram: bins must be a positive integer, got ${bins}`);
  const counts = new Array<number>(bins).fill(0);
  const span = hi - lo;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) continue;
    const b = span > 0 ? Math.floor(((v - lo) / span) * bins) : 0;
    counts[Math.min(bins - 1, Math.max(0, b))]++;
  }
  return counts;
}

/**
 * A histogram: the values counted in equal-width bins, a `<rect class="bin">` per
 * non-empty bin (with its range and count as the tooltip), whole-number count ticks, and
 * optional dashed threshold lines.
 *
 * @example
 * histogramChart({ title: 'Densities', xLabel: 'density', values: [0.1, 0.2, 0.8], bins: 10, domain: [0, 1], thresholds: [{ x: 0.5, name: 'threshold 0.5' }] });
 */
export function histogramChart(options: HistogramChartOptions): string {
  const bins = options.bins ?? 30;
  let [lo, hi] = options.domain ?? finiteExtent(options.values);
  if (!(hi > lo)) {
    lo -= 0.5;
    hi += 0.5;
  }
  const counts = binCounts(options.values, bins, lo, hi);
  const width = options.width ?? 460;
  const height = options.height ?? 280;
  const frame = { left: 64, top: 28, width: width - 64 - 14, height: height - 28 - 44 };
  const xAxis = makeAxis([lo, hi], frame.left, frame.left + frame.width, 'linear');
  const yAxis = makeAxis([0, Math.max(1, ...counts)], frame.top + frame.height, frame.top, 'linear');
  yAxis.ticks = yAxis.ticks.filter((t) => Number.isInteger(t));
  let body = titleMarkup(frame.left, options.title);
  body += axesMarkup(frame, xAxis, yAxis, options.xLabel, options.yLabel ?? 'count');
  const colour = options.colour ?? PALETTE[0];
  const step = (hi - lo) / bins;
  const zero = yAxis.map(0);
  const rects: string[] = [];
  counts.forEach((count, b) => {
    if (count === 0) return;
    const x0 = xAxis.map(lo + b * step);
    const x1 = xAxis.map(lo + (b + 1) * step);
    const y = yAxis.map(count);
    rects.push(
      `<rect class="bin" x="${num(x0 + 0.5)}" y="${num(y)}" width="${num(Math.max(0.5, x1 - x0 - 1))}" height="${num(zero - y)}" fill="${colour}">` +
        `<title>${escapeXml(`${formatValue(lo + b * step)} to ${formatValue(lo + (b + 1) * step)}: ${count}`)}</title></rect>`,
    );
  });
  body += `<g class="bins">\n${rects.join('\n')}${rects.length ? '\n' : ''}</g>\n`;
  for (const t of options.thresholds ?? []) {
    if (!(t.x >= lo && t.x <= hi)) continue;
    const x = num(xAxis.map(t.x));
    body += `<line class="threshold" x1="${x}" x2="${x}" y1="${num(frame.top)}" y2="${num(frame.top + frame.height)}" stroke="#000000" stroke-dasharray="5 4"><title>${escapeXml(t.name)}</title></line>\n`;
  }
  return svgDocument(width, height, options.title, body);
}
