// Optional native BLAS for the `cpu` backend: OpenBLAS (Linux, Windows) or Accelerate
// (macOS), found and loaded by @bcnmf/native (which the baselines share). Nothing here is
// required: where koffi or the library cannot be loaded, `cpuAccelerator()` says why and
// the `cpu` backend runs TensorFlow.js's own JavaScript kernels.
import { loadBlasLibrary, rowMajorGemm, type Gemm, type ImportKoffi } from '@bcnmf/native';
import type { NativeLoadOptions } from './native.js';

export { blasCandidates } from '@bcnmf/native';

/** Row-major single-precision GEMM: C = alpha · op(A) · op(B) + beta · C. */
export type Sgemm = Gemm<Float32Array>;

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
   * 'native' when bcnmf's own kernels (native/*.c, built at install time) run the
   * products with the data and the fused iteration, 'javascript' when they do not.
   */
  kernels: 'native' | 'javascript';
  /** The native kernels' library file and build ('avx512', 'avx2' or 'generic'), when loaded. */
  kernelLibrary: string | null;
  kernelVariant: 'avx512' | 'avx2' | 'generic' | null;
  /** Threads the native kernels use, when loaded. */
  kernelThreads: number | null;
  /** Why the native kernels are not used, when `kernels` is 'javascript' (with the fix, where there is one). */
  kernelReason: string | null;
  /**
   * What builds the native kernels when they are not used for a reason a command fixes
   * (not built, a failed or stale build): `run \`pnpm approve-builds @bcnmf/backend-cpu\``,
   * `install a C compiler (...), then run \`npm rebuild @bcnmf/backend-cpu\``, ...; null
   * when they run, or were switched off.
   */
  kernelFix: string | null;
}

/** How {@link loadBlas} finds koffi and the library (tests inject failures here). */
export interface BlasLoadOptions {
  /** A library file to load instead of the platform's candidates (also env `BCNMF_BLAS_LIBRARY`). */
  library?: string;
  /** Skip BLAS entirely (also env `BCNMF_BLAS=off`). */
  disable?: boolean;
  /** Imports koffi; replaced in tests to simulate an FFI that fails to load. */
  importKoffi?: ImportKoffi;
  /** Options for bcnmf's native kernels (`{ disable: true }` turns them off; also env `BCNMF_NATIVE=off`). */
  native?: NativeLoadOptions;
}

/** Multiply-adds under which a product runs on one BLAS thread. */
const SMALL_PRODUCT = 4_000_000;

/**
 * Loads koffi and the first BLAS library that has `cblas_sgemm`. Returns the library or
 * the reason none could be used; never throws.
 */
export async function loadBlas(options: BlasLoadOptions = {}): Promise<Blas | { reason: string }> {
  const { library: file, disable, importKoffi } = options;
  const loaded = await loadBlasLibrary({ needs: ['cblas_sgemm'], library: file, disable, importKoffi });
  if ('reason' in loaded) return loaded;
  const { library, config, threads, functions } = loaded;
  const setThreads = functions.openblas_set_num_threads;
  const gemm = rowMajorGemm<Float32Array>(functions.cblas_sgemm);
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
    gemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
  };
  return { library, config, threads, sgemm };
}
