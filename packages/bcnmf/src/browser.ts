// bcnmf (browser entry): @bcnmf/core with 'wasm' and 'webgpu' (navigator.gpu)
// registered; 'cpu' is core's reference (tfjs's JavaScript kernels). No koffi, no Node
// modules.
import '@bcnmf/backend-cpu/browser';
import '@bcnmf/backend-webgpu';

export * from '@bcnmf/core';
