import { BcnmfError } from '../errors.js';
import { CsrMatrix } from './csr-matrix.js';
import type { DenseMatrix } from './dense-matrix.js';

/** The largest finite float32: larger float64 values become Infinity on the device. */
export const FLOAT32_MAX = 3.4028234663852886e38;

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
 * Checks that `matrix` (dense or CSR) can be factorized: not empty, every value finite,
 * non-negative and at most `maxValue` (default: the largest float32, since the compute
 * runs in float32; a fit passes its loss's bound, beyond which the loss's sums overflow).
 * Throws a `BcnmfError` ('INVALID_DATA') naming `role` and the first bad value's row and
 * column (plus `rowOffset`, for a batch of a larger matrix); counts all-zero rows and
 * columns, which are legal. For a matrix read in batches, pass the same `columnHasValue`
 * (one byte per column) with every batch: the columns with a value are marked in it, and
 * `zeroColumns` counts those that have none in any batch so far.
 *
 * @example
 * checkNonNegativeData(DenseMatrix.fromRows([[1, 0], [2, 0]]), 'target'); // { zeroRows: 0, zeroColumns: 1 }
 */
export function checkNonNegativeData(
  matrix: DenseMatrix | CsrMatrix,
  role: string,
  options: { rowOffset?: number; maxValue?: number; columnHasValue?: Uint8Array } = {},
): DataCheck {
  const rowOffset = options.rowOffset ?? 0;
  const maxValue = options.maxValue ?? FLOAT32_MAX;
  const { rows, columns } = matrix;
  if (rows === 0 || columns === 0) {
    throw new BcnmfError('INVALID_DATA', `${role} is empty (${rows} samples x ${columns} features)`);
  }
  if (options.columnHasValue && options.columnHasValue.length !== columns) {
    throw new Error(`checkNonNegativeData: columnHasValue has ${options.columnHasValue.length} entries for ${columns} columns`);
  }
  const columnHasValue = options.columnHasValue ?? new Uint8Array(columns);
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
      if (!(v >= 0 && v <= maxValue)) explainBadValue(matrix, role, v, i, j, rowOffset, maxValue);
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
  maxValue: number,
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
  if (v > FLOAT32_MAX) {
    throw new BcnmfError(
      'INVALID_DATA',
      `${role} has the value ${v} at ${place(matrix, i, j, rowOffset)}, beyond float32 (largest ${FLOAT32_MAX.toPrecision(3)}), ` +
        'in which bcnmf computes; rescale the data (e.g. divide by its largest value)',
    );
  }
  if (v > maxValue) {
    throw new BcnmfError(
      'INVALID_DATA',
      `${role} has the value ${v} at ${place(matrix, i, j, rowOffset)}, above ${maxValue.toPrecision(3)}, beyond which this loss's ` +
        'float32 sums overflow; rescale the data (e.g. divide by its largest value, or log1p for counts)',
    );
  }
  throw new BcnmfError(
    'INVALID_DATA',
    `${role} has a negative value (${v}) at ${place(matrix, i, j, rowOffset)}; NMF needs non-negative data`,
  );
}

/** Refuses a target whose samples are all zeros: every factorization of zeros is zeros, and a fit would "succeed" with nothing to show. */
export function refuseZeroTarget(role: string, zeroRows: number, rows: number): void {
  if (zeroRows === rows) {
    throw new BcnmfError('INVALID_DATA', `${role} is all zeros (each of its ${rows} sample${rows === 1 ? '' : 's'}): there is nothing to factorize`);
  }
}
