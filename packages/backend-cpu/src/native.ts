// bcnmf's own native kernels (native/kernels.c), built on this machine at install time
// by scripts/build-native.mjs and called through koffi. Nothing here is required: where
// the library was not built or cannot be loaded, `loadNativeKernels` says why and the
// `cpu` backend uses BLAS or tfjs's kernels instead.
import { bindWithThreads, describe, loadKoffi, switchedOff, type KoffiLib } from './ffi.js';
import { bindSparseKernels, type NativeSparseKernels } from './native-sparse.js';

/** The native kernels, on the caller's arrays (row-major float32; see native/kernels.c). */
export interface NativeKernels {
  /** The library file loaded. */
  library: string;
  /** 'avx2' (AVX2 + FMA build) or 'generic'. */
  variant: 'avx2' | 'generic';
  /** Threads the kernels split their rows over. */
  threads: number;
  /** out (n x k) = X (n x m) · thin (m x k). */
  denseTimesThin(n: number, m: number, k: number, x: Float32Array, thin: Float32Array, out: Float32Array): void;
  /** out (k x m) = thinT (k x n) · X (n x m). */
  thinTransposedTimesDense(n: number, m: number, k: number, thinT: Float32Array, x: Float32Array, out: Float32Array): void;
  /** out (n x m) = X ⊘ (H W + eps), H n x k, W k x m. */
  poissonRatio(n: number, m: number, k: number, x: Float32Array, h: Float32Array, w: Float32Array, eps: number, out: Float32Array): void;
  /**
   * One data set's share of an iteration in one pass over its rows: the new coefficients
   * into `hNew` and, when `cross` is given, the basis statistics (`cross` k x m; `mass`
   * k x k for Frobenius, k for Poisson). See native/kernels.c, bcnmf_fused_pass.
   */
  fusedPass(
    poisson: boolean,
    n: number,
    m: number,
    k: number,
    x: Float32Array,
    h: Float32Array,
    w: Float32Array,
    eps: number,
    damping: number,
    hNew: Float32Array,
    cross: Float32Array | null,
    mass: Float32Array | null,
  ): void;
  /**
   * The basis update from stacked statistics: slot 0 the target's, slots 1..backgrounds
   * the backgrounds' (`cross` (1 + backgrounds) x k x m, `mass` (1 + backgrounds) x k x k
   * or x k), weighted by `alphas` (one per background). See bcnmf_basis_update.
   */
  basisUpdate(
    poisson: boolean,
    k: number,
    m: number,
    backgrounds: number,
    w: Float32Array,
    cross: Float32Array,
    mass: Float32Array,
    alphas: Float32Array,
    eps: number,
    damping: number,
    wNew: Float32Array,
  ): void;
  /**
   * Σ over the entries of (X − H W)² (`poisson` false) or of X ∘ log(H W + eps) − H W
   * (`poisson` true), in one pass without the reconstruction; summed in float64.
   */
  reconstructionSum(poisson: boolean, n: number, m: number, k: number, x: Float32Array, h: Float32Array, w: Float32Array, eps: number): number;
  /** Σ (X log X − X) over the values (0 log 0 = 0), summed in float64. */
  divergenceConstant(x: Float32Array): number;
  /** The kernels for CSR data (native/sparse.c). */
  sparse: NativeSparseKernels;
}

/** How {@link loadNativeKernels} finds the library (tests inject failures here). */
export interface NativeLoadOptions {
  /** Skip the native kernels (also env `BCNMF_NATIVE=off`). */
  disable?: boolean;
  /** A library file to load instead of the built one. */
  library?: string;
  /** Threads for the kernels (also env `BCNMF_THREADS`); default: all online CPUs. */
  threads?: number;
  /** Imports koffi; replaced in tests. */
  importKoffi?: () => Promise<unknown>;
}

/**
 * The library files scripts/build-native.mjs built (native/build/status.json), best
 * first, or why there are none. Node's modules are imported here, not at the top, so
 * that this package still loads in browsers (where the wasm backend runs).
 */
async function builtLibraries(): Promise<string[] | { reason: string }> {
  if (typeof process !== 'object' || !process.versions?.node) {
    return { reason: 'native kernels run in Node.js only' };
  }
  const [{ existsSync, readFileSync }, { dirname, join }, { fileURLToPath }] = await Promise.all([
    import('node:fs'),
    import('node:path'),
    import('node:url'),
  ]);
  const buildDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'native', 'build');
  const file = join(buildDir, 'status.json');
  if (!existsSync(file)) {
    return { reason: 'native kernels not built (run `pnpm --filter @bcnmf/backend-cpu build:native`)' };
  }
  try {
    const status = JSON.parse(readFileSync(file, 'utf8')) as { built?: boolean; reason?: string; libraries?: Record<string, string> };
    if (!status.built || !status.libraries) return { reason: status.reason ?? 'native kernels not built' };
    return [status.libraries.avx2, status.libraries.generic].filter(Boolean).map((f) => join(buildDir, f));
  } catch (error) {
    return { reason: `native build status unreadable (${file}): ${describe(error)}` };
  }
}

function threadsWanted(options: NativeLoadOptions): number {
  const env = typeof process === 'object' ? process.env.BCNMF_THREADS : undefined;
  const requested = options.threads ?? (env ? Number(env) : 0);
  return Number.isInteger(requested) && requested > 0 ? Math.min(requested, 64) : 0;
}

/**
 * Loads the native kernels (the AVX2 build where this CPU has AVX2 and FMA). Returns
 * them, or the reason they cannot be used; never throws.
 */
export async function loadNativeKernels(options: NativeLoadOptions = {}): Promise<NativeKernels | { reason: string }> {
  if (options.disable || switchedOff('BCNMF_NATIVE')) {
    return { reason: 'native kernels disabled (BCNMF_NATIVE=off)' };
  }
  const koffi = await loadKoffi(options.importKoffi);
  if ('reason' in koffi) return koffi;
  let files: string[];
  if (options.library) {
    files = [options.library];
  } else {
    const built = await builtLibraries();
    if ('reason' in built) return built;
    files = built;
  }
  const failures: string[] = [];
  for (const file of files) {
    try {
      const lib = koffi.load(file);
      const isAvx2Build = (lib.func('int bcnmf_build_avx2()') as () => number)() === 1;
      if (isAvx2Build && (lib.func('int bcnmf_cpu_has_avx2()') as () => number)() !== 1) {
        failures.push(`${file}: this CPU lacks AVX2/FMA`);
        continue;
      }
      return bindKernels(lib, file, isAvx2Build ? 'avx2' : 'generic', threadsWanted(options));
    } catch (error) {
      failures.push(`${file}: ${describe(error)}`);
    }
  }
  return { reason: `native kernels could not be loaded (${failures.join('; ')})` };
}

function bindKernels(lib: KoffiLib, library: string, variant: 'avx2' | 'generic', requested: number): NativeKernels {
  const defaultThreads = lib.func('int bcnmf_default_threads()') as () => number;
  const threads = requested > 0 ? requested : defaultThreads();
  const fn = (signature: string) => bindWithThreads(lib, signature, threads);
  const denseTimesThin = fn('int bcnmf_dense_times_thin(int n, int m, int k, float *x, float *thin, float *out, int threads)');
  const thinTransposedTimesDense = fn('int bcnmf_thin_t_times_dense(int n, int m, int k, float *thinT, float *x, float *out, int threads)');
  const poissonRatio = fn('int bcnmf_poisson_ratio(int n, int m, int k, float *x, float *h, float *w, float eps, float *out, int threads)');
  const fusedPass = fn(
    'int bcnmf_fused_pass(int poisson, int n, int m, int k, float *x, float *h, float *w, float eps, float damping, ' +
      'float *hNew, float *cross, float *mass, int threads)',
  );
  const basisUpdate = lib.func(
    'int bcnmf_basis_update(int poisson, int k, int m, int backgrounds, float *w, float *cross, float *mass, ' +
      'float *alphas, float eps, float damping, float *wNew)',
  );
  const reconstructionSum = lib.func(
    'int bcnmf_reconstruction_sum(int poisson, int n, int m, int k, float *x, float *h, float *w, float eps, _Out_ double *out, int threads)',
  );
  const divergenceConstant = lib.func('int bcnmf_divergence_constant(int64_t count, float *x, _Out_ double *out, int threads)');
  return {
    library,
    variant,
    threads,
    divergenceConstant: (x) => {
      const out = [0];
      if ((divergenceConstant(x.length, x, out, threads) as number) !== 0) {
        throw new Error('bcnmf_divergence_constant: out of memory');
      }
      return out[0];
    },
    reconstructionSum: (poisson, n, m, k, x, h, w, eps) => {
      const out = [0];
      if ((reconstructionSum(poisson ? 1 : 0, n, m, k, x, h, w, eps, out, threads) as number) !== 0) {
        throw new Error('bcnmf_reconstruction_sum: out of memory for its work buffers');
      }
      return out[0];
    },
    basisUpdate: (poisson, k, m, backgrounds, w, cross, mass, alphas, eps, damping, wNew) => {
      if ((basisUpdate(poisson ? 1 : 0, k, m, backgrounds, w, cross, mass, alphas, eps, damping, wNew) as number) !== 0) {
        throw new Error('bcnmf_basis_update: out of memory for its work buffers');
      }
    },
    denseTimesThin: (n, m, k, x, thin, out) => denseTimesThin(n, m, k, x, thin, out),
    thinTransposedTimesDense: (n, m, k, thinT, x, out) => thinTransposedTimesDense(n, m, k, thinT, x, out),
    poissonRatio: (n, m, k, x, h, w, eps, out) => poissonRatio(n, m, k, x, h, w, eps, out),
    fusedPass: (poisson, n, m, k, x, h, w, eps, damping, hNew, cross, mass) =>
      fusedPass(poisson ? 1 : 0, n, m, k, x, h, w, eps, damping, hNew, cross, mass),
    sparse: bindSparseKernels(lib, threads),
  };
}
