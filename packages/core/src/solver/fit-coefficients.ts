import * as tf from '@tensorflow/tfjs-core';
import { dataSize, disposeData, uploadMatrix } from '../compute/data-tensor.js';
import { scoreConstants, scoreRecord, type ScoreRecord } from '../compute/score.js';
import { updateCoefficients, type UpdateRule } from '../compute/updates.js';
import type { ComputeOps } from '../contract/compute-ops.js';
import type { DataTensor } from '../contract/tensors.js';
import type { CsrMatrix } from '../matrix/csr-matrix.js';
import type { DenseMatrix } from '../matrix/dense-matrix.js';
import { runIterations, type IterationResult } from './driver.js';

/** What {@link fitCoefficients} needs besides the operations and the update rule. */
export interface CoefficientFit {
  /** W, k x features, fixed. */
  basis: DenseMatrix;
  /** The data sets whose coefficients are fitted (samples x features each). */
  data: readonly (DenseMatrix | CsrMatrix)[];
  /** Their starting coefficients (samples x k, row-major), one per data set. */
  starts: readonly Float32Array[];
  /** Their names in messages (e.g. 'samples', or 'target', 'background'). */
  roles: readonly string[];
  maxIter: number;
  tol: number;
  scoreEvery: number;
  signal?: AbortSignal;
  /**
   * The contrastive weights of the backgrounds (data sets 2, 3, ...): when given, the
   * result also has `contrastiveHistory`, the same checks scored as a fit is
   * (MSE_X − Σ α·MSE_Y, or the Poisson form), for a model with this W.
   */
  alphas?: readonly number[];
}

/**
 * The coefficients of data sets with the basis W fixed: the same multiplicative
 * coefficient update as a fit, iterated by the same loop (abort, divergence, tolerance),
 * as scikit-learn's NMF `transform` reuses its solver with the components fixed. Used by
 * `BcnmfModel.transform`. The tracked score is the sum of the data sets' score terms
 * (each data set's coefficients are independent once W is fixed).
 */
export async function fitCoefficients(
  ops: ComputeOps,
  rule: UpdateRule,
  fit: CoefficientFit,
): Promise<IterationResult & { coefficients: Float32Array[]; contrastiveHistory: ScoreRecord[] }> {
  const { loss, eps, damping } = rule;
  const [k, features] = [fit.basis.rows, fit.basis.columns];
  const data: DataTensor[] = [];
  const coefficients: tf.Tensor2D[] = [];
  const basis = tf.tensor2d(Float32Array.from(fit.basis.data), [k, features]);
  try {
    fit.data.forEach((matrix, i) => {
      data.push(uploadMatrix(matrix));
      coefficients.push(tf.tensor2d(fit.starts[i], [matrix.rows, k]));
    });
    const constants = await scoreConstants(ops, loss, { target: data[0], backgrounds: data.slice(1) });
    const counts = data.map(dataSize);
    // one entry per score check, as the loop's history (both start with iteration 0)
    const contrastiveHistory: ScoreRecord[] = [];
    const score = async (iteration: number) => {
      const stacked = tf.tidy(() => tf.stack(data.map((d, i) => loss.scoreSum(ops, { data: d, coefficients: coefficients[i], basis, eps }))));
      const sums = await stacked.data();
      stacked.dispose();
      if (fit.alphas) contrastiveHistory.push(scoreRecord(iteration, loss, sums, counts, constants, fit.alphas));
      const record = scoreRecord(iteration, loss, sums, counts, constants, []);
      return { ...record, score: counts.reduce((total, count, i) => total + loss.trackedTerm(sums[i], count), 0) };
    };
    const run = await runIterations({
      initial: await score(0),
      advance: (iteration, scoring) => {
        for (let i = 0; i < data.length; i++) {
          const next = updateCoefficients(ops, rule, { data: data[i], coefficients: coefficients[i], basis, eps });
          coefficients[i].dispose();
          coefficients[i] = next;
        }
        return scoring ? score(iteration) : null;
      },
    }, {
      maxIter: fit.maxIter,
      scoreEvery: fit.scoreEvery,
      tol: fit.tol,
      signal: fit.signal,
      roles: fit.roles,
      unit: 'iteration',
      hints: { alphas: [], damping },
    });
    const values = (await Promise.all(coefficients.map((c) => c.data()))) as Float32Array[];
    return { ...run, coefficients: values.map((v) => Float32Array.from(v)), contrastiveHistory };
  } finally {
    data.forEach(disposeData);
    tf.dispose([basis, ...coefficients]);
  }
}
