// Finding a WebGPU adapter: navigator.gpu in browsers; in Node, Dawn through the npm
// package 'webgpu', Vulkan first (real GPUs), then OpenGL in compatibility mode (on a
// machine without a GPU that is Mesa's llvmpipe, through EGL without a display).

/** Which of Dawn's backends to try in Node, in order. */
export type DawnBackend = 'vulkan' | 'opengl';

/** Where the adapter came from. */
export type WebGPUSource = 'navigator' | 'dawn-vulkan' | 'dawn-opengl';

/** The adapter found, as its `GPUAdapterInfo` and limits describe it. */
export interface WebGPUDeviceInfo {
  /** e.g. 'nvidia'; may be empty (llvmpipe reports none). */
  vendor: string;
  /** e.g. 'hopper'; may be empty. */
  architecture: string;
  /** e.g. 'nvidia-h200', 'llvmpipe-llvm-15-0-6-256-bits-'. */
  device: string;
  /** The driver's description, e.g. 'OpenGL version 4.5 (Core Profile) Mesa 22.3.6'. */
  description: string;
  source: WebGPUSource;
  /** 'compatibility' on Dawn's OpenGL backend; 'core' otherwise. */
  featureLevel: 'core' | 'compatibility';
  /** A software rasterizer (llvmpipe, lavapipe, SwiftShader) rather than a GPU. */
  software: boolean;
  /** The largest storage buffer one kernel may bind, bytes. */
  maxStorageBufferBindingSize: number;
}

/** The parts of the WebGPU API this file touches (the full types come with @webgpu/types). */
export interface GpuLike {
  requestAdapter(options?: Record<string, unknown>): Promise<AdapterLike | null>;
  getPreferredCanvasFormat?(): string;
  wgslLanguageFeatures?: unknown;
}
interface AdapterLike {
  info?: { vendor?: string; architecture?: string; device?: string; description?: string };
  limits: { maxStorageBufferBindingSize: number };
}

/** What the npm package 'webgpu' exports. */
export interface DawnModule {
  create(flags: string[]): GpuLike;
  globals: Record<string, unknown>;
}

/** Options of {@link findWebGPU}. */
export interface FindWebGPUOptions {
  /** Dawn backends to try in Node, in order; default ['vulkan', 'opengl']. */
  dawnBackends?: readonly DawnBackend[];
  /** How the 'webgpu' package is imported; tests pass their own. */
  importDawn?: () => Promise<DawnModule>;
}

/** A found adapter: the GPU object tfjs will use and what it is. */
export interface FoundWebGPU {
  gpu: GpuLike;
  info: WebGPUDeviceInfo;
}

/** No adapter here; the message says why and what to install. */
export class WebGPUUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WebGPUUnavailableError';
  }
}

/** What this module put in navigator.gpu, if anything. */
let installed: FoundWebGPU | undefined;

const DEBIAN_MESA = 'libegl1 libegl-mesa0 libgl1-mesa-dri';

function isNode(): boolean {
  return typeof process !== 'undefined' && typeof process.versions?.node === 'string';
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).trim().split('\n')[0];
}

function describeAdapter(adapter: AdapterLike, source: WebGPUSource, featureLevel: 'core' | 'compatibility'): WebGPUDeviceInfo {
  const info = adapter.info ?? {};
  const text = `${info.vendor ?? ''} ${info.device ?? ''} ${info.description ?? ''}`.toLowerCase();
  return {
    vendor: info.vendor ?? '',
    architecture: info.architecture ?? '',
    device: info.device ?? '',
    description: info.description ?? '',
    source,
    featureLevel,
    software: /llvmpipe|lavapipe|swiftshader|softpipe|software/.test(text),
    maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize,
  };
}

/** One line for messages: device, vendor, driver, how it was reached. */
export function formatDeviceInfo(info: WebGPUDeviceInfo): string {
  const name = [info.vendor, info.architecture, info.device].filter(Boolean).join(' ') || 'unnamed adapter';
  const how = info.source === 'navigator' ? 'navigator.gpu' : `Dawn ${info.source === 'dawn-vulkan' ? 'Vulkan' : 'OpenGL'}`;
  return `${name}${info.description ? ` (${info.description})` : ''} via ${how}, ${info.featureLevel}${info.software ? ', software rendering' : ''}`;
}

/** `gpu` with `extra` added to every adapter request (tfjs asks for adapters itself). */
function withRequestOptions(gpu: GpuLike, extra: Record<string, unknown>): GpuLike {
  return {
    requestAdapter: (options) => gpu.requestAdapter({ ...(options ?? {}), ...extra }),
    getPreferredCanvasFormat: () => gpu.getPreferredCanvasFormat?.() ?? 'rgba8unorm',
    wgslLanguageFeatures: gpu.wgslLanguageFeatures,
  };
}

/** Makes `navigator.gpu` (which tfjs-backend-webgpu reads when imported and when it starts) `gpu`. */
function installNavigatorGpu(gpu: GpuLike): void {
  const scope = globalThis as { navigator?: object };
  if (!scope.navigator) {
    Object.defineProperty(globalThis, 'navigator', { value: {}, configurable: true, writable: true });
  }
  Object.defineProperty(scope.navigator, 'gpu', { value: gpu, configurable: true, writable: true });
}

async function fromNavigator(gpu: GpuLike): Promise<FoundWebGPU> {
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (adapter) return { gpu, info: describeAdapter(adapter, 'navigator', 'core') };
  const compatible = await gpu.requestAdapter({ featureLevel: 'compatibility' });
  if (compatible) {
    return { gpu: withRequestOptions(gpu, { featureLevel: 'compatibility' }), info: describeAdapter(compatible, 'navigator', 'compatibility') };
  }
  throw new WebGPUUnavailableError('navigator.gpu exists but offers no adapter (WebGPU disabled or no supported GPU)');
}

const defaultImportDawn = async (): Promise<DawnModule> =>
  (await import(/* @vite-ignore */ 'webgpu' as string)) as DawnModule;

async function fromDawn(options: FindWebGPUOptions): Promise<FoundWebGPU> {
  let dawn: DawnModule;
  try {
    dawn = await (options.importDawn ?? defaultImportDawn)();
  } catch (error) {
    throw new WebGPUUnavailableError(
      `the npm package 'webgpu' (Dawn, which gives Node WebGPU) failed to load: ${firstLine(error)}; reinstall @bcnmf/backend-webgpu's dependencies (linux-x64, darwin and win32-x64 are prebuilt)`,
    );
  }
  // GPUBufferUsage, GPUMapMode, ... which tfjs-backend-webgpu reads as globals
  for (const [name, value] of Object.entries(dawn.globals)) {
    if (!(name in globalThis)) Object.defineProperty(globalThis, name, { value, configurable: true, writable: true });
  }
  const failures: string[] = [];
  for (const backend of options.dawnBackends ?? ['vulkan', 'opengl']) {
    try {
      if (backend === 'opengl' && process.env.EGL_PLATFORM === undefined) process.env.EGL_PLATFORM = 'surfaceless';
      const instance = dawn.create([`backend=${backend}`]);
      const extra: Record<string, unknown> =
        backend === 'vulkan' ? { powerPreference: 'high-performance' } : { featureLevel: 'compatibility' };
      const adapter = await instance.requestAdapter(extra);
      if (adapter) {
        const source: WebGPUSource = backend === 'vulkan' ? 'dawn-vulkan' : 'dawn-opengl';
        const info = describeAdapter(adapter, source, backend === 'vulkan' ? 'core' : 'compatibility');
        return { gpu: withRequestOptions(instance, extra), info };
      }
      failures.push(
        backend === 'vulkan'
          ? 'Vulkan: no adapter (needs the Vulkan loader libvulkan.so.1 and a GPU driver with a Vulkan ICD)'
          : `OpenGL: no adapter (needs EGL and Mesa, e.g. Debian ${DEBIAN_MESA}, for llvmpipe on a machine without a GPU)`,
      );
    } catch (error) {
      failures.push(`${backend === 'vulkan' ? 'Vulkan' : 'OpenGL'}: ${firstLine(error)}`);
    }
  }
  throw new WebGPUUnavailableError(`Dawn found no WebGPU adapter: ${failures.join('; ')}`);
}

/**
 * Finds a WebGPU adapter and makes `navigator.gpu` serve it, so that
 * tfjs-backend-webgpu, imported afterwards, starts on it. In a browser (or wherever
 * navigator.gpu exists) that is navigator.gpu; in Node, Dawn (npm 'webgpu') with its
 * Vulkan backend, else its OpenGL backend in compatibility mode (EGL_PLATFORM
 * defaults to 'surfaceless'). Throws {@link WebGPUUnavailableError} saying why not.
 */
export async function findWebGPU(options: FindWebGPUOptions = {}): Promise<FoundWebGPU> {
  const existing = (globalThis as { navigator?: { gpu?: GpuLike } }).navigator?.gpu;
  if (existing && existing === installed?.gpu) return installed;
  if (existing) return fromNavigator(existing);
  if (!isNode()) throw new WebGPUUnavailableError('this browser has no WebGPU (navigator.gpu is undefined)');
  const found = await fromDawn(options);
  installNavigatorGpu(found.gpu);
  installed = found;
  return found;
}
