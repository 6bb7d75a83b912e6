import type * as tfjs from '@tensorflow/tfjs-core';
import { kernelState } from './state.js';
import { floatValues } from './tensor-values.js';

/**
 * `thinT` (k x n) times `data` (n x m): k x m, the product of the basis update.
 * With BLAS: one sgemm on the backend's arrays (OpenBLAS beats the native kernel at this
 * shape). Else with the native kernels. Else: tfjs's matMul.
 */
export function thinTransposedTimesData(thinT: tfjs.Tensor2D, data: tfjs.Tensor2D): tfjs.Tensor2D {
  const { tf, blas, native } = kernelState;
  const [k, n] = thinT.shape;
  const m = data.shape[1];
  if ((!blas && !native) || data.shape[0] !== n || n * m * k === 0) return tf.matMul(thinT, data);
  const out = new Float32Array(k * m);
  if (!blas) native!.thinTransposedTimesDense(n, m, k, floatValues(thinT), floatValues(data), out);
  else blas.sgemm(false, false, k, m, n, 1, floatValues(thinT), n, floatValues(data), m, 0, out, m);
  return tf.tensor2d(out, [k, m], 'float32');
}
