import { sparseContingency } from './contingency.js';
import { METRICS_DEFAULTS } from './defaults.js';
import { invalidOption } from './errors.js';
import type { Label } from './labels.js';

/** How {@link normalizedMutualInfo} averages the two entropies (scikit-learn's `average_method`). */
export type AverageMethod = 'arithmetic' | 'geometric' | 'min' | 'max';

/** The averaging methods that {@link normalizedMutualInfo} knows. */
export const AVERAGE_METHODS: readonly AverageMethod[] = Object.freeze(['arithmetic', 'geometric', 'min', 'max']);

/** Options of {@link normalizedMutualInfo}; defaults in {@link METRICS_DEFAULTS}. */
export interface NmiOptions {
  /** How the two entropies are averaged into the normaliser. Default `'arithmetic'`. */
  averageMethod?: AverageMethod;
}

/** Entropy (natural log) of a labeling given its class sizes, as sklearn's `entropy`. */
function entropy(sizes: Float64Array): number {
  const nonZero = Array.from(sizes).filter((s) => s > 0);
  if (nonZero.length === 1) return 0.0;
  let total = 0;
  for (const s of nonZero) total += s;
  const logTotal = Math.log(total);
  let h = 0;
  for (const s of nonZero) h += (s / total) * (Math.log(s) - logTotal);
  return -h;
}

function average(u: number, v: number, method: AverageMethod): number {
  switch (method) {
    case 'min':
      return Math.min(u, v);
    case 'geometric':
      return Math.sqrt(u * v);
    case 'arithmetic':
      return (u + v) / 2;
    case 'max':
      return Math.max(u, v);
  }
}

/**
 * The normalized mutual information of two labelings, as scikit-learn's
 * `normalized_mutual_info_score` (1.2): `MI / average(H(true), H(pred))`, natural logs.
 * Both labelings having a single value gives 1.0; a mutual information of 0 otherwise
 * gives 0.0. Symmetric, in [0, 1].
 *
 * Unlike scikit-learn, which returns 1.0 for two empty labelings, empty input is refused.
 *
 * @param labelsTrue - reference labels, numbers or strings
 * @param labelsPred - cluster labels, numbers or strings, as many as `labelsTrue`
 * @param options - `averageMethod` (default `'arithmetic'`)
 * @throws {MetricsError} `INVALID_DATA` for empty or mismatched labelings or bad labels;
 *   `INVALID_OPTION` for an unknown `averageMethod`
 *
 * @example
 * normalizedMutualInfo([0, 0, 1, 1], [1, 1, 0, 0]); // 1
 * normalizedMutualInfo([0, 0, 1, 1], [0, 0, 1, 2]); // 0.7999999999999999
 * normalizedMutualInfo([0, 0, 1, 1], [0, 1, 0, 1]); // 0
 */
export function normalizedMutualInfo(
  labelsTrue: ArrayLike<Label>,
  labelsPred: ArrayLike<Label>,
  options: NmiOptions = {},
): number {
  const method = options.averageMethod ?? METRICS_DEFAULTS.nmi.averageMethod;
  if (!AVERAGE_METHODS.includes(method)) {
    throw invalidOption(`averageMethod must be one of ${AVERAGE_METHODS.map((m) => `'${m}'`).join(', ')}; got ${JSON.stringify(method)}`);
  }
  const c = sparseContingency(labelsTrue, labelsPred);
  if (c.nClasses === 1 && c.nClusters === 1) return 1.0;
  const mi = mutualInfo(c.values, c.rowIndex, c.colIndex, c.rowSums, c.colSums, c.n);
  if (mi === 0) return 0.0;
  const normalizer = average(entropy(c.rowSums), entropy(c.colSums), method);
  return mi / normalizer;
}

/** Mutual information (natural log) from the non-zero cells, as sklearn's `mutual_info_score`. */
function mutualInfo(
  values: Float64Array,
  rowIndex: Int32Array,
  colIndex: Int32Array,
  rowSums: Float64Array,
  colSums: Float64Array,
  n: number,
): number {
  if (rowSums.length === 1 || colSums.length === 1) return 0.0;
  const logN = Math.log(n);
  let sum = 0;
  for (let e = 0; e < values.length; e++) {
    const nm = values[e] / n;
    const logOuter = -Math.log(rowSums[rowIndex[e]] * colSums[colIndex[e]]) + logN + logN;
    const term = nm * (Math.log(values[e]) - logN) + nm * logOuter;
    if (Math.abs(term) >= Number.EPSILON) sum += term;
  }
  return Math.max(sum, 0.0);
}
