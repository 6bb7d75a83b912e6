// Products and symmetric eigenproblems that run on the native OpenBLAS/LAPACK path when it
// is loaded (`lib` non-null) and on the JavaScript kernels otherwise; same results up to
// rounding (tests compare the two).
import { crossProduct, gram } from './dense.js';
import type { NativeLinalg } from './lapack.js';
import { topEigenpairs } from './symmetric-eigs.js';

/** `Z Z^T` (`n x n`) of an `n x p` row-major matrix. */
export function gramOf(z: Float64Array, n: number, p: number, lib: NativeLinalg | null): Float64Array {
  if (!lib) return gram(z, n, p);
  const out = new Float64Array(n * n);
  lib.dgemm(false, true, n, n, p, 1, z, p, z, p, 0, out, n);
  return out;
}

/** `Z^T Z / divisor` (`p x p`) of an `n x p` row-major matrix. */
export function scatterOf(z: Float64Array, n: number, p: number, divisor: number, lib: NativeLinalg | null): Float64Array {
  if (!lib) return crossProduct(z, n, p, divisor);
  const out = new Float64Array(p * p);
  lib.dgemm(true, false, p, p, n, 1 / divisor, z, p, z, p, 0, out, p);
  return out;
}

/** `A B^T` for `A` (`m x k`) and `B` (`n x k`), row-major: `m x n`. */
export function timesTransposed(a: Float64Array, m: number, k: number, b: Float64Array, n: number, lib: NativeLinalg | null): Float64Array {
  const out = new Float64Array(m * n);
  if (lib) {
    lib.dgemm(false, true, m, n, k, 1, a, k, b, k, 0, out, n);
    return out;
  }
  for (let i = 0; i < m; i++) {
    const oa = i * k;
    for (let c = 0; c < n; c++) {
      const ob = c * k;
      let s = 0;
      for (let j = 0; j < k; j++) s += a[oa + j] * b[ob + j];
      out[i * n + c] = s;
    }
  }
  return out;
}

/** `A^T B` for `A` (`k x m`) and `B` (`k x n`), row-major: `m x n`. */
export function transposedTimes(a: Float64Array, k: number, m: number, b: Float64Array, n: number, lib: NativeLinalg | null): Float64Array {
  const out = new Float64Array(m * n);
  if (lib) {
    lib.dgemm(true, false, m, n, k, 1, a, m, b, n, 0, out, n);
    return out;
  }
  for (let t = 0; t < k; t++) {
    const oa = t * m;
    const ob = t * n;
    for (let i = 0; i < m; i++) {
      const w = a[oa + i];
      if (w === 0) continue;
      const oo = i * n;
      for (let j = 0; j < n; j++) out[oo + j] += w * b[ob + j];
    }
  }
  return out;
}

/**
 * The `k` largest (algebraic) eigenpairs of a symmetric `n x n` row-major matrix:
 * LAPACK `dsyevr` on the native path, {@link topEigenpairs} (block Krylov / ml-matrix)
 * otherwise. `vectors` is `k x n` row-major. `a` may be overwritten.
 */
export function topSymmetric(a: Float64Array, n: number, k: number, seed: number, lib: NativeLinalg | null): { values: number[]; vectors: Float64Array } {
  if (lib) return lib.topEigen(a, n, k);
  const { values, vectors } = topEigenpairs(a, n, k, { seed });
  const out = new Float64Array(k * n);
  vectors.forEach((v, c) => out.set(v, c * n));
  return { values, vectors: out };
}
