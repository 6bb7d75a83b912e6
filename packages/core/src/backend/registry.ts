import * as tf from '@tensorflow/tfjs-core';
import type { BackendAdapter, BackendProbe } from '../contract/adapter.js';
import { BcnmfError } from '../errors.js';
import { referenceCpuAdapter } from './reference.js';

/**
 * The backends of bcnmf's own packages, by name, with the package that provides each.
 * These names are reserved: only that package may register them. A contributor's
 * backend registers under its own name.
 */
export const BUILTIN_BACKENDS: Readonly<Record<string, string>> = Object.freeze({
  wasm: '@bcnmf/backend-cpu',
  cpu: '@bcnmf/backend-cpu',
  webgpu: '@bcnmf/backend-webgpu',
  cuda: '@bcnmf/backend-cuda',
});

/** The reserved names of {@link BUILTIN_BACKENDS}, in the order they are listed. */
export const BUILTIN_BACKEND_NAMES: readonly string[] = Object.freeze(Object.keys(BUILTIN_BACKENDS));

/** The package that installs every built-in backend at once. */
export const UMBRELLA_PACKAGE = 'bcnmf';

/** What a fit that names no backend asks for. */
export const AUTO_BACKEND = 'auto';

const NAME_PATTERN = /^[a-z][a-z0-9-]{0,39}$/;

const registered = new Map<string, BackendAdapter>();
/** Used where nothing registered the name: core's reference cpu backend. */
const fallbacks = new Map<string, BackendAdapter>([['cpu', referenceCpuAdapter]]);
/** The adapter whose activate() ran last: another adapter on the same tfjs backend must run its own. */
let active: BackendAdapter | null = null;
/** Each adapter's latest probe, for its advice (see {@link adviseOnce}). */
const latestProbes = new WeakMap<BackendAdapter, BackendProbe>();
/** The advice already said in this process. */
const adviceGiven = new Set<string>();

function describe(error: unknown): string {
  return error instanceof Error ? error.message.split('\n')[0] : String(error);
}

function unavailable(message: string): BcnmfError {
  return new BcnmfError('BACKEND_UNAVAILABLE', message);
}

function checkAdapter(adapter: unknown): asserts adapter is BackendAdapter {
  const a = adapter as Partial<BackendAdapter> | null;
  const missing = [
    typeof a?.name !== 'string' && 'name',
    typeof a?.packageName !== 'string' && 'packageName',
    typeof a?.tfjsBackend !== 'string' && 'tfjsBackend',
    typeof a?.description !== 'string' && 'description',
    typeof a?.probe !== 'function' && 'probe()',
    typeof a?.activate !== 'function' && 'activate()',
  ].filter(Boolean);
  if (missing.length > 0) {
    throw unavailable(`registerBackend needs a BackendAdapter; this one has no ${missing.join(', ')}`);
  }
}

/**
 * Makes `adapter` the backend named `adapter.name`. Backend packages call it when they
 * are imported (`import '@bcnmf/backend-webgpu'` registers 'webgpu'); core imports no
 * backend package. The built-in names (wasm, cpu, webgpu, cuda) are reserved for the
 * packages of {@link BUILTIN_BACKENDS}; another name may be registered once (the same
 * adapter again is a no-op).
 *
 * @example
 * import { registerBackend, type BackendAdapter } from '@bcnmf/core';
 * export const myAdapter = { name: 'my-gpu', packageName: 'my-bcnmf-gpu', ... } satisfies BackendAdapter;
 * registerBackend(myAdapter);
 */
export function registerBackend(adapter: BackendAdapter): void {
  checkAdapter(adapter);
  const { name, packageName } = adapter;
  if (!NAME_PATTERN.test(name)) {
    throw unavailable(`backend name '${name}' must be lower-case letters, digits and dashes (at most 40), starting with a letter`);
  }
  if (name === AUTO_BACKEND) throw unavailable(`'${AUTO_BACKEND}' is not a backend name: it asks for the default`);
  const owner = BUILTIN_BACKENDS[name];
  if (owner !== undefined && packageName !== owner) {
    throw unavailable(`backend name '${name}' is reserved for ${owner}; register ${packageName}'s backend under a name of its own`);
  }
  const current = registered.get(name);
  if (current === adapter) return;
  if (current && owner === undefined) {
    throw unavailable(`a backend named '${name}' is already registered (by ${current.packageName}); choose another name`);
  }
  registered.set(name, adapter);
}

/** The adapter registered as `name` (or core's reference for 'cpu'), or undefined. */
export function registeredBackend(name: string): BackendAdapter | undefined {
  return registered.get(name) ?? fallbacks.get(name);
}

/** Every backend name known here: the built-in ones, then those registered by other packages. */
export function backendNames(): string[] {
  return [...BUILTIN_BACKEND_NAMES, ...[...registered.keys()].filter((name) => BUILTIN_BACKENDS[name] === undefined)];
}

function notRegisteredReason(name: string): string {
  const owner = BUILTIN_BACKENDS[name];
  return `not installed: backend '${name}' comes with ${owner} (part of the ${UMBRELLA_PACKAGE} package); ` +
    `install ${UMBRELLA_PACKAGE} and import it, or install ${owner} and import it once`;
}

/** One row of {@link listBackends}. */
export interface BackendStatus {
  name: string;
  /** The package that provides it. */
  packageName: string;
  available: boolean;
  /** Why it cannot run here, when it cannot. */
  reason?: string;
  /** The adapter's one-line description (absent when no package registered the name). */
  description?: string;
  /** What the probe found (native kernels, BLAS, GPU adapter, ...). */
  details?: Record<string, string>;
  /** True for the backend a fit that names none would use. */
  isDefault: boolean;
}

async function probeOf(adapter: BackendAdapter): Promise<BackendProbe> {
  let probe: BackendProbe;
  try {
    probe = await adapter.probe();
  } catch (error) {
    probe = { available: false, reason: `its probe failed: ${describe(error)}` };
  }
  latestProbes.set(adapter, probe);
  return probe;
}

/**
 * Says each backend's advice (`BackendProbe.advice`: e.g. the cpu backend's native kernels
 * are not built, and the command that builds them) once per process: the first fit that
 * could have used the backend says it, later fits do not. Reads the probes already made
 * while choosing the backend; probes nothing itself.
 */
function adviseOnce(chain: readonly string[], warn: (message: string) => void): void {
  for (const name of chain) {
    const adapter = registeredBackend(name);
    const advice = adapter ? latestProbes.get(adapter)?.advice : undefined;
    if (advice && !adviceGiven.has(advice)) {
      adviceGiven.add(advice);
      warn(advice);
    }
  }
}

/**
 * Every backend with whether it can run here and, if not, why; what its probe found;
 * and which one a fit that names no backend would use. Probing activates nothing.
 *
 * @example
 * (await listBackends()).filter((b) => b.available).map((b) => b.name); // ['wasm', 'cpu']
 */
export async function listBackends(): Promise<BackendStatus[]> {
  const chain = await defaultBackendChain();
  const probes = new Map<string, BackendProbe>();
  const out: BackendStatus[] = [];
  for (const name of backendNames()) {
    const adapter = registeredBackend(name);
    if (!adapter) {
      out.push({ name, packageName: BUILTIN_BACKENDS[name], available: false, reason: notRegisteredReason(name), isDefault: false });
      continue;
    }
    const probe = await probeOf(adapter);
    probes.set(name, probe);
    out.push({
      name,
      packageName: adapter.packageName,
      available: probe.available,
      ...(probe.reason ? { reason: probe.reason } : {}),
      description: adapter.description,
      ...(probe.details ? { details: probe.details } : {}),
      isDefault: false,
    });
  }
  const chosen = chain.find((name) => probes.get(name)?.available);
  for (const row of out) row.isDefault = row.name === chosen;
  return out;
}

async function availableNames(): Promise<string> {
  const names: string[] = [];
  for (const name of backendNames()) {
    const adapter = registeredBackend(name);
    if (adapter && (await probeOf(adapter)).available) names.push(name);
  }
  return names.length > 0 ? names.join(', ') : 'none';
}

/**
 * Checks that backend `name` can run here and makes TensorFlow.js use it. Unknown names,
 * backends whose package is not installed and backends that cannot run throw a
 * `BcnmfError` with code `BACKEND_UNAVAILABLE` that says why and names the backends that
 * do work here.
 *
 * @example
 * const adapter = await useBackend('cpu');
 * adapter.tfjsBackend; // 'cpu'
 */
export async function useBackend(name: string): Promise<BackendAdapter> {
  const adapter = typeof name === 'string' ? registeredBackend(name) : undefined;
  if (!adapter) {
    const known = backendNames();
    const why = known.includes(name)
      ? `backend '${name}' is ${notRegisteredReason(name)}`
      : `unknown backend '${String(name)}': the backends are ${known.join(', ')}`;
    throw unavailable(`${why} (available here: ${await availableNames()})`);
  }
  if (active === adapter && tf.getBackend() === adapter.tfjsBackend) return adapter;
  const probe = await probeOf(adapter);
  if (!probe.available) {
    throw unavailable(`backend '${name}' cannot run here: ${probe.reason ?? 'no reason given'} (available here: ${await availableNames()})`);
  }
  try {
    active = null;
    await adapter.activate(tf);
    active = adapter;
  } catch (error) {
    throw unavailable(`backend '${name}' failed to start: ${describe(error)} (available here: ${await availableNames()})`);
  }
  return adapter;
}

/**
 * The backends a fit that names none tries, in order: 'cpu' first where its probe says
 * it is accelerated (its native kernels were built: the fastest CPU path), else wasm
 * then cpu. GPU backends are used only when named.
 *
 * @example
 * await defaultBackendChain(); // ['cpu', 'wasm'] where a C compiler built the kernels
 */
export async function defaultBackendChain(): Promise<string[]> {
  const cpu = registeredBackend('cpu');
  const accelerated = cpu ? (await probeOf(cpu)).accelerated === true : false;
  const chain = accelerated ? ['cpu', 'wasm'] : ['wasm', 'cpu'];
  return chain.filter((name) => registeredBackend(name) !== undefined);
}

/**
 * Activates the first backend of `chain` that runs here, calling `warn` for each one
 * skipped, and, once per process, with the advice of the chain's backends (e.g. the
 * native kernels are not built); throws the last one's error when none runs.
 */
export async function useFirstAvailableBackend(
  chain: readonly string[],
  warn: (message: string) => void,
): Promise<{ name: string; adapter: BackendAdapter }> {
  let lastError: unknown = unavailable('no backend is registered (import bcnmf, or @bcnmf/backend-cpu)');
  for (const name of chain) {
    // an unknown name is a mistake, not a reason to fall back
    if (!backendNames().includes(name)) return { name, adapter: await useBackend(name) };
    try {
      const adapter = await useBackend(name);
      adviseOnce(chain, warn);
      return { name, adapter };
    } catch (error) {
      if (!(error instanceof BcnmfError) || error.code !== 'BACKEND_UNAVAILABLE') throw error;
      lastError = error;
      if (name !== chain[chain.length - 1]) warn(`${error.message.split(' (available here')[0]}; falling back to the next backend`);
    }
  }
  throw lastError;
}

/** What {@link useFitBackend} needs of a fit's resolved options. */
export interface FitBackendChoice {
  backend: string;
  /** True when the fit named no backend: the default chain is tried. */
  backendIsDefault: boolean;
  onWarning: (message: string) => void;
}

/**
 * Activates the backend a fit runs on: the one it named, or the first of the default
 * chain that runs here. Its warnings are collected (for the model's record) and passed to
 * `onWarning` as they come; `warn` adds later ones the same way.
 */
export async function useFitBackend(choice: FitBackendChoice): Promise<{
  name: string;
  adapter: BackendAdapter;
  warnings: string[];
  warn: (message: string) => void;
}> {
  const warnings: string[] = [];
  const warn = (message: string): void => {
    warnings.push(message);
    choice.onWarning(message);
  };
  const chain = choice.backendIsDefault ? await defaultBackendChain() : [choice.backend];
  const { name, adapter } = await useFirstAvailableBackend(chain, warn);
  return { name, adapter, warnings, warn };
}
