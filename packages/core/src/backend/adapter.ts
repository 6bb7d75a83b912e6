import type * as tfjs from '@tensorflow/tfjs-core';
import type { ComputeOps } from '../compute/ops.js';

/** The names users and apps type to choose where a fit runs. */
export type BackendName = 'wasm' | 'cpu' | 'webgpu' | 'cuda';

/** What a backend adapter's `probe()` says about this machine. */
export interface BackendProbe {
  available: boolean;
  /** Why it cannot run here, when it cannot. */
  reason?: string;
  /**
   * True when the backend runs native code on this machine (the cpu backend with its
   * native kernels built): a fit that names no backend then prefers it to wasm.
   */
  accelerated?: boolean;
}

/**
 * One way of running bcnmf, provided by a backend package (`@bcnmf/backend-cpu`,
 * `@bcnmf/backend-webgpu`, ...). A contributor adding a backend writes one object of
 * this shape, exported by name from the package, and lists it in the registry.
 */
export interface BackendAdapter {
  /** The tfjs backend the adapter activates ('wasm', 'cpu', 'webgpu', 'tensorflow'). */
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
  activate(tf: typeof tfjs): Promise<void>;
}
