import { adjustedRandIndex } from './ari.js';
import { METRICS_DEFAULTS } from './defaults.js';
import { invalidOption } from './errors.js';
import { checkOptionNames, KMEANS_KEYS, kmeansSettings, runKmeans, type KmeansOptions } from './kmeans.js';
import { checkLabelsForRows, encodeLabels, type Label } from './labels.js';
import { normalizedMutualInfo } from './nmi.js';
import { normalizeRows } from './normalize.js';
import { toRows, type PointsInput } from './points.js';
import { runUmap, umapSettings, type UmapOptions } from './umap.js';

/**
 * How an embedding is clustered before it is compared with the reference labels:
 * - `'raw'`: k-means on the embedding as given;
 * - `'row-normalized'`: k-means on the embedding with each row divided by its sum
 *   (a zero row stays zero);
 * - `'umap'`: k-means on a seeded two-dimensional UMAP of the embedding as given.
 */
export type EvaluationProtocol = 'raw' | 'row-normalized' | 'umap';

/** The protocols that {@link evaluateEmbedding} knows. */
export const EVALUATION_PROTOCOLS: readonly EvaluationProtocol[] = Object.freeze(['raw', 'row-normalized', 'umap']);

/** Options of {@link evaluateEmbedding}; defaults in {@link METRICS_DEFAULTS}. */
export interface EvaluateOptions extends KmeansOptions {
  /** How the embedding is clustered. Default `'raw'`. */
  protocol?: EvaluationProtocol;
  /** Number of k-means clusters. Default: the number of distinct reference labels. */
  k?: number;
  /** UMAP settings of the `'umap'` protocol; its seed defaults to `seed`. */
  umap?: UmapOptions;
}

/** The result of {@link evaluateEmbedding}. */
export interface EvaluationResult {
  /** The protocol that was run. */
  protocol: EvaluationProtocol;
  /** Adjusted Rand index of the k-means clusters against the reference labels. */
  ari: number;
  /** Normalized mutual information (arithmetic) of the same two labelings. */
  nmi: number;
  /** The number of clusters used. */
  k: number;
  /** k-means cluster (0 … k−1) of each row. */
  clusterLabels: number[];
  /** The k-means inertia, in the space that was clustered. */
  inertia: number;
  /** For the `'umap'` protocol only: the 2-D UMAP coordinates that were clustered. */
  umapCoordinates?: number[][];
}

/**
 * Scores an embedding (e.g. the sample loadings of a factorization) against reference
 * labels: clusters it with seeded k-means ({@link kmeans}) under one of the
 * {@link EVALUATION_PROTOCOLS} and compares the clusters with the labels by ARI (and NMI).
 * All input is checked before any work.
 *
 * @param embedding - samples × components, rows of numbers or `{ data, shape }`
 * @param labels - reference label of each row, numbers or strings
 * @param options - `protocol` ('raw'), `k` (distinct labels), `nInit` (10), `seed` (0),
 *   `maxIter` (300), `tol` (1e-4), `umap` ({ nNeighbors: 15, minDist: 0.1 })
 * @throws {MetricsError} `INVALID_DATA` for bad or empty points or labels, mismatched
 *   lengths or a non-zero row summing to 0 (row-normalized); `INVALID_OPTION` for an
 *   unknown protocol, k < 1, more clusters than rows or another bad option
 *
 * @example
 * const r = evaluateEmbedding([[1, 0], [0.9, 0.1], [0, 1], [0.1, 0.9]], ['a', 'a', 'b', 'b'],
 *   { protocol: 'row-normalized', seed: 1 });
 * r.ari; // 1
 * r.k; // 2
 */
export function evaluateEmbedding(
  embedding: PointsInput,
  labels: ArrayLike<Label>,
  options: EvaluateOptions = {},
): EvaluationResult {
  if (options === null || typeof options !== 'object') throw invalidOption('options must be an object');
  checkOptionNames(options, ['protocol', 'k', 'umap', ...KMEANS_KEYS]);
  const protocol = options.protocol ?? METRICS_DEFAULTS.evaluate.protocol;
  if (!EVALUATION_PROTOCOLS.includes(protocol)) {
    throw invalidOption(
      `unknown protocol ${JSON.stringify(protocol)}; known protocols: ${EVALUATION_PROTOCOLS.map((p) => `'${p}'`).join(', ')}`,
    );
  }
  const data = toRows(embedding, 'embedding');
  checkLabelsForRows(labels, data.n);
  const nClasses = encodeLabels(labels).values.length;
  const settings = kmeansSettings(options.k ?? nClasses, data.n, options);
  const umap = protocol === 'umap' ? umapSettings(options.umap, data.n, settings.seed) : undefined;

  let space = data;
  let umapCoordinates: number[][] | undefined;
  if (protocol === 'row-normalized') {
    space = normalizeRows(data);
  } else if (umap !== undefined) {
    umapCoordinates = runUmap(data, umap);
    space = { rows: umapCoordinates, n: data.n, d: 2 };
  }
  const clusters = runKmeans(space, settings);
  const result: EvaluationResult = {
    protocol,
    ari: adjustedRandIndex(labels, clusters.labels),
    nmi: normalizedMutualInfo(labels, clusters.labels),
    k: settings.k,
    clusterLabels: clusters.labels,
    inertia: clusters.inertia,
  };
  if (umapCoordinates !== undefined) result.umapCoordinates = umapCoordinates;
  return result;
}
