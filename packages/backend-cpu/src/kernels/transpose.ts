import type * as tfjs from '@tensorflow/tfjs-core';
import { transposeValues } from './tensor-values.js';

interface CpuBackendLike {
  readSync(dataId: tfjs.DataId): unknown;
  makeTensorInfo(shape: number[], dtype: tfjs.DataType, values: Float32Array | Int32Array): tfjs.TensorInfo;
}

/**
 * tfjs's `Transpose` kernel for the 'cpu' backend, for 2-D float32 tensors: a plain
 * row-by-row loop instead of tfjs's index arithmetic per element (core transposes W and
 * H, k x m and n x k, four times an iteration: 6 ms each at 2,000 x 20 with tfjs's
 * kernel, ~0.1 ms here). Other ranks, permutations and dtypes go to `fallback`.
 */
export function fastTransposeConfig(fallback: tfjs.KernelConfig): tfjs.KernelConfig {
  return {
    kernelName: 'Transpose',
    backendName: 'cpu',
    kernelFunc(args) {
      const x = args.inputs.x as tfjs.TensorInfo;
      const perm = (args.attrs as { perm?: number[] }).perm;
      if (x.dtype !== 'float32' || x.shape.length !== 2 || !perm || perm[0] !== 1 || perm[1] !== 0) {
        return fallback.kernelFunc(args);
      }
      const backend = args.backend as unknown as CpuBackendLike;
      const [rows, columns] = x.shape;
      const values = backend.readSync(x.dataId) as Float32Array;
      return backend.makeTensorInfo([columns, rows], 'float32', transposeValues(values, rows, columns));
    },
  };
}
