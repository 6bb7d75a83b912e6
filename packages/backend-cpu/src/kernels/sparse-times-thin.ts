import type * as tfjs from '@tensorflow/tfjs-core';
import type { SparseTensor } from '@bcnmf/core';
import { csrArrays, csrRowPointers } from './sparse-tensor.js';
import { kernelState } from './state.js';
import { floatValues, intValues } from './tensor-values.js';

/**
 * Sparse `data` (n x m, CSR order) times `thin` (m x k): n x k, over the stored entries
 * only: row i of the result is Σ_p value_p · thin[col_p] over the entries p of row i.
 * With the native kernels: their CSR kernel (float32 sums, rows split over the threads
 * by stored entries). Else in JavaScript, summed in a k-long float64 accumulator. One
 * pass over the entries either way, no gathered nnz x k temporaries.
 */
export function sparseTimesThin(data: SparseTensor, thin: tfjs.Tensor2D): tfjs.Tensor2D {
  const { tf, native } = kernelState;
  const [n, m] = data.shape;
  const k = thin.shape[1];
  if (thin.shape[0] !== m) throw new Error(`sparseTimesThin: ${data.shape} times ${thin.shape}`);
  const out = new Float32Array(n * k);
  if (native && n * k > 0) {
    const { indptr, indices, values } = csrArrays(data);
    native.sparse.csrTimesThin(n, m, k, indptr, indices, values, floatValues(thin), out);
    return tf.tensor2d(out, [n, k], 'float32');
  }
  const indptr = csrRowPointers(data);
  const columns = intValues(data.colIds);
  const values = floatValues(data.values);
  const t = floatValues(thin);
  const sums = new Float64Array(k);
  for (let i = 0; i < n; i++) {
    sums.fill(0);
    for (let p = indptr[i], end = indptr[i + 1]; p < end; p++) {
      const v = values[p];
      const c = columns[p] * k;
      for (let j = 0; j < k; j++) sums[j] += v * t[c + j];
    }
    const o = i * k;
    for (let j = 0; j < k; j++) out[o + j] = sums[j];
  }
  return tf.tensor2d(out, [n, k], 'float32');
}
