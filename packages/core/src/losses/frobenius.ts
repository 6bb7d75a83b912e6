import * as tf from '@tensorflow/tfjs-core';
import { dataTimes, timesData } from '../compute/products.js';
import { squaredErrorSum } from '../compute/score-sums.js';
import type { LossDefinition } from './loss.js';

/**
 * Squared error (ALGORITHM.md §2), in the samples x features layout:
 * - coefficients: H ∘ (X Wᵀ) ⊘ (H W Wᵀ + eps)
 * - basis: W ∘ (Hₓᵀ X + Σ_b α_b (H_bᵀ H_b) W) ⊘ ((Hₓᵀ Hₓ) W + Σ_b α_b H_bᵀ Y_b + eps)
 * - tracked score: MSE_X − Σ_b α_b MSE_Y_b (lower is better); error = MSE.
 */
export const frobeniusLoss = {
  name: 'frobenius',
  description: 'squared error (Frobenius norm)',
  defaults: { eps: 1e-10, damping: 1 },
  scoreDirection: 'minimize',
  // Squares of values up to 1e15 are 1e30, which leaves float32 (max 3.4e38) room for
  // sums over 10⁸ entries.
  maxDataValue: 1e15,
  coefficientTerms(ops, { data, coefficients, basis }) {
    // Wᵀ is small (features x k): transposing it once beats a transposed product.
    const basisT = tf.transpose(basis);
    return {
      numerator: dataTimes(ops, data, basisT),
      denominator: tf.matMul(coefficients, tf.matMul(basis, basisT)) as tf.Tensor2D,
    };
  },
  statistics(ops, { data, coefficients }) {
    const coefficientsT = tf.transpose(coefficients);
    return { cross: timesData(ops, coefficientsT, data), mass: tf.matMul(coefficientsT, coefficients) as tf.Tensor2D };
  },
  basisTerms({ basis, target, backgrounds }) {
    let numerator = target.cross;
    let denominator = tf.matMul(target.mass, basis) as tf.Tensor2D;
    for (const { statistics, alpha } of backgrounds) {
      if (!(alpha > 0)) continue;
      numerator = tf.add(numerator, tf.mul(tf.matMul(statistics.mass, basis), alpha)) as tf.Tensor2D;
      denominator = tf.add(denominator, tf.mul(statistics.cross, alpha)) as tf.Tensor2D;
    }
    return { numerator, denominator };
  },
  scoreSum: squaredErrorSum,
  error: (sum, count) => sum / count,
  trackedTerm: (sum, count) => sum / count,
} as const satisfies LossDefinition<'frobenius'>;
