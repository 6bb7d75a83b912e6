// @bcnmf/backend-webgpu: importing it registers the 'webgpu' backend with @bcnmf/core
// (nothing GPU-related loads until a fit asks for it: Dawn and tfjs-backend-webgpu are
// imported by the adapter's probe and activation).
import { registerBackend } from '@bcnmf/core';
import { webgpuAdapter } from './adapter.js';

registerBackend(webgpuAdapter);

export { TFJS_WEBGPU_VERSION, createWebGPUAdapter, webgpuAdapter } from './adapter.js';
export type { WebGPUAdapter, WebGPUAdapterOptions, WebGPUBackendProbe } from './adapter.js';
export { WebGPUUnavailableError, findWebGPU, formatDeviceInfo } from './gpu.js';
export type { DawnBackend, DawnModule, FindWebGPUOptions, FoundWebGPU, GpuLike, WebGPUDeviceInfo, WebGPUSource } from './gpu.js';
export { KERNEL_CONFIGS, registerWebGPUKernels } from './kernels/index.js';
export { DATA_TIMES_THIN } from './kernels/data-times-thin.js';
export { THIN_TRANSPOSED_TIMES_DATA } from './kernels/thin-transposed-times-data.js';
export { MULTIPLICATIVE_UPDATE } from './kernels/multiplicative-update.js';
export { POISSON_RATIO } from './kernels/poisson-ratio.js';
export { FUSED_STEP } from './kernels/fused-step.js';
export { SPARSE_TIMES_THIN } from './kernels/sparse-times-thin.js';
export { THIN_TRANSPOSED_TIMES_SPARSE } from './kernels/thin-transposed-times-sparse.js';
export { SPARSE_RECONSTRUCTION } from './kernels/sparse-reconstruction.js';
export { SPARSE_POISSON_RATIO } from './kernels/sparse-poisson-ratio.js';
export { fusedStep, trimBufferPool, webgpuOps } from './ops.js';
export type { WebGPUComputeOps } from './ops.js';
