import type { BackendAdapter, BackendProbe, TfNamespace } from '@bcnmf/core';
import type * as tfjs from '@tensorflow/tfjs-core';
import { findWebGPU, formatDeviceInfo, type FindWebGPUOptions, type FoundWebGPU, type WebGPUDeviceInfo } from './gpu.js';
import { registerWebGPUKernels } from './kernels/index.js';
import { webgpuOps, type WebGPUComputeOps } from './ops.js';

const { step: _fused, ...unfusedOps } = webgpuOps;

/** The version of tfjs-backend-webgpu (and of the tfjs-core it needs) this package runs. */
export const TFJS_WEBGPU_VERSION = '4.22.0';

/** What `probe()` reports: core's `BackendProbe` with the adapter found, when there is one. */
export interface WebGPUBackendProbe extends BackendProbe {
  device?: WebGPUDeviceInfo;
}

/** Options of {@link createWebGPUAdapter}. */
export interface WebGPUAdapterOptions extends FindWebGPUOptions {
  /**
   * Run the custom WGSL kernels (default true); false leaves core's plain tfjs ops
   * (stock tfjs-backend-webgpu), the reference the kernels are tested and timed against.
   */
  customKernels?: boolean;
  /**
   * With the custom kernels, run each full-batch iteration on dense data as one fused
   * `BcnmfFusedStep` (default true); false leaves core to compose the kernels.
   */
  fusedStep?: boolean;
}

/** Core's `BackendAdapter`, plus what it found. */
export interface WebGPUAdapter extends BackendAdapter {
  readonly name: 'webgpu';
  readonly tfjsBackend: 'webgpu';
  readonly description: string;
  /** The custom kernels; absent with `customKernels: false`. */
  readonly ops?: WebGPUComputeOps;
  /** Finds an adapter (Node: brings up Dawn) without switching tfjs to it. */
  probe(): Promise<WebGPUBackendProbe>;
  /** Finds an adapter, registers tfjs's 'webgpu' backend and the kernels, and makes `tf` run on it. */
  activate(tf: TfNamespace): Promise<void>;
  /** The adapter found (vendor, architecture, device, ...); rejects with the reason when there is none. */
  describeDevice(): Promise<WebGPUDeviceInfo>;
}

interface TfjsWebGPUModule {
  WebGPUBackend: new (device: unknown, adapterInfo?: unknown) => tfjs.KernelBackend;
}

// A variable specifier: tfjs-backend-webgpu must be evaluated after navigator.gpu exists.
const importTfjsWebGPU = async (): Promise<TfjsWebGPUModule> =>
  (await import(/* @vite-ignore */ '@tensorflow/tfjs-backend-webgpu' as string)) as TfjsWebGPUModule;

/**
 * What tfjs-backend-webgpu's own registration does (src/base.ts), for when it was
 * imported before navigator.gpu existed and so registered no backend.
 */
function backendFactory(found: FoundWebGPU, module: TfjsWebGPUModule): () => Promise<tfjs.KernelBackend> {
  return async () => {
    const adapter = (await found.gpu.requestAdapter({ powerPreference: 'high-performance' })) as unknown as {
      features: Set<string>;
      limits: Record<string, number>;
      info?: unknown;
      requestDevice(descriptor: object): Promise<unknown>;
    } | null;
    if (!adapter) throw new Error('the WebGPU adapter went away');
    const limits = adapter.limits;
    const device = await adapter.requestDevice({
      requiredFeatures: adapter.features.has('timestamp-query') ? ['timestamp-query'] : [],
      requiredLimits: {
        maxComputeWorkgroupStorageSize: limits.maxComputeWorkgroupStorageSize,
        maxComputeWorkgroupsPerDimension: limits.maxComputeWorkgroupsPerDimension,
        maxStorageBufferBindingSize: limits.maxStorageBufferBindingSize,
        maxBufferSize: limits.maxBufferSize,
        maxComputeWorkgroupSizeX: limits.maxComputeWorkgroupSizeX,
        maxComputeInvocationsPerWorkgroup: limits.maxComputeInvocationsPerWorkgroup,
      },
    });
    return new module.WebGPUBackend(device, adapter.info);
  };
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).trim().split('\n')[0];
}

/**
 * Makes a WebGPU adapter. `webgpuAdapter` is `createWebGPUAdapter()`; pass
 * `customKernels: false` for stock tfjs ops, `dawnBackends` to choose Dawn's backends.
 *
 * @example
 * const stock = createWebGPUAdapter({ customKernels: false });
 * (await stock.probe()).available; // true where Dawn or navigator.gpu finds an adapter
 */
export function createWebGPUAdapter(options: WebGPUAdapterOptions = {}): WebGPUAdapter {
  let finding: Promise<FoundWebGPU> | undefined;
  const find = (): Promise<FoundWebGPU> => (finding ??= findWebGPU(options));
  const custom = options.customKernels ?? true;
  const ops: WebGPUComputeOps = options.fusedStep === false ? unfusedOps : webgpuOps;
  return {
    name: 'webgpu',
    packageName: '@bcnmf/backend-webgpu',
    tfjsBackend: 'webgpu',
    description:
      `WebGPU through @tensorflow/tfjs-backend-webgpu ${TFJS_WEBGPU_VERSION}` +
      (custom ? ` with bcnmf WGSL kernels${options.fusedStep === false ? '' : ' and a fused step'}` : ' (stock tfjs ops)') +
      '; in Node through Dawn (npm webgpu): Vulkan, else OpenGL (llvmpipe without a GPU)',
    ...(custom ? { ops } : {}),
    async probe(): Promise<WebGPUBackendProbe> {
      try {
        const { info } = await find();
        return { available: true, device: info, details: { adapter: formatDeviceInfo(info) } };
      } catch (error) {
        return { available: false, reason: firstLine(error) };
      }
    },
    async describeDevice(): Promise<WebGPUDeviceInfo> {
      return (await find()).info;
    },
    async activate(tf: TfNamespace): Promise<void> {
      const found = await find();
      const module = await importTfjsWebGPU();
      if (!tf.findBackendFactory('webgpu')) tf.registerBackend('webgpu', backendFactory(found, module), 3);
      registerWebGPUKernels();
      let started = false;
      try {
        started = await tf.setBackend('webgpu');
      } catch (error) {
        throw new Error(`tfjs could not start 'webgpu' on ${formatDeviceInfo(found.info)}: ${firstLine(error)}`);
      }
      if (!started) throw new Error(`tfjs could not start 'webgpu' on ${formatDeviceInfo(found.info)}`);
      await tf.ready();
    },
  } satisfies WebGPUAdapter;
}

/**
 * bcnmf on WebGPU: tfjs-backend-webgpu with bcnmf's WGSL kernels for the products
 * with the data and the fused multiplicative update. In Node the GPU comes from Dawn
 * (npm 'webgpu'); `probe()` says which adapter was found, or why none was.
 *
 * @example
 * (await webgpuAdapter.probe()).device?.device; // 'nvidia-h200', 'llvmpipe-llvm-15-0-6-256-bits-', ...
 */
export const webgpuAdapter: WebGPUAdapter = createWebGPUAdapter();
