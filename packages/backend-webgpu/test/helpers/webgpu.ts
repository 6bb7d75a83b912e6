// The tests that need WebGPU skip, with the reason printed, where there is no adapter
// (no Dawn addon, no GPU and no Mesa llvmpipe: Debian libegl1 libegl-mesa0 libgl1-mesa-dri).
import * as tf from '@tensorflow/tfjs-core';
import { webgpuAdapter } from '../../src/index.js';

let ready: Promise<string | null> | undefined;

/** Activates tfjs's 'webgpu' backend with the kernels; resolves to null, or to why it cannot run here. */
export function webgpuOrReason(): Promise<string | null> {
  ready ??= (async () => {
    const probe = await webgpuAdapter.probe();
    if (!probe.available) {
      const reason = `no WebGPU adapter here: ${probe.reason}`;
      console.log(`# skipping WebGPU tests: ${reason}`);
      return reason;
    }
    await webgpuAdapter.activate(tf);
    return null;
  })();
  return ready;
}

/** The webgpu backend's memory figures (buffers in use and allocated, bytes). */
export function gpuMemory(): { numBytesInGPU: number; numBytesAllocatedInGPU: number } {
  return tf.backend().memory() as unknown as { numBytesInGPU: number; numBytesAllocatedInGPU: number };
}

/** A seeded generator of uniform numbers in [0, 1) (mulberry32). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A rows x columns float32 matrix, uniform in [low, high). */
export function uniform(rows: number, columns: number, random: () => number, low = 0, high = 1): Float32Array {
  return Float32Array.from({ length: rows * columns }, () => low + (high - low) * random());
}

/** The largest |a - b| / max(|b|, floor). */
export function maxRelativeDifference(a: ArrayLike<number>, b: ArrayLike<number>, floor: number): number {
  if (a.length !== b.length) throw new Error(`lengths differ: ${a.length} and ${b.length}`);
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]) / Math.max(Math.abs(b[i]), floor);
    if (Number.isNaN(d)) return Infinity;
    worst = Math.max(worst, d);
  }
  return worst;
}

/** Runs `body` and counts the programs the webgpu backend dispatches meanwhile (its runWebGPUProgram calls). */
export function countDispatches<T>(body: () => T): { result: T; dispatches: number } {
  const backend = tf.backend() as unknown as { runWebGPUProgram: (...args: unknown[]) => unknown };
  const original = backend.runWebGPUProgram;
  let dispatches = 0;
  backend.runWebGPUProgram = function (this: unknown, ...args: unknown[]) {
    dispatches++;
    return original.apply(this, args);
  };
  try {
    return { result: body(), dispatches };
  } finally {
    backend.runWebGPUProgram = original;
  }
}
