import type { BackendAdapter, BackendProbe, TfNamespace } from '@bcnmf/core';
import type { CpuAcceleratorInfo } from './blas.js';
import { cpuAccelerator, ensureCpuAccelerator, syncKernels } from './accelerator.js';
import { describeError, PACKAGE_NAME, setTfBackend } from './adapter-common.js';
import { cpuOps } from './cpu-ops.js';

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
  packageName: PACKAGE_NAME,
  tfjsBackend: 'cpu',
  get description(): string {
    const info = cpuAccelerator();
    const base = 'TensorFlow.js plain-JavaScript backend (@tensorflow/tfjs-backend-cpu)';
    return info.path === 'blas'
      ? `${base} with native BLAS (${info.library}, ${info.threads ?? '?'} threads)`
      : `${base}, tfjs kernels (no native BLAS: ${info.reason})`;
  },
  ops: cpuOps,
  async probe(): Promise<BackendProbe> {
    try {
      await import('@tensorflow/tfjs-backend-cpu');
    } catch (error) {
      return { available: false, reason: `@tensorflow/tfjs-backend-cpu failed to load: ${describeError(error)}` };
    }
    const info = await ensureCpuAccelerator();
    return {
      available: true,
      accelerated: info.kernels === 'native',
      details: acceleratorDetails(info),
      ...(info.kernelFix ? { advice: notBuiltAdvice(info) } : {}),
    };
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
} satisfies BackendAdapter;

/**
 * What the first fit says when the native kernels are not used for a reason a command
 * fixes: a fit that names no backend then runs on wasm (and 'cpu' on BLAS or tfjs's
 * JavaScript kernels), several times slower (benchmarks/RESULTS.md in the repository).
 */
function notBuiltAdvice(info: CpuAcceleratorInfo): string {
  return `the cpu backend's native kernels are not used, so fits run on wasm or on tfjs's kernels, several times slower: ` +
    `${info.kernelReason}`;
}

/** What `bcnmf backends` shows of the cpu backend's native paths. */
function acceleratorDetails(info: CpuAcceleratorInfo): Record<string, string> {
  return {
    'native kernels': info.kernels === 'native'
      ? `built (${info.kernelVariant ?? 'generic'}, ${info.kernelThreads ?? '?'} threads: ${info.kernelLibrary})`
      : `not used: ${info.kernelReason}`,
    BLAS: info.path === 'blas'
      ? `${info.library} (${info.threads ?? '?'} threads)`
      : `not used: ${info.reason}`,
  };
}
