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
import { BUILD_SIGNATURES, DENSE_SIGNATURES, SPARSE_SIGNATURES, VARIANT_SIGNATURES } from './kernel-signatures.js';
import { installLayout, notBuilt, rebuildCommand, type NativeBuildStatus, type NativeUnavailable } from './native-build.js';
import { sparseKernels, type FusedPassOperands, type NativeSparseKernels, type Sizes } from './native-sparse.js';

/** The builds of the native kernels, best first. */
export const NATIVE_VARIANTS = ['avx512', 'avx2', 'generic'] as const;
export type NativeVariant = (typeof NATIVE_VARIANTS)[number];

/** The native kernels, on the caller's arrays (row-major float32; see native/*.c). */
export interface NativeKernels {
  /** The library file loaded. */
  library: string;
  /** 'avx512' (AVX-512 F + VL build), 'avx2' (AVX2 + FMA build) or 'generic'. */
  variant: NativeVariant;
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
  /**
   * The one build to load (also env `BCNMF_NATIVE_VARIANT`); default: the best this CPU
   * runs. For comparing the builds on one machine, and a way around a build that
   * misbehaves on some CPU.
   */
  variant?: NativeVariant;
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
async function builtLibraries(given: string | undefined, variant: NativeVariant | undefined): Promise<{ files: string[]; rebuild: string } | NativeUnavailable> {
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
  const libraries = status.libraries;
  const rebuild = rebuildCommand(layout);
  if (variant && !libraries[variant]) {
    const built = NATIVE_VARIANTS.filter((v) => libraries[v]).join(', ');
    return { reason: `the ${variant} build of the native kernels was not built here (built: ${built}${status.skipped?.length ? `; skipped: ${status.skipped.join('; ')}` : ''})` };
  }
  const files = (variant ? [variant] : NATIVE_VARIANTS).map((v) => libraries[v]).filter(Boolean).map((f) => join(buildDir, f));
  return { files, rebuild };
}

/** The build named by `BCNMF_NATIVE_VARIANT` (a TypeError naming the choices when it names none). */
export function requestedVariant(given?: NativeVariant): NativeVariant | undefined {
  const value = given ?? (typeof process === 'object' ? process.env?.BCNMF_NATIVE_VARIANT?.trim().toLowerCase() : undefined);
  if (!value) return undefined;
  if (!(NATIVE_VARIANTS as readonly string[]).includes(value)) {
    throw new TypeError(`BCNMF_NATIVE_VARIANT must be one of ${NATIVE_VARIANTS.join(', ')} (got ${JSON.stringify(value)})`);
  }
  return value as NativeVariant;
}

/**
 * Loads the native kernels (the best build this CPU runs: AVX-512, AVX2 + FMA, generic,
 * or the one `variant` / `BCNMF_NATIVE_VARIANT` names). Returns
 * them, or the reason they cannot be used and, where a command builds them, that
 * command (`fix`); never throws.
 */
export async function loadNativeKernels(options: NativeLoadOptions = {}): Promise<NativeKernels | NativeUnavailable> {
  if (options.disable || switchedOff('BCNMF_NATIVE')) {
    return { reason: 'native kernels disabled (BCNMF_NATIVE=off)' };
  }
  let variant: NativeVariant | undefined;
  try {
    variant = requestedVariant(options.variant);
  } catch (error) {
    // a mistyped name must not slow every fit without a word: the first fit says it (the fix)
    return { reason: describe(error), fix: `unset BCNMF_NATIVE_VARIANT or set it to one of ${NATIVE_VARIANTS.join(', ')}` };
  }
  const unsetVariant = `unset BCNMF_NATIVE_VARIANT (or ask for a build this machine has and runs)`;
  const koffi = await loadKoffi(options.importKoffi);
  if ('reason' in koffi) return koffi;
  let files: string[];
  let rebuild: string | undefined;
  if (options.library) {
    files = [options.library];
  } else {
    const built = await builtLibraries(options.buildDir, variant);
    if ('reason' in built) return variant && !built.fix ? { reason: `${built.reason}; ${unsetVariant}`, fix: unsetVariant } : built;
    ({ files, rebuild } = built);
  }
  const failures: string[] = [];
  for (const file of files) {
    try {
      const kernels = bindKernels(koffi.load(file), file, requestedThreads(options.threads), variant);
      if (typeof kernels === 'string') failures.push(`${file}: ${kernels}`);
      else return kernels;
    } catch (error) {
      failures.push(`${file}: ${describe(error)}`);
    }
  }
  const reason = `native kernels could not be loaded (${failures.join('; ')})`;
  // the one build asked for may simply not run on this CPU: rebuilding would not help
  if (variant) return { reason: `${reason}; ${unsetVariant}`, fix: unsetVariant };
  return rebuild ? { reason: `${reason}; to rebuild them, run \`${rebuild}\``, fix: `run \`${rebuild}\`` } : { reason };
}

/** The kernels of a loaded library, or why it cannot serve: another library, a stale build, a CPU without AVX2 or AVX-512, another build than the one asked for. */
function bindKernels(lib: KoffiLib, library: string, requested: number, wanted: NativeVariant | undefined): NativeKernels | string {
  let build: Bindings<typeof BUILD_SIGNATURES>;
  try {
    build = bindSignatures(lib, BUILD_SIGNATURES);
  } catch (error) {
    if (error instanceof MissingSymbolsError) return `not bcnmf's kernel library (${error.message})`;
    throw error;
  }
  let variantInfo: Bindings<typeof VARIANT_SIGNATURES>;
  try {
    variantInfo = bindSignatures(lib, VARIANT_SIGNATURES);
  } catch (error) {
    if (error instanceof MissingSymbolsError) return `${error.message}: a stale build`;
    throw error;
  }
  const variant: NativeVariant = variantInfo.bcnmf_build_avx512() === 1 ? 'avx512' : build.bcnmf_build_avx2() === 1 ? 'avx2' : 'generic';
  if (wanted && variant !== wanted) return `the ${variant} build, not the ${wanted} one asked for`;
  if (variant !== 'generic' && build.bcnmf_cpu_has_avx2() !== 1) return 'this CPU lacks AVX2/FMA';
  if (variant === 'avx512' && variantInfo.bcnmf_cpu_has_avx512() !== 1) return 'this CPU lacks AVX-512 (F and VL)';
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
    variant,
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
