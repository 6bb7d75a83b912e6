import { gramOf, scatterOf, topSymmetric, transposedTimes } from '../linalg/fast.js';
import type { NativeLinalg } from '../linalg/lapack.js';

/**
 * The joint pre-projection of the cPCA reference: the top `dim` principal axes of the
 * stacked (already centred) target and background, `dim x p` row-major with unit rows.
 * Axes with (numerically) zero variance are left out, so fewer than `dim` rows come back
 * when the stacked data have lower rank; the projection then loses nothing.
 *
 * Computed from the smaller of the Gram matrix `Z Z^T` and the scatter `Z^T Z`, with
 * OpenBLAS `dgemm` and LAPACK `dsyevr` when `lib` is given, in JavaScript (block Krylov)
 * otherwise.
 */
export function jointPrincipalAxes(
  zfg: Float64Array,
  nFg: number,
  zbg: Float64Array,
  nBg: number,
  p: number,
  dim: number,
  seed: number,
  lib: NativeLinalg | null = null,
): { axes: Float64Array; dim: number } {
  const n = nFg + nBg;
  const z = new Float64Array(n * p);
  z.set(zfg, 0);
  z.set(zbg, nFg * p);
  const want = Math.min(dim, n, p);
  if (n <= p) {
    const { values, vectors } = topSymmetric(gramOf(z, n, p, lib), n, want, seed, lib);
    const keep = values.filter((v) => v > 1e-12 * Math.max(values[0], 0)).length;
    // axes = diag(1 / sqrt(lambda)) U^T Z, with U^T = vectors (want x n)
    const u = vectors.subarray(0, keep * n);
    const axes = transposedTimes(transposeRows(u, keep, n), n, keep, z, p, lib);
    for (let c = 0; c < keep; c++) {
      const inv = 1 / Math.sqrt(values[c]);
      for (let j = 0; j < p; j++) axes[c * p + j] *= inv;
    }
    return { axes, dim: keep };
  }
  const { values, vectors } = topSymmetric(scatterOf(z, n, p, 1, lib), p, want, seed, lib);
  const keep = values.filter((v) => v > 1e-12 * Math.max(values[0], 0)).length;
  return { axes: vectors.slice(0, keep * p), dim: keep };
}

/** The transpose (`cols x rows`) of a row-major `rows x cols` matrix. */
function transposeRows(a: Float64Array, rows: number, cols: number): Float64Array {
  const out = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[j * rows + i] = a[i * cols + j];
  return out;
}
