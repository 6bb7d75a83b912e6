// @bcnmf/backend-cuda: importing it registers the 'cuda' backend with @bcnmf/core.
// Nothing loads until a fit asks for it: @tensorflow/tfjs-node-gpu (or tfjs-node) is
// imported by the adapter's probe and activation, with a message for each failure.
import { registerBackend } from '@bcnmf/core';
import { cudaAdapter } from './adapter.js';

registerBackend(cudaAdapter);

export {
  CudaBackendError,
  LIBTENSORFLOW_VERSION,
  SUPPORTED_TFJS_NODE_VERSION,
  TFJS_NODE_PACKAGES,
  createCudaAdapter,
  cudaAdapter,
  explainLoadError,
  isNotInstalledError,
} from './adapter.js';
export type {
  CudaAdapter,
  CudaAdapterOptions,
  CudaBackendProbe,
  TfjsNodeImporter,
  TfjsNodeModule,
  TfjsNodePackage,
} from './adapter.js';
