import { useFitBackend } from './backend/registry.js';
import { resolveOps } from './compute/plain-ops.js';
import { BcnmfError } from './errors.js';
import { backgroundList } from './fit.js';
import { toDenseMatrix, type MatrixInput } from './matrix/convert.js';
import { DenseMatrix } from './matrix/dense-matrix.js';
import { checkNonNegativeData } from './matrix/validate.js';
import { BcnmfModel } from './model/model.js';
import { resolveOptions, type BcnmfOptions } from './options.js';
import { prepareData } from './prepare.js';
import { startGenerator, uniformArray } from './random.js';
import { throwIfAborted } from './solver/driver.js';
import { fitCoefficients } from './solver/fit-coefficients.js';
import { datasetRoles, updateRule } from './solver/start.js';

/**
 * Options of {@link fitWithBasis}: the fit's options without those that concern W's
 * start or minibatches, and the basis itself.
 */
export interface FixedBasisOptions extends Omit<BcnmfOptions, 'k' | 'init' | 'nStarts' | 'batchSize' | 'shuffle'> {
  /** W, k x features (non-negative, finite): kept as given; k is its number of rows. */
  basis: MatrixInput;
}

/**
 * A bcNMF model whose basis W is given and kept fixed: the coefficients of the target and
 * of each background are fitted by the fit's own multiplicative coefficient update
 * (same loss, eps and damping), through the same iteration loop as a fit (abort,
 * divergence, `tol`), from seeded random starts. The loop converges on the sum of the
 * data sets' errors (with W fixed each data set's coefficients are independent); the
 * model's history carries the fit's tracked score (MSE_X − α·MSE_Y for Frobenius) with
 * the given alphas, so it compares with a fitted model's. This is how a consensus basis
 * (the median of many restarts' topics) gets its coefficients.
 *
 * The data and options are checked as for `fitBcnmf`, and the basis against the data's
 * features (count, and names when both have them), before any work starts.
 *
 * @example
 * const model = await fitWithBasis(target, background, { basis: consensusW, alpha: 1, seed: 0 });
 * model.W.get(0, 0) === consensusW.get(0, 0); // true: W is not updated
 */
export async function fitWithBasis(
  target: MatrixInput,
  background: MatrixInput | readonly MatrixInput[] | null,
  options: FixedBasisOptions,
): Promise<BcnmfModel> {
  const startedAt = performance.now();
  if (options === null || typeof options !== 'object') throw new BcnmfError('INVALID_OPTION', 'options must be an object with at least basis');
  const { basis: basisInput, ...rest } = options;
  if (basisInput === undefined) throw new BcnmfError('INVALID_OPTION', 'basis (W, k x features) is required');
  for (const key of ['k', 'init', 'nStarts', 'batchSize', 'shuffle']) {
    if (key in rest) throw new BcnmfError('INVALID_OPTION', `${key} does not apply to a fit with a fixed basis (k is the basis's number of rows)`);
  }
  const basisMatrix = await toDenseMatrix(basisInput, 'basis');
  if (basisMatrix.rows < 1 || basisMatrix.columns < 1) throw new BcnmfError('INVALID_OPTION', 'basis must have at least one row (topic) and one column (feature)');
  checkNonNegativeData(basisMatrix, 'basis');
  const backgrounds = backgroundList(background) as MatrixInput[];
  const resolved = resolveOptions({ ...rest, k: basisMatrix.rows }, backgrounds.length);
  throwIfAborted(resolved.signal);
  const { name: backend, adapter, warnings, warn } = await useFitBackend(resolved);
  // coefficients of zeros on a fixed basis are zeros: a result, not a failed fit
  const prepared = await prepareData(target, backgrounds, resolved, undefined, { allowZeroTarget: true });
  prepared.warnings.forEach(warn);
  const k = prepared.k;
  const features = prepared.target.columns;
  if (basisMatrix.columns !== features) {
    throw new BcnmfError('INVALID_OPTION', `basis has ${basisMatrix.columns} features (columns) but the data have ${features}`);
  }
  const names = prepared.featureNames;
  if (names && basisMatrix.columnNames) {
    const j = names.findIndex((name, index) => basisMatrix.columnNames![index] !== name);
    if (j >= 0) {
      throw new BcnmfError('INVALID_OPTION', `basis features differ from the data's at column ${j} ('${basisMatrix.columnNames[j]}' vs '${names[j]}')`);
    }
  }
  throwIfAborted(resolved.signal);
  const matrices = [prepared.target, ...prepared.backgrounds];
  const random = startGenerator(resolved.seed, 0, 'fixed-basis');
  const starts = matrices.map((m) => uniformArray(random, m.rows * k));
  const topicNames = Array.from({ length: k }, (_, t) => `topic_${t + 1}`);
  const W = new DenseMatrix({ data: Float32Array.from(basisMatrix.data), shape: [k, features], rowNames: topicNames, columnNames: names });
  const result = await fitCoefficients(resolveOps(adapter.ops), updateRule(resolved), {
    basis: W,
    data: matrices,
    starts,
    roles: datasetRoles(prepared.backgrounds.length),
    maxIter: resolved.maxIter,
    tol: resolved.tol,
    scoreEvery: resolved.scoreEvery,
    signal: resolved.signal,
    alphas: resolved.alphas,
  });
  const history = result.contrastiveHistory;
  const last = history[history.length - 1];
  return new BcnmfModel({
    W,
    Htarget: new DenseMatrix({ data: result.coefficients[0], shape: [prepared.target.rows, k], rowNames: prepared.target.rowNames, columnNames: topicNames }),
    Hbackgrounds: prepared.backgrounds.map((m, b) => new DenseMatrix({
      data: result.coefficients[b + 1],
      shape: [m.rows, k],
      rowNames: m.rowNames,
      columnNames: topicNames,
    })),
    history,
    iterations: result.iterations,
    converged: result.converged,
    wallTimeMs: performance.now() - startedAt,
    starts: [{ start: 0, score: last.score, iterations: result.iterations, converged: result.converged }],
    bestStart: 0,
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
      nStarts: 1,
      damping: resolved.damping,
      eps: resolved.eps,
      init: 'custom',
      backend,
    },
  });
}
