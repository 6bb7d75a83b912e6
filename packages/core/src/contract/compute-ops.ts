import type * as tfjs from '@tensorflow/tfjs-core';
import type {
  BasisUpdateArgs, CoefficientPass, CoefficientPassArgs, FactorsOf, MultiplicativeUpdateArgs, RatioArgs,
  ReconstructionSumArgs, SparseRatioArgs, StepArgs,
} from './params.js';
import type { FactorState, SparseTensor } from './tensors.js';

/**
 * The few operations one bcNMF iteration needs. Core runs them as plain TensorFlow.js
 * ops (`plainOps`) on any tfjs backend; a backend adapter may provide faster versions of
 * any of them (custom kernels, native code), which the shared backend suite
 * (`@bcnmf/core/testing`) tests against the plain ones. Shapes use the public layout:
 * data are samples x features (n x m), the basis W is k x m, coefficients are n x k.
 * Every operation returns new tensors and keeps its inputs.
 *
 * Three levels of fusion are optional, in the order a new backend should implement them:
 * 1. the products ({@link dataTimesThin}, {@link thinTransposedTimesData}) and
 *    {@link multiplicativeUpdate}: most of the time of an iteration;
 * 2. per data set, {@link coefficientsAndStatistics} (one pass over the rows for the
 *    coefficient update and the basis statistics) and {@link basisUpdate}; with
 *    {@link reconstructionSum} / {@link divergenceConstant} for the scores;
 * 3. {@link step}, the whole full-batch iteration in a few dispatches (GPUs).
 * An optional operation returns null (or undefined) where it does not apply (a loss,
 * shape or sparse layout it does not cover): core then composes the lower level.
 */
export interface ComputeOps {
  /** `data` (n x m) times `thin` (m x k): n x k. The hot product of the H updates. */
  dataTimesThin(data: tfjs.Tensor2D, thin: tfjs.Tensor2D): tfjs.Tensor2D;
  /** `thinT` (k x n) times `data` (n x m): k x m. The hot product of the W update. */
  thinTransposedTimesData(thinT: tfjs.Tensor2D, data: tfjs.Tensor2D): tfjs.Tensor2D;
  /** `current ∘ (numerator ⊘ (denominator + eps))^damping`, the multiplicative update. */
  multiplicativeUpdate(args: MultiplicativeUpdateArgs): tfjs.Tensor2D;
  /** `data ⊘ (coefficients · basis + eps)` (n x m), the Poisson updates' ratio. */
  poissonRatio(args: RatioArgs<tfjs.Tensor2D>): tfjs.Tensor2D;
  /** {@link dataTimesThin} for sparse data. */
  sparseTimesThin(data: SparseTensor, thin: tfjs.Tensor2D): tfjs.Tensor2D;
  /** {@link thinTransposedTimesData} for sparse data. */
  thinTransposedTimesSparse(thinT: tfjs.Tensor2D, data: SparseTensor): tfjs.Tensor2D;
  /** (coefficients · basis) at each stored entry of sparse `data` (the sparse scores need it). */
  sparseReconstruction(args: FactorsOf<SparseTensor>): tfjs.Tensor1D;
  /** {@link poissonRatio} for sparse data: only the stored entries (the others are 0). */
  sparsePoissonRatio(args: SparseRatioArgs): SparseTensor;
  /**
   * Optional: Σ over the entries of dense `data` of (X − H W)² ('squaredError') or of
   * X ∘ log(H W + eps) − H W ('poissonLogLikelihood'), in one pass without the n x m
   * reconstruction. A scalar tensor.
   */
  reconstructionSum?(args: ReconstructionSumArgs): tfjs.Scalar | null | undefined;
  /** Optional: Σ (X log X − X) over dense `data` (0 log 0 = 0), the Poisson divergence's constant. */
  divergenceConstant?(data: tfjs.Tensor2D): tfjs.Scalar | null | undefined;
  /**
   * Optional: one data set's share of an iteration, fused: its coefficients updated with
   * the basis fixed and, when `withStatistics`, the basis statistics of the updated
   * coefficients. Used by full-batch iterations and by each minibatch alike.
   */
  coefficientsAndStatistics?(args: CoefficientPassArgs): CoefficientPass | null | undefined;
  /** Optional: the basis update from the statistics (backgrounds with alpha <= 0 ignored). */
  basisUpdate?(args: BasisUpdateArgs): tfjs.Tensor2D | null | undefined;
  /**
   * Optional: one whole full-batch iteration (the target's coefficients, each
   * background's, then the basis, in that order). Minibatch fits never call it.
   */
  step?(args: StepArgs): FactorState | null | undefined;
  /**
   * Optional, for devices that queue work (GPUs): copies the tensors' values to the
   * device now rather than at their first use. Minibatch fits call it on the next batch
   * while the device computes the current one (double buffering).
   */
  stage?(tensors: readonly tfjs.Tensor[]): void;
  /**
   * Optional, for devices that queue work: starts what is queued so far. Minibatch fits
   * call it after a batch's dispatches, before the host reads the next batch, so that
   * the two overlap (tfjs-backend-webgpu would otherwise wait for the first read-back).
   */
  submit?(): void;
}
