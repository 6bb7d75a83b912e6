import { BcnmfError, checkNonNegativeData, type CsrMatrix, type DenseMatrix } from '@bcnmf/core';

/**
 * Refuses (INVALID_DATA, naming row and column) a NaN, infinite or negative value in data
 * that a step reads as counts or log counts: there a negative row total zeroes a row, and
 * log1p of a value <= -1 is -Infinity or NaN. Large finite values pass (this is not the
 * fit's float32 bound), and an empty matrix stays the caller's to handle.
 */
export function checkCounts(m: DenseMatrix | CsrMatrix, role: string): void {
  if (m.rows === 0 || m.columns === 0) return;
  checkNonNegativeData(m, role, { maxValue: Number.MAX_VALUE });
}

/** A finite number > 0, as `targetSum` must be (0 or less would zero or flip every row). */
export function checkPositive(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new BcnmfError('INVALID_OPTION', `${name} must be a finite number > 0, got ${typeof value === 'number' ? value : JSON.stringify(value) ?? String(value)}`);
  }
  return value;
}
