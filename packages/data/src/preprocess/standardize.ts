import { DenseMatrix } from '@bcnmf/core';

/** Options of {@link standardize}. */
export interface StandardizeOptions {
  /** Delta degrees of freedom of the standard deviation. Default 0 (scikit-learn's StandardScaler). */
  ddof?: number;
}

/**
 * z-score per column: `(x - mean) / sd`. A column with zero (or undefined) standard
 * deviation is only centred (divided by 1), as scikit-learn's StandardScaler does, so no
 * NaN or Infinity appears. Returns a new Float64 matrix, names kept.
 *
 * @example
 * standardize(DenseMatrix.fromRows([[1, 5], [3, 5]])).toArray(); // [[-1, 0], [1, 0]]
 */
export function standardize(m: DenseMatrix, options: StandardizeOptions = {}): DenseMatrix {
  const ddof = options.ddof ?? 0;
  const { rows, columns: c } = m;
  const mean = new Float64Array(c);
  const ss = new Float64Array(c);
  for (let i = 0; i < rows; i++) for (let j = 0; j < c; j++) mean[j] += m.data[i * c + j];
  for (let j = 0; j < c; j++) mean[j] /= rows;
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < c; j++) {
      const d = m.data[i * c + j] - mean[j];
      ss[j] += d * d;
    }
  }
  const scale = new Float64Array(c);
  for (let j = 0; j < c; j++) {
    const sd = Math.sqrt(ss[j] / (rows - ddof));
    scale[j] = sd > 0 && Number.isFinite(sd) ? sd : 1;
  }
  const out = new Float64Array(rows * c);
  for (let i = 0; i < rows; i++) for (let j = 0; j < c; j++) out[i * c + j] = (m.data[i * c + j] - mean[j]) / scale[j];
  return new DenseMatrix({ data: out, shape: m.shape, rowNames: m.rowNames, columnNames: m.columnNames });
}
