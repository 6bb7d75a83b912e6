import * as tf from '@tensorflow/tfjs-core';
import { defaultBackendChain, useFirstAvailableBackend } from './backend/registry.js';
import { resolveOps } from './compute/plain-ops.js';
import type { ComputeOps } from './compute/ops.js';
import { disposeData, uploadMatrix } from './compute/data-tensor.js';
import { computeScores, scoreConstants, type ScoreConstants, type ScoreRecord } from './compute/score.js';
import { step, type DataTensors, type FactorState, type StepParams } from './compute/updates.js';
import { BcnmfError } from './errors.js';
import { initialFactors } from './init/initial-factors.js';
import type { MatrixInput } from './matrix/convert.js';
import { DenseMatrix } from './matrix/dense-matrix.js';
import { BcnmfModel, type StartSummary } from './model/model.js';
import { resolveOptions, type BcnmfOptions, type ResolvedOptions } from './options.js';
import { estimateFitBytes, prepareData, type PreparedData } from './prepare.js';
import type { BackendAdapter } from './backend/adapter.js';
import { isBatchSource, type BatchSource } from './matrix/batch-source.js';
import { minibatchSize, prepareMinibatch, runMinibatchStart } from './minibatch.js';

/** Throws the signal's reason (an AbortError by default) when it has fired. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (!signal?.aborted) return;
  throw signal.reason ?? new DOMException('The fit was aborted', 'AbortError');
}

/**
 * Relative change of the tracked score between two checks. The denominator takes the
 * larger magnitude of the two, so a score crossing zero (MSE_X − α MSE_Y can) does not
 * look converged or explode.
 */
export function relativeChange(previous: number, current: number): number {
  const scale = Math.max(Math.abs(previous), Math.abs(current), 1e-300);
  return Math.abs(current - previous) / scale;
}

/** True when `a` is a better tracked score than `b` for `loss`. */
export function isBetterScore(loss: ResolvedOptions['loss'], a: number, b: number): boolean {
  if (!Number.isFinite(a)) return false;
  if (!Number.isFinite(b)) return true;
  return loss === 'frobenius' ? a < b : a > b;
}

function disposeState(state: FactorState | null): void {
  if (!state) return;
  tf.dispose([state.basis, state.targetCoefficients, ...state.backgroundCoefficients]);
}

/** A row of a matrix given as an array of rows (as opposed to a matrix in a list). */
function isRow(value: unknown): boolean {
  return ArrayBuffer.isView(value) || (Array.isArray(value) && (value.length === 0 || typeof value[0] === 'number'));
}

/**
 * The backgrounds as a list: null → none; an array of matrices → each; anything else
 * (including an array of rows) → one.
 */
export function backgroundList(
  background: MatrixInput | BatchSource | readonly (MatrixInput | BatchSource)[] | null | undefined,
): (MatrixInput | BatchSource)[] {
  if (background === null || background === undefined) return [];
  if (Array.isArray(background) && background.length > 0 && !background.some(isRow)) {
    return [...background] as (MatrixInput | BatchSource)[];
  }
  return [background as MatrixInput | BatchSource];
}

interface StartResult {
  basis: Float32Array;
  targetCoefficients: Float32Array;
  backgroundCoefficients: Float32Array[];
  history: ScoreRecord[];
  iterations: number;
  converged: boolean;
  score: number;
}

async function runStart(
  start: number,
  ops: ComputeOps,
  prepared: PreparedData,
  data: DataTensors,
  options: ResolvedOptions,
  constants: ScoreConstants,
  startedAt: number,
  warn: (message: string) => void,
): Promise<StartResult> {
  const params: StepParams = { loss: options.loss, alphas: options.alphas, eps: options.eps, damping: options.damping };
  let state: FactorState | null = null;
  try {
    const initial = await initialFactors(ops, prepared.init, data, prepared.k, options.seed, start);
    state = initial.state;
    if (initial.zeros > 0) {
      warn(`nndsvd left ${initial.zeros} zeros in the initial factors; multiplicative updates cannot change them (init 'nndsvda' fills them)`);
    }
    const score = async (iteration: number): Promise<ScoreRecord> => {
      const record = await computeScores(ops, iteration, state!, data, options.loss, options.alphas, options.eps, constants);
      options.onProgress?.({
        ...record,
        start,
        nStarts: options.nStarts,
        maxIter: options.maxIter,
        elapsedMs: performance.now() - startedAt,
      });
      return record;
    };
    const history: ScoreRecord[] = [await score(0)];
    let iterations = 0;
    let converged = false;
    while (iterations < options.maxIter) {
      throwIfAborted(options.signal);
      const next: FactorState = step(ops, state, data, params);
      disposeState(state);
      state = next;
      iterations++;
      if (iterations % options.scoreEvery !== 0 && iterations !== options.maxIter) continue;
      const record = await score(iterations);
      const previous = history[history.length - 1].score;
      history.push(record);
      if (!Number.isFinite(record.score)) {
        warn(`start ${start} diverged at iteration ${iterations} (score ${record.score}); try a smaller alpha or damping < 1`);
        break;
      }
      if (options.tol > 0 && relativeChange(previous, record.score) <= options.tol) {
        converged = true;
        break;
      }
    }
    const [basis, targetCoefficients, ...backgroundCoefficients] = (await Promise.all(
      [state.basis, state.targetCoefficients, ...state.backgroundCoefficients].map((t) => t.data()),
    )) as Float32Array[];
    return {
      basis,
      targetCoefficients,
      backgroundCoefficients,
      history,
      iterations,
      converged,
      score: history[history.length - 1].score,
    };
  } finally {
    disposeState(state);
  }
}

/**
 * Fits background-contrastive NMF: one non-negative basis W shared by the target X and
 * the background Y, with coefficients for each, by the multiplicative updates of
 * ALGORITHM.md §2 (Frobenius) or §3 (Poisson) in the reference's order. Data are
 * samples x features. `background` null fits plain NMF of the target (alpha must be 0);
 * an array of backgrounds, each with its own alpha (`alpha: [a1, a2]`), pushes W away
 * from each of them: W's update sums their terms, and each keeps its coefficients.
 *
 * Everything is checked before any work starts; bad input throws a `BcnmfError`.
 *
 * @example
 * const model = await fitBcnmf(target, background, { k: 2, alpha: 1, seed: 0 });
 * model.W.shape;        // [2, features]
 * model.Htarget.shape;  // [target samples, 2]
 * model.topics({ top: 5 })[0].enrichment; // log2(target / background loading) of topic 1
 */
export async function fitBcnmf(
  target: MatrixInput | BatchSource,
  background: MatrixInput | BatchSource | readonly (MatrixInput | BatchSource)[] | null,
  options: BcnmfOptions,
): Promise<BcnmfModel> {
  const startedAt = performance.now();
  const backgrounds = backgroundList(background);
  const resolved = resolveOptions(options, backgrounds.length);
  throwIfAborted(resolved.signal);
  const warnings: string[] = [];
  const warn = (message: string): void => {
    warnings.push(message);
    resolved.onWarning(message);
  };
  const { name: backend, adapter } = await useFirstAvailableBackend(
    resolved.backendIsDefault ? await defaultBackendChain() : [resolved.backend],
    warn,
  );
  const ops = resolveOps(adapter.ops);
  const minibatch = resolved.batchSize !== undefined || isBatchSource(target) || backgrounds.some(isBatchSource);
  const run = minibatch
    ? await fitInMinibatches(target, backgrounds, resolved, adapter, backend, ops, startedAt, warn)
    : await fitFullBatch(target as MatrixInput, backgrounds as MatrixInput[], resolved, adapter, backend, ops, startedAt, warn);
  const { kept, starts, bestStart, k, shapes } = run;
  const topicNames = Array.from({ length: k }, (_, t) => `topic_${t + 1}`);
  const features = shapes.columns;
  return new BcnmfModel({
    W: new DenseMatrix({ data: kept.basis, shape: [k, features], rowNames: topicNames, columnNames: shapes.featureNames }),
    Htarget: new DenseMatrix({
      data: kept.targetCoefficients,
      shape: [shapes.rows[0], k],
      rowNames: shapes.rowNames[0],
      columnNames: topicNames,
    }),
    Hbackgrounds: kept.backgroundCoefficients.map((values, b) => new DenseMatrix({
      data: values,
      shape: [shapes.rows[b + 1], k],
      rowNames: shapes.rowNames[b + 1],
      columnNames: topicNames,
    })),
    history: kept.history,
    iterations: kept.iterations,
    converged: kept.converged,
    wallTimeMs: performance.now() - startedAt,
    starts,
    bestStart,
    warnings,
    settings: {
      k,
      alpha: resolved.alpha,
      alphas: resolved.alphas,
      loss: resolved.loss,
      maxIter: resolved.maxIter,
      tol: resolved.tol,
      scoreEvery: resolved.scoreEvery,
      seed: resolved.seed,
      nStarts: resolved.nStarts,
      damping: resolved.damping,
      eps: resolved.eps,
      init: typeof resolved.init === 'string' ? resolved.init : 'custom',
      backend,
      ...(minibatch ? { batchSize: run.batchSize } : {}),
    },
  });
}

/** What either way of fitting hands to the model. */
interface FitRun {
  kept: StartResult;
  starts: StartSummary[];
  bestStart: number;
  k: number;
  batchSize?: number;
  shapes: {
    columns: number;
    featureNames: readonly string[] | undefined;
    /** Rows of the target, then of each background. */
    rows: number[];
    rowNames: (readonly string[] | undefined)[];
  };
}

/** Runs every start and keeps the best. */
async function bestOfStarts(nStarts: number, loss: ResolvedOptions['loss'], run: (start: number) => Promise<StartResult>) {
  let best: StartResult | null = null;
  let bestStart = 0;
  const starts: StartSummary[] = [];
  for (let start = 0; start < nStarts; start++) {
    const result = await run(start);
    starts.push({ start, score: result.score, iterations: result.iterations, converged: result.converged });
    if (best === null || isBetterScore(loss, result.score, best.score)) {
      best = result;
      bestStart = start;
    }
  }
  return { kept: best!, starts, bestStart };
}

async function fitFullBatch(
  target: MatrixInput,
  backgrounds: MatrixInput[],
  resolved: ResolvedOptions,
  adapter: BackendAdapter,
  backend: string,
  ops: ComputeOps,
  startedAt: number,
  warn: (message: string) => void,
): Promise<FitRun> {
  const prepared = await prepareData(target, backgrounds, resolved, (t, b) => {
    const needed = estimateFitBytes(t, b, resolved.k, resolved.loss);
    if (adapter.memoryLimitBytes !== undefined && needed > adapter.memoryLimitBytes) {
      const gib = (bytes: number): string => (bytes / 1024 ** 3).toFixed(1);
      throw new BcnmfError(
        'TOO_LARGE',
        `this fit needs about ${gib(needed)} GiB on backend '${backend}', whose memory ends at ` +
          `${gib(adapter.memoryLimitBytes)} GiB (${adapter.description}); use backend 'cpu' (no fixed limit, slower), ` +
          `'webgpu' on a GPU, minibatches (batchSize), fewer features (e.g. highly variable genes) or fewer samples`,
      );
    }
  });
  prepared.warnings.forEach(warn);
  throwIfAborted(resolved.signal);
  const data: DataTensors = { target: uploadMatrix(prepared.target), backgrounds: [] };
  try {
    for (const matrix of prepared.backgrounds) data.backgrounds.push(uploadMatrix(matrix));
    const constants = await scoreConstants(ops, resolved.loss, data);
    const best = await bestOfStarts(resolved.nStarts, resolved.loss, (start) =>
      runStart(start, ops, prepared, data, resolved, constants, startedAt, warn));
    const matrices = [prepared.target, ...prepared.backgrounds];
    return {
      ...best,
      k: prepared.k,
      shapes: {
        columns: prepared.target.columns,
        featureNames: prepared.featureNames,
        rows: matrices.map((m) => m.rows),
        rowNames: matrices.map((m) => m.rowNames),
      },
    };
  } finally {
    disposeData(data.target);
    data.backgrounds.forEach(disposeData);
  }
}

async function fitInMinibatches(
  target: MatrixInput | BatchSource,
  backgrounds: (MatrixInput | BatchSource)[],
  resolved: ResolvedOptions,
  adapter: BackendAdapter,
  backend: string,
  ops: ComputeOps,
  startedAt: number,
  warn: (message: string) => void,
): Promise<FitRun> {
  const prepared = await prepareMinibatch(target, backgrounds, resolved);
  const batchSize = minibatchSize(resolved, prepared, adapter, backend);
  prepared.warnings.forEach(warn);
  throwIfAborted(resolved.signal);
  const best = await bestOfStarts(resolved.nStarts, resolved.loss, (start) =>
    runMinibatchStart(start, ops, prepared, resolved, batchSize, startedAt, warn));
  const sources = prepared.datasets.map((d) => d.source);
  return {
    ...best,
    k: prepared.k,
    batchSize,
    shapes: {
      columns: sources[0].columns,
      featureNames: prepared.featureNames,
      rows: sources.map((s) => s.rows),
      rowNames: sources.map((s) => s.rowNames),
    },
  };
}
