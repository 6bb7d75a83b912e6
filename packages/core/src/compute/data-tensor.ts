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

/**
 * The stored entries a CSR upload of `nnz` entries is padded to with `sizeClasses`: nnz
 * rounded up to a multiple of 2^(⌊log2 nnz⌋ − 3), in steps of at least 256: at most 1/8
 * more (or 255 entries), and batches of similar density land on the same few sizes.
 */
export function sparseSizeClass(nnz: number): number {
  if (nnz === 0) return 0;
  const step = 2 ** Math.max(8, Math.floor(Math.log2(nnz)) - 3);
  return Math.ceil(nnz / step) * step;
}

/**
 * Copies a host matrix to the device, in float32. With `sizeClasses`, CSR data get
 * explicit zero entries up to {@link sparseSizeClass} of their count (spread over the
 * rows, at columns in turn): every sum over stored entries is the same, and a device
 * that keeps freed buffers by size (tfjs-backend-webgpu) can reuse one batch's buffers
 * for the next, whose count differs a little.
 */
export function uploadMatrix(matrix: DenseMatrix | CsrMatrix, { sizeClasses = false }: { sizeClasses?: boolean } = {}): DataTensor {
  if (matrix instanceof CsrMatrix) {
    const nnz = matrix.nnz;
    const padding = sizeClasses && matrix.rows > 0 && matrix.columns > 0 ? sparseSizeClass(nnz) - nnz : 0;
    const values = matrix.data instanceof Float32Array ? matrix.data : Float32Array.from(matrix.data);
    if (padding > 0) return paddedCsr(matrix, values, padding);
    const rowIds = new Int32Array(nnz);
    for (let i = 0; i < matrix.rows; i++) rowIds.fill(i, Number(matrix.indptr[i]), Number(matrix.indptr[i + 1]));
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

/** CSR data with `padding` zero entries after the rows' own (row i gets its share; columns in turn), row ids sorted. */
function paddedCsr(matrix: CsrMatrix, values: Float32Array, padding: number): SparseTensor {
  const { rows, columns } = matrix;
  const total = matrix.nnz + padding;
  const rowIds = new Int32Array(total);
  const colIds = new Int32Array(total);
  const padded = new Float32Array(total); // the padding's values stay 0
  let out = 0;
  let pad = 0;
  for (let i = 0; i < rows; i++) {
    const start = Number(matrix.indptr[i]);
    const end = Number(matrix.indptr[i + 1]);
    colIds.set(matrix.indices.subarray(start, end), out);
    padded.set(values.subarray(start, end), out);
    rowIds.fill(i, out, out + end - start);
    out += end - start;
    const share = Math.floor(((i + 1) * padding) / rows) - Math.floor((i * padding) / rows);
    for (let p = 0; p < share; p++, pad++, out++) {
      rowIds[out] = i;
      colIds[out] = pad % columns;
    }
  }
  return {
    kind: 'csr',
    shape: [rows, columns],
    rowIds: tf.tensor1d(rowIds, 'int32'),
    colIds: tf.tensor1d(colIds, 'int32'),
    values: tf.tensor1d(padded, 'float32'),
  };
}
