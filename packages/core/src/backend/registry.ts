import * as tf from '@tensorflow/tfjs-core';
import { BcnmfError } from '../errors.js';
import type { BackendAdapter, BackendName, BackendProbe } from './adapter.js';

interface AdapterSource {
  packageName: string;
  exportName: string;
  load(): Promise<Record<string, unknown>>;
}

// Packages that are not dependencies of core are imported through a variable, so
// that neither TypeScript nor a bundler insists on them being installed.
function importOptional(specifier: string): Promise<Record<string, unknown>> {
  return import(/* @vite-ignore */ specifier) as Promise<Record<string, unknown>>;
}

/** Where each backend comes from. Adding a backend = one entry here and one package. */
const SOURCES: Record<BackendName, AdapterSource> = {
  wasm: { packageName: '@bcnmf/backend-cpu', exportName: 'wasmAdapter', load: () => import('@bcnmf/backend-cpu') },
  cpu: { packageName: '@bcnmf/backend-cpu', exportName: 'cpuAdapter', load: () => import('@bcnmf/backend-cpu') },
  webgpu: {
    packageName: '@bcnmf/backend-webgpu',
    exportName: 'webgpuAdapter',
    load: () => importOptional('@bcnmf/backend-webgpu'),
  },
  cuda: {
    packageName: '@bcnmf/backend-cuda',
    exportName: 'cudaAdapter',
    load: () => importOptional('@bcnmf/backend-cuda'),
  },
};

/** Every backend name bcnmf knows, the default first. */
export const BACKEND_NAMES: readonly BackendName[] = ['wasm', 'cpu', 'webgpu', 'cuda'];

/**
 * The portable default: what a fit that names no backend runs on where the cpu backend
 * has no native kernels (see {@link defaultBackendChain}).
 */
export const DEFAULT_BACKEND: BackendName = 'wasm';

const loaded = new Map<BackendName, BackendAdapter>();
const activated = new Set<BackendName>();

/** Whether `name` is one of {@link BACKEND_NAMES}. */
export function isBackendName(name: unknown): name is BackendName {
  return typeof name === 'string' && (BACKEND_NAMES as readonly string[]).includes(name);
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message.split('\n')[0] : String(error);
}

/**
 * Makes `adapter` the provider of backend `name` without importing its package by name:
 * for package managers whose strict layout keeps core from resolving an optional backend
 * package (pnpm), and for tests. Backend packages call it when they are imported, so
 * `import '@bcnmf/backend-webgpu'` once is enough.
 *
 * @example
 * import { webgpuAdapter } from '@bcnmf/backend-webgpu';
 * registerBackend('webgpu', webgpuAdapter);
 */
export function registerBackend(name: BackendName, adapter: BackendAdapter): void {
  if (!isBackendName(name)) {
    throw new BcnmfError('BACKEND_UNAVAILABLE', `unknown backend '${String(name)}': the backends are ${BACKEND_NAMES.join(', ')}`);
  }
  if (!adapter || typeof adapter.activate !== 'function' || typeof adapter.probe !== 'function') {
    throw new BcnmfError('BACKEND_UNAVAILABLE', `registerBackend('${name}', ...) needs an adapter with probe() and activate()`);
  }
  loaded.set(name, adapter);
  activated.delete(name);
}

async function importAdapter(name: BackendName): Promise<BackendAdapter> {
  const cached = loaded.get(name);
  if (cached) return cached;
  const source = SOURCES[name];
  let module: Record<string, unknown>;
  try {
    module = await source.load();
  } catch (error) {
    throw new BcnmfError(
      'BACKEND_UNAVAILABLE',
      `backend '${name}' needs the package ${source.packageName}, which could not be loaded (${describe(error)}); ` +
        `install it next to @bcnmf/core (with pnpm, also import it once so that it registers itself), or use another backend`,
    );
  }
  const adapter = module[source.exportName] as BackendAdapter | undefined;
  if (!adapter || typeof adapter.activate !== 'function' || typeof adapter.probe !== 'function') {
    throw new BcnmfError(
      'BACKEND_UNAVAILABLE',
      `${source.packageName} does not export a backend adapter named ${source.exportName}`,
    );
  }
  loaded.set(name, adapter);
  return adapter;
}

/** One row of {@link listBackends}. */
export interface BackendStatus {
  name: BackendName;
  packageName: string;
  available: boolean;
  /** Why it cannot run here, when it cannot. */
  reason?: string;
}

/**
 * Every backend with whether it can run here and, if not, why. Probing loads the
 * backend packages that are installed but activates none.
 *
 * @example
 * (await listBackends()).filter((b) => b.available).map((b) => b.name); // ['wasm', 'cpu']
 */
export async function listBackends(): Promise<BackendStatus[]> {
  const out: BackendStatus[] = [];
  for (const name of BACKEND_NAMES) {
    const packageName = SOURCES[name].packageName;
    let probe: BackendProbe;
    try {
      probe = await (await importAdapter(name)).probe();
    } catch (error) {
      probe = { available: false, reason: describe(error) };
    }
    out.push({ name, packageName, available: probe.available, ...(probe.reason ? { reason: probe.reason } : {}) });
  }
  return out;
}

async function availableNames(): Promise<string> {
  const names = (await listBackends()).filter((b) => b.available).map((b) => b.name);
  return names.length > 0 ? names.join(', ') : 'none';
}

/**
 * Loads the adapter for `name`, checks that it can run here and makes TensorFlow.js
 * use it. Unknown names and backends that cannot run throw a `BcnmfError` with code
 * `BACKEND_UNAVAILABLE` that names the backends that do work here.
 *
 * @example
 * const adapter = await useBackend('cpu');
 * adapter.tfjsBackend; // 'cpu'
 */
export async function useBackend(name: string): Promise<BackendAdapter> {
  if (!isBackendName(name)) {
    throw new BcnmfError(
      'BACKEND_UNAVAILABLE',
      `unknown backend '${name}': the backends are ${BACKEND_NAMES.join(', ')} (available here: ${await availableNames()})`,
    );
  }
  let adapter: BackendAdapter;
  try {
    adapter = await importAdapter(name);
  } catch (error) {
    if (error instanceof BcnmfError) {
      throw new BcnmfError(error.code, `${error.message} (available here: ${await availableNames()})`);
    }
    throw error;
  }
  if (activated.has(name) && tf.getBackend() === adapter.tfjsBackend) return adapter;
  const probe = await adapter.probe();
  if (!probe.available) {
    throw new BcnmfError(
      'BACKEND_UNAVAILABLE',
      `backend '${name}' cannot run here: ${probe.reason ?? 'no reason given'} (available here: ${await availableNames()})`,
    );
  }
  try {
    await adapter.activate(tf);
    activated.add(name);
  } catch (error) {
    throw new BcnmfError(
      'BACKEND_UNAVAILABLE',
      `backend '${name}' failed to start: ${describe(error)} (available here: ${await availableNames()})`,
    );
  }
  return adapter;
}

/** The backends tried, in order, when a fit names none and cpu is not accelerated. */
export const DEFAULT_BACKEND_CHAIN: readonly BackendName[] = ['wasm', 'cpu'];

/**
 * The backends a fit that names none tries, in order: 'cpu' first where its probe says
 * it is accelerated (its native kernels were built: the fastest CPU path), else
 * {@link DEFAULT_BACKEND_CHAIN} (wasm, then cpu).
 *
 * @example
 * await defaultBackendChain(); // ['cpu', 'wasm'] where a C compiler built the kernels
 */
export async function defaultBackendChain(): Promise<readonly BackendName[]> {
  try {
    const probe = await (await importAdapter('cpu')).probe();
    if (probe.available && probe.accelerated) return ['cpu', 'wasm'];
  } catch {
    // not installed or failing: the portable chain says why when it gets there
  }
  return DEFAULT_BACKEND_CHAIN;
}

/**
 * Activates the first backend of `chain` that runs here, calling `warn` for each one
 * skipped; throws the last one's error when none runs. A fit that names no backend uses
 * {@link DEFAULT_BACKEND_CHAIN}: wasm, falling back to the pure-JavaScript cpu backend.
 */
export async function useFirstAvailableBackend(
  chain: readonly string[],
  warn: (message: string) => void,
): Promise<{ name: string; adapter: BackendAdapter }> {
  let lastError: unknown = new BcnmfError('BACKEND_UNAVAILABLE', 'no backend was named');
  for (const name of chain) {
    // an unknown name is a mistake, not a reason to fall back
    if (!isBackendName(name)) return { name, adapter: await useBackend(name) };
    try {
      return { name, adapter: await useBackend(name) };
    } catch (error) {
      if (!(error instanceof BcnmfError) || error.code !== 'BACKEND_UNAVAILABLE') throw error;
      lastError = error;
      if (name !== chain[chain.length - 1]) warn(`${error.message.split(' (available here')[0]}; falling back to the next backend`);
    }
  }
  throw lastError;
}
