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
 * rows, each at a position not stored, as far as there are such positions): every sum
 * over stored entries is the same, and a device
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

/**
 * CSR data with up to `padding` zero entries after the rows' own, each at a position the
 * row does not store (no position twice: the sparse scores count each stored position
 * once), row ids sorted. Row i gets its share, starting at a column that moves on from
 * row to row; what a full row cannot take goes to the next ones, and what no row can take
 * is left out.
 */
function paddedCsr(matrix: CsrMatrix, values: Float32Array, padding: number): SparseTensor {
  const { rows, columns } = matrix;
  const capacity = matrix.nnz + padding;
  const rowIds = new Int32Array(capacity);
  const colIds = new Int32Array(capacity);
  const padded = new Float32Array(capacity); // the padding's values stay 0
  const taken = new Int32Array(columns).fill(-1); // the last row that holds each column
  let out = 0;
  let placed = 0;
  let owed = 0;
  let cursor = 0;
  for (let i = 0; i < rows; i++) {
    const start = Number(matrix.indptr[i]);
    const end = Number(matrix.indptr[i + 1]);
    colIds.set(matrix.indices.subarray(start, end), out);
    padded.set(values.subarray(start, end), out);
    rowIds.fill(i, out, out + end - start);
    for (let e = start; e < end; e++) taken[matrix.indices[e]] = i;
    out += end - start;
    owed += Math.floor(((i + 1) * padding) / rows) - Math.floor((i * padding) / rows);
    const room = columns - (end - start);
    let share = Math.min(owed, room);
    owed -= share;
    for (let c = cursor; share > 0; c = c + 1 === columns ? 0 : c + 1) {
      if (taken[c] === i) continue;
      taken[c] = i;
      rowIds[out] = i;
      colIds[out++] = c;
      placed++;
      share--;
      cursor = c + 1 === columns ? 0 : c + 1;
    }
  }
  const total = matrix.nnz + placed;
  return {
    kind: 'csr',
    shape: [rows, columns],
    rowIds: tf.tensor1d(rowIds.subarray(0, total), 'int32'),
    colIds: tf.tensor1d(colIds.subarray(0, total), 'int32'),
    values: tf.tensor1d(padded.subarray(0, total), 'float32'),
  };
}
