import { invalidData } from './errors.js';
import { checkLabelsForRows, encodeLabels, type Label } from './labels.js';
import { toRows, type PointsInput } from './points.js';

/**
 * The silhouette coefficient of every sample, euclidean, as scikit-learn's
 * `silhouette_samples`: `(b − a) / max(a, b)` with `a` the mean distance to the other
 * members of its own cluster and `b` the smallest mean distance to the members of another
 * cluster. A sample alone in its cluster gets 0 (as in scikit-learn, where its 0/0 is
 * turned into 0), and so does a sample with `a = b = 0`.
 *
 * @param points - samples × features, rows of numbers or `{ data, shape }`
 * @param labels - one cluster label per sample; 2 to `rows − 1` distinct values
 * @throws {MetricsError} `INVALID_DATA` for bad points or labels, mismatched lengths or
 *   a number of distinct labels outside 2 … rows − 1
 *
 * @example
 * silhouetteSamples([[0], [1], [4], [5]], [0, 0, 1, 1]);
 * // [0.7777777777777778, 0.7142857142857143, 0.7142857142857143, 0.7777777777777778]
 */
export function silhouetteSamples(points: PointsInput, labels: ArrayLike<Label>): number[] {
  const { rows, n, d } = toRows(points);
  checkLabelsForRows(labels, n);
  const { values, codes } = encodeLabels(labels);
  const nLabels = values.length;
  if (!(nLabels > 1 && nLabels < n)) {
    throw invalidData(`the silhouette needs 2 to rows - 1 = ${n - 1} distinct labels; got ${nLabels} for ${n} rows`);
  }
  const steps = silhouetteSteps(rows, codes, nLabels);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/**
 * The mean silhouette coefficient over all samples, euclidean, as scikit-learn's
 * `silhouette_score` (no sampling): see {@link silhouetteSamples}. In [-1, 1]; higher
 * means denser, better separated clusters. Costs O(rows² · cols) time, O(rows · clusters)
 * memory.
 *
 * @param points - samples × features, rows of numbers or `{ data, shape }`
 * @param labels - one cluster label per sample; 2 to `rows − 1` distinct values
 * @throws {MetricsError} `INVALID_DATA` as {@link silhouetteSamples}
 *
 * @example
 * silhouetteScore([[0], [1], [4], [5]], [0, 0, 1, 1]); // 0.746031746031746
 * silhouetteScore([[0, 0], [0, 1], [5, 5]], ['x', 'x', 'y']); // 0.5674682939580281
 */
export function silhouetteScore(points: PointsInput, labels: ArrayLike<Label>): number {
  const samples = silhouetteSamples(points, labels);
  let sum = 0;
  for (const s of samples) sum += s;
  return sum / samples.length;
}

/**
 * {@link silhouetteSamples} as a generator, for callers that must stay interruptible (a
 * consensus of thousands of topics): it yields after each row of distances, so the caller
 * can give the event loop a turn between steps, and returns the same numbers in the same
 * order. Unchecked: `rows` all as long, `codes` labels 0 … clusters − 1, each used.
 *
 * @example
 * const steps = silhouetteSteps([[0], [1], [4], [5]], [0, 0, 1, 1], 2);
 * let step = steps.next();
 * while (!step.done) step = steps.next(); // (await a turn here)
 * step.value; // [0.7777777777777778, 0.7142857142857143, 0.7142857142857143, 0.7777777777777778]
 */
export function* silhouetteSteps(rows: readonly ArrayLike<number>[], codes: ArrayLike<number>, clusters: number): Generator<void, number[], void> {
  const n = rows.length;
  const d = n > 0 ? rows[0].length : 0;
  const nLabels = clusters;
  const freq = new Float64Array(nLabels);
  for (let i = 0; i < n; i++) freq[codes[i]] += 1;
  // sums[i * nLabels + c]: total distance from sample i to the members of cluster c.
  const sums = new Float64Array(n * nLabels);
  for (let i = 0; i < n; i++) {
    const ri = rows[i];
    for (let j = i + 1; j < n; j++) {
      const rj = rows[j];
      let s = 0;
      for (let f = 0; f < d; f++) {
        const diff = ri[f] - rj[f];
        s += diff * diff;
      }
      const dist = Math.sqrt(s);
      sums[i * nLabels + codes[j]] += dist;
      sums[j * nLabels + codes[i]] += dist;
    }
    yield;
  }
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const own = codes[i];
    if (freq[own] === 1) {
      out[i] = 0;
      continue;
    }
    const a = sums[i * nLabels + own] / (freq[own] - 1);
    let b = Infinity;
    for (let c = 0; c < nLabels; c++) {
      if (c !== own) b = Math.min(b, sums[i * nLabels + c] / freq[c]);
    }
    const denom = Math.max(a, b);
    out[i] = denom === 0 ? 0 : (b - a) / denom;
  }
  return out;
}
