import { getMethod, type FittedMethod } from '@bcnmf/baselines';
import type { DenseMatrix } from '@bcnmf/core';
import { evaluateEmbedding, type EvaluationProtocol } from '@bcnmf/metrics';
import type { EvaluationSpec, MethodSettings, MethodSpec, PreparedData } from './types.js';

/** Whether a method's fits run on a bcnmf backend (NMF, bcNMF), so that `--check-backend` applies. */
export function runsOnBackend(spec: MethodSpec): boolean {
  return ON_BACKEND.has(spec.method);
}

/** Largest |a − b| over the largest |b|: how far an embedding is from another of the same fit. */
export function embeddingDifference(a: DenseMatrix, b: DenseMatrix): number {
  if (a.data.length !== b.data.length) return Number.POSITIVE_INFINITY;
  let worst = 0;
  let scale = 0;
  for (let i = 0; i < a.data.length; i++) {
    worst = Math.max(worst, Math.abs(a.data[i] - b.data[i]));
    scale = Math.max(scale, Math.abs(b.data[i]));
  }
  return scale > 0 ? worst / scale : worst;
}

/** Methods whose fit takes a seed (PCA has none). */
const SEEDED = new Set(['cpca', 'nmf', 'bcnmf']);
/**
 * Methods that run on a bcnmf backend (PCA and cPCA run in float64 on the host), which
 * also take an AbortSignal (they iterate; the others are checked before and after).
 */
const ON_BACKEND = new Set(['nmf', 'bcnmf']);

/** cPCA with automatic alpha: one of its returned non-zero alphas, scored. */
export interface ReturnedAlphaRun {
  alpha: number;
  ari: number;
  /** The target embedding at this alpha that was scored (samples x components). */
  embedding: DenseMatrix;
  points: [number, number][];
  xLabel: string;
  yLabel: string;
}

/** What one method gave on one data set with one seed. */
export interface MethodRun {
  /**
   * ARI of k-means on the (protocol's) embedding against the true labels; for cPCA with
   * automatic alpha, that of the returned alpha the notebook picked, else of the best one
   * (chosen with the labels).
   */
  ari: number;
  /** Seconds of the fit (0 when a fit was reused) plus the evaluation. */
  seconds: number;
  /**
   * The target embedding that was scored (samples x components); for cPCA with automatic
   * alpha, that of the returned alpha `ari` is of (each one's is in `returned`).
   */
  embedding: DenseMatrix;
  /** The 2-D points of a scatter: the first two embedding columns, or the UMAP. */
  points: [number, number][];
  xLabel: string;
  yLabel: string;
  /** NMF's and bcNMF's basis W (topics x features). */
  basis?: DenseMatrix;
  /** A note on this run, e.g. cPCA's alpha. */
  detail: string;
  /** cPCA with automatic alpha: every returned non-zero alpha in increasing order, each scored. */
  returned?: ReturnedAlphaRun[];
  /** `--check-backend`: the same fit on the check backend, scored the same way. */
  check?: { ari: number; embeddingDifference: number };
}

/** The protocol a method's embedding is scored with. */
export function protocolOf(spec: MethodSpec, evaluation: EvaluationSpec): EvaluationProtocol {
  return spec.protocol ?? evaluation.protocol;
}

function score(embedding: DenseMatrix, labels: string[], protocol: EvaluationProtocol, evaluation: EvaluationSpec, seed: number) {
  return evaluateEmbedding(embedding, labels, {
    protocol,
    k: evaluation.k,
    nInit: evaluation.nInit,
    seed,
    ...(protocol === 'umap' ? { umap: { ...evaluation.umap, seed } } : {}),
  });
}

/**
 * Fits one method to prepared data with a seed and scores its embedding. `cache` keeps
 * fits of `fitOnce` methods (keyed by the caller's data key and the method label).
 * `execution.backend` is where NMF and bcNMF run; `execution.signal` stops them within
 * about an iteration and is checked between the steps of the others; the run then
 * rejects with the signal's reason.
 */
export async function runMethod(
  spec: MethodSpec,
  data: PreparedData,
  seed: number,
  evaluation: EvaluationSpec,
  cache?: { key: string; fits: Map<string, FittedMethod> },
  execution: { backend?: string; signal?: AbortSignal } = {},
): Promise<MethodRun> {
  const { backend, signal } = execution;
  signal?.throwIfAborted();
  const started = performance.now();
  const method = getMethod(spec.method);
  const cacheKey = cache ? `${cache.key}\u0000${spec.label}` : '';
  let fitted = spec.fitOnce && cache ? cache.fits.get(cacheKey) : undefined;
  if (fitted === undefined) {
    const options = fitOptions(spec, seed);
    if (backend !== undefined && ON_BACKEND.has(spec.method)) options.backend = backend;
    if (signal && ON_BACKEND.has(spec.method)) options.signal = signal;
    fitted = await method.fit(data.target, method.usesBackground ? data.background : null, options);
    signal?.throwIfAborted();
    if (spec.fitOnce && cache) cache.fits.set(cacheKey, fitted);
  }
  const run = scoreFit(spec, fitted, data.labels, seed, evaluation);
  run.seconds = (performance.now() - started) / 1000;
  return run;
}

/**
 * Scores a fit's embedding against the labels (cPCA with automatic alpha: at every
 * returned non-zero alpha). `seconds` is left 0 for the caller to set.
 */
export function scoreFit(spec: MethodSpec, fitted: FittedMethod, labels: string[], seed: number, evaluation: EvaluationSpec): MethodRun {
  const protocol = protocolOf(spec, evaluation);
  const view = (embedding: DenseMatrix) => {
    const result = score(embedding, labels, protocol, evaluation, seed);
    const axis = spec.method === 'pca' || spec.method === 'cpca' ? 'PC' : 'H';
    return { ari: result.ari, embedding, ...pointsOf(embedding, result.umapCoordinates, spec.label, axis) };
  };
  const main = spec.method === 'cpca' && spec.options.alpha === 'auto' ? undefined : view(fitted.embedding);
  const run: MethodRun = {
    ari: main?.ari ?? Number.NaN,
    seconds: 0,
    embedding: main?.embedding ?? fitted.embedding,
    points: main?.points ?? [],
    xLabel: main?.xLabel ?? '',
    yLabel: main?.yLabel ?? '',
    detail: '',
  };
  if ((spec.method === 'bcnmf' || spec.method === 'nmf') && fitted.components) run.basis = fitted.components;
  if (spec.method === 'cpca') {
    const model = fitted as FittedMethod & { alpha: number; alphas?: number[]; result?: (a: number) => { embedding: DenseMatrix } };
    if (main) {
      run.detail = `α=${formatAlpha(model.alpha)}`;
    } else {
      const returned = (model.alphas ?? []).filter((a) => a > 0);
      run.returned = returned.map((alpha) => ({ alpha, ...view(model.result!(alpha).embedding) }));
      run.detail = `returned α ${returned.map(formatAlpha).join(', ') || 'none but 0'}`;
      const shown = chosenReturned(run.returned, spec.pick?.rank);
      if (shown) Object.assign(run, { ari: shown.ari, embedding: shown.embedding, points: shown.points, xLabel: shown.xLabel, yLabel: shown.yLabel });
    }
  }
  return run;
}

/** The options a method's fit gets for a seed: the spec's, with the seed for the seeded methods. */
export function fitOptions(spec: MethodSpec, seed: number): Record<string, unknown> {
  return SEEDED.has(spec.method) ? { ...spec.options, seed } : { ...spec.options };
}

/** The returned alpha a figure shows: the notebook's pick (1-based rank) when there is one and it was returned, else the best ARI. */
export function chosenReturned(returned: readonly ReturnedAlphaRun[], rank?: number): ReturnedAlphaRun | undefined {
  if (returned.length === 0) return undefined;
  if (rank !== undefined && returned[rank - 1]) return returned[rank - 1];
  return returned.reduce((best, r) => (r.ari > best.ari ? r : best));
}

function pointsOf(e: DenseMatrix, umap: number[][] | undefined, label: string, axis: string): { points: [number, number][]; xLabel: string; yLabel: string } {
  if (umap) return { points: umap.map((p) => [p[0], p[1]]), xLabel: 'UMAP 1', yLabel: 'UMAP 2' };
  return {
    points: Array.from({ length: e.rows }, (_, i) => [e.get(i, 0), e.columns > 1 ? e.get(i, 1) : 0]),
    xLabel: `${label} ${axis}1`,
    yLabel: e.columns > 1 ? `${label} ${axis}2` : '(none)',
  };
}

/** An alpha in 3 significant digits. */
export function formatAlpha(alpha: number): string {
  return alpha === 0 ? '0' : Number(alpha.toPrecision(3)).toString();
}

function settingValue(v: unknown): string | number | boolean | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') return v;
  return JSON.stringify(v);
}

/** The settings of each method, for the report: its options as given and a one-line description. */
export function describeMethods(specs: MethodSpec[], evaluation: EvaluationSpec): MethodSettings[] {
  return specs.map((spec) => {
    const o = spec.options;
    const parts: string[] = [];
    switch (spec.method) {
      case 'bcnmf':
        parts.push(`K=${o.k}`, `alpha=${o.alpha}`, `${o.loss ?? 'frobenius'} loss`, `${o.maxIter} iterations${o.tol === 0 ? ' (tol 0: all run)' : ` (tol ${o.tol ?? 1e-4})`}`);
        if (o.damping !== undefined) parts.push(`damping ${o.damping}`);
        parts.push(`init ${o.init ?? 'random'}`, `${o.nStarts ?? 1} start(s)`);
        break;
      case 'nmf':
        parts.push(`K=${o.nComponents}`, `${o.loss ?? 'frobenius'} loss`, `${o.maxIter} iterations${o.tol === 0 ? ' (tol 0: all run)' : ` (tol ${o.tol ?? 1e-4})`}`);
        if (o.damping !== undefined) parts.push(`damping ${o.damping}`);
        parts.push(`init ${o.init ?? 'random'}`);
        break;
      case 'pca':
        parts.push(`${o.nComponents ?? 2} components`, o.scale ? 'standardised (as StandardScaler)' : 'centred, not scaled', `solver ${o.method ?? 'auto'}`);
        break;
      case 'cpca':
        parts.push(
          `${o.nComponents ?? 2} components`,
          o.alpha === 'auto' || o.alpha === undefined
            ? `alpha automatic (spectral selection, seeded, over {0} ∪ ${o.nAlphas ?? 40} log-spaced candidates 0.1..${10 ** Number(o.maxLogAlpha ?? 3)}; ` +
              `every returned non-zero alpha is scored, one row each, and the best one is marked "chosen with labels"${spec.pick ? `; ${spec.pick.note}` : ''})`
            : `alpha=${o.alpha} (fixed)`,
          o.standardize === false ? 'not standardised' : 'standardised',
          o.preprocessPcaDim === null ? 'no pre-projection' : `pre-projection onto ${o.preprocessPcaDim ?? 1000} PCs above that many features`,
        );
        break;
    }
    if (spec.fitOnce) parts.push('fitted once (seed-independent), k-means per seed');
    const protocol = protocolOf(spec, evaluation);
    const options: Record<string, string | number | boolean | null> = {};
    for (const [key, value] of Object.entries(o)) options[key] = settingValue(value);
    return { label: spec.label, method: spec.method, options, protocol, text: parts.join(', ') };
  });
}
