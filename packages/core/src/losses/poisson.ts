import * as tf from '@tensorflow/tfjs-core';
import { dataTimes, disposeRatio, poissonRatioOf, timesData } from '../compute/products.js';
import { poissonDivergenceConstant, poissonLogLikelihoodSum } from '../compute/score-sums.js';
import type { LossDefinition } from './loss.js';

/**
 * Poisson (generalized KL) loss (ALGORITHM.md §3), in the samples x features layout,
 * with R = X ⊘ (H W + eps):
 * - coefficients: H ∘ (R Wᵀ) ⊘ (rowsum(W)ᵀ + eps)
 * - basis: W ∘ (Hₓᵀ Rₓ + Σ_b α_b colsum(H_b)ᵀ) ⊘ (colsum(Hₓ)ᵀ + Σ_b α_b H_bᵀ R_b + eps)
 * - tracked score: LL_X/numel(X) − Σ_b α_b LL_Y_b/numel(Y_b) (higher is better), with
 *   LL = Σ X ∘ log(H W + eps) − H W; error = mean generalized KL divergence.
 * Damping 0.5 by default, as the reference: undamped contrastive Poisson updates
 * collapse in scale.
 */
export const poissonLoss = {
  name: 'poisson',
  description: 'Poisson log-likelihood (generalized KL divergence), for counts',
  defaults: { eps: 1e-16, damping: 0.5 },
  scoreDirection: 'maximize',
  // X log(H W) and the ratios stay finite in float32 well beyond any count data.
  maxDataValue: 1e30,
  coefficientTerms(ops, args) {
    const basisT = tf.transpose(args.basis);
    const ratio = poissonRatioOf(ops, args);
    const numerator = dataTimes(ops, ratio, basisT);
    disposeRatio(ratio);
    return { numerator, denominator: tf.reshape(tf.sum(args.basis, 1), [1, -1]) as tf.Tensor2D };
  },
  statistics(ops, args) {
    const ratio = poissonRatioOf(ops, args);
    const cross = timesData(ops, tf.transpose(args.coefficients), ratio);
    disposeRatio(ratio);
    return { cross, mass: tf.reshape(tf.sum(args.coefficients, 0), [-1, 1]) as tf.Tensor2D };
  },
  basisTerms({ target, backgrounds }) {
    let numerator = target.cross;
    let denominator = target.mass;
    for (const { statistics, alpha } of backgrounds) {
      if (!(alpha > 0)) continue;
      numerator = tf.add(numerator, tf.mul(statistics.mass, alpha)) as tf.Tensor2D;
      denominator = tf.add(denominator, tf.mul(statistics.cross, alpha)) as tf.Tensor2D;
    }
    return { numerator, denominator };
  },
  scoreSum: poissonLogLikelihoodSum,
  scoreConstant: poissonDivergenceConstant,
  error: (sum, count, constant) => constant / count - sum / count,
  trackedTerm: (sum, count) => sum / count,
} as const satisfies LossDefinition<'poisson'>;
