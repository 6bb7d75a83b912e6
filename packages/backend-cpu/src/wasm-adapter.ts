import type { BackendAdapter, BackendProbe, TfNamespace } from '@bcnmf/core';
import { describeError, PACKAGE_NAME, setTfBackend } from './adapter-common.js';

/**
 * TensorFlow.js on WebAssembly (`@tensorflow/tfjs-backend-wasm`, SIMD where the
 * engine has it): the default where the cpu backend has no native kernels, and in browsers. The .wasm binaries ship inside the npm
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
  packageName: PACKAGE_NAME,
  tfjsBackend: 'wasm',
  description: 'TensorFlow.js WebAssembly backend (@tensorflow/tfjs-backend-wasm)',
  memoryLimitBytes: 4 * 1024 ** 3,
  async probe(): Promise<BackendProbe> {
    if (typeof WebAssembly !== 'object') {
      return { available: false, reason: 'this JavaScript engine has no WebAssembly' };
    }
    try {
      await import('@tensorflow/tfjs-backend-wasm');
      return { available: true, details: { memory: 'at most 4 GiB (a 32-bit WebAssembly heap)' } };
    } catch (error) {
      return { available: false, reason: `@tensorflow/tfjs-backend-wasm failed to load: ${describeError(error)}` };
    }
  },
  async activate(tf: TfNamespace): Promise<void> {
    await import('@tensorflow/tfjs-backend-wasm');
    await setTfBackend(tf, 'wasm');
  },
} satisfies BackendAdapter;
