import { engine, type NamedAttrMap, type NamedTensorMap, type Tensor2D } from '@tensorflow/tfjs-core';
import { DATA_TIMES_THIN } from './kernels/data-times-thin.js';
import { MULTIPLICATIVE_UPDATE } from './kernels/multiplicative-update.js';
import { POISSON_RATIO } from './kernels/poisson-ratio.js';
import { THIN_TRANSPOSED_TIMES_DATA } from './kernels/thin-transposed-times-data.js';

/**
 * The operations of core's `ComputeOps` that this backend runs as its own WGSL kernels
 * (the sparse ones run as core's plain tfjs ops). Each is one tfjs kernel call, so
 * tfjs tracks the result like any tensor (tidy, dispose, memory()).
 */
export interface WebGPUComputeOps {
  /** data (n x m) · thin (m x k) → n x k. */
  dataTimesThin(data: Tensor2D, thin: Tensor2D): Tensor2D;
  /** thinT (k x n) · data (n x m) → k x m. */
  thinTransposedTimesData(thinT: Tensor2D, data: Tensor2D): Tensor2D;
  /** current ∘ (numerator ⊘ (denominator + eps))^damping; denominator whole, 1 x c or r x 1. */
  multiplicativeUpdate(current: Tensor2D, numerator: Tensor2D, denominator: Tensor2D, eps: number, damping: number): Tensor2D;
  /** data ⊘ (coefficients · basis + eps). */
  poissonRatio(data: Tensor2D, coefficients: Tensor2D, basis: Tensor2D, eps: number): Tensor2D;
}

function run(kernel: string, inputs: NamedTensorMap, attrs: NamedAttrMap = {}): Tensor2D {
  return engine().runKernel(kernel, inputs, attrs) as Tensor2D;
}

/**
 * The custom kernels as `ComputeOps`. They run only while tfjs is on the 'webgpu'
 * backend with the kernels registered (what `webgpuAdapter.activate` does).
 *
 * @example
 * const xw = webgpuOps.dataTimesThin(x, wT); // x: n x m, wT: m x k → n x k
 */
export const webgpuOps: WebGPUComputeOps = {
  dataTimesThin: (data, thin) => run(DATA_TIMES_THIN, { data, thin }),
  thinTransposedTimesData: (thinT, data) => run(THIN_TRANSPOSED_TIMES_DATA, { thinT, data }),
  multiplicativeUpdate: (current, numerator, denominator, eps, damping) =>
    run(MULTIPLICATIVE_UPDATE, { current, numerator, denominator }, { eps, damping }),
  poissonRatio: (data, coefficients, basis, eps) => run(POISSON_RATIO, { data, coefficients, basis }, { eps }),
};
