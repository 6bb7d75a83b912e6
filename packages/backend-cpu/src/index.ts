export { cpuAdapter, wasmAdapter } from './adapters.js';
export type { CpuBackendProbe, TfNamespace } from './adapters.js';
export { configureCpuAccelerator, cpuAccelerator } from './accelerator.js';
export { blasCandidates } from './blas.js';
export type { Blas, BlasLoadOptions, CpuAcceleratorInfo, Sgemm } from './blas.js';
export { cpuOps } from './cpu-ops.js';
export { loadNativeKernels } from './native.js';
export type { NativeKernels, NativeLoadOptions } from './native.js';
