import * as tf from '@tensorflow/tfjs-core';
import type { ComputeOps } from '../contract/compute-ops.js';
import type { RatioArgs } from '../contract/params.js';
import { isSparse, type DataTensor } from '../contract/tensors.js';

/** Rows per chunk so that a chunk's temporaries stay near 4 M values (16 MB). */
function chunkRows(columns: number): number {
  return Math.max(1, Math.floor(4_000_000 / Math.max(1, columns)));
}

/**
 * Σ over row chunks of `data` of `sumOfChunk(rows start..start+count)`, so that no n x m
 * temporary exists whole. Returns a scalar tensor.
 */
function sumOverRowChunks(data: tf.Tensor2D, sumOfChunk: (start: number, count: number) => tf.Tensor): tf.Scalar {
  const [rows, columns] = data.shape;
  const size = chunkRows(columns);
  return tf.tidy(() => {
    const parts: tf.Tensor[] = [];
    for (let start = 0; start < rows; start += size) {
      const count = Math.min(size, rows - start);
      parts.push(tf.tidy(() => sumOfChunk(start, count)));
    }
    return (parts.length === 1 ? parts[0] : tf.addN(parts)) as tf.Scalar;
  });
}

/** Σ over entries of term(X, H W), in row chunks; each row summed first (less float32 rounding). */
function sumOfTerm(
  data: tf.Tensor2D,
  coefficients: tf.Tensor2D,
  basis: tf.Tensor2D,
  term: (data: tf.Tensor2D, reconstruction: tf.Tensor2D) => tf.Tensor,
): tf.Scalar {
  const [rows, columns] = data.shape;
  return sumOverRowChunks(data, (start, count) => {
    const x = count === rows ? data : tf.slice(data, [start, 0], [count, columns]);
    const h = count === rows ? coefficients : tf.slice(coefficients, [start, 0], [count, -1]);
    return tf.sum(tf.sum(term(x, tf.matMul(h, basis)), 1));
  });
}

/** Σ over all entries of (H W)²: sum((Hᵀ H) ∘ (W Wᵀ)), k x k work instead of n x m. */
function reconstructionSquareSum(coefficients: tf.Tensor2D, basis: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => {
    const coefficientGram = tf.matMul(tf.transpose(coefficients), coefficients);
    const basisGram = tf.matMul(basis, tf.transpose(basis));
    return tf.sum(tf.mul(coefficientGram, basisGram));
  });
}

/** Σ of a tensor that may have no entries (tfjs-backend-webgpu cannot sum an empty one). */
function sumOf(values: tf.Tensor): tf.Scalar {
  return values.size === 0 ? tf.scalar(0) : tf.sum(values);
}

/** ‖X − H W‖²_F as a scalar tensor. */
export function squaredErrorSum(ops: ComputeOps, { data, coefficients, basis }: RatioArgs): tf.Scalar {
  if (isSparse(data)) {
    // Σ over stored entries of (x − r)², plus r² over the zeros: (Σ_all r²) − Σ_stored r².
    return tf.tidy(() => {
      const r = ops.sparseReconstruction({ data, coefficients, basis });
      const stored = sumOf(tf.square(tf.sub(data.values, r)));
      const zeros = tf.sub(reconstructionSquareSum(coefficients, basis), sumOf(tf.square(r)));
      return tf.add(stored, tf.relu(zeros)) as tf.Scalar;
    });
  }
  return ops.reconstructionSum?.({ kind: 'squaredError', data, coefficients, basis, eps: 0 }) ??
    sumOfTerm(data, coefficients, basis, (x, r) => tf.square(tf.sub(x, r)));
}

/** Σ (X ∘ log(H W + eps) − H W): the Poisson log-likelihood without its log-factorial term. */
export function poissonLogLikelihoodSum(ops: ComputeOps, { data, coefficients, basis, eps }: RatioArgs): tf.Scalar {
  if (isSparse(data)) {
    // zeros add nothing to Σ x log(r); Σ_all r = Σₖ (Σᵢ Hᵢₖ)(Σⱼ Wₖⱼ)
    return tf.tidy(() => {
      const r = ops.sparseReconstruction({ data, coefficients, basis });
      const logTerm = sumOf(tf.mul(data.values, tf.log(tf.add(r, eps))));
      const total = tf.sum(tf.mul(tf.sum(coefficients, 0), tf.sum(basis, 1)));
      return tf.sub(logTerm, total) as tf.Scalar;
    });
  }
  return ops.reconstructionSum?.({ kind: 'poissonLogLikelihood', data, coefficients, basis, eps }) ??
    sumOfTerm(data, coefficients, basis, (x, r) => tf.sub(tf.mul(x, tf.log(tf.add(r, eps))), r));
}

/** Σ (X log X − X) with 0 log 0 = 0: turns a log-likelihood into a KL divergence. */
export function poissonDivergenceConstant(ops: ComputeOps, data: DataTensor): tf.Scalar {
  const term = (values: tf.Tensor): tf.Tensor => {
    const positive = tf.greater(values, 0);
    const safe = tf.where(positive, values, tf.onesLike(values));
    return tf.sub(tf.mul(values, tf.log(safe)), values);
  };
  if (isSparse(data)) return tf.tidy(() => sumOf(term(data.values)));
  const fused = ops.divergenceConstant?.(data);
  if (fused) return fused;
  const [rows, columns] = data.shape;
  return sumOverRowChunks(data, (start, count) =>
    tf.sum(tf.sum(term(count === rows ? data : tf.slice(data, [start, 0], [count, columns])), 1)));
}
