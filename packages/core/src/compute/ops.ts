import type * as tf from '@tensorflow/tfjs-core';
import type { DataTensor, SparseTensor } from './data-tensor.js';
import type { BasisStatistics, DataTensors, FactorState, Loss, StepParams } from './updates.js';

/**
 * The few operations one bcNMF iteration needs. Core runs them as plain TensorFlow.js
 * ops ({@link plainOps}) on any tfjs backend; a backend adapter may provide faster
 * versions of any of them (custom kernels, native BLAS), which are tested against the
 * plain ones. Shapes use the public layout: data are samples x features (n x m), the
 * basis W is k x m, coefficients are n x k.
 */
export interface ComputeOps {
  /** `data` (n x m) times `thin` (m x k): n x k. The hot product of the H updates. */
  dataTimesThin(data: tf.Tensor2D, thin: tf.Tensor2D): tf.Tensor2D;
  /** `thinT` (k x n) times `data` (n x m): k x m. The hot product of the W update. */
  thinTransposedTimesData(thinT: tf.Tensor2D, data: tf.Tensor2D): tf.Tensor2D;
  /**
   * `current ∘ (numerator ⊘ (denominator + eps))^damping`, the multiplicative update.
   * `denominator` may broadcast (a 1 x k row or a k x 1 column).
   */
  multiplicativeUpdate(
    current: tf.Tensor2D,
    numerator: tf.Tensor2D,
    denominator: tf.Tensor2D,
    eps: number,
    damping: number,
  ): tf.Tensor2D;
  /** `data ⊘ (coefficients · basis + eps)` (n x m), the Poisson updates' ratio. */
  poissonRatio(data: tf.Tensor2D, coefficients: tf.Tensor2D, basis: tf.Tensor2D, eps: number): tf.Tensor2D;
  /** {@link dataTimesThin} for sparse data. */
  sparseTimesThin(data: SparseTensor, thin: tf.Tensor2D): tf.Tensor2D;
  /** {@link thinTransposedTimesData} for sparse data. */
  thinTransposedTimesSparse(thinT: tf.Tensor2D, data: SparseTensor): tf.Tensor2D;
  /** (coefficients · basis) at each stored entry of sparse `data` (the sparse scores need it). */
  sparseReconstruction(data: SparseTensor, coefficients: tf.Tensor2D, basis: tf.Tensor2D): tf.Tensor1D;
  /** {@link poissonRatio} for sparse data: only the stored entries (the others are 0). */
  sparsePoissonRatio(data: SparseTensor, coefficients: tf.Tensor2D, basis: tf.Tensor2D, eps: number): SparseTensor;
  /**
   * Optional: Σ over the entries of dense `data` of (X − H W)² ('squaredError') or of
   * X ∘ log(H W + eps) − H W ('poissonLogLikelihood'), the scores' sums, in one pass
   * without the n x m reconstruction. A scalar tensor, or null/undefined where it does
   * not apply (core then sums in row chunks with tfjs ops).
   */
  reconstructionSum?(
    kind: 'squaredError' | 'poissonLogLikelihood',
    data: tf.Tensor2D,
    coefficients: tf.Tensor2D,
    basis: tf.Tensor2D,
    eps: number,
  ): tf.Scalar | null | undefined;
  /**
   * Optional: Σ (X log X − X) over dense `data` (0 log 0 = 0), the constant of the
   * Poisson divergence, in one pass. A scalar tensor, or null/undefined where it does
   * not apply.
   */
  divergenceConstant?(data: tf.Tensor2D): tf.Scalar | null | undefined;
  /**
   * Optional: one data set's share of an iteration, fused: its coefficients updated with
   * the basis fixed ({@link updateCoefficients}) and, when `withStatistics`, the basis
   * statistics of the updated coefficients ({@link basisStatistics}: `cross` k x m,
   * `mass` k x k for Frobenius or k x 1 for Poisson). New tensors; the inputs are kept.
   * Returns null/undefined where it does not apply: core then composes the two. Used by
   * full-batch iterations and by each minibatch alike.
   */
  coefficientsAndStatistics?(
    loss: Loss,
    data: DataTensor,
    coefficients: tf.Tensor2D,
    basis: tf.Tensor2D,
    eps: number,
    damping: number,
    withStatistics: boolean,
  ): { coefficients: tf.Tensor2D; statistics: BasisStatistics | null } | null | undefined;
  /**
   * Optional: the basis update from the statistics ({@link applyBasisUpdate}'s contract,
   * backgrounds with alpha <= 0 ignored). A new tensor, or null/undefined where it does
   * not apply.
   */
  basisUpdate?(
    loss: Loss,
    basis: tf.Tensor2D,
    target: BasisStatistics,
    backgrounds: readonly { statistics: BasisStatistics; alpha: number }[],
    eps: number,
    damping: number,
  ): tf.Tensor2D | null | undefined;
  /**
   * Optional: one whole full-batch iteration (the target's coefficients, each
   * background's, then the basis, in that order, as {@link step} composes them), for a
   * backend that fuses it into fewer dispatches. Returns the new state (new tensors; the
   * old state is kept), or null/undefined where it does not apply (sparse data, shapes
   * or background counts it does not cover): core then composes the operations above.
   * Minibatch fits never call it. Core's {@link plainOps} has none.
   */
  step?(state: FactorState, data: DataTensors, params: StepParams): FactorState | null | undefined;
}
