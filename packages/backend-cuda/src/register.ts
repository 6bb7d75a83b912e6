import { cudaAdapter } from './adapter.js';

/**
 * Registers {@link cudaAdapter} with @bcnmf/core as backend 'cuda' when core can be
 * imported from here, so that `import '@bcnmf/backend-cuda'` once is enough where core
 * cannot resolve this package by name (pnpm's strict layout). Without core, or with a
 * core that has no `registerBackend`, it does nothing: core then imports the package
 * by name.
 */
export async function registerWithCore(): Promise<boolean> {
  let core: { registerBackend?: (name: 'cuda', adapter: typeof cudaAdapter) => void };
  try {
    core = (await import(/* @vite-ignore */ '@bcnmf/core' as string)) as typeof core;
  } catch {
    return false;
  }
  if (typeof core.registerBackend !== 'function') return false;
  core.registerBackend('cuda', cudaAdapter);
  return true;
}
