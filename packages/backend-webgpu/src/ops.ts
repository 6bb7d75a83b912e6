import { isSparse, type ComputeOps, type DataTensors, type FactorState, type FactorsOf, type SparseRatioArgs, type SparseTensor, type StepArgs, type StepParams } from '@bcnmf/core';
import { backend, div, engine, getKernel, matMul, tensor1d, zeros, type NamedAttrMap, type NamedTensorMap, type Tensor, type Tensor1D, type Tensor2D } from '@tensorflow/tfjs-core';
import { FUSED_MAX_BACKGROUNDS } from './kernels/fused-basis-update.js';
import { FUSED_MAX_K } from './kernels/fused-coefficient-update.js';
import { FUSED_STEP } from './kernels/fused-step.js';
import { MULTIPLICATIVE_UPDATE } from './kernels/multiplicative-update.js';
import { POISSON_RATIO } from './kernels/poisson-ratio.js';
import { SPARSE_POISSON_RATIO } from './kernels/sparse-poisson-ratio.js';
import { SPARSE_RECONSTRUCTION } from './kernels/sparse-reconstruction.js';
import { SPARSE_TIMES_THIN } from './kernels/sparse-times-thin.js';
import { THIN_TRANSPOSED_TIMES_DATA } from './kernels/thin-transposed-times-data.js';
import { THIN_TRANSPOSED_TIMES_SPARSE } from './kernels/thin-transposed-times-sparse.js';

/**
 * The operations of core's `ComputeOps` that this backend provides: the products, the
 * update and the Poisson ratio, for dense and sparse (CSR) data, and the fused step
 * (core composes the per-data-set passes from them). Each is one tfjs kernel call, so
 * tfjs tracks the results like any tensor (tidy, dispose, memory()).
 */
export type WebGPUComputeOps = Pick<
  ComputeOps,
  | 'dataTimesThin'
  | 'thinTransposedTimesData'
  | 'multiplicativeUpdate'
  | 'poissonRatio'
  | 'sparseTimesThin'
  | 'thinTransposedTimesSparse'
  | 'sparseReconstruction'
  | 'sparsePoissonRatio'
  | 'step'
  | 'stage'
  | 'submit'
>;

function run(kernel: string, inputs: NamedTensorMap, attrs: NamedAttrMap = {}): Tensor2D {
  return engine().runKernel(kernel, inputs, attrs) as Tensor2D;
}

/** The CSR tensors and shape of sparse data, as the sparse kernels take them. */
function sparseKernelArgs(data: SparseTensor): { inputs: NamedTensorMap; attrs: NamedAttrMap } {
  return { inputs: { rowIds: data.rowIds, colIds: data.colIds, values: data.values }, attrs: { shape: [data.shape[0], data.shape[1]] } };
}

// With no stored entries (or k = 0) there is nothing for a kernel to bind (WebGPU
// refuses empty buffers): the results are said directly.
const noEntries = (data: SparseTensor): boolean => data.values.size === 0;

function sparseTimesThin(data: SparseTensor, thin: Tensor2D): Tensor2D {
  if (noEntries(data) || thin.shape[1] === 0) return zeros([data.shape[0], thin.shape[1]]);
  const { inputs, attrs } = sparseKernelArgs(data);
  return run(SPARSE_TIMES_THIN, { ...inputs, thin }, attrs);
}

function thinTransposedTimesSparse(thinT: Tensor2D, data: SparseTensor): Tensor2D {
  if (noEntries(data) || thinT.shape[0] === 0) return zeros([thinT.shape[0], data.shape[1]]);
  const { inputs, attrs } = sparseKernelArgs(data);
  return run(THIN_TRANSPOSED_TIMES_SPARSE, { thinT, ...inputs }, attrs);
}

function sparseReconstruction({ data, coefficients, basis }: FactorsOf<SparseTensor>): Tensor1D {
  if (noEntries(data)) return tensor1d([], 'float32');
  if (basis.shape[0] === 0) return zeros([data.values.size]);
  const { inputs, attrs } = sparseKernelArgs(data);
  return engine().runKernel(SPARSE_RECONSTRUCTION, { ...inputs, coefficients, basis }, attrs) as Tensor1D;
}

function sparsePoissonRatio({ data, coefficients, basis, eps }: SparseRatioArgs): SparseTensor {
  let values: Tensor1D;
  if (noEntries(data)) values = tensor1d([], 'float32');
  else if (basis.shape[0] === 0) values = div(data.values, eps);
  else {
    const { inputs, attrs } = sparseKernelArgs(data);
    values = engine().runKernel(SPARSE_POISSON_RATIO, { ...inputs, coefficients, basis }, { ...attrs, eps }) as Tensor1D;
  }
  // the same pattern: the ratio shares the data's index tensors (and so its derived indices)
  return { kind: 'csr', shape: data.shape, rowIds: data.rowIds, colIds: data.colIds, values };
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

/** A GPU buffer as tfjs's buffer manager holds it. */
interface PooledBuffer {
  size: number;
  destroy(): void;
}

/** The parts of tfjs-backend-webgpu 4.22's `WebGPUBackend` that staging and submitting use. */
interface QueueingBackend {
  commandEncoder: unknown;
  uploadToGPU(dataId: object): void;
  endComputePassEncoder(): void;
  submitQueue(): void;
  bufferManager?: {
    freeBuffers: Map<string, PooledBuffer[]>;
    numFreeBuffers: number;
    numBytesUsed: number;
    numBytesAllocated: number;
  };
}

/** Free GPU memory tfjs may keep for reuse while batches stream through (at least). */
export const POOL_FLOOR_BYTES = 256 * 1024 ** 2;

/**
 * Destroys buffers of tfjs's free pool, oldest sizes first, until at most `keepBytes`
 * stay allocated without being in use; returns the bytes freed. tfjs keeps every freed
 * buffer for reuse by its exact size and never lets one go, so CSR batches (a different
 * number of entries each) would pile up until the whole data set sat on the GPU. A buffer
 * the GPU still reads is freed by WebGPU once that work completes.
 */
export function trimBufferPool(keepBytes: number): number {
  const manager = queueingBackend()?.bufferManager;
  if (!manager || !(manager.freeBuffers instanceof Map)) return 0;
  let freed = 0;
  // the lists stay in the map, emptied: tfjs releases a buffer into its size's list
  for (const buffers of manager.freeBuffers.values()) {
    while (buffers.length > 0 && manager.numBytesAllocated - manager.numBytesUsed > keepBytes) {
      const buffer = buffers.pop()!;
      buffer.destroy();
      manager.numFreeBuffers--;
      manager.numBytesAllocated -= buffer.size;
      freed += buffer.size;
    }
    if (manager.numBytesAllocated - manager.numBytesUsed <= keepBytes) break;
  }
  return freed;
}

/** The active backend when it is tfjs-backend-webgpu's (has the members used here), else null. */
function queueingBackend(): QueueingBackend | null {
  if (engine().backendName !== 'webgpu') return null;
  const active = backend() as unknown as Partial<QueueingBackend>;
  return typeof active.uploadToGPU === 'function' && typeof active.submitQueue === 'function' && typeof active.endComputePassEncoder === 'function'
    ? (active as QueueingBackend)
    : null;
}

/**
 * Copies the tensors' values to GPU buffers now (tfjs otherwise does it at their first
 * use): the host-side copy into a staging buffer happens while the GPU runs what was
 * submitted, and the buffer-to-buffer copy is queued ahead of the next batch's work.
 * First it trims tfjs's pool of free buffers to 4 x the staged bytes (at least
 * {@link POOL_FLOOR_BYTES}): enough for batches of one size to reuse their buffers, and
 * GPU memory stays bounded by the batch, not the data set, when sizes vary.
 */
export function stage(tensors: readonly Tensor[]): void {
  const gpu = queueingBackend();
  if (!gpu) return;
  const bytes = tensors.reduce((sum, tensor) => sum + 4 * tensor.size, 0);
  trimBufferPool(Math.max(POOL_FLOOR_BYTES, 4 * bytes));
  for (const tensor of tensors) if (tensor.size > 0) gpu.uploadToGPU(tensor.dataId);
}

/** Submits the commands tfjs has queued (it submits every 15 dispatches or at a read-back). */
export function submit(): void {
  const gpu = queueingBackend();
  if (!gpu || !gpu.commandEncoder) return;
  gpu.endComputePassEncoder();
  gpu.submitQueue();
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
  sparseTimesThin,
  thinTransposedTimesSparse,
  sparseReconstruction,
  sparsePoissonRatio,
  step: fusedStep,
  stage,
  submit,
};
