/**
 * Every default of `@bcnmf/metrics`, in one place. Options left out of a call take
 * these values.
 *
 * - `kmeans.nInit` (10): k-means++ initialisations; the run with the lowest inertia wins.
 * - `kmeans.seed` (0): integer seed; the same seed gives the same labels.
 * - `kmeans.maxIter` (300): Lloyd iterations per initialisation at most.
 * - `kmeans.tol` (1e-4): convergence tolerance relative to the data, as scikit-learn's:
 *   a run stops when no centroid moves by more than `tol × mean per-feature variance`
 *   (squared euclidean distance).
 * - `evaluate.protocol` ('raw'): k-means on the embedding as given.
 * - `evaluate.k`: the number of distinct reference labels (computed per call).
 * - `umap.nNeighbors` (15, lowered to `rows − 1` for fewer than 16 rows), `umap.minDist`
 *   (0.1), `umap.nEpochs` (0: umap-js picks: 500 epochs up to 2 500 rows, 400 up to 5 000, 300 up to 7 500, else 200).
 * - `nmi.averageMethod` ('arithmetic'), as scikit-learn's default.
 *
 * @example
 * METRICS_DEFAULTS.kmeans.nInit; // 10
 */
export const METRICS_DEFAULTS = Object.freeze({
  kmeans: Object.freeze({ nInit: 10, seed: 0, maxIter: 300, tol: 1e-4 }),
  evaluate: Object.freeze({ protocol: 'raw' as const }),
  umap: Object.freeze({ nNeighbors: 15, minDist: 0.1, nEpochs: 0 }),
  nmi: Object.freeze({ averageMethod: 'arithmetic' as const }),
});
