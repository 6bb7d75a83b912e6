import { rampColour, type RampName } from './colours.js';
import { escapeXml, formatValue, num, shorten, svgDocument } from './svg.js';

/** What {@link heatmapChart} draws. */
export interface HeatmapChartOptions {
  title: string;
  /** A name per row (e.g. topics). */
  rowNames: readonly string[];
  /** A name per column (e.g. features). */
  columnNames: readonly string[];
  /** rows x columns: an array per row, or one row-major array. */
  values: readonly (readonly number[])[] | ArrayLike<number>;
  /**
   * 'row' (default): each row scaled to its own largest value (white = 0, darkest = the
   * row's largest); 'global': one scale for the whole matrix.
   */
  scale?: 'row' | 'global';
  /** Column names under the cells: 'auto' (default: when there are at most 60 columns), 'all' or 'none'. */
  columnLabels?: 'auto' | 'all' | 'none';
  /** A line under the figure saying what is shown (e.g. which features were kept). */
  caption?: string;
  /** A `<title>` (tooltip) per cell; default when there are at most 3,000 cells. */
  tooltips?: boolean;
  /** Default 'blues'. */
  ramp?: RampName;
  /** Largest cell size in pixels (default 22). */
  maxCell?: number;
}

function cellValue(values: HeatmapChartOptions['values'], columns: number, r: number, c: number): number {
  const row = (values as readonly (readonly number[])[])[r];
  return Array.isArray(row) ? row[c] : (values as ArrayLike<number>)[r * columns + c];
}

/**
 * A heatmap: one `<rect>` per cell inside `<g class="cells">` (the first group of the
 * document, holding nothing else), row names on the left, column names under the cells
 * (rotated, inside `<g class="column-names">`), a colour bar, and a caption. Negative and
 * non-finite values are drawn as 0.
 *
 * @example
 * heatmapChart({ title: 'W', rowNames: ['topic_1'], columnNames: ['g1', 'g2'], values: [[1, 0.5]] });
 */
export function heatmapChart(options: HeatmapChartOptions): string {
  const rows = options.rowNames.length;
  const cols = options.columnNames.length;
  const { values } = options;
  const count = Array.isArray(values) && Array.isArray(values[0]) ? values.length * (values[0] as number[]).length : (values as ArrayLike<number>).length;
  if (count !== rows * cols) throw new Error(`heatmapChart: ${count} values for ${rows} rows x ${cols} columns`);
  const ramp = options.ramp ?? 'blues';
  const maxCell = options.maxCell ?? 22;
  const cellW = Math.max(0.5, Math.min(maxCell, 900 / Math.max(1, cols)));
  const cellH = Math.max(6, Math.min(maxCell, 420 / Math.max(1, rows)));
  const showColumns = options.columnLabels === 'all' || ((options.columnLabels ?? 'auto') === 'auto' && cols <= 60);
  const rowLabel = Math.min(170, 12 + 6.5 * Math.max(4, ...options.rowNames.map((n) => Math.min(n.length, 24))));
  const columnLabel = showColumns ? Math.min(150, 12 + 5.2 * Math.max(1, ...options.columnNames.map((n) => Math.min(n.length, 24)))) : 22;
  const left = rowLabel;
  const top = 32;
  const barWidth = 70;
  const plotW = cellW * cols;
  const plotH = cellH * rows;
  const width = Math.max(380, left + plotW + barWidth + 16);
  const height = top + plotH + columnLabel + (options.caption ? 22 : 8);
  const scaleOf = options.scale ?? 'row';
  let globalMax = 0;
  if (scaleOf === 'global') {
    for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) globalMax = Math.max(globalMax, finite(cellValue(values, cols, r, c)));
  }
  const tooltips = options.tooltips ?? rows * cols <= 3000;
  const cells: string[] = [];
  for (let r = 0; r < rows; r++) {
    let max = globalMax;
    if (scaleOf === 'row') for (let c = 0; c < cols; c++) max = Math.max(max, finite(cellValue(values, cols, r, c)));
    for (let c = 0; c < cols; c++) {
      const v = cellValue(values, cols, r, c);
      const fill = rampColour(ramp, max > 0 ? finite(v) / max : 0);
      const at = `x="${num(left + c * cellW)}" y="${num(top + r * cellH)}" width="${num(cellW)}" height="${num(cellH)}" fill="${fill}"`;
      cells.push(tooltips
        ? `<rect ${at}><title>${escapeXml(`${options.rowNames[r]} · ${options.columnNames[c]}: ${formatValue(v)}`)}</title></rect>`
        : `<rect ${at}/>`);
    }
  }
  let body = `<text x="${num(left)}" y="20" font-size="13" font-weight="bold">${escapeXml(options.title)}</text>\n`;
  body += `<g class="cells" shape-rendering="crispEdges">\n${cells.join('\n')}\n</g>\n`;
  const rowFont = Math.min(11, cellH);
  options.rowNames.forEach((name, r) => {
    body += `<text x="${num(left - 5)}" y="${num(top + r * cellH + cellH / 2 + rowFont * 0.35)}" text-anchor="end" font-size="${num(rowFont)}">${escapeXml(shorten(name, 24))}</text>\n`;
  });
  if (showColumns) {
    const font = Math.max(6, Math.min(10, cellW));
    body += '<g class="column-names">\n';
    options.columnNames.forEach((name, c) => {
      const x = left + c * cellW + cellW / 2 - font * 0.3;
      const y = top + plotH + 6;
      body += `<text x="${num(x)}" y="${num(y)}" font-size="${num(font)}" transform="rotate(60 ${num(x)} ${num(y)})">${escapeXml(shorten(name, 24))}</text>\n`;
    });
    body += '</g>\n';
  } else {
    body += `<text x="${num(left)}" y="${num(top + plotH + 15)}" font-size="10">${cols} columns, in order (too many to name here)</text>\n`;
  }
  body += colourBar(left + plotW + 14, top, Math.max(40, Math.min(plotH, 160)), ramp, scaleOf === 'row' ? "row's largest" : formatValue(globalMax));
  if (options.caption) body += `<text x="${num(left)}" y="${num(height - 8)}" font-size="10">${escapeXml(options.caption)}</text>\n`;
  return svgDocument(width, height, options.title, body);
}

function finite(v: number): number {
  return Number.isFinite(v) && v > 0 ? v : 0;
}

function colourBar(x: number, y: number, h: number, ramp: RampName, topLabel: string): string {
  const steps = 10;
  let s = '<g class="colour-bar">\n';
  for (let i = 0; i < steps; i++) {
    const t = 1 - i / (steps - 1);
    s += `<rect x="${num(x)}" y="${num(y + (i * h) / steps)}" width="12" height="${num(h / steps + 0.5)}" fill="${rampColour(ramp, t)}"/>\n`;
  }
  s += `<rect x="${num(x)}" y="${num(y)}" width="12" height="${num(h)}" fill="none" stroke="#666666"/>\n`;
  s += `<text x="${num(x + 16)}" y="${num(y + 8)}" font-size="9">${escapeXml(topLabel)}</text>\n`;
  s += `<text x="${num(x + 16)}" y="${num(y + h)}" font-size="9">0</text>\n</g>\n`;
  return s;
}
