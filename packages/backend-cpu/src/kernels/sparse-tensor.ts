import type * as tfjs from '@tensorflow/tfjs-core';

/**
 * Core's sparse data on the device (its `SparseTensor`): coordinate lists sorted by row,
 * entry p is `values[p]` at (`rowIds[p]`, `colIds[p]`). Declared here by shape because
 * backend packages do not depend on core.
 */
export interface CsrTensor {
  readonly kind: 'csr';
  readonly shape: [number, number];
  readonly rowIds: tfjs.Tensor1D;
  readonly colIds: tfjs.Tensor1D;
  readonly values: tfjs.Tensor1D;
}
