import type * as tfjs from '@tensorflow/tfjs-core';
import type { FactorsOf, SparseTensor } from '@bcnmf/core';
import { csrArrays } from './sparse-tensor.js';
import { kernelState } from './state.js';
import { floatValues, intValues, transposeValues } from './tensor-values.js';

/**
 * `(coefficients · basis)` at the stored entries of sparse `data`: one k-long dot
 * product per entry (the sparse scores need it), in place of core's gather of two
 * nnz x k temporaries. With the native kernels: their CSR kernel (float32, rows split
 * over the threads); else in JavaScript.
 */
export function sparseReconstruction({ data, coefficients, basis }: FactorsOf<SparseTensor>): tfjs.Tensor1D {
  return kernelState.tf.tensor1d(reconstructionValues('sparseReconstruction', data, coefficients, basis), 'float32');
}

function checkShapes(caller: string, data: SparseTensor, coefficients: tfjs.Tensor2D, basis: tfjs.Tensor2D): void {
  const [n, m] = data.shape;
  const k = coefficients.shape[1];
  if (coefficients.shape[0] !== n || basis.shape[0] !== k || basis.shape[1] !== m) {
    throw new Error(`${caller}: data ${data.shape}, coefficients ${coefficients.shape}, basis ${basis.shape}`);
  }
}

/**
 * The reconstruction at each stored entry as a float32 array; with `eps` given, the
 * Poisson ratio `value / (reconstruction + eps)` instead (the native kernels compute
 * either in one pass; the JavaScript path divides afterwards).
 */
export function reconstructionValues(
  caller: string,
  data: SparseTensor,
  coefficients: tfjs.Tensor2D,
  basis: tfjs.Tensor2D,
  eps?: number,
): Float32Array {
  checkShapes(caller, data, coefficients, basis);
  const [n, m] = data.shape;
  const k = coefficients.shape[1];
  const native = kernelState.native;
  if (native) {
    const { indptr, indices, values } = csrArrays(data);
    const out = new Float32Array(indices.length);
    const h = floatValues(coefficients);
    const w = floatValues(basis);
    if (eps === undefined) native.sparse.csrReconstruction(n, m, k, indptr, indices, h, w, out);
    else native.sparse.csrPoissonRatio(n, m, k, indptr, indices, values, h, w, eps, out);
    return out;
  }
  const rows = intValues(data.rowIds);
  const columns = intValues(data.colIds);
  const h = floatValues(coefficients);
  const wT = transposeValues(floatValues(basis), k, m); // m x k
  const nnz = rows.length;
  const out = new Float32Array(nnz);
  for (let p = 0; p < nnz; p++) {
    const r = rows[p] * k;
    const c = columns[p] * k;
    let s = 0;
    for (let j = 0; j < k; j++) s += h[r + j] * wT[c + j];
    out[p] = s;
  }
  if (eps !== undefined) {
    const values = floatValues(data.values);
    const e = Math.fround(eps);
    for (let p = 0; p < nnz; p++) out[p] = values[p] / Math.fround(out[p] + e);
  }
  return out;
}
