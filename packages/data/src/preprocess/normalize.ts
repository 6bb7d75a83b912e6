import { CsrMatrix, DenseMatrix } from '@bcnmf/core';
import { checkCounts, checkPositive } from './check.js';

/** Options of {@link normalizeTotal}. */
export interface NormalizeTotalOptions {
  /** Every row is scaled to sum to this: a finite number > 0. Default `1e4` (counts per 10,000, "CP10K"). */
  targetSum?: number;
}

/** Default of {@link NormalizeTotalOptions.targetSum}. */
export const DEFAULT_TARGET_SUM = 1e4;

function sameKind(data: Float32Array | Float64Array, length: number): Float32Array | Float64Array {
  return data instanceof Float32Array ? new Float32Array(length) : new Float64Array(length);
}

/**
 * Library-size normalisation: each row (cell) divided by its total and multiplied by
 * `targetSum`, as scanpy's `normalize_total(adata, target_sum=...)`. A row whose total is
 * 0 stays 0. Accepts a DenseMatrix or a CsrMatrix and returns a new one of the same kind
 * and storage type, names kept. The values are counts: a NaN, infinite or negative value
 * is refused with `INVALID_DATA` naming its row and column (a negative one could make a
 * row's total 0 or flip its sign), a `targetSum` that is not a finite number > 0 with
 * `INVALID_OPTION`.
 *
 * @example
 * normalizeTotal(DenseMatrix.fromRows([[1, 3], [0, 0]]), { targetSum: 100 }).toArray();
 * // [[25, 75], [0, 0]]
 */
export function normalizeTotal(m: DenseMatrix, options?: NormalizeTotalOptions): DenseMatrix;
export function normalizeTotal(m: CsrMatrix, options?: NormalizeTotalOptions): CsrMatrix;
export function normalizeTotal(m: DenseMatrix | CsrMatrix, options?: NormalizeTotalOptions): DenseMatrix | CsrMatrix;
export function normalizeTotal(m: DenseMatrix | CsrMatrix, options: NormalizeTotalOptions = {}): DenseMatrix | CsrMatrix {
  const targetSum = checkPositive('targetSum', options.targetSum ?? DEFAULT_TARGET_SUM);
  checkCounts(m, "normalizeTotal's input (counts)");
  if (m instanceof CsrMatrix) {
    const out = sameKind(m.data, m.data.length);
    for (let i = 0; i < m.rows; i++) {
      const a = m.indptr[i];
      const b = m.indptr[i + 1];
      let total = 0;
      for (let p = a; p < b; p++) total += m.data[p];
      const f = total === 0 ? 0 : targetSum / total;
      for (let p = a; p < b; p++) out[p] = m.data[p] * f;
    }
    return new CsrMatrix({ indptr: m.indptr.slice(), indices: m.indices.slice(), data: out, shape: m.shape, rowNames: m.rowNames, columnNames: m.columnNames });
  }
  const out = sameKind(m.data, m.data.length);
  const c = m.columns;
  for (let i = 0; i < m.rows; i++) {
    let total = 0;
    for (let j = 0; j < c; j++) total += m.data[i * c + j];
    const f = total === 0 ? 0 : targetSum / total;
    for (let j = 0; j < c; j++) out[i * c + j] = m.data[i * c + j] * f;
  }
  return new DenseMatrix({ data: out, shape: m.shape, rowNames: m.rowNames, columnNames: m.columnNames });
}

/**
 * `log(1 + x)` of every value (natural logarithm), as scanpy's `log1p`. Dense or CSR (only
 * stored values change; log1p(0) = 0); returns a new matrix of the same kind, names kept.
 * The values are (normalised) counts: a NaN, infinite or negative value is refused with
 * `INVALID_DATA` naming its row and column (log1p of -1 or less is -Infinity or NaN; fill
 * missing values first).
 *
 * @example
 * log1p(DenseMatrix.fromRows([[0, Math.E - 1]])).toArray(); // [[0, 1]]
 */
export function log1p(m: DenseMatrix): DenseMatrix;
export function log1p(m: CsrMatrix): CsrMatrix;
export function log1p(m: DenseMatrix | CsrMatrix): DenseMatrix | CsrMatrix;
export function log1p(m: DenseMatrix | CsrMatrix): DenseMatrix | CsrMatrix {
  checkCounts(m, "log1p's input (counts)");
  const out = sameKind(m.data, m.data.length);
  for (let i = 0; i < out.length; i++) out[i] = Math.log1p(m.data[i]);
  if (m instanceof CsrMatrix) {
    return new CsrMatrix({ indptr: m.indptr.slice(), indices: m.indices.slice(), data: out, shape: m.shape, rowNames: m.rowNames, columnNames: m.columnNames });
  }
  return new DenseMatrix({ data: out, shape: m.shape, rowNames: m.rowNames, columnNames: m.columnNames });
}
