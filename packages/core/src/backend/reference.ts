import type { BackendAdapter } from '../contract/adapter.js';
import type { TfNamespace } from '../contract/tensors.js';

/**
 * Core's own `cpu` backend: TensorFlow.js's plain-JavaScript kernels
 * (`@tensorflow/tfjs-backend-cpu`) with core's reference operations (`plainOps`), so
 * that `@bcnmf/core` alone can fit. `@bcnmf/backend-cpu` (in the `bcnmf` package)
 * registers the real `cpu` backend, with native kernels, in its place when imported.
 */
export const referenceCpuAdapter = {
  name: 'cpu',
  packageName: '@bcnmf/core',
  tfjsBackend: 'cpu',
  description: "TensorFlow.js's plain-JavaScript kernels with core's reference operations (@bcnmf/core alone)",
  async probe() {
    try {
      await import('@tensorflow/tfjs-backend-cpu');
    } catch (error) {
      return { available: false, reason: `@tensorflow/tfjs-backend-cpu failed to load: ${(error as Error).message}` };
    }
    return {
      available: true,
      accelerated: false,
      details: { kernels: 'reference (tfjs ops): @bcnmf/backend-cpu, part of the bcnmf package, adds native kernels' },
    };
  },
  async activate(tf: TfNamespace) {
    await import('@tensorflow/tfjs-backend-cpu');
    if (!(await tf.setBackend('cpu'))) throw new Error("tfjs could not initialise its 'cpu' backend");
    await tf.ready();
  },
} satisfies BackendAdapter;
