import { BcnmfError } from '@bcnmf/core';

/**
 * Error helpers: every bad input to this package throws a `BcnmfError` from
 * `@bcnmf/core`, with code `INVALID_DATA`, `INVALID_OPTION` or `INVALID_MODEL`.
 *
 * @example
 * try { getMethod('tsne'); } catch (e) { (e as BcnmfError).code; } // 'INVALID_OPTION'
 */
export function invalidData(message: string): BcnmfError {
  return new BcnmfError('INVALID_DATA', message);
}

/** A `BcnmfError` with code `INVALID_OPTION`. */
export function invalidOption(message: string): BcnmfError {
  return new BcnmfError('INVALID_OPTION', message);
}

/** A `BcnmfError` with code `INVALID_MODEL`. */
export function invalidModel(message: string): BcnmfError {
  return new BcnmfError('INVALID_MODEL', message);
}

/** Checks that `value` is an integer in `[min, max]`, else throws `INVALID_OPTION`. */
export function checkInteger(name: string, value: unknown, min: number, max = Number.POSITIVE_INFINITY): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    const range = max === Number.POSITIVE_INFINITY ? `>= ${min}` : `in [${min}, ${max}]`;
    throw invalidOption(`${name} must be an integer ${range}, got ${String(value)}`);
  }
  return value;
}

/** Checks that `value` is a finite number >= `min`, else throws `INVALID_OPTION`. */
export function checkNumber(name: string, value: unknown, min: number, exclusiveMin = false): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || (exclusiveMin && value === min)) {
    throw invalidOption(`${name} must be a finite number ${exclusiveMin ? '>' : '>='} ${min}, got ${String(value)}`);
  }
  return value;
}

/** Checks that `value` is a boolean, else throws `INVALID_OPTION`. */
export function checkBoolean(name: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw invalidOption(`${name} must be true or false, got ${String(value)}`);
  return value;
}
