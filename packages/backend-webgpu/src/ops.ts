import { isSparse, type ComputeOps, type DataTensors, type FactorState, type StepArgs, type StepParams } from '@bcnmf/core';
import { engine, getKernel, matMul, type NamedAttrMap, type NamedTensorMap, type Tensor, type Tensor2D } from '@tensorflow/tfjs-core';
import { FUSED_MAX_BACKGROUNDS } from './kernels/fused-basis-update.js';
import { FUSED_MAX_K } from './kernels/fused-coefficient-update.js';
import { FUSED_STEP } from './kernels/fused-step.js';
import { MULTIPLICATIVE_UPDATE } from './kernels/multiplicative-update.js';
import { POISSON_RATIO } from './kernels/poisson-ratio.js';
import { THIN_TRANSPOSED_TIMES_DATA } from './kernels/thin-transposed-times-data.js';

/**
 * The operations of core's `ComputeOps` that this backend provides (the sparse ones
 * run as core's plain tfjs ops). Each is one tfjs kernel call, so tfjs tracks the
 * results like any tensor (tidy, dispose, memory()).
 */
export type WebGPUComputeOps = Pick<ComputeOps, 'dataTimesThin' | 'thinTransposedTimesData' | 'multiplicativeUpdate' | 'poissonRatio' | 'step'>;

function run(kernel: string, inputs: NamedTensorMap, attrs: NamedAttrMap = {}): Tensor2D {
  return engine().runKernel(kernel, inputs, attrs) as Tensor2D;
}

function isDenseMatrix(value: unknown): value is Tensor2D {
  const t = value as Partial<Tensor>;
  return typeof t === 'object' && t !== null && !isSparse(t) && typeof t.dataId === 'object' && t.rank === 2 && t.dtype === 'float32';
}

/** Where {@link WebGPUComputeOps.step} applies. */
function fusedStepApplies(state: FactorState, data: DataTensors, params: StepParams): boolean {
  if (params.loss !== 'frobenius' && params.loss !== 'poisson') return false;
  if (!getKernel(FUSED_STEP, engine().backendName)) return false;
  if (!isDenseMatrix(data.target) || !data.backgrounds.every(isDenseMatrix)) return false;
  if (state.basis.shape[0] > FUSED_MAX_K || state.basis.shape[0] < 1) return false;
  if (params.alphas.length !== data.backgrounds.length || state.backgroundCoefficients.length !== data.backgrounds.length) return false;
  return params.alphas.filter((alpha) => alpha > 0).length <= FUSED_MAX_BACKGROUNDS;
}

/**
 * One whole iteration as the `BcnmfFusedStep` kernel (8 dispatches with one
 * background), or null where it does not apply: sparse data, k > 24, more than 5
 * backgrounds with α > 0, or tfjs not on the 'webgpu' backend with the kernels
 * registered. Core then composes the other operations.
 */
export function fusedStep({ state, data, params }: StepArgs): FactorState | null {
  if (!fusedStepApplies(state, data, params)) return null;
  const inputs: NamedTensorMap = { basis: state.basis, target: data.target as Tensor2D, targetCoefficients: state.targetCoefficients };
  data.backgrounds.forEach((background, b) => {
    inputs[`background${b}`] = background as Tensor2D;
    inputs[`backgroundCoefficients${b}`] = state.backgroundCoefficients[b];
  });
  const attrs = { loss: params.loss, alphas: [...params.alphas], eps: params.eps, damping: params.damping };
  const outputs = engine().runKernel(FUSED_STEP, inputs, attrs as unknown as NamedAttrMap) as unknown as Tensor2D[];
  const backgrounds = data.backgrounds.length;
  return { targetCoefficients: outputs[0], backgroundCoefficients: outputs.slice(1, 1 + backgrounds), basis: outputs[1 + backgrounds] };
}

/**
 * The backend's operations as `ComputeOps`. They run only while tfjs is on the
 * 'webgpu' backend with the kernels registered (what `webgpuAdapter.activate` does);
 * `step` returns null elsewhere.
 *
 * @example
 * const xw = webgpuOps.dataTimesThin(x, wT); // x: n x m, wT: m x k → n x k
 */
export const webgpuOps: WebGPUComputeOps = {
  // tfjs's own matMul: faster on an H200 than `BcnmfDataTimesThin`
  dataTimesThin: (data, thin) => matMul(data, thin),
  thinTransposedTimesData: (thinT, data) => run(THIN_TRANSPOSED_TIMES_DATA, { thinT, data }),
  multiplicativeUpdate: ({ current, numerator, denominator, eps, damping }) =>
    run(MULTIPLICATIVE_UPDATE, { current, numerator, denominator }, { eps, damping }),
  poissonRatio: ({ data, coefficients, basis, eps }) => run(POISSON_RATIO, { data, coefficients, basis }, { eps }),
  step: fusedStep,
};
