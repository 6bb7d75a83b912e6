/** Mean and sample standard deviation (n − 1) of the values of one table cell, over seeds. */
export interface CellStats {
  /** Arithmetic mean; NaN when there is no value. */
  mean: number;
  /** Sample standard deviation (divisor n − 1); null with fewer than two values. */
  sd: number | null;
  /** Number of values (seeds). */
  n: number;
  /** The values themselves, one per seed, in seed order. */
  values: number[];
}

/** Mean ± sd of a list of values (sd with divisor n − 1, null below two values). */
export function summarize(values: readonly number[]): CellStats {
  const n = values.length;
  if (n === 0) return { mean: Number.NaN, sd: null, n: 0, values: [] };
  const mean = values.reduce((a, b) => a + b, 0) / n;
  const sd = n < 2 ? null : Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (n - 1));
  return { mean, sd, n, values: [...values] };
}

/**
 * `0.861 ± 0.012`, or `0.861 (n=1)` with a single value; `digits` decimals. A cell
 * without values prints as `–`.
 */
export function formatStats(cell: CellStats, digits = 3): string {
  if (cell.n === 0 || !Number.isFinite(cell.mean)) return '–';
  return cell.sd === null ? `${cell.mean.toFixed(digits)} (n=1)` : `${cell.mean.toFixed(digits)} ± ${cell.sd.toFixed(digits)}`;
}
