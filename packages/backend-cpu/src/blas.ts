// Optional native BLAS for the `cpu` backend: OpenBLAS (Linux, Windows) or Accelerate
// (macOS) called through koffi, an FFI package with prebuilt binaries. Nothing here is
// required: where koffi or the library cannot be loaded, `cpuAccelerator()` says why and
// the `cpu` backend runs TensorFlow.js's own JavaScript kernels.
import { describe, loadKoffi, switchedOff, type KoffiLib } from './ffi.js';
import type { NativeLoadOptions } from './native.js';

/** Row-major single-precision GEMM: C = alpha · op(A) · op(B) + beta · C. */
export type Sgemm = (
  transA: boolean,
  transB: boolean,
  m: number,
  n: number,
  k: number,
  alpha: number,
  a: Float32Array,
  lda: number,
  b: Float32Array,
  ldb: number,
  beta: number,
  c: Float32Array,
  ldc: number,
) => void;

/** A loaded BLAS library. */
export interface Blas {
  /** The file it was loaded from. */
  library: string;
  /** OpenBLAS's build configuration and core name, when it reports them. */
  config: string | null;
  /** Threads BLAS runs its products on. */
  threads: number | null;
  sgemm: Sgemm;
}

/** Which path the `cpu` backend's products run on, and why. */
export interface CpuAcceleratorInfo {
  /** 'blas' when products run through native BLAS, 'tfjs' when through tfjs-backend-cpu. */
  path: 'blas' | 'tfjs';
  /** The BLAS library file, when `path` is 'blas'. */
  library: string | null;
  /** OpenBLAS's configuration string (architecture, threading), when available. */
  config: string | null;
  /** BLAS threads, when known. */
  threads: number | null;
  /** Why BLAS is not used, when `path` is 'tfjs'. */
  reason: string | null;
  /**
   * 'native' when bcnmf's own kernels (native/kernels.c, built at install time) run the
   * products with the data and the fused iteration, 'javascript' when they do not.
   */
  kernels: 'native' | 'javascript';
  /** The native kernels' library file and build ('avx2' or 'generic'), when loaded. */
  kernelLibrary: string | null;
  kernelVariant: 'avx2' | 'generic' | null;
  /** Threads the native kernels use, when loaded. */
  kernelThreads: number | null;
  /** Why the native kernels are not used, when `kernels` is 'javascript'. */
  kernelReason: string | null;
}

/** How {@link loadBlas} finds koffi and the library (tests inject failures here). */
export interface BlasLoadOptions {
  /** A library file to load instead of the platform's candidates (also env `BCNMF_BLAS_LIBRARY`). */
  library?: string;
  /** Skip BLAS entirely (also env `BCNMF_BLAS=off`). */
  disable?: boolean;
  /** Imports koffi; replaced in tests to simulate an FFI that fails to load. */
  importKoffi?: () => Promise<unknown>;
  /** Options for bcnmf's native kernels (`{ disable: true }` turns them off; also env `BCNMF_NATIVE=off`). */
  native?: NativeLoadOptions;
}

const CBLAS_ROW_MAJOR = 101;
/** Multiply-adds under which a product runs on one BLAS thread. */
const SMALL_PRODUCT = 4_000_000;
const CBLAS_NO_TRANS = 111;
const CBLAS_TRANS = 112;

/** Library files tried in order on this platform. */
export function blasCandidates(platform: string = process.platform): string[] {
  if (platform === 'darwin') {
    return [
      '/opt/homebrew/opt/openblas/lib/libopenblas.dylib',
      '/usr/local/opt/openblas/lib/libopenblas.dylib',
      '/System/Library/Frameworks/Accelerate.framework/Accelerate',
    ];
  }
  if (platform === 'win32') return ['libopenblas.dll', 'openblas.dll'];
  // Debian/Ubuntu: libopenblas0 (pthread build, picks the kernel for this CPU at run time)
  return ['libopenblas.so.0', 'libopenblas.so', 'libopenblasp.so.0'];
}

/**
 * Loads koffi and the first BLAS library that has `cblas_sgemm`. Returns the library or
 * the reason none could be used; never throws.
 */
export async function loadBlas(options: BlasLoadOptions = {}): Promise<Blas | { reason: string }> {
  if (options.disable || switchedOff('BCNMF_BLAS')) {
    return { reason: 'BLAS disabled (BCNMF_BLAS=off)' };
  }
  const koffi = await loadKoffi(options.importKoffi);
  if ('reason' in koffi) return koffi;
  const requested = options.library ?? (typeof process === 'object' ? process.env.BCNMF_BLAS_LIBRARY : undefined);
  const candidates = requested ? [requested] : blasCandidates();
  const failures: string[] = [];
  for (const file of candidates) {
    let lib: KoffiLib;
    try {
      lib = koffi.load(file);
    } catch (error) {
      failures.push(`${file}: ${describe(error)}`);
      continue;
    }
    let raw: (...args: unknown[]) => unknown;
    try {
      raw = lib.func(
        'void cblas_sgemm(int order, int transA, int transB, int m, int n, int k, float alpha, ' +
          'float *a, int lda, float *b, int ldb, float beta, float *c, int ldc)',
      );
    } catch (error) {
      failures.push(`${file}: no cblas_sgemm (${describe(error)})`);
      continue;
    }
    const optional = <T>(signature: string): (() => T) | null => {
      try {
        return lib.func(signature) as () => T;
      } catch {
        return null;
      }
    };
    const getConfig = optional<string>('const char *openblas_get_config()');
    const getCore = optional<string>('const char *openblas_get_corename()');
    const getThreads = optional<number>('int openblas_get_num_threads()');
    const setThreads = optional<void>('void openblas_set_num_threads(int)') as ((n: number) => void) | null;
    const config = getConfig ? `${getConfig()}${getCore ? ` (kernel ${getCore()})` : ''}` : null;
    const threads = getThreads ? getThreads() : null;
    // OpenBLAS wakes all its threads for any product; for small ones the hand-over costs
    // more than the work (20 x 2000 x 20: 0.2 ms on one thread, 10 ms on two when the
    // machine is busy). Products under SMALL_PRODUCT multiply-adds run on one thread.
    let current = threads ?? 1;
    const sgemm: Sgemm = (transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc) => {
      if (setThreads && threads !== null && threads > 1) {
        const wanted = m * n * k < SMALL_PRODUCT ? 1 : threads;
        if (wanted !== current) {
          setThreads(wanted);
          current = wanted;
        }
      }
      raw(
        CBLAS_ROW_MAJOR,
        transA ? CBLAS_TRANS : CBLAS_NO_TRANS,
        transB ? CBLAS_TRANS : CBLAS_NO_TRANS,
        m, n, k, alpha, a, lda, b, ldb, beta, c, ldc,
      );
    };
    return { library: file, config, threads, sgemm };
  }
  return { reason: `no BLAS library could be loaded (${failures.join('; ')})` };
}
