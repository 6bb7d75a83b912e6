import type * as tfjs from '@tensorflow/tfjs-core';
import type { CsrTensor } from './sparse-tensor.js';
import { kernelState } from './state.js';
import { floatValues, intValues } from './tensor-values.js';

/**
 * Sparse `data` (n x m, CSR order) times `thin` (m x k): n x k, over the stored entries
 * only: row i of the result is Σ_p value_p · thin[col_p] over the entries p of row i,
 * summed in float64. One pass over the entries, no gathered n·k temporaries.
 */
export function sparseTimesThin(data: CsrTensor, thin: tfjs.Tensor2D): tfjs.Tensor2D {
  const { tf } = kernelState;
  const [n, m] = data.shape;
  const k = thin.shape[1];
  if (thin.shape[0] !== m) throw new Error(`sparseTimesThin: ${data.shape} times ${thin.shape}`);
  const rows = intValues(data.rowIds);
  const columns = intValues(data.colIds);
  const values = floatValues(data.values);
  const t = floatValues(thin);
  const sums = new Float64Array(n * k);
  const nnz = values.length;
  for (let p = 0; p < nnz; p++) {
    const v = values[p];
    const o = rows[p] * k;
    const c = columns[p] * k;
    for (let j = 0; j < k; j++) sums[o + j] += v * t[c + j];
  }
  return tf.tensor2d(Float32Array.from(sums), [n, k], 'float32');
}
