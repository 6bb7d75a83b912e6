// The consensus's figures, drawn with @bcnmf/plots (the charting path of the CLI's fit
// report, the reproduction report and the web page).
import { barChart, chartGrid, histogramChart, lineChart, type LineSeries } from '@bcnmf/plots';
import type { ConsensusResult } from './consensus.js';
import type { Recommendation } from './recommend.js';
import type { SweepCell } from './sweep.js';

/**
 * The selection plot (cNMF's k-selection plot, extended by alpha), as SVG text: stability
 * (silhouette of the topic clustering) against k on the left, the consensus model's
 * target error against k on the right (a log scale when the errors span more than a
 * factor of 10), one line per alpha; the recommended setting ringed in both
 * (`<circle class="highlight">`). Failed cells leave a gap in their line.
 */
export function selectionSvg(cells: readonly SweepCell[], recommendation: Recommendation | null, title = 'bcnmf select: stability and error against k'): string {
  const alphas = [...new Set(cells.map((c) => c.alpha))].sort((a, b) => a - b);
  const ks = [...new Set(cells.map((c) => c.k))].sort((a, b) => a - b);
  const errors = cells.map((c) => c.targetError).filter((e): e is number => e !== null && Number.isFinite(e));
  // errors of different alphas can differ by orders of magnitude: a log scale then
  const log = errors.length > 0 && Math.min(...errors) > 0 && Math.max(...errors) / Math.min(...errors) > 10;
  const seriesOf = (value: (c: SweepCell) => number | null): LineSeries[] =>
    alphas.map((alpha) => ({
      name: `α = ${alpha}`,
      x: ks,
      y: ks.map((k) => {
        const cell = cells.find((c) => c.k === k && c.alpha === alpha);
        return cell ? (value(cell) ?? Number.NaN) : Number.NaN;
      }),
    }));
  const recommended = recommendation ? cells.find((c) => c.k === recommendation.k && c.alpha === recommendation.alpha) : undefined;
  const ring = (value: number | null | undefined) =>
    recommendation && value !== null && value !== undefined ? [{ x: recommendation.k, y: value, name: `recommended: k ${recommendation.k}, α ${recommendation.alpha}` }] : [];
  const stability = lineChart({
    title: 'stability (silhouette of the topic clustering)',
    xLabel: 'k (number of topics)',
    yLabel: 'stability',
    series: seriesOf((c) => c.stability),
    xTicks: ks,
    yInclude: [0, 1],
    markers: true,
    legend: false,
    highlights: ring(recommended?.stability),
  });
  const error = lineChart({
    title: 'target error of the consensus model',
    xLabel: 'k (number of topics)',
    yLabel: 'target error',
    yScale: log ? 'log' : 'linear',
    series: seriesOf((c) => c.targetError),
    xTicks: ks,
    markers: true,
    legend: true,
    highlights: ring(recommended?.targetError),
  });
  return chartGrid({
    title,
    charts: [stability, error],
    columns: 2,
    caption: recommendation
      ? `ringed: the recommended setting, k ${recommendation.k}, α ${recommendation.alpha} (stability ${recommendation.stability.toFixed(3)})`
      : undefined,
  });
}

/**
 * The consensus's figure, as SVG text: the histogram of the restart topics' local
 * densities with the outlier threshold dashed (cNMF's filter plot) on the left; per
 * consensus topic, its reproducibility (fraction of restarts contributing) and its
 * members' mean silhouette as bars (`data-series="reproducibility"`, `"silhouette"`) on
 * the right.
 */
export function consensusSvg(result: ConsensusResult, title?: string): string {
  const heading = title ?? `bcnmf consensus: k ${result.settings.k}, ${result.settings.restarts} restarts, stability ${result.stability.toFixed(3)}`;
  const densities = result.clustering.topics.map((t) => t.density).filter((d): d is number => d !== null);
  const threshold = result.settings.densityThreshold;
  // distances between unit vectors reach 2 at most; the axis shows up to 1.5 unless a density is larger
  const top = Math.max(1.5, ...densities.map((d) => d * 1.05));
  const histogram = histogramChart({
    title: 'local density of the restart topics',
    xLabel: 'mean distance to the nearest neighbours',
    yLabel: 'restart topics',
    values: densities,
    bins: 30,
    domain: [0, top],
    thresholds: threshold < top ? [{ x: threshold, name: `density threshold ${threshold}` }] : [],
  });
  const bars = barChart({
    title: 'reproducibility and silhouette per topic',
    xLabel: 'consensus topic',
    yLabel: 'fraction / silhouette',
    categories: result.topics.map((_, t) => String(t + 1)),
    series: [
      { name: 'reproducibility', values: result.topics.map((t) => t.reproducibility) },
      { name: 'silhouette', values: result.topics.map((t) => t.silhouette) },
    ],
    yInclude: [1],
  });
  const dropped = result.clustering.total - result.clustering.kept;
  return chartGrid({
    title: heading,
    charts: [histogram, bars],
    columns: 2,
    caption: `${dropped} of ${result.clustering.total} topics dropped (density ≥ ${threshold}${threshold >= top ? ', beyond the axis: none filtered' : ', dashed'}); ${result.clustering.neighbours} neighbours`,
  });
}
