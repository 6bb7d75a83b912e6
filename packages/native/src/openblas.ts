// The system's BLAS and LAPACK through koffi: OpenBLAS (Linux, Windows, Homebrew on macOS;
// it ships LAPACK) or Accelerate (macOS, BLAS only here). Which files are tried, which
// symbols bcnmf calls (one table), and the loader both the cpu backend (sgemm) and the
// baselines (dgemm, dsyevr) use. Nothing here is required: where koffi or the library
// cannot be loaded the loader returns the reason and the callers run JavaScript instead.
import { describe, loadKoffi, type ImportKoffi, type KoffiLib } from './koffi.js';
import { bindSignatures, MissingSymbolsError, type Bindings, type NativeFunction, type SignatureTable } from './signatures.js';
import { switchedOff, switchValue } from './switches.js';

/** The BLAS and LAPACK functions bcnmf calls. */
export const OPENBLAS_SIGNATURES = {
  cblas_sgemm: {
    result: 'void',
    parameters:
      'int order, int transA, int transB, int m, int n, int k, float alpha, float *a, int lda, float *b, int ldb, ' +
      'float beta, float *c, int ldc',
  },
  cblas_dgemm: {
    result: 'void',
    parameters:
      'int order, int transA, int transB, int m, int n, int k, double alpha, double *a, int lda, double *b, int ldb, ' +
      'double beta, _Inout_ double *c, int ldc',
  },
  // Fortran LAPACK (OpenBLAS exports it; LAPACKE is a separate library on Debian): every
  // argument by reference, then the hidden lengths of the 3 character arguments.
  dsyevr_: {
    result: 'void',
    parameters:
      'const char *jobz, const char *range, const char *uplo, const int *n, _Inout_ double *a, const int *lda, ' +
      'const double *vl, const double *vu, const int *il, const int *iu, const double *abstol, _Out_ int *m, ' +
      '_Out_ double *w, _Out_ double *z, const int *ldz, _Out_ int *isuppz, _Inout_ double *work, const int *lwork, ' +
      '_Inout_ int *iwork, const int *liwork, _Out_ int *info, size_t l1, size_t l2, size_t l3',
  },
  openblas_get_config: { result: 'const char *', parameters: '', optional: true },
  openblas_get_corename: { result: 'const char *', parameters: '', optional: true },
  openblas_get_num_threads: { result: 'int', parameters: '', optional: true },
  openblas_set_num_threads: { result: 'void', parameters: 'int', optional: true },
} as const satisfies SignatureTable;

/** The functions a caller may require of the library. */
export type BlasFunction = 'cblas_sgemm' | 'cblas_dgemm' | 'dsyevr_';

/** The thread controls and build description OpenBLAS may export (null where it does not). */
type Extras = 'openblas_get_config' | 'openblas_get_corename' | 'openblas_get_num_threads' | 'openblas_set_num_threads';

/** A loaded BLAS library with the functions a caller required. */
export interface BlasLibrary<F extends BlasFunction> {
  /** The file it was loaded from. */
  library: string;
  /** The required functions, and the optional OpenBLAS extras (null where absent). */
  functions: Bindings<Pick<typeof OPENBLAS_SIGNATURES, F | Extras>>;
  /** OpenBLAS's build configuration and core name, when it reports them. */
  config: string | null;
  /** The threads OpenBLAS runs on, when it reports them. */
  threads: number | null;
}

/** How {@link loadBlasLibrary} finds koffi and the library (tests inject failures here). */
export interface BlasLibraryOptions<F extends BlasFunction> {
  /** The functions the library must export; a file without them is passed over. */
  needs: readonly F[];
  /** A library file to load instead of the platform's candidates (also env `BCNMF_BLAS_LIBRARY`). */
  library?: string;
  /** Skip BLAS entirely (also env `BCNMF_BLAS=off`). */
  disable?: boolean;
  /** Imports koffi; replaced in tests. */
  importKoffi?: ImportKoffi;
}

/**
 * Library files tried in order on `platform`: OpenBLAS's usual names, and on macOS also
 * Accelerate unless LAPACK is needed (`lapack`: its LAPACK is not the one bcnmf binds).
 */
export function blasCandidates(platform: string = typeof process === 'object' ? process.platform : '', options: { lapack?: boolean } = {}): string[] {
  if (platform === 'darwin') {
    const openblas = ['/opt/homebrew/opt/openblas/lib/libopenblas.dylib', '/usr/local/opt/openblas/lib/libopenblas.dylib'];
    return options.lapack ? openblas : [...openblas, '/System/Library/Frameworks/Accelerate.framework/Accelerate'];
  }
  if (platform === 'win32') return ['libopenblas.dll', 'openblas.dll'];
  // Debian/Ubuntu: libopenblas0 (pthread build, picks the kernel for this CPU at run time)
  return ['libopenblas.so.0', 'libopenblas.so', 'libopenblasp.so.0'];
}

function describeBuild(functions: Bindings<Pick<typeof OPENBLAS_SIGNATURES, Extras>>): string | null {
  const { openblas_get_config: getConfig, openblas_get_corename: getCore } = functions;
  if (!getConfig) return null;
  return `${getConfig() as string}${getCore ? ` (kernel ${getCore() as string})` : ''}`;
}

/**
 * Loads koffi and the first library that exports every function in `options.needs`: the
 * file `options.library` or env `BCNMF_BLAS_LIBRARY` names, else the platform's
 * candidates. Returns it, or the reason none could be used; never throws.
 */
export async function loadBlasLibrary<F extends BlasFunction>(options: BlasLibraryOptions<F>): Promise<BlasLibrary<F> | { reason: string }> {
  if (options.disable || switchedOff('BCNMF_BLAS')) return { reason: 'BLAS disabled (BCNMF_BLAS=off)' };
  const koffi = await loadKoffi(options.importKoffi);
  if ('reason' in koffi) return koffi;
  const requested = options.library ?? switchValue('BCNMF_BLAS_LIBRARY');
  const lapack = options.needs.some((name) => name === 'dsyevr_');
  const table = Object.fromEntries(
    Object.entries(OPENBLAS_SIGNATURES).filter(([name, s]) => 'optional' in s || (options.needs as readonly string[]).includes(name)),
  ) as Pick<typeof OPENBLAS_SIGNATURES, F | Extras>;
  const failures: string[] = [];
  for (const file of requested ? [requested] : blasCandidates(undefined, { lapack })) {
    let lib: KoffiLib;
    try {
      lib = koffi.load(file);
    } catch (error) {
      failures.push(`${file}: ${describe(error)}`);
      continue;
    }
    try {
      const functions = bindSignatures(lib, table);
      const threads = functions.openblas_get_num_threads ? (functions.openblas_get_num_threads() as number) : null;
      return { library: file, functions, config: describeBuild(functions), threads };
    } catch (error) {
      failures.push(`${file}: ${error instanceof MissingSymbolsError ? error.message : describe(error)}`);
    }
  }
  return { reason: `no BLAS library could be loaded (${failures.join('; ')})` };
}

/** Row-major GEMM: C = alpha · op(A) · op(B) + beta · C (op: transposed where asked). */
export type Gemm<A extends Float32Array | Float64Array> = (
  transA: boolean,
  transB: boolean,
  m: number,
  n: number,
  k: number,
  alpha: number,
  a: A,
  lda: number,
  b: A,
  ldb: number,
  beta: number,
  c: A,
  ldc: number,
) => void;

const CBLAS_ROW_MAJOR = 101;
const CBLAS_NO_TRANS = 111;
const CBLAS_TRANS = 112;

/** A bound `cblas_sgemm` or `cblas_dgemm` as a row-major {@link Gemm}. */
export function rowMajorGemm<A extends Float32Array | Float64Array>(cblasGemm: NativeFunction): Gemm<A> {
  return (transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc) => {
    cblasGemm(
      CBLAS_ROW_MAJOR,
      transA ? CBLAS_TRANS : CBLAS_NO_TRANS,
      transB ? CBLAS_TRANS : CBLAS_NO_TRANS,
      m, n, k, alpha, a, lda, b, ldb, beta, c, ldc,
    );
  };
}
