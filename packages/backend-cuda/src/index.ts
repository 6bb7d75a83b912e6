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
  TfNamespace,
  TfjsNodeImporter,
  TfjsNodeModule,
  TfjsNodePackage,
} from './adapter.js';
