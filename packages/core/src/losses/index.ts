import { BcnmfError } from '../errors.js';
import { frobeniusLoss } from './frobenius.js';
import type { LossDefinition } from './loss.js';
import { poissonLoss } from './poisson.js';

/**
 * Every loss bcnmf fits, by name. Adding a loss = one module implementing
 * {@link LossDefinition} and its line here (docs/ARCHITECTURE.md walks through one);
 * the `Loss` type, option checks, help texts and model loading follow from this table.
 */
export const LOSSES = {
  frobenius: frobeniusLoss,
  poisson: poissonLoss,
} as const;

/** The name of a loss bcnmf fits: 'frobenius' (squared error) or 'poisson' (KL divergence). */
export type Loss = keyof typeof LOSSES;

/** The loss names, in the order of {@link LOSSES}. */
export const LOSS_NAMES = Object.keys(LOSSES) as Loss[];

/** Whether `name` is one of {@link LOSS_NAMES}. */
export function isLoss(name: unknown): name is Loss {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(LOSSES, name);
}

/** The definition of loss `name`; a `BcnmfError` naming the losses for anything else. */
export function lossDefinition(name: Loss): LossDefinition<Loss> {
  if (!isLoss(name)) {
    throw new BcnmfError('INVALID_OPTION', `loss must be ${LOSS_NAMES.map((n) => `'${n}'`).join(' or ')}, got ${String(name)}`);
  }
  return LOSSES[name];
}

export type { LossDefinition, RatioTerms } from './loss.js';
