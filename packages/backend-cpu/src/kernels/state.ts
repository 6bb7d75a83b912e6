import * as importedTf from '@tensorflow/tfjs-core';
import type { Blas } from '../blas.js';

/** The tfjs namespace and BLAS the `cpu` backend's operations use. */
export interface CpuKernelState {
  /** The namespace passed to `cpuAdapter.activate` (core's), else this package's import. */
  tf: typeof importedTf;
  /** Native BLAS, or null for tfjs's own kernels. */
  blas: Blas | null;
}

export const kernelState: CpuKernelState = { tf: importedTf, blas: null };
