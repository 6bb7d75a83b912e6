// @bcnmf/backend-cpu (browser entry): registers the 'wasm' backend only. The 'cpu'
// backend's native kernels and BLAS need Node; in a browser 'cpu' is core's reference
// (tfjs-backend-cpu with plain tfjs ops).
import { registerBackend } from '@bcnmf/core';
import { wasmAdapter } from './wasm-adapter.js';

registerBackend(wasmAdapter);

export { wasmAdapter } from './wasm-adapter.js';
