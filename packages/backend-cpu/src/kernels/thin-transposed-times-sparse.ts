import type * as tfjs from '@tensorflow/tfjs-core';
import type { CsrTensor } from './sparse-tensor.js';
import { kernelState } from './state.js';
import { floatValues, intValues, transposeValues } from './tensor-values.js';

/**
 * `thinT` (k x n) times sparse `data` (n x m): k x m, over the stored entries only:
 * column j of the result is Σ_p value_p · thinT[:, row_p] over the entries p in column
 * j, summed in float64 (thinT is transposed first so that each entry reads k
 * neighbouring values).
 */
export function thinTransposedTimesSparse(thinT: tfjs.Tensor2D, data: CsrTensor): tfjs.Tensor2D {
  const { tf } = kernelState;
  const [n, m] = data.shape;
  const k = thinT.shape[0];
  if (thinT.shape[1] !== n) throw new Error(`thinTransposedTimesSparse: ${thinT.shape} times ${data.shape}`);
  const rows = intValues(data.rowIds);
  const columns = intValues(data.colIds);
  const values = floatValues(data.values);
  const thin = transposeValues(floatValues(thinT), k, n); // n x k
  const sums = new Float64Array(m * k); // m x k
  const nnz = values.length;
  for (let p = 0; p < nnz; p++) {
    const v = values[p];
    const o = columns[p] * k;
    const r = rows[p] * k;
    for (let j = 0; j < k; j++) sums[o + j] += v * thin[r + j];
  }
  const out = new Float32Array(k * m);
  for (let c = 0; c < m; c++) {
    for (let j = 0; j < k; j++) out[j * m + c] = sums[c * k + j];
  }
  return tf.tensor2d(out, [k, m], 'float32');
}
