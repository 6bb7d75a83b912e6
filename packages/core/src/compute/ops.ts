import type * as tf from '@tensorflow/tfjs-core';
import type { SparseTensor } from './data-tensor.js';
import type { DataTensors, FactorState, StepParams } from './updates.js';

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
   * Optional: one whole full-batch iteration (the target's coefficients, each
   * background's, then the basis, in that order, as {@link step} composes them), for a
   * backend that fuses it into fewer dispatches. Returns the new state (new tensors; the
   * old state is kept), or null/undefined where it does not apply (sparse data, shapes
   * or background counts it does not cover): core then composes the operations above.
   * Minibatch fits never call it. Core's {@link plainOps} has none.
   */
  step?(state: FactorState, data: DataTensors, params: StepParams): FactorState | null | undefined;
}
