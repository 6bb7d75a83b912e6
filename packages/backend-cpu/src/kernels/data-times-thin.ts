import type * as tfjs from '@tensorflow/tfjs-core';
import { kernelState } from './state.js';
import { floatValues } from './tensor-values.js';

/**
 * `data` (n x m) times `thin` (m x k): n x k, the product of the coefficient updates.
 * With the native kernels: their thin-product kernel (faster than sgemm for small k).
 * Else with BLAS: one sgemm on the backend's arrays. Else: tfjs's matMul.
 */
export function dataTimesThin(data: tfjs.Tensor2D, thin: tfjs.Tensor2D): tfjs.Tensor2D {
  const { tf, blas, native } = kernelState;
  const [n, m] = data.shape;
  const k = thin.shape[1];
  if ((!blas && !native) || thin.shape[0] !== m || n * m * k === 0) return tf.matMul(data, thin);
  const out = new Float32Array(n * k);
  if (native) native.denseTimesThin(n, m, k, floatValues(data), floatValues(thin), out);
  else blas!.sgemm(false, false, n, k, m, 1, floatValues(data), m, floatValues(thin), k, 0, out, k);
  return tf.tensor2d(out, [n, k], 'float32');
}
