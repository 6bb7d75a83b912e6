// What the BLAS loader and the native-kernel loader share: koffi's import, the shape of
// a loaded library, and the on/off switches read from the environment.

/** A library loaded by koffi (only what bcnmf uses of it). */
export interface KoffiLib {
  func(signature: string): (...args: unknown[]) => unknown;
}

interface Koffi {
  load(path: string): KoffiLib;
}

/** The first line of an error's message. */
export function describe(error: unknown): string {
  return error instanceof Error ? error.message.split('\n')[0] : String(error);
}

/** True when environment variable `name` turns a feature off (off, 0, false, no, none). */
export function switchedOff(name: string): boolean {
  const env = typeof process === 'object' ? process.env : {};
  return /^(off|0|false|no|none)$/i.test(env[name] ?? '');
}

/** Imports koffi (or what `importKoffi` returns, in tests); never throws. */
export async function loadKoffi(importKoffi?: () => Promise<unknown>): Promise<{ load(path: string): KoffiLib } | { reason: string }> {
  try {
    const module = (await (importKoffi ?? (() => import('koffi')))()) as { default?: Koffi } & Koffi;
    const koffi = (module.default ?? module) as Koffi;
    if (typeof koffi.load !== 'function') throw new Error('koffi has no load()');
    return koffi;
  } catch (error) {
    return { reason: `koffi (FFI) failed to load: ${describe(error)}` };
  }
}

/**
 * Binds a native function whose last parameter is the thread count and whose int
 * result is 0, or -1 when it could not allocate its work buffers: the bound function
 * takes the other arguments, passes `threads` and throws on -1.
 */
export function bindWithThreads(lib: KoffiLib, signature: string, threads: number): (...args: unknown[]) => void {
  const f = lib.func(signature);
  const name = signature.split('(')[0].split(' ').pop();
  return (...args: unknown[]): void => {
    if ((f(...args, threads) as number) !== 0) throw new Error(`${name}: out of memory for its work buffers`);
  };
}
