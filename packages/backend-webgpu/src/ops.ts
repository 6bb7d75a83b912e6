import { engine, getKernel, matMul, type NamedAttrMap, type NamedTensorMap, type Tensor, type Tensor2D } from '@tensorflow/tfjs-core';
import { FUSED_MAX_BACKGROUNDS } from './kernels/fused-basis-update.js';
import { FUSED_MAX_K } from './kernels/fused-coefficient-update.js';
import { FUSED_STEP } from './kernels/fused-step.js';
import { MULTIPLICATIVE_UPDATE } from './kernels/multiplicative-update.js';
import { POISSON_RATIO } from './kernels/poisson-ratio.js';
import { THIN_TRANSPOSED_TIMES_DATA } from './kernels/thin-transposed-times-data.js';

/** The state of a fit as core's `FactorState` (public layout: W k x m, H n x k). */
export interface FusedStepState {
  basis: Tensor2D;
  targetCoefficients: Tensor2D;
  backgroundCoefficients: Tensor2D[];
}

/** The data as core's `DataTensors`: dense tensors, or core's sparse form (which the fused step leaves to core). */
export interface FusedStepData {
  target: Tensor2D | object;
  backgrounds: Array<Tensor2D | object>;
}

/** What core's `StepParams` carries. */
export interface FusedStepParams {
  loss: 'frobenius' | 'poisson';
  alphas: readonly number[];
  eps: number;
  damping: number;
}

/**
 * The operations of core's `ComputeOps` that this backend provides (the sparse ones
 * run as core's plain tfjs ops). Each is one tfjs kernel call, so tfjs tracks the
 * results like any tensor (tidy, dispose, memory()).
 */
export interface WebGPUComputeOps {
  /** data (n x m) · thin (m x k) → n x k: tfjs's own matMul (faster on an H200 than `BcnmfDataTimesThin`). */
  dataTimesThin(data: Tensor2D, thin: Tensor2D): Tensor2D;
  /** thinT (k x n) · data (n x m) → k x m. */
  thinTransposedTimesData(thinT: Tensor2D, data: Tensor2D): Tensor2D;
  /** current ∘ (numerator ⊘ (denominator + eps))^damping; denominator whole, 1 x c or r x 1. */
  multiplicativeUpdate(current: Tensor2D, numerator: Tensor2D, denominator: Tensor2D, eps: number, damping: number): Tensor2D;
  /** data ⊘ (coefficients · basis + eps). */
  poissonRatio(data: Tensor2D, coefficients: Tensor2D, basis: Tensor2D, eps: number): Tensor2D;
  /**
   * One whole full-batch iteration as the `BcnmfFusedStep` kernel (8 dispatches with one
   * background), or null where it does not apply: sparse data, k > 24, more than 5
   * backgrounds with α > 0, or tfjs not on the 'webgpu' backend with the kernels
   * registered. Core then composes the other operations.
   */
  step?(state: FusedStepState, data: FusedStepData, params: FusedStepParams): FusedStepState | null;
}

function run(kernel: string, inputs: NamedTensorMap, attrs: NamedAttrMap = {}): Tensor2D {
  return engine().runKernel(kernel, inputs, attrs) as Tensor2D;
}

function isDenseMatrix(value: unknown): value is Tensor2D {
  const t = value as Partial<Tensor>;
  return typeof t === 'object' && t !== null && typeof t.dataId === 'object' && t.rank === 2 && t.dtype === 'float32';
}

/** Where {@link WebGPUComputeOps.step} applies. */
function fusedStepApplies(state: FusedStepState, data: FusedStepData, params: FusedStepParams): boolean {
  if (!getKernel(FUSED_STEP, engine().backendName)) return false;
  if (!isDenseMatrix(data.target) || !data.backgrounds.every(isDenseMatrix)) return false;
  if (state.basis.shape[0] > FUSED_MAX_K || state.basis.shape[0] < 1) return false;
  if (params.alphas.length !== data.backgrounds.length || state.backgroundCoefficients.length !== data.backgrounds.length) return false;
  return params.alphas.filter((alpha) => alpha > 0).length <= FUSED_MAX_BACKGROUNDS;
}

/** The fused iteration (see {@link WebGPUComputeOps.step}). */
export function fusedStep(state: FusedStepState, data: FusedStepData, params: FusedStepParams): FusedStepState | null {
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
  dataTimesThin: (data, thin) => matMul(data, thin),
  thinTransposedTimesData: (thinT, data) => run(THIN_TRANSPOSED_TIMES_DATA, { thinT, data }),
  multiplicativeUpdate: (current, numerator, denominator, eps, damping) =>
    run(MULTIPLICATIVE_UPDATE, { current, numerator, denominator }, { eps, damping }),
  poissonRatio: (data, coefficients, basis, eps) => run(POISSON_RATIO, { data, coefficients, basis }, { eps }),
  step: fusedStep,
};
