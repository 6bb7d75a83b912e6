import { isSparse, type BasisUpdateArgs, type CoefficientPass, type CoefficientPassArgs } from '@bcnmf/core';
import type * as tfjs from '@tensorflow/tfjs-core';
import { csrArrays } from './sparse-tensor.js';
import { kernelState } from './state.js';
import { floatValues } from './tensor-values.js';


/**
 * Core's optional `ComputeOps.coefficientsAndStatistics` on the native kernels: a data
 * set's new coefficients and (when asked) its basis statistics in one pass over its rows
 * (bcnmf_fused_pass in native/kernels.c for dense data, bcnmf_csr_fused_pass in
 * native/sparse.c for CSR data, where the Poisson ratio is taken at the stored entries
 * as core's sparse path takes it). Core uses it for full-batch iterations and for each
 * minibatch. Returns null without the native kernels.
 */
export function coefficientsAndStatistics(args: CoefficientPassArgs): CoefficientPass | null {
  const { loss, data, coefficients, basis, eps, damping, withStatistics } = args;
  const { tf, native } = kernelState;
  // the kernels know these two losses; any other runs core's composed path
  if (!native || (loss !== 'frobenius' && loss !== 'poisson')) return null;
  const [n, m] = data.shape;
  const k = basis.shape[0];
  if (basis.shape[1] !== m || coefficients.shape[0] !== n || coefficients.shape[1] !== k) return null;
  const poisson = loss === 'poisson';
  const hNew = new Float32Array(n * k);
  const cross = withStatistics ? new Float32Array(k * m) : null;
  const mass = withStatistics ? new Float32Array(poisson ? k : k * k) : null;
  const h = floatValues(coefficients);
  const w = floatValues(basis);
  if (isSparse(data)) {
    const { indptr, indices, values } = csrArrays(data);
    native.sparse.fusedPass(poisson, n, m, k, indptr, indices, values, h, w, eps, damping, hNew, cross, mass);
  } else {
    native.fusedPass(poisson, n, m, k, floatValues(data), h, w, eps, damping, hNew, cross, mass);
  }
  return {
    coefficients: tf.tensor2d(hNew, [n, k], 'float32'),
    statistics: cross && mass
      ? { cross: tf.tensor2d(cross, [k, m], 'float32'), mass: tf.tensor2d(mass, poisson ? [k, 1] : [k, k], 'float32') }
      : null,
  };
}

/**
 * Core's optional `ComputeOps.basisUpdate` on the native kernels (bcnmf_basis_update):
 * the statistics are stacked into one array and combined in one pass. Returns null
 * without the native kernels.
 */
export function basisUpdate({ loss, basis, target, backgrounds, eps, damping }: BasisUpdateArgs): tfjs.Tensor2D | null {
  const { tf, native } = kernelState;
  if (!native || (loss !== 'frobenius' && loss !== 'poisson')) return null;
  const poisson = loss === 'poisson';
  const [k, m] = basis.shape;
  const massSize = poisson ? k : k * k;
  const used = backgrounds.filter((b) => b.alpha > 0);
  const sets = [target, ...used.map((b) => b.statistics)];
  if (sets.some((s) => s.cross.shape[0] !== k || s.cross.shape[1] !== m || s.mass.size !== massSize)) return null;
  const cross = new Float32Array(sets.length * k * m);
  const mass = new Float32Array(sets.length * massSize);
  sets.forEach((s, slot) => {
    cross.set(floatValues(s.cross), slot * k * m);
    mass.set(floatValues(s.mass), slot * massSize);
  });
  const out = new Float32Array(k * m);
  native.basisUpdate(poisson, k, m, used.length, floatValues(basis), cross, mass, Float32Array.from(used, (b) => b.alpha), eps, damping, out);
  return tf.tensor2d(out, [k, m], 'float32');
}
