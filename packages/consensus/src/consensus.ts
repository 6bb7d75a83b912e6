import {
  BcnmfError,
  CsrMatrix,
  DenseMatrix,
  fitEveryStart,
  fitWithBasis,
  type BcnmfModel,
  type BcnmfOptions,
  type MatrixInput,
  type TopicFeature,
} from '@bcnmf/core';
import { CONSENSUS_DEFAULTS } from './defaults.js';
import { checkInteger, checkRange, invalidOption } from './errors.js';
import { clusterTopicsAsync, type TopicClustering } from './topics.js';

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
  /**
   * Bytes the restarts' models and the topic clustering may need ({@link consensusMemory});
   * more is refused before any fit (default 4 GiB).
   */
  memoryLimit?: number;
  /** Called when the restarts are done and their topics' clustering begins. */
  onClustering?: (info: { restarts: number; topics: number }) => void;
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

const OWN_KEYS = ['restarts', 'densityThreshold', 'neighbourFraction', 'kmeansInits', 'memoryLimit', 'onClustering'] as const;

/** The consensus's own options, checked, and the options handed to every restart. */
export function resolveConsensusOptions(options: ConsensusOptions): {
  restarts: number;
  densityThreshold: number;
  neighbourFraction: number;
  kmeansInits: number;
  memoryLimit: number;
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
  const memoryLimit = checkRange('memoryLimit', options.memoryLimit ?? CONSENSUS_DEFAULTS.memoryLimit, 0, Infinity);
  const seed = checkInteger('seed', options.seed ?? 0, 0);
  const fitOptions = Object.fromEntries(Object.entries(options).filter(([key]) => !(OWN_KEYS as readonly string[]).includes(key))) as Omit<BcnmfOptions, 'nStarts'> & { k: number };
  return { restarts, densityThreshold, neighbourFraction, kmeansInits, memoryLimit, seed, fitOptions: { ...fitOptions, k } };
}

/** The shape of a consensus, for {@link consensusMemory}. */
export interface ConsensusShape {
  restarts: number;
  k: number;
  features: number;
  /** Samples of the target and the backgrounds, all together. */
  samples: number;
  /** Score records per restart (history: maxIter / scoreEvery + 2; default 22). */
  scoreRecords?: number;
}

/**
 * About how many bytes a consensus needs, from its data structures: per restart, its
 * model (W, k x features, and the coefficients, samples x k, in float32; about 4 KB of
 * objects; 160 bytes per score record), and per restart topic, the clustering's copies
 * of it (the unit-length topic in float64, k-means' copies of the kept ones: 32 bytes
 * per feature), its record and its silhouette sums (300 + 8k bytes). The clustering
 * keeps no matrix of all pairs: its memory grows linearly with restarts x k (its time
 * with their square).
 *
 * @example
 * consensusMemory({ restarts: 20, k: 3, features: 2000, samples: 500 }).bytes; // about 4.3 MB
 */
export function consensusMemory(shape: ConsensusShape): { bytes: number; perRestart: number } {
  const { restarts, k, features, samples, scoreRecords = 22 } = shape;
  const model = 4 * k * features + 4 * samples * k + 4096 + 160 * scoreRecords;
  const clustering = k * (32 * features + 300 + 8 * k);
  const perRestart = model + clustering;
  return { bytes: perRestart * restarts, perRestart };
}

/** A byte count in words: 3.2 GB, 512 MB. */
export function formatBytes(bytes: number): string {
  if (bytes >= 1024 ** 3) return `${(bytes / 1024 ** 3).toFixed(1)} GiB`;
  if (bytes >= 1024 ** 2) return `${(bytes / 1024 ** 2).toFixed(0)} MiB`;
  return `${Math.ceil(bytes / 1024)} KiB`;
}

/** Rows and columns of a matrix input without reading it (null where that needs a read). */
function shapeOf(input: MatrixInput | null): [number, number] | null {
  if (input === null || input === undefined) return null;
  if (input instanceof DenseMatrix || input instanceof CsrMatrix) return [input.rows, input.columns];
  const value = input as unknown as { shape?: unknown; rows?: unknown; columns?: unknown };
  if (Array.isArray(value.shape) && value.shape.length === 2 && value.shape.every((v) => typeof v === 'number')) return value.shape as [number, number];
  if (typeof value.rows === 'number' && typeof value.columns === 'number') return [value.rows, value.columns];
  if (Array.isArray(input)) return [input.length, Array.isArray(input[0]) ? input[0].length : 0];
  return null;
}

/** An array of rows (one matrix), as opposed to a list of matrices. */
function isRowsInput(value: readonly unknown[]): boolean {
  return value.length === 0 || ArrayBuffer.isView(value[0]) || (Array.isArray(value[0]) && typeof value[0][0] === 'number');
}

/**
 * Refuses, before any fit, a consensus whose restarts and clustering would need more than
 * `memoryLimit` bytes ({@link consensusMemory}); the message says how much and how many
 * restarts fit.
 */
export function checkConsensusMemory(
  target: MatrixInput,
  background: MatrixInput | readonly MatrixInput[] | null,
  settings: { restarts: number; k: number; memoryLimit: number; maxIter?: number; scoreEvery?: number },
): void {
  const t = shapeOf(target);
  if (t === null) return;
  const list: readonly MatrixInput[] = background === null
    ? []
    : Array.isArray(background) && !isRowsInput(background)
      ? (background as readonly MatrixInput[])
      : [background as MatrixInput];
  let samples = t[0];
  for (const b of list) samples += shapeOf(b)?.[0] ?? 0;
  const scoreRecords = Math.ceil((settings.maxIter ?? 200) / Math.max(1, settings.scoreEvery ?? 10)) + 2;
  const shape = { restarts: settings.restarts, k: settings.k, features: t[1], samples, scoreRecords };
  const { bytes, perRestart } = consensusMemory(shape);
  if (bytes <= settings.memoryLimit) return;
  const most = Math.floor(settings.memoryLimit / perRestart);
  throw new BcnmfError(
    'TOO_LARGE',
    `a consensus of ${settings.restarts} restarts at k = ${settings.k} (${t[1]} features, ${samples} samples) needs about ${formatBytes(bytes)} ` +
      `for the restarts' models and the topic clustering, more than its limit of ${formatBytes(settings.memoryLimit)} (memoryLimit); ` +
      (most >= 2 ? `use fewer restarts: at most ${most} fit` : 'the data are too large for a consensus at this k'),
  );
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
  const { restarts, densityThreshold, neighbourFraction, kmeansInits, memoryLimit, seed, fitOptions } = resolved;
  checkConsensusMemory(target, background, { restarts, k: fitOptions.k, memoryLimit, maxIter: fitOptions.maxIter, scoreEvery: fitOptions.scoreEvery });
  const models = await fitEveryStart(target, background, { ...fitOptions, nStarts: restarts });
  const restartsDone = performance.now();
  options.onClustering?.({ restarts: models.length, topics: models.length * fitOptions.k });
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
  const clustering = await clusterTopicsAsync(
    models.map((m) => Array.from({ length: k }, (_, t) => m.W.row(t))),
    { k, densityThreshold, neighbourFraction, kmeansInits, seed },
    fitOptions.signal,
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
