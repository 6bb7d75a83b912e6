import * as importedTf from '@tensorflow/tfjs-core';
import type { Blas } from '../blas.js';
import type { NativeKernels } from '../native.js';

/** The tfjs namespace and BLAS the `cpu` backend's operations use. */
export interface CpuKernelState {
  /** The namespace passed to `cpuAdapter.activate` (core's), else this package's import. */
  tf: typeof importedTf;
  /** Native BLAS, or null for tfjs's own kernels. */
  blas: Blas | null;
  /** bcnmf's native kernels (native/kernels.c), or null. */
  native: NativeKernels | null;
}

export const kernelState: CpuKernelState = { tf: importedTf, blas: null, native: null };
