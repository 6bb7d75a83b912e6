import type * as tfjs from '@tensorflow/tfjs-core';
import type { SparseTensor } from '@bcnmf/core';
import { csrArrays } from './sparse-tensor.js';
import { kernelState } from './state.js';
import { floatValues, intValues, transposeValues } from './tensor-values.js';

/**
 * `thinT` (k x n) times sparse `data` (n x m): k x m, over the stored entries only:
 * column j of the result is Σ_p value_p · thinT[:, row_p] over the entries p in column
 * j. With the native kernels: their CSR kernel (each thread adds its rows' entries into
 * an m x k accumulator of its own, float32; the accumulators are summed and transposed
 * at the end). Else in JavaScript, summed in float64 (thinT is transposed first so that
 * each entry reads k neighbouring values).
 */
export function thinTransposedTimesSparse(thinT: tfjs.Tensor2D, data: SparseTensor): tfjs.Tensor2D {
  const { tf, native } = kernelState;
  const [n, m] = data.shape;
  const k = thinT.shape[0];
  if (thinT.shape[1] !== n) throw new Error(`thinTransposedTimesSparse: ${thinT.shape} times ${data.shape}`);
  const out = new Float32Array(k * m);
  if (native && k * m > 0) {
    const { indptr, indices, values } = csrArrays(data);
    native.sparse.thinTransposedTimesCsr(n, m, k, floatValues(thinT), indptr, indices, values, out);
    return tf.tensor2d(out, [k, m], 'float32');
  }
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
  for (let c = 0; c < m; c++) {
    for (let j = 0; j < k; j++) out[j * m + c] = sums[c * k + j];
  }
  return tf.tensor2d(out, [k, m], 'float32');
}
