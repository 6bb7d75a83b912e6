// @bcnmf/backend-cpu (Node entry): importing it registers the 'cpu' (native kernels,
// BLAS) and 'wasm' backends with @bcnmf/core, as tfjs's backend packages register
// themselves with tfjs-core. Browsers get ./browser.ts (wasm only, no native code).
import { registerBackend } from '@bcnmf/core';
import { cpuAdapter } from './cpu-adapter.js';
import { wasmAdapter } from './wasm-adapter.js';

registerBackend(cpuAdapter);
registerBackend(wasmAdapter);

export { cpuAdapter } from './cpu-adapter.js';
export { wasmAdapter } from './wasm-adapter.js';
export { configureCpuAccelerator, cpuAccelerator } from './accelerator.js';
export { blasCandidates } from './blas.js';
export type { Blas, BlasLoadOptions, CpuAcceleratorInfo, Sgemm } from './blas.js';
export { cpuOps } from './cpu-ops.js';
export { loadNativeKernels } from './native.js';
export type { NativeKernels, NativeLoadOptions, NativeVariant } from './native.js';
export type { NativeUnavailable } from './native-build.js';
