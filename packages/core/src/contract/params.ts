import type * as tfjs from '@tensorflow/tfjs-core';
import type { Loss } from '../losses/index.js';
import type { BasisStatistics, DataTensor, DataTensors, FactorState, SparseTensor } from './tensors.js';

/** The numerical settings every multiplicative update takes. */
export interface UpdateSettings {
  /** Guard added to denominators (and to W H before dividing, for Poisson). */
  eps: number;
  /** Exponent in (0, 1] applied to each multiplicative ratio (1 = undamped). */
  damping: number;
}

/** What one whole iteration needs besides the state and the data. */
export interface StepParams extends UpdateSettings {
  loss: Loss;
  /** One contrastive weight per background. */
  alphas: readonly number[];
}

/** Arguments of `ComputeOps.multiplicativeUpdate`: `current ∘ (numerator ⊘ (denominator + eps))^damping`. */
export interface MultiplicativeUpdateArgs extends UpdateSettings {
  current: tfjs.Tensor2D;
  numerator: tfjs.Tensor2D;
  /** Whole, or broadcast: a 1 x columns row or a rows x 1 column. */
  denominator: tfjs.Tensor2D;
}

/** A data set with its coefficients and the basis: the operands of the per-data-set operations. */
export interface FactorsOf<D extends DataTensor = DataTensor> {
  /** Samples x features. */
  data: D;
  /** Samples x k. */
  coefficients: tfjs.Tensor2D;
  /** W, k x features. */
  basis: tfjs.Tensor2D;
}

/** {@link FactorsOf} with the eps that a ratio adds to H W before dividing. */
export interface RatioArgs<D extends DataTensor = DataTensor> extends FactorsOf<D> {
  eps: number;
}

/** Arguments of `ComputeOps.reconstructionSum`. */
export interface ReconstructionSumArgs extends RatioArgs<tfjs.Tensor2D> {
  /** Σ (X − H W)², or Σ X ∘ log(H W + eps) − H W. */
  kind: 'squaredError' | 'poissonLogLikelihood';
}

/** Arguments of `ComputeOps.coefficientsAndStatistics`: one data set's share of an iteration. */
export interface CoefficientPassArgs extends FactorsOf, UpdateSettings {
  loss: Loss;
  /** Also return the basis statistics of the updated coefficients. */
  withStatistics: boolean;
}

/** What `ComputeOps.coefficientsAndStatistics` returns. */
export interface CoefficientPass {
  coefficients: tfjs.Tensor2D;
  statistics: BasisStatistics | null;
}

/** One background's statistics and its contrastive weight. */
export interface WeightedStatistics {
  statistics: BasisStatistics;
  alpha: number;
}

/** Arguments of `ComputeOps.basisUpdate`. */
export interface BasisUpdateArgs extends UpdateSettings {
  loss: Loss;
  basis: tfjs.Tensor2D;
  target: BasisStatistics;
  /** Backgrounds with alpha <= 0 are ignored. */
  backgrounds: readonly WeightedStatistics[];
}

/** Arguments of `ComputeOps.step`: one whole full-batch iteration. */
export interface StepArgs {
  state: FactorState;
  data: DataTensors;
  params: StepParams;
}

/** The sparse form of {@link RatioArgs}. */
export type SparseRatioArgs = RatioArgs<SparseTensor>;
