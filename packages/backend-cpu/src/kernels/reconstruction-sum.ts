import type { ReconstructionSumArgs } from '@bcnmf/core';
import type * as tfjs from '@tensorflow/tfjs-core';
import { kernelState } from './state.js';
import { floatValues } from './tensor-values.js';

/**
 * Core's optional `ComputeOps.reconstructionSum` on the native kernels: Σ (X − H W)² or
 * Σ X ∘ log(H W + eps) − H W over dense data in one pass (float64 sums), where tfjs
 * would make the n x m reconstruction and two or three more arrays like it. Returns null
 * without the native kernels.
 */
export function reconstructionSum({ kind, data, coefficients, basis, eps }: ReconstructionSumArgs): tfjs.Scalar | null {
  const { tf, native } = kernelState;
  const [n, m] = data.shape;
  const k = basis.shape[0];
  if (!native || basis.shape[1] !== m || coefficients.shape[0] !== n || coefficients.shape[1] !== k) return null;
  const poisson = kind === 'poissonLogLikelihood';
  const sum = native.reconstructionSum(poisson, n, m, k, floatValues(data), floatValues(coefficients), floatValues(basis), eps);
  return tf.scalar(sum, 'float32');
}

/**
 * Core's optional `ComputeOps.divergenceConstant` on the native kernels: Σ (X log X − X)
 * (0 log 0 = 0) over dense data in one pass; tfjs would make five arrays the data's size.
 * Returns null without the native kernels.
 */
export function divergenceConstant(data: tfjs.Tensor2D): tfjs.Scalar | null {
  const { tf, native } = kernelState;
  if (!native) return null;
  return tf.scalar(native.divergenceConstant(floatValues(data)), 'float32');
}
