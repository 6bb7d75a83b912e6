import { kmeans } from '@bcnmf/metrics';
import { fullEigenpairs } from '../linalg/symmetric-eigs.js';

/** Options of {@link spectralClustering}. */
export interface SpectralClusteringOptions {
  /** Seed of the k-means. Default 0. */
  seed?: number;
  /** k-means++ initialisations. Default 10. */
  nInit?: number;
}

/**
 * Spectral clustering of a precomputed symmetric non-negative affinity matrix into
 * `k` clusters, as scikit-learn's `SpectralClustering(affinity='precomputed')`:
 * the diagonal is ignored, the affinity is normalised `D^-1/2 A D^-1/2`, its top `k`
 * eigenvectors are divided row-wise by `sqrt(degree)` and the rows are clustered by
 * seeded k-means (k-means++ starts, from `@bcnmf/metrics`).
 *
 * @example
 * spectralClustering([[1, 1, 0, 0], [1, 1, 0, 0], [0, 0, 1, 1], [0, 0, 1, 1]], 2);
 * // [0, 0, 1, 1] or [1, 1, 0, 0]
 */
export function spectralClustering(affinity: readonly (readonly number[])[], k: number, options: SpectralClusteringOptions = {}): number[] {
  const n = affinity.length;
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) a[i * n + j] = i === j ? 0 : affinity[i][j];
  const dd = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < n; j++) s += a[i * n + j];
    dd[i] = s > 0 ? Math.sqrt(s) : 1;
  }
  const normalised = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) normalised[i * n + j] = a[i * n + j] / (dd[i] * dd[j]);
  const { vectors } = fullEigenpairs(normalised, n);
  const rows: number[][] = [];
  for (let i = 0; i < n; i++) {
    const r: number[] = [];
    for (let c = 0; c < k; c++) r.push(vectors[c][i] / dd[i]);
    rows.push(r);
  }
  return kmeans(rows, k, { nInit: options.nInit ?? 10, seed: options.seed ?? 0 }).labels;
}
