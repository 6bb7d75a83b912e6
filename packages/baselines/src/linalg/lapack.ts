// Optional native LAPACK/BLAS (double precision) for PCA and cPCA: the system OpenBLAS
// (which ships LAPACK), found and loaded by @bcnmf/native as for @bcnmf/backend-cpu's
// sgemm. Nothing here is required: when koffi or the library cannot be loaded,
// `nativeLinalg()` returns null and the callers use their JavaScript paths (ml-matrix,
// block Krylov).
import { loadBlasLibrary, rowMajorGemm, type Gemm } from '@bcnmf/native';

/** Row-major double-precision GEMM: C = alpha · op(A) · op(B) + beta · C. */
export type Dgemm = Gemm<Float64Array>;

/** A loaded native library. */
export interface NativeLinalg {
  /** The file it was loaded from. */
  library: string;
  dgemm: Dgemm;
  /**
   * The `k` largest eigenpairs of the symmetric `n x n` matrix `a` (row-major; only one
   * triangle is read, and it is overwritten) by LAPACK's `dsyevr` (MRRR). Values in
   * decreasing order; `vectors` is `k x n` row-major, unit rows.
   */
  topEigen(a: Float64Array, n: number, k: number): { values: number[]; vectors: Float64Array };
}

/** Multiply-adds from which a product runs on all of OpenBLAS's threads. */
const LARGE_PRODUCT = 2e9;

let state: { lib: NativeLinalg | null; reason: string | null } | null = null;
let loading: Promise<void> | null = null;
let forcedOff = false;

async function load(): Promise<void> {
  const loaded = await loadBlasLibrary({ needs: ['cblas_dgemm', 'dsyevr_'] });
  if ('reason' in loaded) {
    state = { lib: null, reason: loaded.reason };
    return;
  }
  const { cblas_dgemm, dsyevr_: syevr, openblas_get_num_threads: getThreads, openblas_set_num_threads: setThreads } = loaded.functions;
  const gemm = rowMajorGemm<Float64Array>(cblas_dgemm);
  // OpenBLAS's threads busy-wait for each other: on a loaded machine (load 10 on 2 cores)
  // dsyevr of 1000 x 1000 took 0.1 s on one thread and 0.25-8.5 s on two. Eigenproblems
  // and products under LARGE_PRODUCT multiply-adds run on one thread; the count is put
  // back afterwards (the library, and its thread setting, is shared with
  // @bcnmf/backend-cpu in the same process).
  const onThreads = <T>(single: boolean, run: () => T): T => {
    const before = single && getThreads && setThreads ? (getThreads() as number) : 1;
    if (before <= 1) return run();
    setThreads!(1);
    try {
      return run();
    } finally {
      setThreads!(before);
    }
  };
  const dgemm: Dgemm = (transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc) => {
    onThreads(m * n * k < LARGE_PRODUCT, () => gemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc));
  };
  const topEigen = (a: Float64Array, n: number, k: number): { values: number[]; vectors: Float64Array } => {
    if (a.length < n * n || k < 1 || k > n) throw new RangeError(`topEigen: bad sizes (n ${n}, k ${k})`);
    const int = (v: number): Int32Array => Int32Array.of(v);
    const m = new Int32Array(1);
    const info = new Int32Array(1);
    const w = new Float64Array(n);
    const z = new Float64Array(n * k);
    const isuppz = new Int32Array(2 * k);
    const call = (work: Float64Array, lwork: number, iwork: Int32Array, liwork: number): void => {
      // row-major lower = column-major upper: pass 'U' for a row-major lower/upper-agnostic symmetric matrix
      syevr('V', 'I', 'U', int(n), a, int(n), Float64Array.of(0), Float64Array.of(0), int(n - k + 1), int(n), Float64Array.of(0), m, w, z, int(n), isuppz, work, int(lwork), iwork, int(liwork), info, 1, 1, 1);
    };
    const wq = new Float64Array(1);
    const iq = new Int32Array(1);
    call(wq, -1, iq, -1);
    if (info[0] !== 0) throw new Error(`dsyevr workspace query failed (info ${info[0]})`);
    const lwork = Math.max(1, Math.ceil(wq[0]));
    const liwork = Math.max(1, iq[0]);
    onThreads(true, () => call(new Float64Array(lwork), lwork, new Int32Array(liwork), liwork));
    if (info[0] !== 0) throw new Error(`dsyevr failed (info ${info[0]})`);
    if (m[0] !== k) throw new Error(`dsyevr returned ${m[0]} eigenpairs, wanted ${k}`);
    // ascending in w[0..k), column j of z (column-major, ldz n) = rows of a row-major k x n
    const values: number[] = new Array(k);
    const vectors = new Float64Array(k * n);
    for (let c = 0; c < k; c++) {
      const src = k - 1 - c;
      values[c] = w[src];
      vectors.set(z.subarray(src * n, src * n + n), c * n);
    }
    return { values, vectors };
  };
  state = { lib: { library: loaded.library, dgemm, topEigen }, reason: null };
}

/**
 * The native OpenBLAS/LAPACK path, loaded once, or null (with the reason in
 * {@link nativeLinalgStatus}) when koffi or the library is missing, when env
 * `BCNMF_BLAS=off`, or after `useNativeLinalg(false)`.
 */
export async function nativeLinalg(): Promise<NativeLinalg | null> {
  if (forcedOff) return null;
  if (!state) {
    loading ??= load();
    await loading;
  }
  return state?.lib ?? null;
}

/**
 * Which linear-algebra path PCA's and cPCA's large products and eigenproblems take:
 * `'native'` (OpenBLAS `dgemm`/`dsyevr` through koffi) or `'js'`, with the reason.
 *
 * @example
 * (await nativeLinalgStatus()).path; // 'native' where libopenblas0 is installed
 */
export async function nativeLinalgStatus(): Promise<{ path: 'native' | 'js'; library: string | null; reason: string | null }> {
  const lib = await nativeLinalg();
  if (lib) return { path: 'native', library: lib.library, reason: null };
  return { path: 'js', library: null, reason: forcedOff ? 'turned off by useNativeLinalg(false)' : (state?.reason ?? 'not loaded') };
}

/**
 * Turns the native path off (`false`: every fit uses the JavaScript code, e.g. to compare
 * the two or in tests) or back on (`true`, the default).
 */
export function useNativeLinalg(enabled: boolean): void {
  forcedOff = !enabled;
}
