import { kmeansGenerator } from 'ml-kmeans';
import seedrandom from 'seedrandom';
import { METRICS_DEFAULTS } from './defaults.js';
import { invalidOption } from './errors.js';
import { toRows, type PointsInput, type Rows } from './points.js';

/** Options of {@link kmeans}; defaults in {@link METRICS_DEFAULTS} (`kmeans`). */
export interface KmeansOptions {
  /** Number of k-means++ initialisations; the lowest-inertia run wins. Default 10. */
  nInit?: number;
  /** Integer seed; the same seed and data give the same result. Default 0. */
  seed?: number;
  /** Most Lloyd iterations per initialisation. Default 300. */
  maxIter?: number;
  /** Convergence tolerance, relative to the mean per-feature variance. Default 1e-4. */
  tol?: number;
}

/** The result of {@link kmeans}. */
export interface KmeansResult {
  /** Cluster index (0 … k−1) of each sample: its nearest centroid. */
  labels: number[];
  /** `k` centroids, each `cols` long. */
  centroids: number[][];
  /** Sum of squared euclidean distances of the samples to their nearest centroid. */
  inertia: number;
  /** Lloyd iterations of the winning initialisation. */
  iterations: number;
  /** Inertia of every initialisation, in order; `inertia` is the smallest of them. */
  initInertias: number[];
}

/** @internal Validated k-means settings. */
export interface KmeansSettings {
  k: number;
  nInit: number;
  seed: number;
  maxIter: number;
  tol: number;
}

/** @internal The option names of k-means (evaluateEmbedding takes them too). */
export const KMEANS_KEYS: readonly (keyof KmeansOptions)[] = ['nInit', 'seed', 'maxIter', 'tol'];

/** @internal Refuses option names a function does not know, as `fitBcnmf` of `@bcnmf/core` does: a typo would silently run the default. */
export function checkOptionNames(options: object, known: readonly string[]): void {
  const unknown = Object.keys(options).filter((key) => !known.includes(key));
  if (unknown.length > 0) {
    throw invalidOption(`unknown option${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}; the options are ${known.join(', ')}`);
  }
}

function positiveInteger(value: unknown, name: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw invalidOption(`${name} must be an integer >= 1; got ${String(value)}`);
  }
  return value;
}

/** @internal Validates k against the number of samples, and the options. */
export function kmeansSettings(k: unknown, n: number, options: KmeansOptions = {}): KmeansSettings {
  if (options === null || typeof options !== 'object') throw invalidOption('options must be an object');
  const d = METRICS_DEFAULTS.kmeans;
  const kk = positiveInteger(k, 'k');
  if (kk > n) throw invalidOption(`k = ${kk} clusters but there are only ${n} samples; k must be at most the number of samples`);
  const nInit = positiveInteger(options.nInit ?? d.nInit, 'nInit');
  const maxIter = positiveInteger(options.maxIter ?? d.maxIter, 'maxIter');
  const seed = options.seed ?? d.seed;
  if (typeof seed !== 'number' || !Number.isSafeInteger(seed)) {
    throw invalidOption(`seed must be an integer; got ${String(seed)}`);
  }
  const tol = options.tol ?? d.tol;
  if (typeof tol !== 'number' || !Number.isFinite(tol) || tol < 0) {
    throw invalidOption(`tol must be a finite number >= 0; got ${String(tol)}`);
  }
  return { k: kk, nInit, seed, maxIter, tol };
}

function meanFeatureVariance({ rows, n, d }: Rows): number {
  let total = 0;
  for (let f = 0; f < d; f++) {
    let mean = 0;
    for (let i = 0; i < n; i++) mean += rows[i][f];
    mean /= n;
    let v = 0;
    for (let i = 0; i < n; i++) v += (rows[i][f] - mean) ** 2;
    total += v / n;
  }
  return total / d;
}

/** Nearest centroid of every sample (ties to the lower index) and the total squared distance. */
function assign(rows: number[][], centroids: number[][]): { labels: number[]; inertia: number } {
  const labels = new Array<number>(rows.length);
  let inertia = 0;
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i];
    let best = 0;
    let bestDist = Infinity;
    for (let c = 0; c < centroids.length; c++) {
      const centre = centroids[c];
      let s = 0;
      for (let f = 0; f < row.length; f++) {
        const diff = row[f] - centre[f];
        s += diff * diff;
      }
      if (s < bestDist) {
        bestDist = s;
        best = c;
      }
    }
    labels[i] = best;
    inertia += bestDist;
  }
  return { labels, inertia };
}

/** @internal The seed of each initialisation, derived from the user's seed. */
export function initSeeds(seed: number, nInit: number): number[] {
  const rng = seedrandom(`bcnmf-kmeans:${seed}`);
  return Array.from({ length: nInit }, () => Math.floor(rng() * 0x7fffffff));
}

/** @internal k-means on validated rows with validated settings. */
export function runKmeans(data: Rows, s: KmeansSettings): KmeansResult {
  const steps = kmeansRunSteps(data, s);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/** @internal {@link runKmeans} as steps: one yield per Lloyd iteration and after each initialisation's seeding. */
function* kmeansRunSteps(data: Rows, s: KmeansSettings): Generator<void, KmeansResult, void> {
  const tolerance = s.tol * meanFeatureVariance(data);
  let best: KmeansResult | undefined;
  const initInertias: number[] = [];
  for (const initSeed of initSeeds(s.seed, s.nInit)) {
    // ml-kmeans' own iterations, one at a time (its `kmeans` runs the same loop in one call)
    let last: { centroids: number[][]; iterations: number } | undefined;
    for (const iteration of kmeansGenerator(data.rows, s.k, {
      initialization: 'kmeans++',
      seed: initSeed,
      maxIterations: s.maxIter,
      tolerance,
    })) {
      last = iteration;
      yield;
    }
    const centroids = last!.centroids.map((c) => Array.from(c));
    // Labels from the final centroids, as scikit-learn's last E-step.
    const { labels, inertia } = assign(data.rows, centroids);
    initInertias.push(inertia);
    if (best === undefined || inertia < best.inertia) {
      best = { labels, centroids, inertia, iterations: last!.iterations, initInertias };
    }
    yield;
  }
  return best!;
}

/**
 * k-means clustering (Lloyd's algorithm, euclidean) with k-means++ initialisation, run
 * `nInit` times from seeds derived from `seed`; the run with the lowest inertia is kept
 * (the first one on ties). The iterations and the k-means++ seeding are those of the npm
 * package ml-kmeans; the final labels are each sample's nearest final centroid.
 *
 * @param points - samples × features, rows of numbers or `{ data, shape }`
 * @param k - number of clusters, 1 … rows
 * @param options - `nInit` (10), `seed` (0), `maxIter` (300), `tol` (1e-4); see {@link METRICS_DEFAULTS}
 * @throws {MetricsError} `INVALID_DATA` for empty, ragged or non-finite points;
 *   `INVALID_OPTION` for k < 1, k > rows, a bad option or an unknown option name
 *
 * @example
 * const r = kmeans([[0, 0], [0, 1], [10, 10], [10, 11]], 2, { seed: 1 });
 * r.labels; // [1, 1, 0, 0]
 * r.centroids; // [[10, 10.5], [0, 0.5]]
 * r.inertia; // 1
 */
export function kmeans(points: PointsInput, k: number, options: KmeansOptions = {}): KmeansResult {
  if (options === null || typeof options !== 'object') throw invalidOption('options must be an object');
  // here, not in kmeansSettings: evaluateEmbedding passes its own wider options there
  checkOptionNames(options, KMEANS_KEYS);
  const data = toRows(points);
  const settings = kmeansSettings(k, data.n, options);
  return runKmeans(data, settings);
}

/**
 * {@link kmeans} as a generator, for callers that must stay interruptible (the consensus
 * of thousands of topics): it yields after every Lloyd iteration and after each
 * initialisation, so the caller can give the event loop a turn between steps, and returns
 * the same result as `kmeans` with the same arguments. The points and options are checked
 * as by `kmeans`, at the first `next()`.
 *
 * @throws {MetricsError} as {@link kmeans}
 *
 * @example
 * const steps = kmeansSteps([[0, 0], [0, 1], [10, 10], [10, 11]], 2, { seed: 1 });
 * let step = steps.next();
 * while (!step.done) step = steps.next(); // (await a turn here)
 * step.value.labels; // [1, 1, 0, 0]
 */
export function* kmeansSteps(points: PointsInput, k: number, options: KmeansOptions = {}): Generator<void, KmeansResult, void> {
  if (options === null || typeof options !== 'object') throw invalidOption('options must be an object');
  checkOptionNames(options, KMEANS_KEYS);
  const data = toRows(points);
  const settings = kmeansSettings(k, data.n, options);
  return yield* kmeansRunSteps(data, settings);
}
