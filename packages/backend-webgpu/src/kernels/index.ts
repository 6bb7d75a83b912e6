import { getKernel, registerKernel, unregisterKernel, type KernelConfig } from '@tensorflow/tfjs-core';
import { groupedAddNToRegister } from './add-n.js';
import { dataTimesThinConfig } from './data-times-thin.js';
import { fusedStepConfig } from './fused-step.js';
import { multiplicativeUpdateConfig } from './multiplicative-update.js';
import { poissonRatioConfig } from './poisson-ratio.js';
import { sparsePoissonRatioConfig } from './sparse-poisson-ratio.js';
import { sparseReconstructionConfig } from './sparse-reconstruction.js';
import { sparseTimesThinConfig } from './sparse-times-thin.js';
import { thinTransposedTimesDataConfig } from './thin-transposed-times-data.js';
import { thinTransposedTimesSparseConfig } from './thin-transposed-times-sparse.js';

/** bcnmf's WGSL kernels for tfjs's 'webgpu' backend. */
export const KERNEL_CONFIGS: readonly KernelConfig[] = [
  dataTimesThinConfig,
  thinTransposedTimesDataConfig,
  multiplicativeUpdateConfig,
  poissonRatioConfig,
  sparseTimesThinConfig,
  thinTransposedTimesSparseConfig,
  sparseReconstructionConfig,
  sparsePoissonRatioConfig,
  fusedStepConfig,
];

/**
 * Registers the kernels with tfjs (once; tfjs keeps one kernel registry per process),
 * and replaces tfjs's webgpu AddN with one that adds many inputs in groups (call after
 * tfjs-backend-webgpu is imported).
 */
export function registerWebGPUKernels(): void {
  for (const config of KERNEL_CONFIGS) {
    if (!getKernel(config.kernelName, config.backendName)) registerKernel(config);
  }
  const addN = groupedAddNToRegister();
  if (addN) {
    unregisterKernel('AddN', 'webgpu');
    registerKernel(addN);
  }
}
