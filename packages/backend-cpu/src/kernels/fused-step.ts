import type * as tfjs from '@tensorflow/tfjs-core';
import { csrArrays, type CsrTensor } from './sparse-tensor.js';
import { kernelState } from './state.js';
import { floatValues } from './tensor-values.js';

// Core's step types, restated structurally (this package does not depend on core).
interface StepState {
  basis: tfjs.Tensor2D;
  targetCoefficients: tfjs.Tensor2D;
  backgroundCoefficients: tfjs.Tensor2D[];
}
interface StepData {
  target: tfjs.Tensor2D | CsrTensor;
  backgrounds: Array<tfjs.Tensor2D | CsrTensor>;
}
interface StepParams {
  loss: 'frobenius' | 'poisson';
  alphas: readonly number[];
  eps: number;
  damping: number;
}

function isSparse(data: tfjs.Tensor2D | CsrTensor): data is CsrTensor {
  return (data as { kind?: string }).kind === 'csr';
}

/**
 * One whole bcNMF iteration on the native kernels (core's optional `ComputeOps.step`):
 * each data set in one pass over its rows (new coefficients, then the basis statistics
 * while the rows are in cache) — dense data sets by the dense fused pass, sparse (CSR)
 * ones by the CSR fused pass over their stored entries only, in any mix — then the
 * basis update. Same order and formulas as core's composed step (for sparse data the
 * Poisson ratio is taken at the stored entries, as core's sparse path does); no n x m
 * temporaries. Returns null (core composes the step itself) without the native kernels
 * or where the shapes do not match.
 */
export function fusedStep(state: StepState, data: StepData, params: StepParams): StepState | null {
  const { tf, native } = kernelState;
  if (!native) return null;
  const { loss, alphas, eps, damping } = params;
  const poisson = loss === 'poisson';
  const [k, m] = state.basis.shape;
  const backgrounds = data.backgrounds;
  const sets = [
    { x: data.target, h: state.targetCoefficients, statistics: true },
    ...backgrounds.map((x, b) => ({ x, h: state.backgroundCoefficients[b], statistics: alphas[b] > 0 })),
  ];
  if (sets.some(({ x, h }) => !h || x.shape[1] !== m || h.shape[0] !== x.shape[0] || h.shape[1] !== k)) return null;
  const w = floatValues(state.basis);
  const massSize = poisson ? k : k * k;
  const cross = new Float32Array(sets.length * k * m);
  const mass = new Float32Array(sets.length * massSize);
  const coefficients = sets.map(({ x, h, statistics }, slot) => {
    const n = x.shape[0];
    const hNew = new Float32Array(n * k);
    const crossSlot = statistics ? cross.subarray(slot * k * m, (slot + 1) * k * m) : null;
    const massSlot = statistics ? mass.subarray(slot * massSize, (slot + 1) * massSize) : null;
    if (isSparse(x)) {
      const { indptr, indices, values } = csrArrays(x);
      native.sparse.fusedPass(poisson, n, m, k, indptr, indices, values, floatValues(h), w, eps, damping, hNew, crossSlot, massSlot);
    } else {
      native.fusedPass(poisson, n, m, k, floatValues(x), floatValues(h), w, eps, damping, hNew, crossSlot, massSlot);
    }
    return hNew;
  });
  const basis = new Float32Array(k * m);
  native.basisUpdate(poisson, k, m, backgrounds.length, w, cross, mass, Float32Array.from(alphas), eps, damping, basis);
  return {
    basis: tf.tensor2d(basis, [k, m], 'float32'),
    targetCoefficients: tf.tensor2d(coefficients[0], [sets[0].x.shape[0], k], 'float32'),
    backgroundCoefficients: coefficients.slice(1).map((h, b) => tf.tensor2d(h, [backgrounds[b].shape[0], k], 'float32')),
  };
}
