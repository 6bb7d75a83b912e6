import type * as tfjs from '@tensorflow/tfjs-core';
import type { CsrTensor } from './sparse-tensor.js';
import { kernelState } from './state.js';
import { floatValues, intValues, transposeValues } from './tensor-values.js';

/**
 * `data ⊘ (coefficients · basis + eps)` at the stored entries of sparse `data` (the
 * others are 0): one k-long dot product per entry. The result shares the data's index
 * tensors and has new values.
 */
export function sparsePoissonRatio(
  data: CsrTensor,
  coefficients: tfjs.Tensor2D,
  basis: tfjs.Tensor2D,
  eps: number,
): CsrTensor {
  const { tf } = kernelState;
  const [n, m] = data.shape;
  const k = coefficients.shape[1];
  if (coefficients.shape[0] !== n || basis.shape[0] !== k || basis.shape[1] !== m) {
    throw new Error(`sparsePoissonRatio: data ${data.shape}, coefficients ${coefficients.shape}, basis ${basis.shape}`);
  }
  const rows = intValues(data.rowIds);
  const columns = intValues(data.colIds);
  const values = floatValues(data.values);
  const h = floatValues(coefficients);
  const wT = transposeValues(floatValues(basis), k, m); // m x k
  const e = Math.fround(eps);
  const nnz = values.length;
  const out = new Float32Array(nnz);
  for (let p = 0; p < nnz; p++) {
    const r = rows[p] * k;
    const c = columns[p] * k;
    let s = 0;
    for (let j = 0; j < k; j++) s += h[r + j] * wT[c + j];
    out[p] = values[p] / Math.fround(Math.fround(s) + e);
  }
  return { kind: 'csr', shape: data.shape, rowIds: data.rowIds, colIds: data.colIds, values: tf.tensor1d(out, 'float32') };
}
