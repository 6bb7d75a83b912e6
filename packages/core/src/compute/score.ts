import * as tf from '@tensorflow/tfjs-core';
import { dataSize, isSparse, type DataTensor, type SparseTensor } from './data-tensor.js';
import type { ComputeOps } from './ops.js';
import type { DataTensors, FactorState, Loss } from './updates.js';

/** Rows per chunk so that a chunk's temporaries stay near 4 M values (16 MB). */
function chunkRows(columns: number): number {
  return Math.max(1, Math.floor(4_000_000 / Math.max(1, columns)));
}

/**
 * Σ over rows of a per-row reduction of (data, coefficients · basis), computed in row
 * chunks so that the n x m reconstruction never exists whole. Returns a scalar tensor.
 */
function sumInChunks(
  data: tf.Tensor2D,
  coefficients: tf.Tensor2D,
  basis: tf.Tensor2D,
  term: (data: tf.Tensor2D, reconstruction: tf.Tensor2D) => tf.Tensor,
): tf.Scalar {
  const [rows, columns] = data.shape;
  const size = chunkRows(columns);
  return tf.tidy(() => {
    const parts: tf.Tensor[] = [];
    for (let start = 0; start < rows; start += size) {
      const count = Math.min(size, rows - start);
      const part = tf.tidy(() => {
        const x = count === rows ? data : tf.slice(data, [start, 0], [count, columns]);
        const h = count === rows ? coefficients : tf.slice(coefficients, [start, 0], [count, -1]);
        // Sum each row first, then the rows: less float32 rounding than one long sum.
        return tf.sum(tf.sum(term(x, tf.matMul(h, basis)), 1));
      });
      parts.push(part);
    }
    return (parts.length === 1 ? parts[0] : tf.addN(parts)) as tf.Scalar;
  });
}

/**
 * Σ over all entries of (H W)²: sum((Hᵀ H) ∘ (W Wᵀ)), k x k work instead of n x m.
 */
function reconstructionSquareSum(coefficients: tf.Tensor2D, basis: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => {
    const coefficientGram = tf.matMul(tf.transpose(coefficients), coefficients);
    const basisGram = tf.matMul(basis, tf.transpose(basis));
    return tf.sum(tf.mul(coefficientGram, basisGram));
  });
}

/** ‖X − H W‖²_F as a scalar tensor. */
export function squaredErrorSum(ops: ComputeOps, data: DataTensor, coefficients: tf.Tensor2D, basis: tf.Tensor2D): tf.Scalar {
  if (isSparse(data)) {
    // Σ over stored entries of (x − r)², plus r² over the zeros: (Σ_all r²) − Σ_stored r².
    return tf.tidy(() => {
      const r = ops.sparseReconstruction(data, coefficients, basis);
      const stored = tf.sum(tf.square(tf.sub(data.values, r)));
      const zeros = tf.sub(reconstructionSquareSum(coefficients, basis), tf.sum(tf.square(r)));
      return tf.add(stored, tf.relu(zeros)) as tf.Scalar;
    });
  }
  return ops.reconstructionSum?.('squaredError', data, coefficients, basis, 0) ??
    sumInChunks(data, coefficients, basis, (x, r) => tf.square(tf.sub(x, r)));
}

/** Σ (X ∘ log(H W + eps) − H W): the Poisson log-likelihood without its log-factorial term. */
export function poissonLogLikelihoodSum(
  ops: ComputeOps,
  data: DataTensor,
  coefficients: tf.Tensor2D,
  basis: tf.Tensor2D,
  eps: number,
): tf.Scalar {
  if (isSparse(data)) {
    // zeros add nothing to Σ x log(r); Σ_all r = Σₖ (Σᵢ Hᵢₖ)(Σⱼ Wₖⱼ)
    return tf.tidy(() => {
      const r = ops.sparseReconstruction(data, coefficients, basis);
      const logTerm = tf.sum(tf.mul(data.values, tf.log(tf.add(r, eps))));
      const total = tf.sum(tf.mul(tf.sum(coefficients, 0), tf.sum(basis, 1)));
      return tf.sub(logTerm, total) as tf.Scalar;
    });
  }
  return ops.reconstructionSum?.('poissonLogLikelihood', data, coefficients, basis, eps) ??
    sumInChunks(data, coefficients, basis, (x, r) => tf.sub(tf.mul(x, tf.log(tf.add(r, eps))), r));
}

/** Σ (X log X − X) with 0 log 0 = 0: turns a log-likelihood into a KL divergence. */
export function poissonDivergenceConstant(ops: ComputeOps, data: DataTensor): tf.Scalar {
  const term = (values: tf.Tensor): tf.Tensor => {
    const positive = tf.greater(values, 0);
    const safe = tf.where(positive, values, tf.onesLike(values));
    return tf.sub(tf.mul(values, tf.log(safe)), values);
  };
  if (isSparse(data)) return tf.tidy(() => tf.sum(term((data as SparseTensor).values)) as tf.Scalar);
  const fused = ops.divergenceConstant?.(data);
  if (fused) return fused;
  // In row chunks, like the errors: the temporaries of a whole n x m data set would be
  // several times its size.
  const [rows, columns] = data.shape;
  const size = chunkRows(columns);
  return tf.tidy(() => {
    const parts: tf.Tensor[] = [];
    for (let start = 0; start < rows; start += size) {
      const count = Math.min(size, rows - start);
      parts.push(tf.tidy(() => tf.sum(tf.sum(term(count === rows ? data : tf.slice(data, [start, 0], [count, columns])), 1))));
    }
    return (parts.length === 1 ? parts[0] : tf.addN(parts)) as tf.Scalar;
  });
}

/** One entry of a fit's history. */
export interface ScoreRecord {
  /** Iterations done when the scores were taken (0 = the initial state). */
  iteration: number;
  /**
   * Target reconstruction error per element: mean squared error (Frobenius) or mean
   * generalized KL divergence Σ(X log(X/WH) − X + WH)/numel (Poisson).
   */
  targetError: number;
  /** The same for the (first) background; null when fitting plain NMF. */
  backgroundError: number | null;
  /** The same for every background, in order (empty for plain NMF). */
  backgroundErrors: number[];
  /**
   * The tracked score (ALGORITHM.md §2-3): MSE_X − Σ α_b·MSE_Y_b for Frobenius (lower is
   * better); LL_X/numel(X) − Σ α_b·LL_Y_b/numel(Y_b) for Poisson (higher is better).
   */
  score: number;
}

/** Per-dataset constants of the Poisson errors, computed once per fit. */
export interface ScoreConstants {
  targetDivergenceConstant: number;
  backgroundDivergenceConstants: number[];
}

/** Computes the constants that {@link computeScores} needs (Poisson only). */
export async function scoreConstants(ops: ComputeOps, loss: Loss, data: DataTensors): Promise<ScoreConstants> {
  if (loss !== 'poisson') return { targetDivergenceConstant: 0, backgroundDivergenceConstants: data.backgrounds.map(() => 0) };
  const parts = [data.target, ...data.backgrounds].map((d) => poissonDivergenceConstant(ops, d));
  const stacked = tf.stack(parts);
  tf.dispose(parts);
  const values = await stacked.data();
  stacked.dispose();
  return { targetDivergenceConstant: values[0], backgroundDivergenceConstants: Array.from(values.subarray(1)) };
}

/** The per-dataset sum a score needs: ‖X − HW‖² (Frobenius) or the log-likelihood (Poisson). */
export function scoreSum(
  ops: ComputeOps,
  loss: Loss,
  data: DataTensor,
  coefficients: tf.Tensor2D,
  basis: tf.Tensor2D,
  eps: number,
): tf.Scalar {
  return loss === 'frobenius'
    ? squaredErrorSum(ops, data, coefficients, basis)
    : poissonLogLikelihoodSum(ops, data, coefficients, basis, eps);
}

/**
 * A history entry from per-dataset sums (target first, then each background): their
 * entry counts, and for Poisson the divergence constants Σ(X log X − X).
 */
export function scoreRecord(
  iteration: number,
  loss: Loss,
  sums: ArrayLike<number>,
  counts: readonly number[],
  divergenceConstants: readonly number[],
  alphas: readonly number[],
): ScoreRecord {
  const perElement = counts.map((count, i) => sums[i] / count);
  const weighted = (values: number[]): number => values[0] - alphas.reduce((acc, alpha, b) => acc + alpha * values[b + 1], 0);
  const errors = loss === 'frobenius'
    ? perElement
    : perElement.map((logLik, i) => divergenceConstants[i] / counts[i] - logLik);
  const backgroundErrors = errors.slice(1);
  return {
    iteration,
    targetError: errors[0],
    backgroundError: backgroundErrors[0] ?? null,
    backgroundErrors,
    score: weighted(perElement),
  };
}

/**
 * The history entry for `state`: the errors and the tracked score, read back from the
 * device in one transfer.
 */
export async function computeScores(
  ops: ComputeOps,
  iteration: number,
  state: FactorState,
  data: DataTensors,
  loss: Loss,
  alphas: readonly number[],
  eps: number,
  constants: ScoreConstants,
): Promise<ScoreRecord> {
  const stacked = tf.tidy(() => tf.stack([
    scoreSum(ops, loss, data.target, state.targetCoefficients, state.basis, eps),
    ...data.backgrounds.map((background, b) => scoreSum(ops, loss, background, state.backgroundCoefficients[b], state.basis, eps)),
  ]));
  const sums = await stacked.data();
  stacked.dispose();
  const counts = [data.target, ...data.backgrounds].map(dataSize);
  return scoreRecord(iteration, loss, sums, counts, [constants.targetDivergenceConstant, ...constants.backgroundDivergenceConstants], alphas);
}
