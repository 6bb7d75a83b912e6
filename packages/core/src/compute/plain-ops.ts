import * as tf from '@tensorflow/tfjs-core';
import type { ComputeOps } from './ops.js';

/**
 * {@link ComputeOps} as plain TensorFlow.js ops: runs on every tfjs backend and is the
 * reference that faster implementations are tested against. No product here asks for
 * a transposed operand (tfjs-backend-wasm runs those about 10x slower).
 */
export const plainOps: ComputeOps = {
  dataTimesThin(data, thin) {
    return tf.matMul(data, thin);
  },
  thinTransposedTimesData(thinT, data) {
    return tf.matMul(thinT, data);
  },
  multiplicativeUpdate(current, numerator, denominator, eps, damping) {
    return tf.tidy(() => {
      let ratio: tf.Tensor2D = tf.div(numerator, tf.add(denominator, eps));
      if (damping === 0.5) ratio = tf.sqrt(ratio);
      else if (damping !== 1) ratio = tf.pow(ratio, damping);
      return tf.mul(current, ratio);
    });
  },
  poissonRatio(data, coefficients, basis, eps) {
    return tf.tidy(() => tf.div(data, tf.add(tf.matMul(coefficients, basis), eps)));
  },
};

/** The adapter's operations where it has them, the plain ones elsewhere. */
export function resolveOps(overrides: Partial<ComputeOps> | undefined): ComputeOps {
  return { ...plainOps, ...(overrides ?? {}) };
}
