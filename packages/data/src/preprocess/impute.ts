import { BcnmfError, DenseMatrix } from '@bcnmf/core';

/** Options of {@link imputeColumnMeans}. */
export interface ImputeOptions {
  /**
   * Rows whose values give the column means and whose missing values are filled.
   * Default: all rows. Rows outside the set are copied unchanged. An empty list is
   * refused (it would fill nothing and leave every NaN in place).
   */
  rows?: readonly number[];
}

/**
 * Fills missing values (NaN) with the mean of their column over the chosen rows (NaN
 * skipped), as pandas' `df.fillna(df.mean())` on those rows. A column with no value at
 * all among the chosen rows is refused with `INVALID_DATA`. Returns a new Float64
 * matrix, names kept.
 *
 * @example
 * imputeColumnMeans(DenseMatrix.fromRows([[1, NaN], [3, 4], [NaN, 8]])).toArray();
 * // [[1, 6], [3, 4], [2, 8]]
 */
export function imputeColumnMeans(m: DenseMatrix, options: ImputeOptions = {}): DenseMatrix {
  const rows = options.rows ?? Array.from({ length: m.rows }, (_, i) => i);
  if (!Array.isArray(rows)) throw new BcnmfError('INVALID_OPTION', 'rows must be an array of row indices');
  if (options.rows !== undefined && rows.length === 0) {
    throw new BcnmfError('INVALID_OPTION', 'rows is empty: no row to take the column means from or to fill; leave it out to use all rows');
  }
  for (const i of rows) {
    if (!Number.isInteger(i) || i < 0 || i >= m.rows) throw new BcnmfError('INVALID_OPTION', `row index ${i} is outside 0..${m.rows - 1}`);
  }
  const c = m.columns;
  const sum = new Float64Array(c);
  const count = new Float64Array(c);
  for (const i of rows) {
    for (let j = 0; j < c; j++) {
      const x = m.data[i * c + j];
      if (!Number.isNaN(x)) {
        sum[j] += x;
        count[j]++;
      }
    }
  }
  const out = Float64Array.from(m.data);
  for (let j = 0; j < c; j++) {
    const needed = rows.some((i) => Number.isNaN(m.data[i * c + j]));
    if (needed && count[j] === 0) {
      const name = m.columnNames?.[j] ?? `column ${j}`;
      throw new BcnmfError('INVALID_DATA', `${name} has no value in the selected rows, so its missing values cannot be filled`);
    }
  }
  for (const i of rows) {
    for (let j = 0; j < c; j++) {
      if (Number.isNaN(out[i * c + j])) out[i * c + j] = sum[j] / count[j];
    }
  }
  return new DenseMatrix({ data: out, shape: m.shape, rowNames: m.rowNames, columnNames: m.columnNames });
}

/**
 * Fills missing values (NaN) with a constant (default 0), as numpy's
 * `genfromtxt(..., filling_values=0)` does when it reads empty cells (the reference
 * notebook of the mouse protein experiment). Every row is filled; returns a new Float64
 * matrix, names kept. Zero-fill can carry information: where missingness depends on the
 * class, the zeros mark the class.
 *
 * @example
 * imputeConstant(DenseMatrix.fromRows([[1, NaN], [NaN, 4]])).toArray(); // [[1, 0], [0, 4]]
 * imputeConstant(DenseMatrix.fromRows([[NaN]]), 7).toArray(); // [[7]]
 */
export function imputeConstant(m: DenseMatrix, value = 0): DenseMatrix {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new BcnmfError('INVALID_OPTION', `the fill value must be a finite number, got ${String(value)}`);
  const out = Float64Array.from(m.data);
  for (let i = 0; i < out.length; i++) if (Number.isNaN(out[i])) out[i] = value;
  return new DenseMatrix({ data: out, shape: m.shape, rowNames: m.rowNames, columnNames: m.columnNames });
}
