import * as tf from '@tensorflow/tfjs-core';
import type { ComputeOps } from '../contract/compute-ops.js';
import type { DataTensors, FactorState } from '../contract/tensors.js';
import type { LossDefinition } from '../losses/loss.js';
import { dataSize } from './data-tensor.js';

/** One entry of a fit's history. */
export interface ScoreRecord {
  /** Iterations done when the scores were taken (0 = the initial state). */
  iteration: number;
  /**
   * Target reconstruction error per element: mean squared error (Frobenius) or mean
   * generalized KL divergence Σ(X log(X/WH) − X + WH)/numel (Poisson).
   */
  targetError: number;
  /** The same for the (first) background; null when fitting plain NMF. */
  backgroundError: number | null;
  /** The same for every background, in order (empty for plain NMF). */
  backgroundErrors: number[];
  /**
   * The tracked score (ALGORITHM.md §2-3): MSE_X − Σ α_b·MSE_Y_b for Frobenius (lower is
   * better); LL_X/numel(X) − Σ α_b·LL_Y_b/numel(Y_b) for Poisson (higher is better).
   */
  score: number;
}

/**
 * Per-data-set constants of the errors (the loss's `scoreConstant`, e.g. Σ X log X − X
 * for Poisson), target first, computed once per fit; zeros where the loss has none.
 */
export async function scoreConstants(ops: ComputeOps, loss: LossDefinition, data: DataTensors): Promise<number[]> {
  const all = [data.target, ...data.backgrounds];
  if (!loss.scoreConstant) return all.map(() => 0);
  const parts = all.map((d) => loss.scoreConstant!(ops, d));
  const stacked = tf.stack(parts);
  tf.dispose(parts);
  const values = await stacked.data();
  stacked.dispose();
  return Array.from(values);
}

/**
 * A history entry from per-data-set score sums (target first, then each background):
 * their entry counts and their constants.
 */
export function scoreRecord(
  iteration: number,
  loss: LossDefinition,
  sums: ArrayLike<number>,
  counts: readonly number[],
  constants: readonly number[],
  alphas: readonly number[],
): ScoreRecord {
  const errors = counts.map((count, i) => loss.error(sums[i], count, constants[i]));
  const terms = counts.map((count, i) => loss.trackedTerm(sums[i], count));
  const backgroundErrors = errors.slice(1);
  return {
    iteration,
    targetError: errors[0],
    backgroundError: backgroundErrors[0] ?? null,
    backgroundErrors,
    score: terms[0] - alphas.reduce((acc, alpha, b) => acc + alpha * terms[b + 1], 0),
  };
}

/**
 * The history entry for `state`: the errors and the tracked score, read back from the
 * device in one transfer.
 */
export async function computeScores(
  ops: ComputeOps,
  loss: LossDefinition,
  { iteration, state, data, alphas, eps, constants }: {
    iteration: number;
    state: FactorState;
    data: DataTensors;
    alphas: readonly number[];
    eps: number;
    constants: readonly number[];
  },
): Promise<ScoreRecord> {
  const stacked = tf.tidy(() => tf.stack([
    loss.scoreSum(ops, { data: data.target, coefficients: state.targetCoefficients, basis: state.basis, eps }),
    ...data.backgrounds.map((background, b) =>
      loss.scoreSum(ops, { data: background, coefficients: state.backgroundCoefficients[b], basis: state.basis, eps })),
  ]));
  const sums = await stacked.data();
  stacked.dispose();
  const counts = [data.target, ...data.backgrounds].map(dataSize);
  return scoreRecord(iteration, loss, sums, counts, constants, alphas);
}
