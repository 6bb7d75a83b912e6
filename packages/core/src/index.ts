export { BcnmfError } from './errors.js';
export type { BcnmfErrorCode } from './errors.js';
export { DenseMatrix } from './matrix/dense-matrix.js';
export type { DenseData, DenseMatrixInit } from './matrix/dense-matrix.js';
