// Core's public API and its testing entry (core is a peer and dev dependency of this package).
export { CsrMatrix, fitBcnmf, plainOps, registerBackend } from '@bcnmf/core';
export type { BackendAdapter, BcnmfModel, ComputeOps, DataTensors, FactorState, SparseTensor, StepParams } from '@bcnmf/core';
// core's composed iteration (its reference for a backend's fused kernels)
export { composedStep } from '@bcnmf/core/testing';
