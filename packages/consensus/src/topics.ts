import { BcnmfError } from '@bcnmf/core';
import { kmeans, silhouetteSamples } from '@bcnmf/metrics';
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

/**
 * Local density of each point, as cNMF defines it: the mean euclidean distance to its
 * `neighbours` nearest other points (the point itself excluded, by index).
 *
 * @example
 * localDensity([[0], [1], [3]], 1); // [1, 1, 2]
 */
export function localDensity(points: readonly (readonly number[])[], neighbours: number): number[] {
  const n = points.length;
  if (neighbours < 1 || neighbours > n - 1) throw invalidOption(`neighbours must be between 1 and ${n - 1} (points - 1), got ${neighbours}`);
  const distances = Array.from({ length: n }, () => new Float64Array(n));
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      let s = 0;
      for (let f = 0; f < points[i].length; f++) s += (points[i][f] - points[j][f]) ** 2;
      distances[i][j] = distances[j][i] = Math.sqrt(s);
    }
  }
  return distances.map((row, i) => {
    const others = Array.from(row).filter((_, j) => j !== i).sort((a, b) => a - b);
    let sum = 0;
    for (let t = 0; t < neighbours; t++) sum += others[t];
    return sum / neighbours;
  });
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
  const unit: number[][] = [];
  const usable: number[] = [];
  restarts.forEach((list, r) => list.forEach((topic: ArrayLike<number>, t: number) => {
    let s = 0;
    for (let f = 0; f < features; f++) s += topic[f] * topic[f];
    const norm = Math.sqrt(s);
    topics.push({ restart: r, topic: t, norm, density: null, kept: false, cluster: null, silhouette: null });
    unit.push(Array.from({ length: features }, (_, f) => (norm > 0 ? topic[f] / norm : 0)));
    if (norm > 0) usable.push(topics.length - 1);
  }));
  if (usable.length <= neighbours) {
    throw new ConsensusError('CLUSTERING_FAILED', `only ${usable.length} of ${topics.length} topics are not all zero; the consensus needs more than ${neighbours} (and more than k = ${k})`);
  }

  // 2. local density and the outlier filter
  const density = localDensity(usable.map((i) => unit[i]), neighbours);
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
  const clustering = kmeans(points, k, { nInit: kmeansInits, seed });
  // clusters numbered by their first member in restart order
  const order: number[] = [];
  for (const label of clustering.labels) if (!order.includes(label)) order.push(label);
  if (order.length < k) {
    throw new ConsensusError('CLUSTERING_FAILED', `k-means left ${k - order.length} of the k = ${k} clusters empty (${kept.length} topics kept); try another seed or a smaller k`);
  }
  const relabel = new Map(order.map((label, c) => [label, c]));
  const labels = clustering.labels.map((label) => relabel.get(label)!);
  const silhouettes = silhouetteSamples(points, labels);
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
    consensus.push(Array.from({ length: features }, (_, f) => median(members.map((i) => unit[i][f])) * medianNorm));
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
