import type { DenseMatrix } from '../matrix/dense-matrix.js';

/** One feature among a topic's top features. */
export interface TopicFeature {
  /** Column index in the data. */
  index: number;
  /** The feature's name (its index as text when the data had no names). */
  name: string;
  /** Its weight in the topic (the entry of W). */
  weight: number;
  /** weight / the topic's total weight. */
  share: number;
}

/** What one topic is and where it is used. */
export interface TopicSummary {
  /** 0-based topic index (row of W). */
  index: number;
  /** `topic_1`, `topic_2`, ... */
  topic: string;
  /** Mean coefficient over the target samples. */
  targetMean: number;
  /** Mean coefficient over all background samples (of every background); null without a background. */
  backgroundMean: number | null;
  /** Mean coefficient over each background's samples, in order (empty without a background). */
  backgroundMeans: number[];
  /**
   * log2(targetMean / backgroundMean), guarded against zeros: > 0 means the topic is
   * used more in the target. Null without a background. Where one mean is 0 the guard
   * (1e-9 of the largest mean) bounds it near ±30: read it as "only in the target" (or
   * background), not as a measured ratio.
   */
  enrichment: number | null;
  /** The features with the largest weights, largest first; only features of positive weight (an all-zero topic lists none). */
  topFeatures: TopicFeature[];
}

function columnMeans(m: DenseMatrix): Float64Array {
  const means = new Float64Array(m.columns);
  for (let i = 0; i < m.rows; i++) {
    for (let j = 0; j < m.columns; j++) means[j] += m.data[i * m.columns + j];
  }
  for (let j = 0; j < m.columns; j++) means[j] /= Math.max(1, m.rows);
  return means;
}

/**
 * For each topic: its mean loading in target and background, their log2 ratio, and
 * its `top` features by weight.
 *
 * @example
 * summarizeTopics(model.W, model.Htarget, model.Hbackground, { top: 2 })[0];
 * // { index: 0, topic: 'topic_1', targetMean: 0.8, backgroundMean: 0.1, enrichment: 3, topFeatures: [...] }
 */
export function summarizeTopics(
  basis: DenseMatrix,
  targetCoefficients: DenseMatrix,
  backgroundCoefficients: DenseMatrix | readonly DenseMatrix[] | null,
  options: { top?: number } = {},
): TopicSummary[] {
  const top = Math.max(0, Math.min(options.top ?? 10, basis.columns));
  const backgrounds = backgroundCoefficients === null ? [] : Array.isArray(backgroundCoefficients)
    ? (backgroundCoefficients as readonly DenseMatrix[])
    : [backgroundCoefficients as DenseMatrix];
  const targetMeans = columnMeans(targetCoefficients);
  const perBackground = backgrounds.map(columnMeans);
  const pooledRows = backgrounds.reduce((sum, m) => sum + m.rows, 0);
  const backgroundMeans = backgrounds.length === 0 ? null : Float64Array.from(targetMeans, (_, t) =>
    backgrounds.reduce((sum, m, b) => sum + perBackground[b][t] * m.rows, 0) / Math.max(1, pooledRows));
  const largest = Math.max(...targetMeans, ...(backgroundMeans ?? []), 0);
  const guard = largest > 0 ? largest * 1e-9 : 1e-30;
  const summaries: TopicSummary[] = [];
  for (let t = 0; t < basis.rows; t++) {
    const weights = basis.row(t);
    let total = 0;
    for (const w of weights) total += w;
    const order = Array.from(weights.keys()).filter((j) => weights[j] > 0).sort((a, b) => weights[b] - weights[a] || a - b).slice(0, top);
    const backgroundMean = backgroundMeans ? backgroundMeans[t] : null;
    summaries.push({
      index: t,
      topic: basis.rowNames?.[t] ?? `topic_${t + 1}`,
      targetMean: targetMeans[t],
      backgroundMean,
      backgroundMeans: perBackground.map((means) => means[t]),
      enrichment: backgroundMean === null ? null : Math.log2((targetMeans[t] + guard) / (backgroundMean + guard)),
      topFeatures: order.map((index) => ({
        index,
        name: basis.columnNames?.[index] ?? String(index),
        weight: weights[index],
        share: total > 0 ? weights[index] / total : 0,
      })),
    });
  }
  return summaries;
}
