import * as tf from '@tensorflow/tfjs-core';
import { useFitBackend } from './backend/registry.js';
import { resolveOps } from './compute/plain-ops.js';
import { disposeData, uploadMatrix } from './compute/data-tensor.js';
import { computeScores, scoreConstants, type ScoreRecord } from './compute/score.js';
import { step, type UpdateRule } from './compute/updates.js';
import type { BackendAdapter } from './contract/adapter.js';
import type { ComputeOps } from './contract/compute-ops.js';
import type { DataTensors, FactorState } from './contract/tensors.js';
import { BcnmfError } from './errors.js';
import { initialFactors } from './init/initial-factors.js';
import type { LossDefinition } from './losses/loss.js';
import type { MatrixInput } from './matrix/convert.js';
import { DenseMatrix } from './matrix/dense-matrix.js';
import { BcnmfModel, type StartSummary } from './model/model.js';
import { resolveOptions, type BcnmfOptions, type ResolvedOptions } from './options.js';
import { estimateFitBytes, prepareData, type PreparedData } from './prepare.js';
import { isBatchSource, type BatchSource } from './matrix/batch-source.js';
import { minibatchSize, prepareMinibatch, runMinibatchStart } from './minibatch.js';
import { runIterations, throwIfAborted } from './solver/driver.js';
import { datasetRoles, progressReporter, updateRule, type StartResult } from './solver/start.js';

/** True when `a` is a better tracked score than `b` for `loss`. */
export function isBetterScore(loss: LossDefinition, a: number, b: number): boolean {
  if (!Number.isFinite(a)) return false;
  if (!Number.isFinite(b)) return true;
  return loss.scoreDirection === 'minimize' ? a < b : a > b;
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

async function runStart(
  start: number,
  ops: ComputeOps,
  prepared: PreparedData,
  data: DataTensors,
  options: ResolvedOptions,
  constants: readonly number[],
  startedAt: number,
  warn: (message: string) => void,
): Promise<StartResult> {
  const rule = updateRule(options);
  const { alphas, eps } = options;
  const loss = options.lossDefinition;
  let state: FactorState | null = null;
  try {
    const initial = await initialFactors(ops, prepared.init, data, prepared.k, options.seed, start);
    state = initial.state;
    if (initial.zeros > 0) {
      warn(`nndsvd left ${initial.zeros} zeros in the initial factors; multiplicative updates cannot change them (init 'nndsvda' fills them)`);
    }
    const score = (iteration: number): Promise<ScoreRecord> =>
      computeScores(ops, loss, { iteration, state: state!, data, alphas, eps, constants });
    const run = await runIterations({
      initial: await score(0),
      advance: async (iteration, scoring) => {
        const next = step(ops, rule, alphas, state!, data);
        disposeState(state);
        state = next;
        return scoring ? score(iteration) : null;
      },
    }, {
      maxIter: options.maxIter,
      scoreEvery: options.scoreEvery,
      tol: options.tol,
      signal: options.signal,
      onRecord: progressReporter(options, start, startedAt),
      roles: datasetRoles(data.backgrounds.length),
      unit: 'iteration',
      hints: { alphas, damping: options.damping },
    });
    const [basis, targetCoefficients, ...backgroundCoefficients] = (await Promise.all(
      [state.basis, state.targetCoefficients, ...state.backgroundCoefficients].map((t) => t.data()),
    )) as Float32Array[];
    return {
      basis,
      targetCoefficients,
      backgroundCoefficients,
      ...run,
      score: run.history[run.history.length - 1].score,
    };
  } finally {
    disposeState(state);
  }
}

/** The first non-finite value of a start's factors, as "W[row, column]" and the value; null when all are finite. */
function firstNonFinite(result: StartResult, roles: readonly string[], k: number, features: number): string | null {
  const parts: [string, Float32Array, number][] = [
    ['W', result.basis, features],
    [`H of the ${roles[0]}`, result.targetCoefficients, k],
    ...result.backgroundCoefficients.map((values, b): [string, Float32Array, number] => [`H of the ${roles[b + 1]}`, values, k]),
  ];
  for (const [name, values, columns] of parts) {
    for (let i = 0; i < values.length; i++) {
      if (!Number.isFinite(values[i])) return `${name}[${Math.floor(i / columns)}, ${i % columns}] is ${values[i]}`;
    }
  }
  return null;
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
  const [model] = await runFit(target, background, options, 'best');
  return model;
}

/**
 * The fit behind {@link fitBcnmf} and `fitEveryStart`: every start on one upload of the
 * data; `keep` 'best' gives one model (the start with the best final score), 'every' one
 * model per start, in start order.
 */
export async function runFit(
  target: MatrixInput | BatchSource,
  background: MatrixInput | BatchSource | readonly (MatrixInput | BatchSource)[] | null,
  options: BcnmfOptions,
  keep: 'best' | 'every',
): Promise<BcnmfModel[]> {
  const startedAt = performance.now();
  const backgrounds = backgroundList(background);
  const resolved = resolveOptions(options, backgrounds.length);
  throwIfAborted(resolved.signal);
  const { name: backend, adapter, warnings, warn } = await useFitBackend(resolved);
  const ops = resolveOps(adapter.ops);
  const minibatch = resolved.batchSize !== undefined || isBatchSource(target) || backgrounds.some(isBatchSource);
  const run = minibatch
    ? await fitInMinibatches(target, backgrounds, resolved, adapter, backend, ops, startedAt, warn, keep)
    : await fitFullBatch(target as MatrixInput, backgrounds as MatrixInput[], resolved, adapter, backend, ops, startedAt, warn, keep);
  const { starts, k, shapes } = run;
  const kept: [StartResult, number][] = keep === 'best' ? [[run.kept, run.bestStart]] : run.every.map((result, start) => [result, start]);
  const wallTimeMs = performance.now() - startedAt;
  return kept.map(([result, start]) => {
    // The loop stops at the first non-finite score; this guards the factors themselves.
    const bad = firstNonFinite(result, datasetRoles(backgrounds.length), k, shapes.columns);
    if (bad) {
      throw new BcnmfError('DIVERGED', `the fit ended with non-finite factors (${bad}); scale the data down, lower alpha or damp the updates`);
    }
    return modelOf(result, start, { run, resolved, backend, minibatch, warnings, wallTimeMs });
  });
}

/** The model of one kept start. */
function modelOf(
  kept: StartResult,
  keptStart: number,
  { run, resolved, backend, minibatch, warnings, wallTimeMs }: {
    run: FitRun;
    resolved: ResolvedOptions;
    backend: string;
    minibatch: boolean;
    warnings: string[];
    wallTimeMs: number;
  },
): BcnmfModel {
  const { starts, k, shapes } = run;
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
    wallTimeMs,
    starts,
    bestStart: keptStart,
    warnings: [...warnings],
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
  /** Every start's result, in start order ('every'); empty when only the best is kept. */
  every: StartResult[];
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

/** Runs every start and keeps the best (and, with keep 'every', every start's result). */
async function bestOfStarts(nStarts: number, loss: LossDefinition, keep: 'best' | 'every', run: (start: number) => Promise<StartResult>) {
  let best: StartResult | null = null;
  let bestStart = 0;
  const starts: StartSummary[] = [];
  const every: StartResult[] = [];
  for (let start = 0; start < nStarts; start++) {
    const result = await run(start);
    if (keep === 'every') every.push(result);
    starts.push({ start, score: result.score, iterations: result.iterations, converged: result.converged });
    if (best === null || isBetterScore(loss, result.score, best.score)) {
      best = result;
      bestStart = start;
    }
  }
  return { kept: best!, starts, bestStart, every };
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
  keep: 'best' | 'every',
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
    const constants = await scoreConstants(ops, resolved.lossDefinition, data);
    const best = await bestOfStarts(resolved.nStarts, resolved.lossDefinition, keep, (start) =>
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
  keep: 'best' | 'every',
): Promise<FitRun> {
  const prepared = await prepareMinibatch(target, backgrounds, resolved);
  const batchSize = minibatchSize(resolved, prepared, adapter, backend);
  prepared.warnings.forEach(warn);
  throwIfAborted(resolved.signal);
  const best = await bestOfStarts(resolved.nStarts, resolved.lossDefinition, keep, (start) =>
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
