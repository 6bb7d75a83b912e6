// Optional native LAPACK/BLAS (double precision) for PCA and cPCA: the system OpenBLAS
// (which ships LAPACK) called through koffi, as @bcnmf/backend-cpu calls sgemm. Nothing
// here is required: when koffi or the library cannot be loaded, `nativeLinalg()` returns
// null and the callers use their JavaScript paths (ml-matrix, block Krylov).

/** Row-major double-precision GEMM: C = alpha · op(A) · op(B) + beta · C. */
export type Dgemm = (
  transA: boolean,
  transB: boolean,
  m: number,
  n: number,
  k: number,
  alpha: number,
  a: Float64Array,
  lda: number,
  b: Float64Array,
  ldb: number,
  beta: number,
  c: Float64Array,
  ldc: number,
) => void;

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

interface KoffiLib {
  func(signature: string): (...args: unknown[]) => unknown;
}
interface Koffi {
  load(path: string): KoffiLib;
}

const CBLAS_ROW_MAJOR = 101;
const CBLAS_NO_TRANS = 111;
const CBLAS_TRANS = 112;
/** Multiply-adds from which a product runs on all of OpenBLAS's threads. */
const LARGE_PRODUCT = 2e9;

let state: { lib: NativeLinalg | null; reason: string | null } | null = null;
let loading: Promise<void> | null = null;
let forcedOff = false;

function describe(error: unknown): string {
  return error instanceof Error ? error.message.split('\n')[0] : String(error);
}

/** Library files tried in order (env `BCNMF_BLAS_LIBRARY` first when set). */
function candidates(): string[] {
  const env = process.env.BCNMF_BLAS_LIBRARY;
  const own =
    process.platform === 'darwin'
      ? ['/opt/homebrew/opt/openblas/lib/libopenblas.dylib', '/usr/local/opt/openblas/lib/libopenblas.dylib']
      : process.platform === 'win32'
        ? ['libopenblas.dll', 'openblas.dll']
        : ['libopenblas.so.0', 'libopenblas.so', 'libopenblasp.so.0'];
  return env ? [env, ...own] : own;
}

async function load(): Promise<void> {
  if (typeof process !== 'object' || !process.versions?.node) {
    state = { lib: null, reason: 'not running on Node.js' };
    return;
  }
  if (/^(off|0|false|no|none)$/i.test(process.env.BCNMF_BLAS ?? '')) {
    state = { lib: null, reason: 'disabled (BCNMF_BLAS=off)' };
    return;
  }
  let koffi: Koffi;
  try {
    const module = (await import('koffi')) as unknown as { default?: Koffi } & Koffi;
    koffi = (module.default ?? module) as Koffi;
    if (typeof koffi.load !== 'function') throw new Error('koffi has no load()');
  } catch (error) {
    state = { lib: null, reason: `koffi (FFI) failed to load: ${describe(error)}` };
    return;
  }
  const failures: string[] = [];
  for (const file of candidates()) {
    try {
      const lib = koffi.load(file);
      const gemm = lib.func(
        'void cblas_dgemm(int order, int transA, int transB, int m, int n, int k, double alpha, ' +
          'double *a, int lda, double *b, int ldb, double beta, _Inout_ double *c, int ldc)',
      );
      // Fortran LAPACK (OpenBLAS exports it; LAPACKE is a separate library on Debian):
      // every argument by reference, then the hidden lengths of the 3 character arguments.
      const syevr = lib.func(
        'void dsyevr_(const char *jobz, const char *range, const char *uplo, const int *n, _Inout_ double *a, const int *lda, ' +
          'const double *vl, const double *vu, const int *il, const int *iu, const double *abstol, _Out_ int *m, _Out_ double *w, ' +
          '_Out_ double *z, const int *ldz, _Out_ int *isuppz, _Inout_ double *work, const int *lwork, _Inout_ int *iwork, ' +
          'const int *liwork, _Out_ int *info, size_t l1, size_t l2, size_t l3)',
      );
      const optional = <T>(signature: string): T | null => {
        try {
          return lib.func(signature) as T;
        } catch {
          return null;
        }
      };
      const getThreads = optional<() => number>('int openblas_get_num_threads()');
      const setThreads = optional<(n: number) => void>('void openblas_set_num_threads(int)');
      // OpenBLAS's threads busy-wait for each other: on a loaded machine (load 10 on 2 cores)
      // dsyevr of 1000 x 1000 took 0.1 s on one thread and 0.25-8.5 s on two. Eigenproblems
      // and products under LARGE_PRODUCT multiply-adds run on one thread; the count is put
      // back afterwards (the library, and its thread setting, is shared with
      // @bcnmf/backend-cpu in the same process).
      const onThreads = <T>(single: boolean, run: () => T): T => {
        const before = single && getThreads && setThreads ? getThreads() : 1;
        if (before <= 1) return run();
        setThreads!(1);
        try {
          return run();
        } finally {
          setThreads!(before);
        }
      };
      const dgemm: Dgemm = (transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc) => {
        onThreads(m * n * k < LARGE_PRODUCT, () =>
          gemm(CBLAS_ROW_MAJOR, transA ? CBLAS_TRANS : CBLAS_NO_TRANS, transB ? CBLAS_TRANS : CBLAS_NO_TRANS, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc),
        );
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
      state = { lib: { library: file, dgemm, topEigen }, reason: null };
      return;
    } catch (error) {
      failures.push(`${file}: ${describe(error)}`);
    }
  }
  state = { lib: null, reason: `no OpenBLAS with dgemm and dsyevr could be loaded (${failures.join('; ')})` };
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
