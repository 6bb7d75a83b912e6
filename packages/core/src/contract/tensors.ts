import type * as tfjs from '@tensorflow/tfjs-core';

/** The TensorFlow.js namespace core runs on; adapters activate their backend in it. */
export type TfNamespace = typeof tfjs;

/**
 * A sparse data matrix on the device, as coordinate lists sorted by row (the CSR
 * order): entry p is `values[p]` at (`rowIds[p]`, `colIds[p]`).
 */
export interface SparseTensor {
  readonly kind: 'csr';
  readonly shape: [number, number];
  readonly rowIds: tfjs.Tensor1D;
  readonly colIds: tfjs.Tensor1D;
  readonly values: tfjs.Tensor1D;
}

/** A data matrix on the device (samples x features): dense, or sparse for mostly-zero data. */
export type DataTensor = tfjs.Tensor2D | SparseTensor;

/** The data of a fit on the device, samples x features, dense or sparse. */
export interface DataTensors {
  target: DataTensor;
  /** One entry per background (none for plain NMF). */
  backgrounds: DataTensor[];
}

/** W and the coefficient matrices, in the public layout. */
export interface FactorState {
  /** W, k x features. */
  basis: tfjs.Tensor2D;
  /** H of the target, target samples x k. */
  targetCoefficients: tfjs.Tensor2D;
  /** H of each background, background samples x k; empty when fitting plain NMF. */
  backgroundCoefficients: tfjs.Tensor2D[];
}

/**
 * What one data set contributes to the basis update, given its updated coefficients H.
 * Both parts are sums over samples, so a data set's statistics are the sums of its
 * batches' statistics (minibatches reproduce the full-batch update exactly). What the
 * parts hold depends on the loss (see its module in `losses/`):
 * - Frobenius: `cross` = Hᵀ X (k x m), `mass` = Hᵀ H (k x k);
 * - Poisson: `cross` = Hᵀ (X ⊘ (H W + eps)) (k x m), `mass` = colsum(H) (k x 1).
 */
export interface BasisStatistics {
  cross: tfjs.Tensor2D;
  mass: tfjs.Tensor2D;
}

/** True for core's sparse form of a data matrix. */
export function isSparse(data: DataTensor | object): data is SparseTensor {
  return (data as Partial<SparseTensor>).kind === 'csr';
}
