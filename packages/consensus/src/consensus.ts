import {
  fitEveryStart,
  fitWithBasis,
  type BcnmfModel,
  type BcnmfOptions,
  type MatrixInput,
  type TopicFeature,
} from '@bcnmf/core';
import { CONSENSUS_DEFAULTS } from './defaults.js';
import { checkInteger, checkRange, invalidOption } from './errors.js';
import { clusterTopics, type TopicClustering } from './topics.js';

/**
 * Options of {@link consensusBcnmf}: bcNMF's own options (k, alpha, loss, maxIter, tol,
 * seed, backend, ...) for every restart, without those that the restarts set themselves,
 * and the consensus's. Defaults: {@link CONSENSUS_DEFAULTS}.
 */
export interface ConsensusOptions extends Omit<BcnmfOptions, 'k' | 'nStarts' | 'init' | 'batchSize' | 'shuffle'> {
  /** Topics per restart, and consensus topics (at least 2: the stability is a silhouette). */
  k: number;
  /** Restarts (random starts; restart r is start r of `fitEveryStart` with `seed`), at least 2. Default 20. */
  restarts?: number;
  /** Outlier filter: topics whose local density is at least this are dropped (default 0.5; 2 keeps every topic). */
  densityThreshold?: number;
  /** Neighbours of the local density, as a fraction of the restarts (default 0.3). */
  neighbourFraction?: number;
  /** k-means++ starts of the topic clustering (default 10). */
  kmeansInits?: number;
}

/** How one restart ended. */
export interface RestartSummary {
  restart: number;
  /** Its final tracked score. */
  score: number;
  targetError: number;
  /** The (first) background's error. */
  backgroundError: number | null;
  iterations: number;
  converged: boolean;
}

/** One consensus topic: its cluster of restart topics and where the consensus model uses it. */
export interface ConsensusTopic {
  index: number;
  /** `topic_1`, `topic_2`, ... (rows of the consensus W). */
  topic: string;
  /** Restart topics in its cluster. */
  members: number;
  /** Fraction of the restarts that contribute a member. */
  reproducibility: number;
  /** Mean silhouette of its members. */
  silhouette: number;
  /** Mean coefficient of the target samples in the consensus model. */
  targetMean: number;
  /** Mean coefficient of the background samples (all backgrounds); null without one. */
  backgroundMean: number | null;
  /** log2(targetMean / backgroundMean); null without a background. */
  enrichment: number | null;
  /** Its features with the largest weights. */
  topFeatures: TopicFeature[];
}

/** What {@link consensusBcnmf} returns. */
export interface ConsensusResult {
  /** The consensus model: W = the consensus topics, coefficients fitted with W fixed. */
  model: BcnmfModel;
  /** The silhouette of the topic clustering, in [-1, 1]: how reproducible the programs are. */
  stability: number;
  /** Per consensus topic. */
  topics: ConsensusTopic[];
  /** The topic clustering: every restart topic, its density, cluster and silhouette. */
  clustering: TopicClustering;
  /** How each restart ended. */
  restarts: RestartSummary[];
  /** The consensus model's errors and tracked score (MSE_X − α·MSE_Y for Frobenius). */
  targetError: number;
  backgroundError: number | null;
  backgroundErrors: number[];
  score: number;
  /** The largest enrichment over the consensus topics (the most target-specific one); null without a background. */
  topEnrichment: number | null;
  settings: {
    k: number;
    alphas: number[];
    restarts: number;
    seed: number;
    densityThreshold: number;
    neighbourFraction: number;
    kmeansInits: number;
  };
  /** Wall-clock seconds of the restarts, the clustering, the coefficient fit, and in all. */
  seconds: { restarts: number; clustering: number; refit: number; total: number };
}

const OWN_KEYS = ['restarts', 'densityThreshold', 'neighbourFraction', 'kmeansInits'] as const;

/** The consensus's own options, checked, and the options handed to every restart. */
export function resolveConsensusOptions(options: ConsensusOptions): {
  restarts: number;
  densityThreshold: number;
  neighbourFraction: number;
  kmeansInits: number;
  seed: number;
  fitOptions: Omit<BcnmfOptions, 'nStarts'> & { k: number };
} {
  if (options === null || typeof options !== 'object') throw invalidOption('options must be an object with at least k');
  for (const key of ['nStarts', 'init', 'batchSize', 'shuffle']) {
    if (key in options && (options as unknown as Record<string, unknown>)[key] !== undefined) {
      throw invalidOption(`${key} does not apply to a consensus (its restarts are ${key === 'nStarts' ? '`restarts`' : 'random starts of full-batch fits'})`);
    }
  }
  const k = checkInteger('k', options.k, 2);
  const restarts = checkInteger('restarts', options.restarts ?? CONSENSUS_DEFAULTS.restarts, 2);
  const densityThreshold = checkRange('densityThreshold', options.densityThreshold ?? CONSENSUS_DEFAULTS.densityThreshold, 0, Infinity);
  const neighbourFraction = checkRange('neighbourFraction', options.neighbourFraction ?? CONSENSUS_DEFAULTS.neighbourFraction, 0, 1);
  const kmeansInits = checkInteger('kmeansInits', options.kmeansInits ?? CONSENSUS_DEFAULTS.kmeansInits, 1);
  const seed = checkInteger('seed', options.seed ?? 0, 0);
  const fitOptions = Object.fromEntries(Object.entries(options).filter(([key]) => !(OWN_KEYS as readonly string[]).includes(key))) as Omit<BcnmfOptions, 'nStarts'> & { k: number };
  return { restarts, densityThreshold, neighbourFraction, kmeansInits, seed, fitOptions: { ...fitOptions, k } };
}

/**
 * Consensus bcNMF, as consensus NMF (cNMF; Kotliar et al., eLife 2019) does it for NMF:
 * `restarts` fits of bcNMF from different random starts (one upload of the data for all,
 * through core's `fitEveryStart`); their topics (rows of W) clustered into k groups
 * ({@link clusterTopics}: unit length, outliers dropped by local density, seeded
 * k-means); the consensus W = each group's median; then the coefficients of target and
 * background fitted once with that W fixed (core's `fitWithBasis`, the same iteration
 * loop). The stability is the silhouette of the topic clustering; each consensus topic
 * carries its reproducibility (the fraction of restarts that contribute a member).
 *
 * The same data, options and seed give the same result (on the same backend). Options
 * and data are checked before any work; bad input throws core's `BcnmfError`.
 *
 * @example
 * const result = await consensusBcnmf(target, background, { k: 3, alpha: 1, restarts: 10, seed: 0 });
 * result.stability;                            // e.g. 0.93
 * result.topics.map((t) => t.reproducibility); // e.g. [1, 1, 0.9]
 * result.model.W.shape;                        // [3, features]
 */
export async function consensusBcnmf(
  target: MatrixInput,
  background: MatrixInput | readonly MatrixInput[] | null,
  options: ConsensusOptions,
): Promise<ConsensusResult> {
  const started = performance.now();
  const resolved = resolveConsensusOptions(options);
  const { restarts, densityThreshold, neighbourFraction, kmeansInits, seed, fitOptions } = resolved;
  const models = await fitEveryStart(target, background, { ...fitOptions, nStarts: restarts });
  const restartsDone = performance.now();
  return consensusOfRestarts(target, background, models, {
    densityThreshold, neighbourFraction, kmeansInits, seed, fitOptions, started, restartsDone,
  });
}

/** The consensus from the restarts' models: clustering, then the coefficient fit with the consensus W. */
export async function consensusOfRestarts(
  target: MatrixInput,
  background: MatrixInput | readonly MatrixInput[] | null,
  models: readonly BcnmfModel[],
  settings: {
    densityThreshold: number;
    neighbourFraction: number;
    kmeansInits: number;
    seed: number;
    fitOptions: Omit<BcnmfOptions, 'nStarts'> & { k: number };
    started: number;
    restartsDone: number;
  },
): Promise<ConsensusResult> {
  const { densityThreshold, neighbourFraction, kmeansInits, seed, fitOptions } = settings;
  const k = fitOptions.k;
  const clustering = clusterTopics(
    models.map((m) => Array.from({ length: k }, (_, t) => m.W.row(t))),
    { k, densityThreshold, neighbourFraction, kmeansInits, seed },
  );
  const clustered = performance.now();
  const features = models[0].W.columns;
  const basis = {
    data: Float32Array.from(clustering.consensus.flat()),
    shape: [k, features] as [number, number],
  };
  const { k: _k, onProgress: _onProgress, ...refitOptions } = fitOptions;
  const model = await fitWithBasis(target, background as MatrixInput | readonly MatrixInput[] | null, {
    ...refitOptions,
    basis: models[0].featureNames ? { ...basis, columnNames: models[0].featureNames } : basis,
  });
  const refitted = performance.now();
  const summaries = model.topics({ top: 10 });
  const last = model.history[model.history.length - 1];
  const topics: ConsensusTopic[] = clustering.clusters.map((c, t) => ({
    index: t,
    topic: summaries[t].topic,
    members: c.members,
    reproducibility: c.reproducibility,
    silhouette: c.silhouette,
    targetMean: summaries[t].targetMean,
    backgroundMean: summaries[t].backgroundMean,
    enrichment: summaries[t].enrichment,
    topFeatures: summaries[t].topFeatures,
  }));
  const enrichments = topics.map((t) => t.enrichment).filter((e): e is number => e !== null);
  return {
    model,
    stability: clustering.stability,
    topics,
    clustering,
    restarts: models.map((m, r) => {
      const end = m.history[m.history.length - 1];
      return { restart: r, score: m.finalScore, targetError: end.targetError, backgroundError: end.backgroundError, iterations: m.iterations, converged: m.converged };
    }),
    targetError: last.targetError,
    backgroundError: last.backgroundError,
    backgroundErrors: [...last.backgroundErrors],
    score: last.score,
    topEnrichment: enrichments.length > 0 ? Math.max(...enrichments) : null,
    settings: {
      k,
      alphas: [...model.settings.alphas],
      restarts: models.length,
      seed,
      densityThreshold,
      neighbourFraction,
      kmeansInits,
    },
    seconds: {
      restarts: (settings.restartsDone - settings.started) / 1000,
      clustering: (clustered - settings.restartsDone) / 1000,
      refit: (refitted - clustered) / 1000,
      total: (refitted - settings.started) / 1000,
    },
  };
}
