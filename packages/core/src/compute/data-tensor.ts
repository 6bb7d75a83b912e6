import * as tf from '@tensorflow/tfjs-core';
import { isSparse, type DataTensor, type SparseTensor } from '../contract/tensors.js';
import { CsrMatrix } from '../matrix/csr-matrix.js';
import type { DenseMatrix } from '../matrix/dense-matrix.js';

/** Rows x columns of a data matrix. */
export function dataShape(data: DataTensor): [number, number] {
  return [data.shape[0], data.shape[1]];
}

/** rows * columns (zeros included). */
export function dataSize(data: DataTensor): number {
  return data.shape[0] * data.shape[1];
}

export function disposeData(data: DataTensor | null): void {
  if (!data) return;
  if (isSparse(data)) tf.dispose([data.rowIds, data.colIds, data.values]);
  else data.dispose();
}

/** The same entries with other values (the Poisson ratio keeps the pattern). */
export function withValues(data: SparseTensor, values: tf.Tensor1D): SparseTensor {
  return { kind: 'csr', shape: data.shape, rowIds: data.rowIds, colIds: data.colIds, values };
}

/** Copies a host matrix to the device, in float32. */
export function uploadMatrix(matrix: DenseMatrix | CsrMatrix): DataTensor {
  if (matrix instanceof CsrMatrix) {
    const nnz = matrix.nnz;
    const rowIds = new Int32Array(nnz);
    for (let i = 0; i < matrix.rows; i++) rowIds.fill(i, Number(matrix.indptr[i]), Number(matrix.indptr[i + 1]));
    const values = matrix.data instanceof Float32Array ? matrix.data : Float32Array.from(matrix.data);
    return {
      kind: 'csr',
      shape: [matrix.rows, matrix.columns],
      rowIds: tf.tensor1d(rowIds, 'int32'),
      colIds: tf.tensor1d(matrix.indices, 'int32'),
      values: tf.tensor1d(values, 'float32'),
    };
  }
  const data = matrix.data instanceof Float32Array ? matrix.data : Float32Array.from(matrix.data);
  return tf.tensor2d(data, [matrix.rows, matrix.columns]);
}
