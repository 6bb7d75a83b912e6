import * as tf from '@tensorflow/tfjs-core';
import type { DenseMatrix } from '../matrix/dense-matrix.js';
import { dataShape } from '../compute/data-tensor.js';
import type { ComputeOps } from '../contract/compute-ops.js';
import type { DataTensors, FactorState } from '../contract/tensors.js';
import type { InitMethod } from '../options.js';
import { startGenerator, uniformArray } from '../random.js';
import { nndsvd, projectOntoBasis } from './nndsvd.js';

/** A checked explicit start (public layout). */
export interface CheckedCustomInit {
  W: DenseMatrix;
  Htarget: DenseMatrix;
  /** One per background. */
  Hbackground: DenseMatrix[];
}

function tensorOf(m: DenseMatrix): tf.Tensor2D {
  const data = m.data instanceof Float32Array ? m.data : Float32Array.from(m.data);
  return tf.tensor2d(data, [m.rows, m.columns]);
}

/**
 * The factors a start begins from. 'random' draws W, then the target's, then the
 * background's coefficients uniformly in [0, 1) from the start's own seeded generator
 * (the reference's initialisation); 'nndsvd'/'nndsvda' take W and the target's
 * coefficients from the target's NNDSVD and project the background onto that W.
 */
export async function initialFactors(
  ops: ComputeOps,
  init: InitMethod | CheckedCustomInit,
  data: DataTensors,
  k: number,
  seed: number,
  start: number,
): Promise<{ state: FactorState; zeros: number }> {
  const [targetRows, features] = dataShape(data.target);
  const backgroundRows = data.backgrounds.map((b) => dataShape(b)[0]);
  if (typeof init === 'object') {
    return {
      state: {
        basis: tensorOf(init.W),
        targetCoefficients: tensorOf(init.Htarget),
        backgroundCoefficients: init.Hbackground.map(tensorOf),
      },
      zeros: 0,
    };
  }
  if (init === 'random') {
    const random = startGenerator(seed, start);
    const basis = uniformArray(random, k * features);
    const target = uniformArray(random, targetRows * k);
    const backgrounds = backgroundRows.map((rows) => uniformArray(random, rows * k));
    return {
      state: {
        basis: tf.tensor2d(basis, [k, features]),
        targetCoefficients: tf.tensor2d(target, [targetRows, k]),
        backgroundCoefficients: backgrounds.map((values, b) => tf.tensor2d(values, [backgroundRows[b], k])),
      },
      zeros: 0,
    };
  }
  const factors = await nndsvd(ops, data.target, k, init === 'nndsvda', seed);
  const backgrounds: Float32Array[] = [];
  for (const background of data.backgrounds) backgrounds.push(await projectOntoBasis(ops, background, factors.basis, k));
  return {
    state: {
      basis: tf.tensor2d(factors.basis, [k, features]),
      targetCoefficients: tf.tensor2d(factors.coefficients, [targetRows, k]),
      backgroundCoefficients: backgrounds.map((values, b) => tf.tensor2d(values, [backgroundRows[b], k])),
    },
    zeros: init === 'nndsvd' ? factors.zeros : 0,
  };
}
