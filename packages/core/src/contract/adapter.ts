import type { ComputeOps } from './compute-ops.js';
import type { TfNamespace } from './tensors.js';

/** What a backend adapter's `probe()` says about this machine. */
export interface BackendProbe {
  available: boolean;
  /** Why it cannot run here, when it cannot (and what would fix it). */
  reason?: string;
  /**
   * True when the backend runs native code on this machine (the cpu backend with its
   * native kernels built): a fit that names no backend then prefers it to wasm.
   */
  accelerated?: boolean;
  /**
   * What it found, one line each, for `bcnmf backends` and `listBackends()`: e.g.
   * `{ 'native kernels': 'built (avx2)', BLAS: 'libopenblas.so.0, 2 threads' }` or
   * `{ adapter: 'NVIDIA H100' }`.
   */
  details?: Record<string, string>;
  /**
   * What would make this backend run much faster here, with the command that does it
   * (e.g. the cpu backend's native kernels were not built: `pnpm approve-builds
   * @bcnmf/backend-cpu`). A fit or transform whose backends include this one says it
   * once per process, through its `onWarning`.
   */
  advice?: string;
}

/**
 * One way of running bcnmf, provided by a backend package. A contributor adding a
 * backend writes one object of this shape in their own package (checked with
 * `satisfies BackendAdapter`) and calls `registerBackend(adapter)` when the package is
 * imported; core never imports a backend package. See docs/CONTRIBUTING.md.
 */
export interface BackendAdapter {
  /** The name users type (`--backend NAME`, `{ backend: NAME }`): lower case, digits, dashes. */
  readonly name: string;
  /** The npm package that provides it, for messages ("install X"). */
  readonly packageName: string;
  /** The tfjs backend the adapter activates ('wasm', 'cpu', 'webgpu', 'tensorflow', ...). */
  readonly tfjsBackend: string;
  /** One line for messages and `listBackends()`. */
  readonly description: string;
  /** Bytes a fit may use on this backend (the wasm heap ends at 4 GiB); absent = no fixed limit. */
  readonly memoryLimitBytes?: number;
  /** Faster implementations of core's operations; what is absent runs the plain tfjs path. */
  readonly ops?: Partial<ComputeOps>;
  /** Whether the backend can run here, without activating it. */
  probe(): Promise<BackendProbe>;
  /** Makes `tf` run on this backend (core passes its own tfjs namespace). */
  activate(tf: TfNamespace): Promise<void>;
}
