import type { RatioArgs } from '@bcnmf/core';
import type * as tfjs from '@tensorflow/tfjs-core';
import { kernelState } from './state.js';
import { floatValues } from './tensor-values.js';

/** Values per block: one threaded sgemm of a few MB, then divided in place. */
const BLOCK_VALUES = 1 << 20;

function blockRows(columns: number): number {
  return Math.max(1, Math.floor(BLOCK_VALUES / Math.max(1, columns)));
}

/**
 * `data ⊘ (coefficients · basis + eps)` (n x m). With the native kernels: one pass that
 * never stores the reconstruction. Else with BLAS: the reconstruction is made by sgemm
 * in row blocks straight into the output and divided in place (one array, one pass;
 * tfjs makes three n x m arrays). Else: tfjs ops.
 */
export function poissonRatio({ data, coefficients, basis, eps }: RatioArgs<tfjs.Tensor2D>): tfjs.Tensor2D {
  const { tf, blas, native } = kernelState;
  const [n, m] = data.shape;
  const k = coefficients.shape[1];
  if (native && coefficients.shape[0] === n && basis.shape[0] === k && basis.shape[1] === m && n * m * k > 0) {
    const out = new Float32Array(n * m);
    native.poissonRatio(n, m, k, floatValues(data), floatValues(coefficients), floatValues(basis), eps, out);
    return tf.tensor2d(out, [n, m], 'float32');
  }
  if (!blas || coefficients.shape[0] !== n || basis.shape[0] !== k || basis.shape[1] !== m || n * m * k === 0) {
    return tf.tidy(() => tf.div(data, tf.add(tf.matMul(coefficients, basis), eps)));
  }
  const x = floatValues(data);
  const h = floatValues(coefficients);
  const w = floatValues(basis);
  const out = new Float32Array(n * m);
  const e = Math.fround(eps);
  const step = blockRows(m);
  for (let start = 0; start < n; start += step) {
    const rows = Math.min(step, n - start);
    const from = start * m;
    const to = from + rows * m;
    blas.sgemm(false, false, rows, m, k, 1, h.subarray(start * k, (start + rows) * k), k, w, m, 0, out.subarray(from, to), m);
    for (let i = from; i < to; i++) out[i] = x[i] / Math.fround(out[i] + e);
  }
  return tf.tensor2d(out, [n, m], 'float32');
}
