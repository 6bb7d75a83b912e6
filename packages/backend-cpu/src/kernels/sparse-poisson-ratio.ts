import type { SparseRatioArgs, SparseTensor } from '@bcnmf/core';
import { kernelState } from './state.js';
import { reconstructionValues } from './sparse-reconstruction.js';

/**
 * `data ⊘ (coefficients · basis + eps)` at the stored entries of sparse `data` (the
 * others are 0): one k-long dot product per entry. With the native kernels: their CSR
 * ratio kernel (one pass, float32, rows split over the threads); else in JavaScript
 * (the reconstruction kernel, then the division). The result shares the data's index
 * tensors and has new values.
 */
export function sparsePoissonRatio({ data, coefficients, basis, eps }: SparseRatioArgs): SparseTensor {
  const { tf } = kernelState;
  const out = reconstructionValues('sparsePoissonRatio', data, coefficients, basis, eps);
  return { kind: 'csr', shape: data.shape, rowIds: data.rowIds, colIds: data.colIds, values: tf.tensor1d(out, 'float32') };
}
