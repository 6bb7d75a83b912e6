// bcnmf's own native kernels (native/*.c), built on this machine at install time by
// scripts/build-native.mjs and called through koffi (@bcnmf/native), bound from one
// table of signatures (kernel-signatures.ts). Nothing here is required: where the library
// was not built or cannot be loaded, `loadNativeKernels` says why and the `cpu` backend
// uses BLAS or tfjs's kernels instead.
import {
  bindSignatures,
  describe,
  loadKoffi,
  MissingSymbolsError,
  requestedThreads,
  switchedOff,
  type Bindings,
  type ImportKoffi,
  type KoffiLib,
} from '@bcnmf/native';
import { BUILD_SIGNATURES, DENSE_SIGNATURES, SPARSE_SIGNATURES } from './kernel-signatures.js';
import { installLayout, notBuilt, rebuildCommand, type NativeBuildStatus, type NativeUnavailable } from './native-build.js';
import { sparseKernels, type FusedPassOperands, type NativeSparseKernels, type Sizes } from './native-sparse.js';

/** The native kernels, on the caller's arrays (row-major float32; see native/*.c). */
export interface NativeKernels {
  /** The library file loaded. */
  library: string;
  /** 'avx2' (AVX2 + FMA build) or 'generic'. */
  variant: 'avx2' | 'generic';
  /** Threads the kernels split their rows over. */
  threads: number;
  /** out (n x k) = X (n x m) · thin (m x k). */
  denseTimesThin(...args: [...Sizes, x: Float32Array, thin: Float32Array, out: Float32Array]): void;
  /** out (k x m) = thinT (k x n) · X (n x m). */
  thinTransposedTimesDense(...args: [...Sizes, thinT: Float32Array, x: Float32Array, out: Float32Array]): void;
  /** out (n x m) = X ⊘ (H W + eps), H n x k, W k x m. */
  poissonRatio(...args: [...Sizes, x: Float32Array, h: Float32Array, w: Float32Array, eps: number, out: Float32Array]): void;
  /**
   * One data set's share of an iteration in one pass over its rows: the new coefficients
   * into `hNew` and, when `cross` is given, the basis statistics (`cross` k x m; `mass`
   * k x k for Frobenius, k for Poisson). See native/dense-pass.c, bcnmf_fused_pass.
   */
  fusedPass(...args: [poisson: boolean, ...Sizes, x: Float32Array, ...FusedPassOperands]): void;
  /**
   * The basis update from stacked statistics: slot 0 the target's, slots 1..backgrounds
   * the backgrounds' (`cross` (1 + backgrounds) x k x m, `mass` (1 + backgrounds) x k x k
   * or x k), weighted by `alphas` (one per background). See native/basis-update.c.
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
  /** The kernels for CSR data (native/sparse-products.c, native/sparse-pass.c). */
  sparse: NativeSparseKernels;
}

/** How {@link loadNativeKernels} finds the library (tests inject failures here). */
export interface NativeLoadOptions {
  /** Skip the native kernels (also env `BCNMF_NATIVE=off`). */
  disable?: boolean;
  /** A library file to load instead of the built one. */
  library?: string;
  /** The build folder to read (status.json, the libraries) instead of the package's native/build (tests). */
  buildDir?: string;
  /** Threads for the kernels (also env `BCNMF_THREADS`); default: all online CPUs. */
  threads?: number;
  /** Imports koffi; replaced in tests. */
  importKoffi?: ImportKoffi;
}

/**
 * The library files scripts/build-native.mjs built (native/build/status.json), best
 * first, or why there are none and what builds them. Node's modules are imported here,
 * not at the top, so that this package still loads in browsers (where the wasm backend
 * runs).
 */
async function builtLibraries(given?: string): Promise<{ files: string[]; rebuild: string } | NativeUnavailable> {
  if (typeof process !== 'object' || !process.versions?.node) {
    return { reason: 'native kernels run in Node.js only' };
  }
  const [{ existsSync, readFileSync }, { dirname, join }, { fileURLToPath }] = await Promise.all([
    import('node:fs'),
    import('node:path'),
    import('node:url'),
  ]);
  const buildDir = given ?? join(dirname(fileURLToPath(import.meta.url)), '..', 'native', 'build');
  const layout = installLayout(buildDir);
  const file = join(buildDir, 'status.json');
  if (!existsSync(file)) return notBuilt(layout, null);
  let status: NativeBuildStatus;
  try {
    status = JSON.parse(readFileSync(file, 'utf8')) as NativeBuildStatus;
  } catch (error) {
    const rebuild = rebuildCommand(layout);
    return { reason: `native build status unreadable (${file}): ${describe(error)}; to build them, run \`${rebuild}\``, fix: `run \`${rebuild}\`` };
  }
  if (!status.built || !status.libraries) return notBuilt(layout, status);
  const files = [status.libraries.avx2, status.libraries.generic].filter(Boolean).map((f) => join(buildDir, f));
  return { files, rebuild: rebuildCommand(layout) };
}

/**
 * Loads the native kernels (the AVX2 build where this CPU has AVX2 and FMA). Returns
 * them, or the reason they cannot be used and, where a command builds them, that
 * command (`fix`); never throws.
 */
export async function loadNativeKernels(options: NativeLoadOptions = {}): Promise<NativeKernels | NativeUnavailable> {
  if (options.disable || switchedOff('BCNMF_NATIVE')) {
    return { reason: 'native kernels disabled (BCNMF_NATIVE=off)' };
  }
  const koffi = await loadKoffi(options.importKoffi);
  if ('reason' in koffi) return koffi;
  let files: string[];
  let rebuild: string | undefined;
  if (options.library) {
    files = [options.library];
  } else {
    const built = await builtLibraries(options.buildDir);
    if ('reason' in built) return built;
    ({ files, rebuild } = built);
  }
  const failures: string[] = [];
  for (const file of files) {
    try {
      const kernels = bindKernels(koffi.load(file), file, requestedThreads(options.threads));
      if (typeof kernels === 'string') failures.push(`${file}: ${kernels}`);
      else return kernels;
    } catch (error) {
      failures.push(`${file}: ${describe(error)}`);
    }
  }
  const reason = `native kernels could not be loaded (${failures.join('; ')})`;
  return rebuild ? { reason: `${reason}; to rebuild them, run \`${rebuild}\``, fix: `run \`${rebuild}\`` } : { reason };
}

/** The kernels of a loaded library, or why it cannot serve: another library, a stale build, a CPU without AVX2. */
function bindKernels(lib: KoffiLib, library: string, requested: number): NativeKernels | string {
  let build: Bindings<typeof BUILD_SIGNATURES>;
  try {
    build = bindSignatures(lib, BUILD_SIGNATURES);
  } catch (error) {
    if (error instanceof MissingSymbolsError) return `not bcnmf's kernel library (${error.message})`;
    throw error;
  }
  const isAvx2Build = build.bcnmf_build_avx2() === 1;
  if (isAvx2Build && build.bcnmf_cpu_has_avx2() !== 1) return 'this CPU lacks AVX2/FMA';
  const threads = requested > 0 ? requested : (build.bcnmf_default_threads() as number);
  let f: Bindings<typeof DENSE_SIGNATURES & typeof SPARSE_SIGNATURES>;
  try {
    f = bindSignatures(lib, { ...DENSE_SIGNATURES, ...SPARSE_SIGNATURES }, { threads });
  } catch (error) {
    if (error instanceof MissingSymbolsError) {
      return `${error.message}: a stale build`;
    }
    throw error;
  }
  const flag = (on: boolean): number => (on ? 1 : 0);
  return {
    library,
    variant: isAvx2Build ? 'avx2' : 'generic',
    threads,
    denseTimesThin: f.bcnmf_dense_times_thin,
    thinTransposedTimesDense: f.bcnmf_thin_t_times_dense,
    poissonRatio: f.bcnmf_poisson_ratio,
    fusedPass: (poisson, ...rest) => f.bcnmf_fused_pass(flag(poisson), ...rest),
    basisUpdate: (poisson, ...rest) => f.bcnmf_basis_update(flag(poisson), ...rest),
    reconstructionSum: (poisson, ...rest) => {
      const out = [0];
      f.bcnmf_reconstruction_sum(flag(poisson), ...rest, out);
      return out[0];
    },
    divergenceConstant: (x) => {
      const out = [0];
      f.bcnmf_divergence_constant(x.length, x, out);
      return out[0];
    },
    sparse: sparseKernels(f, flag),
  };
}
