import { sparseContingency } from './contingency.js';
import type { Label } from './labels.js';

/**
 * The adjusted Rand index of two labelings, exactly as scikit-learn's
 * `adjusted_rand_score` (1.2): from the pair confusion matrix,
 * `2 (tp·tn − fn·fp) / ((tp + fn)(fn + tn) + (tp + fp)(fp + tn))`, with the products
 * taken in exact integer arithmetic. When no pair disagrees (`fn = fp = 0`: identical
 * labelings up to renaming, both one cluster, or both all singletons) it is 1.0.
 * Symmetric, 1 for a perfect match, about 0 for chance, can be negative.
 *
 * Unlike scikit-learn, which returns 1.0 for two empty labelings, empty input is refused.
 *
 * @param labelsTrue - reference labels, numbers or strings
 * @param labelsPred - cluster labels, numbers or strings, as many as `labelsTrue`
 * @returns the ARI, in [-0.5, 1]
 * @throws {MetricsError} `INVALID_DATA` for empty or mismatched labelings or bad labels
 *
 * @example
 * adjustedRandIndex([0, 0, 1, 1], [1, 1, 0, 0]); // 1
 * adjustedRandIndex([0, 0, 1, 1], [0, 0, 1, 2]); // 0.5714285714285714
 * adjustedRandIndex(['a', 'a', 'a'], [0, 1, 2]); // 0
 */
export function adjustedRandIndex(labelsTrue: ArrayLike<Label>, labelsPred: ArrayLike<Label>): number {
  const c = sparseContingency(labelsTrue, labelsPred);
  // Pair confusion matrix over ordered pairs, as sklearn.metrics.cluster.pair_confusion_matrix.
  // Every sum below is an integer below n², exact in a double for n < 9.4e7.
  const n = c.n;
  let sumSquares = 0;
  for (let e = 0; e < c.values.length; e++) sumSquares += c.values[e] * c.values[e];
  let sumRows = 0;
  for (let i = 0; i < c.nClasses; i++) sumRows += c.rowSums[i] * c.rowSums[i];
  let sumCols = 0;
  for (let j = 0; j < c.nClusters; j++) sumCols += c.colSums[j] * c.colSums[j];
  const tp = BigInt(sumSquares - n);
  const fp = BigInt(sumCols - sumSquares);
  const fn = BigInt(sumRows - sumSquares);
  const tn = BigInt(n * n - sumCols - sumRows + sumSquares);
  if (fn === 0n && fp === 0n) return 1.0;
  // Python's 2.0 * int / int: each integer rounded to the nearest double, then divided.
  const numerator = tp * tn - fn * fp;
  const denominator = (tp + fn) * (fn + tn) + (tp + fp) * (fp + tn);
  return (2.0 * Number(numerator)) / Number(denominator);
}
