import * as tf from '@tensorflow/tfjs-core';
import { registerBackend, type BackendAdapter, type BackendProbe } from '../../src/index.js';

/**
 * A stand-in backend on tfjs-backend-cpu with core's plain ops, for registry tests
 * (core's tests import no backend package). `memoryLimitBytes` makes it behave like
 * wasm's 4 GiB heap.
 */
export function standIn(
  name: string,
  packageName: string,
  options: { probe?: BackendProbe; memoryLimitBytes?: number } = {},
) {
  const calls: string[] = [];
  const adapter = {
    name,
    packageName,
    tfjsBackend: 'cpu',
    description: `a test stand-in named ${name}`,
    ...(options.memoryLimitBytes !== undefined ? { memoryLimitBytes: options.memoryLimitBytes } : {}),
    async probe() {
      return options.probe ?? { available: true };
    },
    async activate(t: typeof tf) {
      calls.push('activate');
      await import('@tensorflow/tfjs-backend-cpu');
      await t.setBackend('cpu');
    },
  } satisfies BackendAdapter;
  return { adapter, calls };
}

/** Registers (once) 'small-heap': a backend whose memory ends at 4 GiB, as wasm's does. */
export function smallHeapBackend(): string {
  registerBackendOnce(standIn('small-heap', 'bcnmf-test-small-heap', { memoryLimitBytes: 4 * 1024 ** 3 }).adapter);
  return 'small-heap';
}

const registered = new Set<string>();
function registerBackendOnce(adapter: BackendAdapter): void {
  if (registered.has(adapter.name)) return;
  registered.add(adapter.name);
  registerBackend(adapter);
}
