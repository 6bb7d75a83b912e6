import * as tf from '@tensorflow/tfjs-core';
import { Matrix } from 'ml-matrix';
import { BcnmfError } from '../errors.js';
import { CsrMatrix } from './csr-matrix.js';
import { DenseMatrix, describeNonNumber, type DenseData } from './dense-matrix.js';

/** A dense row-major array with its shape and optional names. */
export interface DenseArrayInput {
  data: DenseData | readonly number[];
  shape: readonly [number, number];
  rowNames?: readonly string[];
  columnNames?: readonly string[];
}

/**
 * Every form a data matrix (samples x features) may take: an array of rows, a dense
 * row-major typed array with its shape, a {@link DenseMatrix}, a sparse
 * {@link CsrMatrix}, an ml-matrix `Matrix`, or a TensorFlow.js `Tensor2D`.
 */
export type MatrixInput =
  | readonly (readonly number[])[]
  | DenseArrayInput
  | DenseMatrix
  | CsrMatrix
  | Matrix
  | tf.Tensor2D;

/**
 * Like {@link toDenseMatrix}, but a {@link CsrMatrix} stays sparse: the form data take
 * into a fit or a transform.
 *
 * @example
 * (await toDataMatrix(CsrMatrix.fromDense(DenseMatrix.fromRows([[0, 1]])), 'target')).nnz; // 1
 */
export async function toDataMatrix(input: MatrixInput, role: string): Promise<DenseMatrix | CsrMatrix> {
  return input instanceof CsrMatrix ? input : toDenseMatrix(input, role);
}

/**
 * Converts any {@link MatrixInput} into a {@link DenseMatrix}, or throws a `BcnmfError`
 * naming `role` ('target', 'background', ...) and what is wrong with it. Typed arrays
 * given with a shape are used as they are, not copied; tensors are read back.
 *
 * @example
 * (await toDenseMatrix([[1, 2], [3, 4]], 'target')).shape; // [2, 2]
 */
export async function toDenseMatrix(input: MatrixInput, role: string): Promise<DenseMatrix> {
  if (input instanceof DenseMatrix) return input;
  if (input instanceof CsrMatrix) return input.toDense();
  if (input instanceof tf.Tensor) {
    if (input.rank !== 2) {
      throw new BcnmfError('INVALID_DATA', `${role} must be a 2-D tensor, got rank ${input.rank}`);
    }
    if (input.isDisposed) throw new BcnmfError('INVALID_DATA', `${role} tensor has been disposed`);
    const values = await input.data();
    const data = values instanceof Float32Array ? new Float32Array(values) : Float32Array.from(values as ArrayLike<number>);
    return new DenseMatrix({ data, shape: [input.shape[0], input.shape[1]] });
  }
  if (Matrix.isMatrix(input)) {
    const m = input as Matrix;
    return new DenseMatrix({ data: Float64Array.from(m.to1DArray()), shape: [m.rows, m.columns] });
  }
  if (Array.isArray(input)) {
    try {
      return DenseMatrix.fromRows(input as readonly (readonly number[])[]);
    } catch (error) {
      throw new BcnmfError('INVALID_DATA', `${role}: ${(error as Error).message}`);
    }
  }
  if (input !== null && typeof input === 'object' && 'data' in input && 'shape' in input) {
    const { data, shape, rowNames, columnNames } = input as DenseArrayInput;
    if (!Array.isArray(shape) || shape.length !== 2) {
      throw new BcnmfError('INVALID_DATA', `${role}.shape must be [rows, columns]`);
    }
    let values: DenseData;
    if (data instanceof Float32Array || data instanceof Float64Array) values = data;
    else if (Array.isArray(data)) {
      const at = (data as unknown[]).findIndex((v) => typeof v !== 'number');
      if (at >= 0) throw new BcnmfError('INVALID_DATA', `${role}.data[${at}] is ${describeNonNumber(data[at])}, not a number`);
      values = Float64Array.from(data);
    }
    else {
      throw new BcnmfError('INVALID_DATA', `${role}.data must be a Float32Array, Float64Array or number[]`);
    }
    try {
      return new DenseMatrix({ data: values, shape: [shape[0], shape[1]], rowNames, columnNames });
    } catch (error) {
      throw new BcnmfError('INVALID_DATA', `${role}: ${(error as Error).message}`);
    }
  }
  throw new BcnmfError(
    'INVALID_DATA',
    `${role} must be number[][], {data, shape}, a DenseMatrix, a CsrMatrix, an ml-matrix Matrix or a tfjs Tensor2D`,
  );
}
