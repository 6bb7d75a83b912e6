export { cpuAdapter, wasmAdapter } from './adapters.js';
export type { CpuBackendProbe, TfNamespace } from './adapters.js';
