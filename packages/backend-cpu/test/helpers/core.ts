// Core's reference path, from its sources: @bcnmf/core depends on this package, so a
// devDependency back on it would make a cycle in the workspace graph (turbo refuses one).
export { CsrMatrix, fitBcnmf, plainOps, registerBackend } from '../../../core/src/index.js';
export type { BcnmfModel, ComputeOps, SparseTensor } from '../../../core/src/index.js';
// core's composed iteration (its reference for a backend's fused `step`)
export { step as composedStep } from '../../../core/src/compute/updates.js';
export type { DataTensors, FactorState, StepParams } from '../../../core/src/compute/updates.js';
