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
export { registerWithCore } from './register.js';
export type {
  CudaAdapter,
  CudaAdapterOptions,
  CudaBackendProbe,
  TfNamespace,
  TfjsNodeImporter,
  TfjsNodeModule,
  TfjsNodePackage,
} from './adapter.js';

import { registerWithCore } from './register.js';

// Importing the package once makes backend 'cuda' known to @bcnmf/core.
await registerWithCore();
