import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { seededRandom } from '../random.js';
import { dot, matvec } from './dense.js';

/** Eigenpairs of a symmetric matrix, largest algebraic eigenvalue first. */
export interface Eigenpairs {
  /** Eigenvalues, in decreasing order. */
  values: number[];
  /** Unit eigenvectors, `vectors[i]` belongs to `values[i]`. */
  vectors: Float64Array[];
}

/** Options of {@link topEigenpairs}. */
export interface TopEigenOptions {
  /** Residual tolerance relative to a bound on the matrix norm: `||A y - θ y|| <= tol · ||A||`. Default 1e-10. */
  tol?: number;
  /** Seed of the random start block. Default 0. */
  seed?: number;
  /** Use the full decomposition when `n` is at most this. Default 64. */
  denseBelow?: number;
  /** Most basis vectors kept before a thick restart. Default `max(120, 6k)`. */
  maxBasis?: number;
  /** Products with `A` before switching to shift-invert. Default `max(300, 30 k)`. */
  maxMatvecs?: number;
}

/**
 * All eigenpairs of a symmetric `n x n` row-major matrix by ml-matrix's
 * `EigenvalueDecomposition`, largest algebraic eigenvalue first.
 */
export function fullEigenpairs(a: Float64Array, n: number): Eigenpairs {
  const rows: number[][] = [];
  for (let i = 0; i < n; i++) {
    const r: number[] = new Array(n);
    for (let j = 0; j < n; j++) r[j] = 0.5 * (a[i * n + j] + a[j * n + i]);
    rows.push(r);
  }
  const evd = new EigenvalueDecomposition(new Matrix(rows), { assumeSymmetric: true });
  const vals = evd.realEigenvalues;
  const vecs = evd.eigenvectorMatrix;
  const order = vals.map((_, i) => i).sort((x, y) => vals[y] - vals[x]);
  return {
    values: order.map((i) => vals[i]),
    vectors: order.map((i) => Float64Array.from(vecs.getColumn(i))),
  };
}

/** A bound on the spectral norm of a symmetric matrix: the largest absolute row sum (Gershgorin). */
export function gershgorinBound(a: Float64Array, n: number): number {
  let best = 0;
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < n; j++) s += Math.abs(a[i * n + j]);
    if (s > best) best = s;
  }
  return best;
}

/**
 * The `k` eigenpairs with the largest *algebraic* eigenvalues of a symmetric (possibly
 * indefinite) `n x n` row-major matrix `A`, without a full decomposition.
 *
 * 1. A block Krylov subspace (block size `k`; each new block is the residuals
 *    `A y - θ y` of the current top Ritz pairs, i.e. block Lanczos in Davidson form),
 *    fully reorthogonalised, with Rayleigh–Ritz on the whole basis and a thick restart.
 *    A Krylov space does not change when `A` is shifted by a multiple of the identity and
 *    Rayleigh–Ritz picks the largest *algebraic* Ritz values, so the indefinite
 *    `C_fg - alpha C_bg` needs no explicit shift here; the Gershgorin bound on `||A||`
 *    scales the convergence test `||A y - θ y|| <= tol · ||A||`.
 * 2. When the top of the spectrum is crowded compared with its total spread (large alpha
 *    in cPCA: the negative end reaches `-alpha ||C_bg||`), step 1 stops after a budget
 *    of products and the same Krylov method runs on the shifted inverse
 *    `(σ I - A)^{-1}` with `σ` just above the top Ritz value, so that `σ I - A` is
 *    positive definite (checked by its Cholesky factorisation, `σ` raised until it is);
 *    there the wanted eigenvalues are the well separated largest ones.
 *
 * Small matrices (`n <= denseBelow`, or `k >= n / 3`) use the full decomposition.
 *
 * @example
 * const a = new Float64Array([2, 0, 0, 0, -5, 0, 0, 0, 1]);
 * topEigenpairs(a, 3, 2).values; // [2, 1]: -5 is the largest in magnitude, not algebraically
 */
export function topEigenpairs(a: Float64Array, n: number, k: number, options: TopEigenOptions = {}): Eigenpairs {
  if (!Number.isInteger(k) || k < 1 || k > n) throw new RangeError(`k must be in [1, ${n}], got ${k}`);
  const denseBelow = options.denseBelow ?? 64;
  if (n <= denseBelow || 3 * k >= n) {
    const full = fullEigenpairs(a, n);
    return { values: full.values.slice(0, k), vectors: full.vectors.slice(0, k) };
  }
  const norm = gershgorinBound(a, n);
  if (norm === 0) {
    const vectors: Float64Array[] = [];
    for (let i = 0; i < k; i++) {
      const v = new Float64Array(n);
      v[i] = 1;
      vectors.push(v);
    }
    return { values: new Array(k).fill(0), vectors };
  }
  const tol = options.tol ?? 1e-10;
  const seed = options.seed ?? 0;
  const maxBasis = options.maxBasis ?? Math.max(120, 6 * k);
  const budget = options.maxMatvecs ?? Math.max(300, 30 * k);
  const direct = krylovTop((x, y) => matvec(a, n, x, y), n, k, { tol, seed, maxBasis, maxMatvecs: budget, norm });
  if (direct.converged) return { values: direct.values, vectors: direct.vectors };

  // shift-invert: σ above the top eigenvalue, B = (σ I - A)^{-1} positive definite
  const top = direct.values[0];
  let gap = Math.max(2 * direct.residuals[0], 1e-8 * norm);
  let factor: Float64Array | null = null;
  let sigma = top;
  for (let attempt = 0; attempt < 60 && factor === null; attempt++) {
    sigma = top + gap;
    const shifted = new Float64Array(n * n);
    for (let i = 0; i < n * n; i++) shifted[i] = -a[i];
    for (let i = 0; i < n; i++) shifted[i * n + i] += sigma;
    factor = cholesky(shifted, n);
    gap *= 4;
  }
  if (factor === null) throw new Error('topEigenpairs: no positive definite shift found');
  const l = factor;
  const tmp = new Float64Array(n);
  const inverse = krylovTop((x, y) => choleskySolve(l, n, x, y, tmp), n, k, {
    tol,
    seed: seed + 1,
    maxBasis,
    maxMatvecs: Math.max(50 * n, 5000),
    norm: undefined,
  });
  const av = new Float64Array(n);
  const pairs = inverse.vectors.map((v) => ({ v, value: dot(v, matvec(a, n, v, av)) }));
  pairs.sort((x, y) => y.value - x.value);
  return { values: pairs.map((p) => p.value), vectors: pairs.map((p) => p.v) };
}

/**
 * Cholesky factor `L` (lower triangular, row-major) of a symmetric positive definite
 * matrix, or `null` when a pivot is not positive (the matrix is not positive definite).
 */
export function cholesky(m: Float64Array, n: number): Float64Array | null {
  const l = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    const oj = j * n;
    let d = m[oj + j];
    for (let t = 0; t < j; t++) d -= l[oj + t] * l[oj + t];
    if (!(d > 0)) return null;
    const ljj = Math.sqrt(d);
    l[oj + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      const oi = i * n;
      let s = m[oi + j];
      for (let t = 0; t < j; t++) s -= l[oi + t] * l[oj + t];
      l[oi + j] = s / ljj;
    }
  }
  return l;
}

/** Solves `L L^T y = x` for a Cholesky factor `L` from {@link cholesky}. */
export function choleskySolve(l: Float64Array, n: number, x: Float64Array, y: Float64Array, tmp: Float64Array = new Float64Array(n)): Float64Array {
  for (let i = 0; i < n; i++) {
    const oi = i * n;
    let s = x[i];
    for (let t = 0; t < i; t++) s -= l[oi + t] * tmp[t];
    tmp[i] = s / l[oi + i];
  }
  for (let i = n - 1; i >= 0; i--) {
    let s = tmp[i];
    for (let t = i + 1; t < n; t++) s -= l[t * n + i] * y[t];
    y[i] = s / l[i * n + i];
  }
  return y;
}

interface KrylovOptions {
  tol: number;
  seed: number;
  maxBasis: number;
  maxMatvecs: number;
  /** Scale of the convergence test; undefined: the largest |Ritz value| so far. */
  norm: number | undefined;
}

interface KrylovResult extends Eigenpairs {
  residuals: number[];
  converged: boolean;
}

function krylovTop(apply: (x: Float64Array, y: Float64Array) => void, n: number, k: number, options: KrylovOptions): KrylovResult {
  const { tol, maxMatvecs } = options;
  const maxBasis = Math.min(n, Math.max(options.maxBasis, 3 * k + 2));
  const rand = seededRandom(options.seed);

  const basis: Float64Array[] = [];
  const images: Float64Array[] = [];
  // h[i][j] = basis[i] . images[j] (symmetrised when solved)
  const h: number[][] = [];
  let matvecs = 0;

  const orthogonalizeAndAdd = (candidates: Float64Array[]): number => {
    let added = 0;
    for (const v0 of candidates) {
      if (basis.length >= n) break;
      let v = v0;
      for (let attempt = 0; attempt < 3; attempt++) {
        const norm0 = Math.sqrt(dot(v, v));
        for (let pass = 0; pass < 2; pass++) {
          for (const q of basis) {
            const c = dot(q, v);
            if (c !== 0) for (let i = 0; i < n; i++) v[i] -= c * q[i];
          }
        }
        const nv = Math.sqrt(dot(v, v));
        if (nv > 1e-10 * norm0 && nv > 0) {
          for (let i = 0; i < n; i++) v[i] /= nv;
          break;
        }
        // lost to cancellation: continue the search from a random direction instead
        v = new Float64Array(n);
        for (let i = 0; i < n; i++) v[i] = rand() - 0.5;
        if (attempt === 2) v = new Float64Array(0);
      }
      if (v.length === 0) continue;
      const av = new Float64Array(n);
      apply(v, av);
      matvecs++;
      basis.push(v);
      images.push(av);
      const m = basis.length;
      const row: number[] = new Array(m);
      for (let i = 0; i < m - 1; i++) {
        const hij = dot(basis[i], av);
        row[i] = hij;
        h[i].push(hij);
      }
      row[m - 1] = dot(v, av);
      h.push(row);
      added++;
    }
    return added;
  };

  const start: Float64Array[] = [];
  for (let b = 0; b < k; b++) {
    const v = new Float64Array(n);
    for (let i = 0; i < n; i++) v[i] = rand() - 0.5;
    start.push(v);
  }
  orthogonalizeAndAdd(start);
  // block Lanczos steps (next block = A times the last block, reorthogonalised) between
  // Rayleigh–Ritz checks; after a check the next block is the Ritz residuals
  let lastBlockStart = 0;
  let sinceCheck = 0;
  const checkEvery = Math.max(24, 4 * k);

  for (;;) {
    if (sinceCheck < checkEvery && basis.length + k <= maxBasis && basis.length < n && matvecs < maxMatvecs) {
      const before = basis.length;
      const added = orthogonalizeAndAdd(images.slice(lastBlockStart).map((x) => Float64Array.from(x)));
      if (added > 0) {
        lastBlockStart = before;
        sinceCheck += added;
        continue;
      }
    }
    sinceCheck = 0;
    const m = basis.length;
    const hm = new Matrix(m, m);
    for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) hm.set(i, j, 0.5 * (h[i][j] + h[j][i]));
    const evd = new EigenvalueDecomposition(hm, { assumeSymmetric: true });
    const vals = evd.realEigenvalues;
    const s = evd.eigenvectorMatrix;
    const order = vals.map((_, i) => i).sort((x, y) => vals[y] - vals[x]);
    const restart = m + k > maxBasis;
    const keep = Math.min(m, restart ? Math.max(2 * k, Math.floor(maxBasis / 3)) : k);
    const ritz: Float64Array[] = [];
    const ritzImages: Float64Array[] = [];
    const residuals: Float64Array[] = [];
    const residualNorms: number[] = [];
    const threshold = tol * (options.norm ?? Math.max(Math.abs(vals[order[0]]), Math.abs(vals[order[m - 1]])));
    let converged = true;
    for (let r = 0; r < keep; r++) {
      const col = order[r];
      const y = new Float64Array(n);
      const ay = new Float64Array(n);
      for (let j = 0; j < m; j++) {
        const c = s.get(j, col);
        if (c === 0) continue;
        const q = basis[j];
        const aq = images[j];
        for (let i = 0; i < n; i++) {
          y[i] += c * q[i];
          ay[i] += c * aq[i];
        }
      }
      ritz.push(y);
      ritzImages.push(ay);
      if (r < k) {
        const theta = vals[col];
        const res = new Float64Array(n);
        for (let i = 0; i < n; i++) res[i] = ay[i] - theta * y[i];
        const rn = Math.sqrt(dot(res, res));
        residualNorms.push(rn);
        if (!(rn <= threshold)) converged = false;
        residuals.push(res);
      }
    }
    if (converged || m >= n || matvecs >= maxMatvecs) {
      const vectors = ritz.slice(0, k).map((y) => {
        const nv = Math.sqrt(dot(y, y));
        for (let i = 0; i < n; i++) y[i] /= nv;
        return y;
      });
      return { values: order.slice(0, k).map((i) => vals[i]), vectors, residuals: residualNorms, converged: converged || m >= n };
    }
    if (restart) {
      // thick restart: keep the best Ritz vectors (orthonormal already) and their images
      basis.length = 0;
      images.length = 0;
      h.length = 0;
      for (let r = 0; r < keep; r++) {
        basis.push(ritz[r]);
        images.push(ritzImages[r]);
      }
      for (let i = 0; i < keep; i++) {
        const row: number[] = [];
        for (let j = 0; j < keep; j++) row.push(i === j ? vals[order[i]] : 0);
        h.push(row);
      }
    }
    lastBlockStart = basis.length;
    if (orthogonalizeAndAdd(residuals) === 0) {
      const extra: Float64Array[] = [];
      const v = new Float64Array(n);
      for (let i = 0; i < n; i++) v[i] = rand() - 0.5;
      extra.push(v);
      if (orthogonalizeAndAdd(extra) === 0) {
        const vectors = ritz.slice(0, k);
        return { values: order.slice(0, k).map((i) => vals[i]), vectors, residuals: residualNorms, converged: true };
      }
    }
  }
}
