import * as tf from '@tensorflow/tfjs-core';
import type { ComputeOps } from '../contract/compute-ops.js';
import type { FactorsOf } from '../contract/params.js';
import type { SparseTensor } from '../contract/tensors.js';
import { withValues } from './data-tensor.js';

/** (coefficients · basis) at each stored entry of `data`: Σₖ H[row, k] W[k, col]. */
export function reconstructionAtEntries({ data, coefficients, basis }: FactorsOf<SparseTensor>): tf.Tensor1D {
  return tf.tidy(() => {
    const rows = tf.gather(coefficients, data.rowIds);
    const columns = tf.gather(tf.transpose(basis), data.colIds);
    return tf.sum(tf.mul(rows, columns), 1) as tf.Tensor1D;
  });
}

/** Σ over the stored entries of value · (a row of `table` picked by `pick`), scattered by `into`. */
function gatherScale(table: tf.Tensor2D, pick: tf.Tensor1D, values: tf.Tensor1D): tf.Tensor2D {
  return tf.mul(tf.gather(table, pick), tf.expandDims(values, 1));
}

/**
 * {@link ComputeOps} as plain TensorFlow.js ops: runs on every tfjs backend and is the
 * reference that faster implementations are tested against. No product here asks for
 * a transposed operand (tfjs-backend-wasm runs those about 10x slower).
 */
export const plainOps: ComputeOps = {
  dataTimesThin(data, thin) {
    return tf.matMul(data, thin);
  },
  thinTransposedTimesData(thinT, data) {
    return tf.matMul(thinT, data);
  },
  multiplicativeUpdate({ current, numerator, denominator, eps, damping }) {
    return tf.tidy(() => {
      let ratio: tf.Tensor2D = tf.div(numerator, tf.add(denominator, eps));
      if (damping === 0.5) ratio = tf.sqrt(ratio);
      else if (damping !== 1) ratio = tf.pow(ratio, damping);
      return tf.mul(current, ratio);
    });
  },
  poissonRatio({ data, coefficients, basis, eps }) {
    return tf.tidy(() => tf.div(data, tf.add(tf.matMul(coefficients, basis), eps)));
  },
  // Sparse products as gather + scatter-add over the stored entries: out[i] = Σ_p
  // v_p · thin[col_p] over the entries p of row i (tf.scatterND adds repeated indices).
  // (A sparse matrix with no stored entries is zeros: tfjs-backend-webgpu's scatterND of
  // no updates returns uninitialised memory, so the products say so directly.)
  sparseTimesThin(data, thin) {
    if (data.values.size === 0) return tf.zeros([data.shape[0], thin.shape[1]]);
    return tf.tidy(() => {
      const contributions = gatherScale(thin, data.colIds, data.values);
      return tf.scatterND(tf.expandDims(data.rowIds, 1), contributions, [data.shape[0], thin.shape[1]]) as tf.Tensor2D;
    });
  },
  thinTransposedTimesSparse(thinT, data) {
    if (data.values.size === 0) return tf.zeros([thinT.shape[0], data.shape[1]]);
    return tf.tidy(() => {
      const contributions = gatherScale(tf.transpose(thinT), data.rowIds, data.values);
      const byColumn = tf.scatterND(tf.expandDims(data.colIds, 1), contributions, [data.shape[1], thinT.shape[0]]);
      return tf.transpose(byColumn) as tf.Tensor2D;
    });
  },
  sparseReconstruction(args) {
    return reconstructionAtEntries(args);
  },
  sparsePoissonRatio(args) {
    const values = tf.tidy(() => tf.div(args.data.values, tf.add(reconstructionAtEntries(args), args.eps)) as tf.Tensor1D);
    return withValues(args.data, values);
  },
};

/** The adapter's operations where it has them, the plain ones elsewhere. */
export function resolveOps(overrides: Partial<ComputeOps> | undefined): ComputeOps {
  return { ...plainOps, ...(overrides ?? {}) };
}
