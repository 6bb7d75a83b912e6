// The page's charts as SVG text, drawn with @bcnmf/plots (the charting path of `bcnmf
// fit`'s report and the reproduction report): pure functions, testable in Node; the page
// loads this module with the first result and sets the strings as innerHTML.
import { heatmapChart, lineChart, scatterChart } from '@bcnmf/plots';
import { scatterCoordinates, type FitResult } from './results.js';

/** The charts of a finished fit: the score curve, the target embedding, the topic x feature heatmap. */
export interface ResultCharts {
  score: string;
  scatter: string;
  heatmap: string;
}

/**
 * The score curve (the tracked score at each check), a scatter of the target embedding
 * coloured by label (by k-means cluster without labels), and a heatmap of each topic's
 * weights on the union of the topics' top features (each row scaled to its largest).
 */
export function resultCharts(result: FitResult): ResultCharts {
  const score = lineChart({
    title: `Tracked score (${result.scoreDirection === 'minimize' ? 'lower' : 'higher'} is better)`,
    xLabel: 'iteration',
    yLabel: 'score',
    series: [{ name: 'score', x: result.history.map((h) => h.iteration), y: result.history.map((h) => h.score) }],
    width: 420,
    height: 260,
  });
  const coords = scatterCoordinates(result.Htarget);
  const scatter = scatterChart({
    title: result.labels ? 'Target embedding, coloured by label' : 'Target embedding, coloured by k-means cluster (no labels)',
    xLabel: coords.xLabel,
    yLabel: coords.yLabel,
    x: coords.x,
    y: coords.y,
    groups: result.labels ?? result.clusters.map((c) => `cluster ${c + 1}`),
    legendTitle: result.labels ? 'label' : 'cluster',
  });
  // topics x the union of each topic's top features, in the order first met
  const [k, m] = result.W.shape;
  const columns: number[] = [];
  for (const topic of result.topics) for (const f of topic.topFeatures) if (!columns.includes(f.index)) columns.push(f.index);
  const values = new Float64Array(k * columns.length);
  for (let t = 0; t < k; t++) for (let c = 0; c < columns.length; c++) values[t * columns.length + c] = result.W.data[t * m + columns[c]];
  const heatmap = heatmapChart({
    title: 'Topic x feature weights',
    rowNames: result.topics.map((t) => t.topic),
    columnNames: columns.map((j) => result.featureNames[j] ?? String(j)),
    values,
    columnLabels: 'all',
  });
  return { score, scatter, heatmap };
}
