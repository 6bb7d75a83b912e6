// Scales and axes of the x/y charts (line charts and scatters): d3-scale gives the
// mapping, the "nice" domain and the tick values; the markup is ours.
import { scaleLinear, scaleLog } from 'd3-scale';
import { escapeXml, formatValue, num } from './svg.js';

/** The plotting area inside a chart. */
export interface Frame {
  left: number;
  top: number;
  width: number;
  height: number;
}

/** How values map onto an axis. */
export type AxisScale = 'linear' | 'log';

/** A scale: value → pixel, its ticks and their labels. */
export interface Axis {
  map: (value: number) => number;
  ticks: number[];
  label: (value: number) => string;
  /** The scale actually used: 'log' falls back to 'linear' where a value is not positive. */
  scale: AxisScale;
}

/** Smallest and largest finite values (of several lists); [0, 1] when there is none. */
export function finiteExtent(...lists: ArrayLike<number>[]): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const values of lists) {
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (!Number.isFinite(v)) continue;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  return lo === Infinity ? [0, 1] : [lo, hi];
}

/**
 * An axis over `[lo, hi]` onto pixels `[from, to]`: linear with a nice, padded domain, or
 * logarithmic (base 10) when asked and every value is positive.
 */
export function makeAxis(extent: [number, number], from: number, to: number, scale: AxisScale, tickCount = 5): Axis {
  let [lo, hi] = extent;
  if (scale === 'log' && lo > 0) {
    if (lo === hi) {
      lo /= 2;
      hi *= 2;
    }
    // a little room at both ends (in log space); ticks 1-2-5 per decade, or decades only
    const span = Math.log10(hi / lo) * 0.04;
    const s = scaleLog().domain([lo / 10 ** span, hi * 10 ** span]).range([from, to]);
    let ticks = s.ticks();
    const mantissa = (t: number) => Math.round(t / 10 ** Math.floor(Math.log10(t) + 1e-9));
    if (ticks.length > 8) ticks = ticks.filter((t) => [1, 2, 5].includes(mantissa(t)));
    if (ticks.length > 8) ticks = ticks.filter((t) => mantissa(t) === 1);
    if (ticks.length < 2) ticks = [lo, hi];
    return { map: (v) => s(v), ticks, label: (v) => formatValue(v), scale: 'log' };
  }
  if (lo === hi) {
    const pad = lo === 0 ? 0.5 : Math.abs(lo) * 0.1;
    lo -= pad;
    hi += pad;
  } else {
    const pad = (hi - lo) * 0.04;
    lo -= pad;
    hi += pad;
  }
  // padded, not "niced": d3's ticks stay inside the domain, so the frame hugs the data
  const s = scaleLinear().domain([lo, hi]).range([from, to]);
  const format = s.tickFormat(tickCount);
  return { map: (v) => s(v), ticks: s.ticks(tickCount), label: (v) => format(v), scale: 'linear' };
}

/**
 * Frame, grid lines, tick labels and axis titles of an x/y chart. `xGrid: false` leaves
 * out the vertical grid lines (categories of a bar chart).
 */
export function axesMarkup(frame: Frame, x: Axis, y: Axis, xLabel: string, yLabel: string, options: { xGrid?: boolean } = {}): string {
  const parts: string[] = [];
  const bottom = frame.top + frame.height;
  const right = frame.left + frame.width;
  parts.push('<g class="grid" stroke="#e6e6e6" stroke-width="1">');
  for (const t of y.ticks) parts.push(`<line x1="${num(frame.left)}" x2="${num(right)}" y1="${num(y.map(t))}" y2="${num(y.map(t))}"/>`);
  if (options.xGrid ?? true) for (const t of x.ticks) parts.push(`<line x1="${num(x.map(t))}" x2="${num(x.map(t))}" y1="${num(frame.top)}" y2="${num(bottom)}"/>`);
  parts.push('</g>');
  parts.push(`<rect x="${num(frame.left)}" y="${num(frame.top)}" width="${num(frame.width)}" height="${num(frame.height)}" fill="none" stroke="#666666"/>`);
  for (const t of x.ticks) {
    parts.push(`<text x="${num(x.map(t))}" y="${num(bottom + 14)}" font-size="10" text-anchor="middle">${escapeXml(x.label(t))}</text>`);
  }
  for (const t of y.ticks) {
    parts.push(`<text x="${num(frame.left - 5)}" y="${num(y.map(t) + 3.5)}" font-size="10" text-anchor="end">${escapeXml(y.label(t))}</text>`);
  }
  parts.push(`<text x="${num(frame.left + frame.width / 2)}" y="${num(bottom + 32)}" font-size="12" text-anchor="middle">${escapeXml(xLabel)}</text>`);
  const cy = frame.top + frame.height / 2;
  parts.push(`<text x="14" y="${num(cy)}" font-size="12" text-anchor="middle" transform="rotate(-90 14 ${num(cy)})">${escapeXml(yLabel)}</text>`);
  return parts.join('\n') + '\n';
}

/** The chart's title, at its top left. */
export function titleMarkup(x: number, title: string): string {
  return `<text x="${num(x)}" y="18" font-size="13" font-weight="bold">${escapeXml(title)}</text>\n`;
}

/**
 * A legend of colour swatches (squares, so that a scatter's circles are its points only)
 * inside `<g class="legend">`.
 */
export function legendMarkup(x: number, y: number, entries: { name: string; colour: string; line?: boolean; dashed?: boolean }[], options: { title?: string; max?: number } = {}): string {
  const max = options.max ?? 20;
  const parts: string[] = ['<g class="legend">'];
  let row = y;
  if (options.title) {
    parts.push(`<text x="${num(x)}" y="${num(row + 4)}" font-size="11" font-weight="bold">${escapeXml(options.title)}</text>`);
    row += 16;
  }
  for (const e of entries.slice(0, max)) {
    if (e.line) {
      parts.push(`<line x1="${num(x)}" x2="${num(x + 14)}" y1="${num(row)}" y2="${num(row)}" stroke="${e.colour}" stroke-width="2"${e.dashed ? ' stroke-dasharray="4 3"' : ''}/>`);
    } else {
      parts.push(`<rect x="${num(x + 2)}" y="${num(row - 5)}" width="10" height="10" fill="${e.colour}"/>`);
    }
    parts.push(`<text x="${num(x + 19)}" y="${num(row + 4)}" font-size="11">${escapeXml(e.name.length > 22 ? `${e.name.slice(0, 21)}…` : e.name)}</text>`);
    row += 16;
  }
  if (entries.length > max) parts.push(`<text x="${num(x)}" y="${num(row + 4)}" font-size="11">and ${entries.length - max} more</text>`);
  parts.push('</g>');
  return parts.join('\n') + '\n';
}
