import type { DenseMatrix } from '@bcnmf/core';

/** Column centring and scaling fitted on one data set, applied to it and to new samples. */
export interface ColumnScaling {
  /** Column means (zeros when not centring). */
  means: number[];
  /** Divisors: the column standard deviation (ddof 0, as scikit-learn's StandardScaler and the cPCA reference), or 1 when not scaling or for a zero-variance column. */
  scales: number[];
  /** Indices of the columns whose variance is zero (up to rounding): never divided by. */
  constantColumns: number[];
}

/**
 * Fits column means and standard deviations. A column is constant when its standard
 * deviation is below the rounding error of its values (`4 n eps max|x|`); such a column
 * gets scale 1, so after centring it is all zeros and is never divided by zero.
 *
 * @example
 * fitScaling(DenseMatrix.fromRows([[1, 5], [3, 5]]), true, true);
 * // { means: [2, 5], scales: [1, 1], constantColumns: [1] }
 */
export function fitScaling(x: DenseMatrix, center: boolean, scale: boolean): ColumnScaling {
  const { rows: n, columns: p, data } = x;
  const means = new Array<number>(p).fill(0);
  const scales = new Array<number>(p).fill(1);
  const constantColumns: number[] = [];
  const rawMeans = new Float64Array(p);
  const maxAbs = new Float64Array(p);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < p; j++) {
      const v = data[i * p + j];
      rawMeans[j] += v;
      const a = Math.abs(v);
      if (a > maxAbs[j]) maxAbs[j] = a;
    }
  }
  for (let j = 0; j < p; j++) rawMeans[j] /= n;
  const ss = new Float64Array(p);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < p; j++) {
      const d = data[i * p + j] - rawMeans[j];
      ss[j] += d * d;
    }
  }
  for (let j = 0; j < p; j++) {
    const sd = Math.sqrt(ss[j] / n);
    const constant = sd <= 4 * n * Number.EPSILON * maxAbs[j];
    if (constant) constantColumns.push(j);
    if (center) means[j] = rawMeans[j];
    if (scale && !constant) scales[j] = sd;
  }
  return { means, scales, constantColumns };
}

/** `(x - means) / scales` as a new row-major Float64Array. */
export function applyScaling(x: DenseMatrix, s: ColumnScaling): Float64Array {
  const { rows: n, columns: p, data } = x;
  const out = new Float64Array(n * p);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < p; j++) out[i * p + j] = (data[i * p + j] - s.means[j]) / s.scales[j];
  }
  return out;
}
