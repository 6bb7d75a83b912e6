import { BcnmfError } from '../errors.js';
import { CsrMatrix } from './csr-matrix.js';
import type { DenseMatrix } from './dense-matrix.js';

/** What {@link checkNonNegativeData} found besides errors. */
export interface DataCheck {
  /** Rows (samples) whose values are all zero. */
  zeroRows: number;
  /** Columns (features) whose values are all zero. */
  zeroColumns: number;
}

function place(matrix: DenseMatrix | CsrMatrix, i: number, j: number, rowOffset: number): string {
  const row = matrix.rowNames ? ` (sample '${matrix.rowNames[i]}')` : '';
  const column = matrix.columnNames ? ` (feature '${matrix.columnNames[j]}')` : '';
  return `row ${i + rowOffset}${row}, column ${j}${column}`;
}

/**
 * Checks that `matrix` (dense or CSR) can be factorized: not empty, every value finite and
 * non-negative. Throws a `BcnmfError` ('INVALID_DATA') naming `role` and the first bad
 * value's row and column (plus `rowOffset`, for a batch of a larger matrix); counts
 * all-zero rows and columns, which are legal.
 *
 * @example
 * checkNonNegativeData(DenseMatrix.fromRows([[1, 0], [2, 0]]), 'target'); // { zeroRows: 0, zeroColumns: 1 }
 */
export function checkNonNegativeData(
  matrix: DenseMatrix | CsrMatrix,
  role: string,
  options: { rowOffset?: number } = {},
): DataCheck {
  const rowOffset = options.rowOffset ?? 0;
  const { rows, columns } = matrix;
  if (rows === 0 || columns === 0) {
    throw new BcnmfError('INVALID_DATA', `${role} is empty (${rows} samples x ${columns} features)`);
  }
  const columnHasValue = new Uint8Array(columns);
  let zeroRows = 0;
  const sparse = matrix instanceof CsrMatrix ? matrix : null;
  const values = matrix.data;
  for (let i = 0; i < rows; i++) {
    let rowHasValue = false;
    const start = sparse ? Number(sparse.indptr[i]) : i * columns;
    const end = sparse ? Number(sparse.indptr[i + 1]) : start + columns;
    for (let p = start; p < end; p++) {
      const v = values[p];
      const j = sparse ? sparse.indices[p] : p - start;
      // One comparison passes every valid value; the slow path explains the others.
      if (!(v >= 0 && v < Infinity)) explainBadValue(matrix, role, v, i, j, rowOffset);
      if (v > 0) {
        rowHasValue = true;
        columnHasValue[j] = 1;
      }
    }
    if (!rowHasValue) zeroRows++;
  }
  let zeroColumns = 0;
  for (let j = 0; j < columns; j++) if (!columnHasValue[j]) zeroColumns++;
  return { zeroRows, zeroColumns };
}

function explainBadValue(
  matrix: DenseMatrix | CsrMatrix,
  role: string,
  v: number,
  i: number,
  j: number,
  rowOffset: number,
): never {
  if (Number.isNaN(v)) {
    throw new BcnmfError(
      'INVALID_DATA',
      `${role} has a missing value (NaN) at ${place(matrix, i, j, rowOffset)}; fill missing values first, ` +
        `e.g. with column means (@bcnmf/data imputes them)`,
    );
  }
  if (!Number.isFinite(v)) {
    throw new BcnmfError('INVALID_DATA', `${role} has an infinite value (${v}) at ${place(matrix, i, j, rowOffset)}`);
  }
  throw new BcnmfError(
    'INVALID_DATA',
    `${role} has a negative value (${v}) at ${place(matrix, i, j, rowOffset)}; NMF needs non-negative data`,
  );
}
