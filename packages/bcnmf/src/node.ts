// bcnmf (Node entry): @bcnmf/core with the usual backends registered: 'cpu' (native
// kernels where a C compiler built them, BLAS where OpenBLAS is installed) and 'wasm'
// from @bcnmf/backend-cpu, 'webgpu' (Dawn: a GPU, else Mesa's llvmpipe) and 'cuda'
// (where @tensorflow/tfjs-node-gpu is installed). Registering loads nothing heavy: each
// backend loads its native parts when a fit first asks for it.
import '@bcnmf/backend-cpu';
import '@bcnmf/backend-webgpu';
import '@bcnmf/backend-cuda';

export * from '@bcnmf/core';
