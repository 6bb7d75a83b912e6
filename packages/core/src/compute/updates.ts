import * as tf from '@tensorflow/tfjs-core';
import type { ComputeOps } from '../contract/compute-ops.js';
import type { CoefficientPass, RatioArgs, UpdateSettings, WeightedStatistics } from '../contract/params.js';
import type { BasisStatistics, DataTensor, DataTensors, FactorState } from '../contract/tensors.js';
import { isLoss, type Loss } from '../losses/index.js';
import type { LossDefinition } from '../losses/loss.js';

/** A loss with its update settings: what every update below needs besides the tensors. */
export interface UpdateRule extends UpdateSettings {
  loss: LossDefinition;
}

/**
 * The loss's name for a backend's fused kernels, which know only core's own losses
 * (a loss defined elsewhere, e.g. in a test, always runs the composed path).
 */
function fusedLossName(loss: LossDefinition): Loss | null {
  return isLoss(loss.name) ? loss.name : null;
}

/**
 * One multiplicative update of the coefficients of `data` with the basis fixed:
 * H ∘ (numerator ⊘ (denominator + eps))^damping with the loss's terms. A new tensor;
 * the inputs are kept.
 */
export function updateCoefficients(
  ops: ComputeOps,
  { loss, eps, damping }: UpdateRule,
  factors: RatioArgs,
): tf.Tensor2D {
  return tf.tidy(() => {
    const { numerator, denominator } = loss.coefficientTerms(ops, { ...factors, eps });
    return ops.multiplicativeUpdate({ current: factors.coefficients, numerator, denominator, eps, damping });
  });
}

/** The loss's basis statistics of `data` with coefficients `coefficients` and the current basis. */
export function basisStatistics(ops: ComputeOps, { loss, eps }: UpdateRule, factors: RatioArgs): BasisStatistics {
  return tf.tidy(() => {
    const { cross, mass } = loss.statistics(ops, { ...factors, eps });
    return { cross, mass };
  });
}

/** `a + b`, disposing both (for accumulating batches' statistics). */
export function addStatistics(a: BasisStatistics | null, b: BasisStatistics): BasisStatistics {
  if (!a) return b;
  const sum = { cross: tf.add(a.cross, b.cross) as tf.Tensor2D, mass: tf.add(a.mass, b.mass) as tf.Tensor2D };
  tf.dispose([a.cross, a.mass, b.cross, b.mass]);
  return sum;
}

/**
 * The basis update from the target's and the backgrounds' statistics (the backend's
 * fused `basisUpdate` where it provides one, else the loss's terms). With no background
 * (or every α = 0) this is the NMF update of W. A new tensor.
 */
export function applyBasisUpdate(
  ops: ComputeOps,
  rule: UpdateRule,
  basis: tf.Tensor2D,
  target: BasisStatistics,
  backgrounds: readonly WeightedStatistics[],
): tf.Tensor2D {
  const { loss, eps, damping } = rule;
  const name = fusedLossName(loss);
  const fused = name && ops.basisUpdate?.({ loss: name, basis, target, backgrounds, eps, damping });
  if (fused) return fused;
  return tf.tidy(() => {
    const { numerator, denominator } = loss.basisTerms({ basis, target, backgrounds });
    return ops.multiplicativeUpdate({ current: basis, numerator, denominator, eps, damping });
  });
}

/**
 * One data set's share of an iteration: its coefficients updated with the basis fixed
 * and, when `withStatistics`, the basis statistics of the new coefficients (with the
 * same basis). The backend's fused `coefficientsAndStatistics` where it provides one,
 * else {@link updateCoefficients} then {@link basisStatistics}.
 */
export function coefficientsAndStatistics(
  ops: ComputeOps,
  rule: UpdateRule,
  factors: { data: DataTensor; coefficients: tf.Tensor2D; basis: tf.Tensor2D },
  withStatistics: boolean,
): CoefficientPass {
  const { loss, eps, damping } = rule;
  const name = fusedLossName(loss);
  const fused = name && ops.coefficientsAndStatistics?.({ loss: name, ...factors, eps, damping, withStatistics });
  if (fused) return fused;
  const updated = updateCoefficients(ops, rule, { ...factors, eps });
  return {
    coefficients: updated,
    statistics: withStatistics ? basisStatistics(ops, rule, { ...factors, coefficients: updated, eps }) : null,
  };
}

/**
 * One bcNMF iteration in the reference's order: target coefficients, each background's
 * coefficients, then the basis from the new coefficients (each data set's statistics
 * are gathered right after its coefficients: they depend only on those and the old
 * basis). Returns new tensors; the caller disposes the old state. The backend's fused
 * `step` runs instead where it provides one and it applies.
 */
export function step(ops: ComputeOps, rule: UpdateRule, alphas: readonly number[], state: FactorState, data: DataTensors): FactorState {
  const { loss, eps, damping } = rule;
  const name = fusedLossName(loss);
  const fused = name && ops.step?.({ state, data, params: { loss: name, alphas, eps, damping } });
  if (fused) return fused;
  const { basis } = state;
  const target = coefficientsAndStatistics(ops, rule, { data: data.target, coefficients: state.targetCoefficients, basis }, true);
  const backgrounds = data.backgrounds.map((background, b) =>
    coefficientsAndStatistics(ops, rule, { data: background, coefficients: state.backgroundCoefficients[b], basis }, alphas[b] > 0));
  const next = applyBasisUpdate(
    ops, rule, basis, target.statistics!,
    backgrounds.flatMap((b, i) => (b.statistics ? [{ statistics: b.statistics, alpha: alphas[i] }] : [])),
  );
  for (const { statistics } of [target, ...backgrounds]) if (statistics) tf.dispose([statistics.cross, statistics.mass]);
  return { basis: next, targetCoefficients: target.coefficients, backgroundCoefficients: backgrounds.map((b) => b.coefficients) };
}
