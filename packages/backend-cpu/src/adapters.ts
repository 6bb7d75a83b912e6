import type * as tfjs from '@tensorflow/tfjs-core';
import { cpuAccelerator, ensureCpuAccelerator, syncKernels } from './accelerator.js';
import { cpuOps } from './cpu-ops.js';

/** What {@link wasmAdapter} and {@link cpuAdapter} report from `probe()`. */
export interface CpuBackendProbe {
  available: boolean;
  /** Why the backend cannot run here, when it cannot. */
  reason?: string;
  /** `cpu` only: true when its native kernels load here (core then prefers it by default). */
  accelerated?: boolean;
}

/** The tfjs namespace the adapter activates the backend in (core passes its own). */
export type TfNamespace = typeof tfjs;

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Makes `tf` run on `backendName`, or says why it cannot. */
async function setTfBackend(tf: TfNamespace, backendName: string): Promise<void> {
  const ok = await tf.setBackend(backendName);
  if (!ok) {
    throw new Error(`tfjs could not initialise its '${backendName}' backend`);
  }
  await tf.ready();
}

/**
 * TensorFlow.js on WebAssembly (`@tensorflow/tfjs-backend-wasm`, SIMD where the
 * engine has it): bcnmf's default backend. The .wasm binaries ship inside the npm
 * package, so nothing is downloaded at install or run time.
 *
 * Its heap is a 32-bit WebAssembly memory and ends at 4 GiB: data, coefficients and
 * temporaries of one fit must fit there.
 *
 * @example
 * import * as tf from '@tensorflow/tfjs-core';
 * await wasmAdapter.activate(tf);
 * tf.getBackend(); // 'wasm'
 */
export const wasmAdapter = {
  name: 'wasm',
  tfjsBackend: 'wasm',
  description: 'TensorFlow.js WebAssembly backend (@tensorflow/tfjs-backend-wasm)',
  memoryLimitBytes: 4 * 1024 ** 3,
  async probe(): Promise<CpuBackendProbe> {
    if (typeof WebAssembly !== 'object') {
      return { available: false, reason: 'this JavaScript engine has no WebAssembly' };
    }
    try {
      await import('@tensorflow/tfjs-backend-wasm');
      return { available: true };
    } catch (error) {
      return { available: false, reason: `@tensorflow/tfjs-backend-wasm failed to load: ${describe(error)}` };
    }
  },
  async activate(tf: TfNamespace): Promise<void> {
    await import('@tensorflow/tfjs-backend-wasm');
    await setTfBackend(tf, 'wasm');
  },
};

/**
 * TensorFlow.js in plain JavaScript (`@tensorflow/tfjs-backend-cpu`), with native BLAS
 * where this machine has it: when koffi loads and finds OpenBLAS (Accelerate on macOS),
 * tfjs's matMul kernel for 'cpu' and the large products run as BLAS sgemm on all cores,
 * on the backend's own arrays. Without BLAS the same backend runs tfjs's JavaScript
 * kernels (slower). `cpuAccelerator()` says which path is active and why; the fused
 * update and the sparse products are used on both paths. The tensors adopt Float32Array
 * input without copying it; memory is limited only by the JavaScript heap.
 *
 * @example
 * import * as tf from '@tensorflow/tfjs-core';
 * await cpuAdapter.activate(tf);
 * tf.getBackend(); // 'cpu'
 * cpuAccelerator().path; // 'blas' where libopenblas is installed, else 'tfjs'
 */
export const cpuAdapter = {
  name: 'cpu',
  tfjsBackend: 'cpu',
  get description(): string {
    const info = cpuAccelerator();
    const base = 'TensorFlow.js plain-JavaScript backend (@tensorflow/tfjs-backend-cpu)';
    return info.path === 'blas'
      ? `${base} with native BLAS (${info.library}, ${info.threads ?? '?'} threads)`
      : `${base}, tfjs kernels (no native BLAS: ${info.reason})`;
  },
  ops: cpuOps,
  async probe(): Promise<CpuBackendProbe> {
    try {
      await import('@tensorflow/tfjs-backend-cpu');
    } catch (error) {
      return { available: false, reason: `@tensorflow/tfjs-backend-cpu failed to load: ${describe(error)}` };
    }
    const info = await ensureCpuAccelerator();
    return { available: true, accelerated: info.kernels === 'native' };
  },
  async activate(tf: TfNamespace): Promise<void> {
    await import('@tensorflow/tfjs-backend-cpu');
    await ensureCpuAccelerator();
    syncKernels(tf);
    await setTfBackend(tf, 'cpu');
    // tfjs-backend-cpu prints a banner on first use in Node advising tfjs-node; here the
    // heavy work runs in native kernels or BLAS, so the advice does not apply.
    const backend = tf.backend() as unknown as { firstUse?: boolean };
    if (backend && 'firstUse' in backend) backend.firstUse = false;
  },
};
