import { BcnmfError } from '@bcnmf/core';
import { kmeansSteps, silhouetteSteps } from '@bcnmf/metrics';
import { CONSENSUS_DEFAULTS } from './defaults.js';
import { checkInteger, checkRange, ConsensusError, invalidOption } from './errors.js';

/** Options of {@link clusterTopics}; defaults in {@link CONSENSUS_DEFAULTS}. */
export interface TopicClusteringOptions {
  /** Number of clusters (consensus topics): the k of the restarts. */
  k: number;
  /** Topics whose local density is at least this are dropped as outliers (default 0.5; 2 keeps all). */
  densityThreshold?: number;
  /** Neighbours of the local density as a fraction of the restarts, in (0, 1] (default 0.3; at least 1 neighbour). */
  neighbourFraction?: number;
  /** k-means++ starts (default 10). */
  kmeansInits?: number;
  /** Seed of k-means (default 0). */
  seed?: number;
}

/** One topic of one restart, and what the clustering made of it. */
export interface RestartTopic {
  restart: number;
  /** 0-based topic index within its restart (row of its W). */
  topic: number;
  /** Its L2 norm before normalisation (0 for a collapsed topic). */
  norm: number;
  /** Mean euclidean distance of the unit-length topic to its nearest neighbours; null for a collapsed (all-zero) topic. */
  density: number | null;
  /** Whether it passed the outlier filter (and is clustered). */
  kept: boolean;
  /** Its consensus topic (0-based), or null when dropped. */
  cluster: number | null;
  /** Its silhouette within the clustering, or null when dropped. */
  silhouette: number | null;
}

/** One consensus topic: a cluster of restart topics. */
export interface TopicCluster {
  /** 0-based consensus topic index. */
  index: number;
  /** Restart topics in it. */
  members: number;
  /** Fraction of the restarts that contribute at least one member. */
  reproducibility: number;
  /** Mean silhouette of its members. */
  silhouette: number;
  /** Median over the members of their L2 norms. */
  medianNorm: number;
}

/** What {@link clusterTopics} returns. */
export interface TopicClustering {
  /** The consensus topics, k x features: each the feature-wise median of its unit-length members, times their median norm. */
  consensus: number[][];
  /** Per cluster: members, reproducibility, silhouette. */
  clusters: TopicCluster[];
  /** Every restart topic, restart-major (restart 0's topics, then restart 1's, ...). */
  topics: RestartTopic[];
  /** Mean silhouette of the kept topics' clustering (euclidean, on unit-length topics): the stability. */
  stability: number;
  /** Neighbours used for the local density. */
  neighbours: number;
  /** Topics kept by the outlier filter, and in all. */
  kept: number;
  total: number;
  /** k-means inertia of the clustering. */
  inertia: number;
}

/** Median of values (the mean of the two middle ones for an even count), as numpy's. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Work split into steps: a generator that yields between chunks of its work (see {@link runSteps}). */
type Steps<T> = Generator<void, T, void>;

/** Runs steps to the end, synchronously. */
function runSteps<T>(steps: Steps<T>): T {
  let next = steps.next();
  while (!next.done) next = steps.next();
  return next.value;
}

/** Longest stretch of synchronous work between two turns of the event loop, in milliseconds. */
const YIELD_MS = 50;

/** Throws the signal's reason (an AbortError by default) when it has fired. */
function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw signal.reason ?? new DOMException('The consensus was aborted', 'AbortError');
}

/**
 * One turn of the event loop, so that a pending signal (Ctrl-C) reaches its handler. In
 * Node a signal is read in the poll phase; two `setImmediate`s always have one between
 * them. Elsewhere (browsers) a timer.
 */
function eventLoopTurn(): Promise<void> {
  if (typeof setImmediate === 'function') {
    return new Promise((resolveTurn) => setImmediate(() => setImmediate(resolveTurn)));
  }
  return new Promise((resolveTurn) => setTimeout(resolveTurn, 0));
}

/**
 * Runs steps to the end, letting the event loop in at least every {@link YIELD_MS}
 * milliseconds and stopping with the signal's reason as soon as it has fired.
 */
async function runStepsAsync<T>(steps: Steps<T>, signal: AbortSignal | undefined): Promise<T> {
  throwIfAborted(signal);
  let last = performance.now();
  let next = steps.next();
  while (!next.done) {
    if (performance.now() - last >= YIELD_MS) {
      await eventLoopTurn();
      throwIfAborted(signal);
      last = performance.now();
    }
    next = steps.next();
  }
  return next.value;
}

/** Sum of the `m` smallest values of `values` (which it reorders), added in increasing order. */
function sumOfSmallest(values: Float64Array, m: number): number {
  // quickselect: values[0 .. m-1] become the m smallest, then they are sorted and summed
  let lo = 0;
  let hi = values.length - 1;
  const want = m - 1;
  while (hi > lo) {
    const pivot = values[(lo + hi) >> 1];
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (values[i] < pivot) i++;
      while (values[j] > pivot) j--;
      if (i <= j) {
        const t = values[i];
        values[i] = values[j];
        values[j] = t;
        i++;
        j--;
      }
    }
    if (want <= j) hi = j;
    else if (want >= i) lo = i;
    else break;
  }
  const smallest = values.subarray(0, m).sort();
  let sum = 0;
  for (let t = 0; t < m; t++) sum += smallest[t];
  return sum;
}

/** Euclidean distance of two rows of `features` values. */
function distance(a: ArrayLike<number>, b: ArrayLike<number>, features: number): number {
  let s = 0;
  for (let f = 0; f < features; f++) s += (a[f] - b[f]) ** 2;
  return Math.sqrt(s);
}

/**
 * The local densities, one point at a time: each point's distances to the others in one
 * row (memory: one row, not the n x n matrix), a step after each point.
 */
function* densitySteps(points: readonly ArrayLike<number>[], neighbours: number): Steps<number[]> {
  const n = points.length;
  if (neighbours < 1 || neighbours > n - 1) throw invalidOption(`neighbours must be between 1 and ${n - 1} (points - 1), got ${neighbours}`);
  const features = n > 0 ? points[0].length : 0;
  const row = new Float64Array(n - 1);
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const p = points[i];
    let o = 0;
    for (let j = 0; j < n; j++) if (j !== i) row[o++] = distance(p, points[j], features);
    out[i] = sumOfSmallest(row, neighbours) / neighbours;
    yield;
  }
  return out;
}

/**
 * Local density of each point, as cNMF defines it: the mean euclidean distance to its
 * `neighbours` nearest other points (the point itself excluded, by index). Time
 * O(points² · features), memory O(points) beyond the points.
 *
 * @example
 * localDensity([[0], [1], [3]], 1); // [1, 1, 2]
 */
export function localDensity(points: readonly (readonly number[])[], neighbours: number): number[] {
  return runSteps(densitySteps(points, neighbours));
}

/**
 * Clusters the topics of several restarts into k consensus topics, as cNMF clusters the
 * spectra of its replicates (Kotliar et al., eLife 2019):
 * 1. each topic (a row of a restart's W) is scaled to unit L2 length; all-zero
 *    (collapsed) topics are dropped;
 * 2. its local density is the mean distance to its nearest neighbours, `neighbours` =
 *    max(1, floor(neighbourFraction × restarts)); topics with density >= densityThreshold
 *    are dropped as outliers;
 * 3. the kept unit-length topics are clustered by seeded k-means (k clusters);
 * 4. each consensus topic is the feature-wise median of its members, scaled by the median
 *    of their original norms (so it has the restarts' units, and coefficients fitted to it
 *    are on the scale of one restart's);
 * 5. the stability is the silhouette (euclidean) of that clustering, and each consensus
 *    topic's reproducibility the fraction of restarts with a member in it.
 * Clusters are numbered by their first member in restart order.
 *
 * @param restarts - per restart, its topics (k rows, each `features` long)
 * @throws {BcnmfError} INVALID_OPTION / INVALID_DATA for bad options or topics, before any work
 * @throws {ConsensusError} CLUSTERING_FAILED when the filter leaves k or fewer topics, or a cluster is empty
 *
 * @example
 * const r = clusterTopics([[[1, 0], [0, 1]], [[2, 0.1], [0.1, 2]]], { k: 2, densityThreshold: 2 });
 * r.clusters.map((c) => c.reproducibility); // [1, 1]
 */
export function clusterTopics(
  restarts: readonly (readonly (ArrayLike<number>)[])[],
  options: TopicClusteringOptions,
): TopicClustering {
  return runSteps(clusterSteps(restarts, options));
}

/**
 * {@link clusterTopics}, the same result, letting the event loop in at least every 50 ms
 * and stopping with the signal's reason (an AbortError by default) as soon as it has
 * fired: its pairwise steps take O((restarts · k)²) time.
 */
export async function clusterTopicsAsync(
  restarts: readonly (readonly (ArrayLike<number>)[])[],
  options: TopicClusteringOptions,
  signal?: AbortSignal,
): Promise<TopicClustering> {
  return runStepsAsync(clusterSteps(restarts, options), signal);
}

function* clusterSteps(
  restarts: readonly (readonly (ArrayLike<number>)[])[],
  options: TopicClusteringOptions,
): Steps<TopicClustering> {
  if (options === null || typeof options !== 'object') throw invalidOption('options must be an object with k');
  const k = checkInteger('k', options.k, 2);
  const densityThreshold = checkRange('densityThreshold', options.densityThreshold ?? CONSENSUS_DEFAULTS.densityThreshold, 0, Infinity);
  const neighbourFraction = checkRange('neighbourFraction', options.neighbourFraction ?? CONSENSUS_DEFAULTS.neighbourFraction, 0, 1);
  const kmeansInits = checkInteger('kmeansInits', options.kmeansInits ?? CONSENSUS_DEFAULTS.kmeansInits, 1);
  const seed = checkInteger('seed', options.seed ?? 0, 0);
  if (!Array.isArray(restarts) || restarts.length < 2) {
    throw invalidOption(`the consensus needs the topics of at least 2 restarts, got ${Array.isArray(restarts) ? restarts.length : 'none'}`);
  }
  const features = restarts[0][0]?.length ?? 0;
  restarts.forEach((topics, r) => {
    if (!Array.isArray(topics) || topics.length !== k) throw invalidOption(`restart ${r} has ${Array.isArray(topics) ? topics.length : 'no'} topics; every restart needs k = ${k}`);
    topics.forEach((topic, t) => {
      if (topic.length !== features || features === 0) throw invalidOption(`topic ${t} of restart ${r} has ${topic.length} features; every topic needs ${features} (at least 1)`);
      for (let f = 0; f < features; f++) {
        if (!Number.isFinite(topic[f]) || topic[f] < 0) {
          throw new BcnmfError('INVALID_DATA', `topic ${t} of restart ${r} has ${topic[f]} at feature ${f}; topics must be finite and non-negative`);
        }
      }
    });
  });
  const R = restarts.length;
  const neighbours = Math.max(1, Math.floor(neighbourFraction * R));

  // 1. unit length; collapsed topics out
  const topics: RestartTopic[] = [];
  const unit: Float64Array[] = [];
  const usable: number[] = [];
  for (let r = 0; r < R; r++) {
    restarts[r].forEach((topic: ArrayLike<number>, t: number) => {
      let s = 0;
      for (let f = 0; f < features; f++) s += topic[f] * topic[f];
      const norm = Math.sqrt(s);
      topics.push({ restart: r, topic: t, norm, density: null, kept: false, cluster: null, silhouette: null });
      const row = new Float64Array(features);
      if (norm > 0) for (let f = 0; f < features; f++) row[f] = topic[f] / norm;
      unit.push(row);
      if (norm > 0) usable.push(topics.length - 1);
    });
    yield;
  }
  if (usable.length <= neighbours) {
    throw new ConsensusError('CLUSTERING_FAILED', `only ${usable.length} of ${topics.length} topics are not all zero; the consensus needs more than ${neighbours} (and more than k = ${k})`);
  }

  // 2. local density and the outlier filter
  const density: number[] = yield* densitySteps(usable.map((i) => unit[i]), neighbours);
  usable.forEach((i, u) => {
    topics[i].density = density[u];
    topics[i].kept = density[u] < densityThreshold;
  });
  const kept = usable.filter((i) => topics[i].kept);
  if (kept.length <= k) {
    throw new ConsensusError(
      'CLUSTERING_FAILED',
      `the outlier filter kept ${kept.length} of ${topics.length} topics (density < ${densityThreshold}); clustering into k = ${k} needs more than k; ` +
        'raise densityThreshold (2 keeps every topic)',
    );
  }

  // 3. k-means on the kept unit-length topics
  const points = kept.map((i) => unit[i]);
  yield;
  const clustering = yield* kmeansSteps(points.map((p) => Array.from(p)), k, { nInit: kmeansInits, seed });
  // clusters numbered by their first member in restart order
  const order: number[] = [];
  for (const label of clustering.labels) if (!order.includes(label)) order.push(label);
  if (order.length < k) {
    throw new ConsensusError('CLUSTERING_FAILED', `k-means left ${k - order.length} of the k = ${k} clusters empty (${kept.length} topics kept); try another seed or a smaller k`);
  }
  const relabel = new Map(order.map((label, c) => [label, c]));
  const labels = clustering.labels.map((label) => relabel.get(label)!);
  const silhouettes: number[] = yield* silhouetteSteps(points, labels, k);
  kept.forEach((i, p) => {
    topics[i].cluster = labels[p];
    topics[i].silhouette = silhouettes[p];
  });

  // 4-5. medians, reproducibility, per-cluster silhouette
  const consensus: number[][] = [];
  const clusters: TopicCluster[] = [];
  for (let c = 0; c < k; c++) {
    const members = kept.filter((_, p) => labels[p] === c);
    const medianNorm = median(members.map((i) => topics[i].norm));
    const topic = new Array<number>(features);
    const column = new Array<number>(members.length);
    for (let f = 0; f < features; f++) {
      for (let m = 0; m < members.length; m++) column[m] = unit[members[m]][f];
      topic[f] = median(column) * medianNorm;
      if (f % 64 === 63) yield;
    }
    consensus.push(topic);
    const contributing = new Set(members.map((i) => topics[i].restart));
    clusters.push({
      index: c,
      members: members.length,
      reproducibility: contributing.size / R,
      silhouette: members.reduce((sum, i) => sum + topics[i].silhouette!, 0) / members.length,
      medianNorm,
    });
  }
  const stability = silhouettes.reduce((a, b) => a + b, 0) / silhouettes.length;
  return { consensus, clusters, topics, stability, neighbours, kept: kept.length, total: topics.length, inertia: clustering.inertia };
}
