// Small SVG charts as markup strings: a line chart (the score curve), a scatter (the
// target embedding coloured by label) and a heatmap (topics x top features). Pure
// functions (no DOM), so they are testable in Node; the page sets them as innerHTML.

export const PALETTE = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];

/** Text escaped for SVG/HTML content and attributes. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

function fmt(x: number): string {
  if (x === 0) return '0';
  const a = Math.abs(x);
  if (a >= 1e4 || a < 1e-3) return x.toExponential(1);
  return String(Number(x.toPrecision(3)));
}

function extent(values: ArrayLike<number>): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (!Number.isFinite(lo)) return [0, 1];
  if (lo === hi) return [lo - 0.5, hi + 0.5];
  const pad = (hi - lo) * 0.04;
  return [lo - pad, hi + pad];
}

interface Frame {
  width: number;
  height: number;
  left: number;
  right: number;
  top: number;
  bottom: number;
}

function axes(f: Frame, xr: [number, number], yr: [number, number], xLabel: string, yLabel: string): string {
  const sx = (v: number) => f.left + ((v - xr[0]) / (xr[1] - xr[0])) * (f.width - f.left - f.right);
  const sy = (v: number) => f.height - f.bottom - ((v - yr[0]) / (yr[1] - yr[0])) * (f.height - f.top - f.bottom);
  const parts: string[] = [];
  parts.push(`<rect x="${f.left}" y="${f.top}" width="${f.width - f.left - f.right}" height="${f.height - f.top - f.bottom}" fill="none" stroke="#999"/>`);
  for (let t = 0; t <= 4; t++) {
    const xv = xr[0] + ((xr[1] - xr[0]) * t) / 4;
    const yv = yr[0] + ((yr[1] - yr[0]) * t) / 4;
    parts.push(`<text x="${sx(xv).toFixed(1)}" y="${f.height - f.bottom + 14}" font-size="10" text-anchor="middle">${fmt(xv)}</text>`);
    parts.push(`<text x="${f.left - 4}" y="${(sy(yv) + 3).toFixed(1)}" font-size="10" text-anchor="end">${fmt(yv)}</text>`);
  }
  parts.push(`<text x="${(f.left + f.width - f.right) / 2}" y="${f.height - 4}" font-size="11" text-anchor="middle">${escapeXml(xLabel)}</text>`);
  parts.push(
    `<text x="12" y="${(f.top + f.height - f.bottom) / 2}" font-size="11" text-anchor="middle" transform="rotate(-90 12 ${(f.top + f.height - f.bottom) / 2})">${escapeXml(yLabel)}</text>`,
  );
  return parts.join('');
}

/** A line chart of y against x (e.g. the tracked score against the iteration). */
export function lineChart(x: readonly number[], y: readonly number[], options: { xLabel: string; yLabel: string; title: string; width?: number; height?: number }): string {
  const f: Frame = { width: options.width ?? 420, height: options.height ?? 260, left: 62, right: 12, top: 24, bottom: 40 };
  const xr: [number, number] = x.length > 1 ? [Math.min(...x), Math.max(...x)] : extent(x);
  const yr = extent(y);
  const sx = (v: number) => f.left + ((v - xr[0]) / (xr[1] - xr[0])) * (f.width - f.left - f.right);
  const sy = (v: number) => f.height - f.bottom - ((v - yr[0]) / (yr[1] - yr[0])) * (f.height - f.top - f.bottom);
  const points = x.map((xv, i) => `${sx(xv).toFixed(1)},${sy(y[i]).toFixed(1)}`).join(' ');
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${f.width} ${f.height}" width="${f.width}" height="${f.height}" role="img" aria-label="${escapeXml(options.title)}">` +
    `<text x="${f.left}" y="14" font-size="12" font-weight="bold">${escapeXml(options.title)}</text>` +
    axes(f, xr, yr, options.xLabel, options.yLabel) +
    (x.length > 0 ? `<polyline points="${points}" fill="none" stroke="${PALETTE[0]}" stroke-width="1.5"/>` : '') +
    x.map((xv, i) => `<circle cx="${sx(xv).toFixed(1)}" cy="${sy(y[i]).toFixed(1)}" r="2" fill="${PALETTE[0]}"/>`).join('') +
    `</svg>`
  );
}

/** A scatter of points coloured by group, with a legend. */
export function scatterChart(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  groups: readonly string[] | null,
  options: { xLabel: string; yLabel: string; title: string; width?: number; height?: number },
): string {
  const names = groups ? [...new Set(groups)].sort((a, b) => a.localeCompare(b, undefined, { numeric: true })) : [];
  const legendWidth = names.length > 0 ? 120 : 0;
  const f: Frame = { width: (options.width ?? 460) + legendWidth, height: options.height ?? 340, left: 62, right: 12 + legendWidth, top: 24, bottom: 40 };
  const xr = extent(x);
  const yr = extent(y);
  const sx = (v: number) => f.left + ((v - xr[0]) / (xr[1] - xr[0])) * (f.width - f.left - f.right);
  const sy = (v: number) => f.height - f.bottom - ((v - yr[0]) / (yr[1] - yr[0])) * (f.height - f.top - f.bottom);
  const colour = new Map(names.map((g, i) => [g, PALETTE[i % PALETTE.length]]));
  const dots: string[] = [];
  for (let i = 0; i < x.length; i++) {
    const c = groups ? colour.get(groups[i])! : PALETTE[0];
    dots.push(`<circle cx="${sx(x[i]).toFixed(1)}" cy="${sy(y[i]).toFixed(1)}" r="3" fill="${c}" fill-opacity="0.75"/>`);
  }
  const legend = names
    .slice(0, 20)
    .map(
      (g, i) =>
        `<circle cx="${f.width - legendWidth + 10}" cy="${f.top + 8 + i * 16}" r="5" fill="${colour.get(g)}"/>` +
        `<text x="${f.width - legendWidth + 20}" y="${f.top + 12 + i * 16}" font-size="11">${escapeXml(g.length > 16 ? `${g.slice(0, 15)}…` : g)}</text>`,
    )
    .join('');
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${f.width} ${f.height}" width="${f.width}" height="${f.height}" role="img" aria-label="${escapeXml(options.title)}">` +
    `<text x="${f.left}" y="14" font-size="12" font-weight="bold">${escapeXml(options.title)}</text>` +
    axes(f, xr, yr, options.xLabel, options.yLabel) +
    dots.join('') +
    legend +
    `</svg>`
  );
}

/**
 * A heatmap of `values` (rows x columns, row-major), each row scaled to its own maximum
 * (white = 0, dark = the row's largest value), rows and columns labelled.
 */
export function heatmapChart(
  values: ArrayLike<number>,
  rows: readonly string[],
  columns: readonly string[],
  options: { title: string; cell?: number },
): string {
  const cell = options.cell ?? (columns.length <= 40 ? 20 : 14);
  const left = 80;
  const top = 4;
  const labelSpace = Math.min(140, 8 + 6 * Math.max(1, ...columns.map((c) => Math.min(c.length, 22))));
  const width = left + columns.length * cell + 10;
  const height = top + rows.length * cell + labelSpace;
  const parts: string[] = [];
  for (let r = 0; r < rows.length; r++) {
    let max = 0;
    for (let c = 0; c < columns.length; c++) max = Math.max(max, values[r * columns.length + c]);
    parts.push(`<text x="${left - 4}" y="${top + r * cell + cell * 0.75}" font-size="11" text-anchor="end">${escapeXml(rows[r])}</text>`);
    for (let c = 0; c < columns.length; c++) {
      const v = values[r * columns.length + c];
      const t = max > 0 && Number.isFinite(v) ? Math.max(0, v) / max : 0;
      const shade = Math.round(255 - t * 200);
      parts.push(
        `<rect x="${left + c * cell}" y="${top + r * cell}" width="${cell}" height="${cell}" fill="rgb(${shade},${Math.round(255 - t * 150)},255)"><title>${escapeXml(`${rows[r]} · ${columns[c]}: ${fmt(v)}`)}</title></rect>`,
      );
    }
  }
  for (let c = 0; c < columns.length; c++) {
    const x = left + c * cell + cell * 0.7;
    const y = top + rows.length * cell + 4;
    const name = columns[c].length > 22 ? `${columns[c].slice(0, 21)}…` : columns[c];
    parts.push(`<text x="${x}" y="${y}" font-size="10" transform="rotate(60 ${x} ${y})">${escapeXml(name)}</text>`);
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${escapeXml(options.title)}">${parts.join('')}</svg>`;
}
