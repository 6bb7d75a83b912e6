import type { ConsensusResult } from './consensus.js';
import type { Recommendation } from './recommend.js';
import type { SweepCell } from './sweep.js';

/** Line colours (Okabe–Ito, colour-blind safe), then grey. */
const PALETTE = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000', '#F0E442'];

function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const num = (x: number): string => (Number.isFinite(x) ? Number(x.toFixed(2)).toString() : '0');

function tick(v: number): string {
  const a = Math.abs(v);
  return a !== 0 && (a < 0.01 || a >= 1e4) ? v.toExponential(1) : Number(v.toPrecision(3)).toString();
}

function extent(values: number[], pad = 0.06): [number, number] {
  const finite = values.filter(Number.isFinite);
  if (finite.length === 0) return [0, 1];
  let lo = Math.min(...finite);
  let hi = Math.max(...finite);
  if (lo === hi) [lo, hi] = [lo - 0.5 * (Math.abs(lo) || 1), hi + 0.5 * (Math.abs(hi) || 1)];
  const p = (hi - lo) * pad;
  return [lo - p, hi + p];
}

const head = (w: number, h: number, title: string): string =>
  `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" font-family="DejaVu Sans, Arial, sans-serif">\n` +
  `<title>${escapeXml(title)}</title>\n<rect x="0" y="0" width="${w}" height="${h}" fill="#ffffff"/>\n`;

interface Panel {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** Ticks at round numbers (1, 2 or 5 times a power of 10) inside [lo, hi], about `count` of them. */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  const raw = (hi - lo) / Math.max(1, count - 1);
  if (!(raw > 0) || !Number.isFinite(raw)) return [lo];
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? 10 * power;
  const ticks: number[] = [];
  for (let v = Math.ceil(lo / step - 1e-9) * step; v <= hi + step * 1e-9; v += step) ticks.push(Number(v.toPrecision(12)));
  return ticks;
}

/** Axes, ticks and labels of a panel; returns the SVG and the scales. `log`: the y values are log10 of the data, ticked as powers of 10. */
function axes(
  panel: Panel,
  xs: [number, number],
  ys: [number, number],
  labels: { x: string; y: string; title: string },
  xTicks?: number[],
  log = false,
) {
  const sx = (v: number) => panel.x + ((v - xs[0]) / (xs[1] - xs[0])) * panel.w;
  const sy = (v: number) => panel.y + panel.h - ((v - ys[0]) / (ys[1] - ys[0])) * panel.h;
  let s = `<rect x="${panel.x}" y="${panel.y}" width="${panel.w}" height="${panel.h}" fill="none" stroke="#444444"/>\n`;
  s += `<text x="${panel.x + panel.w / 2}" y="${panel.y - 8}" text-anchor="middle" font-size="12">${escapeXml(labels.title)}</text>\n`;
  const xt = xTicks ?? niceTicks(xs[0], xs[1]);
  for (const v of xt) {
    s += `<line x1="${num(sx(v))}" y1="${panel.y + panel.h}" x2="${num(sx(v))}" y2="${panel.y + panel.h + 4}" stroke="#444444"/>`;
    s += `<text x="${num(sx(v))}" y="${panel.y + panel.h + 16}" text-anchor="middle" font-size="10">${tick(v)}</text>\n`;
  }
  const yt = log ? niceTicks(ys[0], ys[1]).filter((v) => Number.isInteger(v)) : niceTicks(ys[0], ys[1]);
  for (const v of log && yt.length < 2 ? niceTicks(ys[0], ys[1]) : yt) {
    s += `<line x1="${panel.x}" y1="${num(sy(v))}" x2="${panel.x + panel.w}" y2="${num(sy(v))}" stroke="#e4e4e4"/>`;
    s += `<text x="${panel.x - 6}" y="${num(sy(v) + 3)}" text-anchor="end" font-size="10">${log ? tick(10 ** v) : tick(v)}</text>\n`;
  }
  s += `<text x="${panel.x + panel.w / 2}" y="${panel.y + panel.h + 34}" text-anchor="middle" font-size="12">${escapeXml(labels.x)}</text>\n`;
  const cy = panel.y + panel.h / 2;
  s += `<text x="${panel.x - 46}" y="${cy}" text-anchor="middle" font-size="12" transform="rotate(-90 ${panel.x - 46} ${cy})">${escapeXml(labels.y)}</text>\n`;
  return { svg: s, sx, sy };
}

/**
 * The selection plot (cNMF's k-selection plot, extended by alpha), as SVG text: stability
 * (silhouette of the topic clustering) against k on the left, the consensus model's
 * target error against k on the right, one line per alpha; the recommended setting ringed
 * in both. Failed cells leave a gap in their line.
 */
export function selectionSvg(cells: readonly SweepCell[], recommendation: Recommendation | null, title = 'bcnmf select: stability and error against k'): string {
  const w = 900;
  const h = 420;
  const alphas = [...new Set(cells.map((c) => c.alpha))].sort((a, b) => a - b);
  const ks = [...new Set(cells.map((c) => c.k))].sort((a, b) => a - b);
  const xs: [number, number] = ks.length === 1 ? [ks[0] - 1, ks[0] + 1] : [ks[0] - 0.3, ks[ks.length - 1] + 0.3];
  const stabilities = cells.map((c) => c.stability ?? NaN);
  const errors = cells.map((c) => c.targetError ?? NaN).filter(Number.isFinite);
  const [s0, s1] = extent(stabilities);
  // errors of different alphas can differ by orders of magnitude: a log scale then
  const log = errors.length > 0 && Math.min(...errors) > 0 && Math.max(...errors) / Math.min(...errors) > 10;
  const errorOf = (c: SweepCell) => (c.targetError === null ? null : log ? Math.log10(c.targetError) : c.targetError);
  const panels: [Panel, [number, number], string, (c: SweepCell) => number | null, boolean][] = [
    [{ x: 80, y: 50, w: 300, h: 280 }, [Math.min(s0, 0), Math.max(s1, 1)], 'stability (silhouette of the topic clustering)', (c) => c.stability, false],
    [{ x: 500, y: 50, w: 300, h: 280 }, extent(errors.map((e) => (log ? Math.log10(e) : e))), `target error of the consensus model${log ? ' (log scale)' : ''}`, errorOf, log],
  ];
  let s = head(w, h, title);
  s += `<text x="${w / 2}" y="22" text-anchor="middle" font-size="14">${escapeXml(title)}</text>\n`;
  for (const [panel, ys, label, value, logScale] of panels) {
    const a = axes(panel, xs, ys, { x: 'k (number of topics)', y: label.split(' ')[0] === 'stability' ? 'stability' : 'target error', title: label }, ks, logScale);
    s += a.svg;
    alphas.forEach((alpha, i) => {
      const colour = PALETTE[i] ?? '#888888';
      const points = ks.map((k) => {
        const cell = cells.find((c) => c.k === k && c.alpha === alpha);
        const v = cell ? value(cell) : null;
        return v === null || !Number.isFinite(v) ? null : [a.sx(k), a.sy(v)] as [number, number];
      });
      // a polyline per run of finished cells
      let run: [number, number][] = [];
      const flush = () => {
        if (run.length > 1) s += `<polyline fill="none" stroke="${colour}" stroke-width="2" points="${run.map((p) => `${num(p[0])},${num(p[1])}`).join(' ')}"/>\n`;
        run = [];
      };
      for (const p of points) {
        if (p === null) flush();
        else run.push(p);
      }
      flush();
      for (const p of points) if (p) s += `<circle cx="${num(p[0])}" cy="${num(p[1])}" r="3.5" fill="${colour}"/>\n`;
    });
    if (recommendation) {
      const cell = cells.find((c) => c.k === recommendation.k && c.alpha === recommendation.alpha);
      const v = cell ? value(cell) : null;
      if (v !== null && Number.isFinite(v)) {
        s += `<circle class="recommended" cx="${num(a.sx(recommendation.k))}" cy="${num(a.sy(v))}" r="8" fill="none" stroke="#000000" stroke-width="1.5"/>\n`;
      }
    }
  }
  alphas.forEach((alpha, i) => {
    const x = 820;
    const y = 64 + i * 18;
    s += `<line x1="${x}" y1="${y - 4}" x2="${x + 18}" y2="${y - 4}" stroke="${PALETTE[i] ?? '#888888'}" stroke-width="2"/>`;
    s += `<text x="${x + 22}" y="${y}" font-size="11">α = ${escapeXml(String(alpha))}</text>\n`;
  });
  if (recommendation) {
    s += `<text x="80" y="${h - 22}" font-size="11">ringed: the recommended setting, k ${recommendation.k}, α ${escapeXml(String(recommendation.alpha))} ` +
      `(stability ${recommendation.stability.toFixed(3)})</text>\n`;
  }
  return s + '</svg>\n';
}

/**
 * The consensus's figure, as SVG text: the histogram of the restart topics' local
 * densities with the outlier threshold (cNMF's filter plot) on the left; per consensus
 * topic, its reproducibility (fraction of restarts contributing) and its members' mean
 * silhouette on the right.
 */
export function consensusSvg(result: ConsensusResult, title?: string): string {
  const w = 900;
  const h = 420;
  const heading = title ?? `bcnmf consensus: k ${result.settings.k}, ${result.settings.restarts} restarts, stability ${result.stability.toFixed(3)}`;
  let s = head(w, h, heading);
  s += `<text x="${w / 2}" y="22" text-anchor="middle" font-size="14">${escapeXml(heading)}</text>\n`;
  // left: density histogram
  const densities = result.clustering.topics.map((t) => t.density).filter((d): d is number => d !== null);
  const threshold = result.settings.densityThreshold;
  const top = Math.max(1.5, ...densities.map((d) => d * 1.05));
  const bins = 30;
  const counts = new Array<number>(bins).fill(0);
  for (const d of densities) counts[Math.min(bins - 1, Math.floor((d / top) * bins))]++;
  const left: Panel = { x: 80, y: 50, w: 330, h: 280 };
  const a = axes(left, [0, top], [0, Math.max(...counts, 1) * 1.08], {
    x: 'mean distance to the nearest neighbours',
    y: 'restart topics',
    title: 'local density of the restart topics',
  });
  s += a.svg;
  const bw = left.w / bins;
  counts.forEach((c, b) => {
    if (c === 0) return;
    const y = a.sy(c);
    s += `<rect x="${num(left.x + b * bw + 0.5)}" y="${num(y)}" width="${num(bw - 1)}" height="${num(left.y + left.h - y)}" fill="#0072B2"/>\n`;
  });
  if (threshold < top) {
    s += `<line class="threshold" x1="${num(a.sx(threshold))}" y1="${left.y}" x2="${num(a.sx(threshold))}" y2="${left.y + left.h}" stroke="#000000" stroke-dasharray="5,4"/>\n`;
  }
  const dropped = result.clustering.total - result.clustering.kept;
  s += `<text x="${left.x}" y="${h - 22}" font-size="11">${dropped} of ${result.clustering.total} topics dropped (density ≥ ${threshold}${threshold >= top ? ', beyond the axis: none filtered' : ', dashed'}); ${result.clustering.neighbours} neighbours</text>\n`;
  // right: reproducibility and silhouette per consensus topic
  const right: Panel = { x: 520, y: 50, w: 330, h: 280 };
  const k = result.topics.length;
  const b = axes(right, [0.5, k + 0.5], [Math.min(0, ...result.topics.map((t) => t.silhouette)), 1.05], {
    x: 'consensus topic',
    y: 'fraction / silhouette',
    title: 'reproducibility (blue) and silhouette (orange)',
  }, Array.from({ length: k }, (_, t) => t + 1));
  s += b.svg;
  const slot = right.w / k;
  const barW = Math.max(1, Math.min(18, slot * 0.35));
  result.topics.forEach((topic, t) => {
    const cx = b.sx(t + 1);
    const zero = b.sy(0);
    const r = b.sy(topic.reproducibility);
    const sil = b.sy(topic.silhouette);
    s += `<rect class="reproducibility" x="${num(cx - barW)}" y="${num(Math.min(r, zero))}" width="${num(barW)}" height="${num(Math.abs(zero - r))}" fill="#0072B2"/>`;
    s += `<rect class="silhouette" x="${num(cx)}" y="${num(Math.min(sil, zero))}" width="${num(barW)}" height="${num(Math.abs(zero - sil))}" fill="#E69F00"/>\n`;
  });
  return s + '</svg>\n';
}
