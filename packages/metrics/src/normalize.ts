import { invalidData } from './errors.js';
import { toRows, type PointsInput, type Rows } from './points.js';

/** @internal Row normalisation of validated rows; see {@link rowNormalize}. */
export function normalizeRows({ rows, n, d }: Rows): Rows {
  const out: number[][] = new Array(n);
  for (let i = 0; i < n; i++) {
    const row = rows[i];
    let sum = 0;
    let allZero = true;
    for (let j = 0; j < d; j++) {
      sum += row[j];
      if (row[j] !== 0) allZero = false;
    }
    if (allZero) {
      out[i] = new Array<number>(d).fill(0);
    } else if (sum === 0 || !Number.isFinite(sum)) {
      throw invalidData(`row ${i} sums to ${sum} but is not all zeros, so it cannot be divided by its sum`);
    } else {
      out[i] = row.map((v) => v / sum);
    }
  }
  return { rows: out, n, d };
}

/**
 * Each row divided by its sum (for non-negative data: proportions that sum to 1). A row
 * of zeros stays zeros, never NaN.
 *
 * @param points - samples × features, rows of numbers or `{ data, shape }`
 * @returns new rows; the input is not changed
 * @throws {MetricsError} `INVALID_DATA` for empty, ragged or non-finite points, or a row
 *   that sums to 0 without being all zeros (e.g. `[1, -1]`)
 *
 * @example
 * rowNormalize([[1, 3], [0, 0], [2, 2]]); // [[0.25, 0.75], [0, 0], [0.5, 0.5]]
 */
export function rowNormalize(points: PointsInput): number[][] {
  return normalizeRows(toRows(points)).rows;
}
