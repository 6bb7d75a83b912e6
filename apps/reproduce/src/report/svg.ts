import type { HeatmapFigure, ImagesFigure, ScatterFigure } from '../types.js';

/** Colours of the label classes (Okabe–Ito, colour-blind safe), then grey. */
export const PALETTE = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#D55E00', '#56B4E9', '#F0E442', '#000000'];

/** Text escaped for SVG content and attribute values. */
export function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

const num = (x: number) => (Number.isFinite(x) ? Number(x.toFixed(2)).toString() : '0');

function extent(values: number[]): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (lo === Infinity) return [0, 1];
  if (lo === hi) return [lo - 0.5, hi + 0.5];
  const pad = (hi - lo) * 0.04;
  return [lo - pad, hi + pad];
}

const head = (w: number, h: number, title: string) =>
  `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" font-family="DejaVu Sans, Arial, sans-serif">\n` +
  `<title>${escapeXml(title)}</title>\n<rect x="0" y="0" width="${w}" height="${h}" fill="#ffffff"/>\n`;

function tick(v: number): string {
  const a = Math.abs(v);
  return a !== 0 && (a < 0.01 || a >= 1e4) ? v.toExponential(1) : Number(v.toPrecision(3)).toString();
}

/** A scatter of 2-D points, one `<circle>` per point, coloured by label, with axes and a legend. */
export function scatterSvg(figure: ScatterFigure): string {
  const w = 560;
  const h = 460;
  const m = { left: 60, right: 130, top: 36, bottom: 48 };
  const pw = w - m.left - m.right;
  const ph = h - m.top - m.bottom;
  const [x0, x1] = extent(figure.points.map((p) => p[0]));
  const [y0, y1] = extent(figure.points.map((p) => p[1]));
  const sx = (x: number) => m.left + ((x - x0) / (x1 - x0)) * pw;
  const sy = (y: number) => m.top + ph - ((y - y0) / (y1 - y0)) * ph;
  const classes = [...new Set(figure.labels)].sort();
  const colour = new Map(classes.map((c, i) => [c, PALETTE[i] ?? '#888888']));
  let s = head(w, h, figure.title);
  s += `<text x="${w / 2}" y="20" text-anchor="middle" font-size="13">${escapeXml(figure.title)}</text>\n`;
  s += `<rect x="${m.left}" y="${m.top}" width="${pw}" height="${ph}" fill="none" stroke="#444444"/>\n`;
  for (let t = 0; t <= 4; t++) {
    const xv = x0 + ((x1 - x0) * t) / 4;
    const yv = y0 + ((y1 - y0) * t) / 4;
    s += `<text x="${num(sx(xv))}" y="${m.top + ph + 16}" text-anchor="middle" font-size="10">${tick(xv)}</text>\n`;
    s += `<text x="${m.left - 6}" y="${num(sy(yv) + 3)}" text-anchor="end" font-size="10">${tick(yv)}</text>\n`;
  }
  s += `<text x="${m.left + pw / 2}" y="${h - 10}" text-anchor="middle" font-size="12">${escapeXml(figure.xLabel)}</text>\n`;
  s += `<text x="16" y="${m.top + ph / 2}" text-anchor="middle" font-size="12" transform="rotate(-90 16 ${m.top + ph / 2})">${escapeXml(figure.yLabel)}</text>\n`;
  s += '<g fill-opacity="0.7">\n';
  figure.points.forEach((p, i) => {
    s += `<circle cx="${num(sx(p[0]))}" cy="${num(sy(p[1]))}" r="2.5" fill="${colour.get(figure.labels[i])}"/>\n`;
  });
  s += '</g>\n';
  classes.forEach((c, i) => {
    const y = m.top + 10 + i * 18;
    s += `<rect x="${w - m.right + 14}" y="${y - 8}" width="10" height="10" fill="${colour.get(c)}"/>`;
    s += `<text x="${w - m.right + 30}" y="${y + 1}" font-size="11">${escapeXml(c)}</text>\n`;
  });
  return s + '</svg>\n';
}

/** Colour of a value in [0, 1] on a white → dark blue ramp. */
function ramp(t: number): string {
  const u = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0));
  const c = (a: number, b: number) => Math.round(a + (b - a) * u).toString(16).padStart(2, '0');
  return `#${c(255, 8)}${c(255, 48)}${c(255, 107)}`;
}

/** Most feature columns a heatmap labels by name (the 77 mouse proteins are labelled; 3,000 genes are not). */
export const HEATMAP_LABEL_MAX = 100;

/**
 * A heatmap, one `<rect>` per cell (rows = topics, columns = features), each row scaled
 * to its own maximum, with row names, and feature names under the columns when there are
 * at most {@link HEATMAP_LABEL_MAX}. The first `<rect>` is the background; cells are
 * inside `<g class="cells">`.
 */
export function heatmapSvg(figure: HeatmapFigure): string {
  const rows = figure.rowNames.length;
  const cols = figure.columnNames.length;
  const labelled = cols <= HEATMAP_LABEL_MAX;
  const longest = labelled ? Math.max(0, ...figure.columnNames.map((n) => n.length)) : 0;
  const cellW = Math.max(0.5, Math.min(24, 900 / Math.max(1, cols)));
  const font = Math.max(5, Math.min(9, cellW * 0.85));
  // rotated 60°: a label of L characters reaches about 0.55 · font · L · sin 60° below the cells
  const m = { left: 80, right: 20, top: 40, bottom: labelled ? Math.ceil(30 + 0.5 * font * longest) : 56 };
  const cellH = Math.max(6, Math.min(24, 400 / Math.max(1, rows)));
  const pw = cellW * cols;
  const ph = cellH * rows;
  const w = Math.ceil(m.left + pw + m.right + (labelled ? 0.3 * font * longest : 0));
  const h = Math.ceil(m.top + ph + m.bottom);
  let s = head(Math.max(w, 360), h, figure.title);
  s += `<text x="${m.left}" y="20" font-size="13">${escapeXml(figure.title)}</text>\n`;
  s += '<g class="cells" shape-rendering="crispEdges">\n';
  figure.values.forEach((row, r) => {
    const max = Math.max(...row.filter(Number.isFinite), 0);
    row.forEach((v, c) => {
      s += `<rect x="${num(m.left + c * cellW)}" y="${num(m.top + r * cellH)}" width="${num(cellW)}" height="${num(cellH)}" fill="${ramp(max > 0 ? v / max : 0)}"/>\n`;
    });
  });
  s += '</g>\n';
  figure.rowNames.forEach((name, r) => {
    s += `<text x="${m.left - 6}" y="${num(m.top + r * cellH + cellH / 2 + 4)}" text-anchor="end" font-size="${Math.min(11, cellH)}">${escapeXml(name)}</text>\n`;
  });
  if (labelled) {
    s += '<g class="feature-names">\n';
    figure.columnNames.forEach((name, c) => {
      const x = m.left + c * cellW + cellW / 2;
      s += `<text x="${num(x)}" y="${m.top + ph + 8}" font-size="${num(font)}" transform="rotate(60 ${num(x)} ${m.top + ph + 8})">${escapeXml(name)}</text>\n`;
    });
    s += '</g>\n';
  } else {
    s += `<text x="${m.left}" y="${m.top + ph + 16}" font-size="10">features 1..${cols}: ${escapeXml(figure.caption)}</text>\n`;
  }
  s += `<text x="${m.left}" y="${h - 10}" font-size="10">each row scaled to its maximum: white = 0, dark blue = the row's largest loading</text>\n`;
  return s + '</svg>\n';
}

/**
 * Pixel data's W as images, one per topic side by side (row-major pixels, one `<rect>`
 * per pixel inside `<g class="pixels">`), each scaled to its own maximum, named below.
 */
export function imagesSvg(figure: ImagesFigure): string {
  const n = figure.images.length;
  const px = Math.max(2, Math.min(8, Math.floor(224 / Math.max(figure.width, figure.height))));
  const gap = 24;
  const m = { left: 20, top: 40, bottom: 50 };
  const iw = figure.width * px;
  const ih = figure.height * px;
  const w = Math.max(360, m.left * 2 + n * iw + (n - 1) * gap);
  const h = m.top + ih + m.bottom;
  let s = head(w, h, figure.title);
  s += `<text x="${m.left}" y="20" font-size="13">${escapeXml(figure.title)}</text>\n`;
  s += '<g class="pixels" shape-rendering="crispEdges">\n';
  figure.images.forEach((image, t) => {
    const x0 = m.left + t * (iw + gap);
    const max = Math.max(...image.filter(Number.isFinite), 0);
    for (let y = 0; y < figure.height; y++) {
      for (let x = 0; x < figure.width; x++) {
        const v = image[y * figure.width + x];
        s += `<rect x="${x0 + x * px}" y="${m.top + y * px}" width="${px}" height="${px}" fill="${ramp(max > 0 ? v / max : 0)}"/>\n`;
      }
    }
  });
  s += '</g>\n';
  figure.names.forEach((name, t) => {
    s += `<text x="${m.left + t * (iw + gap) + iw / 2}" y="${m.top + ih + 16}" text-anchor="middle" font-size="11">${escapeXml(name)}</text>\n`;
  });
  s += `<text x="${m.left}" y="${h - 10}" font-size="10">${escapeXml(figure.caption)}</text>\n`;
  return s + '</svg>\n';
}
