// koffi (an FFI package with prebuilt binaries), imported only when a caller asks for it:
// this module imports nothing at its top, so that bundling it for a browser pulls in no
// native code (there `loadKoffi` says why it cannot run).

/** A library loaded by koffi (only what bcnmf uses of it). */
export interface KoffiLib {
  func(signature: string): (...args: unknown[]) => unknown;
}

/** koffi's module (only what bcnmf uses of it). */
export interface Koffi {
  load(path: string): KoffiLib;
}

/** Imports koffi; replaced in tests to simulate an FFI that fails to load. */
export type ImportKoffi = () => Promise<unknown>;

/** The first line of an error's message. */
export function describe(error: unknown): string {
  return error instanceof Error ? error.message.split('\n')[0] : String(error);
}

/** True in Node.js (and runtimes that present themselves as it), where koffi can run. */
export function runsNode(): boolean {
  return typeof process === 'object' && typeof process.versions?.node === 'string';
}

/** Imports koffi (or what `importKoffi` returns, in tests); never throws. */
export async function loadKoffi(importKoffi?: ImportKoffi): Promise<Koffi | { reason: string }> {
  if (!importKoffi && !runsNode()) return { reason: 'koffi (FFI) runs in Node.js only' };
  try {
    const module = (await (importKoffi ?? (() => import('koffi')))()) as { default?: Koffi } & Koffi;
    const koffi = (module.default ?? module) as Koffi;
    if (typeof koffi.load !== 'function') throw new Error('koffi has no load()');
    return koffi;
  } catch (error) {
    return { reason: `koffi (FFI) failed to load: ${describe(error)}` };
  }
}
