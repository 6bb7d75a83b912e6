import { escapeXml, num, svgDocument, svgSize } from './svg.js';

/** What {@link chartGrid} lays out. */
export interface ChartGridOptions {
  /** Charts of this package (SVG text), e.g. one scatter per beta. */
  charts: readonly string[];
  /** Charts per row (default 2). */
  columns?: number;
  /** A title over the grid. */
  title?: string;
  /** A line of text under the grid (e.g. what a ring or a dashed line marks). */
  caption?: string;
}

/**
 * Several charts as one figure: each chart nested as an `<svg>` at its place in a grid
 * (rows as tall as their tallest chart), under an optional title, over an optional caption.
 *
 * @example
 * chartGrid({ charts: [scatterA, scatterB], columns: 2, title: 'Target and background' });
 */
export function chartGrid(options: ChartGridOptions): string {
  const columns = Math.max(1, options.columns ?? 2);
  const sizes = options.charts.map(svgSize);
  const top = options.title ? 28 : 0;
  const colWidths = Array.from({ length: columns }, (_, c) => Math.max(0, ...sizes.filter((_, i) => i % columns === c).map((s) => s.width)));
  const rowCount = Math.ceil(options.charts.length / columns);
  const rowHeights = Array.from({ length: rowCount }, (_, r) => Math.max(0, ...sizes.slice(r * columns, (r + 1) * columns).map((s) => s.height)));
  const width = Math.max(1, colWidths.reduce((a, b) => a + b, 0));
  const bottom = options.caption ? 22 : 0;
  const chartsHeight = rowHeights.reduce((a, b) => a + b, 0);
  const height = Math.max(1, top + chartsHeight + bottom);
  let body = options.title ? `<text x="10" y="20" font-size="14" font-weight="bold">${escapeXml(options.title)}</text>\n` : '';
  options.charts.forEach((chart, i) => {
    const c = i % columns;
    const r = Math.floor(i / columns);
    const x = colWidths.slice(0, c).reduce((a, b) => a + b, 0);
    const y = top + rowHeights.slice(0, r).reduce((a, b) => a + b, 0);
    body += chart.replace(/^<svg\b/, `<svg x="${num(x)}" y="${num(y)}"`);
  });
  if (options.caption) body += `<text x="10" y="${num(top + chartsHeight + 14)}" font-size="11">${escapeXml(options.caption)}</text>\n`;
  return svgDocument(width, height, options.title ?? 'charts', body);
}
