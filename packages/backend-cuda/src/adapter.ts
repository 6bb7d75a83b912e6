import type { BackendAdapter, BackendProbe, TfNamespace } from '@bcnmf/core';
import * as tfCore from '@tensorflow/tfjs-core';

/** The npm packages that provide TensorFlow's 'tensorflow' backend, in the order they are tried. */
export type TfjsNodePackage = '@tensorflow/tfjs-node-gpu' | '@tensorflow/tfjs-node';

/** The GPU build first; the CPU build is used only where the GPU build is not installed. */
export const TFJS_NODE_PACKAGES: readonly TfjsNodePackage[] = ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node'];

/**
 * The only tfjs-node(-gpu) version the adapter accepts: 4.22.0 depends on exactly
 * @tensorflow/tfjs 4.22.0, hence tfjs-core 4.22.0, the version bcnmf runs on.
 */
export const SUPPORTED_TFJS_NODE_VERSION = '4.22.0';

/** The TensorFlow C library tfjs-node(-gpu) 4.22.0 downloads at install (its scripts/deps-constants.js). */
export const LIBTENSORFLOW_VERSION = '2.9.1';

/** What the adapter reads from an imported tfjs-node(-gpu) module. */
export interface TfjsNodeModule {
  /** tfjs-node's merged version table: 'tfjs-core', 'tfjs-node', ... */
  version?: Record<string, string | undefined>;
  /** The CommonJS `module.exports`, where the named export was not detected. */
  default?: { version?: Record<string, string | undefined> };
}

/** Imports one of {@link TFJS_NODE_PACKAGES}; tests pass their own to simulate failures. */
export type TfjsNodeImporter = (packageName: TfjsNodePackage) => Promise<TfjsNodeModule>;

/** Options of {@link createCudaAdapter}. */
export interface CudaAdapterOptions {
  /** How the package is imported; by default a dynamic `import()` from this package's location. */
  importTfjsNode?: TfjsNodeImporter;
}

/** What `probe()` reports: core's `BackendProbe` with the package that provides (or failed to provide) the backend. */
export interface CudaBackendProbe extends BackendProbe {
  packageName?: TfjsNodePackage;
}

/** Core's `BackendAdapter` for 'cuda'. */
export interface CudaAdapter extends BackendAdapter {
  readonly name: 'cuda';
  readonly tfjsBackend: 'tensorflow';
  readonly description: string;
  /** Whether the backend can run here; imports tfjs-node(-gpu), but leaves tfjs on the backend it was on. */
  probe(): Promise<CudaBackendProbe>;
  /** Imports tfjs-node(-gpu) (which registers 'tensorflow') and makes `tf` run on it. */
  activate(tf: TfNamespace): Promise<void>;
}

const GPU: TfjsNodePackage = '@tensorflow/tfjs-node-gpu';
const CPU: TfjsNodePackage = '@tensorflow/tfjs-node';
const OTHER_BACKENDS =
  "on CUDA 12 and later use backend 'webgpu' (@bcnmf/backend-webgpu); 'wasm' and 'cpu' (@bcnmf/backend-cpu) need no native library";
const CUDA_ADVICE =
  `@tensorflow/tfjs-node-gpu ${SUPPORTED_TFJS_NODE_VERSION} runs libtensorflow ${LIBTENSORFLOW_VERSION}, built for CUDA 11.2 and cuDNN 8.1 ` +
  '(CUDA 12 and later have no libcudart.so.11.0; tfjs issues #8362, #8505): install the CUDA 11.2 runtime and cuDNN 8.1 ' +
  'and put their lib directories on LD_LIBRARY_PATH, or install @tensorflow/tfjs-node instead to run TensorFlow on the CPU; ' +
  OTHER_BACKENDS;

/** The error the adapter throws; its message is one line (core shows the first line only). */
export class CudaBackendError extends Error {
  readonly packageName: TfjsNodePackage | undefined;
  constructor(message: string, packageName?: TfjsNodePackage) {
    super(message);
    this.name = 'CudaBackendError';
    this.packageName = packageName;
  }
}

function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.trim().split('\n')[0].trim();
}

function errorCode(error: unknown): unknown {
  return typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
}

/** Whether `error` says that `packageName` itself (not one of its dependencies) is not installed. */
export function isNotInstalledError(error: unknown, packageName: TfjsNodePackage): boolean {
  const code = errorCode(error);
  if (code !== 'ERR_MODULE_NOT_FOUND' && code !== 'MODULE_NOT_FOUND') return false;
  return firstLine(error).includes(`'${packageName}'`);
}

/**
 * One line that says why `packageName`, which is installed, failed to load, and what to do.
 * Recognises the missing native addon, missing libtensorflow, missing CUDA libraries
 * (libcudart.so.11.0, libcudnn.so.8, ...) and missing dependencies of the package.
 */
export function explainLoadError(packageName: TfjsNodePackage, error: unknown): string {
  const detail = firstLine(error);
  const rebuild = `npm rebuild ${packageName}`;
  const missingLibrary = /(lib[\w+-]+\.so(?:\.[\d.]+)?|[\w-]+\.dll)/.exec(detail)?.[1];
  if (/tfjs_binding\.node\) can not be found/.test(detail)) {
    return (
      `${packageName} is installed but its native addon (tfjs_binding.node) is missing: its install script, which downloads ` +
      `libtensorflow ${LIBTENSORFLOW_VERSION} and the addon from storage.googleapis.com, did not finish (no internet?); ` +
      `rerun it with \`${rebuild}\`, or point it at a local copy of the archive (TFJS_NODE_BASE_URI, see the @bcnmf/backend-cuda README); ` +
      OTHER_BACKENDS
    );
  }
  if (missingLibrary && /^lib(cudart|cublas|cublasLt|cufft|curand|cusolver|cusparse|cudnn)\b/.test(missingLibrary)) {
    return `${packageName} is installed but cannot load the CUDA library ${missingLibrary} (${detail}): ${CUDA_ADVICE}`;
  }
  if (missingLibrary && /^libcuda\.so/.test(missingLibrary)) {
    return (
      `${packageName} is installed but the NVIDIA driver library ${missingLibrary} is missing (${detail}): this machine has no ` +
      `usable NVIDIA GPU; install @tensorflow/tfjs-node to run TensorFlow on the CPU, or ${OTHER_BACKENDS}`
    );
  }
  if (missingLibrary && /^(lib)?tensorflow/.test(missingLibrary)) {
    return (
      `${packageName} is installed but its libtensorflow ${LIBTENSORFLOW_VERSION} library ${missingLibrary} is missing or broken ` +
      `(${detail}): reinstall it, or run \`${rebuild}\`; ${OTHER_BACKENDS}`
    );
  }
  const code = errorCode(error);
  if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') {
    return `${packageName} is installed but one of its dependencies is missing (${detail}): reinstall ${packageName}@${SUPPORTED_TFJS_NODE_VERSION}; ${OTHER_BACKENDS}`;
  }
  if (code === 'ERR_DLOPEN_FAILED' || /cannot open shared object|invalid ELF|GLIBC|undefined symbol/.test(detail)) {
    return `${packageName} is installed but its native addon failed to load (${detail}): reinstall it, or run \`${rebuild}\`; ${OTHER_BACKENDS}`;
  }
  return `${packageName} is installed but failed to load (${detail}); ${OTHER_BACKENDS}`;
}

const NOT_INSTALLED =
  `neither ${GPU} nor ${CPU} is installed: install ${GPU}@${SUPPORTED_TFJS_NODE_VERSION} (NVIDIA GPUs on Linux x64; needs CUDA 11.2 and cuDNN 8.1) ` +
  `or ${CPU}@${SUPPORTED_TFJS_NODE_VERSION} (TensorFlow on the CPU) next to @bcnmf/backend-cuda; their install script downloads ` +
  `libtensorflow ${LIBTENSORFLOW_VERSION} from storage.googleapis.com (without internet see the @bcnmf/backend-cuda README); ` +
  OTHER_BACKENDS;

interface Loaded {
  packageName: TfjsNodePackage;
  module: TfjsNodeModule;
}

const defaultImporter: TfjsNodeImporter = (packageName) =>
  import(/* @vite-ignore */ packageName) as Promise<TfjsNodeModule>;

/** Checks that the loaded package runs on the same tfjs-core as `tf`. */
function checkVersion(loaded: Loaded, tf: TfNamespace): void {
  const versions = loaded.module.version ?? loaded.module.default?.version;
  const bundled = versions?.['tfjs-core'];
  if (bundled !== undefined && bundled !== tf.version_core) {
    const own = versions?.['tfjs-node'] ?? 'unknown';
    throw new CudaBackendError(
      `${loaded.packageName} ${own} bundles @tensorflow/tfjs-core ${bundled}, but bcnmf runs on @tensorflow/tfjs-core ` +
        `${tf.version_core}, so its 'tensorflow' backend would run another engine's kernels: install ` +
        `${loaded.packageName}@${SUPPORTED_TFJS_NODE_VERSION}`,
      loaded.packageName,
    );
  }
  if (tf.findBackendFactory('tensorflow') == null) {
    throw new CudaBackendError(
      `${loaded.packageName} loaded but its 'tensorflow' backend is not registered with the tfjs engine bcnmf uses ` +
        `(@tensorflow/tfjs-core ${tf.version_core}); it registered with another copy of tfjs-core: install ` +
        `${loaded.packageName}@${SUPPORTED_TFJS_NODE_VERSION} so that both share one`,
      loaded.packageName,
    );
  }
}

/** TensorFlow running without a GPU although the GPU build is loaded: TF only warned on stderr. */
function checkGpu(loaded: Loaded, backend: unknown): void {
  if (loaded.packageName !== GPU || typeof backend !== 'object' || backend === null) return;
  if ((backend as { isUsingGpuDevice?: unknown }).isUsingGpuDevice === false) {
    throw new CudaBackendError(
      `${GPU} loaded but TensorFlow found no usable GPU and would run on the CPU (its stderr says why, typically ` +
        `"Could not load dynamic library 'libcudart.so.11.0'"): ${CUDA_ADVICE}`,
      GPU,
    );
  }
}

/**
 * Makes a CUDA adapter. `cudaAdapter` is `createCudaAdapter()`; tests pass
 * `importTfjsNode` to simulate a missing or broken tfjs-node(-gpu).
 *
 * @example
 * const adapter = createCudaAdapter({ importTfjsNode: async () => { throw new Error('libcudart.so.11.0: cannot open shared object file') } });
 * (await adapter.probe()).reason; // '@tensorflow/tfjs-node-gpu is installed but cannot load the CUDA library libcudart.so.11.0 ...'
 */
export function createCudaAdapter(options: CudaAdapterOptions = {}): CudaAdapter {
  const importTfjsNode = options.importTfjsNode ?? defaultImporter;
  let loading: Promise<Loaded> | undefined;

  async function importFirst(): Promise<Loaded> {
    for (const packageName of TFJS_NODE_PACKAGES) {
      let module: TfjsNodeModule;
      try {
        module = await importTfjsNode(packageName);
      } catch (error) {
        if (isNotInstalledError(error, packageName)) continue;
        throw new CudaBackendError(explainLoadError(packageName, error), packageName);
      }
      return { packageName, module };
    }
    throw new CudaBackendError(NOT_INSTALLED);
  }

  function load(): Promise<Loaded> {
    loading ??= importFirst();
    return loading;
  }

  return {
    name: 'cuda',
    packageName: '@bcnmf/backend-cuda',
    tfjsBackend: 'tensorflow',
    description:
      `TensorFlow ${LIBTENSORFLOW_VERSION} C library through ${GPU} (CUDA 11.2, cuDNN 8.1) or ${CPU} (CPU), ` +
      `${SUPPORTED_TFJS_NODE_VERSION}`,
    async probe(): Promise<CudaBackendProbe> {
      // tfjs-node switches tfjs to 'tensorflow' when imported; a probe must not.
      const previous = tfCore.engine().backendName;
      let packageName: TfjsNodePackage | undefined;
      try {
        const loaded = await load();
        packageName = loaded.packageName;
        checkVersion(loaded, tfCore);
        checkGpu(loaded, tfCore.findBackend('tensorflow'));
        return { available: true, packageName, details: { TensorFlow: `libtensorflow ${LIBTENSORFLOW_VERSION} through ${packageName}` } };
      } catch (error) {
        const reason = firstLine(error);
        packageName ??= error instanceof CudaBackendError ? error.packageName : undefined;
        return { available: false, reason, ...(packageName ? { packageName } : {}) };
      } finally {
        if (previous && tfCore.engine().backendName !== previous) await tfCore.setBackend(previous);
      }
    },
    async activate(tf: TfNamespace): Promise<void> {
      const loaded = await load();
      checkVersion(loaded, tf);
      const previous = tf.engine().backendName;
      if (!(await tf.setBackend('tensorflow'))) {
        throw new CudaBackendError(`tfjs could not initialise the 'tensorflow' backend of ${loaded.packageName}`, loaded.packageName);
      }
      await tf.ready();
      try {
        checkGpu(loaded, tf.backend());
      } catch (error) {
        if (previous && previous !== 'tensorflow') await tf.setBackend(previous);
        throw error;
      }
    },
  } satisfies CudaAdapter;
}

/**
 * TensorFlow's C library (libtensorflow 2.9.1) through `@tensorflow/tfjs-node-gpu` on
 * NVIDIA GPUs with CUDA 11.2 and cuDNN 8.1, or through `@tensorflow/tfjs-node` on the
 * CPU. Both packages are optional: the adapter imports one only when probed or
 * activated and says exactly why it cannot run when neither loads.
 *
 * @example
 * (await cudaAdapter.probe()).available; // false where neither package is installed
 */
export const cudaAdapter: CudaAdapter = createCudaAdapter();
