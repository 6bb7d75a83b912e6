import type * as tfjs from '@tensorflow/tfjs-core';
import type { ComputeOps } from '../contract/compute-ops.js';
import type { RatioArgs, UpdateSettings, WeightedStatistics } from '../contract/params.js';
import type { BasisStatistics, DataTensor } from '../contract/tensors.js';

/** A numerator and a denominator of a multiplicative ratio (the denominator may broadcast). */
export interface RatioTerms {
  numerator: tfjs.Tensor2D;
  denominator: tfjs.Tensor2D;
}

/**
 * Everything core knows about one loss, in one module: its multiplicative updates (as
 * the numerator and denominator of each ratio), its basis statistics, its score and its
 * defaults. The iteration, the minibatches, transform and the scores are written
 * against this interface only; backends' fused kernels are optional and look at the
 * loss's name (they return null for a loss they do not know, and core composes the
 * update from the terms below on the backend's products). Every method is called
 * inside `tf.tidy`, so temporaries need no disposing.
 */
export interface LossDefinition<Name extends string = string> {
  readonly name: Name;
  /** One line for help texts. */
  readonly description: string;
  /** eps and damping when the caller gives none. */
  readonly defaults: UpdateSettings;
  /** Whether the tracked score falls ('minimize') or rises ('maximize') as the fit improves. */
  readonly scoreDirection: 'minimize' | 'maximize';
  /**
   * The largest data value accepted (checked before any work): beyond it the loss's
   * float32 sums overflow. The message suggests rescaling.
   */
  readonly maxDataValue: number;
  /** The coefficient update H ∘ (numerator ⊘ (denominator + eps))^damping, with the basis fixed. */
  coefficientTerms(ops: ComputeOps, args: RatioArgs): RatioTerms;
  /** A data set's basis statistics for its (updated) coefficients: sums over its samples. */
  statistics(ops: ComputeOps, args: RatioArgs): BasisStatistics;
  /** The basis update W ∘ (numerator ⊘ (denominator + eps))^damping from the statistics. */
  basisTerms(args: { basis: tfjs.Tensor2D; target: BasisStatistics; backgrounds: readonly WeightedStatistics[] }): RatioTerms;
  /** Σ over a data set's entries of the score's term (a scalar tensor). */
  scoreSum(ops: ComputeOps, args: RatioArgs): tfjs.Scalar;
  /** A per-data-set constant of the error, computed once per fit (e.g. Σ X log X − X). */
  scoreConstant?(ops: ComputeOps, data: DataTensor): tfjs.Scalar;
  /** The error per element reported in the history, from the score sum, the entry count and the constant. */
  error(sum: number, count: number, constant: number): number;
  /** A data set's term of the tracked score: score = term(target) − Σ_b α_b term(background b). */
  trackedTerm(sum: number, count: number): number;
}
