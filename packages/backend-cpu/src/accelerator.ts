import type * as tfjs from '@tensorflow/tfjs-core';
import { loadBlas, type Blas, type BlasLoadOptions, type CpuAcceleratorInfo } from './blas.js';
import { loadNativeKernels, type NativeKernels } from './native.js';
import { blasBatchMatMulConfig } from './kernels/batch-mat-mul.js';
import { fastTransposeConfig } from './kernels/transpose.js';
import { kernelState } from './kernels/state.js';

let loaded: {
  blas: Blas | null;
  reason: string | null;
  native: NativeKernels | null;
  nativeReason: string | null;
  nativeFix: string | null;
} | null = null;
let loading: Promise<void> | null = null;
let originalBatchMatMul: tfjs.KernelConfig | null = null;
let blasBatchMatMul: tfjs.KernelConfig | null = null;
let fastTranspose: tfjs.KernelConfig | null = null;

/** Which path the `cpu` backend's products take right now, and why. */
export function cpuAccelerator(): CpuAcceleratorInfo {
  if (!loaded) {
    const why = 'not loaded yet: the cpu backend loads BLAS and its native kernels when it is activated';
    return {
      path: 'tfjs', library: null, config: null, threads: null, reason: why,
      kernels: 'javascript', kernelLibrary: null, kernelVariant: null, kernelThreads: null, kernelReason: why, kernelFix: null,
    };
  }
  const { blas, reason, native, nativeReason, nativeFix } = loaded;
  const kernels = native
    ? { kernels: 'native' as const, kernelLibrary: native.library, kernelVariant: native.variant, kernelThreads: native.threads, kernelReason: null, kernelFix: null }
    : { kernels: 'javascript' as const, kernelLibrary: null, kernelVariant: null, kernelThreads: null, kernelReason: nativeReason, kernelFix: nativeFix };
  return blas
    ? { path: 'blas', library: blas.library, config: blas.config, threads: blas.threads, reason: null, ...kernels }
    : { path: 'tfjs', library: null, config: null, threads: null, reason, ...kernels };
}

async function load(options: BlasLoadOptions): Promise<void> {
  const [result, native] = await Promise.all([
    loadBlas(options),
    loadNativeKernels({ importKoffi: options.importKoffi, ...options.native }),
  ]);
  loaded = {
    blas: 'sgemm' in result ? result : null,
    reason: 'sgemm' in result ? null : result.reason,
    native: 'fusedPass' in native ? native : null,
    nativeReason: 'fusedPass' in native ? null : native.reason,
    nativeFix: 'fusedPass' in native ? null : (native.fix ?? null),
  };
  kernelState.blas = loaded.blas;
  kernelState.native = loaded.native;
}

/** Loads BLAS once (the first call decides); later calls wait for the same load. */
export async function ensureCpuAccelerator(): Promise<CpuAcceleratorInfo> {
  if (!loaded) {
    loading ??= load({});
    await loading;
  }
  return cpuAccelerator();
}

/**
 * Loads BLAS and the native kernels again with `options` (a library file, `disable`,
 * `native: { disable }`, or an injected koffi import for tests) and, when
 * tfjs-backend-cpu is registered, switches its matMul kernel to match. Returns the paths
 * now active.
 *
 * @example
 * await configureCpuAccelerator({ disable: true, native: { disable: true } });
 * cpuAccelerator().path; // 'tfjs'
 * cpuAccelerator().kernels; // 'javascript'
 */
export async function configureCpuAccelerator(options: BlasLoadOptions = {}): Promise<CpuAcceleratorInfo> {
  loading = load(options);
  await loading;
  syncKernels(kernelState.tf);
  return cpuAccelerator();
}

/**
 * Registers the 2-D transpose kernel (always: tfjs's is slow for the thin W and H) and
 * the BLAS matMul kernel for tfjs's 'cpu' backend when BLAS is loaded, and
 * tfjs's own one otherwise, so that every tf.matMul on 'cpu' (scores, small products,
 * other packages' code) takes the same path as the backend's operations.
 */
export function syncKernels(tf: typeof tfjs): void {
  kernelState.tf = tf;
  const transpose = tf.getKernel('Transpose', 'cpu');
  if (transpose && transpose !== fastTranspose) {
    fastTranspose = fastTransposeConfig(transpose);
    tf.unregisterKernel('Transpose', 'cpu');
    tf.registerKernel(fastTranspose);
  }
  const current = tf.getKernel('BatchMatMul', 'cpu');
  if (!current) return; // tfjs-backend-cpu not imported yet
  if (current !== blasBatchMatMul) originalBatchMatMul = current;
  if (kernelState.blas) {
    if (current === blasBatchMatMul) return;
    blasBatchMatMul = blasBatchMatMulConfig(() => kernelState.blas, originalBatchMatMul!);
    tf.unregisterKernel('BatchMatMul', 'cpu');
    tf.registerKernel(blasBatchMatMul);
  } else if (current === blasBatchMatMul && originalBatchMatMul) {
    tf.unregisterKernel('BatchMatMul', 'cpu');
    tf.registerKernel(originalBatchMatMul);
  }
}
