import type { KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import type { SparseInputs } from './sparse-index-cache.js';
import { SparseEntryProductProgram, entryProductInputs } from './sparse-reconstruction.js';
import type { WebGPUBackendLike } from './shared.js';

/** values ⊘ (coefficients · basis + eps) at the stored entries of sparse data: the Poisson updates' ratio for sparse data. */
export const SPARSE_POISSON_RATIO = 'BcnmfSparsePoissonRatio';

/** A thread per stored entry (the reconstruction's program with the division; see sparse-reconstruction.ts). */
function sparsePoissonRatio({ inputs, backend, attrs }: Parameters<KernelFunc>[0]): TensorInfo {
  const args = inputs as unknown as SparseInputs & { coefficients: TensorInfo; basis: TensorInfo };
  const programInputs = entryProductInputs(SPARSE_POISSON_RATIO, args, attrs as NamedAttrMap);
  const { eps } = attrs as NamedAttrMap as { eps: number };
  if (typeof eps !== 'number' || !Number.isFinite(eps)) throw new Error(`${SPARSE_POISSON_RATIO}: 'eps' must be a finite number, got ${eps}`);
  const entries = args.values.shape[0];
  return (backend as unknown as WebGPUBackendLike).runWebGPUProgram(
    new SparseEntryProductProgram(entries, true),
    [...programInputs, args.values],
    'float32',
    [{ type: 'float32', data: [eps] }],
  );
}

/** The kernel, for `registerKernel`: inputs `rowIds`, `colIds`, `values`, `coefficients`, `basis`; attrs `shape` [n, m], `eps`. */
export const sparsePoissonRatioConfig: KernelConfig = {
  kernelName: SPARSE_POISSON_RATIO,
  backendName: 'webgpu',
  kernelFunc: sparsePoissonRatio as unknown as KernelFunc,
};
