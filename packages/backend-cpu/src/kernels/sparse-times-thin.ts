import type * as tfjs from '@tensorflow/tfjs-core';
import type { CsrTensor } from './sparse-tensor.js';
import { kernelState } from './state.js';
import { floatValues, intValues } from './tensor-values.js';

const rowPointers = new WeakMap<tfjs.Tensor, Int32Array>();

/** CSR row pointers (rows + 1) from the sorted row ids, made once per data tensor. */
function indptrOf(data: CsrTensor): Int32Array {
  let indptr = rowPointers.get(data.rowIds);
  if (!indptr) {
    const rows = intValues(data.rowIds);
    indptr = new Int32Array(data.shape[0] + 1);
    for (let p = 0; p < rows.length; p++) indptr[rows[p] + 1]++;
    for (let i = 0; i < data.shape[0]; i++) indptr[i + 1] += indptr[i];
    rowPointers.set(data.rowIds, indptr);
  }
  return indptr;
}

/**
 * Sparse `data` (n x m, CSR order) times `thin` (m x k): n x k, over the stored entries
 * only: row i of the result is Σ_p value_p · thin[col_p] over the entries p of row i,
 * summed in a k-long float64 accumulator. One pass over the entries, no gathered nnz x k
 * temporaries.
 */
export function sparseTimesThin(data: CsrTensor, thin: tfjs.Tensor2D): tfjs.Tensor2D {
  const { tf } = kernelState;
  const [n, m] = data.shape;
  const k = thin.shape[1];
  if (thin.shape[0] !== m) throw new Error(`sparseTimesThin: ${data.shape} times ${thin.shape}`);
  const indptr = indptrOf(data);
  const columns = intValues(data.colIds);
  const values = floatValues(data.values);
  const t = floatValues(thin);
  const out = new Float32Array(n * k);
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
