import type * as tfjs from '@tensorflow/tfjs-core';
import type { ComputeOps } from '../contract/compute-ops.js';
import type { RatioArgs } from '../contract/params.js';
import { isSparse, type DataTensor } from '../contract/tensors.js';

/** data (n x m) times thin (m x k), dense or sparse. */
export function dataTimes(ops: ComputeOps, data: DataTensor, thin: tfjs.Tensor2D): tfjs.Tensor2D {
  return isSparse(data) ? ops.sparseTimesThin(data, thin) : ops.dataTimesThin(data, thin);
}

/** thinT (k x n) times data (n x m), dense or sparse. */
export function timesData(ops: ComputeOps, thinT: tfjs.Tensor2D, data: DataTensor): tfjs.Tensor2D {
  return isSparse(data) ? ops.thinTransposedTimesSparse(thinT, data) : ops.thinTransposedTimesData(thinT, data);
}

/** data ⊘ (coefficients · basis + eps), dense or (on the stored entries) sparse. */
export function poissonRatioOf(ops: ComputeOps, args: RatioArgs): DataTensor {
  const { data } = args;
  return isSparse(data) ? ops.sparsePoissonRatio({ ...args, data }) : ops.poissonRatio({ ...args, data });
}

/** Frees a ratio early (a sparse one shares its indices with the data). */
export function disposeRatio(ratio: DataTensor): void {
  if (isSparse(ratio)) ratio.values.dispose();
  else ratio.dispose();
}
