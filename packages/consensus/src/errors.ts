import { BcnmfError } from '@bcnmf/core';

/**
 * - `INVALID_OPTION` / `INVALID_DATA`: bad input, refused before any work (thrown as
 *   core's {@link BcnmfError}, so apps map them as they map a fit's).
 * - `CLUSTERING_FAILED`: the restarts ran but their topics cannot be clustered into k
 *   consensus topics (the outlier filter left too few, or a cluster came out empty); the
 *   message says what to change.
 */
export type ConsensusErrorCode = 'CLUSTERING_FAILED';

/** A consensus that could not be formed from the restarts it ran (see {@link ConsensusErrorCode}). */
export class ConsensusError extends Error {
  readonly code: ConsensusErrorCode;
  constructor(code: ConsensusErrorCode, message: string) {
    super(message);
    this.name = 'ConsensusError';
    this.code = code;
  }
}

/** A bad option: core's error with code INVALID_OPTION. */
export function invalidOption(message: string): BcnmfError {
  return new BcnmfError('INVALID_OPTION', message);
}

/** An integer >= min, or an INVALID_OPTION error naming it. */
export function checkInteger(name: string, value: unknown, min: number): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    throw invalidOption(`${name} must be an integer >= ${min}, got ${JSON.stringify(value) ?? String(value)}`);
  }
  return value;
}

/** A finite number in (min, max] (or [min, max] with `closedMin`), or an INVALID_OPTION error. */
export function checkRange(name: string, value: unknown, min: number, max: number, closedMin = false): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || (closedMin ? value < min : value <= min) || value > max) {
    throw invalidOption(`${name} must be a number in ${closedMin ? '[' : '('}${min}, ${max}], got ${JSON.stringify(value) ?? String(value)}`);
  }
  return value;
}
