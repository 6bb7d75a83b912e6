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
 * The basis update from the already updated coefficients, summing the background terms:
 * - Frobenius: W ∘ (Hₓᵀ X + Σ_b α_b (H_bᵀ H_b) W) ⊘ ((Hₓᵀ Hₓ) W + Σ_b α_b H_bᵀ Y_b + eps)
 * - Poisson:   W ∘ (Hₓᵀ (X ⊘ Hₓ W) + Σ_b α_b colsum(H_b)) ⊘ (colsum(Hₓ) + Σ_b α_b H_bᵀ (Y_b ⊘ H_b W) + eps)
 * With no background (or every α = 0) this is the NMF update of W.
 */
export function updateBasis(
  ops: ComputeOps,
  state: FactorState,
  data: DataTensors,
  params: StepParams,
): tf.Tensor2D {
  const { loss, alphas, eps, damping } = params;
  const backgrounds = data.backgrounds
    .map((background, b) => ({ data: background, coefficients: state.backgroundCoefficients[b], alpha: alphas[b] }))
    .filter((b) => b.alpha > 0);
  return tf.tidy(() => {
    const targetT = tf.transpose(state.targetCoefficients);
    let numerator: tf.Tensor2D;
    let denominator: tf.Tensor2D;
    if (loss === 'frobenius') {
      numerator = timesData(ops, targetT, data.target);
      denominator = tf.matMul(tf.matMul(targetT, state.targetCoefficients), state.basis);
      for (const background of backgrounds) {
        const backgroundT = tf.transpose(background.coefficients);
        const pushAway = tf.matMul(tf.matMul(backgroundT, background.coefficients), state.basis);
        numerator = tf.add(numerator, tf.mul(pushAway, background.alpha));
        denominator = tf.add(denominator, tf.mul(timesData(ops, backgroundT, background.data), background.alpha));
      }
    } else {
      const ratio = poissonRatio(ops, data.target, state.targetCoefficients, state.basis, eps);
      numerator = timesData(ops, targetT, ratio);
      disposeRatio(ratio);
      denominator = tf.reshape(tf.sum(state.targetCoefficients, 0), [-1, 1]) as tf.Tensor2D;
      for (const background of backgrounds) {
        const backgroundRatio = poissonRatio(ops, background.data, background.coefficients, state.basis, eps);
        const backgroundT = tf.transpose(background.coefficients);
        const explained = timesData(ops, backgroundT, backgroundRatio);
        disposeRatio(backgroundRatio);
        const backgroundTotals = tf.reshape(tf.sum(background.coefficients, 0), [-1, 1]) as tf.Tensor2D;
        numerator = tf.add(numerator, tf.mul(backgroundTotals, background.alpha));
        denominator = tf.add(denominator, tf.mul(explained, background.alpha));
      }
    }
    return ops.multiplicativeUpdate(state.basis, numerator, denominator, eps, damping);
  });
}

/**
 * One bcNMF iteration in the reference's order: target coefficients, each background's
 * coefficients, then the basis from the new coefficients. Returns new tensors; the
 * caller disposes the old state.
 */
export function step(ops: ComputeOps, state: FactorState, data: DataTensors, params: StepParams): FactorState {
  const { loss, eps, damping } = params;
  const targetCoefficients = updateCoefficients(ops, loss, data.target, state.targetCoefficients, state.basis, eps, damping);
  const backgroundCoefficients = data.backgrounds.map((background, b) =>
    updateCoefficients(ops, loss, background, state.backgroundCoefficients[b], state.basis, eps, damping));
  const basis = updateBasis(ops, { basis: state.basis, targetCoefficients, backgroundCoefficients }, data, params);
  return { basis, targetCoefficients, backgroundCoefficients };
}
