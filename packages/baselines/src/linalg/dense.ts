/**
 * Small dense kernels on row-major Float64Arrays, used by PCA and cPCA.
 * A matrix here is `(data, rows, columns)` with `data[i * columns + j]`.
 */

/**
 * `Z^T Z / divisor`: the `p x p` scatter of an `n x p` matrix (a covariance when `Z` is
 * centred and `divisor = n - 1`).
 *
 * @example
 * crossProduct(new Float64Array([1, 0, 0, 2]), 2, 2, 1); // Float64Array [1, 0, 0, 4]
 */
export function crossProduct(z: Float64Array, n: number, p: number, divisor: number): Float64Array {
  const out = new Float64Array(p * p);
  for (let r = 0; r < n; r++) {
    const off = r * p;
    for (let i = 0; i < p; i++) {
      const zi = z[off + i];
      if (zi === 0) continue;
      const rowOff = i * p;
      for (let j = i; j < p; j++) out[rowOff + j] += zi * z[off + j];
    }
  }
  for (let i = 0; i < p; i++) {
    for (let j = i; j < p; j++) {
      const v = out[i * p + j] / divisor;
      out[i * p + j] = v;
      out[j * p + i] = v;
    }
  }
  return out;
}

/** `Z Z^T`: the `n x n` Gram matrix of an `n x p` matrix. */
export function gram(z: Float64Array, n: number, p: number): Float64Array {
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    const oi = i * p;
    for (let j = i; j < n; j++) {
      const oj = j * p;
      let s = 0;
      for (let c = 0; c < p; c++) s += z[oi + c] * z[oj + c];
      out[i * n + j] = s;
      out[j * n + i] = s;
    }
  }
  return out;
}

/**
 * `A B` for `A` (`m x k`) and `B` (`k x n`), both row-major.
 *
 * @example
 * matmul(new Float64Array([1, 2]), 1, 2, new Float64Array([3, 4]), 1); // Float64Array [11]
 */
export function matmul(a: Float64Array, m: number, k: number, b: Float64Array, n: number): Float64Array {
  const out = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    const oo = i * n;
    for (let t = 0; t < k; t++) {
      const av = a[i * k + t];
      if (av === 0) continue;
      const ob = t * n;
      for (let j = 0; j < n; j++) out[oo + j] += av * b[ob + j];
    }
  }
  return out;
}

/** `A^T B` for `A` (`k x m`) and `B` (`k x n`), both row-major: an `m x n` result. */
export function matmulTransA(a: Float64Array, k: number, m: number, b: Float64Array, n: number): Float64Array {
  const out = new Float64Array(m * n);
  for (let t = 0; t < k; t++) {
    const oa = t * m;
    const ob = t * n;
    for (let i = 0; i < m; i++) {
      const av = a[oa + i];
      if (av === 0) continue;
      const oo = i * n;
      for (let j = 0; j < n; j++) out[oo + j] += av * b[ob + j];
    }
  }
  return out;
}

/** `y = A x` for a square row-major `n x n` matrix. */
export function matvec(a: Float64Array, n: number, x: Float64Array, y: Float64Array = new Float64Array(n)): Float64Array {
  for (let i = 0; i < n; i++) {
    let s = 0;
    const o = i * n;
    for (let j = 0; j < n; j++) s += a[o + j] * x[j];
    y[i] = s;
  }
  return y;
}

/** Dot product of two equally long vectors. */
export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/**
 * The orthonormal factor `Q` (`n x k`, row-major) of the thin QR decomposition of an
 * `n x k` matrix, by twice-applied modified Gram–Schmidt. A column that is (numerically)
 * dependent on the previous ones comes out as zeros.
 */
export function orthonormalColumns(a: Float64Array, n: number, k: number): Float64Array {
  const cols: Float64Array[] = [];
  for (let j = 0; j < k; j++) {
    const v = new Float64Array(n);
    for (let i = 0; i < n; i++) v[i] = a[i * k + j];
    const norm0 = Math.sqrt(dot(v, v));
    for (let pass = 0; pass < 2; pass++) {
      for (const q of cols) {
        const c = dot(q, v);
        for (let i = 0; i < n; i++) v[i] -= c * q[i];
      }
    }
    const norm = Math.sqrt(dot(v, v));
    if (norm > 1e-12 * norm0 && norm > 0) for (let i = 0; i < n; i++) v[i] /= norm;
    else v.fill(0);
    cols.push(v);
  }
  const out = new Float64Array(n * k);
  for (let j = 0; j < k; j++) for (let i = 0; i < n; i++) out[i * k + j] = cols[j][i];
  return out;
}

/**
 * Flips the sign of each row of a `k x p` row-major matrix so that its entry of largest
 * magnitude (the first one on ties) is positive; returns the signs applied.
 */
export function signLargestPositive(rows: Float64Array, k: number, p: number): number[] {
  const signs: number[] = [];
  for (let r = 0; r < k; r++) {
    let best = 0;
    let bestAbs = -1;
    for (let j = 0; j < p; j++) {
      const a = Math.abs(rows[r * p + j]);
      if (a > bestAbs * (1 + 1e-12)) {
        bestAbs = a;
        best = j;
      }
    }
    const s = rows[r * p + best] < 0 ? -1 : 1;
    if (s < 0) for (let j = 0; j < p; j++) rows[r * p + j] = -rows[r * p + j];
    signs.push(s);
  }
  return signs;
}
