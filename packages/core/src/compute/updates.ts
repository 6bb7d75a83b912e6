import * as tf from '@tensorflow/tfjs-core';
import { isSparse, type DataTensor } from './data-tensor.js';
import type { ComputeOps } from './ops.js';

/** The loss bcNMF minimises: squared error, or the Poisson (KL) divergence. */
export type Loss = 'frobenius' | 'poisson';

/** W and the coefficient matrices, in the public layout. */
export interface FactorState {
  /** W, k x features. */
  basis: tf.Tensor2D;
  /** H of the target, target samples x k. */
  targetCoefficients: tf.Tensor2D;
  /** H of each background, background samples x k; empty when fitting plain NMF. */
  backgroundCoefficients: tf.Tensor2D[];
}

/** The data on the device, samples x features, dense or sparse. */
export interface DataTensors {
  target: DataTensor;
  /** One entry per background (none for plain NMF). */
  backgrounds: DataTensor[];
}

/** What one multiplicative step needs besides the state. */
export interface StepParams {
  loss: Loss;
  /** One contrastive weight per background. */
  alphas: readonly number[];
  eps: number;
  damping: number;
}

/** data (n x m) times thin (m x k), dense or sparse. */
export function dataTimes(ops: ComputeOps, data: DataTensor, thin: tf.Tensor2D): tf.Tensor2D {
  return isSparse(data) ? ops.sparseTimesThin(data, thin) : ops.dataTimesThin(data, thin);
}

/** thinT (k x n) times data (n x m), dense or sparse. */
export function timesData(ops: ComputeOps, thinT: tf.Tensor2D, data: DataTensor): tf.Tensor2D {
  return isSparse(data) ? ops.thinTransposedTimesSparse(thinT, data) : ops.thinTransposedTimesData(thinT, data);
}

/** data ⊘ (coefficients · basis + eps), dense or (on the stored entries) sparse. */
function poissonRatio(ops: ComputeOps, data: DataTensor, coefficients: tf.Tensor2D, basis: tf.Tensor2D, eps: number): DataTensor {
  return isSparse(data) ? ops.sparsePoissonRatio(data, coefficients, basis, eps) : ops.poissonRatio(data, coefficients, basis, eps);
}

/** Frees a ratio early (a sparse one shares its indices with the data). */
function disposeRatio(ratio: DataTensor): void {
  if (isSparse(ratio)) ratio.values.dispose();
  else ratio.dispose();
}


/**
 * One multiplicative update of the coefficients of `data` with the basis fixed
 * (ALGORITHM.md §2-3 in the samples x features layout):
 * - Frobenius: H ∘ (X Wᵀ) ⊘ (H W Wᵀ + eps)
 * - Poisson:   H ∘ ((X ⊘ (H W + eps)) Wᵀ) ⊘ (W 1 + eps)
 * each ratio raised to `damping`. Returns a new tensor; the inputs are kept.
 */
export function updateCoefficients(
  ops: ComputeOps,
  loss: Loss,
  data: DataTensor,
  coefficients: tf.Tensor2D,
  basis: tf.Tensor2D,
  eps: number,
  damping: number,
): tf.Tensor2D {
  return tf.tidy(() => {
    // Wᵀ is small (features x k): transposing it once beats a transposed product.
    const basisT = tf.transpose(basis);
    if (loss === 'frobenius') {
      const gram = tf.matMul(basis, basisT) as tf.Tensor2D;
      const numerator = dataTimes(ops, data, basisT);
      const denominator = tf.matMul(coefficients, gram) as tf.Tensor2D;
      return ops.multiplicativeUpdate(coefficients, numerator, denominator, eps, damping);
    }
    const ratio = poissonRatio(ops, data, coefficients, basis, eps);
    const numerator = dataTimes(ops, ratio, basisT);
    disposeRatio(ratio);
    const topicTotals = tf.reshape(tf.sum(basis, 1), [1, -1]) as tf.Tensor2D;
    return ops.multiplicativeUpdate(coefficients, numerator, topicTotals, eps, damping);
  });
}

/**
 * What one data set contributes to the basis update, given its updated coefficients H
 * (both parts are sums over samples, so a data set's statistics are the sums of its
 * batches' statistics: minibatches reproduce the full-batch update exactly):
 * - Frobenius: `cross` = Hᵀ X (k x m), `mass` = Hᵀ H (k x k);
 * - Poisson: `cross` = Hᵀ (X ⊘ (H W + eps)) (k x m), `mass` = colsum(H) (k x 1).
 */
export interface BasisStatistics {
  cross: tf.Tensor2D;
  mass: tf.Tensor2D;
}

/** {@link BasisStatistics} of `data` with coefficients `coefficients` and the current basis. */
export function basisStatistics(
  ops: ComputeOps,
  loss: Loss,
  data: DataTensor,
  coefficients: tf.Tensor2D,
  basis: tf.Tensor2D,
  eps: number,
): BasisStatistics {
  return tf.tidy(() => {
    const coefficientsT = tf.transpose(coefficients);
    if (loss === 'frobenius') {
      return {
        cross: timesData(ops, coefficientsT, data),
        mass: tf.matMul(coefficientsT, coefficients) as tf.Tensor2D,
      };
    }
    const ratio = poissonRatio(ops, data, coefficients, basis, eps);
    const cross = timesData(ops, coefficientsT, ratio);
    disposeRatio(ratio);
    return { cross, mass: tf.reshape(tf.sum(coefficients, 0), [-1, 1]) as tf.Tensor2D };
  });
}

/** `a + b`, disposing both (for accumulating batches' statistics). */
export function addStatistics(a: BasisStatistics | null, b: BasisStatistics): BasisStatistics {
  if (!a) return b;
  const sum = { cross: tf.add(a.cross, b.cross) as tf.Tensor2D, mass: tf.add(a.mass, b.mass) as tf.Tensor2D };
  tf.dispose([a.cross, a.mass, b.cross, b.mass]);
  return sum;
}

/**
 * The basis update from the target's and the backgrounds' statistics:
 * - Frobenius: W ∘ (Hₓᵀ X + Σ_b α_b (H_bᵀ H_b) W) ⊘ ((Hₓᵀ Hₓ) W + Σ_b α_b H_bᵀ Y_b + eps)
 * - Poisson:   W ∘ (Hₓᵀ (X ⊘ Hₓ W) + Σ_b α_b colsum(H_b)) ⊘ (colsum(Hₓ) + Σ_b α_b H_bᵀ (Y_b ⊘ H_b W) + eps)
 * With no background (or every α = 0) this is the NMF update of W.
 */
export function applyBasisUpdate(
  ops: ComputeOps,
  loss: Loss,
  basis: tf.Tensor2D,
  target: BasisStatistics,
  backgrounds: readonly { statistics: BasisStatistics; alpha: number }[],
  eps: number,
  damping: number,
): tf.Tensor2D {
  const fused = ops.basisUpdate?.(loss, basis, target, backgrounds, eps, damping);
  if (fused) return fused;
  return tf.tidy(() => {
    let numerator: tf.Tensor2D = target.cross;
    let denominator: tf.Tensor2D = loss === 'frobenius' ? tf.matMul(target.mass, basis) : target.mass;
    for (const { statistics, alpha } of backgrounds) {
      if (!(alpha > 0)) continue;
      if (loss === 'frobenius') {
        numerator = tf.add(numerator, tf.mul(tf.matMul(statistics.mass, basis), alpha));
        denominator = tf.add(denominator, tf.mul(statistics.cross, alpha));
      } else {
        numerator = tf.add(numerator, tf.mul(statistics.mass, alpha));
        denominator = tf.add(denominator, tf.mul(statistics.cross, alpha));
      }
    }
    return ops.multiplicativeUpdate(basis, numerator, denominator, eps, damping);
  });
}

/**
 * One data set's share of an iteration: its coefficients updated with the basis fixed
 * and, when `withStatistics`, the basis statistics of the new coefficients (with the
 * same basis). The backend's fused `coefficientsAndStatistics` where it provides one,
 * else {@link updateCoefficients} then {@link basisStatistics}.
 */
export function coefficientsAndStatistics(
  ops: ComputeOps,
  loss: Loss,
  data: DataTensor,
  coefficients: tf.Tensor2D,
  basis: tf.Tensor2D,
  eps: number,
  damping: number,
  withStatistics: boolean,
): { coefficients: tf.Tensor2D; statistics: BasisStatistics | null } {
  const fused = ops.coefficientsAndStatistics?.(loss, data, coefficients, basis, eps, damping, withStatistics);
  if (fused) return fused;
  const updated = updateCoefficients(ops, loss, data, coefficients, basis, eps, damping);
  return { coefficients: updated, statistics: withStatistics ? basisStatistics(ops, loss, data, updated, basis, eps) : null };
}

/**
 * One bcNMF iteration in the reference's order: target coefficients, each background's
 * coefficients, then the basis from the new coefficients (each data set's statistics
 * are gathered right after its coefficients: they depend only on those and the old
 * basis). Returns new tensors; the caller disposes the old state. An adapter's fused
 * `ops.step` runs instead where it provides one and it applies (it returns null
 * otherwise).
 */
export function step(ops: ComputeOps, state: FactorState, data: DataTensors, params: StepParams): FactorState {
  const fused = ops.step?.(state, data, params);
  if (fused) return fused;
  const { loss, alphas, eps, damping } = params;
  const target = coefficientsAndStatistics(ops, loss, data.target, state.targetCoefficients, state.basis, eps, damping, true);
  const backgrounds = data.backgrounds.map((background, b) =>
    coefficientsAndStatistics(ops, loss, background, state.backgroundCoefficients[b], state.basis, eps, damping, alphas[b] > 0));
  const basis = applyBasisUpdate(
    ops, loss, state.basis, target.statistics!,
    backgrounds.flatMap((b, i) => (b.statistics ? [{ statistics: b.statistics, alpha: alphas[i] }] : [])),
    eps, damping,
  );
  for (const { statistics } of [target, ...backgrounds]) if (statistics) tf.dispose([statistics.cross, statistics.mass]);
  return { basis, targetCoefficients: target.coefficients, backgroundCoefficients: backgrounds.map((b) => b.coefficients) };
}
